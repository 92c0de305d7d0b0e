#define _GNU_SOURCE
#include "reaper.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "loop.h"
#include "process_internal.h"

static struct watch sigchld_watch = { .fd = -1 };

static void
reap_children (void)
{
  pid_t pid;
  int status;

  while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
    if (! process_exited (pid, status))
      log_debug ("reaped pid %d", pid);
}

static void
on_sigchld (struct watch *w, uint32_t events)
{
  struct signalfd_siginfo si;

  (void) events;
  /* SIGCHLD coalesces: the count says nothing, waitpid tells all. */
  while (read (w->fd, &si, sizeof (si)) == (ssize_t) sizeof (si))
    ;
  reap_children ();
}

int
reaper_init (agent_error_t *err)
{
  sigset_t set;

  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  if (sigprocmask (SIG_BLOCK, &set, NULL) < 0)
    return agent_make_error (err, errno, "cannot block SIGCHLD");
  sigchld_watch.fd = signalfd (-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sigchld_watch.fd < 0)
    return agent_make_error (err, errno, "cannot create signalfd");
  sigchld_watch.cb = on_sigchld;
  if (loop_add (&sigchld_watch, EPOLLIN, err) < 0)
    return -1;
  /* Children that exited before SIGCHLD was blocked sent no signal we can
     still read. */
  reap_children ();
  return 0;
}

#define _GNU_SOURCE
#include "reaper.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "loop.h"
#include "process_internal.h"

/* Enough for every process crun can start between two RPCs. */
#define UNCLAIMED_MAX 64

static struct watch sigchld_watch = { .fd = -1 };
static struct
{
  pid_t pid;
  int status;
} unclaimed[UNCLAIMED_MAX];
static unsigned unclaimed_next;
static reaper_exit_cb exit_cb;

static void
keep_unclaimed (pid_t pid, int status)
{
  unclaimed[unclaimed_next % UNCLAIMED_MAX].pid = pid;
  unclaimed[unclaimed_next % UNCLAIMED_MAX].status = status;
  unclaimed_next++;
}

void
reaper_set_exit_cb (reaper_exit_cb cb)
{
  exit_cb = cb;
}

bool
reaper_claim (pid_t pid, int *status)
{
  for (unsigned i = 0; i < UNCLAIMED_MAX; i++)
    if (unclaimed[i].pid == pid && pid > 0)
      {
        *status = unclaimed[i].status;
        unclaimed[i].pid = 0;
        return true;
      }
  return false;
}

static void
reap_children (void)
{
  pid_t pid;
  int status;

  while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
    if (! process_exited (pid, status) && ! (exit_cb && exit_cb (pid, status)))
      {
        log_debug ("reaped pid %d", pid);
        keep_unclaimed (pid, status);
      }
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

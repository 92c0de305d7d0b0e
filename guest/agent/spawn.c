#define _GNU_SOURCE
#include "process_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "oom_adj.h"

/* Pipe ends between fork and the hand-over to the loop; closed on every
   early return. Index 0, 1, 2 are stdin, stdout, stderr. */
struct pipes
{
  int child[3];
  int parent[3];
  int status_read;
  int status_write;
};

enum child_stage
{
  STAGE_SETUP,
  STAGE_CHDIR,
  STAGE_EXEC,
};

struct child_failure
{
  int stage;
  int errnum;
};

static void
pipes_close (struct pipes *p)
{
  for (int i = 0; i < 3; i++)
    {
      close_and_reset (&p->child[i]);
      close_and_reset (&p->parent[i]);
    }
  close_and_reset (&p->status_read);
  close_and_reset (&p->status_write);
}

static int
pipes_open (struct pipes *p, const int *child_stdio, agent_error_t *err)
{
  int fds[2];

  for (int i = 0; i < 3; i++)
    {
      if (child_stdio)
        {
          /* Above 2, so that the child's dup2 loop cannot clobber one. */
          p->child[i] = fcntl (child_stdio[i], F_DUPFD_CLOEXEC, 3);
          if (p->child[i] < 0)
            return agent_make_error (err, errno, "cannot duplicate the child's stdio");
          continue;
        }
      if (pipe2 (fds, O_CLOEXEC) < 0)
        return agent_make_error (err, errno, "cannot create pipe");
      /* stdin flows to the child, stdout and stderr from it. */
      p->child[i] = fds[i == 0 ? 0 : 1];
      p->parent[i] = fds[i == 0 ? 1 : 0];
      if (fcntl (p->parent[i], F_SETFL, O_NONBLOCK) < 0)
        return agent_make_error (err, errno, "cannot make pipe non-blocking");
    }
  if (pipe2 (fds, O_CLOEXEC) < 0)
    return agent_make_error (err, errno, "cannot create pipe");
  p->status_read = fds[0];
  p->status_write = fds[1];
  return 0;
}

static void __attribute__ ((noreturn)) child_fail (int status_fd, enum child_stage stage)
{
  struct child_failure f = { .stage = stage, .errnum = errno };

  if (write (status_fd, &f, sizeof (f)) < 0)
    _exit (126);
  _exit (127);
}

/* Ignored signals stay ignored across exec. glibc's sigaction refuses the
   signals it reserves (32, 33), which the agent may have inherited ignored,
   so this goes to the kernel: its struct sigaction for SIG_DFL, no flags
   and an empty mask is all zeros. */
static void
reset_signal_dispositions (void)
{
  const uint64_t kernel_sigaction[4] = { 0 };

  for (int sig = 1; sig < NSIG; sig++)
    syscall (SYS_rt_sigaction, sig, kernel_sigaction, NULL, sizeof (uint64_t));
}

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void __attribute__ ((noreturn)) child_exec (const struct pipes *p, const char *workdir, char **argv, char **envp)
{
  sigset_t none;

  /* The agent ignores SIGPIPE and blocks SIGCHLD; children must not inherit
     either. */
  reset_signal_dispositions ();
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  oom_adj_reset_child ();

  /* Own process group, so that a timeout kills grandchildren too. */
  if (setsid () < 0)
    child_fail (p->status_write, STAGE_SETUP);
  for (int i = 0; i < 3; i++)
    if (dup2 (p->child[i], i) < 0)
      child_fail (p->status_write, STAGE_SETUP);
  if (chdir (workdir) < 0)
    child_fail (p->status_write, STAGE_CHDIR);
  /* execvpe searches the caller's PATH; the process's own PATH is the one
     that should decide, not the agent's (unset when it runs as init). */
  environ = envp;
  execvpe (argv[0], argv, envp);
  child_fail (p->status_write, STAGE_EXEC);
}

static int
failure_error (const struct child_failure *f, const struct process_spec *spec, agent_error_t *err)
{
  if (f->stage == STAGE_CHDIR)
    return agent_make_field_error (err, f->errnum, "workdir", spec->workdir, "cannot chdir to it");
  if (f->stage != STAGE_EXEC)
    return agent_make_error (err, f->errnum, "cannot set up the child for `%s`", spec->argv[0]);
  return agent_make_field_error (err, f->errnum, "argv", spec->argv[0], "cannot exec it");
}

/* The status pipe is close-on-exec: EOF means exec succeeded, a record
   means the child failed before it. */
static int
wait_exec (pid_t pid, int status_fd, const struct process_spec *spec, agent_error_t *err)
{
  struct child_failure f;
  int saved_errno;
  ssize_t n;

  do
    n = read (status_fd, &f, sizeof (f));
  while (n < 0 && errno == EINTR);
  if (n == 0)
    return 0;
  if (n == (ssize_t) sizeof (f))
    {
      /* The child is exiting anyway: collect it here, not in the loop. */
      waitpid (pid, NULL, 0);
      return failure_error (&f, spec, err);
    }

  /* Whether exec worked is unknown: make sure nothing runs unaccounted. */
  saved_errno = n < 0 ? errno : 0;
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  return agent_make_error (err, saved_errno, "cannot read the exec status of `%s`", spec->argv[0]);
}

static char **
strv_terminate (char *const *v, size_t n)
{
  char **ret = xmalloc ((n + 1) * sizeof (*ret));

  if (n)
    memcpy (ret, v, n * sizeof (*ret));
  ret[n] = NULL;
  return ret;
}

int
process_spawn (const struct process_spec *spec, process_done_cb done, void *arg, agent_error_t *err)
{
  __attribute__ ((cleanup (pipes_close))) struct pipes p = {
    .child = { -1, -1, -1 },
    .parent = { -1, -1, -1 },
    .status_read = -1,
    .status_write = -1,
  };
  cleanup_free char **argv = NULL;
  cleanup_free char **envp = NULL;
  pid_t pid;

  if (spec->argc == 0)
    return agent_make_field_error (err, 0, "argv", "", "empty");
  /* Built before fork: the child may only make async-signal-safe calls. */
  argv = strv_terminate (spec->argv, spec->argc);
  envp = strv_terminate (spec->env, spec->envc);
  if (pipes_open (&p, spec->child_stdio, err) < 0)
    return -1;

  pid = fork ();
  if (pid < 0)
    return agent_make_error (err, errno, "cannot fork for `%s`", argv[0]);
  if (pid == 0)
    child_exec (&p, spec->workdir, argv, envp);

  for (int i = 0; i < 3; i++)
    close_and_reset (&p.child[i]);
  close_and_reset (&p.status_write);
  if (wait_exec (pid, p.status_read, spec, err) < 0)
    return -1;
  return process_track (pid, spec, p.parent, done, arg, err);
}

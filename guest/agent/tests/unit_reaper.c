/* Unit tests of the reaper (orphans collected, exits handed to their owner)
   and of the OOM watch; they run in unit_process's program (its main). */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "oom_watch.h"
#include "process.h"
#include "reaper.h"
#include "tests/check.h"
#include "tests/loop_wait.h"
#include "tests/unit_process.h"
#include "util.h"

bool
test_reaper_collects_orphans (void)
{
  char *argv[] = { "sh", "-c", "sleep 0.2 & exit 0", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;

  /* The sleep is reparented to us (subreaper) and must be reaped when it
     exits, although no RPC waits for it. */
  CHECK (run_process (&spec, &o));
  loop_until (NULL, 0.6);
  CHECK (waitpid (-1, NULL, WNOHANG) <= 0);
  return true;
}

static pid_t owned_pid;
static int owned_status;
static bool owner_told;

static bool
own_one_pid (pid_t pid, int status)
{
  if (pid != owned_pid)
    return false;
  owned_status = status;
  owner_told = true;
  return true;
}

static pid_t
fork_exit (int code)
{
  pid_t pid = fork ();

  if (pid == 0)
    _exit (code);
  return pid;
}

/* A child that is no helper process goes to the registered owner when the
   owner knows it, and is kept for reaper_claim when not. */
bool
test_reaper_tells_its_owner (void)
{
  pid_t other;
  int status = -1;
  bool claimed = false;

  reaper_set_exit_cb (own_one_pid);
  owned_pid = fork_exit (3);
  other = fork_exit (4);
  CHECK (owned_pid > 0 && other > 0);
  CHECK (loop_until (&owner_told, 5));
  for (double deadline = now () + 5; ! (claimed = reaper_claim (other, &status)) && now () < deadline;)
    loop_until (NULL, 0.05);
  reaper_set_exit_cb (NULL);
  CHECK (WIFEXITED (owned_status) && WEXITSTATUS (owned_status) == 3);
  CHECK (claimed && WIFEXITED (status) && WEXITSTATUS (status) == 4);
  CHECK (! reaper_claim (owned_pid, &status));
  return true;
}

static void
count_oom_kill (void *arg)
{
  (*(int *) arg)++;
}

static bool
write_events (const char *path, const char *text)
{
  FILE *f = fopen (path, "w");

  return f && fputs (text, f) >= 0 && fclose (f) == 0;
}

/* A regular file stands in for memory.events: writing it raises IN_MODIFY
   as the kernel does for the cgroup file. */
bool
test_oom_watch_tells_growing_kills (void)
{
  char dir[] = "/tmp/vc4j-oom.XXXXXX";
  cleanup_free char *path = NULL;
  agent_error_t err = NULL;
  struct oom_watch *w;
  int kills = 0;

  CHECK (mkdtemp (dir) != NULL);
  xasprintf (&path, "%s/memory.events", dir);
  CHECK (write_events (path, "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n"));
  CHECK ((w = oom_watch_add (dir, count_oom_kill, &kills, &err)) != NULL);
  CHECK (write_events (path, "low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n"));
  loop_until (NULL, 0.3);
  CHECK (kills == 1);
  /* Other counters move, oom_kill does not: no event. */
  CHECK (write_events (path, "low 0\nhigh 0\nmax 9\noom 3\noom_kill 2\n"));
  loop_until (NULL, 0.3);
  CHECK (kills == 1);
  oom_watch_remove (w);
  CHECK (write_events (path, "low 0\nhigh 0\nmax 9\noom 4\noom_kill 3\n"));
  loop_until (NULL, 0.3);
  CHECK (kills == 1);
  unlink (path);
  rmdir (dir);
  return true;
}

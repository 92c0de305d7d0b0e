/* Unit tests of container processes and crun operations, in the agent's
   loop as a subreaper, with pipes for processes and a script for crun. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "container.h"
#include "cproc.h"
#include "crun.h"
#include "ctr_ops.h"
#include "tests/check.h"
#include "tests/loop_wait.h"
#include "util.h"

static char tmp_root[] = "/tmp/vc4j-unit-ctr-ops.XXXXXX";

static int
count_open_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  int n = 0;

  if (d == NULL)
    return -1;
  while (readdir (d))
    n++;
  closedir (d);
  return n;
}

/* A process that ended keeps no descriptor in the agent, even before it is
   removed: containers with periodic execs (health checks) would otherwise
   run the agent out of fds. */
static bool
test_ended_processes_keep_no_fds (void)
{
  struct container c = { .id = (char *) "fds", .dir = tmp_root, .state = CTR_RUNNING };
  agent_error_t err = NULL;
  int baseline = count_open_fds ();

  CHECK (baseline > 0);
  containers = &c;
  for (int i = 0; i < 20; i++)
    {
      char id[16];
      int in[2], out[2], errs[2];
      struct cproc *p;

      snprintf (id, sizeof (id), "exec%d", i);
      p = cproc_new (&c, id);
      CHECK (pipe2 (in, O_NONBLOCK | O_CLOEXEC) == 0 && pipe2 (out, O_NONBLOCK | O_CLOEXEC) == 0
             && pipe2 (errs, O_NONBLOCK | O_CLOEXEC) == 0);
      int parent[3] = { in[1], out[0], errs[0] };
      CHECK (cproc_attach_stdio (p, parent, false, &err) == 0);
      /* The process ends: its ends of the pipes close, the reaper reports it. */
      close (in[0]);
      close (out[1]);
      close (errs[1]);
      p->pid = 4000000 + i;
      CHECK (cproc_exited (p->pid, 0));
      for (int j = 0; j < 20 && ! (p->out.eof && p->err.eof); j++)
        loop_run_once (10, &err);
      CHECK (p->exited && p->out.eof && p->err.eof);
      CHECK (count_open_fds () == baseline);
    }
  while (c.procs)
    {
      struct cproc *p = c.procs;

      c.procs = p->next;
      cproc_free (p);
    }
  containers = NULL;
  return true;
}

/* A crun that takes a while for pause and update, and fails delete. */
static bool
install_fake_crun (void)
{
  cleanup_free char *path = NULL;
  FILE *f;

  xasprintf (&path, "%s/crun", tmp_root);
  f = fopen (path, "we");
  if (f == NULL)
    return false;
  fputs ("#!/bin/sh\nfor a; do case $a in\n"
         "pause) sleep 0.2; exit 0 ;;\nupdate) sleep 0.5; exit 0 ;;\ndelete) echo busy >&2; exit 1 ;;\n"
         "esac; done\nexit 0\n",
         f);
  if (fclose (f) != 0 || chmod (path, 0755) != 0)
    return false;
  crun_configure (tmp_root, steal_ptr (&path), NULL);
  return true;
}

static bool
container_idle (struct container *c)
{
  double deadline = now () + 5;

  while (c->busy && now () < deadline)
    loop_until (NULL, 0.02);
  return c->busy == 0;
}

/* An Update that overlaps a Pause must not undo the Pause when it ends. */
static bool
test_update_keeps_concurrent_pause (void)
{
  struct container c = { .id = (char *) "race", .dir = tmp_root, .state = CTR_RUNNING };
  struct rpc_call call = { 0 };
  agent_error_t err = NULL;

  CHECK (container_pause (&c, true, &call, &err) == 0);
  CHECK (container_update (&c, (const uint8_t *) "{}", 2, &call, &err) == 0);
  CHECK (container_idle (&c));
  CHECK (c.state == CTR_PAUSED);
  CHECK (container_signal_all (&c, 0, &call, &err) == 0);
  CHECK (container_idle (&c));
  CHECK (c.state == CTR_PAUSED);
  return true;
}

/* A failed delete leaves the container as it was, not running. */
static bool
test_failed_delete_restores_state (void)
{
  const enum container_state states[] = { CTR_CREATED, CTR_PAUSED, CTR_RUNNING };
  struct rpc_call call = { 0 };

  for (size_t i = 0; i < ARRAY_SIZE (states); i++)
    {
      struct container c = { .id = (char *) "undeletable", .dir = tmp_root, .state = states[i] };
      agent_error_t err = NULL;

      CHECK (container_remove (&c, &call, &err) == 0);
      CHECK (c.state == CTR_REMOVING);
      CHECK (container_idle (&c));
      CHECK (c.state == states[i]);
    }
  return true;
}

static const struct unit_test tests[] = {
  { "ended_processes_keep_no_fds", test_ended_processes_keep_no_fds },
  { "update_keeps_concurrent_pause", test_update_keeps_concurrent_pause },
  { "failed_delete_restores_state", test_failed_delete_restores_state },
};

int
main (void)
{
  int ret;

  if (mkdtemp (tmp_root) == NULL || ! install_fake_crun ())
    return EXIT_FAILURE;
  ret = run_unit_tests_as_agent (tests, ARRAY_SIZE (tests));
  bundle_remove_tree (tmp_root);
  return ret;
}

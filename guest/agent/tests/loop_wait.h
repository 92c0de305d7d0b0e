/* Running the agent's loop in a test until something happened, with a deadline. */
#ifndef VC4J_TEST_LOOP_WAIT_H
#define VC4J_TEST_LOOP_WAIT_H

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>

#include "error.h"
#include "loop.h"
#include "reaper.h"
#include "tests/check.h"
#include "util.h"

static inline double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static inline bool
loop_until (const bool *flag, double seconds)
{
  double deadline = now () + seconds;
  agent_error_t err = NULL;

  while ((flag == NULL || ! *flag) && now () < deadline)
    if (loop_run_once (20, &err) < 0)
      {
        agent_error_log_release (&err);
        return false;
      }
  return flag == NULL || *flag;
}

/* Runs the tests in the process state of the agent (SIGPIPE ignored, child
   subreaper, the loop and the reaper set up), which children must not see. */
static inline int
run_unit_tests_as_agent (const struct unit_test *tests, size_t n)
{
  agent_error_t err = NULL;

  signal (SIGPIPE, SIG_IGN);
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  if (loop_init (&err) < 0 || reaper_init (&err) < 0)
    {
      agent_error_log_release (&err);
      return EXIT_FAILURE;
    }
  return run_unit_tests (tests, n);
}

/* The same in a fresh directory made from root (a mkdtemp template, which
   becomes its name), removed with what the tests left in it. */
static inline int
run_unit_tests_as_agent_in (char *root, const struct unit_test *tests, size_t n)
{
  char *cleanup = NULL;
  int ret;

  if (mkdtemp (root) == NULL)
    return EXIT_FAILURE;
  ret = run_unit_tests_as_agent (tests, n);
  xasprintf (&cleanup, "rm -rf '%s'", root);
  if (system (cleanup) != 0)
    fprintf (stderr, "cannot remove %s\n", root);
  free (cleanup);
  return ret;
}

#endif

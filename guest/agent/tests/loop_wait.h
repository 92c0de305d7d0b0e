/* Running the agent's loop in a test until something happened, with a deadline. */
#ifndef VC4J_TEST_LOOP_WAIT_H
#define VC4J_TEST_LOOP_WAIT_H

#include <stdbool.h>
#include <time.h>

#include "error.h"
#include "loop.h"

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

#endif

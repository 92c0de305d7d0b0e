/* What unit_process.c's tests share with unit_reaper.c's: a process run to
   its end in the agent's loop, and the reaper's and OOM watch's tests, which
   unit_process.c's main runs with its own. */
#ifndef VC4J_TEST_UNIT_PROCESS_H
#define VC4J_TEST_UNIT_PROCESS_H

#include <stdbool.h>

#include "process.h"

struct outcome
{
  bool done;
  struct process_result res;
};

/* A spec running argv with a PATH only, in /, a 10 s deadline and 1 MiB of output. */
struct process_spec spec_for (char **argv);
/* Spawns spec and runs the loop until it ended (10 s at most): false when it did not. */
bool run_process (const struct process_spec *spec, struct outcome *o);
void outcome_free (struct outcome *o);

#define cleanup_outcome __attribute__ ((cleanup (outcome_free)))

bool test_reaper_collects_orphans (void);
bool test_reaper_tells_its_owner (void);
bool test_oom_watch_tells_growing_kills (void);

#endif

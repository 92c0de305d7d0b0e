/* Between spawning a process (spawn.c), running it in the loop (process.c)
   and reaping it (reaper.c). */
#ifndef VC4J_PROCESS_INTERNAL_H
#define VC4J_PROCESS_INTERNAL_H

#include <sys/types.h>

#include "process.h"

/* Takes ownership of the parent's pipe ends (stdin, stdout, stderr) of an
   exec'd child and follows it in the loop. */
int process_track (pid_t pid, const struct process_spec *spec, int fds[3], process_done_cb done, void *arg,
                   agent_error_t *err);

/* Returns false when pid is not a process that an RPC waits for. */
bool process_exited (pid_t pid, int status);

#endif

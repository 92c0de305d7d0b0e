/* Reaps every child of the agent: as init or subreaper it also inherits
   orphans, which must not stay zombies. */
#ifndef VC4J_REAPER_H
#define VC4J_REAPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* Blocks SIGCHLD and reaps through a signalfd in the loop. */
int reaper_init (agent_error_t *err);

/* Told of each reaped child that is no helper process (process.h): true
   when it was one of the owner's (a container process), else the status is
   kept for reaper_claim. */
typedef bool (*reaper_exit_cb) (pid_t pid, int status);
/* One owner; set before reaper_init, so that no exit goes unseen. */
void reaper_set_exit_cb (reaper_exit_cb cb);

/* Container processes are started by crun, which exits before the agent
   learns their pid: one may be reaped before anybody claims it. The last
   statuses nobody claimed are kept; this hands one out (true) once. */
bool reaper_claim (pid_t pid, int *status);

#endif

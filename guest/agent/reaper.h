/* Reaps every child of the agent: as init or subreaper it also inherits
   orphans, which must not stay zombies. */
#ifndef VC4J_REAPER_H
#define VC4J_REAPER_H

#include "error.h"

/* Blocks SIGCHLD and reaps through a signalfd in the loop. */
int reaper_init (agent_error_t *err);

#endif

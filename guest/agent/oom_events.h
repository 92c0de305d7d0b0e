/* OOM kills told to the host: GetOOMEvent parks until a container's watch
   (oom_watch.h) sees a kill; kills that nobody waits for are queued, oldest
   first, up to a bound. */
#ifndef VC4J_OOM_EVENTS_H
#define VC4J_OOM_EVENTS_H

#include "h2session.h"

/* Answers call with the oldest queued kill, or parks it until the next. */
void oom_events_wait (const struct rpc_call *call);
/* A kill in the container named id: answers a parked GetOOMEvent or queues. */
void oom_events_add (const char *id);

#endif

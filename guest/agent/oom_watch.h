/* OOM kills as they happen: an inotify watch on a cgroup v2 memory.events
   file (the kernel signals IN_MODIFY on it when a counter changes), served
   from the epoll loop. Only a growing oom_kill count is told. */
#ifndef VC4J_OOM_WATCH_H
#define VC4J_OOM_WATCH_H

#include "error.h"

struct oom_watch;
typedef void (*oom_watch_cb) (void *arg);

/* Watches dir/memory.events: cb (arg) runs from the loop each time its
   oom_kill count grows beyond what it was at this call or the last cb. */
struct oom_watch *oom_watch_add (const char *dir, oom_watch_cb cb, void *arg, agent_error_t *err);
/* NULL is accepted. */
void oom_watch_remove (struct oom_watch *w);

#endif

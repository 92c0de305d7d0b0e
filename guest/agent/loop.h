/* The agent's single epoll loop. Everything that waits (the port, sockets,
   child pipes, timers, SIGCHLD) is a watch registered here. */
#ifndef VC4J_LOOP_H
#define VC4J_LOOP_H

#include <stdint.h>
#include <sys/epoll.h>

#include "error.h"

struct watch;
typedef void (*watch_cb) (struct watch *w, uint32_t events);

struct watch
{
  int fd;
  watch_cb cb;
};

int loop_init (agent_error_t *err);
int loop_add (struct watch *w, uint32_t events, agent_error_t *err);
int loop_mod (struct watch *w, uint32_t events, agent_error_t *err);
/* Makes w (fd -1, cb set) a one-shot CLOCK_MONOTONIC timer of ms (0: it
   never fires) and adds it; on failure w->fd may need watch_close. */
int loop_add_timer (struct watch *w, uint32_t ms, agent_error_t *err);
/* Safe to call from a callback for a watch whose events are still pending
   in the current batch: they are dropped. */
void loop_del (struct watch *w);
/* loop_del, close the fd and mark the watch closed (fd -1). */
void watch_close (struct watch *w);
/* Waits up to timeout_ms (-1: forever) and dispatches one batch. */
int loop_run_once (int timeout_ms, agent_error_t *err);

#endif

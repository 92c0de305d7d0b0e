#define _GNU_SOURCE
#include "oom_events.h"

#include <string.h>

#include "agent.pb-c.h"
#include "pstream.h"
#include "rpc.h"
#include "util.h"

/* Beyond this, kills are only logged: the host reads exit statuses and stats too. */
#define OOM_QUEUE_MAX 64

static char *oom_queue[OOM_QUEUE_MAX];
static size_t oom_queued;
static struct parked_call *oom_waiters;

static void
reply_oom (const struct rpc_call *call, const char *id)
{
  Vc4j__Agent__V1__OOMEvent resp = VC4J__AGENT__V1__OOMEVENT__INIT;

  resp.container_id = (char *) id;
  rpc_reply (call, &resp.base);
}

void
oom_events_wait (const struct rpc_call *call)
{
  if (oom_queued)
    {
      cleanup_free char *id = oom_queue[0];
      memmove (oom_queue, oom_queue + 1, --oom_queued * sizeof (*oom_queue));
      reply_oom (call, id);
      return;
    }
  parked_append (&oom_waiters, call, 0);
}

void
oom_events_add (const char *id)
{
  cleanup_free struct parked_call *w = NULL;

  log_info ("container %s: OOM kill", id);
  /* A waiter whose client gave up must not swallow the event. */
  while ((w = oom_waiters) && ! h2session_call_alive (&w->call))
    {
      oom_waiters = w->next;
      free (steal_ptr (&w));
    }
  if (w)
    {
      oom_waiters = w->next;
      reply_oom (&w->call, id);
    }
  else if (oom_queued < OOM_QUEUE_MAX)
    oom_queue[oom_queued++] = xstrdup (id);
}

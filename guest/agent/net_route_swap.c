/* UpdateRoutes as one change. The main table's routes are kept as the kernel
   dumped them (multipath ones too, whatever their size), so that when the
   kernel refuses a new route, the new ones already added are deleted and the
   old ones sent back: the host gets the refusal and the routes it had. */
#define _GNU_SOURCE
#include "net_route.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_route_internal.h"
#include "netlink.h"
#include "util.h"

struct swap
{
  struct route_dump old; /* the main table before, with its messages */
  bool *removed;         /* by old index */
  const struct net_route_req *reqs;
  size_t *added; /* indexes in reqs, in the order they went in */
  size_t n_added;
  char *undone; /* what the rollback could not do; NULL: nothing */
};

static bool
kernel_made (const struct nlmsghdr *msg)
{
  return ((const struct rtmsg *) NLMSG_DATA (msg))->rtm_protocol == RTPROT_KERNEL;
}

static void
route_prefix (char *buf, size_t size, size_t i)
{
  snprintf (buf, size, "routes[%zu]", i);
}

/* Sends old route i back as type; its errors name it with verb. */
static int
resend_old (struct swap *s, size_t i, int type, int flags, const char *verb, agent_error_t *err)
{
  cleanup_free char *action = NULL;

  xasprintf (&action, "cannot %s it", verb);
  return nl_resend (s->old.msgs[i], type, flags, &(struct nl_about){ "route", s->old.routes[i].destination, action },
                    err);
}

static int
remove_old (struct swap *s, agent_error_t *err)
{
  for (size_t i = 0; i < s->old.n; i++)
    if (! kernel_made (s->old.msgs[i]))
      {
        if (resend_old (s, i, RTM_DELROUTE, 0, "remove", err) < 0)
          return -1;
        s->removed[i] = true;
      }
  return 0;
}

static int
add_new (struct swap *s, size_t n, agent_error_t *err)
{
  char prefix[32];

  /* Gateways must be reachable when their routes go in: the routes on the link first. */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++)
      if ((s->reqs[i].gateway.family == 0) == (pass == 0))
        {
          route_prefix (prefix, sizeof (prefix), i);
          if (route_add (prefix, &s->reqs[i], err) < 0)
            return -1;
          s->added[s->n_added++] = i;
        }
  return 0;
}

/* Logs a failure of the rollback and keeps it for the host's error. */
static void
note_undone (struct swap *s, agent_error_t *e)
{
  char *joined;

  log_error ("UpdateRoutes rollback: %s", (*e)->msg);
  xasprintf (&joined, "%s%s%s", s->undone ? s->undone : "", s->undone ? "; " : "", (*e)->msg);
  free (s->undone);
  s->undone = joined;
  agent_error_release (e);
}

static void
delete_added (struct swap *s)
{
  char prefix[32];

  for (size_t k = s->n_added; k-- > 0;)
    {
      agent_error_t e = NULL;

      route_prefix (prefix, sizeof (prefix), s->added[k]);
      if (route_delete (prefix, &s->reqs[s->added[k]], &e) == 0)
        continue;
      if (e->errno_ == ESRCH) /* a later route of the same key replaced it */
        agent_error_release (&e);
      else
        note_undone (s, &e);
    }
}

/* Old route i is in the table again: sent back, or a kernel-made one that
   no new route replaced (EEXIST). */
static bool
put_back (struct swap *s, size_t i, agent_error_t *err)
{
  if (resend_old (s, i, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, "put back", err) == 0)
    return true;
  if ((*err)->errno_ == EEXIST && ! s->removed[i])
    {
      agent_error_release (err);
      return true;
    }
  return false;
}

/* The removed routes, and the kernel's routes for addresses that a new route
   of the same key replaced. A gateway needs the route to its link first, so
   rounds until one puts nothing back; the last round's failures are final. */
static void
restore_old (struct swap *s)
{
  cleanup_free bool *back = xzalloc (s->old.n + 1);
  cleanup_free agent_error_t *errors = xzalloc ((s->old.n + 1) * sizeof (*errors));
  bool progress = true;

  while (progress)
    {
      progress = false;
      for (size_t i = 0; i < s->old.n; i++)
        if (! back[i])
          {
            agent_error_release (&errors[i]);
            if (put_back (s, i, &errors[i]))
              back[i] = progress = true;
          }
    }
  for (size_t i = 0; i < s->old.n; i++)
    if (! back[i])
      note_undone (s, &errors[i]);
}

/* err (the refusal) keeps its code; its message gets what stayed undone. */
static void
roll_back (struct swap *s, agent_error_t *err)
{
  char *msg;

  delete_added (s);
  restore_old (s);
  if (s->undone == NULL)
    return;
  xasprintf (&msg, "%s; the routes before could not all be put back: %s", (*err)->msg, s->undone);
  free ((*err)->msg);
  (*err)->msg = msg;
}

int
net_routes_replace (const struct net_route_spec *specs, size_t n, agent_error_t *err)
{
  cleanup_free struct net_route_req *reqs = xzalloc ((n + 1) * sizeof (*reqs));
  cleanup_free size_t *added = xzalloc ((n + 1) * sizeof (*added));
  struct swap s = { .reqs = reqs, .added = added };
  char prefix[32];
  int ret = 0;

  for (size_t i = 0; i < n; i++)
    {
      route_prefix (prefix, sizeof (prefix), i);
      if (net_route_parse (prefix, &specs[i], &reqs[i], err) < 0)
        return -1;
    }
  if (route_dump_read (&s.old, true, err) < 0)
    ret = -1;
  else
    {
      s.removed = xzalloc (s.old.n + 1);
      if (remove_old (&s, err) < 0 || add_new (&s, n, err) < 0)
        {
          ret = -1;
          roll_back (&s, err);
        }
    }
  route_dump_free (&s.old);
  free (s.removed);
  free (s.undone);
  return ret;
}

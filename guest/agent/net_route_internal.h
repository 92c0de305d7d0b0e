/* What net_route.c shares with net_route_swap.c: the main table as dumped
   (with each route's own message, for removing and restoring it) and the
   requests for one checked route. */
#ifndef VC4J_NET_ROUTE_INTERNAL_H
#define VC4J_NET_ROUTE_INTERNAL_H

#include <linux/netlink.h>
#include <stdbool.h>

#include "net_route.h"

/* What an UpdateRoutes keeps of the routes before, to put them back: every
   message is at most a dump datagram; this bounds their sum. */
#define NET_ROUTES_KEPT_MAX (8u << 20)

struct route_dump
{
  struct net_route *routes;
  size_t n;
  bool keep;              /* msgs[i]: routes[i] as the kernel sent it */
  struct nlmsghdr **msgs; /* with keep */
  size_t kept_bytes;
};

/* The main table's unicast routes into d (freed by route_dump_free, also
   after an error); with keep, their messages too (at most
   NET_ROUTES_KEPT_MAX bytes: RESOURCE_EXHAUSTED beyond). */
int route_dump_read (struct route_dump *d, bool keep, agent_error_t *err);
void route_dump_free (struct route_dump *d);

/* Adds r (replacing a route of the same key), or deletes it again; errors
   start with prefix (e.g. "routes[2]") and the route. */
int route_add (const char *prefix, const struct net_route_req *r, agent_error_t *err);
int route_delete (const char *prefix, const struct net_route_req *r, agent_error_t *err);

#endif

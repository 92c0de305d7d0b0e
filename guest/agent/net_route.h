/* The main routing table through rtnetlink: listed (IPv4 and IPv6) and
   replaced by the host's list; and permanent neighbor entries. */
#ifndef VC4J_NET_ROUTE_H
#define VC4J_NET_ROUTE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "net_parse.h"

/* The agent.proto Route.Scope values. */
enum net_scope
{
  NET_SCOPE_UNIVERSE = 0,
  NET_SCOPE_LINK = 1,
  NET_SCOPE_HOST = 2,
};

struct net_route
{
  char destination[64]; /* address/len */
  char gateway[48];     /* empty: directly connected */
  char device[IF_NAMESIZE];
  char source[48];
  uint32_t metric;
  enum net_scope scope;
};

/* A route as the host sends it (strings unchecked). */
struct net_route_spec
{
  const char *destination; /* empty or "default": 0.0.0.0/0 (::/0 with an IPv6 gateway) */
  const char *gateway;
  const char *device;
  const char *source;
  uint32_t metric;
  int scope; /* enum net_scope; UNIVERSE without a gateway means LINK */
};

/* A checked route, ready for rtnetlink. */
struct net_route_req
{
  struct net_ip dst;
  struct net_ip gateway; /* family 0: none */
  struct net_ip source;  /* family 0: none */
  unsigned oif;          /* 0: none */
  uint32_t metric;
  unsigned char scope; /* RT_SCOPE_* */
};

/* Checks spec (field names start with prefix, e.g. "routes[2]") and
   resolves its device: INVALID_ARGUMENT or NOT_FOUND naming the field. */
int net_route_parse (const char *prefix, const struct net_route_spec *spec, struct net_route_req *out,
                     agent_error_t *err);
/* The main table's unicast routes; *n of them. */
struct net_route *net_routes_list (size_t *n, agent_error_t *err);
/* Checks every route, then removes the main table's routes the kernel did
   not make for an address and adds these (directly connected ones first).
   All or nothing: when the kernel refuses one, the routes added are deleted
   and the ones before put back (net_route_swap.c); err is the refusal, and
   names what could not be put back, if anything. */
int net_routes_replace (const struct net_route_spec *specs, size_t n, agent_error_t *err);

struct net_neighbor_spec
{
  const char *ip;
  const char *mac;
  const char *device;
};

/* Checks every entry, then adds each as a permanent neighbor (replacing one
   for the same address). */
int net_neighbors_add (const struct net_neighbor_spec *specs, size_t n, agent_error_t *err);

#endif

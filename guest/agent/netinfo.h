/* The guest's network as it is: interfaces with their addresses, and the
   IPv4 routing table. Read-only; changing it is not here yet. */
#ifndef VC4J_NETINFO_H
#define VC4J_NETINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct net_route
{
  char destination[24]; /* a.b.c.d/len */
  char gateway[16];     /* empty: directly connected */
  char device[32];
  uint32_t metric;
};

#define NET_MAX_ADDRESSES 16

struct net_interface
{
  char name[32];
  char mac[18];
  uint32_t mtu;
  bool up;
  size_t n_addresses;
  char addresses[NET_MAX_ADDRESSES][64]; /* address/prefix-length */
};

/* Every interface with its IPv4 and IPv6 addresses; *n interfaces. */
struct net_interface *netinfo_interfaces (const char *sys_root, size_t *n, agent_error_t *err);

/* Parses a /proc/net/route table (its header line first); *n routes. */
struct net_route *netinfo_parse_routes (const char *text, size_t *n, agent_error_t *err);
struct net_route *netinfo_routes (const char *proc_root, size_t *n, agent_error_t *err);

#endif

/* The guest's interfaces as they are, with their addresses (routes and
   changes: net_route.c, net_link.c). */
#ifndef VC4J_NETINFO_H
#define VC4J_NETINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

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
struct net_interface *netinfo_interfaces (size_t *n, agent_error_t *err);

#endif

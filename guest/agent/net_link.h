/* Changing one interface: found by MAC or name, its MTU and state set and
   its addresses replaced through rtnetlink. */
#ifndef VC4J_NET_LINK_H
#define VC4J_NET_LINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "net_parse.h"

#define NET_MIN_MTU 68
#define NET_MAX_MTU 65535

struct net_link_update
{
  const char *mac;  /* the interface with this MAC, or */
  const char *name; /* with mac empty, this name */
  char *const *addresses;
  size_t n_addresses;
  uint32_t mtu; /* 0: unchanged */
  bool up;
};

/* Every field checked; addrs (n_addresses entries) gets the parsed addresses. */
int net_link_validate (const struct net_link_update *u, struct net_ip *addrs, agent_error_t *err);
/* The interface's index: NOT_FOUND "interface `<mac or name>`: ..." when none matches. */
int net_link_find (const struct net_link_update *u, unsigned *index, agent_error_t *err);
/* Validates, then applies; *name is the interface's name (IF_NAMESIZE). */
int net_link_apply (const struct net_link_update *u, char *name, agent_error_t *err);
/* The index of the interface called name, or NOT_FOUND naming field. */
int net_link_index (const char *field, const char *name, unsigned *index, agent_error_t *err);

#endif

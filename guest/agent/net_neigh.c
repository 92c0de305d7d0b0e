/* Permanent neighbor entries (ARP for IPv4, NDP for IPv6). */
#define _GNU_SOURCE
#include "net_route.h"

#include <linux/neighbour.h>
#include <stdio.h>
#include <string.h>

#include "net_link.h"
#include "netlink.h"
#include "util.h"

struct neighbor
{
  struct net_ip ip;
  uint8_t mac[NET_MAC_LEN];
  unsigned index;
};

static int
parse_neighbor (size_t i, const struct net_neighbor_spec *spec, struct neighbor *out, agent_error_t *err)
{
  char field[48];

  snprintf (field, sizeof (field), "neighbors[%zu].ip", i);
  if (net_parse_ip (field, spec->ip, &out->ip, err) < 0)
    return -1;
  snprintf (field, sizeof (field), "neighbors[%zu].mac", i);
  if (net_parse_mac (field, spec->mac, out->mac, err) < 0)
    return -1;
  snprintf (field, sizeof (field), "neighbors[%zu].device", i);
  return net_link_index (field, spec->device, &out->index, err);
}

static int
add_neighbor (size_t i, const struct net_neighbor_spec *spec, const struct neighbor *n, agent_error_t *err)
{
  char field[32];
  struct nl_request req;
  struct ndmsg *ndm = nl_start (&req, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, sizeof (*ndm));

  ndm->ndm_family = (unsigned char) n->ip.family;
  ndm->ndm_ifindex = (int) n->index;
  ndm->ndm_state = NUD_PERMANENT;
  nl_put (&req, NDA_DST, n->ip.bytes, net_ip_len (&n->ip));
  nl_put (&req, NDA_LLADDR, n->mac, NET_MAC_LEN);
  snprintf (field, sizeof (field), "neighbors[%zu]", i);
  return nl_call (&req, &(struct nl_about){ field, spec->ip, "the kernel refused it" }, err);
}

int
net_neighbors_add (const struct net_neighbor_spec *specs, size_t n, agent_error_t *err)
{
  cleanup_free struct neighbor *parsed = xzalloc ((n + 1) * sizeof (*parsed));

  for (size_t i = 0; i < n; i++)
    if (parse_neighbor (i, &specs[i], &parsed[i], err) < 0)
      return -1;
  for (size_t i = 0; i < n; i++)
    if (add_neighbor (i, &specs[i], &parsed[i], err) < 0)
      return -1;
  return 0;
}

#define _GNU_SOURCE
#include "netinfo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define ROUTE_FILE_MAX 65536

/* /proc/net/route holds addresses as the hex of their in-memory (network
   order) 32 bits. */
static void
format_ipv4 (uint32_t raw, char *out, size_t size)
{
  struct in_addr a = { .s_addr = raw };

  inet_ntop (AF_INET, &a, out, (socklen_t) size);
}

static int
prefix_length (uint32_t raw_mask)
{
  return __builtin_popcount (raw_mask);
}

struct net_route *
netinfo_parse_routes (const char *text, size_t *n, agent_error_t *err)
{
  struct net_route *routes = NULL;
  const char *line = strchr (text, '\n');

  *n = 0;
  if (line == NULL || strncmp (text, "Iface", 5) != 0)
    {
      agent_make_error (err, 0, "not a /proc/net/route table");
      return NULL;
    }
  routes = xzalloc (sizeof (*routes));
  for (line++; *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : line + strlen (line))
    {
      char dev[32];
      unsigned dest, gw, flags, refcnt, use, metric, mask;
      struct net_route *r;
      char ip[16];

      if (sscanf (line, "%31s %x %x %x %u %u %u %x", dev, &dest, &gw, &flags, &refcnt, &use, &metric, &mask) != 8)
        continue;
      routes = xrealloc (routes, (*n + 1) * sizeof (*routes));
      r = &routes[(*n)++];
      memset (r, 0, sizeof (*r));
      format_ipv4 (dest, ip, sizeof (ip));
      snprintf (r->destination, sizeof (r->destination), "%s/%d", ip, prefix_length (mask));
      if (gw)
        format_ipv4 (gw, r->gateway, sizeof (r->gateway));
      snprintf (r->device, sizeof (r->device), "%s", dev);
      r->metric = metric;
    }
  return routes;
}

struct net_route *
netinfo_routes (const char *proc_root, size_t *n, agent_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_free char *text = xzalloc (ROUTE_FILE_MAX);
  FILE *f;
  size_t len;

  xasprintf (&path, "%s/net/route", proc_root);
  f = fopen (path, "re");
  if (f == NULL)
    {
      agent_make_error (err, errno, "cannot read %s", path);
      return NULL;
    }
  len = fread (text, 1, ROUTE_FILE_MAX - 1, f);
  fclose (f);
  text[len] = '\0';
  return netinfo_parse_routes (text, n, err);
}

static int
mask_prefix (const struct sockaddr *mask)
{
  int bits = 0;

  if (mask == NULL)
    return 0;
  if (mask->sa_family == AF_INET)
    return __builtin_popcount (((const struct sockaddr_in *) mask)->sin_addr.s_addr);
  if (mask->sa_family == AF_INET6)
    for (int i = 0; i < 16; i++)
      bits += __builtin_popcount (((const struct sockaddr_in6 *) mask)->sin6_addr.s6_addr[i]);
  return bits;
}

static struct net_interface *
interface_named (struct net_interface **list, size_t *n, const char *name)
{
  for (size_t i = 0; i < *n; i++)
    if (strcmp ((*list)[i].name, name) == 0)
      return &(*list)[i];
  *list = xrealloc (*list, (*n + 1) * sizeof (**list));
  memset (&(*list)[*n], 0, sizeof (**list));
  snprintf ((*list)[*n].name, sizeof ((*list)[*n].name), "%s", name);
  return &(*list)[(*n)++];
}

static void
add_address (struct net_interface *itf, const struct ifaddrs *a)
{
  char ip[INET6_ADDRSTRLEN];
  const void *raw = a->ifa_addr->sa_family == AF_INET ? (const void *) &((struct sockaddr_in *) a->ifa_addr)->sin_addr
                                                       : (const void *) &((struct sockaddr_in6 *) a->ifa_addr)->sin6_addr;

  if (itf->n_addresses == NET_MAX_ADDRESSES || ! inet_ntop (a->ifa_addr->sa_family, raw, ip, sizeof (ip)))
    return;
  snprintf (itf->addresses[itf->n_addresses++], sizeof (itf->addresses[0]), "%s/%d", ip, mask_prefix (a->ifa_netmask));
}

static uint32_t
read_mtu (const char *sys_root, const char *name)
{
  cleanup_free char *path = NULL;
  unsigned mtu = 0;
  FILE *f;

  xasprintf (&path, "%s/class/net/%s/mtu", sys_root, name);
  f = fopen (path, "re");
  if (f == NULL)
    return 0;
  if (fscanf (f, "%u", &mtu) != 1)
    mtu = 0;
  fclose (f);
  return mtu;
}

struct net_interface *
netinfo_interfaces (const char *sys_root, size_t *n, agent_error_t *err)
{
  struct ifaddrs *all;
  struct net_interface *list = xzalloc (sizeof (*list));

  *n = 0;
  if (getifaddrs (&all) < 0)
    {
      free (list);
      agent_make_error (err, errno, "cannot list the network interfaces");
      return NULL;
    }
  for (struct ifaddrs *a = all; a; a = a->ifa_next)
    {
      struct net_interface *itf = interface_named (&list, n, a->ifa_name);

      itf->up = (a->ifa_flags & IFF_UP) != 0;
      if (a->ifa_addr == NULL)
        continue;
      if (a->ifa_addr->sa_family == AF_INET || a->ifa_addr->sa_family == AF_INET6)
        add_address (itf, a);
      else if (a->ifa_addr->sa_family == AF_PACKET)
        {
          const struct sockaddr_ll *ll = (const struct sockaddr_ll *) a->ifa_addr;
          if (ll->sll_halen == 6)
            snprintf (itf->mac, sizeof (itf->mac), "%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0],
                      ll->sll_addr[1], ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4], ll->sll_addr[5]);
        }
    }
  freeifaddrs (all);
  for (size_t i = 0; i < *n; i++)
    list[i].mtu = read_mtu (sys_root, list[i].name);
  return list;
}

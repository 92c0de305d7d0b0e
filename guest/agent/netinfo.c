#define _GNU_SOURCE
#include "netinfo.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "util.h"

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
  const void *raw = a->ifa_addr->sa_family == AF_INET
                        ? (const void *) &((struct sockaddr_in *) a->ifa_addr)->sin_addr
                        : (const void *) &((struct sockaddr_in6 *) a->ifa_addr)->sin6_addr;

  if (itf->n_addresses == NET_MAX_ADDRESSES || ! inet_ntop (a->ifa_addr->sa_family, raw, ip, sizeof (ip)))
    return;
  snprintf (itf->addresses[itf->n_addresses++], sizeof (itf->addresses[0]), "%s/%d", ip, mask_prefix (a->ifa_netmask));
}

/* By ioctl, not /sys/class/net: sysfs shows the interfaces of the network
   namespace it was mounted in. */
static uint32_t
read_mtu (int fd, const char *name)
{
  struct ifreq ifr = { .ifr_mtu = 0 };

  snprintf (ifr.ifr_name, sizeof (ifr.ifr_name), "%s", name);
  return fd >= 0 && ioctl (fd, SIOCGIFMTU, &ifr) == 0 ? (uint32_t) ifr.ifr_mtu : 0;
}

struct net_interface *
netinfo_interfaces (size_t *n, agent_error_t *err)
{
  struct ifaddrs *all;
  struct net_interface *list = xzalloc (sizeof (*list));
  cleanup_close int fd = -1;

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
            snprintf (itf->mac, sizeof (itf->mac), "%02x:%02x:%02x:%02x:%02x:%02x", ll->sll_addr[0], ll->sll_addr[1],
                      ll->sll_addr[2], ll->sll_addr[3], ll->sll_addr[4], ll->sll_addr[5]);
        }
    }
  freeifaddrs (all);
  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  for (size_t i = 0; i < *n; i++)
    list[i].mtu = read_mtu (fd, list[i].name);
  return list;
}

#define _GNU_SOURCE
#include "net_link.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netlink.h"
#include "util.h"

struct mac_search
{
  uint8_t mac[NET_MAC_LEN];
  unsigned index;
};

struct addr_list
{
  unsigned index;
  struct net_ip *ips;
  size_t n;
};

static bool
valid_ifname (const char *name)
{
  size_t len = strlen (name);

  return len > 0 && len < IF_NAMESIZE && strchr (name, '/') == NULL && strcmp (name, ".") != 0
         && strcmp (name, "..") != 0;
}

int
net_link_validate (const struct net_link_update *u, struct net_ip *addrs, agent_error_t *err)
{
  uint8_t mac[NET_MAC_LEN];

  if (u->mac[0] && net_parse_mac ("mac", u->mac, mac, err) < 0)
    return -1;
  if (! u->mac[0] && ! valid_ifname (u->name))
    return net_bad_value (err, "name", u->name, "not an interface name (and no mac given)");
  if (u->mtu != 0 && (u->mtu < NET_MIN_MTU || u->mtu > NET_MAX_MTU))
    {
      char text[16];
      snprintf (text, sizeof (text), "%u", u->mtu);
      return net_bad_value (err, "mtu", text, "not within 68-65535");
    }
  for (size_t i = 0; i < u->n_addresses; i++)
    {
      char field[32];
      snprintf (field, sizeof (field), "addresses[%zu]", i);
      if (net_parse_cidr (field, u->addresses[i], &addrs[i], err) < 0)
        return -1;
    }
  return 0;
}

int
net_link_index (const char *field, const char *name, unsigned *index, agent_error_t *err)
{
  if (! valid_ifname (name))
    return net_bad_value (err, field, name, "not an interface name");
  *index = if_nametoindex (name);
  if (*index == 0)
    return agent_make_resource_error (err, GRPC_NOT_FOUND, "interface", name, "interface `%s`: no such interface",
                                      name);
  return 0;
}

static int
match_mac (const struct nlmsghdr *msg, void *arg, agent_error_t *err)
{
  struct mac_search *s = arg;
  const struct ifinfomsg *ifi = NLMSG_DATA (msg);
  struct rtattr *tb[IFLA_MAX + 1];

  (void) err;
  if (msg->nlmsg_type != RTM_NEWLINK)
    return 0;
  nl_attrs (msg, sizeof (*ifi), tb, IFLA_MAX);
  if (s->index == 0 && tb[IFLA_ADDRESS] && RTA_PAYLOAD (tb[IFLA_ADDRESS]) == NET_MAC_LEN
      && memcmp (RTA_DATA (tb[IFLA_ADDRESS]), s->mac, NET_MAC_LEN) == 0)
    s->index = (unsigned) ifi->ifi_index;
  return 0;
}

int
net_link_find (const struct net_link_update *u, unsigned *index, agent_error_t *err)
{
  struct mac_search s = { .index = 0 };
  struct nl_request req;
  struct ifinfomsg *ifi;

  if (! u->mac[0])
    return net_link_index ("name", u->name, index, err);
  if (net_parse_mac ("mac", u->mac, s.mac, err) < 0)
    return -1;
  ifi = nl_start (&req, RTM_GETLINK, 0, sizeof (*ifi));
  ifi->ifi_family = AF_UNSPEC;
  if (nl_dump (&req, match_mac, &s, err) < 0)
    return -1;
  if (s.index == 0)
    return agent_make_resource_error (err, GRPC_NOT_FOUND, "interface", u->mac,
                                      "interface `%s`: no interface has this MAC", u->mac);
  *index = s.index;
  return 0;
}

static int
set_link (unsigned index, const char *name, uint32_t mtu, bool up, agent_error_t *err)
{
  cleanup_free char *action = NULL;
  struct nl_request req;
  struct ifinfomsg *ifi = nl_start (&req, RTM_NEWLINK, 0, sizeof (*ifi));

  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = (int) index;
  ifi->ifi_flags = up ? IFF_UP : 0;
  ifi->ifi_change = IFF_UP;
  if (mtu)
    nl_put (&req, IFLA_MTU, &mtu, sizeof (mtu));
  if (mtu)
    xasprintf (&action, "cannot set its MTU to %u and bring it %s", mtu, up ? "up" : "down");
  else
    xasprintf (&action, "cannot bring it %s", up ? "up" : "down");
  return nl_call (&req, &(struct nl_about){ "interface", name, action }, err);
}

/* RTM_NEWADDR or RTM_DELADDR of ip on the interface. */
static int
change_address (int type, unsigned index, const char *name, const struct net_ip *ip, agent_error_t *err)
{
  cleanup_free char *action = NULL;
  struct nl_request req;
  struct ifaddrmsg *ifa = nl_start (&req, type, type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE : 0, sizeof (*ifa));
  char text[64];

  ifa->ifa_family = (unsigned char) ip->family;
  ifa->ifa_prefixlen = (unsigned char) ip->prefix;
  ifa->ifa_index = index;
  if (ip->family == AF_INET)
    nl_put (&req, IFA_LOCAL, ip->bytes, 4);
  nl_put (&req, IFA_ADDRESS, ip->bytes, net_ip_len (ip));
  net_format_ip (ip, true, text, sizeof (text));
  xasprintf (&action, "cannot %s it on `%s`", type == RTM_NEWADDR ? "add" : "remove", name);
  return nl_call (&req, &(struct nl_about){ "addresses", text, action }, err);
}

static int
collect_address (const struct nlmsghdr *msg, void *arg, agent_error_t *err)
{
  struct addr_list *l = arg;
  const struct ifaddrmsg *ifa = NLMSG_DATA (msg);
  struct rtattr *tb[IFA_MAX + 1];
  struct rtattr *a;
  struct net_ip *ip;

  (void) err;
  if (msg->nlmsg_type != RTM_NEWADDR || ifa->ifa_index != l->index)
    return 0;
  /* The kernel's IPv6 link-local address is how neighbors find the interface: it stays. */
  if (ifa->ifa_family == AF_INET6 && ifa->ifa_scope == RT_SCOPE_LINK)
    return 0;
  nl_attrs (msg, sizeof (*ifa), tb, IFA_MAX);
  a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
  if (a == NULL || RTA_PAYLOAD (a) > sizeof (ip->bytes))
    return 0;
  l->ips = xrealloc (l->ips, (l->n + 1) * sizeof (*l->ips));
  ip = &l->ips[l->n++];
  memset (ip, 0, sizeof (*ip));
  ip->family = ifa->ifa_family;
  ip->prefix = ifa->ifa_prefixlen;
  memcpy (ip->bytes, RTA_DATA (a), RTA_PAYLOAD (a));
  return 0;
}

static bool
same_ip (const struct net_ip *a, const struct net_ip *b)
{
  return a->family == b->family && a->prefix == b->prefix && memcmp (a->bytes, b->bytes, net_ip_len (a)) == 0;
}

static bool
contains (const struct net_ip *list, size_t n, const struct net_ip *ip)
{
  for (size_t i = 0; i < n; i++)
    if (same_ip (&list[i], ip))
      return true;
  return false;
}

/* Removes what is not wanted and adds what is missing: an address kept
   keeps its connections and the kernel's route for it. */
static int
replace_addresses (unsigned index, const char *name, const struct net_ip *want, size_t n_want, agent_error_t *err)
{
  struct addr_list have = { .index = index };
  struct nl_request req;
  struct ifaddrmsg *ifa = nl_start (&req, RTM_GETADDR, 0, sizeof (*ifa));
  int ret = -1;

  ifa->ifa_family = AF_UNSPEC;
  if (nl_dump (&req, collect_address, &have, err) < 0)
    goto out;
  for (size_t i = 0; i < have.n; i++)
    if (! contains (want, n_want, &have.ips[i]) && change_address (RTM_DELADDR, index, name, &have.ips[i], err) < 0)
      goto out;
  for (size_t i = 0; i < n_want; i++)
    if (! contains (have.ips, have.n, &want[i]) && change_address (RTM_NEWADDR, index, name, &want[i], err) < 0)
      goto out;
  ret = 0;
out:
  free (have.ips);
  return ret;
}

int
net_link_apply (const struct net_link_update *u, char *name, agent_error_t *err)
{
  cleanup_free struct net_ip *addrs = xzalloc ((u->n_addresses + 1) * sizeof (*addrs));
  unsigned index;

  if (net_link_validate (u, addrs, err) < 0 || net_link_find (u, &index, err) < 0)
    return -1;
  if (if_indextoname (index, name) == NULL)
    return agent_make_error (err, errno, "interface %u: cannot read its name", index);
  if (set_link (index, name, u->mtu, u->up, err) < 0)
    return -1;
  return replace_addresses (index, name, addrs, u->n_addresses, err);
}

#define _GNU_SOURCE
#include "net_route.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net_link.h"
#include "net_route_internal.h"
#include "netlink.h"
#include "util.h"

static const char *
field_of (char *buf, size_t size, const char *prefix, const char *name)
{
  snprintf (buf, size, "%s.%s", prefix, name);
  return buf;
}

static bool
host_bits_clear (const struct net_ip *ip)
{
  for (unsigned bit = ip->prefix; bit < net_ip_len (ip) * 8; bit++)
    if (ip->bytes[bit / 8] & (0x80 >> (bit % 8)))
      return false;
  return true;
}

static int
parse_destination (const char *field, const struct net_route_spec *spec, int gw_family, struct net_ip *dst,
                   agent_error_t *err)
{
  if (spec->destination[0] == '\0' || strcmp (spec->destination, "default") == 0)
    {
      memset (dst, 0, sizeof (*dst));
      dst->family = gw_family ? gw_family : AF_INET;
      return 0;
    }
  if (net_parse_cidr (field, spec->destination, dst, err) < 0)
    return -1;
  if (! host_bits_clear (dst))
    return net_bad_value (err, field, spec->destination, "has bits set beyond its prefix length");
  return 0;
}

static int
parse_optional_ip (const char *field, const char *text, int family, struct net_ip *out, agent_error_t *err)
{
  memset (out, 0, sizeof (*out));
  if (text[0] == '\0')
    return 0;
  if (net_parse_ip (field, text, out, err) < 0)
    return -1;
  if (family && out->family != family)
    return net_bad_value (err, field, text, "not of the destination's address family");
  return 0;
}

static int
parse_scope (const char *field, int scope, bool has_gateway, unsigned char *out, agent_error_t *err)
{
  char text[16];

  switch (scope)
    {
    case NET_SCOPE_UNIVERSE:
      /* As `ip route add` does: a route without a gateway is on the link. */
      *out = has_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
      return 0;
    case NET_SCOPE_LINK:
      *out = RT_SCOPE_LINK;
      return 0;
    case NET_SCOPE_HOST:
      *out = RT_SCOPE_HOST;
      return 0;
    default:
      snprintf (text, sizeof (text), "%d", scope);
      return net_bad_value (err, field, text, "not a route scope (UNIVERSE, LINK, HOST)");
    }
}

int
net_route_parse (const char *prefix, const struct net_route_spec *spec, struct net_route_req *out, agent_error_t *err)
{
  char field[64];
  struct net_ip gw;

  memset (out, 0, sizeof (*out));
  if (parse_optional_ip (field_of (field, sizeof (field), prefix, "gateway"), spec->gateway, 0, &gw, err) < 0)
    return -1;
  if (parse_destination (field_of (field, sizeof (field), prefix, "destination"), spec, gw.family, &out->dst, err) < 0)
    return -1;
  if (gw.family && gw.family != out->dst.family)
    return net_bad_value (err, field_of (field, sizeof (field), prefix, "gateway"), spec->gateway,
                          "not of the destination's address family");
  out->gateway = gw;
  if (parse_optional_ip (field_of (field, sizeof (field), prefix, "source"), spec->source, out->dst.family,
                         &out->source, err)
      < 0)
    return -1;
  if (parse_scope (field_of (field, sizeof (field), prefix, "scope"), spec->scope, gw.family != 0, &out->scope, err)
      < 0)
    return -1;
  if (spec->device[0] == '\0' && gw.family == 0)
    return net_bad_value (err, field_of (field, sizeof (field), prefix, "device"), "",
                          "a route needs a device or a gateway");
  out->metric = spec->metric;
  if (spec->device[0])
    return net_link_index (field_of (field, sizeof (field), prefix, "device"), spec->device, &out->oif, err);
  return 0;
}

static enum net_scope
scope_of (unsigned char rt_scope)
{
  return rt_scope == RT_SCOPE_HOST ? NET_SCOPE_HOST : rt_scope == RT_SCOPE_LINK ? NET_SCOPE_LINK : NET_SCOPE_UNIVERSE;
}

static void
ip_of (const struct rtattr *a, int family, unsigned prefix, struct net_ip *ip)
{
  memset (ip, 0, sizeof (*ip));
  ip->family = family;
  ip->prefix = prefix;
  if (a && RTA_PAYLOAD (a) <= sizeof (ip->bytes))
    memcpy (ip->bytes, RTA_DATA (a), RTA_PAYLOAD (a));
}

static void
describe_route (const struct rtmsg *rtm, struct rtattr **tb, struct net_route *r)
{
  struct net_ip ip;

  memset (r, 0, sizeof (*r));
  ip_of (tb[RTA_DST], rtm->rtm_family, rtm->rtm_dst_len, &ip);
  net_format_ip (&ip, true, r->destination, sizeof (r->destination));
  if (tb[RTA_GATEWAY])
    {
      ip_of (tb[RTA_GATEWAY], rtm->rtm_family, 0, &ip);
      net_format_ip (&ip, false, r->gateway, sizeof (r->gateway));
    }
  if (tb[RTA_PREFSRC])
    {
      ip_of (tb[RTA_PREFSRC], rtm->rtm_family, 0, &ip);
      net_format_ip (&ip, false, r->source, sizeof (r->source));
    }
  if (tb[RTA_OIF])
    if_indextoname (*(unsigned *) RTA_DATA (tb[RTA_OIF]), r->device);
  if (tb[RTA_PRIORITY])
    r->metric = *(uint32_t *) RTA_DATA (tb[RTA_PRIORITY]);
  r->scope = scope_of (rtm->rtm_scope);
}

static int
collect_route (const struct nlmsghdr *msg, void *arg, agent_error_t *err)
{
  struct route_dump *d = arg;
  const struct rtmsg *rtm = NLMSG_DATA (msg);
  struct rtattr *tb[RTA_MAX + 1];
  unsigned table;

  if (msg->nlmsg_type != RTM_NEWROUTE || rtm->rtm_type != RTN_UNICAST)
    return 0;
  nl_attrs (msg, sizeof (*rtm), tb, RTA_MAX);
  table = tb[RTA_TABLE] ? *(unsigned *) RTA_DATA (tb[RTA_TABLE]) : rtm->rtm_table;
  if (table != RT_TABLE_MAIN)
    return 0;
  if (d->keep && d->kept_bytes + msg->nlmsg_len > NET_ROUTES_KEPT_MAX)
    return agent_make_rpc_error (err, GRPC_RESOURCE_EXHAUSTED, 0,
                                 "main table `%zu routes and more`: over the %u MiB of routes an update keeps to "
                                 "put them back if it fails",
                                 d->n, NET_ROUTES_KEPT_MAX >> 20);
  d->routes = xrealloc (d->routes, (d->n + 1) * sizeof (*d->routes));
  describe_route (rtm, tb, &d->routes[d->n]);
  if (d->keep)
    {
      /* A route is removed or put back by sending its own message. */
      d->msgs = xrealloc (d->msgs, (d->n + 1) * sizeof (*d->msgs));
      d->msgs[d->n] = xmalloc (msg->nlmsg_len);
      memcpy (d->msgs[d->n], msg, msg->nlmsg_len);
      d->kept_bytes += msg->nlmsg_len;
    }
  d->n++;
  return 0;
}

void
route_dump_free (struct route_dump *d)
{
  for (size_t i = 0; d->msgs && i < d->n; i++)
    free (d->msgs[i]);
  free (d->msgs);
  free (d->routes);
  memset (d, 0, sizeof (*d));
}

int
route_dump_read (struct route_dump *d, bool keep, agent_error_t *err)
{
  struct nl_request req;
  struct rtmsg *rtm = nl_start (&req, RTM_GETROUTE, 0, sizeof (*rtm));

  memset (d, 0, sizeof (*d));
  d->keep = keep;
  d->routes = xzalloc (sizeof (*d->routes));
  rtm->rtm_family = AF_UNSPEC;
  return nl_dump (&req, collect_route, d, err);
}

struct net_route *
net_routes_list (size_t *n, agent_error_t *err)
{
  struct route_dump d;

  if (route_dump_read (&d, false, err) < 0)
    {
      route_dump_free (&d);
      return NULL;
    }
  *n = d.n;
  return d.routes;
}

/* The request for r as type, and its text: "0.0.0.0/0 via 10.0.2.2". */
static char *
route_request (struct nl_request *req, int type, int flags, const struct net_route_req *r)
{
  struct rtmsg *rtm = nl_start (req, type, flags, sizeof (*rtm));
  unsigned len = net_ip_len (&r->dst);
  char dst[64], gw[48] = "", *text;

  rtm->rtm_family = (unsigned char) r->dst.family;
  rtm->rtm_dst_len = (unsigned char) r->dst.prefix;
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = RTPROT_BOOT;
  rtm->rtm_scope = r->scope;
  rtm->rtm_type = RTN_UNICAST;
  if (r->dst.prefix)
    nl_put (req, RTA_DST, r->dst.bytes, len);
  if (r->gateway.family)
    nl_put (req, RTA_GATEWAY, r->gateway.bytes, len);
  if (r->source.family)
    nl_put (req, RTA_PREFSRC, r->source.bytes, len);
  if (r->oif)
    nl_put (req, RTA_OIF, &r->oif, sizeof (r->oif));
  if (r->metric)
    nl_put (req, RTA_PRIORITY, &r->metric, sizeof (r->metric));
  net_format_ip (&r->dst, true, dst, sizeof (dst));
  if (r->gateway.family)
    net_format_ip (&r->gateway, false, gw, sizeof (gw));
  xasprintf (&text, "%s%s%s", dst, gw[0] ? " via " : "", gw);
  return text;
}

int
route_add (const char *prefix, const struct net_route_req *r, agent_error_t *err)
{
  struct nl_request req;
  cleanup_free char *text = route_request (&req, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, r);

  return nl_call (&req, &(struct nl_about){ prefix, text, "the kernel refused it" }, err);
}

int
route_delete (const char *prefix, const struct net_route_req *r, agent_error_t *err)
{
  struct nl_request req;
  cleanup_free char *text = route_request (&req, RTM_DELROUTE, 0, r);

  return nl_call (&req, &(struct nl_about){ prefix, text, "cannot delete it again" }, err);
}

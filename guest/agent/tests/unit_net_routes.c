/* Unit tests of the routes: the checks of a route, and UpdateRoutes's
   rtnetlink requests on unit_net.c's tap, in its own network namespace. */
#define _GNU_SOURCE
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>

#include "net_route.h"
#include "net_route_internal.h"
#include "netlink.h"
#include "tests/check.h"
#include "tests/unit_net.h"
#include "util.h"

bool
test_parse_route (void)
{
  struct net_route_spec s = { .destination = "", .gateway = "10.0.2.2", .device = "", .source = "" };
  struct net_route_req r;
  agent_error_t err = NULL;

  CHECK (net_route_parse ("routes[0]", &s, &r, &err) == 0);
  CHECK (r.dst.family == AF_INET && r.dst.prefix == 0 && r.gateway.family == AF_INET && r.scope == RT_SCOPE_UNIVERSE);
  s.gateway = "fd00::1";
  CHECK (net_route_parse ("routes[0]", &s, &r, &err) == 0 && r.dst.family == AF_INET6);
  s.destination = "10.1.0.0/16";
  CHECK (net_route_parse ("routes[0]", &s, &r, &err) < 0
         && error_is (&err, "routes[0].gateway `fd00::1`: not of the destination's address family")
                == GRPC_INVALID_ARGUMENT);
  s.gateway = "";
  s.device = "lo";
  CHECK (net_route_parse ("routes[1]", &s, &r, &err) == 0 && r.scope == RT_SCOPE_LINK && r.oif > 0);
  s.destination = "10.1.0.1/16";
  CHECK (net_route_parse ("routes[1]", &s, &r, &err) < 0
         && error_is (&err, "routes[1].destination `10.1.0.1/16`: has bits set beyond its prefix length")
                == GRPC_INVALID_ARGUMENT);
  s.destination = "10.1.0.0/16";
  s.scope = 7;
  CHECK (net_route_parse ("routes[1]", &s, &r, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  s.scope = NET_SCOPE_HOST;
  s.source = "fd00::9";
  CHECK (net_route_parse ("routes[1]", &s, &r, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  s.source = "";
  s.device = "nosuch0";
  CHECK (net_route_parse ("routes[1]", &s, &r, &err) < 0
         && error_is (&err, "interface `nosuch0`: no such interface") == GRPC_NOT_FOUND);
  s.device = "";
  CHECK (net_route_parse ("routes[1]", &s, &r, &err) < 0
         && error_is (&err, "routes[1].device ``: a route needs a device or a gateway") == GRPC_INVALID_ARGUMENT);
  return true;
}

static const struct net_route *
route_to (const struct net_route *routes, size_t n, const char *destination)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (routes[i].destination, destination) == 0)
      return &routes[i];
  return NULL;
}

bool
test_replace_routes (void)
{
  struct net_route_spec specs[] = {
    { .destination = "default", .gateway = "10.9.0.1", .device = "", .source = "", .metric = 5 },
    { .destination = "10.10.0.0/16", .gateway = "", .device = TAP, .source = "10.9.0.3" },
  };
  cleanup_free struct net_route *routes = NULL;
  const struct net_route *r;
  agent_error_t err = NULL;
  size_t n;

  CHECK (net_routes_replace (specs, 2, &err) == 0);
  routes = net_routes_list (&n, &err);
  CHECK (routes != NULL);
  r = route_to (routes, n, "0.0.0.0/0");
  CHECK (r && strcmp (r->gateway, "10.9.0.1") == 0 && strcmp (r->device, TAP) == 0 && r->metric == 5
         && r->scope == NET_SCOPE_UNIVERSE);
  r = route_to (routes, n, "10.10.0.0/16");
  CHECK (r && r->gateway[0] == '\0' && strcmp (r->source, "10.9.0.3") == 0 && r->scope == NET_SCOPE_LINK);
  /* The kernel's route for the address stays. */
  CHECK (route_to (routes, n, "10.9.0.0/24") != NULL);
  free (steal_ptr (&routes));

  CHECK (net_routes_replace (specs + 1, 1, &err) == 0);
  routes = net_routes_list (&n, &err);
  CHECK (routes && route_to (routes, n, "0.0.0.0/0") == NULL && route_to (routes, n, "10.10.0.0/16") != NULL);

  specs[0].gateway = "10.77.0.1";
  CHECK (net_routes_replace (specs, 1, &err) < 0);
  /* The kernel's refusal names the field and value, for the host's typed error. */
  CHECK (strcmp (err->field, "routes[0]") == 0 && strcmp (err->value, "0.0.0.0/0 via 10.77.0.1") == 0);
  CHECK (error_is (&err, "routes[0] `0.0.0.0/0 via 10.77.0.1`: the kernel refused it: Network is unreachable")
         == GRPC_INVALID_ARGUMENT);
  return true;
}

/* Appends an attribute to msg (in a buffer large enough) and returns it. */
static struct rtattr *
append_attr (struct nlmsghdr *msg, int type, const void *data, size_t len)
{
  struct rtattr *a = (struct rtattr *) ((char *) msg + NLMSG_ALIGN (msg->nlmsg_len));

  a->rta_type = (unsigned short) type;
  a->rta_len = (unsigned short) RTA_LENGTH (len);
  if (data)
    memcpy (RTA_DATA (a), data, len);
  msg->nlmsg_len = NLMSG_ALIGN (msg->nlmsg_len) + RTA_ALIGN (a->rta_len);
  return a;
}

#define MULTIPATH_HOPS 80

/* 10.20.0.0/16 through 80 gateways on the tap's link (replacing it if it
   is there), as `ip route add ... nexthop via ...` makes it: a route
   message of about 1.4 KiB, over the agent's own request buffer. */
static bool
add_multipath_route (void)
{
  union
  {
    struct nlmsghdr hdr;
    char bytes[4096];
  } buf = { 0 };
  struct rtmsg *rtm = NLMSG_DATA (&buf.hdr);
  const uint8_t dst[4] = { 10, 20, 0, 0 };
  const struct nl_about multipath = { .action = "multipath" };
  struct rtattr *paths;
  agent_error_t err = NULL;

  buf.hdr.nlmsg_len = NLMSG_LENGTH (sizeof (*rtm));
  *rtm = (struct rtmsg){ .rtm_family = AF_INET,
                         .rtm_dst_len = 16,
                         .rtm_table = RT_TABLE_MAIN,
                         .rtm_protocol = RTPROT_STATIC,
                         .rtm_scope = RT_SCOPE_UNIVERSE,
                         .rtm_type = RTN_UNICAST };
  append_attr (&buf.hdr, RTA_DST, dst, sizeof (dst));
  paths = append_attr (&buf.hdr, RTA_MULTIPATH, NULL, 0);
  for (int i = 0; i < MULTIPATH_HOPS; i++)
    {
      struct rtnexthop *hop = (struct rtnexthop *) ((char *) &buf.hdr + buf.hdr.nlmsg_len);
      const uint8_t gw[4] = { 10, 9, 0, (uint8_t) (10 + i) };
      struct rtattr *a = RTNH_DATA (hop);

      *hop = (struct rtnexthop){ .rtnh_len = RTNH_LENGTH (RTA_SPACE (sizeof (gw))),
                                 .rtnh_ifindex = (int) if_nametoindex (TAP) };
      a->rta_type = RTA_GATEWAY;
      a->rta_len = RTA_LENGTH (sizeof (gw));
      memcpy (RTA_DATA (a), gw, sizeof (gw));
      buf.hdr.nlmsg_len += RTNH_ALIGN (hop->rtnh_len);
    }
  paths->rta_len = (unsigned short) ((char *) &buf.hdr + buf.hdr.nlmsg_len - (char *) paths);
  CHECK (buf.hdr.nlmsg_len > NL_REQUEST_MAX);
  CHECK (nl_resend (&buf.hdr, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &multipath, &err) == 0
         || error_is (&err, NULL) < 0);
  return true;
}

/* The route in d to destination, -1 if none. */
static long
dumped_route (const struct route_dump *d, const char *destination)
{
  for (size_t i = 0; i < d->n; i++)
    if (strcmp (d->routes[i].destination, destination) == 0)
      return (long) i;
  return -1;
}

/* Every route of before is in after, as ListRoutes shows it and with the
   same rtnetlink message (nexthops, protocol, flags): nothing else. */
static bool
same_routes (const struct route_dump *before, const struct route_dump *after)
{
  CHECK (before->n == after->n);
  for (size_t i = 0; i < before->n; i++)
    {
      const struct nlmsghdr *b = before->msgs[i];
      bool found = false;

      for (size_t j = 0; j < after->n && ! found; j++)
        found = memcmp (&before->routes[i], &after->routes[j], sizeof (before->routes[i])) == 0
                && after->msgs[j]->nlmsg_len == b->nlmsg_len
                && memcmp (NLMSG_DATA (after->msgs[j]), NLMSG_DATA (b), b->nlmsg_len - NLMSG_HDRLEN) == 0;
      if (! found)
        fprintf (stderr, "route %s: not as before\n", before->routes[i].destination);
      CHECK (found);
    }
  return true;
}

bool
test_replace_routes_all_or_nothing (void)
{
  struct net_route_spec good[] = {
    { .destination = "default", .gateway = "10.9.0.1", .device = "", .source = "", .metric = 5 },
    { .destination = "10.10.0.0/16", .gateway = "", .device = TAP, .source = "10.9.0.3" },
    { .destination = "fd00:30::/64", .gateway = "", .device = TAP, .source = "", .metric = 7 },
  };
  /* routes[0] replaces the kernel's route for 10.9.0.3/24, routes[2] goes in
     with it, then routes[1]'s gateway is on no link. */
  struct net_route_spec refused[] = {
    { .destination = "10.9.0.0/24", .gateway = "", .device = TAP, .source = "" },
    { .destination = "default", .gateway = "10.77.0.1", .device = "", .source = "" },
    { .destination = "10.30.0.0/16", .gateway = "", .device = TAP, .source = "" },
  };
  struct route_dump before, after;
  agent_error_t err = NULL;
  bool same;

  CHECK (net_routes_replace (good, 3, &err) == 0);
  CHECK (add_multipath_route ());
  CHECK (route_dump_read (&before, true, &err) == 0);
  CHECK (dumped_route (&before, "10.20.0.0/16") >= 0 && dumped_route (&before, "0.0.0.0/0") >= 0
         && dumped_route (&before, "fd00:30::/64") >= 0);
  CHECK (before.msgs[dumped_route (&before, "10.20.0.0/16")]->nlmsg_len > NL_REQUEST_MAX);

  CHECK (net_routes_replace (refused, 3, &err) < 0
         && error_is (&err, "routes[1] `0.0.0.0/0 via 10.77.0.1`: the kernel refused it: Network is unreachable")
                == GRPC_INVALID_ARGUMENT);
  CHECK (route_dump_read (&after, true, &err) == 0);
  same = same_routes (&before, &after);
  route_dump_free (&before);
  route_dump_free (&after);
  return same;
}

bool
test_large_route_removed (void)
{
  struct net_route_spec spec = { .destination = "10.10.0.0/16", .gateway = "", .device = TAP, .source = "" };
  cleanup_free struct net_route *routes = NULL;
  agent_error_t err = NULL;
  size_t n;

  CHECK (add_multipath_route ());
  CHECK (net_routes_replace (&spec, 1, &err) == 0);
  routes = net_routes_list (&n, &err);
  CHECK (routes != NULL);
  for (size_t i = 0; i < n; i++)
    CHECK (strcmp (routes[i].destination, "10.20.0.0/16") != 0 && strcmp (routes[i].destination, "0.0.0.0/0") != 0);
  return true;
}

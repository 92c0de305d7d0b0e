/* Decoding of the network RPCs; the work is in netinfo.c (interfaces as they
   are), net_link.c (changing one), net_route.c and net_neigh.c. */
#define _GNU_SOURCE
#include "rpc_internal.h"

#include <stdio.h>
#include <string.h>

#include "net_link.h"
#include "net_route.h"
#include "netinfo.h"

typedef Vc4j__Agent__V1__ListInterfacesResponse__Interface pb_interface;
typedef Vc4j__Agent__V1__Route pb_route;

/* Points out at itf's fields; addresses gets its address strings. */
static void
interface_message (struct net_interface *itf, pb_interface *out, char **addresses)
{
  vc4j__agent__v1__list_interfaces_response__interface__init (out);
  out->name = itf->name;
  out->mac = itf->mac;
  out->mtu = itf->mtu;
  out->up = itf->up;
  out->addresses = addresses;
  for (size_t j = 0; j < itf->n_addresses; j++)
    addresses[j] = itf->addresses[j];
  out->n_addresses = itf->n_addresses;
}

int
rpc_list_interfaces (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__ListInterfacesRequest *req =
      rpc_unpack (&vc4j__agent__v1__list_interfaces_request__descriptor, msg, len, err);
  Vc4j__Agent__V1__ListInterfacesResponse resp = VC4J__AGENT__V1__LIST_INTERFACES_RESPONSE__INIT;
  cleanup_free struct net_interface *list = NULL;
  cleanup_free pb_interface *out = NULL;
  cleanup_free pb_interface **ptrs = NULL;
  cleanup_free char **addresses = NULL;
  size_t n;

  if (req == NULL || (list = netinfo_interfaces (&n, err)) == NULL)
    return -1;
  out = xzalloc ((n + 1) * sizeof (*out));
  ptrs = xzalloc ((n + 1) * sizeof (*ptrs));
  addresses = xzalloc ((n * NET_MAX_ADDRESSES + 1) * sizeof (*addresses));
  for (size_t i = 0; i < n; i++)
    {
      interface_message (&list[i], &out[i], addresses + i * NET_MAX_ADDRESSES);
      ptrs[i] = &out[i];
    }
  resp.interfaces = ptrs;
  resp.n_interfaces = n;
  rpc_reply (call, &resp.base);
  return 0;
}

static int
reply_routes (const struct rpc_call *call, agent_error_t *err)
{
  Vc4j__Agent__V1__ListRoutesResponse resp = VC4J__AGENT__V1__LIST_ROUTES_RESPONSE__INIT;
  cleanup_free struct net_route *routes = NULL;
  cleanup_free pb_route *out = NULL;
  cleanup_free pb_route **ptrs = NULL;
  size_t n = 0;

  if ((routes = net_routes_list (&n, err)) == NULL)
    return -1;
  out = xzalloc ((n + 1) * sizeof (*out));
  ptrs = xzalloc ((n + 1) * sizeof (*ptrs));
  for (size_t i = 0; i < n; i++)
    {
      vc4j__agent__v1__route__init (&out[i]);
      out[i].destination = routes[i].destination;
      out[i].gateway = routes[i].gateway;
      out[i].device = routes[i].device;
      out[i].source = routes[i].source;
      out[i].metric = routes[i].metric;
      out[i].scope = (Vc4j__Agent__V1__Route__Scope) routes[i].scope;
      ptrs[i] = &out[i];
    }
  resp.routes = ptrs;
  resp.n_routes = n;
  rpc_reply (call, &resp.base);
  return 0;
}

int
rpc_list_routes (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__ListRoutesRequest *req =
      rpc_unpack (&vc4j__agent__v1__list_routes_request__descriptor, msg, len, err);

  return req == NULL ? -1 : reply_routes (call, err);
}

int
rpc_update_interface (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__UpdateInterfaceRequest *req =
      rpc_unpack (&vc4j__agent__v1__update_interface_request__descriptor, msg, len, err);
  cleanup_free struct net_interface *list = NULL;
  char *addresses[NET_MAX_ADDRESSES];
  char name[IF_NAMESIZE] = "";
  pb_interface out;
  size_t n;

  if (req == NULL)
    return -1;
  if (req->n_addresses > NET_MAX_ADDRESSES)
    {
      char count[40];

      snprintf (count, sizeof (count), "%zu addresses", req->n_addresses);
      return agent_make_field_error (err, 0, "addresses", count, "at most %d", NET_MAX_ADDRESSES);
    }
  struct net_link_update u = {
    .mac = req->mac,
    .name = req->name,
    .addresses = req->addresses,
    .n_addresses = req->n_addresses,
    .mtu = req->mtu,
    .up = req->up,
  };
  if (net_link_apply (&u, name, err) < 0 || (list = netinfo_interfaces (&n, err)) == NULL)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (strcmp (list[i].name, name) == 0)
      {
        interface_message (&list[i], &out, addresses);
        rpc_reply (call, &out.base);
        return 0;
      }
  return agent_make_resource_error (err, GRPC_NOT_FOUND, "interface", name, "interface `%s`: gone after its update",
                                    name);
}

int
rpc_update_routes (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__UpdateRoutesRequest *req =
      rpc_unpack (&vc4j__agent__v1__update_routes_request__descriptor, msg, len, err);
  cleanup_free struct net_route_spec *specs = NULL;

  if (req == NULL)
    return -1;
  specs = xzalloc ((req->n_routes + 1) * sizeof (*specs));
  for (size_t i = 0; i < req->n_routes; i++)
    specs[i] = (struct net_route_spec){ .destination = req->routes[i]->destination,
                                        .gateway = req->routes[i]->gateway,
                                        .device = req->routes[i]->device,
                                        .source = req->routes[i]->source,
                                        .metric = req->routes[i]->metric,
                                        .scope = (int) req->routes[i]->scope };
  if (net_routes_replace (specs, req->n_routes, err) < 0)
    return -1;
  return reply_routes (call, err);
}

int
rpc_add_arp_neighbors (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__AddARPNeighborsRequest *req =
      rpc_unpack (&vc4j__agent__v1__add_arpneighbors_request__descriptor, msg, len, err);
  Vc4j__Agent__V1__Empty resp = VC4J__AGENT__V1__EMPTY__INIT;
  cleanup_free struct net_neighbor_spec *specs = NULL;

  if (req == NULL)
    return -1;
  specs = xzalloc ((req->n_neighbors + 1) * sizeof (*specs));
  for (size_t i = 0; i < req->n_neighbors; i++)
    specs[i] = (struct net_neighbor_spec){ .ip = req->neighbors[i]->ip,
                                           .mac = req->neighbors[i]->mac,
                                           .device = req->neighbors[i]->device };
  if (net_neighbors_add (specs, req->n_neighbors, err) < 0)
    return -1;
  rpc_reply (call, &resp.base);
  return 0;
}

/* The read-only network RPCs. */
#define _GNU_SOURCE
#include "rpc_internal.h"

#include "netinfo.h"

int
rpc_list_interfaces (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__ListInterfacesRequest *req
      = rpc_unpack (&vc4j__agent__v1__list_interfaces_request__descriptor, msg, len, err);
  Vc4j__Agent__V1__ListInterfacesResponse resp = VC4J__AGENT__V1__LIST_INTERFACES_RESPONSE__INIT;
  cleanup_free struct net_interface *list = NULL;
  cleanup_free Vc4j__Agent__V1__ListInterfacesResponse__Interface *out = NULL;
  cleanup_free Vc4j__Agent__V1__ListInterfacesResponse__Interface **ptrs = NULL;
  cleanup_free char **addresses = NULL;
  size_t n, k = 0;

  if (req == NULL || (list = netinfo_interfaces ("/sys", &n, err)) == NULL)
    return -1;
  out = xzalloc ((n + 1) * sizeof (*out));
  ptrs = xzalloc ((n + 1) * sizeof (*ptrs));
  addresses = xzalloc ((n * NET_MAX_ADDRESSES + 1) * sizeof (*addresses));
  for (size_t i = 0; i < n; i++)
    {
      vc4j__agent__v1__list_interfaces_response__interface__init (&out[i]);
      out[i].name = list[i].name;
      out[i].mac = list[i].mac;
      out[i].mtu = list[i].mtu;
      out[i].up = list[i].up;
      out[i].addresses = addresses + k;
      for (size_t j = 0; j < list[i].n_addresses; j++)
        addresses[k++] = list[i].addresses[j];
      out[i].n_addresses = list[i].n_addresses;
      ptrs[i] = &out[i];
    }
  resp.interfaces = ptrs;
  resp.n_interfaces = n;
  rpc_reply (call, &resp.base);
  return 0;
}

int
rpc_list_routes (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__ListRoutesRequest *req
      = rpc_unpack (&vc4j__agent__v1__list_routes_request__descriptor, msg, len, err);
  Vc4j__Agent__V1__ListRoutesResponse resp = VC4J__AGENT__V1__LIST_ROUTES_RESPONSE__INIT;
  cleanup_free struct net_route *routes = NULL;
  cleanup_free Vc4j__Agent__V1__ListRoutesResponse__Route *out = NULL;
  cleanup_free Vc4j__Agent__V1__ListRoutesResponse__Route **ptrs = NULL;
  size_t n;

  if (req == NULL || (routes = netinfo_routes ("/proc", &n, err)) == NULL)
    return -1;
  out = xzalloc ((n + 1) * sizeof (*out));
  ptrs = xzalloc ((n + 1) * sizeof (*ptrs));
  for (size_t i = 0; i < n; i++)
    {
      vc4j__agent__v1__list_routes_response__route__init (&out[i]);
      out[i].destination = routes[i].destination;
      out[i].gateway = routes[i].gateway;
      out[i].device = routes[i].device;
      out[i].metric = routes[i].metric;
      ptrs[i] = &out[i];
    }
  resp.routes = ptrs;
  resp.n_routes = n;
  rpc_reply (call, &resp.base);
  return 0;
}

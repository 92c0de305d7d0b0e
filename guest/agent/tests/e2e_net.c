/* End-to-end tests of the network RPCs against the agent on the host:
   only calls that fail before anything changes (the host's network is not
   the tests' to touch), and the read-only listing. */
#include <string.h>

#include "tests/check.h"
#include "tests/e2e.h"
#include "util.h"

static bool
fails_with (const char *method, const ProtobufCMessage *req, int status, const char *message)
{
  cleanup_call struct h2call *cl = call (&shared, method, req);

  CHECK (cl && cl->closed && cl->http_status == 200 && cl->grpc_status == status);
  CHECK (strcmp (cl->grpc_message, message) == 0 && cl->details_len > 0);
  return true;
}

bool
test_network_errors (void)
{
  Vc4j__Agent__V1__UpdateInterfaceRequest itf = VC4J__AGENT__V1__UPDATE_INTERFACE_REQUEST__INIT;
  Vc4j__Agent__V1__UpdateRoutesRequest routes = VC4J__AGENT__V1__UPDATE_ROUTES_REQUEST__INIT;
  Vc4j__Agent__V1__AddARPNeighborsRequest neigh = VC4J__AGENT__V1__ADD_ARPNEIGHBORS_REQUEST__INIT;
  Vc4j__Agent__V1__Route route = VC4J__AGENT__V1__ROUTE__INIT;
  Vc4j__Agent__V1__ARPNeighbor entry = VC4J__AGENT__V1__ARPNEIGHBOR__INIT;
  Vc4j__Agent__V1__Route *route_list[] = { &route };
  Vc4j__Agent__V1__ARPNeighbor *entries[] = { &entry };
  char *addresses[] = { (char *) "10.0.0.1/33" };

  itf.name = (char *) "nosuch0";
  itf.addresses = addresses;
  itf.n_addresses = 1;
  CHECK (fails_with ("UpdateInterface", &itf.base, 3, "addresses[0] `10.0.0.1/33`: the prefix length is over 32"));
  itf.n_addresses = 0;
  CHECK (fails_with ("UpdateInterface", &itf.base, 5, "interface `nosuch0`: no such interface"));
  itf.mac = (char *) "02:00:5e:00:99:99";
  CHECK (fails_with ("UpdateInterface", &itf.base, 5, "interface `02:00:5e:00:99:99`: no interface has this MAC"));

  route.destination = (char *) "10.1.0.0/16";
  route.device = (char *) "nosuch0";
  routes.routes = route_list;
  routes.n_routes = 1;
  CHECK (fails_with ("UpdateRoutes", &routes.base, 5, "interface `nosuch0`: no such interface"));

  entry.ip = (char *) "10.0.2.9";
  entry.mac = (char *) "ff:ff:ff:ff:ff:ff";
  entry.device = (char *) "lo";
  neigh.neighbors = entries;
  neigh.n_neighbors = 1;
  CHECK (
      fails_with ("AddARPNeighbors", &neigh.base, 3, "neighbors[0].mac `ff:ff:ff:ff:ff:ff`: a multicast MAC address"));
  return check_serving (&shared);
}

bool
test_list_routes (void)
{
  Vc4j__Agent__V1__ListRoutesRequest req = VC4J__AGENT__V1__LIST_ROUTES_REQUEST__INIT;
  cleanup_call struct h2call *cl = call (&shared, "ListRoutes", &req.base);
  cleanup_msg Vc4j__Agent__V1__ListRoutesResponse *resp = NULL;

  CHECK (cl && cl->closed && cl->grpc_status == 0);
  resp = (void *) h2call_reply (cl, &vc4j__agent__v1__list_routes_response__descriptor);
  CHECK (resp != NULL);
  for (size_t i = 0; i < resp->n_routes; i++)
    CHECK (strchr (resp->routes[i]->destination, '/') != NULL);
  return true;
}

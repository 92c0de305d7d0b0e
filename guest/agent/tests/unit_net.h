/* What unit_net.c's tests share: the tap they run on (in their own network
   namespace) and the check of an error; the route tests are in
   unit_net_routes.c. */
#ifndef VC4J_TEST_UNIT_NET_H
#define VC4J_TEST_UNIT_NET_H

#include <stdbool.h>

#include "error.h"

#define TAP "vc4jt0"
#define TAP_MAC "02:00:00:00:aa:01"

/* The error's code, when its message is exactly message (NULL: any); releases it. */
int error_is (agent_error_t *err, const char *message);

bool test_parse_route (void);
/* These need the tap up with 10.9.0.3/24 (test_update_interface). */
bool test_replace_routes (void);
bool test_replace_routes_all_or_nothing (void);
bool test_large_route_removed (void);

#endif

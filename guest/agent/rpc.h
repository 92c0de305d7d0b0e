/* The AgentService methods: decoding requests, running them, encoding
   replies. */
#ifndef VC4J_RPC_H
#define VC4J_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "h2session.h"

#define RPC_SERVICE_PREFIX "/vc4j.agent.v1.AgentService/"
#define RPC_PROTOCOL_REVISION 1

/* Answers the call now or later, through h2session_reply*. */
void rpc_dispatch (const struct rpc_call *call, const char *path, const uint8_t *msg, size_t len);

/* Packs m and sends it as the reply to call. */
void rpc_reply (const struct rpc_call *call, const ProtobufCMessage *m);

#endif

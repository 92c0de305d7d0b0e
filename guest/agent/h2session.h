/* One HTTP/2 server session (nghttp2) carrying unary gRPC calls. A session
   lives from a handshake to the next one, or to its end; replies to calls
   of a session that is gone are dropped. */
#ifndef VC4J_H2SESSION_H
#define VC4J_H2SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "grpc.h"
#include "util.h"

struct h2session;

/* Names a call by value, so that a late reply can find out whether its
   session and stream still exist. */
struct rpc_call
{
  uint64_t session_id;
  int32_t stream_id;
};

struct h2session *h2session_new (agent_error_t *err);
void h2session_free (struct h2session *s);

/* Returns -1 when the session is broken beyond recovery. */
int h2session_feed (struct h2session *s, const uint8_t *data, size_t len, agent_error_t *err);
/* Appends pending output to out until it holds at least limit bytes or
   nothing is left to send. */
int h2session_produce (struct h2session *s, struct buf *out, size_t limit, agent_error_t *err);
/* True once both sides are done (GOAWAY, or a fatal protocol error). */
bool h2session_done (struct h2session *s);

/* False once the client gave up on the call (deadline, cancel, session
   gone): a parked call must not take data it cannot deliver. */
bool h2session_call_alive (const struct rpc_call *call);
void h2session_reply (const struct rpc_call *call, const uint8_t *msg, size_t len);
/* Fails the call with err's code, message and details (grpc-status-details-bin). */
void h2session_reply_failure (const struct rpc_call *call, const struct agent_error_s *err);
/* The same for an error that names no field or resource. */
void h2session_reply_error (const struct rpc_call *call, enum grpc_code code, const char *message);

#endif

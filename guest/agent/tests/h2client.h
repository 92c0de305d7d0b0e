/* A minimal blocking gRPC-over-HTTP/2 client speaking the agent's handshake,
   for the end-to-end tests. It plays the host's role (the Java client). */
#ifndef VC4J_TEST_H2CLIENT_H
#define VC4J_TEST_H2CLIENT_H

#include <nghttp2/nghttp2.h>
#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>

#include "util.h"

struct h2call
{
  int32_t stream_id;
  bool closed;
  uint32_t rst_error;
  int http_status;
  int grpc_status;
  char grpc_message[512];
  size_t details_len; /* of grpc-status-details-bin (unit_errors decodes it) */
  struct buf body;
  uint8_t *req;
  size_t req_len;
  size_t req_off;
};

struct h2client
{
  int fd;
  nghttp2_session *ng;
  char nonce[33];
  char agent_version[64];
};

int h2client_connect (struct h2client *c, const char *path);
/* Sends a hello on the current fd, discards everything up to the matching
   READY line and starts a fresh HTTP/2 session. */
int h2client_handshake (struct h2client *c);
/* The second half of a handshake whose hello (with c->nonce) the caller
   wrote itself. */
int h2client_await_ready (struct h2client *c);
void h2client_close (struct h2client *c);
/* Writes raw bytes, outside HTTP/2. */
int h2client_write_raw (struct h2client *c, const void *data, size_t len);

/* body is a complete gRPC request body (already framed). */
struct h2call *h2client_start_raw (struct h2client *c, const char *method, const void *body, size_t len);
struct h2call *h2client_start (struct h2client *c, const char *method, const ProtobufCMessage *req);
/* Runs the session until call is closed; false on timeout or I/O error. */
bool h2client_wait (struct h2client *c, struct h2call *call, double timeout_s);
/* Runs the session for a while, for replies that must not come. */
void h2client_idle (struct h2client *c, double seconds);
/* Decodes the reply of a successful call, or NULL. */
ProtobufCMessage *h2call_reply (const struct h2call *call, const ProtobufCMessageDescriptor *desc);
void h2call_free (struct h2call *call);

double now_s (void);

#endif

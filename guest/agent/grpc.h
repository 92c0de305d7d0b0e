/* gRPC wire details that do not depend on HTTP/2: status codes, the
   length-prefixed message framing and grpc-message encoding. */
#ifndef VC4J_GRPC_H
#define VC4J_GRPC_H

#include <stddef.h>
#include <stdint.h>

enum grpc_code
{
  GRPC_OK = 0,
  GRPC_INVALID_ARGUMENT = 3,
  GRPC_DEADLINE_EXCEEDED = 4,
  GRPC_NOT_FOUND = 5,
  GRPC_ALREADY_EXISTS = 6,
  GRPC_PERMISSION_DENIED = 7,
  GRPC_RESOURCE_EXHAUSTED = 8,
  GRPC_FAILED_PRECONDITION = 9,
  GRPC_UNIMPLEMENTED = 12,
  GRPC_INTERNAL = 13,
};

#define GRPC_FRAME_HEADER_LEN 5
#define GRPC_MAX_REQUEST_LEN (4u << 20)

struct agent_error_s;

/* Finds the single message of a unary request body. *msg points into body. */
int grpc_parse_unary (const uint8_t *body, size_t len, const uint8_t **msg, size_t *msg_len,
                      struct agent_error_s **err);

/* Returns a malloc'd frame: flag byte, big-endian length, message. */
uint8_t *grpc_frame (const uint8_t *msg, size_t len, size_t *frame_len);

/* Returns a malloc'd copy of msg percent-encoded as grpc-message requires. */
char *grpc_percent_encode (const char *msg);

#endif

#include "grpc.h"

#include <string.h>

#include "error.h"
#include "util.h"

static uint32_t
read_be32 (const uint8_t *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

int
grpc_parse_unary (const uint8_t *body, size_t len, const uint8_t **msg, size_t *msg_len, agent_error_t *err)
{
  uint32_t declared;

  if (len < GRPC_FRAME_HEADER_LEN)
    return agent_make_rpc_error (err, GRPC_INTERNAL, 0, "request carries no complete gRPC message");
  if (body[0] != 0)
    return agent_make_rpc_error (err, GRPC_UNIMPLEMENTED, 0, "compressed messages are not supported");

  declared = read_be32 (body + 1);
  if (declared > GRPC_MAX_REQUEST_LEN)
    return agent_make_rpc_error (err, GRPC_RESOURCE_EXHAUSTED, 0, "request message of %u bytes exceeds %u", declared,
                                 GRPC_MAX_REQUEST_LEN);
  if (len - GRPC_FRAME_HEADER_LEN < declared)
    return agent_make_rpc_error (err, GRPC_INTERNAL, 0, "request message truncated");
  if (len - GRPC_FRAME_HEADER_LEN > declared)
    return agent_make_rpc_error (err, GRPC_INTERNAL, 0, "unary request carries more than one message");

  *msg = body + GRPC_FRAME_HEADER_LEN;
  *msg_len = declared;
  return 0;
}

uint8_t *
grpc_frame (const uint8_t *msg, size_t len, size_t *frame_len)
{
  uint8_t *frame = xmalloc (GRPC_FRAME_HEADER_LEN + len);

  frame[0] = 0;
  frame[1] = (uint8_t) (len >> 24);
  frame[2] = (uint8_t) (len >> 16);
  frame[3] = (uint8_t) (len >> 8);
  frame[4] = (uint8_t) len;
  if (len)
    memcpy (frame + GRPC_FRAME_HEADER_LEN, msg, len);
  *frame_len = GRPC_FRAME_HEADER_LEN + len;
  return frame;
}

char *
grpc_percent_encode (const char *msg)
{
  static const char hex[] = "0123456789ABCDEF";
  char *out = xmalloc (strlen (msg) * 3 + 1);
  char *p = out;

  for (const unsigned char *s = (const unsigned char *) msg; *s; s++)
    {
      if (*s >= 0x20 && *s <= 0x7e && *s != '%')
        {
          *p++ = (char) *s;
          continue;
        }
      *p++ = '%';
      *p++ = hex[*s >> 4];
      *p++ = hex[*s & 0xf];
    }
  *p = '\0';
  return out;
}

#define _GNU_SOURCE
#include "error_details.h"

#include <string.h>

#include "agent.pb-c.h"
#include "google/rpc/error_details.pb-c.h"
#include "google/rpc/status.pb-c.h"
#include "util.h"

#define CUT_MARK "..."
#define MAX_DETAILS 2

/* The length of the valid UTF-8 sequence at s (n bytes left), 0 when the
   bytes there are none: the host's protobuf rejects a string that is not
   UTF-8 with the whole Status. */
static size_t
utf8_sequence (const unsigned char *s, size_t n)
{
  unsigned char lo = 0x80, hi = 0xbf;
  size_t len;

  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    len = 2;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    {
      len = 3;
      /* No overlong forms, no UTF-16 surrogates. */
      if (s[0] == 0xe0)
        lo = 0xa0;
      else if (s[0] == 0xed)
        hi = 0x9f;
    }
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    {
      len = 4;
      /* No overlong forms, nothing over U+10FFFF. */
      if (s[0] == 0xf0)
        lo = 0x90;
      else if (s[0] == 0xf4)
        hi = 0x8f;
    }
  else
    return 0;
  if (n < len || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xbf)
      return 0;
  return len;
}

char *
error_text_bounded (const char *text, size_t max)
{
  const unsigned char *s = (const unsigned char *) text;
  size_t n = strlen (text);
  /* Replacing a byte never lengthens the text: only a longer one is cut. */
  size_t room = n <= max ? max : max - strlen (CUT_MARK);
  char *ret = xmalloc ((n < max ? n : max) + 1);
  size_t in = 0, out = 0;

  while (in < n)
    {
      size_t len = utf8_sequence (s + in, n - in);
      size_t width = len ? len : 1;

      if (out + width > room)
        break;
      if (len)
        memcpy (ret + out, s + in, len);
      else
        ret[out] = '?';
      in += width;
      out += width;
    }
  if (in < n)
    {
      memcpy (ret + out, CUT_MARK, strlen (CUT_MARK));
      out += strlen (CUT_MARK);
    }
  ret[out] = '\0';
  return ret;
}

/* Unpadded, as gRPC asks senders of -bin headers to write it. */
static char *
base64 (const uint8_t *data, size_t len)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char *out = xmalloc ((len + 2) / 3 * 4 + 1);
  char *p = out;

  for (size_t i = 0; i < len; i += 3)
    {
      uint32_t v = (uint32_t) data[i] << 16;

      if (i + 1 < len)
        v |= (uint32_t) data[i + 1] << 8;
      if (i + 2 < len)
        v |= data[i + 2];
      *p++ = alphabet[v >> 18 & 63];
      *p++ = alphabet[v >> 12 & 63];
      if (i + 1 < len)
        *p++ = alphabet[v >> 6 & 63];
      if (i + 2 < len)
        *p++ = alphabet[v & 63];
    }
  *p = '\0';
  return out;
}

static Vc4j__Agent__V1__AgentError__Kind
kind_of (const struct agent_error_s *err)
{
  if (err->field)
    return VC4J__AGENT__V1__AGENT_ERROR__KIND__INVALID_FIELD;
  switch (err->code)
    {
    case GRPC_NOT_FOUND:
      return VC4J__AGENT__V1__AGENT_ERROR__KIND__NOT_FOUND;
    case GRPC_ALREADY_EXISTS:
      return VC4J__AGENT__V1__AGENT_ERROR__KIND__ALREADY_EXISTS;
    case GRPC_FAILED_PRECONDITION:
      return VC4J__AGENT__V1__AGENT_ERROR__KIND__WRONG_STATE;
    case GRPC_RESOURCE_EXHAUSTED:
      return VC4J__AGENT__V1__AGENT_ERROR__KIND__LIMIT_EXCEEDED;
    case GRPC_UNIMPLEMENTED:
      return VC4J__AGENT__V1__AGENT_ERROR__KIND__UNSUPPORTED;
    case GRPC_INVALID_ARGUMENT:
      return VC4J__AGENT__V1__AGENT_ERROR__KIND__REJECTED;
    default:
      return VC4J__AGENT__V1__AGENT_ERROR__KIND__AGENT_FAILURE;
    }
}

struct details
{
  size_t n;
  Google__Protobuf__Any any[MAX_DETAILS];
  Google__Protobuf__Any *ptr[MAX_DETAILS];
};

static void
details_add (struct details *d, const ProtobufCMessage *m)
{
  Google__Protobuf__Any *any = &d->any[d->n];

  google__protobuf__any__init (any);
  xasprintf (&any->type_url, "type.googleapis.com/%s", m->descriptor->name);
  any->value.len = protobuf_c_message_get_packed_size (m);
  any->value.data = xmalloc (any->value.len);
  protobuf_c_message_pack (m, any->value.data);
  d->ptr[d->n++] = any;
}

static void
details_free (struct details *d)
{
  for (size_t i = 0; i < d->n; i++)
    {
      free (d->any[i].type_url);
      free (d->any[i].value.data);
    }
}

char *
error_details_encode (const struct agent_error_s *err)
{
  __attribute__ ((cleanup (details_free))) struct details details = { .n = 0 };
  cleanup_free char *message = error_text_bounded (err->msg, ERROR_TEXT_MAX);
  cleanup_free char *field = NULL;
  cleanup_free char *value = NULL;
  cleanup_free char *reason = NULL;
  cleanup_free char *type = NULL;
  cleanup_free char *name = NULL;
  cleanup_free uint8_t *packed = NULL;
  Vc4j__Agent__V1__AgentError agent = VC4J__AGENT__V1__AGENT_ERROR__INIT;
  Google__Rpc__BadRequest__FieldViolation violation = GOOGLE__RPC__BAD_REQUEST__FIELD_VIOLATION__INIT;
  Google__Rpc__BadRequest__FieldViolation *violations[] = { &violation };
  Google__Rpc__BadRequest bad_request = GOOGLE__RPC__BAD_REQUEST__INIT;
  Google__Rpc__ResourceInfo resource = GOOGLE__RPC__RESOURCE_INFO__INIT;
  Google__Rpc__Status status = GOOGLE__RPC__STATUS__INIT;
  size_t len;

  agent.kind = kind_of (err);
  if (err->field)
    {
      agent.value = value = error_text_bounded (err->value, ERROR_TEXT_MAX);
      violation.field = field = error_text_bounded (err->field, ERROR_NAME_MAX);
      violation.description = reason = error_text_bounded (err->reason, ERROR_TEXT_MAX);
      bad_request.n_field_violations = 1;
      bad_request.field_violations = violations;
    }
  details_add (&details, &agent.base);
  if (err->field)
    details_add (&details, &bad_request.base);
  else if (err->resource_type)
    {
      resource.resource_type = type = error_text_bounded (err->resource_type, ERROR_NAME_MAX);
      resource.resource_name = name = error_text_bounded (err->resource_name, ERROR_NAME_MAX);
      details_add (&details, &resource.base);
    }

  status.code = (int32_t) err->code;
  status.message = message;
  status.n_details = details.n;
  status.details = details.ptr;
  len = protobuf_c_message_get_packed_size (&status.base);
  packed = xmalloc (len);
  protobuf_c_message_pack (&status.base, packed);
  return base64 (packed, len);
}

/* The grpc-status-details-bin trailer, decoded as the host decodes it: base64,
   then google.rpc.Status and the Any details, with protobuf-c. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "agent.pb-c.h"
#include "check.h"
#include "error.h"
#include "error_details.h"
#include "google/rpc/error_details.pb-c.h"
#include "google/rpc/status.pb-c.h"
#include "util.h"

/* What one error's trailer decodes to. */
struct decoded
{
  Google__Rpc__Status *status;
  Vc4j__Agent__V1__AgentError *agent;
  Google__Rpc__BadRequest *bad_request;
  Google__Rpc__ResourceInfo *resource;
  size_t trailer_len;
};

static void
decoded_free (struct decoded *d)
{
  if (d->agent)
    protobuf_c_message_free_unpacked (&d->agent->base, NULL);
  if (d->bad_request)
    protobuf_c_message_free_unpacked (&d->bad_request->base, NULL);
  if (d->resource)
    protobuf_c_message_free_unpacked (&d->resource->base, NULL);
  if (d->status)
    protobuf_c_message_free_unpacked (&d->status->base, NULL);
}

#define cleanup_decoded __attribute__ ((cleanup (decoded_free)))

static int
base64_value (char c)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const char *p = c ? strchr (alphabet, c) : NULL;

  return p ? (int) (p - alphabet) : -1;
}

/* Unpadded base64 as gRPC's -bin headers carry it; NULL when malformed. */
static uint8_t *
base64_decode (const char *in, size_t *len)
{
  size_t n = strlen (in);
  uint8_t *out = xmalloc (n * 3 / 4 + 1);
  uint32_t acc = 0;
  int bits = 0;

  *len = 0;
  for (size_t i = 0; i < n; i++)
    {
      int v = base64_value (in[i]);
      if (v < 0)
        {
          free (out);
          return NULL;
        }
      acc = acc << 6 | (uint32_t) v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[(*len)++] = (uint8_t) (acc >> bits);
        }
    }
  return out;
}

static ProtobufCMessage *
unpack_any (const Google__Protobuf__Any *any, const ProtobufCMessageDescriptor *desc)
{
  char url[128];

  snprintf (url, sizeof (url), "type.googleapis.com/%s", desc->name);
  if (strcmp (any->type_url, url) != 0)
    return NULL;
  return protobuf_c_message_unpack (desc, NULL, any->value.len, any->value.data);
}

/* Encodes err (and releases it) and decodes the trailer; false when any step
   fails or a detail is not one the agent sends. */
static bool
encode_decode (agent_error_t *err, struct decoded *d)
{
  cleanup_free char *trailer = error_details_encode (*err);
  cleanup_free uint8_t *packed = NULL;
  size_t len;

  agent_error_release (err);
  memset (d, 0, sizeof (*d));
  d->trailer_len = strlen (trailer);
  packed = base64_decode (trailer, &len);
  if (packed == NULL)
    return false;
  d->status = (Google__Rpc__Status *) protobuf_c_message_unpack (&google__rpc__status__descriptor, NULL, len, packed);
  if (d->status == NULL || d->status->n_details == 0)
    return false;
  d->agent =
      (Vc4j__Agent__V1__AgentError *) unpack_any (d->status->details[0], &vc4j__agent__v1__agent_error__descriptor);
  for (size_t i = 1; i < d->status->n_details; i++)
    {
      const Google__Protobuf__Any *any = d->status->details[i];
      if (strstr (any->type_url, "BadRequest") && d->bad_request == NULL)
        d->bad_request = (Google__Rpc__BadRequest *) unpack_any (any, &google__rpc__bad_request__descriptor);
      else if (strstr (any->type_url, "ResourceInfo") && d->resource == NULL)
        d->resource = (Google__Rpc__ResourceInfo *) unpack_any (any, &google__rpc__resource_info__descriptor);
      else
        return false;
    }
  return d->agent != NULL;
}

static bool
test_field_error_names_field_and_value (void)
{
  static const char value[] = "10.0.0.1/33`: x\n\x1b[31mred";
  cleanup_decoded struct decoded d = { NULL };
  agent_error_t err = NULL;
  Google__Rpc__BadRequest__FieldViolation *v;

  CHECK (agent_make_field_error (&err, 0, "addresses[1]", value, "the prefix length is over %d", 32) == -1);
  CHECK (strcmp (err->msg, "addresses[1] `10.0.0.1/33`: x\n\x1b[31mred`: the prefix length is over 32") == 0);
  CHECK (encode_decode (&err, &d));
  CHECK (d.status->code == GRPC_INVALID_ARGUMENT && d.status->n_details == 2);
  CHECK (strcmp (d.status->message, "addresses[1] `10.0.0.1/33`: x\n\x1b[31mred`: the prefix length is over 32") == 0);
  CHECK (d.agent->kind == VC4J__AGENT__V1__AGENT_ERROR__KIND__INVALID_FIELD);
  CHECK (strcmp (d.agent->value, value) == 0);
  CHECK (d.bad_request && d.bad_request->n_field_violations == 1 && d.resource == NULL);
  v = d.bad_request->field_violations[0];
  CHECK (strcmp (v->field, "addresses[1]") == 0);
  CHECK (strcmp (v->description, "the prefix length is over 32") == 0);
  return true;
}

static bool
test_field_error_reason_has_errno (void)
{
  cleanup_decoded struct decoded d = { NULL };
  agent_error_t err = NULL;

  agent_make_field_error (&err, ENOENT, "argv", "nosuchcmd", "cannot exec it");
  CHECK (strcmp (err->msg, "argv `nosuchcmd`: cannot exec it: No such file or directory") == 0);
  CHECK (encode_decode (&err, &d));
  CHECK (strcmp (d.agent->value, "nosuchcmd") == 0);
  CHECK (strcmp (d.bad_request->field_violations[0]->description, "cannot exec it: No such file or directory") == 0);
  return true;
}

static bool
test_resource_errors_name_the_resource (void)
{
  cleanup_decoded struct decoded missing = { NULL };
  cleanup_decoded struct decoded exists = { NULL };
  agent_error_t err = NULL;

  agent_make_resource_error (&err, GRPC_NOT_FOUND, "container", "web-1", "no container `%s`", "web-1");
  CHECK (encode_decode (&err, &missing));
  CHECK (missing.status->code == GRPC_NOT_FOUND && strcmp (missing.status->message, "no container `web-1`") == 0);
  CHECK (missing.agent->kind == VC4J__AGENT__V1__AGENT_ERROR__KIND__NOT_FOUND);
  CHECK (missing.resource && missing.bad_request == NULL);
  CHECK (strcmp (missing.resource->resource_type, "container") == 0);
  CHECK (strcmp (missing.resource->resource_name, "web-1") == 0);

  agent_make_resource_error (&err, GRPC_ALREADY_EXISTS, "process", "e`1", "process `%s` exists", "e`1");
  CHECK (encode_decode (&err, &exists));
  CHECK (exists.status->code == GRPC_ALREADY_EXISTS);
  CHECK (exists.agent->kind == VC4J__AGENT__V1__AGENT_ERROR__KIND__ALREADY_EXISTS);
  CHECK (strcmp (exists.resource->resource_type, "process") == 0);
  CHECK (strcmp (exists.resource->resource_name, "e`1") == 0);
  return true;
}

/* Errors that name no field or resource carry the agent's kind alone. */
static bool
kind_alone (enum grpc_code code, Vc4j__Agent__V1__AgentError__Kind kind)
{
  cleanup_decoded struct decoded d = { NULL };
  agent_error_t err = NULL;

  agent_make_rpc_error (&err, code, 0, "container `%s` is not running", "c1");
  CHECK (encode_decode (&err, &d));
  CHECK (d.status->code == (int32_t) code && d.status->n_details == 1);
  CHECK (strcmp (d.status->message, "container `c1` is not running") == 0);
  CHECK (d.agent->kind == kind && strcmp (d.agent->value, "") == 0);
  return true;
}

static bool
test_other_errors_carry_their_kind (void)
{
  CHECK (kind_alone (GRPC_FAILED_PRECONDITION, VC4J__AGENT__V1__AGENT_ERROR__KIND__WRONG_STATE));
  CHECK (kind_alone (GRPC_RESOURCE_EXHAUSTED, VC4J__AGENT__V1__AGENT_ERROR__KIND__LIMIT_EXCEEDED));
  CHECK (kind_alone (GRPC_UNIMPLEMENTED, VC4J__AGENT__V1__AGENT_ERROR__KIND__UNSUPPORTED));
  CHECK (kind_alone (GRPC_INVALID_ARGUMENT, VC4J__AGENT__V1__AGENT_ERROR__KIND__REJECTED));
  CHECK (kind_alone (GRPC_INTERNAL, VC4J__AGENT__V1__AGENT_ERROR__KIND__AGENT_FAILURE));
  CHECK (kind_alone (GRPC_PERMISSION_DENIED, VC4J__AGENT__V1__AGENT_ERROR__KIND__AGENT_FAILURE));
  return true;
}

static bool
test_blaming_the_agent_drops_the_field (void)
{
  cleanup_decoded struct decoded d = { NULL };
  agent_error_t err = NULL;

  agent_make_field_error (&err, ENOENT, "argv", "crun", "cannot exec it");
  agent_error_blame_agent (err);
  CHECK (encode_decode (&err, &d));
  CHECK (d.status->code == GRPC_INTERNAL && d.status->n_details == 1);
  CHECK (d.agent->kind == VC4J__AGENT__V1__AGENT_ERROR__KIND__AGENT_FAILURE);
  CHECK (strcmp (d.status->message, "argv `crun`: cannot exec it: No such file or directory") == 0);
  return true;
}

static bool
bounded_is (const char *in, size_t max, const char *want)
{
  cleanup_free char *out = error_text_bounded (in, max);

  if (strcmp (out, want) != 0)
    {
      fprintf (stderr, "bounded: `%s`, want `%s`\n", out, want);
      return false;
    }
  return true;
}

static bool
test_text_is_bounded_utf8 (void)
{
  CHECK (bounded_is ("plain `text`\n", 64, "plain `text`\n"));
  CHECK (bounded_is ("abcdefghij", 10, "abcdefghij"));
  CHECK (bounded_is ("abcdefghijk", 10, "abcdefg..."));
  /* é, €, 😀 kept whole; a cut never splits one. */
  CHECK (bounded_is ("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 64, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  CHECK (bounded_is ("ab\xe2\x82\xac\xe2\x82\xac", 8, "ab\xe2\x82\xac\xe2\x82\xac"));
  CHECK (bounded_is ("ab\xe2\x82\xac\xe2\x82\xac", 7, "ab..."));
  /* Not UTF-8: a stray continuation, an overlong '/', a surrogate, a code
     point over U+10FFFF, a sequence cut short at the end. */
  CHECK (bounded_is ("a\x80z", 64, "a?z"));
  CHECK (bounded_is ("\xc0\xaf", 64, "??"));
  CHECK (bounded_is ("\xed\xa0\x80", 64, "???"));
  CHECK (bounded_is ("\xf4\x90\x80\x80", 64, "????"));
  CHECK (bounded_is ("ok\xe2\x82", 64, "ok??"));
  return true;
}

static bool
test_long_strings_keep_the_trailer_small (void)
{
  cleanup_free char *huge = xmalloc (100001);
  cleanup_decoded struct decoded d = { NULL };
  agent_error_t err = NULL;

  /* 2-byte characters, so that the cut must fall on a boundary. */
  for (size_t i = 0; i < 100000; i += 2)
    memcpy (huge + i, "\xc3\xa9", 2);
  huge[100000] = '\0';
  agent_make_field_error (&err, 0, huge, huge, "%s", huge);
  CHECK (encode_decode (&err, &d));
  CHECK (strlen (d.status->message) <= ERROR_TEXT_MAX);
  CHECK (strlen (d.agent->value) <= ERROR_TEXT_MAX && strlen (d.agent->value) > ERROR_TEXT_MAX - 8);
  CHECK (strcmp (d.agent->value + strlen (d.agent->value) - 3, "...") == 0);
  CHECK (strlen (d.bad_request->field_violations[0]->field) <= ERROR_NAME_MAX);
  CHECK (strlen (d.bad_request->field_violations[0]->description) <= ERROR_TEXT_MAX);
  /* grpc-java takes 8 KiB of headers, grpc-message (3 bytes a byte at
     worst) included. */
  CHECK (d.trailer_len + 3 * ERROR_TEXT_MAX < 6000);
  return true;
}

static const struct unit_test tests[] = {
  { "field_error_names_field_and_value", test_field_error_names_field_and_value },
  { "field_error_reason_has_errno", test_field_error_reason_has_errno },
  { "resource_errors_name_the_resource", test_resource_errors_name_the_resource },
  { "other_errors_carry_their_kind", test_other_errors_carry_their_kind },
  { "blaming_the_agent_drops_the_field", test_blaming_the_agent_drops_the_field },
  { "text_is_bounded_utf8", test_text_is_bounded_utf8 },
  { "long_strings_keep_the_trailer_small", test_long_strings_keep_the_trailer_small },
};

int
main (void)
{
  return run_unit_tests (tests, ARRAY_SIZE (tests));
}

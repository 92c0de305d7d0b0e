#define _GNU_SOURCE
#include "oci_json.h"

#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "util.h"

/* jansson allocates with the agent's allocator: running out of memory is
   the same clear abort everywhere, and no jansson call needs a NULL check
   for it. */
__attribute__ ((constructor)) static void
use_agent_allocator (void)
{
  json_set_alloc_funcs (xmalloc, free);
}

static bool
is_continuation (char c)
{
  return ((unsigned char) c & 0xc0) == 0x80;
}

/* Up to OCI_JSON_EXCERPT_LEN bytes of the line holding pos, most of them
   before it (where the parser stopped), cut at whole characters. */
static char *
text_excerpt (const char *s, size_t len, size_t pos)
{
  size_t start, end;

  pos = pos < len ? pos : len;
  for (start = pos; start > 0 && s[start - 1] != '\n' && pos - start < OCI_JSON_EXCERPT_LEN * 3 / 4; start--)
    ;
  for (end = pos; end < len && s[end] != '\n' && end - start < OCI_JSON_EXCERPT_LEN; end++)
    ;
  while (start < end && is_continuation (s[start]))
    start++;
  while (end > start && end < len && is_continuation (s[end]))
    end--;
  return xstrndup (s + start, end - start);
}

/* value as compact JSON, cut at a whole character after
   OCI_JSON_EXCERPT_LEN bytes ("..." then); "" for none. */
static char *
value_excerpt (const json_t *value)
{
  cleanup_free char *text = value ? json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  size_t n = OCI_JSON_EXCERPT_LEN;
  char *out;

  if (text == NULL)
    return xstrdup ("");
  if (strlen (text) <= n)
    return steal_ptr (&text);
  while (n > 0 && is_continuation (text[n]))
    n--;
  xasprintf (&out, "%.*s...", (int) n, text);
  return out;
}

int
oci_json_expect_error (agent_error_t *err, const char *field, const json_t *value, const char *expected)
{
  cleanup_free char *quoted = value_excerpt (value);

  return agent_make_field_error (err, 0, field, quoted, "%smust be %s", value ? "" : "missing; ", expected);
}

json_t *
oci_json_parse (const char *field, const uint8_t *data, size_t len, agent_error_t *err)
{
  const char *text = data ? (const char *) data : ""; /* protobuf-c's empty bytes */
  json_error_t parse_error;
  json_t *doc;

  if (len > OCI_JSON_MAX_LEN)
    {
      char size[32];

      snprintf (size, sizeof (size), "%zu bytes", len);
      agent_make_field_error (err, 0, field, size, "over the %u bytes the agent takes", OCI_JSON_MAX_LEN);
      return NULL;
    }
  /* A repeated member would be one crun and the agent might read apart. */
  doc = json_loadb (text, len, JSON_REJECT_DUPLICATES, &parse_error);
  if (doc == NULL)
    {
      cleanup_free char *near = text_excerpt (text, len, parse_error.position > 0 ? (size_t) parse_error.position : 0);
      agent_make_field_error (err, 0, field, near, "line %d, column %d: %s", parse_error.line, parse_error.column,
                              parse_error.text);
      return NULL;
    }
  if (! json_is_object (doc))
    {
      oci_json_expect_error (err, field, doc, "a JSON object");
      json_decref (doc);
      return NULL;
    }
  return doc;
}

int
oci_json_check_process (const json_t *process, const char *field, bool terminal, agent_error_t *err)
{
  cleanup_free char *sub = NULL;
  const json_t *args, *arg, *tty;
  size_t i;

  if (! json_is_object (process))
    return oci_json_expect_error (err, field, process, "an object");
  args = json_object_get (process, "args");
  xasprintf (&sub, "%s.args", field);
  if (! json_is_array (args) || json_array_size (args) == 0)
    return oci_json_expect_error (err, sub, args, "a non-empty array of strings");
  json_array_foreach (args, i, arg) if (! json_is_string (arg))
  {
    free (sub);
    xasprintf (&sub, "%s.args[%zu]", field, i);
    return oci_json_expect_error (err, sub, arg, "a string");
  }
  /* The agent gives the process a pty or pipes as the request says: crun
     must expect the same. null is absent, as for any optional member. */
  tty = json_object_get (process, "terminal");
  if (json_is_null (tty))
    tty = NULL;
  free (sub);
  xasprintf (&sub, "%s.terminal", field);
  if (tty != NULL && ! json_is_boolean (tty))
    return oci_json_expect_error (err, sub, tty, "true or false");
  if (json_is_true (tty) != terminal)
    return oci_json_expect_error (
        err, sub, tty, terminal ? "true, as the request's terminal" : "false or absent, as the request's terminal");
  return 0;
}

int
oci_json_check_spec (const json_t *spec, bool terminal, agent_error_t *err)
{
  const json_t *root, *path;

  if (oci_json_check_process (json_object_get (spec, "process"), "oci_spec.process", terminal, err) < 0)
    return -1;
  root = json_object_get (spec, "root");
  if (! json_is_object (root))
    return oci_json_expect_error (err, "oci_spec.root", root, "an object");
  path = json_object_get (root, "path");
  if (! json_is_string (path) || strcmp (json_string_value (path), "rootfs") != 0)
    return oci_json_expect_error (err, "oci_spec.root.path", path, "\"rootfs\", where the agent mounts the root");
  return 0;
}

int
oci_json_write (const char *path, const json_t *doc, agent_error_t *err)
{
  cleanup_free char *text = json_dumps (doc, JSON_COMPACT);

  if (text == NULL)
    return agent_make_error (err, 0, "cannot encode %s", path);
  return bundle_write_file (path, (const uint8_t *) text, strlen (text), err);
}

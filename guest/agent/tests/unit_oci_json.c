/* Unit tests of the host's OCI documents: parsing with its bounds and
   errors (line and column), the checks of a spec and a process, and the
   written file. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "oci_json.h"
#include "tests/check.h"
#include "util.h"

static char tmp_root[] = "/tmp/vc4j-unit-oci.XXXXXX";

static json_t *
parse (const char *text, agent_error_t *err)
{
  return oci_json_parse ("oci_spec", (const uint8_t *) text, strlen (text), err);
}

/* err's message is want (then released). */
static bool
message_is (agent_error_t *err, const char *want)
{
  bool same = *err && (*err)->code == GRPC_INVALID_ARGUMENT && strcmp ((*err)->msg, want) == 0;

  if (! same)
    fprintf (stderr, "message: %s\n   want: %s\n", *err ? (*err)->msg : "(none)", want);
  agent_error_release (err);
  return same;
}

static bool
test_malformed (void)
{
  agent_error_t err = NULL;

  CHECK (parse ("{\n  \"a\": ,\n}", &err) == NULL && strcmp (err->field, "oci_spec") == 0
         && strcmp (err->value, "  \"a\": ,") == 0);
  CHECK (message_is (&err, "oci_spec `  \"a\": ,`: line 2, column 8: unexpected token near ','"));
  CHECK (parse ("", &err) == NULL);
  CHECK (message_is (&err, "oci_spec ``: line 1, column 0: '[' or '{' expected near end of file"));
  CHECK (parse ("{\"a\":1} x", &err) == NULL);
  CHECK (message_is (&err, "oci_spec `{\"a\":1} x`: line 1, column 9: end of file expected near 'x'"));
  CHECK (parse ("{\"a\":\"\xff\"}", &err) == NULL && error_code (&err) == GRPC_INVALID_ARGUMENT);
  CHECK (parse ("{\"a\":\"\\u0000\"}", &err) == NULL && error_code (&err) == GRPC_INVALID_ARGUMENT);
  CHECK (parse ("{\"a\":99999999999999999999}", &err) == NULL);
  CHECK (message_is (&err, "oci_spec `{\"a\":99999999999999999999}`: line 1, column 25: too big integer near "
                           "'99999999999999999999'"));
  CHECK (parse ("[1]", &err) == NULL);
  CHECK (message_is (&err, "oci_spec `[1]`: must be a JSON object"));
  return true;
}

/* A key the parser decodes to one already there is a repeat, however spelt. */
static bool
test_repeated_members (void)
{
  agent_error_t err = NULL;

  CHECK (parse ("{\"process\":{},\"process\":{}}", &err) == NULL && error_code (&err) == GRPC_INVALID_ARGUMENT);
  CHECK (parse ("{\"hooks\":{\"pre\\u0073tart\":[],\"prestart\":[]}}", &err) == NULL);
  CHECK (strstr (err->msg, "duplicate object key near '\"prestart\"'"));
  agent_error_release (&err);
  return true;
}

static bool
test_bounds (void)
{
  size_t deep_len = 100000;
  cleanup_free char *deep = xmalloc (deep_len + 1);
  cleanup_free char *big = xmalloc (OCI_JSON_MAX_LEN + 16);
  agent_error_t err = NULL;
  json_t *doc;

  memset (deep, '[', deep_len);
  deep[deep_len] = '\0';
  CHECK (parse (deep, &err) == NULL && strstr (err->msg, "maximum parsing depth reached")
         && strlen (err->value) <= OCI_JSON_EXCERPT_LEN);
  agent_error_release (&err);

  /* The largest document taken, then one byte more. */
  memset (big, ' ', OCI_JSON_MAX_LEN + 1);
  memcpy (big, "{}", 2);
  doc = oci_json_parse ("resources", (const uint8_t *) big, OCI_JSON_MAX_LEN, &err);
  CHECK (doc != NULL);
  json_decref (doc);
  CHECK (oci_json_parse ("resources", (const uint8_t *) big, OCI_JSON_MAX_LEN + 1, &err) == NULL);
  CHECK (message_is (&err, "resources `1048577 bytes`: over the 1048576 bytes the agent takes"));
  return true;
}

static bool
spec_error (const char *text, bool terminal, const char *want)
{
  cleanup_json json_t *spec = NULL;
  agent_error_t err = NULL;

  CHECK ((spec = parse (text, &err)) != NULL);
  CHECK (oci_json_check_spec (spec, terminal, &err) < 0);
  return message_is (&err, want);
}

static bool
test_check_spec (void)
{
  static const char good[] = "{\"process\":{\"terminal\":true,\"args\":[\"sh\"]},\"root\":{\"path\":\"rootfs\"}}";
  cleanup_json json_t *spec = NULL;
  agent_error_t err = NULL;

  CHECK ((spec = parse (good, &err)) != NULL && oci_json_check_spec (spec, true, &err) == 0);
  json_decref (spec);
  spec = parse ("{\"process\":{\"terminal\":null,\"args\":[\"sh\"]},\"root\":{\"path\":\"rootfs\"}}", &err);
  CHECK (spec != NULL && oci_json_check_spec (spec, false, &err) == 0);
  CHECK (spec_error ("{\"root\":{\"path\":\"rootfs\"}}", false, "oci_spec.process ``: missing; must be an object"));
  CHECK (spec_error ("{\"process\":{\"args\":[]}}", false,
                     "oci_spec.process.args `[]`: must be a non-empty array of strings"));
  CHECK (spec_error ("{\"process\":{\"args\":[\"sh\",7]}}", false, "oci_spec.process.args[1] `7`: must be a string"));
  CHECK (spec_error ("{\"process\":{\"args\":[\"sh\"],\"terminal\":\"yes\"}}", false,
                     "oci_spec.process.terminal `\"yes\"`: must be true or false"));
  CHECK (spec_error ("{\"process\":{\"args\":[\"sh\"]}}", true,
                     "oci_spec.process.terminal ``: missing; must be true, as the request's terminal"));
  CHECK (spec_error ("{\"process\":{\"args\":[\"sh\"],\"terminal\":true}}", false,
                     "oci_spec.process.terminal `true`: must be false or absent, as the request's terminal"));
  CHECK (spec_error ("{\"process\":{\"args\":[\"sh\"]}}", false, "oci_spec.root ``: missing; must be an object"));
  CHECK (spec_error ("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/\"}}", false,
                     "oci_spec.root.path `\"/\"`: must be \"rootfs\", where the agent mounts the root"));
  return true;
}

/* root.path's value (compact: ["<path>"]) as the error quotes it. */
static char *
quoted_root_path (const char *path)
{
  cleanup_free char *text = NULL;
  cleanup_json json_t *spec = NULL;
  agent_error_t err = NULL;
  char *value;

  xasprintf (&text, "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":[\"%s\"]}}", path);
  spec = parse (text, &err);
  if (spec == NULL || oci_json_check_spec (spec, false, &err) == 0)
    return NULL;
  value = steal_ptr (&err->value);
  agent_error_release (&err);
  return value;
}

/* A rejected value is quoted whole up to a bound, then cut at a character. */
static bool
test_long_values_are_cut (void)
{
  cleanup_free char *ascii = NULL, *split = NULL, *whole = NULL;
  char a[OCI_JSON_EXCERPT_LEN * 2];

  memset (a, 'a', sizeof (a) - 1);
  a[sizeof (a) - 1] = '\0';
  ascii = quoted_root_path (a);
  CHECK (ascii && strlen (ascii) == OCI_JSON_EXCERPT_LEN + 3 && strncmp (ascii, "[\"aaa", 5) == 0
         && strcmp (ascii + OCI_JSON_EXCERPT_LEN, "...") == 0);
  /* [" and 61 a: the bound falls inside the two bytes of the é after them. */
  a[61] = '\0';
  xasprintf (&whole, "%s\u00e9aaa", a);
  split = quoted_root_path (whole);
  CHECK (split && strlen (split) == OCI_JSON_EXCERPT_LEN - 1 + 3 && strcmp (split + 60, "aaa...") == 0);
  return true;
}

static bool
test_check_process (void)
{
  cleanup_json json_t *process = NULL;
  agent_error_t err = NULL;

  process = oci_json_parse ("process", (const uint8_t *) "{\"args\":[\"ls\"],\"cwd\":\"/\"}", 25, &err);
  CHECK (process != NULL && oci_json_check_process (process, "process", false, &err) == 0);
  CHECK (oci_json_check_process (process, "process", true, &err) < 0);
  CHECK (message_is (&err, "process.terminal ``: missing; must be true, as the request's terminal"));
  return true;
}

/* What the agent writes is the document: members unknown to it, their
   order and their values are kept. */
static bool
test_write (void)
{
  static const char text[] =
      "{\"ociVersion\":\"1.2.0\",\"z-vendor\":{\"k\":[1,-2,true,null,\"\\u00e9\\\"\"]},"
      "\"annotations\":{\"org.example/a\":\"b\"},\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":0}}}";
  cleanup_free char *path = NULL;
  cleanup_json json_t *doc = NULL, *back = NULL;
  json_error_t parse_error;
  agent_error_t err = NULL;
  char written[512] = "";
  FILE *f;
  size_t n;

  xasprintf (&path, "%s/config.json", tmp_root);
  CHECK ((doc = parse (text, &err)) != NULL && oci_json_write (path, doc, &err) == 0);
  f = fopen (path, "re");
  CHECK (f != NULL);
  n = fread (written, 1, sizeof (written) - 1, f);
  fclose (f);
  written[n] = '\0';
  CHECK ((back = json_loads (written, 0, &parse_error)) != NULL && json_equal (doc, back));
  CHECK (strcmp (written,
                 "{\"ociVersion\":\"1.2.0\",\"z-vendor\":{\"k\":[1,-2,true,null,\"\xc3\xa9\\\"\"]},"
                 "\"annotations\":{\"org.example/a\":\"b\"},\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":0}}}")
         == 0);
  return true;
}

static const struct unit_test tests[] = {
  { "malformed", test_malformed },
  { "repeated_members", test_repeated_members },
  { "bounds", test_bounds },
  { "check_spec", test_check_spec },
  { "long_values_are_cut", test_long_values_are_cut },
  { "check_process", test_check_process },
  { "write", test_write },
};

int
main (void)
{
  int ret;

  if (mkdtemp (tmp_root) == NULL)
    return EXIT_FAILURE;
  ret = run_unit_tests (tests, ARRAY_SIZE (tests));
  bundle_remove_tree (tmp_root);
  return ret;
}

/* Unit tests of guest hooks: the scan of a hook directory, the hooks
   merged into parsed OCI specs of every shape, and the checks of the path. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "guest_hooks.h"
#include "oci_json.h"
#include "tests/check.h"
#include "util.h"

static char tmp_root[] = "/tmp/vc4j-unit-hooks.XXXXXX";

static bool
make_file (const char *rel, mode_t mode)
{
  cleanup_free char *path = NULL;
  int fd;

  xasprintf (&path, "%s/%s", tmp_root, rel);
  fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return false;
  close (fd);
  return chmod (path, mode) == 0;
}

static bool
make_hook_tree (void)
{
  cleanup_free char *pre = NULL, *post = NULL;

  xasprintf (&pre, "%s/prestart", tmp_root);
  xasprintf (&post, "%s/poststop", tmp_root);
  return mkdir (pre, 0755) == 0 && mkdir (post, 0755) == 0 && make_file ("prestart/20-b", 0755)
         && make_file ("prestart/10-a", 0700) && make_file ("prestart/30-not-executable", 0644)
         && make_file ("prestart/.hidden", 0755) && make_file ("poststop/x", 0755);
}

/* spec with h's hooks merged equals want (both JSON text). */
static bool
merges_to (const struct guest_hooks *h, const char *spec, const char *want)
{
  cleanup_json json_t *doc = NULL, *expected = NULL;
  json_error_t parse_error;
  agent_error_t err = NULL;

  doc = oci_json_parse ("oci_spec", (const uint8_t *) spec, strlen (spec), &err);
  CHECK (doc != NULL && guest_hooks_merge (h, doc, &err) == 0);
  CHECK ((expected = json_loads (want, 0, &parse_error)) != NULL);
  if (! json_equal (doc, expected))
    {
      cleanup_free char *got = json_dumps (doc, JSON_COMPACT);
      fprintf (stderr, "merged: %s\n  want: %s\n", got, want);
      return false;
    }
  return true;
}

/* The error merging h's hooks into spec fails with (released). */
static char *
merge_error (const struct guest_hooks *h, const char *spec)
{
  cleanup_json json_t *doc = NULL;
  agent_error_t err = NULL;
  char *msg;

  doc = oci_json_parse ("oci_spec", (const uint8_t *) spec, strlen (spec), &err);
  if (doc == NULL || guest_hooks_merge (h, doc, &err) == 0 || err->code != GRPC_INVALID_ARGUMENT)
    return NULL;
  msg = steal_ptr (&err->msg);
  agent_error_release (&err);
  return msg;
}

static bool
test_scan (void)
{
  struct guest_hooks h;
  agent_error_t err = NULL;
  cleanup_free char *missing = NULL;
  bool ok;

  CHECK (guest_hooks_scan (tmp_root, &h, &err) == 0);
  ok = h.n[0] == 2 && strstr (h.paths[0][0], "/prestart/10-a") && strstr (h.paths[0][1], "/prestart/20-b")
       && h.n[1] == 0 && h.n[2] == 1 && strstr (h.paths[2][0], "/poststop/x");
  guest_hooks_free (&h);
  CHECK (ok);
  xasprintf (&missing, "%s/none", tmp_root);
  CHECK (guest_hooks_scan (missing, &h, &err) == 0 && h.n[0] + h.n[1] + h.n[2] == 0);
  return true;
}

static char *pre[] = { (char *) "/h/prestart/10-a", (char *) "/h/pre\"q" };
static char *stop[] = { (char *) "/h/poststop/x" };
static const struct guest_hooks two_kinds = { .paths = { pre, NULL, stop }, .n = { 2, 0, 1 } };

#define PRE_HOOKS \
  "{\"path\":\"/h/prestart/10-a\",\"args\":[\"/h/prestart/10-a\"]},{\"path\":\"/h/pre\\\"q\",\"args\":[\"/h/pre\\\"q\"]}"
#define STOP_HOOKS "{\"path\":\"/h/poststop/x\",\"args\":[\"/h/poststop/x\"]}"

static bool
test_merge_adds_hooks (void)
{
  CHECK (merges_to (&two_kinds, " {\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}\n",
                    "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"hooks\":{\"prestart\":[" PRE_HOOKS
                    "],\"poststop\":[" STOP_HOOKS "]}}"));
  CHECK (merges_to (&two_kinds, "{\"hooks\":{}}",
                    "{\"hooks\":{\"prestart\":[" PRE_HOOKS "],\"poststop\":[" STOP_HOOKS "]}}"));
  CHECK (merges_to (&two_kinds, "{\"hooks\":{\"prestart\":null},\"x\":null}",
                    "{\"hooks\":{\"prestart\":[" PRE_HOOKS "],\"poststop\":[" STOP_HOOKS "]},\"x\":null}"));
  CHECK (merges_to (&two_kinds, "{\"hooks\":null}",
                    "{\"hooks\":{\"prestart\":[" PRE_HOOKS "],\"poststop\":[" STOP_HOOKS "]}}"));
  /* Without hooks the spec stays as it was: no empty hooks object. */
  CHECK (merges_to (&(struct guest_hooks){ 0 }, "{\"x\":1}", "{\"x\":1}"));
  return true;
}

/* After the spec's own, in order; a kind without guest hooks untouched. */
static bool
test_merge_appends_to_the_specs_own (void)
{
  CHECK (merges_to (&two_kinds,
                    "{\"hooks\": {\"prestart\": [ {\"path\":\"/own\",\"timeout\":5}, {\"path\":\"/own2\"} ], "
                    "\"poststart\":[{\"path\":\"/p\"}]}, \"x\":1}",
                    "{\"hooks\":{\"prestart\":[{\"path\":\"/own\",\"timeout\":5},{\"path\":\"/own2\"}," PRE_HOOKS
                    "],\"poststart\":[{\"path\":\"/p\"}],\"poststop\":[" STOP_HOOKS "]},\"x\":1}"));
  return true;
}

/* The parser decodes keys: an escaped "prestart" is the spec's prestart. */
static bool
test_merge_escaped_keys (void)
{
  CHECK (merges_to (&two_kinds, "{\"ho\\u006fks\":{\"pre\\u0073tart\":[{\"path\":\"/own\"}]}}",
                    "{\"hooks\":{\"prestart\":[{\"path\":\"/own\"}," PRE_HOOKS "],\"poststop\":[" STOP_HOOKS "]}}"));
  return true;
}

/* Members the agent does not know survive, in their order. */
static bool
test_merge_keeps_unknown_members (void)
{
  static const char spec[] = "{\"z-vendor\":{\"n\":[1,-2,true,null]},\"hooks\":{\"createRuntime\":[{\"path\":\"/c\"}],"
                             "\"prestart\":[]},\"annotations\":{\"a\":\"b\"}}";
  cleanup_json json_t *doc = NULL;
  cleanup_free char *text = NULL;
  agent_error_t err = NULL;

  CHECK ((doc = oci_json_parse ("oci_spec", (const uint8_t *) spec, strlen (spec), &err)) != NULL);
  CHECK (guest_hooks_merge (&two_kinds, doc, &err) == 0);
  CHECK ((text = json_dumps (doc, JSON_COMPACT)) != NULL);
  CHECK (strcmp (text, "{\"z-vendor\":{\"n\":[1,-2,true,null]},\"hooks\":{\"createRuntime\":[{\"path\":\"/c\"}],"
                       "\"prestart\":[" PRE_HOOKS "],\"poststop\":[" STOP_HOOKS "]},\"annotations\":{\"a\":\"b\"}}")
         == 0);
  return true;
}

static bool
test_merge_refuses_bad_hooks (void)
{
  cleanup_free char *a = NULL, *b = NULL;

  a = merge_error (&two_kinds, "{\"hooks\":[]}");
  CHECK (a && strcmp (a, "oci_spec.hooks `[]`: must be an object") == 0);
  b = merge_error (&two_kinds, "{\"hooks\":{\"poststop\":{\"path\":\"/x\"}}}");
  CHECK (b && strcmp (b, "oci_spec.hooks.poststop `{\"path\":\"/x\"}`: must be an array") == 0);
  /* A kind the guest adds nothing to is crun's to check. */
  CHECK (merges_to (&two_kinds, "{\"hooks\":{\"poststart\":7}}",
                    "{\"hooks\":{\"poststart\":7,\"prestart\":[" PRE_HOOKS "],\"poststop\":[" STOP_HOOKS "]}}"));
  return true;
}

static bool
test_check_dir (void)
{
  agent_error_t err = NULL;

  CHECK (guest_hooks_check_dir ("/run/hooks", &err) == 0);
  CHECK (guest_hooks_check_dir ("run/hooks", &err) < 0 && err->code == GRPC_INVALID_ARGUMENT
         && strcmp (err->msg, "guest_hook_path `run/hooks`: not an absolute plain path") == 0);
  agent_error_release (&err);
  CHECK (guest_hooks_check_dir ("/a/../b", &err) < 0 && err->code == GRPC_INVALID_ARGUMENT);
  agent_error_release (&err);
  CHECK (guest_hooks_check_dir ("/a/..", &err) < 0 && err->code == GRPC_INVALID_ARGUMENT);
  agent_error_release (&err);
  return true;
}

/* The hooks scanned from a directory, none from none. */
static bool
test_add (void)
{
  cleanup_json json_t *doc = json_object ();
  cleanup_free char *none = NULL;
  agent_error_t err = NULL;
  json_t *prestart;

  xasprintf (&none, "%s/none", tmp_root);
  CHECK (guest_hooks_add ("", doc, &err) == 0 && guest_hooks_add (none, doc, &err) == 0 && json_object_size (doc) == 0);
  CHECK (guest_hooks_add (tmp_root, doc, &err) == 0);
  prestart = json_object_get (json_object_get (doc, "hooks"), "prestart");
  CHECK (json_array_size (prestart) == 2);
  CHECK (strstr (json_string_value (json_object_get (json_array_get (prestart, 0), "path")), "/prestart/10-a"));
  CHECK (strstr (json_string_value (json_object_get (json_array_get (prestart, 1), "path")), "/prestart/20-b"));
  CHECK (json_array_size (json_object_get (json_object_get (doc, "hooks"), "poststop")) == 1);
  CHECK (json_object_get (json_object_get (doc, "hooks"), "poststart") == NULL);
  return true;
}

static const struct unit_test tests[] = {
  { "scan", test_scan },
  { "merge_adds_hooks", test_merge_adds_hooks },
  { "merge_appends_to_the_specs_own", test_merge_appends_to_the_specs_own },
  { "merge_escaped_keys", test_merge_escaped_keys },
  { "merge_keeps_unknown_members", test_merge_keeps_unknown_members },
  { "merge_refuses_bad_hooks", test_merge_refuses_bad_hooks },
  { "check_dir", test_check_dir },
  { "add", test_add },
};

int
main (void)
{
  int ret;

  if (mkdtemp (tmp_root) == NULL || ! make_hook_tree ())
    return EXIT_FAILURE;
  ret = run_unit_tests (tests, ARRAY_SIZE (tests));
  bundle_remove_tree (tmp_root);
  return ret;
}

/* Unit tests of guest hooks: the scan of a hook directory, the hooks
   spliced into OCI specs of every shape, and the checks of the path. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/check.h"
#include "bundle.h"
#include "guest_hooks.h"
#include "json_edit.h"
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

/* The merged spec, as a NUL-terminated string (NULL on error). */
static char *
merged (const struct guest_hooks *h, const char *spec, agent_error_t *err)
{
  struct buf out = { 0 };
  char *text;

  if (guest_hooks_merge (h, spec, strlen (spec), &out, err) < 0)
    return NULL;
  text = xstrndup ((const char *) out.data, out.len);
  buf_free (&out);
  return text;
}

static bool
valid_object (const char *text)
{
  long end = json_skip_value (text, strlen (text), 0);

  return end > 0 && json_skip_space (text, strlen (text), (size_t) end) == strlen (text) && text[0] == '{';
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

static bool
test_merge (void)
{
  char *pre[] = { (char *) "/h/prestart/10-a", (char *) "/h/pre\"q" };
  char *stop[] = { (char *) "/h/poststop/x" };
  struct guest_hooks h = { .paths = { pre, NULL, stop }, .n = { 2, 0, 1 } };
  agent_error_t err = NULL;
  cleanup_free char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  a = merged (&h, " {\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}\n", &err);
  CHECK (a && valid_object (a + 1));
  CHECK (strstr (a, "{\"hooks\":{\"prestart\":[{\"path\":\"/h/prestart/10-a\",\"args\":[\"/h/prestart/10-a\"]},"
                    "{\"path\":\"/h/pre\\\"q\",\"args\":[\"/h/pre\\\"q\"]}],\"poststop\":[{\"path\":\"/h/poststop/x\","
                    "\"args\":[\"/h/poststop/x\"]}]},\"ociVersion\""));

  b = merged (&h, "{\"hooks\": {\"prestart\": [ {\"path\":\"/own\"} ], \"poststart\":[]}, \"x\":1}", &err);
  CHECK (b && valid_object (b));
  /* Ours first in the spec's own array; the missing kind added to its hooks object. */
  CHECK (strstr (b, "{\"hooks\": {\"poststop\":[{\"path\":\"/h/poststop/x\",\"args\":[\"/h/poststop/x\"]}],"
                    "\"prestart\": [{\"path\":\"/h/prestart/10-a\""));
  CHECK (strstr (b, "\"args\":[\"/h/pre\\\"q\"]}, {\"path\":\"/own\"} ]"));

  c = merged (&h, "{\"hooks\":{}}", &err);
  CHECK (c && valid_object (c) && strstr (c, "{\"hooks\":{\"prestart\":[{"));
  d = merged (&h, "{}", &err);
  CHECK (d && valid_object (d));

  CHECK (merged (&h, "{\"a\":", &err) == NULL && err->code == GRPC_INVALID_ARGUMENT);
  agent_error_release (&err);
  CHECK (merged (&h, "[1]", &err) == NULL && err->code == GRPC_INVALID_ARGUMENT);
  agent_error_release (&err);
  CHECK (merged (&h, "{\"hooks\":[]}", &err) == NULL && err->code == GRPC_INVALID_ARGUMENT);
  agent_error_release (&err);
  CHECK (merged (&h, "{\"hooks\":{\"prestart\":{}}}", &err) == NULL && err->code == GRPC_INVALID_ARGUMENT);
  agent_error_release (&err);
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

static bool
test_write_spec (void)
{
  const char *spec = "{\"ociVersion\":\"1.0.2\"}";
  cleanup_free char *path = NULL, *none = NULL;
  char text[512] = "";
  agent_error_t err = NULL;
  FILE *f;
  size_t n;

  xasprintf (&path, "%s/config.json", tmp_root);
  xasprintf (&none, "%s/none", tmp_root);
  CHECK (guest_hooks_write_spec (none, path, (const uint8_t *) spec, strlen (spec), &err) == 0);
  f = fopen (path, "re");
  CHECK (f != NULL);
  n = fread (text, 1, sizeof (text) - 1, f);
  fclose (f);
  text[n] = '\0';
  CHECK (strcmp (text, spec) == 0);
  CHECK (guest_hooks_write_spec (tmp_root, path, (const uint8_t *) spec, strlen (spec), &err) == 0);
  f = fopen (path, "re");
  CHECK (f != NULL);
  n = fread (text, 1, sizeof (text) - 1, f);
  fclose (f);
  text[n] = '\0';
  CHECK (strstr (text, "/prestart/10-a\"") && strstr (text, "/poststop/x\"") && ! strstr (text, "not-executable"));
  return true;
}

static const struct unit_test tests[] = {
  { "scan", test_scan },
  { "merge", test_merge },
  { "check_dir", test_check_dir },
  { "write_spec", test_write_spec },
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

#define _GNU_SOURCE
#include "guest_hooks.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "json_edit.h"

static const char *const kinds[GUEST_HOOK_KINDS] = { "prestart", "poststart", "poststop" };

struct insertion
{
  size_t pos;
  struct buf text;
};

int
guest_hooks_check_dir (const char *dir, agent_error_t *err)
{
  size_t len = strlen (dir);

  if (dir[0] != '/' || len >= GUEST_HOOK_PATH_MAX || strstr (dir, "/../") || (len >= 3 && strcmp (dir + len - 3, "/..") == 0))
    return agent_make_field_error (err, 0, "guest_hook_path", dir, "not an absolute plain path");
  return 0;
}

static int
compare_paths (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static bool
is_executable_file (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && (st.st_mode & 0111) != 0;
}

static int
scan_kind (const char *dir, const char *kind, char ***paths, size_t *n, agent_error_t *err)
{
  cleanup_free char *sub = NULL;
  struct dirent *e;
  DIR *d;

  xasprintf (&sub, "%s/%s", dir, kind);
  d = opendir (sub);
  if (d == NULL)
    return errno == ENOENT || errno == ENOTDIR ? 0 : agent_make_error (err, errno, "cannot read guest hooks in %s", sub);
  while ((e = readdir (d)) != NULL)
    {
      cleanup_free char *path = NULL;
      if (e->d_name[0] == '.')
        continue;
      xasprintf (&path, "%s/%s", sub, e->d_name);
      if (! is_executable_file (path))
        continue;
      if (*n == GUEST_HOOKS_MAX)
        {
          closedir (d);
          return agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "more than %d guest hooks in %s",
                                       GUEST_HOOKS_MAX, sub);
        }
      *paths = xrealloc (*paths, (*n + 1) * sizeof (**paths));
      (*paths)[(*n)++] = steal_ptr (&path);
    }
  closedir (d);
  if (*n)
    qsort (*paths, *n, sizeof (**paths), compare_paths);
  return 0;
}

int
guest_hooks_scan (const char *dir, struct guest_hooks *h, agent_error_t *err)
{
  memset (h, 0, sizeof (*h));
  for (int k = 0; k < GUEST_HOOK_KINDS; k++)
    if (scan_kind (dir, kinds[k], &h->paths[k], &h->n[k], err) < 0)
      {
        guest_hooks_free (h);
        return -1;
      }
  return 0;
}

void
guest_hooks_free (struct guest_hooks *h)
{
  for (int k = 0; k < GUEST_HOOK_KINDS; k++)
    {
      for (size_t i = 0; i < h->n[k]; i++)
        free (h->paths[k][i]);
      free (h->paths[k]);
      h->paths[k] = NULL;
      h->n[k] = 0;
    }
}

/* {"path":P,"args":[P]},... */
static void
render_entries (struct buf *b, char *const *paths, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      buf_append (b, i ? ",{\"path\":" : "{\"path\":", i ? 9 : 8);
      json_append_string (b, paths[i]);
      buf_append (b, ",\"args\":[", 9);
      json_append_string (b, paths[i]);
      buf_append (b, "]}", 2);
    }
}

/* "kind":[...] for each kind with hooks and missing from the spec's hooks
   object (all of them when hooks_obj is -1), comma-joined. */
static void
render_missing_kinds (const struct guest_hooks *h, const char *s, size_t len, long hooks_obj, struct buf *b)
{
  bool first = true;

  for (int k = 0; k < GUEST_HOOK_KINDS; k++)
    {
      if (h->n[k] == 0 || (hooks_obj >= 0 && json_find_member (s, len, (size_t) hooks_obj, kinds[k]) >= 0))
        continue;
      if (! first)
        buf_append (b, ",", 1);
      first = false;
      json_append_string (b, kinds[k]);
      buf_append (b, ":[", 2);
      render_entries (b, h->paths[k], h->n[k]);
      buf_append (b, "]", 1);
    }
}

static bool
is_empty_container (const char *s, size_t len, size_t open)
{
  size_t p = json_skip_space (s, len, open + 1);

  return p < len && (s[p] == '}' || s[p] == ']');
}

/* Our entries at the front of the spec's own array for kind k. */
static int
prepend_to_array (const struct guest_hooks *h, int k, const char *s, size_t len, long at, struct insertion *ins,
                  agent_error_t *err)
{
  if (s[at] != '[')
    return agent_make_rpc_error (err, GRPC_INVALID_ARGUMENT, 0, "oci_spec: hooks.%s is not an array", kinds[k]);
  ins->pos = (size_t) at + 1;
  render_entries (&ins->text, h->paths[k], h->n[k]);
  if (! is_empty_container (s, len, (size_t) at))
    buf_append (&ins->text, ",", 1);
  return 0;
}

static int
plan_insertions (const struct guest_hooks *h, const char *s, size_t len, size_t root, struct insertion *ins,
                 size_t *n_ins, agent_error_t *err)
{
  long hooks = json_find_member (s, len, root, "hooks");

  *n_ins = 1;
  if (hooks == -2)
    return agent_make_rpc_error (err, GRPC_INVALID_ARGUMENT, 0, "oci_spec is not a valid JSON object");
  if (hooks == -1)
    {
      buf_append (&ins[0].text, "\"hooks\":{", 9);
      render_missing_kinds (h, s, len, -1, &ins[0].text);
      buf_append (&ins[0].text, is_empty_container (s, len, root) ? "}" : "},", is_empty_container (s, len, root) ? 1 : 2);
      ins[0].pos = root + 1;
      return 0;
    }
  if (s[hooks] != '{')
    return agent_make_rpc_error (err, GRPC_INVALID_ARGUMENT, 0, "oci_spec: hooks is not an object");
  render_missing_kinds (h, s, len, hooks, &ins[0].text);
  if (ins[0].text.len && ! is_empty_container (s, len, (size_t) hooks))
    buf_append (&ins[0].text, ",", 1);
  ins[0].pos = (size_t) hooks + 1;
  for (int k = 0; k < GUEST_HOOK_KINDS; k++)
    {
      long at = h->n[k] ? json_find_member (s, len, (size_t) hooks, kinds[k]) : -1;
      if (at >= 0 && prepend_to_array (h, k, s, len, at, &ins[(*n_ins)++], err) < 0)
        return -1;
    }
  return 0;
}

static int
compare_insertions (const void *a, const void *b)
{
  const struct insertion *x = a, *y = b;

  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int
guest_hooks_merge (const struct guest_hooks *h, const char *s, size_t len, struct buf *out, agent_error_t *err)
{
  struct insertion ins[1 + GUEST_HOOK_KINDS];
  size_t root = json_skip_space (s, len, 0), n_ins = 0, done = 0;
  long end = json_skip_value (s, len, root);
  int ret = -1;

  memset (ins, 0, sizeof (ins));
  if (end < 0 || s[root] != '{' || json_skip_space (s, len, (size_t) end) != len)
    return agent_make_rpc_error (err, GRPC_INVALID_ARGUMENT, 0, "oci_spec is not a valid JSON object");
  if (plan_insertions (h, s, len, root, ins, &n_ins, err) < 0)
    goto out;
  qsort (ins, n_ins, sizeof (ins[0]), compare_insertions);
  for (size_t i = 0; i < n_ins; i++)
    {
      buf_append (out, s + done, ins[i].pos - done);
      buf_append (out, ins[i].text.data, ins[i].text.len);
      done = ins[i].pos;
    }
  buf_append (out, s + done, len - done);
  ret = 0;
out:
  for (size_t i = 0; i < ARRAY_SIZE (ins); i++)
    buf_free (&ins[i].text);
  return ret;
}

static bool
has_hooks (const struct guest_hooks *h)
{
  return h->n[0] + h->n[1] + h->n[2] > 0;
}

int
guest_hooks_write_spec (const char *dir, const char *path, const uint8_t *spec, size_t len, agent_error_t *err)
{
  struct guest_hooks h;
  struct buf merged = { 0 };
  int ret;

  if (dir == NULL || dir[0] == '\0')
    return bundle_write_file (path, spec, len, err);
  if (guest_hooks_scan (dir, &h, err) < 0)
    return -1;
  if (! has_hooks (&h))
    return bundle_write_file (path, spec, len, err);
  ret = guest_hooks_merge (&h, (const char *) spec, len, &merged, err);
  if (ret == 0)
    ret = bundle_write_file (path, merged.data, merged.len, err);
  buf_free (&merged);
  guest_hooks_free (&h);
  return ret;
}

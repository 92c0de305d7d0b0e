#define _GNU_SOURCE
#include "guest_hooks.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "oci_json.h"
#include "util.h"

static const char *const kinds[GUEST_HOOK_KINDS] = { "prestart", "poststart", "poststop" };

int
guest_hooks_check_dir (const char *dir, agent_error_t *err)
{
  size_t len = strlen (dir);

  if (dir[0] != '/' || len >= GUEST_HOOK_PATH_MAX || strstr (dir, "/../")
      || (len >= 3 && strcmp (dir + len - 3, "/..") == 0))
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
    return errno == ENOENT || errno == ENOTDIR ? 0
                                               : agent_make_error (err, errno, "cannot read guest hooks in %s", sub);
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

static bool
has_hooks (const struct guest_hooks *h)
{
  return h->n[0] + h->n[1] + h->n[2] > 0;
}

/* {"path": P, "args": [P]} for each, as Kata adds a guest hook. */
static int
append_entries (json_t *list, char *const *paths, size_t n, agent_error_t *err)
{
  for (size_t i = 0; i < n; i++)
    {
      json_t *hook = json_pack ("{s:s, s:[s]}", "path", paths[i], "args", paths[i]);
      if (hook == NULL)
        return agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "guest hook %s: not a UTF-8 path", paths[i]);
      json_array_append_new (list, hook);
    }
  return 0;
}

/* The object's member key, added as made by make when absent or null (as
   a serializer may write an empty optional). */
static json_t *
member_or_new (json_t *object, const char *key, json_t *(*make) (void) )
{
  json_t *member = json_object_get (object, key);

  if (member == NULL || json_is_null (member))
    {
      member = make ();
      json_object_set_new (object, key, member);
    }
  return member;
}

int
guest_hooks_merge (const struct guest_hooks *h, json_t *spec, agent_error_t *err)
{
  json_t *hooks;

  if (! has_hooks (h))
    return 0;
  hooks = member_or_new (spec, "hooks", json_object);
  if (! json_is_object (hooks))
    return oci_json_expect_error (err, "oci_spec.hooks", hooks, "an object");
  for (int k = 0; k < GUEST_HOOK_KINDS; k++)
    {
      cleanup_free char *field = NULL;
      json_t *list;

      if (h->n[k] == 0)
        continue;
      list = member_or_new (hooks, kinds[k], json_array);
      xasprintf (&field, "oci_spec.hooks.%s", kinds[k]);
      if (! json_is_array (list))
        return oci_json_expect_error (err, field, list, "an array");
      if (append_entries (list, h->paths[k], h->n[k], err) < 0)
        return -1;
    }
  return 0;
}

int
guest_hooks_add (const char *dir, json_t *spec, agent_error_t *err)
{
  struct guest_hooks h;
  int ret;

  if (dir == NULL || dir[0] == '\0')
    return 0;
  if (guest_hooks_scan (dir, &h, err) < 0)
    return -1;
  ret = guest_hooks_merge (&h, spec, err);
  guest_hooks_free (&h);
  return ret;
}

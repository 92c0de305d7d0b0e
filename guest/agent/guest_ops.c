#define _GNU_SOURCE
#include "guest_ops.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "storage.h"
#include "util.h"

/* Reads the first word of dir/entry/file; false when there is none. */
static bool
read_word (const char *dir, const char *entry, const char *file, char *word, size_t size)
{
  cleanup_free char *path = NULL;
  FILE *f;
  bool ok;

  xasprintf (&path, "%s/%s/%s", dir, entry, file);
  f = fopen (path, "re");
  if (f == NULL)
    return false;
  ok = fgets (word, (int) size, f) != NULL;
  fclose (f);
  word[strcspn (word, "\n")] = '\0';
  return ok;
}

static int
write_word (const char *dir, const char *entry, const char *file, const char *word, agent_error_t *err)
{
  cleanup_free char *path = NULL;

  xasprintf (&path, "%s/%s/%s", dir, entry, file);
  return bundle_write_file (path, (const uint8_t *) word, strlen (word), err);
}

/* Every entry named prefix<number> of dir whose file reads offline_word
   gets online_word, up to max (0: all). */
static int
online_entries (const char *dir, const char *prefix, const char *file, const char *offline_word,
                const char *online_word, unsigned max, unsigned *onlined, agent_error_t *err)
{
  DIR *d = opendir (dir);
  struct dirent *de;
  size_t plen = strlen (prefix);
  char word[32];
  int ret = 0;

  *onlined = 0;
  if (d == NULL)
    return agent_make_error (err, errno, "cannot list %s", dir);
  while ((de = readdir (d)) && (max == 0 || *onlined < max))
    {
      if (strncmp (de->d_name, prefix, plen) != 0 || de->d_name[plen] < '0' || de->d_name[plen] > '9')
        continue;
      if (! read_word (dir, de->d_name, file, word, sizeof (word)) || strcmp (word, offline_word) != 0)
        continue;
      if ((ret = write_word (dir, de->d_name, file, online_word, err)) < 0)
        break;
      (*onlined)++;
    }
  closedir (d);
  return ret;
}

int
guest_online_cpus (const char *sys_root, unsigned max, unsigned *onlined, agent_error_t *err)
{
  cleanup_free char *dir = NULL;

  xasprintf (&dir, "%s/devices/system/cpu", sys_root);
  return online_entries (dir, "cpu", "online", "0", "1", max, onlined, err);
}

int
guest_online_memory (const char *sys_root, unsigned *onlined, agent_error_t *err)
{
  cleanup_free char *dir = NULL;

  xasprintf (&dir, "%s/devices/system/memory", sys_root);
  return online_entries (dir, "memory", "state", "offline", "online", 0, onlined, err);
}

static int
validate_relative_path (const char *path, agent_error_t *err)
{
  cleanup_free char *copy = xstrdup (path);
  char *save = NULL;

  if (path[0] == '/' || strstr (path, "//") || path[0] == '\0' || path[strlen (path) - 1] == '/')
    return agent_make_field_error (err, 0, "path", path, "not a relative plain path");
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    if (! storage_valid_name (c))
      return agent_make_field_error (err, 0, "path", path, "has an invalid component `%s`", c);
  return 0;
}

int
guest_copy_file (const char *dir, const char *path, const uint8_t *data, size_t len, unsigned mode, agent_error_t *err)
{
  cleanup_free char *full = NULL;
  cleanup_free char *tmp = NULL;

  if (len > COPY_FILE_MAX)
    return agent_make_rpc_error (err, GRPC_RESOURCE_EXHAUSTED, 0, "file `%s` of %zu bytes exceeds %u", path, len,
                                 COPY_FILE_MAX);
  if (mode > 07777)
    {
      char text[16];

      snprintf (text, sizeof (text), "%o", mode);
      return agent_make_field_error (err, 0, "mode", text, "not a permission (octal, at most 7777) for `%s`", path);
    }
  if (validate_relative_path (path, err) < 0)
    return -1;
  xasprintf (&full, "%s/%s", dir, path);
  /* Every parent, the shared directory itself included. */
  for (char *slash = full + strlen (dir); slash; slash = strchr (slash + 1, '/'))
    {
      *slash = '\0';
      if (mkdir (full, 0755) < 0 && errno != EEXIST)
        return agent_make_error (err, errno, "cannot create %s", full);
      *slash = '/';
    }
  xasprintf (&tmp, "%s.vc4j-tmp", full);
  if (bundle_write_file (tmp, data, len, err) < 0)
    return -1;
  if (chmod (tmp, mode ? mode : 0644) < 0 || rename (tmp, full) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return agent_make_error (err, saved, "cannot put %s in place", full);
    }
  return 0;
}

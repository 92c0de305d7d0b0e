#define _GNU_SOURCE
#include "storage.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "util.h"

#define NAME_MAX_LEN 128

static const struct
{
  const char *name;
  unsigned long flag;
  bool clear;
} mount_flags[] = {
  { "ro", MS_RDONLY, false },      { "rw", MS_RDONLY, true },      { "nosuid", MS_NOSUID, false },
  { "suid", MS_NOSUID, true },     { "nodev", MS_NODEV, false },   { "dev", MS_NODEV, true },
  { "noexec", MS_NOEXEC, false },  { "exec", MS_NOEXEC, true },    { "noatime", MS_NOATIME, false },
  { "relatime", MS_RELATIME, false }, { "sync", MS_SYNCHRONOUS, false },
};

bool
storage_valid_name (const char *name)
{
  size_t len = strlen (name);

  if (len == 0 || len > NAME_MAX_LEN)
    return false;
  for (size_t i = 0; i < len; i++)
    {
      char c = name[i];
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (! alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
        return false;
    }
  return true;
}

int
storage_validate (const struct storage_desc *d, agent_error_t *err)
{
  char driver[16];

  snprintf (driver, sizeof (driver), "%d", d->driver);
  if (d->driver != STORAGE_9P && d->driver != STORAGE_BLOCK)
    return agent_make_field_error (err, 0, "storage.driver", driver, "not 9p (1) or block (2)");
  if (! storage_valid_name (d->mount_point))
    return agent_make_field_error (err, 0, "storage.mount_point", d->mount_point, "not a plain name");
  if (! storage_valid_name (d->source))
    return agent_make_field_error (err, 0, "storage.source", d->source, "not a valid tag or serial");
  if (d->driver == STORAGE_BLOCK && ! storage_valid_name (d->fstype))
    return agent_make_field_error (err, 0, "storage.fstype", d->fstype, "not a valid file system type");
  for (size_t i = 0; i < d->n_options; i++)
    if (strchr (d->options[i], ',') || d->options[i][0] == '\0')
      return agent_make_field_error (err, 0, "storage.options", d->options[i], "not one option");
  return 0;
}

static bool
serial_matches (const char *sys_block, const char *dev, const char *serial)
{
  cleanup_free char *path = NULL;
  char buf[NAME_MAX_LEN + 2];
  FILE *f;
  bool match = false;

  xasprintf (&path, "%s/%s/serial", sys_block, dev);
  f = fopen (path, "re");
  if (f == NULL)
    return false;
  if (fgets (buf, sizeof (buf), f))
    {
      buf[strcspn (buf, "\n")] = '\0';
      match = strcmp (buf, serial) == 0;
    }
  fclose (f);
  return match;
}

char *
storage_find_block (const char *sys_block, const char *serial, agent_error_t *err)
{
  DIR *d = opendir (sys_block);
  struct dirent *de;
  char *ret = NULL;

  if (d == NULL)
    {
      agent_make_error (err, errno, "cannot list %s", sys_block);
      return NULL;
    }
  while ((de = readdir (d)) && ret == NULL)
    if (de->d_name[0] != '.' && serial_matches (sys_block, de->d_name, serial))
      xasprintf (&ret, "/dev/%s", de->d_name);
  closedir (d);
  if (ret == NULL)
    agent_make_resource_error (err, GRPC_NOT_FOUND, "block device", serial, "no block device with serial `%s`",
                               serial);
  return ret;
}

int
storage_parse_options (char *const *options, size_t n, unsigned long *flags, char **data, agent_error_t *err)
{
  struct buf b = { 0 };

  (void) err;
  *flags = 0;
  for (size_t i = 0; i < n; i++)
    {
      size_t j;
      for (j = 0; j < ARRAY_SIZE (mount_flags); j++)
        if (strcmp (options[i], mount_flags[j].name) == 0)
          break;
      if (j < ARRAY_SIZE (mount_flags))
        {
          *flags = mount_flags[j].clear ? *flags & ~mount_flags[j].flag : *flags | mount_flags[j].flag;
          continue;
        }
      if (b.len)
        buf_append (&b, ",", 1);
      buf_append (&b, options[i], strlen (options[i]));
    }
  buf_append (&b, "", 1);
  *data = (char *) b.data;
  return 0;
}

int
storage_mount (const struct storage_desc *d, const char *dir, agent_error_t *err)
{
  cleanup_free char *target = NULL;
  cleanup_free char *data = NULL;
  cleanup_free char *device = NULL;
  cleanup_free char *ninep_data = NULL;
  unsigned long flags;

  if (storage_validate (d, err) < 0 || storage_parse_options (d->options, d->n_options, &flags, &data, err) < 0)
    return -1;
  xasprintf (&target, "%s/%s", dir, d->mount_point);
  if (mkdir (target, 0755) < 0 && errno != EEXIST)
    return agent_make_error (err, errno, "cannot create %s", target);
  if (d->driver == STORAGE_9P)
    {
      xasprintf (&ninep_data, "trans=virtio,version=9p2000.L%s%s", data[0] ? "," : "", data);
      if (mount (d->source, target, "9p", flags, ninep_data) < 0)
        return agent_make_error (err, errno, "cannot mount 9p share `%s` on %s", d->source, target);
      return 0;
    }
  device = storage_find_block ("/sys/block", d->source, err);
  if (device == NULL)
    return -1;
  if (mount (device, target, d->fstype, flags, data) < 0)
    return agent_make_error (err, errno, "cannot mount %s (serial `%s`, %s) on %s", device, d->source, d->fstype,
                             target);
  return 0;
}

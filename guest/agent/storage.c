#define _GNU_SOURCE
#include "storage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "blockdev.h"
#include "mountinfo.h"
#include "util.h"

#define NAME_MAX_LEN 128

static const struct
{
  const char *name;
  unsigned long flag;
  bool clear;
} mount_flags[] = {
  { "ro", MS_RDONLY, false },         { "rw", MS_RDONLY, true },         { "nosuid", MS_NOSUID, false },
  { "suid", MS_NOSUID, true },        { "nodev", MS_NODEV, false },      { "dev", MS_NODEV, true },
  { "noexec", MS_NOEXEC, false },     { "exec", MS_NOEXEC, true },       { "noatime", MS_NOATIME, false },
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

/* A share mounted at target from the same tag is an earlier call's: a
   second mount of a share is EBUSY, so it stays as it is. */
static int
mount_9p (const struct storage_desc *d, const char *target, unsigned long flags, const char *data, agent_error_t *err)
{
  cleanup_free char *real = realpath (target, NULL);
  cleanup_free char *fstype = NULL;
  cleanup_free char *source = NULL;
  cleanup_free char *ninep_data = NULL;
  int mounted;

  if (real == NULL)
    return agent_make_error (err, errno, "cannot resolve %s", target);
  mounted = mountinfo_find ("/proc/self/mountinfo", real, &fstype, &source, err);
  if (mounted < 0)
    return -1;
  if (mounted && strcmp (fstype, "9p") == 0 && strcmp (source, d->source) == 0)
    return 0;
  if (mounted)
    return agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "storage mount_point `%s`: %s `%s` is mounted there",
                                 d->mount_point, fstype, source);
  xasprintf (&ninep_data, "trans=virtio,version=9p2000.L%s%s", data[0] ? "," : "", data);
  if (mount (d->source, target, "9p", flags, ninep_data) < 0)
    return agent_make_error (err, errno, "cannot mount 9p share `%s` on %s", d->source, target);
  return 0;
}

int
storage_mount (const struct storage_desc *d, const char *dir, agent_error_t *err)
{
  cleanup_free char *target = NULL;
  cleanup_free char *data = NULL;
  cleanup_free char *device = NULL;
  unsigned long flags;

  if (storage_validate (d, err) < 0 || storage_parse_options (d->options, d->n_options, &flags, &data, err) < 0)
    return -1;
  xasprintf (&target, "%s/%s", dir, d->mount_point);
  if (mkdir (target, 0755) < 0 && errno != EEXIST)
    return agent_make_error (err, errno, "cannot create %s", target);
  if (d->driver == STORAGE_9P)
    return mount_9p (d, target, flags, data, err);
  device = blockdev_find ("/sys/block", d->source, err);
  if (device == NULL)
    return -1;
  if (mount (device, target, d->fstype, flags, data) < 0)
    return agent_make_error (err, errno, "cannot mount %s (serial `%s`, %s) on %s", device, d->source, d->fstype,
                             target);
  return 0;
}

/* What a container's files come from: a virtio-9p share by mount tag or a
   virtio-blk device by serial, mounted under the container's directory. */
#ifndef VC4J_STORAGE_H
#define VC4J_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum storage_driver
{
  STORAGE_9P = 1,
  STORAGE_BLOCK = 2,
};

struct storage_desc
{
  int driver;
  const char *source;
  const char *fstype;
  char *const *options;
  size_t n_options;
  const char *mount_point; /* one path component under the container's directory */
};

/* [a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}: ids and names the host gives. */
bool storage_valid_name (const char *name);
int storage_validate (const struct storage_desc *d, agent_error_t *err);
/* Splits mount options into MS_* flags and the data string (malloc'd). */
int storage_parse_options (char *const *options, size_t n, unsigned long *flags, char **data, agent_error_t *err);
/* Mounts d at dir/mount_point (created); a 9p share mounted there from the
   same tag already is left as it is. A block device must be there. */
int storage_mount (const struct storage_desc *d, const char *dir, agent_error_t *err);

#endif

/* Guest-wide operations: hotplugged CPUs and memory online, files the host
   copies into the shared directory. */
#ifndef VC4J_GUEST_OPS_H
#define VC4J_GUEST_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define COPY_FILE_MAX (1u << 20)

/* Onlines up to max (0: all) offline CPUs under sys_root (normally /sys);
   *onlined is how many. */
int guest_online_cpus (const char *sys_root, unsigned max, unsigned *onlined, agent_error_t *err);
int guest_online_memory (const char *sys_root, unsigned *onlined, agent_error_t *err);

/* Writes data to dir/path (path: plain names joined by '/'), creating the
   parent directories; atomically, through a temporary file and rename. */
int guest_copy_file (const char *dir, const char *path, const uint8_t *data, size_t len, unsigned mode,
                     agent_error_t *err);

#endif

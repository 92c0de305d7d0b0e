/* Bundle files and stdio wiring shared by container create and exec. */
#ifndef VC4J_BUNDLE_H
#define VC4J_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

int bundle_write_file (const char *path, const uint8_t *data, size_t len, agent_error_t *err);
/* Pipes (child ends in child[], parent's in parent[]) or, for a tty, a
   console socket at console_path (its listening fd in *console_fd). */
int bundle_stdio (bool tty, const char *console_path, int child[3], int parent[3], int *console_fd, agent_error_t *err);
/* A new console socket path under state_dir: short whatever the ids (sun_path holds 107 bytes, a container id
   up to 128) and unique for the agent's life. The caller frees and unlinks it. */
char *bundle_console_path (const char *state_dir);
void bundle_close_fds (int fds[3]);
void bundle_remove_tree (const char *dir);

#endif

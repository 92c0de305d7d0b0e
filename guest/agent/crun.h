/* Runs crun commands without blocking the loop: a command's completion is
   a callback with its exit code and, on failure, crun's own message. */
#ifndef VC4J_CRUN_H
#define VC4J_CRUN_H

#include <stddef.h>

#include "error.h"

/* 0 and NULL on success; on failure crun's error message. */
typedef void (*crun_done_cb) (void *arg, int exit_code, const char *error);

/* The state root crun keeps its own files in, the program to run and its
   cgroup manager (NULL: crun's default). */
void crun_configure (const char *root, const char *program, const char *cgroup_manager);

/* args: crun's command and its arguments, NULL-terminated. stdio, when set,
   becomes crun's stdin, stdout and stderr (and so the container's);
   errors are then read from log_path. */
int crun_run (const char *log_path, const char *const *args, const int *stdio, crun_done_cb done, void *arg,
              agent_error_t *err);

#endif

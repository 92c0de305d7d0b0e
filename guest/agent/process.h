/* Processes run on behalf of RPCs: fork/exec, stdio through non-blocking
   pipes in the event loop, a timeout, and a callback once reaped. */
#ifndef VC4J_PROCESS_H
#define VC4J_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "util.h"

struct process_spec
{
  char *const *argv;
  size_t argc;
  char *const *env;
  size_t envc;
  const char *workdir;
  const uint8_t *stdin_data;
  size_t stdin_len;
  uint32_t timeout_ms;
  size_t max_output;
  /* When set, the child's stdin, stdout and stderr are these descriptors
     (left open for the caller) instead of pipes to the agent: nothing is
     fed or captured. crun passes its own stdio to the container. */
  const int *child_stdio;
};

struct process_result
{
  int exit_code;
  int signal;
  bool timed_out;
  struct buf out;
  struct buf err;
  bool out_truncated;
  bool err_truncated;
};

/* Called once the process has exited and its pipes are drained. The result
   is only valid during the call. */
typedef void (*process_done_cb) (void *arg, const struct process_result *res);

/* An exec failure is reported here, synchronously, with a gRPC status
   (NOT_FOUND for a missing executable). */
int process_spawn (const struct process_spec *spec, process_done_cb done, void *arg, agent_error_t *err);

#endif

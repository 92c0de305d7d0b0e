/* A container's processes (its init and its execs): stdio, exit statuses
   kept until the container goes, waits parked until the exit. */
#ifndef VC4J_CPROC_H
#define VC4J_CPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "container.h"
#include "h2session.h"
#include "pstream.h"

struct cproc
{
  struct cproc *next;
  struct container *ctr;
  char *exec_id; /* "" for the init process */
  pid_t pid;     /* 0 until crun has started it */
  bool exited;
  int exit_code;
  int signal;
  bool oom_killed;
  bool tty;
  struct out_stream out;
  struct out_stream err;
  struct in_stream in;
  struct parked_call *waiters;
};

struct cproc *cproc_new (struct container *c, const char *exec_id);
struct cproc *cproc_find (struct container *c, const char *exec_id, agent_error_t *err);
/* Takes the parent's ends: stdin, stdout, stderr (pipes), or a pty master in
   stdio[1] with stdio[0] and stdio[2] at -1. */
int cproc_attach_stdio (struct cproc *p, int stdio[3], bool tty, agent_error_t *err);
/* crun has started it: pid is known (its exit may already be). */
void cproc_started (struct cproc *p, pid_t pid);
void cproc_free (struct cproc *p);
/* The reaper's callback (reaper_set_exit_cb): false when pid is no
   container process. */
bool cproc_exited (pid_t pid, int status);
void cproc_wait (struct cproc *p, const struct rpc_call *call);
int cproc_exec (struct container *c, const char *exec_id, const uint8_t *process_json, size_t len, bool tty,
                const struct rpc_call *call, agent_error_t *err);

#endif

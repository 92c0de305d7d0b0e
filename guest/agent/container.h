/* Containers run by crun and their processes. Every operation that runs
   crun answers its RPC from crun's completion; the rest answer at once or
   park until they can (waits, reads, writes, OOM events). */
#ifndef VC4J_CONTAINER_H
#define VC4J_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "h2session.h"
#include "pstream.h"
#include "storage.h"

enum container_state
{
  CTR_CREATING,
  CTR_CREATED,
  CTR_RUNNING,
  CTR_PAUSED,
  CTR_REMOVING,
};

struct container;

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

struct container
{
  struct container *next;
  char *id;
  char *dir;
  char *cgroup;
  enum container_state state;
  int busy; /* crun commands running for it */
  struct cproc *procs;
  uint64_t oom_kills_seen; /* exit attribution's; the watch keeps its own */
  struct oom_watch *oom_watch;
  char **mounts; /* mounted under dir, in mount order */
  size_t n_mounts;
};

/* Every container of the sandbox, newest first (container.c). */
extern struct container *containers;

struct container_create
{
  const char *id;
  const uint8_t *spec_json;
  size_t spec_len;
  const char *rootfs_path;
  const struct storage_desc *storages;
  size_t n_storages;
  bool terminal;
};

/* Where containers' bundles live (default /run/vc4j-agent), set before any
   container exists. */
void container_set_state_dir (const char *dir);
const char *container_state_dir (void);

struct container *container_find (const char *id, agent_error_t *err);
int container_create (const struct container_create *req, const struct rpc_call *call, agent_error_t *err);
int container_start (struct container *c, const struct rpc_call *call, agent_error_t *err);
int container_pause (struct container *c, bool pause, const struct rpc_call *call, agent_error_t *err);
/* resources: an OCI LinuxResources object as JSON. */
int container_update (struct container *c, const uint8_t *resources, size_t len, const struct rpc_call *call,
                      agent_error_t *err);
int container_remove (struct container *c, const struct rpc_call *call, agent_error_t *err);
int container_signal_all (struct container *c, int sig, const struct rpc_call *call, agent_error_t *err);
/* crun delete --force, then container_free; the call is answered with
   code and message (GRPC_OK: success) once done. */
int container_delete (struct container *c, const struct rpc_call *call, enum grpc_code code, const char *message,
                      agent_error_t *err);
/* The same for DestroySandbox: then gets NULL, or crun's error. */
typedef void (*container_deleted_cb) (void *arg, const char *error);
int container_delete_then (struct container *c, container_deleted_cb then, void *arg, agent_error_t *err);
/* Undoes a container crun no longer knows: its processes' streams, its
   mounts, its directory. */
void container_free (struct container *c);
pid_t read_pid_file (const char *path, agent_error_t *err);
void reply_empty (const struct rpc_call *call);
void reply_error_release (const struct rpc_call *call, agent_error_t *err);

/* Parks call until a container records an OOM kill. */
void container_oom_wait (const struct rpc_call *call);
/* The OOM watch of c saw a kill: answers a parked GetOOMEvent or queues. */
void container_oom_event (struct container *c);
/* A process of c ended: marks it OOM-killed when c's cgroup recorded a kill
   since the last exit (the event itself comes from the watch). */
void container_note_exit (struct container *c, struct cproc *p);

/* Processes (cproc.c). */
struct cproc *cproc_new (struct container *c, const char *exec_id);
struct cproc *cproc_find (struct container *c, const char *exec_id, agent_error_t *err);
/* Takes the parent's ends: stdin, stdout, stderr (pipes), or a pty master in
   stdio[1] with stdio[0] and stdio[2] at -1. */
int cproc_attach_stdio (struct cproc *p, int stdio[3], bool tty, agent_error_t *err);
/* crun has started it: pid is known (its exit may already be). */
void cproc_started (struct cproc *p, pid_t pid);
void cproc_free (struct cproc *p);
/* For the reaper: false when pid is no container process. */
bool cproc_exited (pid_t pid, int status);
void cproc_wait (struct cproc *p, const struct rpc_call *call);
int cproc_exec (struct container *c, const char *exec_id, const uint8_t *process_json, size_t len, bool tty,
                const struct rpc_call *call, agent_error_t *err);

/* Bundle files and stdio wiring shared by create and exec (bundle.c). */
int bundle_write_file (const char *path, const uint8_t *data, size_t len, agent_error_t *err);
/* Pipes (child ends in child[], parent's in parent[]) or, for a tty, a
   console socket at console_path (its listening fd in *console_fd). */
int bundle_stdio (bool tty, const char *console_path, int child[3], int parent[3], int *console_fd,
                  agent_error_t *err);
void bundle_close_fds (int fds[3]);
void bundle_remove_tree (const char *dir);

#endif

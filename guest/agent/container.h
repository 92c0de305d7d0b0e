/* Containers run by crun: the list, lookup, create (bundle, mounts, crun
   create, the init process) and what undoes it. The operations that are one
   crun command each are in ctr_ops.h, processes in cproc.h. */
#ifndef VC4J_CONTAINER_H
#define VC4J_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "h2session.h"
#include "storage.h"

enum container_state
{
  CTR_CREATING,
  CTR_CREATED,
  CTR_RUNNING,
  CTR_PAUSED,
  CTR_REMOVING,
};

struct cproc;
struct oom_watch;

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
/* Undoes a container crun no longer knows: its processes' streams, its
   mounts, its directory. */
void container_free (struct container *c);
pid_t read_pid_file (const char *path, agent_error_t *err);
void reply_empty (const struct rpc_call *call);
void reply_error_release (const struct rpc_call *call, agent_error_t *err);

#endif

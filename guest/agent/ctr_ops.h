/* The container operations that are one crun command each (start, pause and
   resume, update, kill --all, delete), run without blocking the loop: each
   answers its RPC from crun's completion. */
#ifndef VC4J_CTR_OPS_H
#define VC4J_CTR_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "container.h"
#include "grpc.h"
#include "h2session.h"

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
/* A process of c ended: marks it OOM-killed when c's cgroup recorded a kill
   since the last exit (the event itself comes from the watch). */
void container_note_exit (struct container *c, struct cproc *p);

#endif

#define _GNU_SOURCE
#include "container.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "agent.pb-c.h"
#include "bundle.h"
#include "cgroup.h"
#include "console.h"
#include "cproc.h"
#include "crun.h"
#include "ctr_ops.h"
#include "guest_hooks.h"
#include "oci_json.h"
#include "oom_events.h"
#include "oom_watch.h"
#include "rpc.h"
#include "sandbox.h"

struct container *containers;
static const char *state_dir = "/run/vc4j-agent";

/* A crun command in flight for a container. */
struct ctr_op
{
  struct rpc_call call;
  struct container *ctr;
  char *console_path;
  int console_fd;
  int parent[3];
};

void
container_set_state_dir (const char *dir)
{
  state_dir = dir;
}

const char *
container_state_dir (void)
{
  return state_dir;
}

struct container *
container_find (const char *id, agent_error_t *err)
{
  for (struct container *c = containers; c; c = c->next)
    if (strcmp (c->id, id) == 0)
      return c;
  agent_make_resource_error (err, GRPC_NOT_FOUND, "container", id, "no container `%s`", id);
  return NULL;
}

pid_t
read_pid_file (const char *path, agent_error_t *err)
{
  FILE *f = fopen (path, "re");
  int pid = 0;

  if (f == NULL)
    return agent_make_error (err, errno, "cannot read %s", path);
  if (fscanf (f, "%d", &pid) != 1 || pid <= 0)
    agent_make_error (err, 0, "%s holds no pid", path);
  fclose (f);
  return pid > 0 ? pid : -1;
}

void
reply_empty (const struct rpc_call *call)
{
  Vc4j__Agent__V1__Empty resp = VC4J__AGENT__V1__EMPTY__INIT;

  rpc_reply (call, &resp.base);
}

void
reply_error_release (const struct rpc_call *call, agent_error_t *err)
{
  h2session_reply_failure (call, *err);
  agent_error_release (err);
}

void
container_free (struct container *c)
{
  for (struct container **pp = &containers; *pp; pp = &(*pp)->next)
    if (*pp == c)
      {
        *pp = c->next;
        break;
      }
  while (c->procs)
    {
      struct cproc *p = c->procs;
      c->procs = p->next;
      cproc_free (p);
    }
  while (c->n_mounts)
    {
      char *m = c->mounts[--c->n_mounts];
      if (umount2 (m, MNT_DETACH) < 0)
        log_warning ("cannot unmount %s: %s", m, strerror (errno));
      free (m);
    }
  oom_watch_remove (c->oom_watch);
  bundle_remove_tree (c->dir);
  free (c->mounts);
  free (c->cgroup);
  free (c->dir);
  free (c->id);
  free (c);
}

static void
note_mount (struct container *c, const char *name)
{
  c->mounts = xrealloc (c->mounts, (c->n_mounts + 1) * sizeof (*c->mounts));
  xasprintf (&c->mounts[c->n_mounts++], "%s/%s", c->dir, name);
}

static int
validate_create (const struct container_create *req, agent_error_t *err)
{
  size_t rootfs_storages = 0;

  if (! storage_valid_name (req->id))
    return agent_make_field_error (err, 0, "container_id", req->id, "not a valid id");
  for (struct container *c = containers; c; c = c->next)
    if (strcmp (c->id, req->id) == 0)
      return agent_make_resource_error (err, GRPC_ALREADY_EXISTS, "container", req->id, "container `%s` exists",
                                        req->id);
  if (req->spec_len == 0)
    return agent_make_field_error (err, 0, "oci_spec", "", "empty for container `%s`", req->id);
  for (size_t i = 0; i < req->n_storages; i++)
    {
      if (storage_validate (&req->storages[i], err) < 0)
        return -1;
      rootfs_storages += strcmp (req->storages[i].mount_point, "rootfs") == 0;
    }
  if (req->rootfs_path[0] && (req->rootfs_path[0] != '/' || strstr (req->rootfs_path, "..")))
    return agent_make_field_error (err, 0, "rootfs_path", req->rootfs_path, "not an absolute plain path");
  if ((req->rootfs_path[0] != '\0') + rootfs_storages != 1)
    return agent_make_field_error (err, 0, "rootfs_path", req->rootfs_path,
                                   "container `%s` needs exactly one root: rootfs_path or a storage at `rootfs`",
                                   req->id);
  return 0;
}

/* The request's config.json as crun gets it: checked, with the guest hooks. */
static json_t *
spec_of (const struct container_create *req, agent_error_t *err)
{
  cleanup_json json_t *spec = oci_json_parse ("oci_spec", req->spec_json, req->spec_len, err);

  if (spec == NULL || oci_json_check_spec (spec, req->terminal, err) < 0
      || guest_hooks_add (sandbox_guest_hook_path (), spec, err) < 0)
    return NULL;
  return steal_ptr (&spec);
}

/* Mounts and files of the bundle; the caller frees c on failure. */
static int
prepare_bundle (struct container *c, const struct container_create *req, const json_t *spec, agent_error_t *err)
{
  cleanup_free char *path = NULL;

  if (mkdir (state_dir, 0700) < 0 && errno != EEXIST)
    return agent_make_error (err, errno, "cannot create %s", state_dir);
  if (mkdir (c->dir, 0700) < 0)
    return agent_make_error (err, errno, "cannot create %s", c->dir);
  for (size_t i = 0; i < req->n_storages; i++)
    {
      if (storage_mount (&req->storages[i], c->dir, err) < 0)
        return -1;
      note_mount (c, req->storages[i].mount_point);
    }
  if (req->rootfs_path[0])
    {
      xasprintf (&path, "%s/rootfs", c->dir);
      if (mkdir (path, 0755) < 0 || mount (req->rootfs_path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        return agent_make_field_error (err, errno, "rootfs_path", req->rootfs_path, "cannot bind it");
      note_mount (c, "rootfs");
      free (steal_ptr (&path));
    }
  xasprintf (&path, "%s/config.json", c->dir);
  return oci_json_write (path, spec, err);
}

static void
op_free (struct ctr_op *op)
{
  close_and_reset (&op->console_fd);
  if (op->console_path != NULL)
    unlink (op->console_path);
  free (op->console_path);
  bundle_close_fds (op->parent);
  free (op);
}

static void
on_oom_kill (void *ctr)
{
  oom_events_add (((struct container *) ctr)->id);
}

static int
init_attach (struct ctr_op *op, agent_error_t *err)
{
  struct container *c = op->ctr;
  cleanup_free char *pid_file = NULL;
  struct cproc *init;
  pid_t pid;

  xasprintf (&pid_file, "%s/init.pid", c->dir);
  pid = read_pid_file (pid_file, err);
  if (pid < 0)
    return -1;
  init = cproc_new (c, "");
  cproc_started (init, pid);
  c->cgroup = cgroup_of_pid ("/proc", "/sys/fs/cgroup", pid, err);
  if (c->cgroup == NULL)
    {
      /* Stats and OOM need cgroup v2; processes work without. */
      log_warning ("container %s: %s", c->id, (*err)->msg);
      agent_error_release (err);
    }
  c->oom_kills_seen = cgroup_oom_kills (c->cgroup);
  if (c->cgroup && (c->oom_watch = oom_watch_add (c->cgroup, on_oom_kill, c, err)) == NULL)
    {
      /* Kills still show in exit statuses and stats. */
      log_warning ("container %s: %s", c->id, (*err)->msg);
      agent_error_release (err);
    }
  if (op->console_fd >= 0 && (op->parent[1] = console_receive (op->console_fd, err)) < 0)
    return -1;
  return cproc_attach_stdio (init, op->parent, op->console_fd >= 0, err);
}

static void
on_create_done (void *arg, int exit_code, const char *error)
{
  struct ctr_op *op = arg;
  struct container *c = op->ctr;
  agent_error_t err = NULL;

  c->busy--;
  c->state = CTR_CREATED;
  if (exit_code != 0)
    agent_make_rpc_error (&err, GRPC_INTERNAL, 0, "crun create %s failed: %s", c->id, error);
  else if (init_attach (op, &err) == 0)
    {
      reply_empty (&op->call);
      op_free (op);
      return;
    }
  else
    {
      /* crun knows the container: it must forget it before the call fails. */
      if (container_delete (c, &op->call, err->code, err->msg, &err) == 0)
        {
          op_free (op);
          return;
        }
    }
  reply_error_release (&op->call, &err);
  op_free (op);
  container_free (c);
}

int
container_create (const struct container_create *req, const struct rpc_call *call, agent_error_t *err)
{
  cleanup_free char *pid_file = NULL;
  cleanup_free char *log_path = NULL;
  cleanup_json json_t *spec = NULL;
  struct container *c;
  struct ctr_op *op;
  int child[3];
  int rv;

  if (validate_create (req, err) < 0 || (spec = spec_of (req, err)) == NULL)
    return -1;
  c = xzalloc (sizeof (*c));
  c->id = xstrdup (req->id);
  xasprintf (&c->dir, "%s/%s", state_dir, req->id);
  c->next = containers;
  containers = c;
  op = xzalloc (sizeof (*op));
  op->call = *call;
  op->ctr = c;
  op->console_fd = -1;
  op->console_path = bundle_console_path (state_dir);
  xasprintf (&pid_file, "%s/init.pid", c->dir);
  xasprintf (&log_path, "%s/crun.log", c->dir);
  if (prepare_bundle (c, req, spec, err) < 0
      || bundle_stdio (req->terminal, op->console_path, child, op->parent, &op->console_fd, err) < 0)
    {
      op_free (op);
      container_free (c);
      return -1;
    }
  /* Without a terminal the argument list ends early, at the id. */
  const char *args[] = { "create",
                         "--bundle",
                         c->dir,
                         "--pid-file",
                         pid_file,
                         req->terminal ? "--console-socket" : c->id,
                         req->terminal ? op->console_path : NULL,
                         req->terminal ? c->id : NULL,
                         NULL };
  rv = crun_run (log_path, args, req->terminal ? NULL : child, on_create_done, op, err);
  bundle_close_fds (child);
  if (rv < 0)
    {
      op_free (op);
      container_free (c);
      return -1;
    }
  c->busy++;
  return 0;
}

#define _GNU_SOURCE
#include "sandbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "container.h"
#include "ctr_ops.h"
#include "guest_hooks.h"
#include "process.h"
#include "util.h"

#define MODPROBE_TIMEOUT_MS 30000

static char *guest_hook_path;
static char **sandbox_mounts;
static size_t n_sandbox_mounts;
static char modprobe_path_env[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
static char *const modprobe_env[] = { modprobe_path_env };

struct destroy_op
{
  struct rpc_call call;
  int pending;
  char *first_error;
};

static int
bad_entry (agent_error_t *err, const char *list, size_t i, const char *value, const char *reason)
{
  char field[48];

  snprintf (field, sizeof (field), "%s[%zu]", list, i);
  return agent_make_field_error (err, 0, field, value, "%s", reason);
}

int
sandbox_validate (const struct sandbox_setup *s, agent_error_t *err)
{
  struct in6_addr addr;

  if (strlen (s->hostname) > 64 || (s->hostname[0] && ! storage_valid_name (s->hostname)))
    return agent_make_field_error (err, 0, "hostname", s->hostname, "not a valid host name");
  for (size_t i = 0; i < s->n_dns_servers; i++)
    if (inet_pton (AF_INET, s->dns_servers[i], &addr) != 1 && inet_pton (AF_INET6, s->dns_servers[i], &addr) != 1)
      return bad_entry (err, "dns_servers", i, s->dns_servers[i], "not an IP address");
  for (size_t i = 0; i < s->n_dns_search; i++)
    if (! storage_valid_name (s->dns_search[i]))
      return bad_entry (err, "dns_search", i, s->dns_search[i], "not a valid domain");
  for (size_t i = 0; i < s->n_modules; i++)
    if (! storage_valid_name (s->modules[i]))
      return bad_entry (err, "kernel_modules", i, s->modules[i], "not a valid module name");
  for (size_t i = 0; i < s->n_storages; i++)
    if (storage_validate (&s->storages[i], err) < 0)
      return -1;
  return s->guest_hook_path && s->guest_hook_path[0] ? guest_hooks_check_dir (s->guest_hook_path, err) : 0;
}

const char *
sandbox_guest_hook_path (void)
{
  return guest_hook_path;
}

int
sandbox_write_resolv_conf (const char *dir, const struct sandbox_setup *s, agent_error_t *err)
{
  cleanup_free char *path = NULL;
  struct buf text = { 0 };
  int ret;

  xasprintf (&path, "%s/resolv.conf", dir);
  if (s->n_dns_servers + s->n_dns_search == 0 && access (path, F_OK) == 0)
    return 0;
  for (size_t i = 0; i < s->n_dns_servers; i++)
    {
      buf_append (&text, "nameserver ", 11);
      buf_append (&text, s->dns_servers[i], strlen (s->dns_servers[i]));
      buf_append (&text, "\n", 1);
    }
  if (s->n_dns_search)
    buf_append (&text, "search", 6);
  for (size_t i = 0; i < s->n_dns_search; i++)
    {
      buf_append (&text, " ", 1);
      buf_append (&text, s->dns_search[i], strlen (s->dns_search[i]));
    }
  if (s->n_dns_search)
    buf_append (&text, "\n", 1);
  ret = bundle_write_file (path, text.data, text.len, err);
  buf_free (&text);
  return ret;
}

static void
on_modprobe_done (void *arg, const struct process_result *res)
{
  cleanup_free struct rpc_call *call = arg;
  agent_error_t err = NULL;

  if (res->exit_code == 0)
    {
      reply_empty (call);
      return;
    }
  agent_make_rpc_error (&err, GRPC_FAILED_PRECONDITION, 0, "modprobe failed with %d: %.*s", res->exit_code,
                        (int) res->err.len, (const char *) res->err.data);
  reply_error_release (call, &err);
}

static int
load_modules (const struct sandbox_setup *s, const struct rpc_call *call, agent_error_t *err)
{
  cleanup_free char **argv = xzalloc ((s->n_modules + 2) * sizeof (*argv));
  cleanup_free struct rpc_call *pending = xmalloc (sizeof (*pending));
  struct process_spec spec = {
    .argv = argv,
    .argc = s->n_modules + 2,
    .env = modprobe_env,
    .envc = 1,
    .workdir = "/",
    .timeout_ms = MODPROBE_TIMEOUT_MS,
    .max_output = 4096,
  };

  argv[0] = (char *) "modprobe";
  argv[1] = (char *) "-a";
  memcpy (argv + 2, s->modules, s->n_modules * sizeof (*argv));
  *pending = *call;
  if (process_spawn (&spec, on_modprobe_done, pending, err) < 0)
    {
      agent_error_blame_agent (*err);
      return -1;
    }
  steal_ptr (&pending);
  return 0;
}

/* Once each: a share listed again was left mounted by storage_mount. */
static void
note_sandbox_mount (const char *dir, const char *mount_point)
{
  cleanup_free char *path = NULL;

  xasprintf (&path, "%s/%s", dir, mount_point);
  for (size_t i = 0; i < n_sandbox_mounts; i++)
    if (strcmp (sandbox_mounts[i], path) == 0)
      return;
  sandbox_mounts = xrealloc (sandbox_mounts, (n_sandbox_mounts + 1) * sizeof (*sandbox_mounts));
  sandbox_mounts[n_sandbox_mounts++] = steal_ptr (&path);
}

int
sandbox_create (const struct sandbox_setup *s, const struct rpc_call *call, agent_error_t *err)
{
  cleanup_free char *dir = NULL;

  if (sandbox_validate (s, err) < 0)
    return -1;
  xasprintf (&dir, "%s/sandbox", container_state_dir ());
  if ((mkdir (container_state_dir (), 0700) < 0 && errno != EEXIST) || (mkdir (dir, 0755) < 0 && errno != EEXIST))
    return agent_make_error (err, errno, "cannot create %s", dir);
  if (s->hostname[0] && sethostname (s->hostname, strlen (s->hostname)) < 0)
    return agent_make_error (err, errno, "cannot set the hostname to `%s`", s->hostname);
  if (sandbox_write_resolv_conf (dir, s, err) < 0)
    return -1;
  if (s->guest_hook_path && s->guest_hook_path[0])
    {
      free (guest_hook_path);
      guest_hook_path = xstrdup (s->guest_hook_path);
    }
  for (size_t i = 0; i < s->n_storages; i++)
    {
      if (storage_mount (&s->storages[i], dir, err) < 0)
        return -1;
      note_sandbox_mount (dir, s->storages[i].mount_point);
    }
  if (s->n_modules)
    return load_modules (s, call, err);
  reply_empty (call);
  return 0;
}

static void
unmount_storages (void)
{
  while (n_sandbox_mounts)
    {
      cleanup_free char *m = sandbox_mounts[--n_sandbox_mounts];
      if (umount2 (m, MNT_DETACH) < 0)
        log_warning ("cannot unmount %s: %s", m, strerror (errno));
    }
}

static void
destroy_step (void *arg, const char *error)
{
  struct destroy_op *op = arg;

  if (error && op->first_error == NULL)
    op->first_error = xstrdup (error);
  if (--op->pending > 0)
    return;
  unmount_storages ();
  if (op->first_error)
    h2session_reply_error (&op->call, GRPC_INTERNAL, op->first_error);
  else
    reply_empty (&op->call);
  free (op->first_error);
  free (op);
}

int
sandbox_destroy (const struct rpc_call *call, agent_error_t *err)
{
  struct destroy_op *op;

  for (struct container *c = containers; c; c = c->next)
    if (c->busy)
      return agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "container `%s` is busy", c->id);
  op = xzalloc (sizeof (*op));
  op->call = *call;
  /* One count for this function, so that a synchronous failure cannot finish the op early. */
  op->pending = 1;
  for (struct container *c = containers, *next; c; c = next)
    {
      agent_error_t one = NULL;
      next = c->next;
      op->pending++;
      if (container_delete_then (c, destroy_step, op, &one) < 0)
        {
          destroy_step (op, one->msg);
          agent_error_release (&one);
        }
    }
  destroy_step (op, NULL);
  return 0;
}

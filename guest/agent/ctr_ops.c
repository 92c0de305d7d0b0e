/* The container operations that are one crun command each. */
#define _GNU_SOURCE
#include "ctr_ops.h"

#include <stdio.h>

#include "cgroup.h"
#include "cproc.h"
#include "crun.h"
#include "oci_json.h"

struct simple_op
{
  struct rpc_call call;
  struct container *ctr;
  bool sets_state; /* false: crun changes no state (update, kill), so concurrent ops' states stand */
  enum container_state on_success;
  enum container_state on_failure; /* also delete's: the state it had before */
  const char *what;
  enum grpc_code code; /* delete: what to answer once done */
  char *message;
  container_deleted_cb then; /* delete: called instead of answering */
  void *then_arg;
};

static void
on_simple_done (void *arg, int exit_code, const char *error)
{
  cleanup_free struct simple_op *op = arg;
  agent_error_t err = NULL;

  op->ctr->busy--;
  if (op->sets_state)
    op->ctr->state = exit_code == 0 ? op->on_success : op->on_failure;
  if (exit_code == 0)
    reply_empty (&op->call);
  else
    {
      agent_make_rpc_error (&err, GRPC_INTERNAL, 0, "crun %s %s failed: %s", op->what, op->ctr->id, error);
      reply_error_release (&op->call, &err);
    }
}

static int
run_simple (struct container *c, const char *const *args, bool sets_state, enum container_state on_success,
            const struct rpc_call *call, agent_error_t *err)
{
  cleanup_free char *log_path = NULL;
  struct simple_op *op = xzalloc (sizeof (*op));

  *op = (struct simple_op){
    .call = *call, .ctr = c, .sets_state = sets_state, .on_success = on_success, .on_failure = c->state, .what = args[0]
  };
  xasprintf (&log_path, "%s/crun.log", c->dir);
  if (crun_run (log_path, args, NULL, on_simple_done, op, err) < 0)
    {
      free (op);
      return -1;
    }
  c->busy++;
  return 0;
}

static int
require_state (struct container *c, enum container_state want, const char *what, agent_error_t *err)
{
  static const char *const names[] = { "being created", "created", "running", "paused", "being removed" };

  if (c->busy == 0 && c->state == want)
    return 0;
  return agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "cannot %s container `%s`: it is %s%s", what, c->id,
                               names[c->state], c->busy ? " and busy" : "");
}

int
container_start (struct container *c, const struct rpc_call *call, agent_error_t *err)
{
  const char *args[] = { "start", c->id, NULL };

  if (require_state (c, CTR_CREATED, "start", err) < 0)
    return -1;
  return run_simple (c, args, true, CTR_RUNNING, call, err);
}

int
container_pause (struct container *c, bool pause, const struct rpc_call *call, agent_error_t *err)
{
  const char *args[] = { pause ? "pause" : "resume", c->id, NULL };

  if (require_state (c, pause ? CTR_RUNNING : CTR_PAUSED, args[0], err) < 0)
    return -1;
  return run_simple (c, args, true, pause ? CTR_PAUSED : CTR_RUNNING, call, err);
}

int
container_update (struct container *c, const uint8_t *resources, size_t len, const struct rpc_call *call,
                  agent_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_json json_t *doc = NULL;
  const char *args[] = { "update", "--resources", NULL, c->id, NULL };

  if (c->state != CTR_RUNNING && c->state != CTR_PAUSED && c->state != CTR_CREATED)
    return require_state (c, CTR_RUNNING, "update", err);
  doc = oci_json_parse ("resources", resources, len, err);
  if (doc == NULL)
    return -1;
  xasprintf (&path, "%s/resources.json", c->dir);
  if (oci_json_write (path, doc, err) < 0)
    return -1;
  args[2] = path;
  return run_simple (c, args, false, c->state, call, err);
}

int
container_signal_all (struct container *c, int sig, const struct rpc_call *call, agent_error_t *err)
{
  char signame[16];
  const char *args[] = { "kill", "--all", c->id, signame, NULL };

  snprintf (signame, sizeof (signame), "%d", sig);
  if (c->state != CTR_RUNNING && c->state != CTR_PAUSED && c->state != CTR_CREATED)
    return require_state (c, CTR_RUNNING, "signal", err);
  return run_simple (c, args, false, c->state, call, err);
}

static void
on_delete_done (void *arg, int exit_code, const char *error)
{
  cleanup_free struct simple_op *op = arg;
  cleanup_free char *message = op->message;
  agent_error_t err = NULL;

  op->ctr->busy--;
  if (exit_code != 0)
    {
      /* Still crun's: keep it as it was, so that a later remove can try again. */
      op->ctr->state = op->on_failure;
      agent_make_rpc_error (&err, GRPC_INTERNAL, 0, "crun delete %s failed: %s", op->ctr->id, error);
      if (op->then)
        {
          op->then (op->then_arg, err->msg);
          agent_error_release (&err);
        }
      else
        reply_error_release (&op->call, &err);
      return;
    }
  container_free (op->ctr);
  if (op->then)
    op->then (op->then_arg, NULL);
  else if (op->code == GRPC_OK)
    reply_empty (&op->call);
  else
    h2session_reply_error (&op->call, op->code, message);
}

static int
start_delete (struct container *c, struct simple_op *op, agent_error_t *err)
{
  cleanup_free char *log_path = NULL;
  const char *args[] = { "delete", "--force", c->id, NULL };

  xasprintf (&log_path, "%s/crun.log", c->dir);
  if (crun_run (log_path, args, NULL, on_delete_done, op, err) < 0)
    {
      free (op->message);
      free (op);
      return -1;
    }
  op->on_failure = c->state;
  c->state = CTR_REMOVING;
  c->busy++;
  return 0;
}

int
container_delete (struct container *c, const struct rpc_call *call, enum grpc_code code, const char *message,
                  agent_error_t *err)
{
  struct simple_op *op = xzalloc (sizeof (*op));

  *op = (struct simple_op){ .call = *call, .ctr = c, .code = code, .message = xstrdup (message ? message : "") };
  return start_delete (c, op, err);
}

int
container_delete_then (struct container *c, container_deleted_cb then, void *arg, agent_error_t *err)
{
  struct simple_op *op = xzalloc (sizeof (*op));

  *op = (struct simple_op){ .ctr = c, .then = then, .then_arg = arg, .message = xstrdup ("") };
  return start_delete (c, op, err);
}

int
container_remove (struct container *c, const struct rpc_call *call, agent_error_t *err)
{
  if (c->busy || c->state == CTR_REMOVING)
    return require_state (c, CTR_RUNNING, "remove", err);
  return container_delete (c, call, GRPC_OK, NULL, err);
}

void
container_note_exit (struct container *c, struct cproc *p)
{
  uint64_t kills = cgroup_oom_kills (c->cgroup);

  if (kills <= c->oom_kills_seen)
    return;
  c->oom_kills_seen = kills;
  p->oom_killed = true;
}

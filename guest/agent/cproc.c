#define _GNU_SOURCE
#include "cproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "agent.pb-c.h"
#include "bundle.h"
#include "console.h"
#include "crun.h"
#include "ctr_ops.h"
#include "oci_json.h"
#include "reaper.h"
#include "rpc.h"

struct cproc *
cproc_new (struct container *c, const char *exec_id)
{
  struct cproc *p = xzalloc (sizeof (*p));

  p->ctr = c;
  p->exec_id = xstrdup (exec_id);
  in_stream_init (&p->in, -1);
  out_stream_init (&p->out, -1, NULL);
  out_stream_init (&p->err, -1, NULL);
  p->next = c->procs;
  c->procs = p;
  return p;
}

struct cproc *
cproc_find (struct container *c, const char *exec_id, agent_error_t *err)
{
  for (struct cproc *p = c->procs; p; p = p->next)
    if (strcmp (p->exec_id, exec_id) == 0)
      return p;
  agent_make_resource_error (err, GRPC_NOT_FOUND, "process", exec_id, "container `%s` has no process `%s`", c->id,
                             exec_id);
  return NULL;
}

int
cproc_attach_stdio (struct cproc *p, int stdio[3], bool tty, agent_error_t *err)
{
  p->tty = tty;
  if (tty)
    {
      /* One pty master for both directions; a copy so that each stream owns its descriptor. */
      int in = fcntl (stdio[1], F_DUPFD_CLOEXEC, 3);
      if (in < 0)
        return agent_make_error (err, errno, "cannot duplicate the terminal");
      in_stream_init (&p->in, in);
    }
  else
    in_stream_init (&p->in, steal_fd (&stdio[0]));
  if (out_stream_init (&p->out, steal_fd (&stdio[1]), err) < 0)
    return -1;
  return out_stream_init (&p->err, tty ? -1 : steal_fd (&stdio[2]), err);
}

static void
reply_wait (const struct rpc_call *call, const struct cproc *p)
{
  Vc4j__Agent__V1__WaitProcessResponse resp = VC4J__AGENT__V1__WAIT_PROCESS_RESPONSE__INIT;

  resp.exit_code = p->exit_code;
  resp.signal = p->signal;
  resp.oom_killed = p->oom_killed;
  rpc_reply (call, &resp.base);
}

static void
record_exit (struct cproc *p, int status)
{
  struct parked_call *w;

  p->exited = true;
  /* Nobody reads this stdin any more: its descriptor goes with the process. */
  in_stream_release (&p->in);
  if (WIFSIGNALED (status))
    {
      p->signal = WTERMSIG (status);
      p->exit_code = 128 + p->signal;
    }
  else
    p->exit_code = WEXITSTATUS (status);
  container_note_exit (p->ctr, p);
  log_debug ("container %s process `%s` (pid %d) exited with %d", p->ctr->id, p->exec_id, (int) p->pid, p->exit_code);
  while ((w = p->waiters))
    {
      p->waiters = w->next;
      reply_wait (&w->call, p);
      free (w);
    }
}

void
cproc_started (struct cproc *p, pid_t pid)
{
  int status;

  p->pid = pid;
  if (reaper_claim (pid, &status))
    record_exit (p, status);
}

bool
cproc_exited (pid_t pid, int status)
{
  for (struct container *c = containers; c; c = c->next)
    for (struct cproc *p = c->procs; p; p = p->next)
      if (p->pid == pid && ! p->exited)
        {
          record_exit (p, status);
          return true;
        }
  return false;
}

void
cproc_wait (struct cproc *p, const struct rpc_call *call)
{
  if (p->exited)
    reply_wait (call, p);
  else
    parked_append (&p->waiters, call, 0);
}

void
cproc_free (struct cproc *p)
{
  struct parked_call *w;

  while ((w = p->waiters))
    {
      agent_error_t err = NULL;

      p->waiters = w->next;
      agent_make_resource_error (&err, GRPC_NOT_FOUND, "container", p->ctr->id, "container `%s` was removed",
                                 p->ctr->id);
      reply_error_release (&w->call, &err);
      free (w);
    }
  in_stream_release (&p->in);
  out_stream_release (&p->out);
  out_stream_release (&p->err);
  free (p->exec_id);
  free (p);
}

/* What an exec in flight needs once crun returns. */
struct exec_op
{
  struct rpc_call call;
  struct container *ctr;
  struct cproc *proc;
  char *pid_file;
  char *console_path;
  int console_fd;
  int parent[3];
};

static void
exec_op_free (struct exec_op *op)
{
  close_and_reset (&op->console_fd);
  if (op->console_path != NULL)
    unlink (op->console_path);
  free (op->console_path);
  bundle_close_fds (op->parent);
  free (op->pid_file);
  free (op);
}

/* crun exec has returned: its process file, pid file and log are not read
   again, and would pile up with every exec. */
static void
unlink_exec_files (const struct container *c, const char *exec_id)
{
  static const char *const suffixes[] = { "json", "pid", "log" };

  for (size_t i = 0; i < ARRAY_SIZE (suffixes); i++)
    {
      cleanup_free char *path = NULL;

      xasprintf (&path, "%s/exec-%s.%s", c->dir, exec_id, suffixes[i]);
      unlink (path);
    }
}

static void
unlink_proc (struct container *c, struct cproc *p)
{
  for (struct cproc **pp = &c->procs; *pp; pp = &(*pp)->next)
    if (*pp == p)
      {
        *pp = p->next;
        break;
      }
}

static void
on_exec_done (void *arg, int exit_code, const char *error)
{
  struct exec_op *op = arg;
  agent_error_t err = NULL;
  pid_t pid;

  op->ctr->busy--;
  if (exit_code != 0)
    agent_make_rpc_error (&err, GRPC_INTERNAL, 0, "crun exec `%s` in %s failed: %s", op->proc->exec_id, op->ctr->id,
                          error);
  else if ((pid = read_pid_file (op->pid_file, &err)) > 0)
    {
      if (op->proc->tty)
        op->parent[1] = console_receive (op->console_fd, &err);
      if (err == NULL && cproc_attach_stdio (op->proc, op->parent, op->proc->tty, &err) == 0)
        {
          Vc4j__Agent__V1__Empty resp = VC4J__AGENT__V1__EMPTY__INIT;
          cproc_started (op->proc, pid);
          rpc_reply (&op->call, &resp.base);
          unlink_exec_files (op->ctr, op->proc->exec_id);
          exec_op_free (op);
          return;
        }
      /* Nobody can talk to it: it must not run unaccounted. */
      kill (pid, SIGKILL);
      cproc_started (op->proc, pid);
    }
  h2session_reply_failure (&op->call, err);
  agent_error_release (&err);
  unlink_exec_files (op->ctr, op->proc->exec_id);
  unlink_proc (op->ctr, op->proc);
  cproc_free (op->proc);
  exec_op_free (op);
}

int
cproc_exec (struct container *c, const char *exec_id, const uint8_t *process_json, size_t len, bool tty,
            const struct rpc_call *call, agent_error_t *err)
{
  cleanup_free char *process_file = NULL;
  cleanup_free char *log_path = NULL;
  cleanup_json json_t *process = NULL;
  struct exec_op *op;
  int child[3];
  int rv;

  if (! storage_valid_name (exec_id))
    return agent_make_field_error (err, 0, "exec_id", exec_id, "not a valid id");
  if (c->state != CTR_RUNNING)
    return agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "container `%s` is not running", c->id);
  for (struct cproc *p = c->procs; p; p = p->next)
    if (strcmp (p->exec_id, exec_id) == 0)
      return agent_make_resource_error (err, GRPC_ALREADY_EXISTS, "process", exec_id,
                                        "process `%s` exists in container `%s`", exec_id, c->id);
  process = oci_json_parse ("process", process_json, len, err);
  if (process == NULL || oci_json_check_process (process, "process", tty, err) < 0)
    return -1;
  xasprintf (&process_file, "%s/exec-%s.json", c->dir, exec_id);
  xasprintf (&log_path, "%s/exec-%s.log", c->dir, exec_id);
  if (oci_json_write (process_file, process, err) < 0)
    return -1;

  op = xzalloc (sizeof (*op));
  op->call = *call;
  op->ctr = c;
  xasprintf (&op->pid_file, "%s/exec-%s.pid", c->dir, exec_id);
  op->console_path = bundle_console_path (container_state_dir ());
  if (bundle_stdio (tty, op->console_path, child, op->parent, &op->console_fd, err) < 0)
    {
      unlink_exec_files (c, exec_id);
      op->console_fd = -1;
      exec_op_free (op);
      return -1;
    }
  /* Without a terminal the argument list ends early, at the id. */
  const char *args[] = { "exec",
                         "--detach",
                         "--pid-file",
                         op->pid_file,
                         "--process",
                         process_file,
                         tty ? "--console-socket" : c->id,
                         tty ? op->console_path : NULL,
                         tty ? c->id : NULL,
                         NULL };
  rv = crun_run (log_path, args, tty ? NULL : child, on_exec_done, op, err);
  bundle_close_fds (child);
  if (rv < 0)
    {
      unlink_exec_files (c, exec_id);
      exec_op_free (op);
      return -1;
    }
  op->proc = cproc_new (c, exec_id);
  op->proc->tty = tty;
  c->busy++;
  return 0;
}

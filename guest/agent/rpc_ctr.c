/* Decoding of the container and process RPCs; the work is in container.c,
   ctr_ops.c and cproc.c. */
#define _GNU_SOURCE
#include "rpc_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "blockdev.h"
#include "container.h"
#include "cproc.h"
#include "ctr_ops.h"
#include "oom_events.h"
#include "sandbox.h"

/* clang-format off: the body ends in a statement its caller's semicolon closes */
#define REQUEST(type, name)                                                                                        \
  cleanup_pbmsg Vc4j__Agent__V1__##type *req = rpc_unpack (&vc4j__agent__v1__##name##__descriptor, msg, len, err); \
  if (req == NULL)                                                                                                 \
  return -1
/* clang-format on */

static int
reply_empty_now (const struct rpc_call *call)
{
  reply_empty (call);
  return 0;
}

static struct storage_desc *
storages_of (Vc4j__Agent__V1__Storage **in, size_t n)
{
  struct storage_desc *out = xzalloc ((n + 1) * sizeof (*out));

  for (size_t i = 0; i < n; i++)
    out[i] = (struct storage_desc){ .driver = in[i]->driver,
                                    .source = in[i]->source,
                                    .fstype = in[i]->fstype,
                                    .options = in[i]->options,
                                    .n_options = in[i]->n_options,
                                    .mount_point = in[i]->mount_point };
  return out;
}

/* A request waiting for the disks its storages name, with its own bytes. */
struct parked_request
{
  struct rpc_call call;
  rpc_handler run;
  uint8_t *msg;
  size_t len;
};

static void
on_devices (void *arg, agent_error_t *err)
{
  cleanup_free struct parked_request *p = arg;
  cleanup_free uint8_t *msg = p->msg;
  agent_error_t failed = NULL;

  /* A host that gave up undoes its side (the drive goes): nothing may start here. */
  if (! h2session_call_alive (&p->call))
    return;
  if (*err == NULL && p->run (&p->call, msg, p->len, &failed) < 0)
    err = &failed;
  if (*err)
    reply_error_release (&p->call, err);
}

/* Runs the request now when every disk its block storages wait for
   (device_timeout_ms) is there, else as if it came once they are, or fails
   it with DEADLINE_EXCEEDED naming the one missing. Storages are checked
   first: a bad one is refused at once, not after a wait. run decodes the
   request again: a kept request needs only its bytes. */
static int
run_with_devices (rpc_handler run, const struct rpc_call *call, const uint8_t *msg, size_t len,
                  Vc4j__Agent__V1__Storage **storages, size_t n, agent_error_t *err)
{
  cleanup_free struct storage_desc *descs = storages_of (storages, n);
  cleanup_free char **serials = xzalloc ((n + 1) * sizeof (*serials));
  cleanup_free struct parked_request *parked = NULL;
  uint32_t timeout_ms = UINT32_MAX;
  size_t waits = 0;
  int uevents, present;

  for (size_t i = 0; i < n; i++)
    {
      if (storage_validate (&descs[i], err) < 0)
        return -1;
      if (descs[i].driver != STORAGE_BLOCK || storages[i]->device_timeout_ms == 0)
        continue;
      serials[waits++] = storages[i]->source;
      if (storages[i]->device_timeout_ms < timeout_ms)
        timeout_ms = storages[i]->device_timeout_ms;
    }
  if (waits == 0)
    return run (call, msg, len, err);
  uevents = blockdev_uevent_open (err);
  if (uevents < 0)
    return -1;
  parked = xmalloc (sizeof (*parked));
  *parked = (struct parked_request){ .call = *call, .run = run, .msg = xmalloc (len), .len = len };
  memcpy (parked->msg, msg, len);
  present = blockdev_wait (uevents, "/sys/block", serials, waits, timeout_ms, on_devices, parked, err);
  if (present == 0)
    {
      steal_ptr (&parked);
      return 0;
    }
  free (parked->msg);
  return present < 0 ? -1 : run (call, msg, len, err);
}

static int
create_container (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (CreateContainerRequest, create_container_request);
  cleanup_free struct storage_desc *storages = storages_of (req->storages, req->n_storages);
  struct container_create create = {
    .id = req->container_id,
    .spec_json = req->oci_spec.data,
    .spec_len = req->oci_spec.len,
    .rootfs_path = req->rootfs_path,
    .storages = storages,
    .n_storages = req->n_storages,
    .terminal = req->terminal,
  };

  return container_create (&create, call, err);
}

int
rpc_create_container (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (CreateContainerRequest, create_container_request);
  return run_with_devices (create_container, call, msg, len, req->storages, req->n_storages, err);
}

/* clang-format off: the body ends in a statement its caller's semicolon closes */
#define WITH_CONTAINER(id)                        \
  struct container *c = container_find (id, err); \
  if (c == NULL)                                  \
  return -1
/* clang-format on */

static int
create_sandbox (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (CreateSandboxRequest, create_sandbox_request);
  cleanup_free struct storage_desc *storages = storages_of (req->storages, req->n_storages);
  struct sandbox_setup setup = {
    .hostname = req->hostname,
    .dns_servers = req->dns_servers,
    .n_dns_servers = req->n_dns_servers,
    .dns_search = req->dns_search,
    .n_dns_search = req->n_dns_search,
    .modules = req->kernel_modules,
    .n_modules = req->n_kernel_modules,
    .storages = storages,
    .n_storages = req->n_storages,
    .guest_hook_path = req->guest_hook_path,
  };

  return sandbox_create (&setup, call, err);
}

int
rpc_create_sandbox (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (CreateSandboxRequest, create_sandbox_request);
  return run_with_devices (create_sandbox, call, msg, len, req->storages, req->n_storages, err);
}

int
rpc_destroy_sandbox (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (DestroySandboxRequest, destroy_sandbox_request);
  return sandbox_destroy (call, err);
}

int
rpc_start_container (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (ContainerRequest, container_request);
  WITH_CONTAINER (req->container_id);
  return container_start (c, call, err);
}

int
rpc_remove_container (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (ContainerRequest, container_request);
  WITH_CONTAINER (req->container_id);
  return container_remove (c, call, err);
}

int
rpc_pause_container (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (ContainerRequest, container_request);
  WITH_CONTAINER (req->container_id);
  return container_pause (c, true, call, err);
}

int
rpc_resume_container (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (ContainerRequest, container_request);
  WITH_CONTAINER (req->container_id);
  return container_pause (c, false, call, err);
}

int
rpc_update_container (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (UpdateContainerRequest, update_container_request);
  WITH_CONTAINER (req->container_id);
  if (req->resources.len == 0)
    return agent_make_field_error (err, 0, "resources", "", "empty for container `%s`", c->id);
  return container_update (c, req->resources.data, req->resources.len, call, err);
}

int
rpc_exec_process (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (ExecProcessRequest, exec_process_request);
  WITH_CONTAINER (req->container_id);
  if (req->process.len == 0)
    return agent_make_field_error (err, 0, "process", "", "empty for exec `%s`", req->exec_id);
  return cproc_exec (c, req->exec_id, req->process.data, req->process.len, req->terminal, call, err);
}

/* Decodes the (container, exec id) pair every process RPC starts with. */
/* clang-format off: the body ends in a statement its caller's semicolon closes */
#define WITH_PROCESS(cid, eid)                \
  WITH_CONTAINER (cid);                       \
  struct cproc *p = cproc_find (c, eid, err); \
  if (p == NULL)                              \
  return -1
/* clang-format on */

int
rpc_signal_process (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (SignalProcessRequest, signal_process_request);
  WITH_CONTAINER (req->container_id);
  if (req->signal == 0 || req->signal >= NSIG)
    {
      char text[16];

      snprintf (text, sizeof (text), "%u", req->signal);
      return agent_make_field_error (err, 0, "signal", text, "not a signal number");
    }
  if (req->all)
    return container_signal_all (c, (int) req->signal, call, err);
  struct cproc *p = cproc_find (c, req->exec_id, err);
  if (p == NULL)
    return -1;
  if (p->exited || p->pid <= 0)
    return agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "process `%s` of `%s` is not running", req->exec_id,
                                 c->id);
  if (kill (p->pid, (int) req->signal) < 0)
    return agent_make_error (err, errno, "cannot signal pid %d", (int) p->pid);
  return reply_empty_now (call);
}

int
rpc_wait_process (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (ProcessRequest, process_request);
  WITH_PROCESS (req->container_id, req->exec_id);
  cproc_wait (p, call);
  return 0;
}

int
rpc_process_status (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (ProcessRequest, process_request);
  WITH_PROCESS (req->container_id, req->exec_id);
  Vc4j__Agent__V1__ProcessStatusResponse resp = VC4J__AGENT__V1__PROCESS_STATUS_RESPONSE__INIT;
  Vc4j__Agent__V1__WaitProcessResponse exit = VC4J__AGENT__V1__WAIT_PROCESS_RESPONSE__INIT;

  resp.pid = p->pid > 0 ? (uint32_t) p->pid : 0;
  resp.exited = p->exited;
  if (p->exited)
    {
      exit.exit_code = p->exit_code;
      exit.signal = p->signal;
      exit.oom_killed = p->oom_killed;
      resp.exit = &exit;
    }
  rpc_reply (call, &resp.base);
  return 0;
}

int
rpc_write_stdin (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (WriteStdinRequest, write_stdin_request);
  WITH_PROCESS (req->container_id, req->exec_id);
  return in_stream_write (&p->in, call, req->data.data, req->data.len, err);
}

int
rpc_close_stdin (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (ProcessRequest, process_request);
  WITH_PROCESS (req->container_id, req->exec_id);
  in_stream_close (&p->in);
  return reply_empty_now (call);
}

static int
read_stream (const struct rpc_call *call, const uint8_t *msg, size_t len, bool stderr_, agent_error_t *err)
{
  REQUEST (ReadStreamRequest, read_stream_request);
  WITH_PROCESS (req->container_id, req->exec_id);
  out_stream_read (stderr_ ? &p->err : &p->out, call,
                   req->max_bytes > PSTREAM_OUT_LIMIT ? PSTREAM_OUT_LIMIT : req->max_bytes);
  return 0;
}

int
rpc_read_stdout (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  return read_stream (call, msg, len, false, err);
}

int
rpc_read_stderr (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  return read_stream (call, msg, len, true, err);
}

int
rpc_tty_win_resize (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (TtyWinResizeRequest, tty_win_resize_request);
  WITH_PROCESS (req->container_id, req->exec_id);
  struct winsize ws = { .ws_row = (unsigned short) req->rows, .ws_col = (unsigned short) req->columns };

  if (! p->tty || p->out.w.fd < 0)
    return agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "process `%s` of `%s` has no terminal", req->exec_id,
                                 c->id);
  if (req->rows > 0xffff || req->columns > 0xffff)
    {
      char text[16];

      snprintf (text, sizeof (text), "%u", req->rows > 0xffff ? req->rows : req->columns);
      return agent_make_field_error (err, 0, req->rows > 0xffff ? "rows" : "columns", text, "over 65535");
    }
  if (ioctl (p->out.w.fd, TIOCSWINSZ, &ws) < 0)
    return agent_make_error (err, errno, "cannot resize the terminal");
  return reply_empty_now (call);
}

int
rpc_get_oom_event (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (GetOOMEventRequest, get_oomevent_request);
  oom_events_wait (call);
  return 0;
}

int
rpc_set_guest_date_time (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  REQUEST (SetGuestDateTimeRequest, set_guest_date_time_request);
  struct timespec ts = { .tv_sec = (time_t) req->unix_seconds, .tv_nsec = req->nanos };

  if (req->nanos >= 1000000000u || req->unix_seconds < 0)
    {
      char text[40];

      snprintf (text, sizeof (text), "%lld.%09u", (long long) req->unix_seconds, req->nanos);
      return agent_make_field_error (err, 0, "unix_seconds", text, "not a time since 1970 (nanos under 1e9)");
    }
  if (clock_settime (CLOCK_REALTIME, &ts) < 0)
    return agent_make_error (err, errno, "cannot set the clock");
  return reply_empty_now (call);
}

#include "rpc_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "container.h"
#include "guest_info.h"
#include "guest_ops.h"
#include "process.h"

#define DEFAULT_TIMEOUT_MS 60000
#define DEFAULT_MAX_OUTPUT (1u << 20)
/* The most kept per stream, whatever the host asks: as much as a request
   may carry. */
#define MAX_OUTPUT (4u << 20)

static char default_path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
static char *const default_env[] = { default_path };

void *
rpc_unpack (const ProtobufCMessageDescriptor *desc, const uint8_t *msg, size_t len, agent_error_t *err)
{
  ProtobufCMessage *m = protobuf_c_message_unpack (desc, NULL, len, msg);

  if (m == NULL)
    agent_make_rpc_error (err, GRPC_INVALID_ARGUMENT, 0, "malformed %s", desc->name);
  return m;
}

/* Requests without fields are still decoded: garbage is a client bug worth
   reporting. */
static int
check_empty (const ProtobufCMessageDescriptor *desc, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg ProtobufCMessage *req = rpc_unpack (desc, msg, len, err);

  return req ? 0 : -1;
}

void
rpc_reply (const struct rpc_call *call, const ProtobufCMessage *m)
{
  size_t len = protobuf_c_message_get_packed_size (m);
  cleanup_free uint8_t *data = xmalloc (len ? len : 1);

  protobuf_c_message_pack (m, data);
  h2session_reply (call, data, len);
}

static int
reply (const struct rpc_call *call, const ProtobufCMessage *m)
{
  rpc_reply (call, m);
  return 0;
}

static int
rpc_check (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  Vc4j__Agent__V1__CheckResponse resp = VC4J__AGENT__V1__CHECK_RESPONSE__INIT;

  if (check_empty (&vc4j__agent__v1__check_request__descriptor, msg, len, err) < 0)
    return -1;
  resp.status = VC4J__AGENT__V1__CHECK_RESPONSE__SERVING_STATUS__SERVING;
  return reply (call, &resp.base);
}

static int
rpc_version (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  Vc4j__Agent__V1__VersionResponse resp = VC4J__AGENT__V1__VERSION_RESPONSE__INIT;

  if (check_empty (&vc4j__agent__v1__version_request__descriptor, msg, len, err) < 0)
    return -1;
  resp.agent_version = (char *) VC4J_AGENT_VERSION;
  resp.protocol_revision = RPC_PROTOCOL_REVISION;
  return reply (call, &resp.base);
}

static int
rpc_get_guest_details (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  Vc4j__Agent__V1__GuestDetailsResponse resp = VC4J__AGENT__V1__GUEST_DETAILS_RESPONSE__INIT;
  struct guest_info gi;

  if (check_empty (&vc4j__agent__v1__guest_details_request__descriptor, msg, len, err) < 0)
    return -1;
  if (guest_info_read (&gi, err) < 0)
    return -1;
  resp.agent_version = (char *) VC4J_AGENT_VERSION;
  resp.kernel_release = gi.uts.release;
  resp.kernel_version = gi.uts.version;
  resp.machine = gi.uts.machine;
  resp.mem_total_kib = gi.mem_total_kib;
  resp.mem_available_kib = gi.mem_available_kib;
  resp.online_cpus = gi.online_cpus;
  resp.uptime_ms = gi.uptime_ms;
  return reply (call, &resp.base);
}

static void
run_process_done (void *arg, const struct process_result *res)
{
  cleanup_free struct rpc_call *call = arg;
  Vc4j__Agent__V1__RunProcessResponse resp = VC4J__AGENT__V1__RUN_PROCESS_RESPONSE__INIT;

  resp.exit_code = res->exit_code;
  resp.signal = res->signal;
  resp.stdout.data = res->out.data;
  resp.stdout.len = res->out.len;
  resp.stderr.data = res->err.data;
  resp.stderr.len = res->err.len;
  resp.timed_out = res->timed_out;
  resp.stdout_truncated = res->out_truncated;
  resp.stderr_truncated = res->err_truncated;
  reply (call, &resp.base);
}

static int
rpc_run_process (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__RunProcessRequest *req = NULL;
  cleanup_free struct rpc_call *pending = NULL;
  struct process_spec spec;

  req = rpc_unpack (&vc4j__agent__v1__run_process_request__descriptor, msg, len, err);
  if (req == NULL)
    return -1;

  spec = (struct process_spec){
    .argv = req->argv,
    .argc = req->n_argv,
    .env = req->n_env ? req->env : default_env,
    .envc = req->n_env ? req->n_env : ARRAY_SIZE (default_env),
    .workdir = req->workdir[0] ? req->workdir : "/",
    .stdin_data = req->stdin.data,
    .stdin_len = req->stdin.len,
    .timeout_ms = req->timeout_ms ? req->timeout_ms : DEFAULT_TIMEOUT_MS,
    .max_output = req->max_output_bytes == 0           ? DEFAULT_MAX_OUTPUT
                  : req->max_output_bytes < MAX_OUTPUT ? req->max_output_bytes
                                                       : MAX_OUTPUT,
  };
  log_debug ("RunProcess `%s` (%zu args)", req->n_argv ? req->argv[0] : "", req->n_argv);

  pending = xmalloc (sizeof (*pending));
  *pending = *call;
  if (process_spawn (&spec, run_process_done, pending, err) < 0)
    return -1;
  steal_ptr (&pending);
  return 0;
}

static int
rpc_online_cpu_mem (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__OnlineCPUMemRequest *req =
      rpc_unpack (&vc4j__agent__v1__online_cpumem_request__descriptor, msg, len, err);
  Vc4j__Agent__V1__OnlineCPUMemResponse resp = VC4J__AGENT__V1__ONLINE_CPUMEM_RESPONSE__INIT;
  unsigned cpus = 0, blocks = 0;

  if (req == NULL || guest_online_cpus ("/sys", req->cpus, &cpus, err) < 0)
    return -1;
  if (req->memory && guest_online_memory ("/sys", &blocks, err) < 0)
    return -1;
  resp.cpus_onlined = cpus;
  resp.memory_blocks_onlined = blocks;
  return reply (call, &resp.base);
}

static int
rpc_copy_file (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__CopyFileRequest *req =
      rpc_unpack (&vc4j__agent__v1__copy_file_request__descriptor, msg, len, err);
  Vc4j__Agent__V1__Empty resp = VC4J__AGENT__V1__EMPTY__INIT;
  cleanup_free char *shared = NULL;

  if (req == NULL)
    return -1;
  if (mkdir (container_state_dir (), 0700) < 0 && errno != EEXIST)
    return agent_make_error (err, errno, "cannot create %s", container_state_dir ());
  xasprintf (&shared, "%s/shared", container_state_dir ());
  if (guest_copy_file (shared, req->path, req->data.data, req->data.len, req->mode, err) < 0)
    return -1;
  return reply (call, &resp.base);
}

static const struct
{
  const char *name;
  rpc_handler handler;
} methods[] = {
  { "Check", rpc_check },
  { "Version", rpc_version },
  { "GetGuestDetails", rpc_get_guest_details },
  { "RunProcess", rpc_run_process },
  { "SetGuestDateTime", rpc_set_guest_date_time },
  { "AddEntropy", rpc_add_entropy },
  { "OnlineCPUMem", rpc_online_cpu_mem },
  { "CopyFile", rpc_copy_file },
  { "UpdateContainer", rpc_update_container },
  { "ListInterfaces", rpc_list_interfaces },
  { "ListRoutes", rpc_list_routes },
  { "CreateSandbox", rpc_create_sandbox },
  { "DestroySandbox", rpc_destroy_sandbox },
  { "CreateContainer", rpc_create_container },
  { "StartContainer", rpc_start_container },
  { "RemoveContainer", rpc_remove_container },
  { "PauseContainer", rpc_pause_container },
  { "ResumeContainer", rpc_resume_container },
  { "StatsContainer", rpc_stats_container },
  { "ListProcesses", rpc_list_processes },
  { "ExecProcess", rpc_exec_process },
  { "SignalProcess", rpc_signal_process },
  { "WaitProcess", rpc_wait_process },
  { "WriteStdin", rpc_write_stdin },
  { "ReadStdout", rpc_read_stdout },
  { "ReadStderr", rpc_read_stderr },
  { "CloseStdin", rpc_close_stdin },
  { "TtyWinResize", rpc_tty_win_resize },
  { "GetOOMEvent", rpc_get_oom_event },
  { "UpdateInterface", rpc_update_interface },
  { "UpdateRoutes", rpc_update_routes },
  { "AddARPNeighbors", rpc_add_arp_neighbors },
  { "ProcessStatus", rpc_process_status },
};

static rpc_handler
find_handler (const char *path)
{
  const size_t prefix_len = sizeof (RPC_SERVICE_PREFIX) - 1;

  if (strncmp (path, RPC_SERVICE_PREFIX, prefix_len) != 0)
    return NULL;
  for (size_t i = 0; i < ARRAY_SIZE (methods); i++)
    if (strcmp (path + prefix_len, methods[i].name) == 0)
      return methods[i].handler;
  return NULL;
}

void
rpc_dispatch (const struct rpc_call *call, const char *path, const uint8_t *msg, size_t len)
{
  rpc_handler handler = find_handler (path);
  agent_error_t err = NULL;

  log_debug ("call %s on stream %d", path, call->stream_id);
  if (handler == NULL)
    agent_make_rpc_error (&err, GRPC_UNIMPLEMENTED, 0, "unknown method `%s`", path);
  else if (handler (call, msg, len, &err) == 0)
    return;

  /* Client mistakes are the client's to report; agent failures are ours. */
  if (err->code == GRPC_INTERNAL)
    log_warning ("%s: %s", path, err->msg);
  h2session_reply_failure (call, err);
  agent_error_release (&err);
}

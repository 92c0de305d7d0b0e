/* End-to-end tests against a running `vc4j-agent --listen PATH`: the
   handshake, every RPC, error statuses, flow control and concurrency; the
   reconnect tests are in e2e_reconnect.c, RunProcess's in e2e_run.c. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.pb-c.h"
#include "h2client.h"
#include "tests/check.h"
#include "tests/e2e.h"

const char *socket_path;
struct h2client shared;

void
call_freep (struct h2call **call)
{
  h2call_free (*call);
}

void
msg_freep (void *p)
{
  ProtobufCMessage **m = p;

  if (*m)
    protobuf_c_message_free_unpacked (*m, NULL);
}

struct h2call *
call (struct h2client *c, const char *method, const ProtobufCMessage *req)
{
  struct h2call *call = h2client_start (c, method, req);

  if (call && ! h2client_wait (c, call, 20))
    fprintf (stderr, "%s: no reply\n", method);
  return call;
}

bool
check_serving (struct h2client *c)
{
  Vc4j__Agent__V1__CheckRequest req = VC4J__AGENT__V1__CHECK_REQUEST__INIT;
  cleanup_call struct h2call *cl = call (c, "Check", &req.base);
  cleanup_msg Vc4j__Agent__V1__CheckResponse *resp = NULL;

  CHECK (cl && cl->closed && cl->http_status == 200);
  resp = (void *) h2call_reply (cl, &vc4j__agent__v1__check_response__descriptor);
  CHECK (resp && resp->status == VC4J__AGENT__V1__CHECK_RESPONSE__SERVING_STATUS__SERVING);
  return true;
}

bool
fresh_connection (struct h2client *c)
{
  return h2client_connect (c, socket_path) == 0 && h2client_handshake (c) == 0;
}

static bool
test_check (void)
{
  CHECK (strcmp (shared.agent_version, "0.1.0") == 0);
  return check_serving (&shared);
}

static bool
test_version (void)
{
  Vc4j__Agent__V1__VersionRequest req = VC4J__AGENT__V1__VERSION_REQUEST__INIT;
  cleanup_call struct h2call *cl = call (&shared, "Version", &req.base);
  cleanup_msg Vc4j__Agent__V1__VersionResponse *resp =
      (void *) h2call_reply (cl, &vc4j__agent__v1__version_response__descriptor);

  CHECK (resp && strcmp (resp->agent_version, "0.1.0") == 0 && resp->protocol_revision == 1);
  return true;
}

static struct h2call *
add_entropy (size_t len)
{
  static uint8_t seed[1024];
  Vc4j__Agent__V1__AddEntropyRequest req = VC4J__AGENT__V1__ADD_ENTROPY_REQUEST__INIT;

  req.data.data = seed;
  req.data.len = len;
  return call (&shared, "AddEntropy", &req.base);
}

/* A seed too short to matter, or too long, is refused naming the field. */
static bool
test_add_entropy_bounds (void)
{
  cleanup_call struct h2call *shorter = add_entropy (8);
  cleanup_call struct h2call *longer = add_entropy (513);

  CHECK (shorter && shorter->closed && shorter->grpc_status == 3 && strstr (shorter->grpc_message, "data"));
  CHECK (longer && longer->closed && longer->grpc_status == 3 && strstr (longer->grpc_message, "513 bytes"));
  return true;
}

/* Crediting entropy and reseeding take CAP_SYS_ADMIN, which the guest agent has. */
static bool
test_add_entropy (void)
{
  cleanup_call struct h2call *cl = add_entropy (64);

  if (geteuid () != 0)
    CHECK (cl && cl->closed && cl->grpc_status == 13 && strstr (cl->grpc_message, "entropy"));
  else
    CHECK (cl && cl->closed && cl->grpc_status == 0);
  return true;
}

static bool
test_guest_details (void)
{
  Vc4j__Agent__V1__GuestDetailsRequest req = VC4J__AGENT__V1__GUEST_DETAILS_REQUEST__INIT;
  cleanup_call struct h2call *cl = call (&shared, "GetGuestDetails", &req.base);
  cleanup_msg Vc4j__Agent__V1__GuestDetailsResponse *resp =
      (void *) h2call_reply (cl, &vc4j__agent__v1__guest_details_response__descriptor);

  CHECK (resp && strcmp (resp->agent_version, "0.1.0") == 0);
  CHECK (resp->kernel_release[0] && resp->kernel_version[0] && resp->machine[0]);
  CHECK (resp->mem_total_kib > 0 && resp->mem_available_kib > 0 && resp->mem_available_kib <= resp->mem_total_kib);
  CHECK (resp->online_cpus >= 1 && resp->uptime_ms > 0);
  return true;
}

static bool
raw_call_fails_with (const char *method, const void *body, size_t len, int status)
{
  cleanup_call struct h2call *cl = h2client_start_raw (&shared, method, body, len);

  CHECK (cl && h2client_wait (&shared, cl, 20));
  CHECK (cl->http_status == 200 && cl->grpc_status == status && cl->body.len == 0);
  return true;
}

static bool
test_errors (void)
{
  cleanup_free uint8_t *big = xzalloc (5 + (5 << 20));

  CHECK (raw_call_fails_with ("Nope", "\0\0\0\0\0", 5, 12));
  CHECK (raw_call_fails_with ("Check", "\0\0\0\0\2\xff\xff", 7, 3));
  CHECK (raw_call_fails_with ("RunProcess", "\0\0\0\0\3\x0a\x05x", 8, 3));
  CHECK (raw_call_fails_with ("Check", "\1\0\0\0\0", 5, 12));
  CHECK (raw_call_fails_with ("Check", "\0\0\0\0\1", 5, 13));
  big[2] = 0x50; /* declares 5 MiB */
  CHECK (raw_call_fails_with ("RunProcess", big, 5 + (5 << 20), 8));
  return check_serving (&shared);
}

/* A slow call must not hold up others on the same connection. */
static bool
test_concurrent_calls (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  Vc4j__Agent__V1__CheckRequest check = VC4J__AGENT__V1__CHECK_REQUEST__INIT;
  struct h2call *checks[50];
  cleanup_call struct h2call *slow = NULL;
  double start = now_s ();
  bool ok = true;

  req.argv = (char *[]){ "sleep", "2" };
  req.n_argv = 2;
  slow = h2client_start (&shared, "RunProcess", &req.base);
  for (int i = 0; i < 50; i++)
    checks[i] = h2client_start (&shared, "Check", &check.base);
  for (int i = 0; i < 50; i++)
    {
      ok = ok && checks[i] && h2client_wait (&shared, checks[i], 5) && checks[i]->grpc_status == 0;
      h2call_free (checks[i]);
    }
  CHECK (ok);
  CHECK (now_s () - start < 1.5 && ! slow->closed);
  CHECK (h2client_wait (&shared, slow, 10) && slow->grpc_status == 0);
  CHECK (now_s () - start >= 1.9);
  return true;
}

/* The client gives up on a call; the late result must go nowhere. */
static bool
test_cancelled_call (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *slow = NULL;

  req.argv = (char *[]){ "sleep", "0.5" };
  req.n_argv = 2;
  slow = h2client_start (&shared, "RunProcess", &req.base);
  h2client_idle (&shared, 0.1);
  nghttp2_submit_rst_stream (shared.ng, NGHTTP2_FLAG_NONE, slow->stream_id, NGHTTP2_CANCEL);
  h2client_idle (&shared, 0.8);
  return check_serving (&shared);
}

static const struct
{
  const char *name;
  bool (*fn) (void);
} tests[] = {
  { "check", test_check },
  { "version", test_version },
  { "add_entropy_bounds", test_add_entropy_bounds },
  { "add_entropy", test_add_entropy },
  { "guest_details", test_guest_details },
  { "run_echo", test_run_echo },
  { "run_stderr_exit_code", test_run_stderr_exit_code },
  { "run_not_found", test_run_not_found },
  { "run_empty_argv", test_run_empty_argv },
  { "run_stdin_env_workdir", test_run_stdin_env_workdir },
  { "run_timeout", test_run_timeout },
  { "run_large_output", test_run_large_output },
  { "run_large_stdin", test_run_large_stdin },
  { "errors", test_errors },
  { "concurrent_calls", test_concurrent_calls },
  { "cancelled_call", test_cancelled_call },
  { "network_errors", test_network_errors },
  { "list_routes", test_list_routes },
  { "a_bad_spec_is_refused", test_a_bad_spec_is_refused },
  { "a_drive_that_never_appears", test_a_drive_that_never_appears },
  { "a_bad_storage_is_refused_before_any_wait", test_a_bad_storage_is_refused_before_any_wait },
  { "reconnect_100_times", test_reconnect_100_times },
  { "garbage_before_hello", test_garbage_before_hello },
  { "hello_split_across_writes", test_hello_split_across_writes },
  { "hello_mid_session", test_hello_mid_session },
  { "hello_after_bad_http2", test_hello_after_bad_http2 },
  { "hello_after_goaway", test_hello_after_goaway },
  { "hello_inside_calls_is_data", test_hello_inside_calls_is_data },
  { "max_output_is_clamped", test_max_output_is_clamped },
};

int
main (int argc, char **argv)
{
  int passed = 0, failed = 0;

  if (argc != 2)
    {
      fprintf (stderr, "Usage: e2e_client SOCKET\n");
      return EXIT_FAILURE;
    }
  socket_path = argv[1];
  signal (SIGPIPE, SIG_IGN);
  if (! fresh_connection (&shared))
    {
      fprintf (stderr, "cannot connect to the agent at %s\n", socket_path);
      return EXIT_FAILURE;
    }

  for (size_t i = 0; i < ARRAY_SIZE (tests); i++)
    {
      bool ok = tests[i].fn ();
      printf ("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
      fflush (stdout);
      if (ok)
        passed++;
      else
        failed++;
    }
  h2client_close (&shared);
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

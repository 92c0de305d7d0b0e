/* End-to-end tests of what a host stream may carry without harming the
   session or the agent: hello lines inside calls, sizes over the limits. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "tests/check.h"
#include "tests/e2e.h"

#define HELLO_LINE "VC4J-HELLO 00112233445566778899aabbccddeeff\n"

static bool
copy_file_answered (struct h2client *c)
{
  Vc4j__Agent__V1__CopyFileRequest req = VC4J__AGENT__V1__COPY_FILE_REQUEST__INIT;
  static char data[] = HELLO_LINE HELLO_LINE;
  cleanup_call struct h2call *cl = NULL;

  req.path = "hello.txt";
  req.data.data = (uint8_t *) data;
  req.data.len = strlen (data);
  cl = call (c, "CopyFile", &req.base);
  /* Without a sandbox the agent refuses the copy; what counts is an answer
     on this session. */
  CHECK (cl && cl->closed && cl->http_status == 200 && cl->grpc_status >= 0);
  return true;
}

/* A hello line in a process's stdin, in its argv and in CopyFile data is
   data: the session goes on, and a call started before them is answered. */
bool
test_hello_inside_calls_is_data (void)
{
  Vc4j__Agent__V1__RunProcessRequest slow_req = RUN_INIT, req = RUN_INIT;
  cleanup_call struct h2call *slow = NULL;
  cleanup_call struct h2call *cl = NULL;
  cleanup_msg Vc4j__Agent__V1__RunProcessResponse *slow_resp = NULL;
  cleanup_msg Vc4j__Agent__V1__RunProcessResponse *resp = NULL;
  struct h2client c;
  bool ok;

  CHECK (fresh_connection (&c));
  slow_req.argv = (char *[]){ "sh", "-c", "sleep 0.5; echo late" };
  slow_req.n_argv = 3;
  slow = h2client_start (&c, "RunProcess", &slow_req.base);
  req.argv = (char *[]){ "sh", "-c", "cat; printf %s \"$1\"", "sh", HELLO_LINE };
  req.n_argv = 5;
  req.stdin.data = (uint8_t *) HELLO_LINE;
  req.stdin.len = strlen (HELLO_LINE);
  cl = call (&c, "RunProcess", &req.base);
  resp = (void *) h2call_reply (cl, &vc4j__agent__v1__run_process_response__descriptor);
  ok = resp != NULL && resp->stdout.len == 2 * strlen (HELLO_LINE)
       && memcmp (resp->stdout.data, HELLO_LINE HELLO_LINE, resp->stdout.len) == 0;
  ok = ok && copy_file_answered (&c) && slow != NULL && h2client_wait (&c, slow, 20);
  slow_resp = ok ? (void *) h2call_reply (slow, &vc4j__agent__v1__run_process_response__descriptor) : NULL;
  ok = ok && slow_resp != NULL && slow_resp->stdout.len == 5 && memcmp (slow_resp->stdout.data, "late\n", 5) == 0;
  ok = ok && check_serving (&c);
  h2client_close (&c);
  CHECK (ok);
  return true;
}

/* max_output_bytes is clamped to 4 MiB, whatever the host asks. */
bool
test_max_output_is_clamped (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *cl = NULL;
  cleanup_msg Vc4j__Agent__V1__RunProcessResponse *resp = NULL;
  struct h2client c;
  bool ok;

  CHECK (fresh_connection (&c));
  req.argv = (char *[]){ "head", "-c", "5000000", "/dev/zero" };
  req.n_argv = 4;
  req.max_output_bytes = UINT32_MAX;
  cl = call (&c, "RunProcess", &req.base);
  resp = (void *) h2call_reply (cl, &vc4j__agent__v1__run_process_response__descriptor);
  ok = resp && resp->exit_code == 0 && resp->stdout.len == 4u << 20 && resp->stdout_truncated;
  h2client_close (&c);
  CHECK (ok);
  return true;
}

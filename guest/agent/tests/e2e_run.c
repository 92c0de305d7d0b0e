/* End-to-end tests of RunProcess: output, exit codes, errors, stdin, the
   environment and workdir, the timeout, and output and input larger than
   the HTTP/2 windows. */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>

#include "agent.pb-c.h"
#include "h2client.h"
#include "tests/check.h"
#include "tests/e2e.h"
#include "util.h"

/* Runs argv and returns the call; the reply is decoded by the caller. */
static struct h2call *
run_argv (struct h2client *c, Vc4j__Agent__V1__RunProcessRequest *req, char **argv)
{
  req->argv = argv;
  for (req->n_argv = 0; argv[req->n_argv]; req->n_argv++)
    ;
  return call (c, "RunProcess", &req->base);
}

static Vc4j__Agent__V1__RunProcessResponse *
run_reply (const struct h2call *cl)
{
  return (void *) h2call_reply (cl, &vc4j__agent__v1__run_process_response__descriptor);
}

static bool
bytes_are (ProtobufCBinaryData b, const char *s)
{
  return b.len == strlen (s) && memcmp (b.data, s, b.len) == 0;
}

bool
test_run_echo (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *cl = run_argv (&shared, &req, (char *[]){ "echo", "hi", NULL });
  cleanup_msg Vc4j__Agent__V1__RunProcessResponse *resp = run_reply (cl);

  CHECK (resp && bytes_are (resp->stdout, "hi\n") && resp->stderr.len == 0);
  CHECK (resp->exit_code == 0 && resp->signal == 0 && ! resp->timed_out);
  return true;
}

bool
test_run_stderr_exit_code (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *cl = run_argv (&shared, &req, (char *[]){ "sh", "-c", "echo err >&2; exit 3", NULL });
  cleanup_msg Vc4j__Agent__V1__RunProcessResponse *resp = run_reply (cl);

  CHECK (resp && resp->stdout.len == 0 && bytes_are (resp->stderr, "err\n") && resp->exit_code == 3);
  return true;
}

bool
test_run_not_found (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *cl = run_argv (&shared, &req, (char *[]){ "nosuchcmd", NULL });

  CHECK (cl && cl->closed && cl->http_status == 200 && cl->grpc_status == 3);
  CHECK (strcmp (cl->grpc_message, "argv `nosuchcmd`: cannot exec it: No such file or directory") == 0);
  CHECK (cl->details_len > 0);
  return true;
}

bool
test_run_empty_argv (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *cl = run_argv (&shared, &req, (char *[]){ NULL });

  CHECK (cl && cl->grpc_status == 3 && strcmp (cl->grpc_message, "argv ``: empty") == 0);
  return true;
}

bool
test_run_stdin_env_workdir (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  char *env[] = { "A=b c", "PATH=/bin:/usr/bin" };
  cleanup_call struct h2call *cl = NULL;
  cleanup_msg Vc4j__Agent__V1__RunProcessResponse *resp = NULL;

  req.env = env;
  req.n_env = 2;
  req.workdir = "/tmp";
  req.stdin.data = (uint8_t *) "piped\n";
  req.stdin.len = 6;
  cl = run_argv (&shared, &req, (char *[]){ "sh", "-c", "cat; pwd; echo \"$A\"", NULL });
  resp = run_reply (cl);
  CHECK (resp && bytes_are (resp->stdout, "piped\n/tmp\nb c\n"));
  return true;
}

bool
test_run_timeout (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *cl = NULL;
  cleanup_msg Vc4j__Agent__V1__RunProcessResponse *resp = NULL;

  req.timeout_ms = 300;
  cl = run_argv (&shared, &req, (char *[]){ "sleep", "10", NULL });
  resp = run_reply (cl);
  CHECK (resp && resp->timed_out && resp->signal == SIGKILL && resp->exit_code == 137);
  return true;
}

/* 2 MiB of reply crosses the default 64 KiB HTTP/2 windows many times. */
bool
test_run_large_output (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *cl = NULL;
  cleanup_msg Vc4j__Agent__V1__RunProcessResponse *resp = NULL;

  req.max_output_bytes = 2 << 20;
  cl = run_argv (&shared, &req, (char *[]){ "head", "-c", "3000000", "/dev/zero", NULL });
  resp = run_reply (cl);
  CHECK (resp && resp->stdout.len == 2 << 20 && resp->stdout_truncated && ! resp->stderr_truncated);
  CHECK (resp->exit_code == 0);
  return true;
}

bool
test_run_large_stdin (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *cl = NULL;
  cleanup_msg Vc4j__Agent__V1__RunProcessResponse *resp = NULL;
  size_t len = 3 << 20;
  cleanup_free uint8_t *data = xmalloc (len);

  for (size_t i = 0; i < len; i++)
    data[i] = (uint8_t) (i % 253);
  req.stdin.data = data;
  req.stdin.len = len;
  req.max_output_bytes = 4 << 20;
  cl = run_argv (&shared, &req, (char *[]){ "cat", NULL });
  resp = run_reply (cl);
  CHECK (resp && resp->stdout.len == len && memcmp (resp->stdout.data, data, len) == 0);
  return true;
}

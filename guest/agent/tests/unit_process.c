/* Unit tests of the agent's process handling (spawn, stdio, limits, timeouts,
   signals). They run in the agent's own loop, as a subreaper; the reaper's
   and the OOM watch's tests, in the same program, are in unit_reaper.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

#include "channel.h"
#include "error.h"
#include "grpc.h"
#include "guest_info.h"
#include "handshake.h"
#include "loop.h"
#include "process.h"
#include "reaper.h"
#include "tests/check.h"
#include "tests/loop_wait.h"
#include "tests/unit_process.h"
#include "transport.h"
#include "util.h"

static char test_path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
static char *test_env[] = { test_path };

static void
on_process_done (void *arg, const struct process_result *res)
{
  struct outcome *o = arg;

  o->done = true;
  o->res = *res;
  /* res->out and res->err are only valid during the call. */
  memset (&o->res.out, 0, sizeof (o->res.out));
  memset (&o->res.err, 0, sizeof (o->res.err));
  buf_append (&o->res.out, res->out.data, res->out.len);
  buf_append (&o->res.err, res->err.data, res->err.len);
}

struct process_spec
spec_for (char **argv)
{
  struct process_spec spec = {
    .argv = argv,
    .env = test_env,
    .envc = 1,
    .workdir = "/",
    .timeout_ms = 10000,
    .max_output = 1 << 20,
  };

  while (argv[spec.argc])
    spec.argc++;
  return spec;
}

bool
run_process (const struct process_spec *spec, struct outcome *o)
{
  agent_error_t err = NULL;

  memset (o, 0, sizeof (*o));
  if (process_spawn (spec, on_process_done, o, &err) < 0)
    {
      agent_error_log_release (&err);
      return false;
    }
  return loop_until (&o->done, 10);
}

static bool
out_is (const struct buf *b, const char *expected)
{
  return b->len == strlen (expected) && memcmp (b->data, expected, b->len) == 0;
}

void
outcome_free (struct outcome *o)
{
  buf_free (&o->res.out);
  buf_free (&o->res.err);
}

/* Expects spawning to fail; returns the error's code, or -1. */
static int
spawn_error (const struct process_spec *spec, char *msg, size_t msg_size)
{
  agent_error_t err = NULL;
  struct outcome o = { 0 };
  int code;

  if (process_spawn (spec, on_process_done, &o, &err) == 0)
    return -1;
  code = err->code;
  snprintf (msg, msg_size, "%s", err->msg);
  agent_error_release (&err);
  return code;
}

static bool
test_process_echo (void)
{
  char *argv[] = { "echo", "hi", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;

  CHECK (run_process (&spec, &o));
  CHECK (out_is (&o.res.out, "hi\n") && o.res.err.len == 0);
  CHECK (o.res.exit_code == 0 && o.res.signal == 0 && ! o.res.timed_out);
  return true;
}

static bool
test_process_stderr_and_exit_code (void)
{
  char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;

  CHECK (run_process (&spec, &o));
  CHECK (out_is (&o.res.out, "out\n") && out_is (&o.res.err, "err\n"));
  CHECK (o.res.exit_code == 3 && o.res.signal == 0);
  return true;
}

static bool
test_process_not_found (void)
{
  char *argv[] = { "nosuchcmd", NULL };
  struct process_spec spec = spec_for (argv);
  char msg[256];

  CHECK (spawn_error (&spec, msg, sizeof (msg)) == GRPC_INVALID_ARGUMENT);
  CHECK (strcmp (msg, "argv `nosuchcmd`: cannot exec it: No such file or directory") == 0);
  return true;
}

static bool
test_process_not_executable (void)
{
  char path[] = "/tmp/vc4j-noexec-XXXXXX";
  char *argv[] = { path, NULL };
  struct process_spec spec = spec_for (argv);
  int fd = mkstemp (path);
  char msg[256];
  int code;

  CHECK (fd >= 0);
  close (fd);
  code = spawn_error (&spec, msg, sizeof (msg));
  unlink (path);
  CHECK (code == GRPC_INVALID_ARGUMENT);
  CHECK (strstr (msg, "Permission denied") != NULL);
  return true;
}

static bool
test_process_bad_arguments (void)
{
  /* The process's PATH decides the lookup, not the agent's. */
  char bad_path[] = "PATH=/nonexistent";
  char *bad_path_env[] = { bad_path };
  char *argv[] = { "true", NULL };
  struct process_spec spec = spec_for (argv);
  char msg[256];

  spec.workdir = "/nonexistent";
  CHECK (spawn_error (&spec, msg, sizeof (msg)) == GRPC_INVALID_ARGUMENT);
  CHECK (strcmp (msg, "workdir `/nonexistent`: cannot chdir to it: No such file or directory") == 0);
  spec.workdir = "/";
  spec.env = bad_path_env;
  CHECK (spawn_error (&spec, msg, sizeof (msg)) == GRPC_INVALID_ARGUMENT);
  CHECK (strcmp (msg, "argv `true`: cannot exec it: No such file or directory") == 0);
  spec.argc = 0;
  CHECK (spawn_error (&spec, msg, sizeof (msg)) == GRPC_INVALID_ARGUMENT);
  CHECK (strcmp (msg, "argv ``: empty") == 0);
  return true;
}

static bool
test_process_workdir_and_env (void)
{
  char foo[] = "FOO=bar";
  char *env[] = { foo, test_path };
  char *argv[] = { "sh", "-c", "pwd; echo $FOO", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;

  spec.workdir = "/tmp";
  spec.env = env;
  spec.envc = 2;
  CHECK (run_process (&spec, &o));
  CHECK (out_is (&o.res.out, "/tmp\nbar\n"));
  return true;
}

static bool
test_process_large_stdin (void)
{
  char *argv[] = { "cat", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;
  size_t len = (1 << 20) + 7;
  cleanup_free uint8_t *data = xmalloc (len);

  for (size_t i = 0; i < len; i++)
    data[i] = (uint8_t) (i * 7 + i / 251);
  spec.stdin_data = data;
  spec.stdin_len = len;
  spec.max_output = 2 << 20;
  CHECK (run_process (&spec, &o));
  CHECK (o.res.out.len == len && memcmp (o.res.out.data, data, len) == 0);
  CHECK (! o.res.out_truncated && o.res.exit_code == 0);
  return true;
}

static bool
test_process_truncation (void)
{
  char *argv[] = { "head", "-c", "3000000", "/dev/zero", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;

  spec.max_output = 1000;
  CHECK (run_process (&spec, &o));
  CHECK (o.res.out.len == 1000 && o.res.out_truncated && ! o.res.err_truncated);
  /* The reader kept draining, so head was not killed by SIGPIPE. */
  CHECK (o.res.exit_code == 0);
  return true;
}

static bool
test_process_timeout (void)
{
  char *argv[] = { "sleep", "10", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;
  double start = now ();

  spec.timeout_ms = 200;
  CHECK (run_process (&spec, &o));
  CHECK (now () - start < 3);
  CHECK (o.res.timed_out && o.res.signal == SIGKILL && o.res.exit_code == 128 + SIGKILL);
  return true;
}

static bool
test_process_killed_by_signal (void)
{
  char *argv[] = { "sh", "-c", "kill -TERM $$", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;

  CHECK (run_process (&spec, &o));
  CHECK (o.res.signal == SIGTERM && o.res.exit_code == 128 + SIGTERM && ! o.res.timed_out);
  return true;
}

static bool
test_process_clean_signal_state (void)
{
  char *argv[] = { "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;

  CHECK (run_process (&spec, &o));
  CHECK (out_is (&o.res.out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"));
  return true;
}

static bool
test_process_lingering_grandchild (void)
{
  char *argv[] = { "sh", "-c", "sleep 2 & echo done", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;
  double start = now ();

  /* The grandchild keeps stdout open; the reply must not wait for it. */
  CHECK (run_process (&spec, &o));
  CHECK (now () - start < 1.5);
  CHECK (out_is (&o.res.out, "done\n"));
  return true;
}

static const struct unit_test tests[] = {
  { "process_echo", test_process_echo },
  { "process_stderr_and_exit_code", test_process_stderr_and_exit_code },
  { "process_not_found", test_process_not_found },
  { "process_not_executable", test_process_not_executable },
  { "process_bad_arguments", test_process_bad_arguments },
  { "process_workdir_and_env", test_process_workdir_and_env },
  { "process_large_stdin", test_process_large_stdin },
  { "process_truncation", test_process_truncation },
  { "process_timeout", test_process_timeout },
  { "process_killed_by_signal", test_process_killed_by_signal },
  { "process_clean_signal_state", test_process_clean_signal_state },
  { "process_lingering_grandchild", test_process_lingering_grandchild },
  { "reaper_collects_orphans", test_reaper_collects_orphans },
  { "reaper_tells_its_owner", test_reaper_tells_its_owner },
  { "oom_watch_tells_growing_kills", test_oom_watch_tells_growing_kills },
};

int
main (void)
{
  return run_unit_tests_as_agent (tests, ARRAY_SIZE (tests));
}

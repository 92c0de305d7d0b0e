/* Unit tests of the agent's pieces that do not need a host: the hello
   scanner, gRPC framing, /proc parsing, port lookup and process handling. */
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

#include "tests/check.h"
#include "channel.h"
#include "error.h"
#include "grpc.h"
#include "guest_info.h"
#include "handshake.h"
#include "loop.h"
#include "process.h"
#include "reaper.h"
#include "transport.h"
#include "util.h"


#define NONCE "0123456789abcdef0123456789abcdef"
#define HELLO "VC4J-HELLO " NONCE "\n"

static bool
scan_str (struct hello_scanner *s, const char *data, size_t *end)
{
  return hello_scan (s, (const uint8_t *) data, strlen (data), end);
}

static bool
test_hello_whole_line (void)
{
  struct hello_scanner s = { 0 };
  size_t end = 0;

  CHECK (scan_str (&s, HELLO "PRI", &end));
  CHECK (end == strlen (HELLO));
  CHECK (strcmp (s.nonce, NONCE) == 0);
  return true;
}

static bool
test_hello_split_at_every_byte (void)
{
  const char *line = HELLO;

  for (size_t split = 1; split < strlen (line); split++)
    {
      struct hello_scanner s = { 0 };
      size_t end = 0;

      CHECK (! hello_scan (&s, (const uint8_t *) line, split, &end));
      CHECK (hello_scan (&s, (const uint8_t *) line + split, strlen (line) - split, &end));
      CHECK (end == strlen (line) - split);
      CHECK (strcmp (s.nonce, NONCE) == 0);
    }
  return true;
}

static bool
test_hello_one_byte_at_a_time (void)
{
  struct hello_scanner s = { 0 };
  const char *data = "VVC4J-HELLO VC4J-" HELLO;
  size_t end = 0, found = 0;

  for (size_t i = 0; data[i]; i++)
    if (hello_scan (&s, (const uint8_t *) data + i, 1, &end))
      found++;
  CHECK (found == 1);
  CHECK (strcmp (s.nonce, NONCE) == 0);
  return true;
}

static bool
test_hello_after_garbage (void)
{
  struct hello_scanner s = { 0 };
  /* Half an HTTP/2 frame header, a broken hello, binary noise. */
  static const char garbage[] = "\x00\x00\x12\x04\x00VC4J-HELLO 0123\n\xffV\x01";
  uint8_t data[512];
  size_t len = sizeof (garbage) - 1, end = 0;

  memcpy (data, garbage, len);
  memcpy (data + len, HELLO, strlen (HELLO));
  len += strlen (HELLO);
  CHECK (hello_scan (&s, data, len, &end));
  CHECK (end == len);
  CHECK (strcmp (s.nonce, NONCE) == 0);
  return true;
}

static bool
test_hello_rejects_bad_nonces (void)
{
  struct hello_scanner s = { 0 };
  size_t end;

  CHECK (! scan_str (&s, "VC4J-HELLO 0123456789ABCDEF0123456789abcdef\n", &end));
  CHECK (! scan_str (&s, "VC4J-HELLO 0123456789abcdef0123456789abcde\n", &end));
  CHECK (! scan_str (&s, "VC4J-HELLO 0123456789abcdef0123456789abcdef0\n", &end));
  CHECK (! scan_str (&s, "VC4J-HELLO 0123456789abcdef0123456789abcdef\r\n", &end));
  CHECK (! scan_str (&s, "vc4j-hello 0123456789abcdef0123456789abcdef\n", &end));
  CHECK (scan_str (&s, HELLO, &end));
  return true;
}

static bool
test_hello_two_in_one_chunk (void)
{
  const char *data = HELLO "xx" "VC4J-HELLO ffffffffffffffffffffffffffffffff\n" "tail";
  struct hello_scanner s = { 0 };
  size_t end, off;

  CHECK (scan_str (&s, data, &end));
  CHECK (strcmp (s.nonce, NONCE) == 0);
  off = end;
  CHECK (scan_str (&s, data + off, &end));
  CHECK (strcmp (s.nonce, "ffffffffffffffffffffffffffffffff") == 0);
  CHECK (strcmp (data + off + end, "tail") == 0);
  return true;
}

static bool
test_ready_line (void)
{
  cleanup_free char *line = handshake_ready_line (NONCE, "0.1.0");

  CHECK (strcmp (line, "VC4J-READY " NONCE " 0.1.0\n") == 0);
  return true;
}

static bool
parse_fails_with (const void *body, size_t len, enum grpc_code code)
{
  agent_error_t err = NULL;
  const uint8_t *msg;
  size_t msg_len;
  bool ok;

  if (grpc_parse_unary (body, len, &msg, &msg_len, &err) == 0)
    return false;
  ok = err->code == code;
  agent_error_release (&err);
  return ok;
}

static bool
test_grpc_parse (void)
{
  agent_error_t err = NULL;
  const uint8_t *msg;
  size_t msg_len;

  CHECK (grpc_parse_unary ((const uint8_t *) "\0\0\0\0\3abc", 8, &msg, &msg_len, &err) == 0);
  CHECK (msg_len == 3 && memcmp (msg, "abc", 3) == 0);
  CHECK (grpc_parse_unary ((const uint8_t *) "\0\0\0\0\0", 5, &msg, &msg_len, &err) == 0);
  CHECK (msg_len == 0);
  CHECK (parse_fails_with ("\1\0\0\0\3abc", 8, GRPC_UNIMPLEMENTED));
  CHECK (parse_fails_with ("\0\0\0", 3, GRPC_INTERNAL));
  CHECK (parse_fails_with ("\0\0\0\0\4abc", 8, GRPC_INTERNAL));
  CHECK (parse_fails_with ("\0\0\0\0\2abc", 8, GRPC_INTERNAL));
  CHECK (parse_fails_with ("\0\0\x40\0\1", 5, GRPC_RESOURCE_EXHAUSTED));
  return true;
}

static bool
test_grpc_frame (void)
{
  size_t len;
  cleanup_free uint8_t *frame = grpc_frame ((const uint8_t *) "hello", 5, &len);
  cleanup_free uint8_t *empty = NULL;

  CHECK (len == 10 && memcmp (frame, "\0\0\0\0\5hello", 10) == 0);
  empty = grpc_frame (NULL, 0, &len);
  CHECK (len == 5 && memcmp (empty, "\0\0\0\0\0", 5) == 0);
  return true;
}

static bool
test_percent_encode (void)
{
  cleanup_free char *enc = grpc_percent_encode ("cannot exec `x`: 100%\n\xc3\xa9");

  CHECK (strcmp (enc, "cannot exec `x`: 100%25%0A%C3%A9") == 0);
  return true;
}

static bool
test_meminfo_and_uptime (void)
{
  uint64_t total = 0, avail = 0, uptime = 0;

  CHECK (guest_info_parse_meminfo ("MemTotal:     2000 kB\nMemFree:  10 kB\nMemAvailable:   1500 kB\n", &total,
                                   &avail) == 0);
  CHECK (total == 2000 && avail == 1500);
  CHECK (guest_info_parse_meminfo ("MemTotal: 7 kB\nMemFree: 3 kB\n", &total, &avail) == 0);
  CHECK (total == 7 && avail == 3);
  CHECK (guest_info_parse_meminfo ("Buffers: 1 kB\n", &total, &avail) < 0);
  CHECK (guest_info_parse_uptime ("1234.56 99.00\n", &uptime) == 0);
  CHECK (uptime == 1234560);
  CHECK (guest_info_parse_uptime ("x", &uptime) < 0);
  return true;
}

static bool
test_guest_info_read (void)
{
  agent_error_t err = NULL;
  struct guest_info gi;

  CHECK (guest_info_read (&gi, &err) == 0);
  CHECK (gi.mem_total_kib > 0 && gi.mem_available_kib <= gi.mem_total_kib);
  CHECK (gi.online_cpus >= 1 && gi.uptime_ms > 0);
  CHECK (gi.uts.release[0] != '\0');
  return true;
}

static bool
write_file (const char *path, const char *content)
{
  FILE *f = fopen (path, "w");

  if (f == NULL)
    return false;
  fputs (content, f);
  return fclose (f) == 0;
}

static bool
test_find_port (void)
{
  char dir[] = "/tmp/vc4j-ports-XXXXXX";
  char path[128], dev[64];
  agent_error_t err = NULL;

  CHECK (mkdtemp (dir) != NULL);
  snprintf (path, sizeof (path), "%s/vport0p0", dir);
  CHECK (mkdir (path, 0700) == 0);
  snprintf (path, sizeof (path), "%s/vport0p0/name", dir);
  CHECK (write_file (path, "console.0\n"));
  snprintf (path, sizeof (path), "%s/vport1p1", dir);
  CHECK (mkdir (path, 0700) == 0);
  snprintf (path, sizeof (path), "%s/vport1p1/name", dir);
  CHECK (write_file (path, "agent.0\n"));

  CHECK (transport_find_port (dir, "agent.0", dev, sizeof (dev), &err) == 1);
  CHECK (strcmp (dev, "vport1p1") == 0);
  CHECK (transport_find_port (dir, "agent.1", dev, sizeof (dev), &err) == 0);
  CHECK (transport_find_port ("/nonexistent/virtio-ports", "agent.0", dev, sizeof (dev), &err) == 0);

  snprintf (path, sizeof (path), "rm -rf '%s'", dir);
  CHECK (system (path) == 0);
  return true;
}

struct outcome
{
  bool done;
  struct process_result res;
};

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

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static bool
loop_until (const bool *flag, double seconds)
{
  double deadline = now () + seconds;
  agent_error_t err = NULL;

  while ((flag == NULL || ! *flag) && now () < deadline)
    if (loop_run_once (20, &err) < 0)
      {
        agent_error_log_release (&err);
        return false;
      }
  return flag == NULL || *flag;
}

static struct process_spec
spec_for (char **argv)
{
  struct process_spec spec = {
    .argv = argv, .env = test_env, .envc = 1, .workdir = "/", .timeout_ms = 10000, .max_output = 1 << 20,
  };

  while (argv[spec.argc])
    spec.argc++;
  return spec;
}

static bool
run (const struct process_spec *spec, struct outcome *o)
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

static void
outcome_free (struct outcome *o)
{
  buf_free (&o->res.out);
  buf_free (&o->res.err);
}

#define cleanup_outcome __attribute__ ((cleanup (outcome_free)))

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

  CHECK (run (&spec, &o));
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

  CHECK (run (&spec, &o));
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

  CHECK (spawn_error (&spec, msg, sizeof (msg)) == GRPC_NOT_FOUND);
  CHECK (strcmp (msg, "cannot exec `nosuchcmd`: No such file or directory") == 0);
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
  CHECK (code == GRPC_PERMISSION_DENIED);
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
  CHECK (strcmp (msg, "cannot chdir to `/nonexistent`: No such file or directory") == 0);
  spec.workdir = "/";
  spec.env = bad_path_env;
  CHECK (spawn_error (&spec, msg, sizeof (msg)) == GRPC_NOT_FOUND);
  spec.argc = 0;
  CHECK (spawn_error (&spec, msg, sizeof (msg)) == GRPC_INVALID_ARGUMENT);
  CHECK (strcmp (msg, "argv is empty") == 0);
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
  CHECK (run (&spec, &o));
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
  CHECK (run (&spec, &o));
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
  CHECK (run (&spec, &o));
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
  CHECK (run (&spec, &o));
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

  CHECK (run (&spec, &o));
  CHECK (o.res.signal == SIGTERM && o.res.exit_code == 128 + SIGTERM && ! o.res.timed_out);
  return true;
}

static bool
test_process_clean_signal_state (void)
{
  char *argv[] = { "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;

  CHECK (run (&spec, &o));
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
  CHECK (run (&spec, &o));
  CHECK (now () - start < 1.5);
  CHECK (out_is (&o.res.out, "done\n"));
  return true;
}

static bool
test_reaper_collects_orphans (void)
{
  char *argv[] = { "sh", "-c", "sleep 0.2 & exit 0", NULL };
  struct process_spec spec = spec_for (argv);
  cleanup_outcome struct outcome o;

  /* The sleep is reparented to us (subreaper) and must be reaped when it
     exits, although no RPC waits for it. */
  CHECK (run (&spec, &o));
  loop_until (NULL, 0.6);
  CHECK (waitpid (-1, NULL, WNOHANG) <= 0);
  return true;
}

/* A pty master stands in for a virtio port: while no slave is open, poll
   reports POLLHUP and read fails, as virtio_console does without a host. */
static int
open_pty_slave (const char *name)
{
  struct termios tio;
  int fd = open (name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0 || tcgetattr (fd, &tio) < 0)
    return -1;
  cfmakeraw (&tio);
  if (tcsetattr (fd, TCSANOW, &tio) < 0)
    return -1;
  return fd;
}

/* Runs the loop and pumps ch until the host side reads a READY line. */
static bool
host_handshake (struct channel *ch, int host_fd, const char *nonce)
{
  char hello[64], expect[64], got[256] = "";
  size_t got_len = 0;
  double deadline = now () + 5;
  agent_error_t err = NULL;

  snprintf (hello, sizeof (hello), "VC4J-HELLO %s\n", nonce);
  snprintf (expect, sizeof (expect), "VC4J-READY %s 0.1.0\n", nonce);
  if (write (host_fd, hello, strlen (hello)) != (ssize_t) strlen (hello))
    return false;
  while (now () < deadline && strstr (got, expect) == NULL)
    {
      ssize_t n;

      if (loop_run_once (20, &err) < 0)
        agent_error_log_release (&err);
      channel_pump (ch);
      n = read (host_fd, got + got_len, sizeof (got) - 1 - got_len);
      if (n > 0)
        got_len += (size_t) n;
      got[got_len] = '\0';
    }
  return strstr (got, expect) != NULL;
}

static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static bool
test_port_survives_host_disconnect (void)
{
  agent_error_t err = NULL;
  struct channel *ch;
  double cpu;
  int master, host;
  bool ok;

  master = posix_openpt (O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  CHECK (master >= 0 && grantpt (master) == 0 && unlockpt (master) == 0);
  host = open_pty_slave (ptsname (master));
  CHECK (host >= 0);
  ch = channel_new (master, CHANNEL_PORT, &err);
  CHECK (ch != NULL);

  ok = host_handshake (ch, host, NONCE);
  close (host);
  /* No host: the channel must neither spin nor give up the port. */
  cpu = cpu_seconds ();
  loop_until (NULL, 0.5);
  cpu = cpu_seconds () - cpu;
  host = open_pty_slave (ptsname (master));
  ok = ok && cpu < 0.1 && host >= 0 && host_handshake (ch, host, "ffffffffffffffffffffffffffffffff");
  close (host);
  channel_free (ch);
  CHECK (ok);
  return true;
}

static const struct unit_test tests[] = {
  { "hello_whole_line", test_hello_whole_line },
  { "hello_split_at_every_byte", test_hello_split_at_every_byte },
  { "hello_one_byte_at_a_time", test_hello_one_byte_at_a_time },
  { "hello_after_garbage", test_hello_after_garbage },
  { "hello_rejects_bad_nonces", test_hello_rejects_bad_nonces },
  { "hello_two_in_one_chunk", test_hello_two_in_one_chunk },
  { "ready_line", test_ready_line },
  { "grpc_parse", test_grpc_parse },
  { "grpc_frame", test_grpc_frame },
  { "percent_encode", test_percent_encode },
  { "meminfo_and_uptime", test_meminfo_and_uptime },
  { "guest_info_read", test_guest_info_read },
  { "find_port", test_find_port },
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
  { "port_survives_host_disconnect", test_port_survives_host_disconnect },
};

int
main (void)
{
  agent_error_t err = NULL;

  /* The same process state as the agent's, which children must not see. */
  signal (SIGPIPE, SIG_IGN);
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  if (loop_init (&err) < 0 || reaper_init (&err) < 0)
    {
      agent_error_log_release (&err);
      return EXIT_FAILURE;
    }

  return run_unit_tests (tests, ARRAY_SIZE (tests));
}

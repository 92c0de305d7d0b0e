/* Unit tests of the agent's defences against a host stream gone wrong:
   where a hello may start a session, the memory budget, command lines fit
   for a protobuf string. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cmdline.h"
#include "h2frames.h"
#include "handshake.h"
#include "membudget.h"
#include "pstream.h"
#include "tests/check.h"
#include "tests/loop_wait.h"
#include "util.h"

#define HELLO "VC4J-HELLO 0123456789abcdef0123456789abcdef\n"
#define PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

/* The preface, an empty SETTINGS frame, and a DATA frame whose payload is a
   hello line; the offsets where a frame may begin. */
static size_t
build_stream (uint8_t *out, size_t edges[], size_t *n_edges)
{
  static const uint8_t settings[] = { 0, 0, 0, 4, 0, 0, 0, 0, 0 };
  uint8_t data_header[] = { 0, 0, sizeof (HELLO) - 1, 0, 1, 0, 0, 0, 1 };
  size_t len = 0;

  *n_edges = 0;
  memcpy (out + len, PREFACE, H2_PREFACE_LEN);
  len += H2_PREFACE_LEN;
  edges[(*n_edges)++] = len;
  memcpy (out + len, settings, sizeof (settings));
  len += sizeof (settings);
  edges[(*n_edges)++] = len;
  memcpy (out + len, data_header, sizeof (data_header));
  len += sizeof (data_header);
  memcpy (out + len, HELLO, sizeof (HELLO) - 1);
  len += sizeof (HELLO) - 1;
  edges[(*n_edges)++] = len;
  return len;
}

/* The edges come out the same whether the stream arrives a byte at a time
   or in one chunk. */
static bool
test_frame_edges (void)
{
  uint8_t stream[128];
  size_t edges[4], n_edges, found = 0, at = 0;
  size_t len = build_stream (stream, edges, &n_edges);
  struct frame_cursor bytewise, chunked;

  frame_cursor_reset (&bytewise);
  frame_cursor_reset (&chunked);
  CHECK (frame_cursor_at_edge (&bytewise));
  for (size_t i = 0; i < len; i++)
    {
      CHECK (frame_cursor_advance (&bytewise, stream + i, 1) == 1);
      if (frame_cursor_at_edge (&bytewise))
        CHECK (found < n_edges && edges[found++] == i + 1);
    }
  CHECK (found == n_edges);
  for (size_t i = 0; i < n_edges; i++)
    {
      at += frame_cursor_advance (&chunked, stream + at, len - at);
      CHECK (at == edges[i] && frame_cursor_at_edge (&chunked));
    }
  return true;
}

static enum hello_match
match_str (struct hello_scanner *s, const char *data, size_t *end)
{
  return hello_match_at (s, (const uint8_t *) data, strlen (data), end);
}

static bool
test_hello_match_at (void)
{
  struct hello_scanner s = { 0 };
  size_t end;

  CHECK (match_str (&s, HELLO "\x00\x00", &end) == HELLO_FOUND && end == sizeof (HELLO) - 1);
  CHECK (strcmp (s.nonce, "0123456789abcdef0123456789abcdef") == 0);
  /* Split across reads. */
  CHECK (match_str (&s, "VC4J-HEL", &end) == HELLO_PARTIAL && end == 8);
  CHECK (match_str (&s, HELLO + 8, &end) == HELLO_FOUND && end == sizeof (HELLO) - 1 - 8);
  /* Anchored: a hello further on is not one here. */
  CHECK (match_str (&s, "x" HELLO, &end) == HELLO_MISMATCH && end == 0);
  CHECK (match_str (&s, "VC4J-HELLO 0123X", &end) == HELLO_MISMATCH && end == 15 && s.matched == 0);
  return true;
}

static bool
test_budget_take_and_give (void)
{
  agent_error_t err = NULL;

  membudget_set_limit (1000);
  CHECK (membudget_take (600) && membudget_used () == 600);
  CHECK (! membudget_take (401) && membudget_used () == 600);
  CHECK (membudget_take_for (401, "a test buffer", &err) < 0);
  CHECK (err && strstr (err->msg, "a test buffer needs 401 bytes") != NULL);
  CHECK (error_code (&err) == GRPC_RESOURCE_EXHAUSTED);
  membudget_give (600);
  CHECK (membudget_used () == 0 && membudget_take (1000));
  membudget_give (1000);
  /* A limit lowered under what is held refuses everything, without wrapping. */
  CHECK (membudget_take (800));
  membudget_set_limit (500);
  CHECK (! membudget_take (1));
  membudget_give (800);
  membudget_set_limit (MEMBUDGET_DEFAULT_BYTES);
  return true;
}

/* stdin for a process that does not read is held against the budget, and
   given back once written. */
static bool
test_budget_holds_unread_stdin (void)
{
  static uint8_t data[4096];
  struct rpc_call call = { .session_id = 0, .stream_id = 1 };
  struct in_stream in;
  agent_error_t err = NULL;
  int fds[2];

  CHECK (pipe2 (fds, O_NONBLOCK | O_CLOEXEC) == 0);
  membudget_set_limit (sizeof (data) + 100);
  in_stream_init (&in, fds[1]);
  CHECK (in_stream_write (&in, &call, data, 100, &err) == 0);
  CHECK (membudget_used () == 0);
  /* A full pipe: the next writes wait in the agent. */
  while (write (fds[1], data, sizeof (data)) > 0)
    ;
  CHECK (in_stream_write (&in, &call, data, sizeof (data), &err) == 0 && membudget_used () == sizeof (data));
  CHECK (in_stream_write (&in, &call, data, 101, &err) < 0 && error_code (&err) == GRPC_RESOURCE_EXHAUSTED);
  in_stream_release (&in);
  CHECK (membudget_used () == 0);
  close (fds[0]);
  membudget_set_limit (MEMBUDGET_DEFAULT_BYTES);
  return true;
}

static bool
write_cmdline (const char *dir, const char *pid, const char *data, size_t len)
{
  char path[256];
  FILE *f;

  snprintf (path, sizeof (path), "%s/%s", dir, pid);
  if (mkdir (path, 0700) < 0)
    return false;
  snprintf (path, sizeof (path), "%s/%s/cmdline", dir, pid);
  f = fopen (path, "w");
  if (f == NULL)
    return false;
  fwrite (data, 1, len, f);
  return fclose (f) == 0;
}

static bool
test_cmdline_is_utf8_and_bounded (void)
{
  static const char odd[] = "sleep\0\xff\xfe\0caf\xc3\xa9\0";
  char dir[] = "/tmp/vc4j-proc-XXXXXX";
  static char big[3000];
  cleanup_free char *text = NULL;
  cleanup_free char *cut = NULL;
  cleanup_free char *gone = NULL;

  CHECK (mkdtemp (dir) != NULL);
  memset (big, 'a', sizeof (big));
  CHECK (write_cmdline (dir, "10", odd, sizeof (odd) - 1) && write_cmdline (dir, "11", big, sizeof (big)));
  text = cmdline_text (dir, 10);
  cut = cmdline_text (dir, 11);
  gone = cmdline_text (dir, 12);
  bundle_remove_tree (dir);
  CHECK (strcmp (text, "sleep ?? caf\xc3\xa9") == 0);
  CHECK (strlen (cut) == CMDLINE_TEXT_MAX && strcmp (cut + CMDLINE_TEXT_MAX - 3, "...") == 0);
  CHECK (strcmp (gone, "") == 0);
  return true;
}

static const struct unit_test tests[] = {
  { "frame_edges", test_frame_edges },
  { "hello_match_at", test_hello_match_at },
  { "budget_take_and_give", test_budget_take_and_give },
  { "budget_holds_unread_stdin", test_budget_holds_unread_stdin },
  { "cmdline_is_utf8_and_bounded", test_cmdline_is_utf8_and_bounded },
};

int
main (void)
{
  return run_unit_tests_as_agent (tests, ARRAY_SIZE (tests));
}

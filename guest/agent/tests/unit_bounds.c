/* Unit tests of the agent's defences against a host stream gone wrong:
   where a hello may start a session. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "h2frames.h"
#include "handshake.h"
#include "tests/check.h"
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

static bool
test_frame_edges_one_byte_at_a_time (void)
{
  uint8_t stream[128];
  size_t edges[4], n_edges, found = 0;
  size_t len = build_stream (stream, edges, &n_edges);
  struct frame_cursor fc;

  frame_cursor_reset (&fc);
  CHECK (frame_cursor_at_edge (&fc));
  for (size_t i = 0; i < len; i++)
    {
      CHECK (frame_cursor_advance (&fc, stream + i, 1) == 1);
      if (frame_cursor_at_edge (&fc))
        {
          CHECK (found < n_edges && edges[found] == i + 1);
          found++;
        }
    }
  CHECK (found == n_edges);
  return true;
}

static bool
test_frame_edges_in_one_chunk (void)
{
  uint8_t stream[128];
  size_t edges[4], n_edges, at = 0;
  size_t len = build_stream (stream, edges, &n_edges);
  struct frame_cursor fc;

  frame_cursor_reset (&fc);
  for (size_t i = 0; i < n_edges; i++)
    {
      at += frame_cursor_advance (&fc, stream + at, len - at);
      CHECK (at == edges[i] && frame_cursor_at_edge (&fc));
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

static const struct unit_test tests[] = {
  { "frame_edges_one_byte_at_a_time", test_frame_edges_one_byte_at_a_time },
  { "frame_edges_in_one_chunk", test_frame_edges_in_one_chunk },
  { "hello_match_at", test_hello_match_at },
};

int
main (void)
{
  return run_unit_tests (tests, ARRAY_SIZE (tests));
}

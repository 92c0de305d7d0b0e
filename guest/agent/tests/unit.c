/* Unit tests of the agent's pieces that need neither a host nor a loop: the
   hello scanner, gRPC framing, /proc parsing (meminfo, uptime, net/dev) and
   port lookup. */
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

#include "bundle.h"
#include "channel.h"
#include "error.h"
#include "grpc.h"
#include "guest_info.h"
#include "handshake.h"
#include "loop.h"
#include "netdev.h"
#include "process.h"
#include "reaper.h"
#include "tests/check.h"
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
  const char *data = HELLO "xx"
                           "VC4J-HELLO ffffffffffffffffffffffffffffffff\n"
                           "tail";
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

  CHECK (guest_info_parse_meminfo ("MemTotal:     2000 kB\nMemFree:  10 kB\nMemAvailable:   1500 kB\n", &total, &avail)
         == 0);
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

#define NETDEV_HEADER                                                                                        \
  "Inter-|   Receive                                                |  Transmit\n"                           \
  " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls " \
  "carrier compressed\n"

static bool
test_netdev_parse (void)
{
  /* As Linux prints it ("%6s:%8llu ..."): short names padded, long ones and
     large counters touching the colon. */
  const char *text = NETDEV_HEADER
      "    lo:    4200      42    0    0    0     0          0         0     4200      42    0    0    0     0       0          0\n"
      "  eth0:1540088432   37717    1    2    3     4          5         6  1819904   23695    7    8    9    10      11         12\n"
      "vc4j-long-name0:       0       0    0    0    0     0          0         0 18446744073709551615 0 0 0 0 0 0 0\n";
  cleanup_free struct netdev_stats *list = NULL;
  agent_error_t err = NULL;
  size_t n = 0;

  CHECK (netdev_parse ("sample", text, &list, &n, &err) == 0 && n == 3);
  CHECK (strcmp (list[0].name, "lo") == 0 && list[0].rx_bytes == 4200 && list[0].tx_packets == 42);
  CHECK (strcmp (list[1].name, "eth0") == 0 && list[1].rx_bytes == 1540088432 && list[1].rx_packets == 37717);
  CHECK (list[1].rx_errors == 1 && list[1].rx_dropped == 2);
  CHECK (list[1].tx_bytes == 1819904 && list[1].tx_packets == 23695 && list[1].tx_errors == 7
         && list[1].tx_dropped == 8);
  CHECK (strcmp (list[2].name, "vc4j-long-name0") == 0 && list[2].tx_bytes == UINT64_MAX);
  free (steal_ptr (&list));
  /* Headers only: a namespace without interfaces. */
  CHECK (netdev_parse ("sample", NETDEV_HEADER, &list, &n, &err) == 0 && n == 0 && list == NULL);
  return true;
}

/* netdev_parse fails on text, with exactly message. */
static bool
netdev_rejects (const char *text, const char *message)
{
  struct netdev_stats *list = NULL;
  agent_error_t err = NULL;
  size_t n = 7;
  bool ok;

  ok = netdev_parse ("/proc/9/net/dev", text, &list, &n, &err) < 0 && list == NULL && n == 0 && err
       && err->code == GRPC_INTERNAL && strcmp (err->msg, message) == 0;
  if (! ok && err)
    fprintf (stderr, "message: %s\n", err->msg);
  agent_error_release (&err);
  return ok;
}

static bool
test_netdev_malformed (void)
{
  CHECK (netdev_rejects ("", "/proc/9/net/dev: no header lines"));
  CHECK (netdev_rejects ("lo: 1 2 3\n", "/proc/9/net/dev line 1 `lo: 1 2 3`: not a header line"));
  CHECK (netdev_rejects (NETDEV_HEADER "  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n",
                         "/proc/9/net/dev line 3 `  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15`: fewer than 16 counters"));
  CHECK (
      netdev_rejects (NETDEV_HEADER "lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
                      "/proc/9/net/dev line 3 `lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17`: more than 16 counters"));
  CHECK (netdev_rejects (NETDEV_HEADER "lo: 1 2 3 4 5 6 7 8 -9 10 11 12 13 14 15 16\n",
                         "/proc/9/net/dev line 3 `lo: 1 2 3 4 5 6 7 8 -9 10 11 12 13 14 15 16`: "
                         "a counter is not a decimal number"));
  CHECK (netdev_rejects (NETDEV_HEADER "lo 1 2\n", "/proc/9/net/dev line 3 `lo 1 2`: no `:` after an interface name"));
  CHECK (netdev_rejects (NETDEV_HEADER "   : 1\n", "/proc/9/net/dev line 3 `   : 1`: no interface name before `:`"));
  CHECK (netdev_rejects (NETDEV_HEADER "a b: 1\n", "/proc/9/net/dev line 3 `a b: 1`: the interface name has a blank"));
  CHECK (netdev_rejects (NETDEV_HEADER "sixteen-chars-xx: 1\n",
                         "/proc/9/net/dev line 3 `sixteen-chars-xx: 1`: the interface name is over 15 characters"));
  CHECK (netdev_rejects (NETDEV_HEADER "lo: 18446744073709551616 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
                         "/proc/9/net/dev line 3 `lo: 18446744073709551616 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16`: "
                         "a counter is over 2^64-1"));
  return true;
}

/* This host's own /proc: lo is in every network namespace; a reaped pid has
   no namespace any more. */
static bool
test_netdev_of_pid (void)
{
  cleanup_free struct netdev_stats *list = NULL;
  agent_error_t err = NULL;
  bool has_lo = false;
  size_t n = 0;
  pid_t gone;

  CHECK (netdev_of_pid ("/proc", getpid (), &list, &n, &err) == 0 && n >= 1);
  for (size_t i = 0; i < n; i++)
    has_lo |= strcmp (list[i].name, "lo") == 0;
  CHECK (has_lo);
  free (steal_ptr (&list));
  gone = fork ();
  if (gone == 0)
    _exit (0);
  CHECK (gone > 0 && waitpid (gone, NULL, 0) == gone);
  CHECK (netdev_of_pid ("/proc", gone, &list, &n, &err) == 0 && n == 0 && list == NULL && err == NULL);
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

  bundle_remove_tree (dir);
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
  { "netdev_parse", test_netdev_parse },
  { "netdev_malformed", test_netdev_malformed },
  { "netdev_of_pid", test_netdev_of_pid },
  { "find_port", test_find_port },
};

int
main (void)
{
  return run_unit_tests (tests, ARRAY_SIZE (tests));
}

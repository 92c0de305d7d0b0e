/* libFuzzer target: a host connection to the real agent, end to end. The
   input is the byte stream the host sends, hello line included, written to
   a socket in pieces whose size comes from its last byte, with the agent's
   loop run between pieces; then the host hangs up. Everything the agent does
   with it runs: the hello scanner, HTTP/2, gRPC framing, the real dispatch
   and every method's validation and work, but for the calls
   fake_syscalls.c stands in for. */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "container.h"
#include "cproc.h"
#include "crun.h"
#include "loop.h"
#include "reaper.h"

/* Enough turns of the loop for the agent to see the hang-up and drain. */
#define TURNS_AFTER_END 8

static char state_dir[] = "/tmp/vc4j-fuzz-agent.XXXXXX";

static int
remove_entry (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void) st, (void) type, (void) ftw;
  remove (path);
  return 0;
}

/* The bundles and copied files the inputs made go with the fuzzer. */
static void
remove_state_dir (void)
{
  nftw (state_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  static char crun_root[sizeof state_dir + 8];
  agent_error_t err = NULL;

  (void) argc, (void) argv;
  if (mkdtemp (state_dir) == NULL)
    abort ();
  atexit (remove_state_dir);
  container_set_state_dir (state_dir);
  snprintf (crun_root, sizeof crun_root, "%s/crun", state_dir);
  crun_configure (crun_root, "/nonexistent/crun", "disabled");
  if (loop_init (&err) < 0)
    abort ();
  reaper_set_exit_cb (cproc_exited);
  if (reaper_init (&err) < 0)
    abort ();
  return 0;
}

static void
drain (int fd)
{
  uint8_t sink[65536];

  while (read (fd, sink, sizeof sink) > 0)
    ;
}

static void
turn (struct channel *ch, int host)
{
  agent_error_t err = NULL;

  loop_run_once (0, &err);
  agent_error_release (&err);
  channel_pump (ch);
  drain (host);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  int fds[2];
  agent_error_t err = NULL;
  struct channel *ch;
  size_t piece;

  if (size == 0 || socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0)
    return 0;
  ch = channel_new (fds[0], CHANNEL_SOCKET, &err);
  if (ch == NULL)
    {
      agent_error_release (&err);
      close (fds[0]);
      close (fds[1]);
      return 0;
    }
  piece = 1 + data[size - 1] % 128;
  for (size_t off = 0; off < size && ! channel_closed (ch); off += piece)
    {
      size_t n = size - off < piece ? size - off : piece;
      if (write (fds[1], data + off, n) < 0)
        break;
      turn (ch, fds[1]);
    }
  shutdown (fds[1], SHUT_WR);
  for (int i = 0; i < TURNS_AFTER_END && ! channel_closed (ch); i++)
    turn (ch, fds[1]);
  channel_free (ch);
  close (fds[1]);
  return 0;
}

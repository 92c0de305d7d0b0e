/* Unit test of the agent's channel on a virtio port whose host hangs up and
   comes back: no spinning while it is gone, a fresh handshake after. */
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
#include "tests/loop_wait.h"
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

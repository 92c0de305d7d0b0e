/* Unit tests of the agent's channels: a virtio port whose host hangs up and
   comes back (no spinning while it is gone, a fresh handshake after), and
   the vsock listener beside the port, on this host's kernel. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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
#include "server.h"
#include "tests/check.h"
#include "tests/loop_wait.h"
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

/* Runs the loop and pumps the server until the host side reads a READY line. */
static bool
host_handshake (struct server *s, int host_fd, const char *nonce)
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
      server_pump (s);
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

/* A server whose port is a pty master (*master); returns the host's end. */
static int
open_fake_port (struct server *s, int *master)
{
  agent_error_t err = NULL;

  server_init (s);
  *master = posix_openpt (O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (*master < 0 || grantpt (*master) < 0 || unlockpt (*master) < 0)
    return -1;
  s->port = channel_new (*master, CHANNEL_PORT, &err);
  if (s->port == NULL)
    {
      agent_error_log_release (&err);
      return -1;
    }
  return open_pty_slave (ptsname (*master));
}

static bool
test_port_survives_host_disconnect (void)
{
  struct server s;
  double cpu;
  int master, host;
  bool ok;

  host = open_fake_port (&s, &master);
  CHECK (host >= 0);

  ok = host_handshake (&s, host, NONCE);
  close (host);
  /* No host: the channel must neither spin nor give up the port. */
  cpu = cpu_seconds ();
  loop_until (NULL, 0.5);
  cpu = cpu_seconds () - cpu;
  host = open_pty_slave (ptsname (master));
  ok = ok && cpu < 0.1 && host >= 0 && host_handshake (&s, host, "ffffffffffffffffffffffffffffffff");
  close (host);
  channel_free (s.port);
  CHECK (ok);
  return true;
}

/* A guest without vsock (no /dev/vsock): the port serves as before. */
static bool
test_absent_vsock_leaves_the_port_serving (void)
{
  struct server s;
  int master, host;
  bool ok;

  host = open_fake_port (&s, &master);
  CHECK (host >= 0);
  ok = ! server_listen_vsock (&s, "/nonexistent/vsock", VSOCK_AGENT_PORT) && s.vsock.w.fd == -1;
  ok = ok && host_handshake (&s, host, NONCE);
  close (host);
  channel_free (s.port);
  CHECK (ok);
  return true;
}

static bool
vsock_address (int fd, struct sockaddr_vm *addr)
{
  socklen_t len = sizeof (*addr);
  int listening = 0;
  socklen_t opt_len = sizeof (listening);

  return getsockname (fd, (struct sockaddr *) addr, &len) == 0
         && getsockopt (fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &opt_len) == 0 && listening;
}

/* This host's kernel lets a socket listen on AF_VSOCK (nothing can connect:
   no vsock loopback here). A port taken, or no AF_VSOCK at all, leaves the
   agent without the listener but running. */
static bool
test_vsock_listens_beside_the_port (void)
{
  struct server s, other;
  struct sockaddr_vm addr;
  int probe = socket (AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

  server_init (&s);
  server_init (&other);
  if (probe < 0)
    {
      CHECK (errno == EAFNOSUPPORT);
      /* /dev/null stands in for a vsock device file the kernel does not back */
      CHECK (! server_listen_vsock (&s, "/dev/null", VSOCK_AGENT_PORT) && s.vsock.w.fd == -1);
      printf ("note: this host has no AF_VSOCK; only the fallback was tested\n");
      return true;
    }
  close (probe);
  CHECK (server_listen_vsock (&s, "/dev/null", VMADDR_PORT_ANY));
  CHECK (vsock_address (s.vsock.w.fd, &addr));
  CHECK (addr.svm_family == AF_VSOCK && addr.svm_cid == VMADDR_CID_ANY && addr.svm_port != VMADDR_PORT_ANY);
  CHECK (! server_listen_vsock (&other, "/dev/null", addr.svm_port) && other.vsock.w.fd == -1);
  watch_close (&s.vsock.w);
  return true;
}

static const struct unit_test tests[] = {
  { "port_survives_host_disconnect", test_port_survives_host_disconnect },
  { "absent_vsock_leaves_the_port_serving", test_absent_vsock_leaves_the_port_serving },
  { "vsock_listens_beside_the_port", test_vsock_listens_beside_the_port },
};

int
main (void)
{
  return run_unit_tests_as_agent (tests, ARRAY_SIZE (tests));
}

/* End-to-end reconnect tests: new connections in a row, and a new hello after
   garbage, split across writes, mid-session, after bad HTTP/2 and after a
   GOAWAY: the agent must always start a clean session. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/check.h"
#include "tests/e2e.h"

bool
test_reconnect_100_times (void)
{
  for (int i = 0; i < 100; i++)
    {
      struct h2client c;
      bool ok = fresh_connection (&c) && check_serving (&c);

      h2client_close (&c);
      CHECK (ok);
    }
  return true;
}

bool
test_garbage_before_hello (void)
{
  /* A client preface and half a SETTINGS frame left from an old session,
     and a hello cut short. */
  static const char stale[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x0c\x04\x00\x00\x00\x00\x00\x00\x03"
                              "VC4J-HELLO 0123\nVC4J-HEL\xff";
  struct h2client c;
  bool ok;

  CHECK (h2client_connect (&c, socket_path) == 0);
  ok = h2client_write_raw (&c, stale, sizeof (stale) - 1) == 0 && h2client_handshake (&c) == 0 && check_serving (&c);
  h2client_close (&c);
  CHECK (ok);
  return true;
}

bool
test_hello_split_across_writes (void)
{
  struct h2client c;
  char hello[64];
  bool ok;

  CHECK (h2client_connect (&c, socket_path) == 0);
  snprintf (c.nonce, sizeof (c.nonce), "00112233445566778899aabbccddeeff");
  snprintf (hello, sizeof (hello), "VC4J-HELLO %s\n", c.nonce);
  ok = h2client_write_raw (&c, hello, 7) == 0;
  usleep (50000);
  ok = ok && h2client_write_raw (&c, hello + 7, 20) == 0;
  usleep (50000);
  ok = ok && h2client_write_raw (&c, hello + 27, strlen (hello) - 27) == 0;
  ok = ok && h2client_await_ready (&c) == 0 && check_serving (&c);
  h2client_close (&c);
  CHECK (ok);
  return true;
}

/* The host reconnects without the agent seeing a disconnect: the new hello
   arrives in the middle of the old session, with a call still running. */
bool
test_hello_mid_session (void)
{
  Vc4j__Agent__V1__RunProcessRequest req = RUN_INIT;
  cleanup_call struct h2call *slow = NULL;
  struct h2client c;
  bool ok;

  CHECK (fresh_connection (&c) && check_serving (&c));
  req.argv = (char *[]){ "sh", "-c", "sleep 0.5; echo late" };
  req.n_argv = 3;
  slow = h2client_start (&c, "RunProcess", &req.base);
  h2client_idle (&c, 0.1);
  ok = h2client_handshake (&c) == 0 && check_serving (&c);
  /* The old call's result arrives meanwhile and must be dropped. */
  h2client_idle (&c, 1.0);
  ok = ok && check_serving (&c);
  h2client_close (&c);
  CHECK (ok && ! slow->closed);
  return true;
}

bool
test_hello_after_bad_http2 (void)
{
  struct h2client c;
  bool ok;

  CHECK (fresh_connection (&c));
  ok = h2client_write_raw (&c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27) == 0;
  h2client_idle (&c, 0.2);
  ok = ok && h2client_handshake (&c) == 0 && check_serving (&c);
  h2client_close (&c);
  CHECK (ok);
  return true;
}

bool
test_hello_after_goaway (void)
{
  struct h2client c;
  bool ok;

  CHECK (fresh_connection (&c) && check_serving (&c));
  ok = nghttp2_session_terminate_session (c.ng, NGHTTP2_NO_ERROR) == 0;
  h2client_idle (&c, 0.2);
  ok = ok && h2client_handshake (&c) == 0 && check_serving (&c);
  h2client_close (&c);
  CHECK (ok);
  return true;
}

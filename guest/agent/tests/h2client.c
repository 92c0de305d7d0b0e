#define _GNU_SOURCE
#include "h2client.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#define SERVICE "/vc4j.agent.v1.AgentService/"

double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

int
h2client_write_raw (struct h2client *c, const void *data, size_t len)
{
  const uint8_t *p = data;

  while (len > 0)
    {
      ssize_t n = write (c->fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

int
h2client_connect (struct h2client *c, const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };

  memset (c, 0, sizeof (*c));
  snprintf (addr.sun_path, sizeof (addr.sun_path), "%s", path);
  c->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0 || connect (c->fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    {
      perror ("connect");
      return -1;
    }
  return 0;
}

void
h2client_close (struct h2client *c)
{
  if (c->ng)
    nghttp2_session_del (c->ng);
  c->ng = NULL;
  if (c->fd >= 0)
    close (c->fd);
  c->fd = -1;
}

static ssize_t
send_cb (nghttp2_session *ng, const uint8_t *data, size_t len, int flags, void *user_data)
{
  struct h2client *c = user_data;

  (void) ng;
  (void) flags;
  if (h2client_write_raw (c, data, len) < 0)
    return NGHTTP2_ERR_CALLBACK_FAILURE;
  return (ssize_t) len;
}

static int
hexval (char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  return -1;
}

static void
percent_decode (char *out, size_t size, const uint8_t *in, size_t len)
{
  size_t o = 0;

  for (size_t i = 0; i < len && o + 1 < size; i++)
    {
      if (in[i] == '%' && i + 2 < len && hexval ((char) in[i + 1]) >= 0 && hexval ((char) in[i + 2]) >= 0)
        {
          out[o++] = (char) (hexval ((char) in[i + 1]) * 16 + hexval ((char) in[i + 2]));
          i += 2;
        }
      else
        out[o++] = (char) in[i];
    }
  out[o] = '\0';
}

static bool
is (const uint8_t *name, size_t len, const char *s)
{
  return len == strlen (s) && memcmp (name, s, len) == 0;
}

static int
on_header (nghttp2_session *ng, const nghttp2_frame *frame, const uint8_t *name, size_t namelen, const uint8_t *value,
           size_t valuelen, uint8_t flags, void *user_data)
{
  struct h2call *call = nghttp2_session_get_stream_user_data (ng, frame->hd.stream_id);
  char v[64];

  (void) flags;
  (void) user_data;
  if (call == NULL)
    return 0;
  snprintf (v, sizeof (v), "%.*s", (int) valuelen, (const char *) value);
  if (is (name, namelen, ":status"))
    call->http_status = atoi (v);
  else if (is (name, namelen, "grpc-status"))
    call->grpc_status = atoi (v);
  else if (is (name, namelen, "grpc-message"))
    percent_decode (call->grpc_message, sizeof (call->grpc_message), value, valuelen);
  else if (is (name, namelen, "grpc-status-details-bin"))
    call->details_len = valuelen;
  return 0;
}

static int
on_data (nghttp2_session *ng, uint8_t flags, int32_t stream_id, const uint8_t *data, size_t len, void *user_data)
{
  struct h2call *call = nghttp2_session_get_stream_user_data (ng, stream_id);

  (void) flags;
  (void) user_data;
  if (call)
    buf_append (&call->body, data, len);
  return 0;
}

static int
on_close (nghttp2_session *ng, int32_t stream_id, uint32_t error_code, void *user_data)
{
  struct h2call *call = nghttp2_session_get_stream_user_data (ng, stream_id);

  (void) user_data;
  if (call)
    {
      call->closed = true;
      call->rst_error = error_code;
    }
  return 0;
}

static int
new_session (struct h2client *c, const uint8_t *leftover, size_t len)
{
  nghttp2_session_callbacks *cbs;

  nghttp2_session_callbacks_new (&cbs);
  nghttp2_session_callbacks_set_send_callback (cbs, send_cb);
  nghttp2_session_callbacks_set_on_header_callback (cbs, on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback (cbs, on_data);
  nghttp2_session_callbacks_set_on_stream_close_callback (cbs, on_close);
  if (c->ng)
    nghttp2_session_del (c->ng);
  nghttp2_session_client_new (&c->ng, cbs, c);
  nghttp2_session_callbacks_del (cbs);
  nghttp2_submit_settings (c->ng, NGHTTP2_FLAG_NONE, NULL, 0);
  if (len && nghttp2_session_mem_recv (c->ng, leftover, len) < 0)
    return -1;
  return nghttp2_session_send (c->ng) == 0 ? 0 : -1;
}

static void
make_nonce (char nonce[33])
{
  uint8_t raw[16];
  int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);

  if (fd < 0 || read (fd, raw, sizeof (raw)) != (ssize_t) sizeof (raw))
    abort ();
  close (fd);
  for (int i = 0; i < 16; i++)
    sprintf (nonce + 2 * i, "%02x", raw[i]);
}

/* Reads until "VC4J-READY <nonce> <version>\n"; returns the offset of the
   first byte after it in acc. */
static ssize_t
read_ready (struct h2client *c, struct buf *acc)
{
  char needle[64];
  double deadline = now_s () + 5;

  snprintf (needle, sizeof (needle), "VC4J-READY %s ", c->nonce);
  while (now_s () < deadline)
    {
      struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
      uint8_t chunk[16384];
      char *line, *nl;
      ssize_t n;

      if (acc->len && (line = memmem (acc->data, acc->len, needle, strlen (needle)))
          && (nl = memchr (line, '\n', (size_t) ((char *) acc->data + acc->len - line))))
        {
          snprintf (c->agent_version, sizeof (c->agent_version), "%.*s", (int) (nl - line - strlen (needle)),
                    line + strlen (needle));
          return nl + 1 - (char *) acc->data;
        }
      if (poll (&pfd, 1, 100) < 0)
        return -1;
      if (! (pfd.revents & (POLLIN | POLLHUP)))
        continue;
      n = read (c->fd, chunk, sizeof (chunk));
      if (n <= 0)
        return -1;
      buf_append (acc, chunk, (size_t) n);
    }
  return -1;
}

int
h2client_await_ready (struct h2client *c)
{
  struct buf acc = { 0 };
  ssize_t off = read_ready (c, &acc);
  int ret = off < 0 ? -1 : new_session (c, acc.data + off, acc.len - (size_t) off);

  buf_free (&acc);
  return ret;
}

int
h2client_handshake (struct h2client *c)
{
  char hello[64];

  make_nonce (c->nonce);
  snprintf (hello, sizeof (hello), "VC4J-HELLO %s\n", c->nonce);
  if (h2client_write_raw (c, hello, strlen (hello)) < 0)
    return -1;
  return h2client_await_ready (c);
}

static ssize_t
read_request (nghttp2_session *ng, int32_t stream_id, uint8_t *buf, size_t length, uint32_t *data_flags,
              nghttp2_data_source *source, void *user_data)
{
  struct h2call *call = source->ptr;
  size_t n = call->req_len - call->req_off;

  (void) ng;
  (void) stream_id;
  (void) user_data;
  if (n > length)
    n = length;
  memcpy (buf, call->req + call->req_off, n);
  call->req_off += n;
  if (call->req_off == call->req_len)
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
  return (ssize_t) n;
}

#define NV(n, v)                                                                   \
  {                                                                                \
    (uint8_t *) (n), (uint8_t *) (v), strlen (n), strlen (v), NGHTTP2_NV_FLAG_NONE \
  }

struct h2call *
h2client_start_raw (struct h2client *c, const char *method, const void *body, size_t len)
{
  struct h2call *call = xzalloc (sizeof (*call));
  nghttp2_data_provider provider = { .source.ptr = call, .read_callback = read_request };
  char path[128];

  snprintf (path, sizeof (path), SERVICE "%s", method);
  /* What grpc-java sends. */
  nghttp2_nv headers[] = {
    NV (":method", "POST"),
    NV (":scheme", "http"),
    NV (":path", path),
    NV (":authority", "localhost"),
    NV ("content-type", "application/grpc"),
    NV ("te", "trailers"),
    NV ("user-agent", "grpc-java-netty/1.85.1"),
    NV ("grpc-accept-encoding", "gzip"),
  };

  call->grpc_status = -1;
  call->req = xmalloc (len);
  memcpy (call->req, body, len);
  call->req_len = len;
  call->stream_id = nghttp2_submit_request (c->ng, NULL, headers, ARRAY_SIZE (headers), &provider, call);
  if (call->stream_id < 0)
    {
      h2call_free (call);
      return NULL;
    }
  return call;
}

struct h2call *
h2client_start (struct h2client *c, const char *method, const ProtobufCMessage *req)
{
  size_t len = protobuf_c_message_get_packed_size (req);
  cleanup_free uint8_t *body = xmalloc (len + 5);

  body[0] = 0;
  body[1] = (uint8_t) (len >> 24);
  body[2] = (uint8_t) (len >> 16);
  body[3] = (uint8_t) (len >> 8);
  body[4] = (uint8_t) len;
  protobuf_c_message_pack (req, body + 5);
  return h2client_start_raw (c, method, body, len + 5);
}

static int
pump (struct h2client *c, int timeout_ms)
{
  struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
  uint8_t chunk[65536];
  ssize_t n;

  if (nghttp2_session_send (c->ng) != 0)
    return -1;
  if (poll (&pfd, 1, timeout_ms) <= 0)
    return 0;
  n = read (c->fd, chunk, sizeof (chunk));
  if (n <= 0)
    return -1;
  if (nghttp2_session_mem_recv (c->ng, chunk, (size_t) n) < 0)
    return -1;
  return nghttp2_session_send (c->ng) == 0 ? 0 : -1;
}

bool
h2client_wait (struct h2client *c, struct h2call *call, double timeout_s)
{
  double deadline = now_s () + timeout_s;

  while (! call->closed)
    if (now_s () > deadline || pump (c, 50) < 0)
      return false;
  return true;
}

void
h2client_idle (struct h2client *c, double seconds)
{
  double deadline = now_s () + seconds;

  while (now_s () < deadline)
    if (pump (c, 50) < 0)
      return;
}

ProtobufCMessage *
h2call_reply (const struct h2call *call, const ProtobufCMessageDescriptor *desc)
{
  const uint8_t *b = call->body.data;
  size_t declared;

  if (! call->closed || call->grpc_status != 0 || call->body.len < 5 || b[0] != 0)
    return NULL;
  declared = (size_t) b[1] << 24 | (size_t) b[2] << 16 | (size_t) b[3] << 8 | b[4];
  if (declared != call->body.len - 5)
    return NULL;
  return protobuf_c_message_unpack (desc, NULL, call->body.len - 5, call->body.data + 5);
}

void
h2call_free (struct h2call *call)
{
  if (call == NULL)
    return;
  buf_free (&call->body);
  free (call->req);
  free (call);
}

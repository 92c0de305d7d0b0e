#include "h2session_internal.h"

#include <string.h>

#include "membudget.h"
#include "rpc.h"

#define MAX_CONCURRENT_STREAMS 128

struct h2session *h2_live_sessions;
/* Ids are never reused, so a late reply cannot reach a newer session. */
static uint64_t last_session_id;

static void
stream_free (struct h2stream *st)
{
  free (st->path);
  if (st->reply)
    membudget_give (st->reply_len);
  free (st->reply);
  membudget_give (st->body.len);
  buf_free (&st->body);
  free (st);
}

static void
stream_unlink (struct h2stream *st)
{
  if (st->prev)
    st->prev->next = st->next;
  else
    st->session->streams = st->next;
  if (st->next)
    st->next->prev = st->prev;
}

static int
on_begin_headers (nghttp2_session *ng, const nghttp2_frame *frame, void *user_data)
{
  struct h2session *s = user_data;
  struct h2stream *st;

  if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
    return 0;

  st = xzalloc (sizeof (*st));
  st->session = s;
  st->id = frame->hd.stream_id;
  st->next = s->streams;
  if (s->streams)
    s->streams->prev = st;
  s->streams = st;
  nghttp2_session_set_stream_user_data (ng, st->id, st);
  return 0;
}

static bool
header_is (const uint8_t *name, size_t namelen, const char *expected)
{
  return namelen == strlen (expected) && memcmp (name, expected, namelen) == 0;
}

static int
on_header (nghttp2_session *ng, const nghttp2_frame *frame, const uint8_t *name, size_t namelen, const uint8_t *value,
           size_t valuelen, uint8_t flags, void *user_data)
{
  struct h2stream *st = nghttp2_session_get_stream_user_data (ng, frame->hd.stream_id);
  static const char grpc_type[] = "application/grpc";

  (void) flags;
  (void) user_data;
  if (st == NULL || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
    return 0;

  if (header_is (name, namelen, ":path") && st->path == NULL)
    st->path = xstrndup ((const char *) value, valuelen);
  else if (header_is (name, namelen, ":method"))
    st->is_post = header_is (value, valuelen, "POST");
  else if (header_is (name, namelen, "content-type"))
    /* Also accepts application/grpc+proto. */
    st->is_grpc = valuelen >= sizeof (grpc_type) - 1 && memcmp (value, grpc_type, sizeof (grpc_type) - 1) == 0;
  return 0;
}

static int
on_data_chunk (nghttp2_session *ng, uint8_t flags, int32_t stream_id, const uint8_t *data, size_t len, void *user_data)
{
  struct h2stream *st = nghttp2_session_get_stream_user_data (ng, stream_id);

  (void) flags;
  (void) user_data;
  if (st == NULL || st->body_overflow || st->over_budget)
    return 0;
  /* Past a limit the rest is only counted away, not stored. */
  st->body_overflow = st->body.len + len > GRPC_FRAME_HEADER_LEN + GRPC_MAX_REQUEST_LEN;
  st->over_budget = ! st->body_overflow && ! membudget_take (len);
  if (st->body_overflow || st->over_budget)
    {
      membudget_give (st->body.len);
      buf_free (&st->body);
      return 0;
    }
  buf_append (&st->body, data, len);
  return 0;
}

static void
stream_dispatch (struct h2stream *st)
{
  struct rpc_call call = { .session_id = st->session->id, .stream_id = st->id };
  agent_error_t err = NULL;
  const uint8_t *msg;
  size_t msg_len;

  if (! st->is_post || ! st->is_grpc || st->path == NULL)
    {
      h2session_reply_error (&call, GRPC_UNIMPLEMENTED, "not a gRPC request");
      return;
    }
  if (st->body_overflow)
    {
      h2session_reply_error (&call, GRPC_RESOURCE_EXHAUSTED, "request message exceeds 4 MiB");
      return;
    }
  if (st->over_budget)
    {
      h2session_reply_error (&call, GRPC_RESOURCE_EXHAUSTED,
                             "the agent's memory budget for requests in flight is spent; retry when calls finish");
      return;
    }
  if (grpc_parse_unary (st->body.data, st->body.len, &msg, &msg_len, &err) < 0)
    {
      h2session_reply_failure (&call, err);
      agent_error_release (&err);
      return;
    }
  rpc_dispatch (&call, st->path, msg, msg_len);
}

static int
on_frame_recv (nghttp2_session *ng, const nghttp2_frame *frame, void *user_data)
{
  struct h2stream *st;

  (void) user_data;
  if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA)
    return 0;
  if (! (frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
    return 0;
  st = nghttp2_session_get_stream_user_data (ng, frame->hd.stream_id);
  if (st != NULL)
    stream_dispatch (st);
  return 0;
}

static int
on_stream_close (nghttp2_session *ng, int32_t stream_id, uint32_t error_code, void *user_data)
{
  struct h2stream *st = nghttp2_session_get_stream_user_data (ng, stream_id);

  (void) error_code;
  (void) user_data;
  if (st == NULL)
    return 0;
  stream_unlink (st);
  stream_free (st);
  return 0;
}

static int
setup_callbacks (nghttp2_session_callbacks **cbs, agent_error_t *err)
{
  int rv = nghttp2_session_callbacks_new (cbs);

  if (rv != 0)
    return agent_make_error (err, 0, "cannot create nghttp2 callbacks: %s", nghttp2_strerror (rv));
  nghttp2_session_callbacks_set_on_begin_headers_callback (*cbs, on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback (*cbs, on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback (*cbs, on_data_chunk);
  nghttp2_session_callbacks_set_on_frame_recv_callback (*cbs, on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback (*cbs, on_stream_close);
  return 0;
}

struct h2session *
h2session_new (agent_error_t *err)
{
  nghttp2_settings_entry settings[] = {
    { NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, MAX_CONCURRENT_STREAMS },
  };
  nghttp2_session_callbacks *cbs = NULL;
  struct h2session *s;
  int rv;

  if (setup_callbacks (&cbs, err) < 0)
    return NULL;
  s = xzalloc (sizeof (*s));
  rv = nghttp2_session_server_new (&s->ng, cbs, s);
  nghttp2_session_callbacks_del (cbs);
  if (rv == 0)
    rv = nghttp2_submit_settings (s->ng, NGHTTP2_FLAG_NONE, settings, ARRAY_SIZE (settings));
  if (rv != 0)
    {
      agent_make_error (err, 0, "cannot start HTTP/2 session: %s", nghttp2_strerror (rv));
      h2session_free (s);
      return NULL;
    }
  s->id = ++last_session_id;
  s->next = h2_live_sessions;
  h2_live_sessions = s;
  return s;
}

void
h2session_free (struct h2session *s)
{
  struct h2session **p;

  if (s == NULL)
    return;
  for (p = &h2_live_sessions; *p; p = &(*p)->next)
    if (*p == s)
      {
        *p = s->next;
        break;
      }
  /* nghttp2_session_del does not report stream closes: free them here. */
  nghttp2_session_del (s->ng);
  while (s->streams)
    {
      struct h2stream *st = s->streams;
      s->streams = st->next;
      stream_free (st);
    }
  free (s);
}

int
h2session_feed (struct h2session *s, const uint8_t *data, size_t len, agent_error_t *err)
{
  ssize_t n = nghttp2_session_mem_recv (s->ng, data, len);

  if (n < 0)
    return agent_make_error (err, 0, "HTTP/2 session failed: %s", nghttp2_strerror ((int) n));
  return 0;
}

int
h2session_produce (struct h2session *s, struct buf *out, size_t limit, agent_error_t *err)
{
  while (out->len < limit)
    {
      const uint8_t *data;
      ssize_t n = nghttp2_session_mem_send (s->ng, &data);

      if (n < 0)
        return agent_make_error (err, 0, "HTTP/2 session failed: %s", nghttp2_strerror ((int) n));
      if (n == 0)
        break;
      buf_append (out, data, (size_t) n);
    }
  return 0;
}

bool
h2session_done (struct h2session *s)
{
  return ! nghttp2_session_want_read (s->ng) && ! nghttp2_session_want_write (s->ng);
}

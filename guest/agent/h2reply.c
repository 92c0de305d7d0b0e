#include "h2session_internal.h"

#include <stdio.h>
#include <string.h>

#include "error_details.h"
#include "membudget.h"

static nghttp2_nv
nv (const char *name, const char *value)
{
  nghttp2_nv ret = {
    .name = (uint8_t *) name,
    .value = (uint8_t *) value,
    .namelen = strlen (name),
    .valuelen = strlen (value),
    .flags = NGHTTP2_NV_FLAG_NONE,
  };
  return ret;
}

static struct h2stream *
find_stream (const struct rpc_call *call)
{
  struct h2session *s;
  struct h2stream *st;

  for (s = h2_live_sessions; s; s = s->next)
    if (s->id == call->session_id)
      break;
  if (s == NULL)
    return NULL;
  st = nghttp2_session_get_stream_user_data (s->ng, call->stream_id);
  return st == NULL || st->answered ? NULL : st;
}

bool
h2session_call_alive (const struct rpc_call *call)
{
  return find_stream (call) != NULL;
}

/* Returns the stream a reply is for and marks it answered, or NULL when the
   session was abandoned or the client reset the stream meanwhile. */
static struct h2stream *
claim_stream (const struct rpc_call *call)
{
  struct h2stream *st = find_stream (call);

  if (st)
    st->answered = true;
  return st;
}

static ssize_t
read_reply (nghttp2_session *ng, int32_t stream_id, uint8_t *buf, size_t length, uint32_t *data_flags,
            nghttp2_data_source *source, void *user_data)
{
  struct h2stream *st = source->ptr;
  size_t n = st->reply_len - st->reply_off;
  const nghttp2_nv trailers[] = { nv ("grpc-status", "0") };

  (void) user_data;
  if (n > length)
    n = length;
  memcpy (buf, st->reply + st->reply_off, n);
  st->reply_off += n;
  if (st->reply_off < st->reply_len)
    return (ssize_t) n;

  /* gRPC ends the stream with trailers, not with the last DATA frame. */
  *data_flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
  if (nghttp2_submit_trailer (ng, stream_id, trailers, ARRAY_SIZE (trailers)) != 0)
    return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  return (ssize_t) n;
}

void
h2session_reply (const struct rpc_call *call, const uint8_t *msg, size_t len)
{
  const nghttp2_nv headers[] = { nv (":status", "200"), nv ("content-type", "application/grpc") };
  nghttp2_data_provider provider = { .read_callback = read_reply };
  struct h2stream *st;
  int rv;

  /* A reply waits in the agent until the host reads it, which it may never
     do: it is held against the budget until its stream closes. */
  if (find_stream (call) != NULL && ! membudget_take (GRPC_FRAME_HEADER_LEN + len))
    {
      h2session_reply_error (call, GRPC_RESOURCE_EXHAUSTED,
                             "the reply is over what is left of the agent's memory budget");
      return;
    }
  st = claim_stream (call);
  provider.source.ptr = st;
  if (st == NULL)
    {
      log_debug ("dropping reply for stream %d of session %llu", call->stream_id,
                 (unsigned long long) call->session_id);
      return;
    }
  st->reply = grpc_frame (msg, len, &st->reply_len);
  rv = nghttp2_submit_response (st->session->ng, st->id, headers, ARRAY_SIZE (headers), &provider);
  if (rv != 0)
    log_warning ("cannot submit reply on stream %d: %s", st->id, nghttp2_strerror (rv));
}

void
h2session_reply_failure (const struct rpc_call *call, const struct agent_error_s *err)
{
  struct h2stream *st = claim_stream (call);
  cleanup_free char *message = NULL;
  cleanup_free char *encoded = NULL;
  cleanup_free char *details = NULL;
  char status[16];
  int rv;

  if (st == NULL)
    {
      log_debug ("dropping error for stream %d of session %llu", call->stream_id,
                 (unsigned long long) call->session_id);
      return;
    }
  log_debug ("stream %d fails with status %d: %s", st->id, err->code, err->msg);
  snprintf (status, sizeof (status), "%d", err->code);
  message = error_text_bounded (err->msg, ERROR_TEXT_MAX);
  encoded = grpc_percent_encode (message);
  details = error_details_encode (err);

  /* Trailers-only: one HEADERS frame that also ends the stream. */
  const nghttp2_nv headers[] = {
    nv (":status", "200"),        nv ("content-type", "application/grpc"), nv ("grpc-status", status),
    nv ("grpc-message", encoded), nv ("grpc-status-details-bin", details),
  };
  rv = nghttp2_submit_response (st->session->ng, st->id, headers, ARRAY_SIZE (headers), NULL);
  if (rv != 0)
    log_warning ("cannot submit error on stream %d: %s", st->id, nghttp2_strerror (rv));
}

void
h2session_reply_error (const struct rpc_call *call, enum grpc_code code, const char *message)
{
  const struct agent_error_s err = { .code = code, .msg = (char *) message };

  h2session_reply_failure (call, &err);
}

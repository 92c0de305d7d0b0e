#include "pstream.h"

#include <errno.h>
#include <string.h>

#include "agent.pb-c.h"
#include "membudget.h"
#include "rpc.h"

#define READS_PER_WAKEUP 16

struct parked_call *
parked_append (struct parked_call **list, const struct rpc_call *call, uint64_t amount)
{
  struct parked_call *p = xzalloc (sizeof (*p)), **tail = list;

  p->call = *call;
  p->amount = amount;
  while (*tail)
    tail = &(*tail)->next;
  *tail = p;
  return p;
}

static struct parked_call *
unpark (struct parked_call **list)
{
  struct parked_call *p = *list;

  if (p)
    *list = p->next;
  return p;
}

static void
reply_data (const struct rpc_call *call, const uint8_t *data, size_t len, bool eof)
{
  Vc4j__Agent__V1__ReadStreamResponse resp = VC4J__AGENT__V1__READ_STREAM_RESPONSE__INIT;

  resp.data.data = (uint8_t *) data;
  resp.data.len = len;
  resp.eof = eof;
  rpc_reply (call, &resp.base);
}

static void
set_watched (struct watch *w, bool *watched, bool want, uint32_t events)
{
  agent_error_t err = NULL;

  if (w->fd < 0 || *watched == want)
    return;
  if (! want)
    loop_del (w);
  else if (loop_add (w, events, &err) < 0)
    {
      agent_error_log_release (&err);
      return;
    }
  *watched = want;
}

/* Answers parked readers while there is something to give them. */
static void
serve_readers (struct out_stream *s)
{
  while (s->readers && (s->data.len || s->eof))
    {
      cleanup_free struct parked_call *p = unpark (&s->readers);
      size_t n;

      if (! h2session_call_alive (&p->call))
        continue;
      n = s->data.len < p->amount ? s->data.len : (size_t) p->amount;
      reply_data (&p->call, s->data.data, n, s->eof && n == s->data.len);
      buf_consume (&s->data, n);
    }
  /* Room again: resume reading the pipe. */
  set_watched (&s->w, &s->watched, ! s->eof && s->data.len < PSTREAM_OUT_LIMIT, EPOLLIN);
}

static void
on_output (struct watch *w, uint32_t events)
{
  struct out_stream *s = container_of (w, struct out_stream, w);
  uint8_t chunk[16384];

  (void) events;
  for (int i = 0; i < READS_PER_WAKEUP && s->data.len < PSTREAM_OUT_LIMIT; i++)
    {
      size_t room = PSTREAM_OUT_LIMIT - s->data.len;
      ssize_t n = read (w->fd, chunk, room < sizeof (chunk) ? room : sizeof (chunk));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      /* 0 on a pipe, EIO on a pty master whose other side is gone. */
      if (n <= 0)
        {
          /* Nothing more can come: the descriptor goes now, not when the
             process is removed (periodic execs would run out of fds). */
          s->eof = true;
          set_watched (w, &s->watched, false, 0);
          close_and_reset (&w->fd);
          break;
        }
      buf_append (&s->data, chunk, (size_t) n);
    }
  serve_readers (s);
}

int
out_stream_init (struct out_stream *s, int fd, agent_error_t *err)
{
  memset (s, 0, sizeof (*s));
  s->w.fd = fd;
  s->w.cb = on_output;
  s->eof = fd < 0;
  if (fd < 0)
    return 0;
  if (loop_add (&s->w, EPOLLIN, err) < 0)
    return -1;
  s->watched = true;
  return 0;
}

void
out_stream_read (struct out_stream *s, const struct rpc_call *call, size_t max_bytes)
{
  parked_append (&s->readers, call, max_bytes ? max_bytes : PSTREAM_DEFAULT_READ);
  serve_readers (s);
}

void
out_stream_release (struct out_stream *s)
{
  s->eof = true;
  set_watched (&s->w, &s->watched, false, 0);
  serve_readers (s);
  close_and_reset (&s->w.fd);
  buf_free (&s->data);
}

static void
fail_writers (struct in_stream *s, const char *why)
{
  struct parked_call *p;

  while ((p = unpark (&s->writers)))
    {
      h2session_reply_error (&p->call, GRPC_FAILED_PRECONDITION, why);
      free (p);
    }
}

static void
flush_stdin (struct in_stream *s)
{
  while (s->data.len)
    {
      ssize_t n = write (s->w.fd, s->data.data, s->data.len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n < 0)
        {
          /* EPIPE: the process closed its stdin, which is its right. */
          s->broken = true;
          membudget_give (s->data.len);
          buf_free (&s->data);
          fail_writers (s, "the process closed its stdin");
          break;
        }
      s->written += (uint64_t) n;
      membudget_give ((size_t) n);
      buf_consume (&s->data, (size_t) n);
    }
  while (s->writers && s->writers->amount <= s->written)
    {
      cleanup_free struct parked_call *p = unpark (&s->writers);
      Vc4j__Agent__V1__Empty resp = VC4J__AGENT__V1__EMPTY__INIT;

      rpc_reply (&p->call, &resp.base);
    }
  set_watched (&s->w, &s->watched, s->data.len > 0, EPOLLOUT);
  if (s->data.len == 0 && (s->close_requested || s->broken))
    watch_close (&s->w);
}

static void
on_stdin_writable (struct watch *w, uint32_t events)
{
  (void) events;
  flush_stdin (container_of (w, struct in_stream, w));
}

void
in_stream_init (struct in_stream *s, int fd)
{
  memset (s, 0, sizeof (*s));
  s->w.fd = fd;
  s->w.cb = on_stdin_writable;
}

int
in_stream_write (struct in_stream *s, const struct rpc_call *call, const uint8_t *data, size_t len, agent_error_t *err)
{
  if (s->close_requested || s->w.fd < 0)
    return agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "stdin is closed");
  /* Held until the process reads it, which it may never do. */
  if (membudget_take_for (len, "stdin waiting for the process", err) < 0)
    return -1;
  buf_append (&s->data, data, len);
  s->queued += len;
  parked_append (&s->writers, call, s->queued);
  flush_stdin (s);
  return 0;
}

void
in_stream_close (struct in_stream *s)
{
  s->close_requested = true;
  flush_stdin (s);
}

void
in_stream_release (struct in_stream *s)
{
  fail_writers (s, "the process is gone");
  set_watched (&s->w, &s->watched, false, 0);
  close_and_reset (&s->w.fd);
  membudget_give (s->data.len);
  buf_free (&s->data);
}

#define _GNU_SOURCE
#include "channel.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/timerfd.h>

#include "h2frames.h"
#include "h2session.h"
#include "handshake.h"
#include "loop.h"
#include "util.h"

#define READ_CHUNK 65536
#define READS_PER_WAKEUP 16
/* Beyond this much unsent output, replies wait inside nghttp2, where HTTP/2
   flow control bounds them. */
#define OUT_HIGH_WATER (256 * 1024)
#define HUP_POLL_MS 20

struct channel
{
  struct watch io;
  struct watch hup_timer;
  enum channel_kind kind;
  /* Registered epoll events; 0 while io is out of the loop. */
  uint32_t events;
  bool closed;
  struct hello_scanner scanner;
  struct frame_cursor frames;
  struct h2session *session;
  struct buf out;
};

/* Also discards the session's unsent output and, with the session id gone,
   the results of its pending calls. */
static void
drop_session (struct channel *ch)
{
  h2session_free (ch->session);
  ch->session = NULL;
  buf_reset (&ch->out);
}

static void
answer_hello (struct channel *ch)
{
  cleanup_free char *ready = handshake_ready_line (ch->scanner.nonce, VC4J_AGENT_VERSION);
  agent_error_t err = NULL;

  drop_session (ch);
  buf_append (&ch->out, ready, strlen (ready));
  frame_cursor_reset (&ch->frames);
  ch->session = h2session_new (&err);
  if (ch->session == NULL)
    {
      agent_error_log_release (&err);
      return;
    }
  log_info ("host connected (hello %.8s...)", ch->scanner.nonce);
}

/* Feeds session bytes to nghttp2 up to the next frame edge where a hello
   could begin, or to the end of data; returns how many it took. */
static size_t
feed_session (struct channel *ch, const uint8_t *data, size_t len)
{
  agent_error_t err = NULL;
  size_t span = 0;

  do
    span += frame_cursor_advance (&ch->frames, data + span, len - span);
  while (span < len && ! (frame_cursor_at_edge (&ch->frames) && data[span] == (uint8_t) HELLO_MAGIC[0]));
  if (h2session_feed (ch->session, data, span, &err) < 0)
    {
      log_warning ("%s; waiting for a hello", err->msg);
      agent_error_release (&err);
      drop_session (ch);
    }
  return span;
}

/* A hello starts a session only where no session runs, or where the host's
   next HTTP/2 frame would begin: there it can only come from a host that
   connected again without the agent seeing it go (virtio-serial, or a VM
   restored from a template). The same bytes inside a frame are data. */
static void
channel_receive (struct channel *ch, const uint8_t *data, size_t len)
{
  size_t end;

  while (len > 0)
    {
      if (ch->session == NULL)
        {
          /* Bytes before a hello belong to an abandoned session, or are noise. */
          if (! hello_scan (&ch->scanner, data, len, &end))
            return;
          answer_hello (ch);
        }
      else if (frame_cursor_at_edge (&ch->frames) && (ch->scanner.matched > 0 || data[0] == (uint8_t) HELLO_MAGIC[0]))
        switch (hello_match_at (&ch->scanner, data, len, &end))
          {
          case HELLO_FOUND:
            answer_hello (ch);
            break;
          case HELLO_PARTIAL:
            return;
          case HELLO_MISMATCH:
            log_warning ("the host sent a frame larger than 16 KiB; waiting for a hello");
            drop_session (ch);
            break;
          }
      else
        end = feed_session (ch, data, len);
      data += end;
      len -= end;
    }
}

static int
set_hup_timer (struct channel *ch, bool on, agent_error_t *err)
{
  const struct timespec period = { .tv_nsec = on ? HUP_POLL_MS * 1000000L : 0 };
  struct itimerspec its = { .it_interval = period, .it_value = period };

  if (timerfd_settime (ch->hup_timer.fd, 0, &its, NULL) < 0)
    return agent_make_error (err, errno, "cannot arm timerfd");
  return 0;
}

/* virtio_console reports POLLHUP (and read returns 0) for as long as no
   host is connected: keeping the fd in epoll would spin. Poll it on a
   timer instead until a host shows up. */
static void
wait_for_host (struct channel *ch)
{
  agent_error_t err = NULL;

  loop_del (&ch->io);
  ch->events = 0;
  if (set_hup_timer (ch, true, &err) < 0)
    agent_error_log_release (&err);
}

static void
channel_disconnect (struct channel *ch)
{
  drop_session (ch);
  hello_scanner_reset (&ch->scanner);
  if (ch->kind == CHANNEL_PORT)
    {
      log_info ("host disconnected");
      wait_for_host (ch);
      return;
    }
  watch_close (&ch->io);
  ch->events = 0;
  ch->closed = true;
}

static void
on_hup_timer (struct watch *w, uint32_t events)
{
  struct channel *ch = container_of (w, struct channel, hup_timer);
  struct pollfd pfd = { .fd = ch->io.fd, .events = POLLIN };
  agent_error_t err = NULL;
  uint64_t ticks;

  (void) events;
  if (read (w->fd, &ticks, sizeof (ticks)) < 0 && errno != EAGAIN)
    log_debug ("cannot read timerfd: %m");
  if (poll (&pfd, 1, 0) < 0 || (pfd.revents & (POLLHUP | POLLERR)))
    return;
  if (set_hup_timer (ch, false, &err) < 0 || loop_add (&ch->io, EPOLLIN, &err) < 0)
    {
      agent_error_log_release (&err);
      return;
    }
  ch->events = EPOLLIN;
}

/* Returns -1 at EOF or on a read error, 0 once drained, 1 when the read
   budget for this wakeup is spent. */
static int
read_input (struct channel *ch)
{
  uint8_t chunk[READ_CHUNK];

  for (int i = 0; i < READS_PER_WAKEUP; i++)
    {
      ssize_t n = read (ch->io.fd, chunk, sizeof (chunk));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return 0;
      if (n < 0)
        log_debug ("cannot read from the host: %m");
      if (n <= 0)
        return -1;
      channel_receive (ch, chunk, (size_t) n);
    }
  return 1;
}

static void
on_io (struct watch *w, uint32_t events)
{
  struct channel *ch = container_of (w, struct channel, io);
  int ret;

  /* Output is written by channel_pump, after the batch. */
  if (! (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
    return;
  ret = read_input (ch);
  if (ret < 0 || (ret == 0 && (events & (EPOLLHUP | EPOLLERR))))
    channel_disconnect (ch);
}

static int
flush (struct channel *ch, agent_error_t *err)
{
  while (ch->out.len > 0)
    {
      ssize_t n = write (ch->io.fd, ch->out.data, ch->out.len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return 0;
      if (n < 0)
        return agent_make_error (err, errno, "cannot write to the host");
      buf_consume (&ch->out, (size_t) n);
    }
  return 0;
}

static void
update_events (struct channel *ch)
{
  uint32_t want = EPOLLIN | (ch->out.len ? EPOLLOUT : 0);
  agent_error_t err = NULL;

  if (want == ch->events)
    return;
  if (loop_mod (&ch->io, want, &err) < 0)
    {
      agent_error_log_release (&err);
      return;
    }
  ch->events = want;
}

void
channel_pump (struct channel *ch)
{
  agent_error_t err = NULL;

  if (ch->events == 0)
    return;
  for (;;)
    {
      if (ch->session && h2session_produce (ch->session, &ch->out, OUT_HIGH_WATER, &err) < 0)
        {
          log_warning ("%s; waiting for a hello", err->msg);
          agent_error_release (&err);
          drop_session (ch);
        }
      if (ch->out.len == 0)
        break;
      if (flush (ch, &err) < 0)
        {
          log_debug ("%s", err->msg);
          agent_error_release (&err);
          channel_disconnect (ch);
          return;
        }
      /* The fd is full: EPOLLOUT brings us back. */
      if (ch->out.len > 0)
        break;
    }
  if (ch->session && h2session_done (ch->session))
    {
      log_info ("HTTP/2 session ended; waiting for a hello");
      drop_session (ch);
    }
  update_events (ch);
}

bool
channel_closed (const struct channel *ch)
{
  return ch->closed;
}

static int
setup_hup_timer (struct channel *ch, agent_error_t *err)
{
  ch->hup_timer.cb = on_hup_timer;
  ch->hup_timer.fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (ch->hup_timer.fd < 0)
    return agent_make_error (err, errno, "cannot create timerfd");
  return loop_add (&ch->hup_timer, EPOLLIN, err);
}

struct channel *
channel_new (int fd, enum channel_kind kind, agent_error_t *err)
{
  struct channel *ch = xzalloc (sizeof (*ch));

  ch->io.fd = fd;
  ch->io.cb = on_io;
  ch->hup_timer.fd = -1;
  ch->kind = kind;
  if ((kind == CHANNEL_PORT && setup_hup_timer (ch, err) < 0) || loop_add (&ch->io, EPOLLIN, err) < 0)
    {
      channel_free (ch);
      return NULL;
    }
  ch->events = EPOLLIN;
  return ch;
}

void
channel_free (struct channel *ch)
{
  if (ch == NULL)
    return;
  drop_session (ch);
  watch_close (&ch->io);
  watch_close (&ch->hup_timer);
  buf_free (&ch->out);
  free (ch);
}

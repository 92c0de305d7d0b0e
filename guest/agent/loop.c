#include "loop.h"

#include <errno.h>
#include <sys/timerfd.h>

#include "util.h"

#define MAX_EVENTS 64

static int epoll_fd = -1;
static struct epoll_event batch[MAX_EVENTS];
static int batch_len;
static int batch_pos;

int
loop_init (agent_error_t *err)
{
  epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (epoll_fd < 0)
    return agent_make_error (err, errno, "cannot create epoll instance");
  return 0;
}

static int
ctl (int op, struct watch *w, uint32_t events, agent_error_t *err)
{
  struct epoll_event ev = { .events = events, .data.ptr = w };

  if (epoll_ctl (epoll_fd, op, w->fd, &ev) < 0)
    return agent_make_error (err, errno, "cannot update epoll watch on fd %d", w->fd);
  return 0;
}

int
loop_add (struct watch *w, uint32_t events, agent_error_t *err)
{
  return ctl (EPOLL_CTL_ADD, w, events, err);
}

int
loop_mod (struct watch *w, uint32_t events, agent_error_t *err)
{
  return ctl (EPOLL_CTL_MOD, w, events, err);
}

int
loop_add_timer (struct watch *w, uint32_t ms, agent_error_t *err)
{
  struct itimerspec its = {
    .it_value = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L },
  };

  w->fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (w->fd < 0)
    return agent_make_error (err, errno, "cannot create timerfd");
  if (timerfd_settime (w->fd, 0, &its, NULL) < 0)
    return agent_make_error (err, errno, "cannot arm timerfd");
  return loop_add (w, EPOLLIN, err);
}

void
loop_del (struct watch *w)
{
  if (w->fd >= 0)
    epoll_ctl (epoll_fd, EPOLL_CTL_DEL, w->fd, NULL);
  /* The watch may be freed right after this returns. */
  for (int i = batch_pos; i < batch_len; i++)
    if (batch[i].data.ptr == w)
      batch[i].data.ptr = NULL;
}

void
watch_close (struct watch *w)
{
  if (w->fd < 0)
    return;
  loop_del (w);
  close (w->fd);
  w->fd = -1;
}

int
loop_run_once (int timeout_ms, agent_error_t *err)
{
  batch_len = epoll_wait (epoll_fd, batch, MAX_EVENTS, timeout_ms);
  if (batch_len < 0)
    {
      batch_len = 0;
      if (errno == EINTR)
        return 0;
      return agent_make_error (err, errno, "epoll_wait");
    }

  for (batch_pos = 0; batch_pos < batch_len; batch_pos++)
    {
      struct watch *w = batch[batch_pos].data.ptr;
      if (w != NULL)
        w->cb (w, batch[batch_pos].events);
    }
  batch_len = batch_pos = 0;
  return 0;
}

#define _GNU_SOURCE
#include "process_internal.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "loop.h"
#include "membudget.h"

#define READ_CHUNK 65536
/* Bounds the reads per wakeup, so that one chatty child cannot starve the
   loop, and the drain after exit, so that a grandchild still writing to an
   inherited pipe cannot hold the reply forever. */
#define READS_PER_WAKEUP 16
#define READS_AFTER_EXIT 64

struct capture
{
  struct watch w;
  struct buf data;
  size_t limit;
  bool truncated;
};

struct process
{
  struct process *next;
  pid_t pid;
  struct watch stdin_w;
  struct buf stdin_data;
  size_t stdin_off;
  struct capture out;
  struct capture err;
  struct watch timer;
  bool timed_out;
  /* Taken from the memory budget: stdin and output kept so far. */
  size_t charged;
  process_done_cb done;
  void *arg;
};

static struct process *running;

static void
capture_keep (struct capture *c, const uint8_t *data, size_t len)
{
  size_t room = c->limit - c->data.len;

  if (len > room)
    {
      c->truncated = true;
      len = room;
    }
  /* Output that does not fit the agent's budget is cut like output over
     the limit: the reply says so. */
  if (! membudget_take (len))
    {
      c->truncated = true;
      return;
    }
  buf_append (&c->data, data, len);
}

static void
capture_read (struct capture *c, int max_reads)
{
  uint8_t chunk[READ_CHUNK];

  for (int i = 0; i < max_reads && c->w.fd >= 0; i++)
    {
      ssize_t n = read (c->w.fd, chunk, sizeof (chunk));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          watch_close (&c->w);
          return;
        }
      capture_keep (c, chunk, (size_t) n);
    }
}

static void
on_output (struct watch *w, uint32_t events)
{
  (void) events;
  capture_read (container_of (w, struct capture, w), READS_PER_WAKEUP);
}

static void
on_stdin (struct watch *w, uint32_t events)
{
  struct process *p = container_of (w, struct process, stdin_w);

  (void) events;
  while (p->stdin_off < p->stdin_data.len)
    {
      ssize_t n = write (w->fd, p->stdin_data.data + p->stdin_off, p->stdin_data.len - p->stdin_off);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      /* EPIPE: the child closed stdin early, which is its right. */
      if (n < 0)
        break;
      p->stdin_off += (size_t) n;
    }
  watch_close (w);
}

static void
on_timeout (struct watch *w, uint32_t events)
{
  struct process *p = container_of (w, struct process, timer);

  (void) events;
  log_debug ("process %d timed out, killing it", p->pid);
  p->timed_out = true;
  kill (-p->pid, SIGKILL);
  watch_close (w);
}

static void
process_release (struct process *p)
{
  watch_close (&p->stdin_w);
  watch_close (&p->out.w);
  watch_close (&p->err.w);
  watch_close (&p->timer);
  membudget_give (p->charged + p->out.data.len + p->err.data.len);
  buf_free (&p->stdin_data);
  buf_free (&p->out.data);
  buf_free (&p->err.data);
  free (p);
}

static void
capture_init (struct capture *c, int fd, size_t limit)
{
  c->w.fd = fd;
  c->w.cb = on_output;
  c->limit = limit;
}

static int
watch_process (struct process *p, uint32_t timeout_ms, agent_error_t *err)
{
  /* A child reading an empty stdin must see EOF at once. */
  if (p->stdin_data.len == 0)
    watch_close (&p->stdin_w);
  else if (p->stdin_w.fd >= 0 && loop_add (&p->stdin_w, EPOLLOUT, err) < 0)
    return -1;
  /* No descriptors at all when the caller gave the child its stdio. */
  if (p->out.w.fd >= 0 && (loop_add (&p->out.w, EPOLLIN, err) < 0 || loop_add (&p->err.w, EPOLLIN, err) < 0))
    return -1;
  return loop_add_timer (&p->timer, timeout_ms, err);
}

int
process_track (pid_t pid, const struct process_spec *spec, int fds[3], process_done_cb done, void *arg,
               agent_error_t *err)
{
  struct process *p = xzalloc (sizeof (*p));
  int ret;

  p->pid = pid;
  p->done = done;
  p->arg = arg;
  p->stdin_w.fd = steal_fd (&fds[0]);
  p->stdin_w.cb = on_stdin;
  capture_init (&p->out, steal_fd (&fds[1]), spec->max_output);
  capture_init (&p->err, steal_fd (&fds[2]), spec->max_output);
  p->timer.fd = -1;
  p->timer.cb = on_timeout;
  ret = membudget_take_for (spec->stdin_len, "the process's stdin", err);
  if (ret == 0)
    {
      p->charged = spec->stdin_len;
      buf_append (&p->stdin_data, spec->stdin_data, spec->stdin_len);
      ret = watch_process (p, spec->timeout_ms, err);
    }
  if (ret < 0)
    {
      /* Nobody would collect its output: the reaper takes the corpse. */
      kill (-pid, SIGKILL);
      process_release (p);
      return -1;
    }
  p->next = running;
  running = p;
  return 0;
}

static struct process *
unlink_running (pid_t pid)
{
  for (struct process **pp = &running; *pp; pp = &(*pp)->next)
    if ((*pp)->pid == pid)
      {
        struct process *p = *pp;
        *pp = p->next;
        return p;
      }
  return NULL;
}

bool
process_exited (pid_t pid, int status)
{
  struct process *p = unlink_running (pid);
  struct process_result res = { 0 };

  if (p == NULL)
    return false;

  /* Whatever the child wrote before exiting is in the pipes by now. */
  capture_read (&p->out, READS_AFTER_EXIT);
  capture_read (&p->err, READS_AFTER_EXIT);

  if (WIFSIGNALED (status))
    {
      res.signal = WTERMSIG (status);
      res.exit_code = 128 + res.signal;
    }
  else
    res.exit_code = WEXITSTATUS (status);
  res.timed_out = p->timed_out;
  res.out = p->out.data;
  res.err = p->err.data;
  res.out_truncated = p->out.truncated;
  res.err_truncated = p->err.truncated;

  p->done (p->arg, &res);
  process_release (p);
  return true;
}

/* One inotify instance for all containers' memory.events files, created on
   first use and left in the loop for the agent's lifetime. */
#define _GNU_SOURCE
#include "oom_watch.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup.h"
#include "loop.h"
#include "util.h"

struct oom_watch
{
  struct oom_watch *next;
  int wd; /* -1 once the kernel dropped it (the cgroup was removed) */
  char *dir;
  uint64_t kills_seen; /* the watcher's own: exit attribution keeps another */
  oom_watch_cb cb;
  void *arg;
};

static void on_inotify (struct watch *w, uint32_t events);

static struct watch inotify_watch = { .fd = -1, .cb = on_inotify };
static struct oom_watch *watches;

static struct oom_watch *
find_wd (int wd)
{
  for (struct oom_watch *w = watches; w; w = w->next)
    if (w->wd == wd)
      return w;
  return NULL;
}

static void
check_kills (struct oom_watch *w)
{
  uint64_t kills = cgroup_oom_kills (w->dir);

  if (kills <= w->kills_seen)
    return;
  w->kills_seen = kills;
  w->cb (w->arg);
}

static void
on_inotify (struct watch *iw, uint32_t events)
{
  /* Aligned as struct inotify_event requires. */
  char buf[4096] __attribute__ ((aligned (__alignof__(struct inotify_event))));
  ssize_t n;

  (void) events;
  /* Non-blocking: read until the queue is empty, never wait. */
  while ((n = read (iw->fd, buf, sizeof (buf))) > 0)
    for (char *p = buf; p < buf + n;)
      {
        const struct inotify_event *ev = (const struct inotify_event *) p;
        struct oom_watch *w = find_wd (ev->wd);

        p += sizeof (*ev) + ev->len;
        if (w == NULL)
          continue;
        if (ev->mask & IN_IGNORED)
          w->wd = -1;
        else if (ev->mask & IN_MODIFY)
          check_kills (w);
      }
  if (n < 0 && errno != EAGAIN && errno != EINTR)
    log_warning ("cannot read OOM watch events: %s", strerror (errno));
}

static int
ensure_inotify (agent_error_t *err)
{
  if (inotify_watch.fd >= 0)
    return 0;
  inotify_watch.fd = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_watch.fd < 0)
    return agent_make_error (err, errno, "cannot create the OOM watch inotify instance");
  if (loop_add (&inotify_watch, EPOLLIN, err) < 0)
    {
      close (inotify_watch.fd);
      inotify_watch.fd = -1;
      return -1;
    }
  return 0;
}

struct oom_watch *
oom_watch_add (const char *dir, oom_watch_cb cb, void *arg, agent_error_t *err)
{
  cleanup_free char *path = NULL;
  struct oom_watch *w;
  int wd;

  if (ensure_inotify (err) < 0)
    return NULL;
  xasprintf (&path, "%s/memory.events", dir);
  wd = inotify_add_watch (inotify_watch.fd, path, IN_MODIFY);
  if (wd < 0)
    {
      agent_make_error (err, errno, "cannot watch %s", path);
      return NULL;
    }
  w = xzalloc (sizeof (*w));
  *w = (struct oom_watch){ .next = watches, .wd = wd, .dir = xstrdup (dir), .cb = cb, .arg = arg };
  /* Read after the watch exists, so that no kill falls between the two. */
  w->kills_seen = cgroup_oom_kills (dir);
  watches = w;
  return w;
}

void
oom_watch_remove (struct oom_watch *w)
{
  if (w == NULL)
    return;
  for (struct oom_watch **pp = &watches; *pp; pp = &(*pp)->next)
    if (*pp == w)
      {
        *pp = w->next;
        break;
      }
  /* A watch the kernel dropped already gives EINVAL: nothing to undo. */
  if (w->wd >= 0)
    inotify_rm_watch (inotify_watch.fd, w->wd);
  free (w->dir);
  free (w);
}

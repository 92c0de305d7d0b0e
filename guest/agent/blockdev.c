/* A wait holds its own uevent socket and timer: waits are few (one per
   request naming a disk not there yet) and short. */
#define _GNU_SOURCE
#include "blockdev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>

#include "loop.h"
#include "util.h"

/* Room for the longest serial a host may name and a VPD page's header. */
#define ATTR_MAX_LEN 512
#define VPD_HEADER_LEN 4
/* The kernel caps one uevent at 2 KiB of variables (UEVENT_BUFFER_SIZE). */
#define UEVENT_MAX_LEN 8192
/* Bursts of events (many disks at once) fit; an overflow costs a rescan. */
#define UEVENT_RCVBUF (1 << 20)
#define UEVENT_KERNEL_GROUP 1

struct blockdev_wait
{
  struct watch uevents;
  struct watch timer;
  char *sys_block;
  char **serials;
  bool *present;
  size_t n;
  uint32_t timeout_ms;
  blockdev_wait_cb cb;
  void *arg;
};

/* An attribute file in one read, as sysfs serves them; -1 when unreadable. */
static ssize_t
read_attr (const char *path, char *buf, size_t max)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);

  return fd < 0 ? -1 : read (fd, buf, max);
}

/* SCSI serials may come padded with spaces, sysfs text ends with a newline. */
static bool
text_is (const char *text, size_t len, const char *serial)
{
  size_t start = 0;

  while (start < len && text[start] == ' ')
    start++;
  while (len > start && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\0'))
    len--;
  return len - start == strlen (serial) && memcmp (text + start, serial, len - start) == 0;
}

bool
blockdev_has_serial (const char *sys_block, const char *name, const char *serial)
{
  cleanup_free char *virtio = NULL;
  cleanup_free char *vpd = NULL;
  char buf[ATTR_MAX_LEN];
  ssize_t n;
  size_t page;

  xasprintf (&virtio, "%s/%s/serial", sys_block, name);
  n = read_attr (virtio, buf, sizeof (buf));
  if (n >= 0 && text_is (buf, (size_t) n, serial))
    return true;
  /* VPD page 0x80: a 4-byte header whose last byte is the serial's length. */
  xasprintf (&vpd, "%s/%s/device/vpd_pg80", sys_block, name);
  n = read_attr (vpd, buf, sizeof (buf));
  if (n < VPD_HEADER_LEN)
    return false;
  page = (unsigned char) buf[3];
  if (page > (size_t) n - VPD_HEADER_LEN)
    page = (size_t) n - VPD_HEADER_LEN;
  return text_is (buf + VPD_HEADER_LEN, page, serial);
}

/* 1 with *dev set, 0 when no disk has serial, -1 when sys_block cannot be listed. */
static int
find_disk (const char *sys_block, const char *serial, char **dev, agent_error_t *err)
{
  DIR *d = opendir (sys_block);
  struct dirent *de;

  *dev = NULL;
  if (d == NULL)
    return agent_make_error (err, errno, "cannot list %s", sys_block);
  while (*dev == NULL && (de = readdir (d)))
    if (de->d_name[0] != '.' && blockdev_has_serial (sys_block, de->d_name, serial))
      xasprintf (dev, "/dev/%s", de->d_name);
  closedir (d);
  return *dev != NULL;
}

char *
blockdev_find (const char *sys_block, const char *serial, agent_error_t *err)
{
  char *dev;
  int found = find_disk (sys_block, serial, &dev, err);

  if (found == 0)
    agent_make_resource_error (err, GRPC_NOT_FOUND, "drive", serial, "drive `%s`: no disk has this serial", serial);
  return found > 0 ? dev : NULL;
}

const char *
blockdev_uevent_disk (const char *buf, size_t len)
{
  const char *action = NULL, *subsystem = NULL, *devtype = NULL, *devname = NULL;
  const char *end = buf + len;
  size_t header = strnlen (buf, len);

  /* Only the kernel's form, "<action>@<devpath>" first (udev's own start "libudev"). */
  if (header == len || memchr (buf, '@', header) == NULL)
    return NULL;
  for (const char *p = buf + header + 1; p < end; p += strlen (p) + 1)
    {
      if (strnlen (p, (size_t) (end - p)) == (size_t) (end - p))
        return NULL;
      if (strncmp (p, "ACTION=", 7) == 0)
        action = p + 7;
      else if (strncmp (p, "SUBSYSTEM=", 10) == 0)
        subsystem = p + 10;
      else if (strncmp (p, "DEVTYPE=", 8) == 0)
        devtype = p + 8;
      else if (strncmp (p, "DEVNAME=", 8) == 0)
        devname = p + 8;
    }
  if (action == NULL || subsystem == NULL || devtype == NULL || devname == NULL)
    return NULL;
  if ((strcmp (action, "add") != 0 && strcmp (action, "change") != 0) || strcmp (subsystem, "block") != 0
      || strcmp (devtype, "disk") != 0)
    return NULL;
  /* A name under sys_block, nothing that leads elsewhere. */
  if (devname[0] == '\0' || devname[0] == '.' || strchr (devname, '/'))
    return NULL;
  return devname;
}

int
blockdev_uevent_open (agent_error_t *err)
{
  struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = UEVENT_KERNEL_GROUP };
  int size = UEVENT_RCVBUF;
  cleanup_close int fd = socket (AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);

  if (fd < 0)
    return agent_make_error (err, errno, "cannot open a kernel uevent socket");
  if (setsockopt (fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof (size)) < 0)
    log_debug ("uevent socket keeps its default buffer: %s", strerror (errno));
  if (bind (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    return agent_make_error (err, errno, "cannot subscribe to kernel uevents");
  return steal_fd (&fd);
}

static void
wait_free (struct blockdev_wait *w)
{
  watch_close (&w->uevents);
  watch_close (&w->timer);
  for (size_t i = 0; i < w->n; i++)
    free (w->serials[i]);
  free (w->serials);
  free (w->present);
  free (w->sys_block);
  free (w);
}

static void
finish (struct blockdev_wait *w, agent_error_t *err)
{
  w->cb (w->arg, err);
  agent_error_release (err);
  wait_free (w);
}

/* Looks each missing serial up: 1 when none is missing any more. */
static int
scan (struct blockdev_wait *w, agent_error_t *err)
{
  bool all = true;

  for (size_t i = 0; i < w->n; i++)
    {
      cleanup_free char *dev = NULL;
      int found = w->present[i] ? 1 : find_disk (w->sys_block, w->serials[i], &dev, err);

      if (found < 0)
        return -1;
      w->present[i] = found > 0;
      all = all && w->present[i];
    }
  return all;
}

/* Marks the serials the disk name has: true when none is missing any more. */
static bool
note_disk (struct blockdev_wait *w, const char *name)
{
  bool all = true;

  for (size_t i = 0; i < w->n; i++)
    {
      if (! w->present[i])
        w->present[i] = blockdev_has_serial (w->sys_block, name, w->serials[i]);
      all = all && w->present[i];
    }
  return all;
}

static void
on_uevent (struct watch *uw, uint32_t events)
{
  struct blockdev_wait *w = container_of (uw, struct blockdev_wait, uevents);
  agent_error_t err = NULL;
  char buf[UEVENT_MAX_LEN];
  bool all = false;
  ssize_t n;

  (void) events;
  while (! all)
    {
      struct sockaddr_nl from = { 0 };
      struct iovec iov = { .iov_base = buf, .iov_len = sizeof (buf) };
      struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof (from), .msg_iov = &iov, .msg_iovlen = 1 };
      const char *disk;

      n = recvmsg (uw->fd, &msg, MSG_DONTWAIT);
      if (n < 0)
        break;
      /* Only the kernel's events count: a netlink sender with a port id is a process. */
      if ((msg.msg_namelen == sizeof (from) && from.nl_pid != 0) || (msg.msg_flags & MSG_TRUNC))
        continue;
      disk = blockdev_uevent_disk (buf, (size_t) n);
      all = disk && note_disk (w, disk);
    }
  if (! all && n < 0 && errno == ENOBUFS)
    {
      /* The socket overflowed: events are lost, what they told is in sysfs. */
      int found = scan (w, &err);
      if (found < 0)
        {
          finish (w, &err);
          return;
        }
      all = found > 0;
    }
  else if (! all && n < 0 && errno != EAGAIN && errno != EINTR)
    log_warning ("cannot read kernel uevents: %s", strerror (errno));
  if (all)
    finish (w, &err);
}

static void
on_timeout (struct watch *tw, uint32_t events)
{
  struct blockdev_wait *w = container_of (tw, struct blockdev_wait, timer);
  agent_error_t err = NULL;
  size_t missing = 0;

  (void) events;
  /* A last look: an event lost to an overflow after the last read. */
  if (scan (w, &err) == 0)
    {
      while (w->present[missing])
        missing++;
      agent_make_resource_error (&err, GRPC_DEADLINE_EXCEEDED, "drive", w->serials[missing],
                                 "drive `%s`: did not appear within %u ms", w->serials[missing], w->timeout_ms);
    }
  finish (w, &err);
}

int
blockdev_wait (int uevent_fd, const char *sys_block, char *const *serials, size_t n, uint32_t timeout_ms,
               blockdev_wait_cb cb, void *arg, agent_error_t *err)
{
  struct blockdev_wait *w = xzalloc (sizeof (*w));
  int found;

  *w = (struct blockdev_wait){
    .uevents = { .fd = uevent_fd, .cb = on_uevent },
    .timer = { .fd = -1, .cb = on_timeout },
    .sys_block = xstrdup (sys_block),
    .serials = xzalloc (n * sizeof (char *)),
    .present = xzalloc (n * sizeof (bool)),
    .n = n,
    .timeout_ms = timeout_ms < BLOCKDEV_WAIT_MAX_MS ? timeout_ms : BLOCKDEV_WAIT_MAX_MS,
    .cb = cb,
    .arg = arg,
  };
  for (size_t i = 0; i < n; i++)
    w->serials[i] = xstrdup (serials[i]);
  /* The socket is subscribed already: a disk that appears from now on is in one or the other. */
  found = scan (w, err);
  /* A zero timer would never fire. */
  if (found == 0
      && (loop_add (&w->uevents, EPOLLIN, err) < 0
          || loop_add_timer (&w->timer, w->timeout_ms ? w->timeout_ms : 1, err) < 0))
    found = -1;
  if (found != 0)
    wait_free (w);
  return found;
}

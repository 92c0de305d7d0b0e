#define _GNU_SOURCE
#include "transport.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include "util.h"

#define PORT_WAIT_MS 5000
#define PORT_RETRY_MS 100

static int
read_port_name (int dir_fd, const char *entry, char *name, size_t size)
{
  cleanup_free char *path = NULL;
  cleanup_close int fd = -1;
  ssize_t n;

  xasprintf (&path, "%s/name", entry);
  fd = openat (dir_fd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, name, size - 1);
  if (n < 0)
    return -1;
  name[n] = '\0';
  name[strcspn (name, "\n")] = '\0';
  return 0;
}

static void
closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

int
transport_find_port (const char *sysfs_dir, const char *name, char *dev, size_t dev_size, agent_error_t *err)
{
  __attribute__ ((cleanup (closedirp))) DIR *dir = opendir (sysfs_dir);
  struct dirent *de;
  char port_name[256];

  if (dir == NULL)
    {
      /* The directory appears with the virtio_console driver. */
      if (errno == ENOENT)
        return 0;
      return agent_make_error (err, errno, "cannot open `%s`", sysfs_dir);
    }

  while ((de = readdir (dir)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      if (read_port_name (dirfd (dir), de->d_name, port_name, sizeof (port_name)) < 0)
        continue;
      if (strcmp (port_name, name) != 0)
        continue;
      if ((size_t) snprintf (dev, dev_size, "%s", de->d_name) >= dev_size)
        return agent_make_error (err, 0, "device name `%s` too long", de->d_name);
      return 1;
    }
  return 0;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static int
try_open_port (const char *name, agent_error_t *err)
{
  char dev[256];
  cleanup_free char *path = NULL;
  int ret, fd;

  ret = transport_find_port (VIRTIO_PORTS_DIR, name, dev, sizeof (dev), err);
  if (ret < 0)
    return ret;
  if (ret == 0)
    return agent_make_error (err, 0, "cannot find virtio port `%s` in %s", name, VIRTIO_PORTS_DIR);

  /* There is no udev in the guest: devtmpfs names the node after sysfs. */
  xasprintf (&path, "/dev/%s", dev);
  fd = open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return agent_make_error (err, errno, "cannot open virtio port `%s` (%s)", name, path);
  return fd;
}

int
transport_open_port (const char *name, agent_error_t *err)
{
  for (int waited = 0;; waited += PORT_RETRY_MS)
    {
      int fd = try_open_port (name, err);
      if (fd >= 0 || waited >= PORT_WAIT_MS)
        return fd;
      agent_error_release (err);
      sleep_ms (PORT_RETRY_MS);
    }
}

int
transport_listen (const char *path, agent_error_t *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof (addr.sun_path))
    return agent_make_error (err, 0, "socket path `%s` is too long", path);
  strcpy (addr.sun_path, path);

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return agent_make_error (err, errno, "cannot create unix socket");
  /* A socket file left by a previous run would make bind fail. */
  if (unlink (path) < 0 && errno != ENOENT)
    return agent_make_error (err, errno, "cannot remove stale socket `%s`", path);
  if (bind (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    return agent_make_error (err, errno, "cannot bind `%s`", path);
  if (listen (fd, 16) < 0)
    return agent_make_error (err, errno, "cannot listen on `%s`", path);
  return steal_fd (&fd);
}

int
transport_listen_vsock (unsigned port, agent_error_t *err)
{
  struct sockaddr_vm addr = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = port };
  cleanup_close int fd = socket (AF_VSOCK, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return agent_make_error (err, errno, "cannot create a vsock socket");
  if (bind (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    return agent_make_error (err, errno, "cannot bind vsock port %u", port);
  if (listen (fd, 16) < 0)
    return agent_make_error (err, errno, "cannot listen on vsock port %u", port);
  return steal_fd (&fd);
}

int
transport_accept (int listen_fd, agent_error_t *err)
{
  int fd = accept4 (listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

  if (fd < 0)
    return agent_make_error (err, errno, "cannot accept connection");
  return fd;
}

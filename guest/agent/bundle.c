#define _GNU_SOURCE
#include "bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>

#include "transport.h"
#include "util.h"

int
bundle_write_file (const char *path, const uint8_t *data, size_t len, agent_error_t *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  size_t off = 0;

  if (fd < 0)
    return agent_make_error (err, errno, "cannot create %s", path);
  while (off < len)
    {
      ssize_t n = write (fd, data + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return agent_make_error (err, errno, "cannot write %s", path);
      off += (size_t) n;
    }
  return 0;
}

char *
bundle_console_path (const char *state_dir)
{
  static unsigned long made;
  char *path;

  xasprintf (&path, "%s/console-%lu.sock", state_dir, ++made);
  return path;
}

void
bundle_close_fds (int fds[3])
{
  for (int i = 0; i < 3; i++)
    close_and_reset (&fds[i]);
}

int
bundle_stdio (bool tty, const char *console_path, int child[3], int parent[3], int *console_fd, agent_error_t *err)
{
  int fds[2];

  *console_fd = -1;
  for (int i = 0; i < 3; i++)
    child[i] = parent[i] = -1;
  if (tty)
    {
      *console_fd = transport_listen (console_path, err);
      return *console_fd < 0 ? -1 : 0;
    }
  for (int i = 0; i < 3; i++)
    {
      if (pipe2 (fds, O_CLOEXEC) < 0)
        goto fail;
      child[i] = fds[i == 0 ? 0 : 1];
      parent[i] = fds[i == 0 ? 1 : 0];
      if (fcntl (parent[i], F_SETFL, O_NONBLOCK) < 0)
        goto fail;
    }
  return 0;

fail:
  agent_make_error (err, errno, "cannot create the process's stdio pipes");
  bundle_close_fds (child);
  bundle_close_fds (parent);
  return -1;
}

static int
remove_entry (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) ftw;
  if ((flag == FTW_DP ? rmdir (path) : unlink (path)) < 0)
    log_warning ("cannot remove %s: %s", path, strerror (errno));
  return 0;
}

void
bundle_remove_tree (const char *dir)
{
  /* FTW_MOUNT: whatever is still mounted in there is left alone. */
  nftw (dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

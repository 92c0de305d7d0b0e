#include "oom_adj.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "util.h"

static int
write_adj (const char *value, size_t len)
{
  int fd = open (OOM_ADJ_PATH, O_WRONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = write (fd, value, len);
  close (fd);
  return n == (ssize_t) len ? 0 : -1;
}

int
oom_adj_protect_self (agent_error_t *err)
{
  static const char protect[] = "-1000";

  if (write_adj (protect, sizeof (protect) - 1) < 0)
    return agent_make_error (err, errno, "cannot write %s to %s", protect, OOM_ADJ_PATH);
  return 0;
}

void
oom_adj_reset_child (void)
{
  /* Raising the value needs no privilege; a child that cannot is no worse
     off than the agent. */
  write_adj ("0", 1);
}

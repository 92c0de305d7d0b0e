#define _GNU_SOURCE
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

int
console_receive (int listen_fd, agent_error_t *err)
{
  char data[256];
  char control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = data, .iov_len = sizeof (data) };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof (control) };
  struct cmsghdr *cmsg;
  cleanup_close int conn = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);
  int master;

  if (conn < 0)
    return agent_make_error (err, errno, "crun sent no terminal");
  if (recvmsg (conn, &msg, MSG_CMSG_CLOEXEC) < 0)
    return agent_make_error (err, errno, "cannot receive the terminal from crun");
  cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
    return agent_make_error (err, 0, "crun's message carries no terminal");
  memcpy (&master, CMSG_DATA (cmsg), sizeof (master));
  if (fcntl (master, F_SETFL, O_NONBLOCK) < 0)
    {
      close (master);
      return agent_make_error (err, errno, "cannot make the terminal non-blocking");
    }
  return master;
}

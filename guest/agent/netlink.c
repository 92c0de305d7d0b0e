#define _GNU_SOURCE
#include "netlink.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

/* The kernel sizes a dump's datagrams to the reader's buffer, up to 32 KiB. */
#define NL_ANSWER_MAX 65536

void *
nl_start (struct nl_request *req, int type, int flags, size_t hdr_len)
{
  memset (&req->buf, 0, sizeof (req->buf));
  req->hdr = &req->buf.align;
  req->hdr->nlmsg_len = NLMSG_LENGTH (hdr_len);
  req->hdr->nlmsg_type = (unsigned short) type;
  req->hdr->nlmsg_flags = (unsigned short) (NLM_F_REQUEST | flags);
  req->hdr->nlmsg_seq = 1;
  return NLMSG_DATA (req->hdr);
}

void
nl_put (struct nl_request *req, int type, const void *data, size_t len)
{
  struct rtattr *a = (struct rtattr *) ((char *) req->hdr + NLMSG_ALIGN (req->hdr->nlmsg_len));

  if (NLMSG_ALIGN (req->hdr->nlmsg_len) + RTA_SPACE (len) > sizeof (req->buf))
    abort (); /* a programming error: every request here is far below the buffer */
  a->rta_type = (unsigned short) type;
  a->rta_len = (unsigned short) RTA_LENGTH (len);
  memcpy (RTA_DATA (a), data, len);
  req->hdr->nlmsg_len = NLMSG_ALIGN (req->hdr->nlmsg_len) + RTA_SPACE (len);
}

void
nl_attrs (const struct nlmsghdr *msg, size_t hdr_len, struct rtattr **tb, int max)
{
  int len = (int) msg->nlmsg_len - (int) NLMSG_LENGTH (hdr_len);
  struct rtattr *a = (struct rtattr *) ((char *) NLMSG_DATA (msg) + NLMSG_ALIGN (hdr_len));

  memset (tb, 0, sizeof (*tb) * (size_t) (max + 1));
  for (; RTA_OK (a, len); a = RTA_NEXT (a, len))
    if (a->rta_type <= max)
      tb[a->rta_type] = a;
}

static int
nl_open_send (const struct nlmsghdr *msg, agent_error_t *err)
{
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  int one = 1;

  if (fd < 0)
    return agent_make_error (err, errno, "cannot open an rtnetlink socket");
  /* An error's ACK then carries the request's header only, never a copy of
     a large resent route that would not fit the answer buffer. */
  if (setsockopt (fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof (one)) < 0
      || sendto (fd, msg, msg->nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof (kernel)) < 0)
    {
      agent_make_error (err, errno, "cannot send an rtnetlink request");
      close (fd);
      return -1;
    }
  return fd;
}

/* The kernel's refusals of what the host asked are the host's to fix. */
static enum grpc_code
code_for_errno (int e)
{
  switch (e)
    {
    case EINVAL:
    case ERANGE:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL:
      return GRPC_INVALID_ARGUMENT;
    case EEXIST:
      return GRPC_ALREADY_EXISTS;
    case ENODEV:
    case ENOENT:
    case ESRCH:
      return GRPC_NOT_FOUND;
    case EPERM:
    case EACCES:
      return GRPC_PERMISSION_DENIED;
    default:
      return GRPC_INTERNAL;
    }
}

static int
kernel_error (const struct nl_about *about, const char *what, int e, agent_error_t *err)
{
  enum grpc_code code = code_for_errno (e);

  if (code == GRPC_INVALID_ARGUMENT && about->field)
    return agent_make_field_error (err, e, about->field, about->value, "%s", about->action);
  return agent_make_rpc_error (err, code, e, "%s", what);
}

/* 1 at the end (ACK or NLMSG_DONE), 0 for more, -1 on error. */
static int
nl_handle (const struct nlmsghdr *m, const struct nl_about *about, const char *what, nl_each_fn each, void *arg,
           agent_error_t *err)
{
  if (m->nlmsg_type == NLMSG_DONE)
    return 1;
  if (m->nlmsg_type == NLMSG_ERROR)
    {
      const struct nlmsgerr *e = NLMSG_DATA (m);
      if (e->error == 0)
        return 1;
      return kernel_error (about, what, -e->error, err);
    }
  return each ? (each (m, arg, err) < 0 ? -1 : 0) : 0;
}

static int
nl_exchange (const struct nlmsghdr *msg, const struct nl_about *about, nl_each_fn each, void *arg, agent_error_t *err)
{
  cleanup_close int fd = nl_open_send (msg, err);
  cleanup_free char *answer = NULL;
  cleanup_free char *what = NULL;

  if (about->field)
    xasprintf (&what, "%s `%s`: %s", about->field, about->value, about->action);
  else
    what = xstrdup (about->action);

  if (fd < 0)
    return -1;
  answer = xmalloc (NL_ANSWER_MAX);
  for (;;)
    {
      ssize_t n = recv (fd, answer, NL_ANSWER_MAX, MSG_TRUNC);
      int len = (int) n;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return agent_make_error (err, errno, "%s: no answer from rtnetlink", what);
      if (n > NL_ANSWER_MAX)
        return agent_make_error (err, 0, "%s: rtnetlink answered %zd bytes at once", what, n);
      for (struct nlmsghdr *m = (struct nlmsghdr *) answer; NLMSG_OK (m, len); m = NLMSG_NEXT (m, len))
        {
          int r = nl_handle (m, about, what, each, arg, err);
          if (r != 0)
            return r < 0 ? -1 : 0;
        }
    }
}

int
nl_call (struct nl_request *req, const struct nl_about *about, agent_error_t *err)
{
  req->hdr->nlmsg_flags |= NLM_F_ACK;
  return nl_exchange (req->hdr, about, NULL, NULL, err);
}

int
nl_resend (const struct nlmsghdr *dumped, int type, int flags, const struct nl_about *about, agent_error_t *err)
{
  cleanup_free struct nlmsghdr *msg = xmalloc (dumped->nlmsg_len);

  memcpy (msg, dumped, dumped->nlmsg_len);
  msg->nlmsg_type = (unsigned short) type;
  msg->nlmsg_flags = (unsigned short) (NLM_F_REQUEST | NLM_F_ACK | flags);
  msg->nlmsg_seq = 1;
  msg->nlmsg_pid = 0;
  return nl_exchange (msg, about, NULL, NULL, err);
}

int
nl_dump (struct nl_request *req, nl_each_fn each, void *arg, agent_error_t *err)
{
  const struct nl_about about = { .action = "cannot read rtnetlink's table" };

  req->hdr->nlmsg_flags |= NLM_F_DUMP;
  return nl_exchange (req->hdr, &about, each, arg, err);
}

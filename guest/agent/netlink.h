/* rtnetlink requests: one socket per request, a message built in a fixed
   buffer, and the kernel's answer read to its ACK or end of dump. Blocking,
   but the kernel answers rtnetlink at once. */
#ifndef VC4J_NETLINK_H
#define VC4J_NETLINK_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>

#include "error.h"

#define NL_REQUEST_MAX 1024

struct nl_request
{
  struct nlmsghdr *hdr;
  union
  {
    struct nlmsghdr align;
    char bytes[NL_REQUEST_MAX];
  } buf;
};

/* Starts a request of type with flags (NLM_F_REQUEST added) and a family
   header of size hdr_len; returns that header to fill. */
void *nl_start (struct nl_request *req, int type, int flags, size_t hdr_len);
/* Appends an attribute; the buffer is large enough for the agent's requests. */
void nl_put (struct nl_request *req, int type, const void *data, size_t len);

/* What a request is about, for its errors: the request's field and its
   value (e.g. "routes[1]" "10.1.0.0/16 via 10.0.2.2") and what the kernel was
   asked, as a reason ("the kernel refused it"). The kernel's refusals of a
   value (EINVAL...) name the field: they are the host's to fix. */
struct nl_about
{
  const char *field;
  const char *value;
  const char *action;
};

/* Sends req and waits for its ACK; a kernel error becomes err about it. */
int nl_call (struct nl_request *req, const struct nl_about *about, agent_error_t *err);

/* Sends a copy of dumped (a message the kernel dumped, whatever its size)
   as a request of type with flags, and waits for its ACK as nl_call does. */
int nl_resend (const struct nlmsghdr *dumped, int type, int flags, const struct nl_about *about, agent_error_t *err);

/* Sends a dump request and calls each for every answer message, until the
   dump ends or each returns < 0 (then err is set by each). */
typedef int (*nl_each_fn) (const struct nlmsghdr *msg, void *arg, agent_error_t *err);
int nl_dump (struct nl_request *req, nl_each_fn each, void *arg, agent_error_t *err);

/* The attributes of msg after its family header of hdr_len, by type (up to max). */
void nl_attrs (const struct nlmsghdr *msg, size_t hdr_len, struct rtattr **tb, int max);

#endif

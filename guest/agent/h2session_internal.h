/* Shared by the request side (h2session.c) and the reply side (h2reply.c)
   of a session; nothing else sees nghttp2. */
#ifndef VC4J_H2SESSION_INTERNAL_H
#define VC4J_H2SESSION_INTERNAL_H

#include <nghttp2/nghttp2.h>

#include "h2session.h"

struct h2stream
{
  struct h2stream *next;
  struct h2stream *prev;
  struct h2session *session;
  int32_t id;
  char *path;
  bool is_post;
  bool is_grpc;
  bool body_overflow;
  bool over_budget;
  bool answered;
  struct buf body;
  uint8_t *reply;
  size_t reply_len;
  size_t reply_off;
};

struct h2session
{
  struct h2session *next;
  nghttp2_session *ng;
  uint64_t id;
  struct h2stream *streams;
};

/* Sessions that can still take replies. */
extern struct h2session *h2_live_sessions;

#endif

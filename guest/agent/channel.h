/* One byte stream to the host (a virtio-serial port or an accepted unix
   socket) and the state machine on it: wait for a hello, answer it, serve
   HTTP/2 until the session ends, the host disconnects or a new hello
   arrives where the next frame would begin. */
#ifndef VC4J_CHANNEL_H
#define VC4J_CHANNEL_H

#include <stdbool.h>

#include "error.h"

struct channel;

enum channel_kind
{
  /* EOF means "no host right now": keep the fd, wait for the next host. */
  CHANNEL_PORT,
  /* EOF means the connection is over. */
  CHANNEL_SOCKET,
};

/* Takes ownership of fd. */
struct channel *channel_new (int fd, enum channel_kind kind, agent_error_t *err);
void channel_free (struct channel *ch);

/* Moves pending session output to the fd; the loop owner calls it after
   every batch of events, since replies can be produced by any event. */
void channel_pump (struct channel *ch);

/* A socket channel whose peer went away; the owner frees it. */
bool channel_closed (const struct channel *ch);

#endif

/* What the agent serves and the loop that serves it: in the VM the
   virtio-serial port plus, where the guest has vsock, connections on a vsock
   port; on the host (tests) connections on a unix socket. Every connection
   is a channel with its own hello and HTTP/2 session. */
#ifndef VC4J_SERVER_H
#define VC4J_SERVER_H

#include <stdbool.h>

#include "channel.h"
#include "error.h"
#include "loop.h"

#define VSOCK_DEVICE "/dev/vsock"
#define VSOCK_AGENT_PORT 1024u

/* A listening socket and the connection it serves now: the newest host
   wins, as on a virtio port where a reconnecting host replaces the old one. */
struct listener
{
  struct watch w;
  struct channel *channel;
  const char *what;
};

struct server
{
  struct channel *port;
  struct listener unix_socket;
  struct listener vsock;
};

void server_init (struct server *s);

/* Serves the virtio port name; fails when it does not show up. */
int server_open_port (struct server *s, const char *name, agent_error_t *err);

int server_listen_unix (struct server *s, const char *path, agent_error_t *err);

/* Listens on vsock port (VMADDR_CID_ANY) when vsock_device exists (the
   vsock modules are loaded in the guest). Never fatal: returns false, after
   logging why, when there is no vsock or it cannot listen, and the agent
   carries on with its other channels. */
bool server_listen_vsock (struct server *s, const char *vsock_device, unsigned port);

/* Moves pending output of every channel to its fd and drops the channels
   whose peer went away; due after every batch of loop events. */
void server_pump (struct server *s);

/* Runs the loop and pumps after each batch; never returns. */
void __attribute__ ((noreturn)) server_run (struct server *s);

#endif

#define _GNU_SOURCE
#include "server.h"

#include <errno.h>
#include <unistd.h>

#include "transport.h"
#include "util.h"

void
server_init (struct server *s)
{
  *s = (struct server){ .unix_socket.w.fd = -1, .vsock.w.fd = -1 };
}

static void
on_connection (struct watch *w, uint32_t events)
{
  struct listener *l = container_of (w, struct listener, w);
  agent_error_t err = NULL;
  int fd;

  (void) events;
  fd = transport_accept (w->fd, &err);
  if (fd < 0)
    {
      agent_error_log_release (&err);
      return;
    }
  log_info ("host connected on %s", l->what);
  channel_free (l->channel);
  l->channel = channel_new (fd, CHANNEL_SOCKET, &err);
  if (l->channel == NULL)
    agent_error_log_release (&err);
}

static int
listener_start (struct listener *l, int fd, const char *what, agent_error_t *err)
{
  l->w.fd = fd;
  l->w.cb = on_connection;
  l->what = what;
  if (fd < 0)
    return -1;
  if (loop_add (&l->w, EPOLLIN, err) < 0)
    {
      watch_close (&l->w);
      return -1;
    }
  return 0;
}

int
server_open_port (struct server *s, const char *name, agent_error_t *err)
{
  int fd = transport_open_port (name, err);

  if (fd < 0)
    return -1;
  s->port = channel_new (fd, CHANNEL_PORT, err);
  if (s->port == NULL)
    return -1;
  log_info ("version %s serving virtio port %s", VC4J_AGENT_VERSION, name);
  return 0;
}

int
server_listen_unix (struct server *s, const char *path, agent_error_t *err)
{
  if (listener_start (&s->unix_socket, transport_listen (path, err), "the unix socket", err) < 0)
    return -1;
  log_info ("version %s listening on %s", VC4J_AGENT_VERSION, path);
  return 0;
}

bool
server_listen_vsock (struct server *s, const char *vsock_device, unsigned port)
{
  agent_error_t err = NULL;

  if (access (vsock_device, F_OK) < 0)
    {
      log_info ("no %s: serving virtio-serial only", vsock_device);
      return false;
    }
  if (listener_start (&s->vsock, transport_listen_vsock (port, &err), "vsock", &err) < 0)
    {
      log_warning ("%s; serving virtio-serial only", err->msg);
      agent_error_release (&err);
      return false;
    }
  log_info ("listening on vsock port %u", port);
  return true;
}

/* Pumps ch and frees it once its peer went away; returns what is left. */
static struct channel *
pump (struct channel *ch)
{
  if (ch == NULL)
    return NULL;
  channel_pump (ch);
  if (! channel_closed (ch))
    return ch;
  channel_free (ch);
  return NULL;
}

void
server_pump (struct server *s)
{
  s->port = pump (s->port);
  s->unix_socket.channel = pump (s->unix_socket.channel);
  s->vsock.channel = pump (s->vsock.channel);
}

void
server_run (struct server *s)
{
  agent_error_t err = NULL;

  for (;;)
    {
      if (loop_run_once (-1, &err) < 0)
        agent_error_log_release (&err);
      server_pump (s);
    }
}

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "channel.h"
#include "container.h"
#include "crun.h"
#include "error.h"
#include "loop.h"
#include "reaper.h"
#include "transport.h"
#include "util.h"

#define DEFAULT_PORT "agent.0"

struct options
{
  const char *port;
  const char *listen_path;
  const char *state_dir;
  const char *crun;
  const char *cgroup_manager;
};

/* In listen mode, the host side of the one connection served at a time. */
struct listener
{
  struct watch w;
  struct channel *channel;
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: vc4j-agent [--port NAME | --listen PATH] [--state-dir DIR] [--crun PATH] [--verbose]\n"
                "  --port NAME    serve the virtio-serial port NAME (default " DEFAULT_PORT ")\n"
                "  --listen PATH  serve connections on the unix socket PATH, one at a time\n"
                "  --state-dir DIR  container bundles and crun's state (default /run/vc4j-agent)\n"
                "  --crun PATH    the crun program (default: crun from PATH)\n"
                "  --cgroup-manager NAME  crun's cgroup manager (cgroupfs, systemd, disabled)\n"
                "  --verbose      log debug messages\n"
                "  --version      print the version and exit\n"
                "  --help         print this help and exit\n");
}

static int
parse_options (int argc, char **argv, struct options *opts)
{
  static const struct option longopts[] = {
    { "port", required_argument, NULL, 'p' },    { "listen", required_argument, NULL, 'l' },
    { "verbose", no_argument, NULL, 'v' },       { "version", no_argument, NULL, 'V' },
    { "help", no_argument, NULL, 'h' },          { "state-dir", required_argument, NULL, 's' },
    { "crun", required_argument, NULL, 'c' },    { "cgroup-manager", required_argument, NULL, 'g' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  opts->port = DEFAULT_PORT;
  while ((c = getopt_long (argc, argv, "", longopts, NULL)) != -1)
    switch (c)
      {
      case 'p':
        opts->port = optarg;
        break;
      case 'l':
        opts->listen_path = optarg;
        break;
      case 's':
        opts->state_dir = optarg;
        break;
      case 'c':
        opts->crun = optarg;
        break;
      case 'g':
        opts->cgroup_manager = optarg;
        break;
      case 'v':
        log_set_verbose (true);
        break;
      case 'V':
        printf ("vc4j-agent %s\n", VC4J_AGENT_VERSION);
        exit (EXIT_SUCCESS);
      case 'h':
        usage (stdout);
        exit (EXIT_SUCCESS);
      default:
        usage (stderr);
        return -1;
      }
  if (optind < argc)
    {
      usage (stderr);
      return -1;
    }
  return 0;
}

/* As init the agent may start without stdio; a pipe created later would
   then land on fd 0-2 and be clobbered by the child's dup2. */
static void
ensure_std_fds (void)
{
  for (int fd = 0; fd < 3; fd++)
    if (fcntl (fd, F_GETFD) < 0 && errno == EBADF && open ("/dev/null", O_RDWR) < 0)
      return;
}

static int
setup_process (agent_error_t *err)
{
  ensure_std_fds ();
  /* A write to a host that went away must be an error, not a death. */
  signal (SIGPIPE, SIG_IGN);
  /* Orphans of our children must come back to us to be reaped. */
  if (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
    return agent_make_error (err, errno, "cannot become a child subreaper");
  if (loop_init (err) < 0)
    return -1;
  return reaper_init (err);
}

static void
configure_containers (const struct options *opts)
{
  static char *crun_root;

  if (opts->state_dir)
    container_set_state_dir (opts->state_dir);
  /* crun's own state next to the bundles: a host-mode agent must not mix
     its containers with the host's. */
  xasprintf (&crun_root, "%s/crun", container_state_dir ());
  crun_configure (crun_root, opts->crun ? opts->crun : "crun", opts->cgroup_manager);
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
  /* The newest host wins, as on a virtio port where a reconnecting host
     replaces the old one. */
  channel_free (l->channel);
  l->channel = channel_new (fd, CHANNEL_SOCKET, &err);
  if (l->channel == NULL)
    agent_error_log_release (&err);
}

static void __attribute__ ((noreturn))
run_loop (struct channel **channel)
{
  agent_error_t err = NULL;

  for (;;)
    {
      if (loop_run_once (-1, &err) < 0)
        agent_error_log_release (&err);
      if (*channel == NULL)
        continue;
      channel_pump (*channel);
      if (channel_closed (*channel))
        {
          channel_free (*channel);
          *channel = NULL;
        }
    }
}

/* Both serve_* return only on errors. */
static int
serve_socket (const char *path, agent_error_t *err)
{
  struct listener l = { .w.cb = on_connection };

  l.w.fd = transport_listen (path, err);
  if (l.w.fd < 0 || loop_add (&l.w, EPOLLIN, err) < 0)
    return -1;
  log_info ("version %s listening on %s", VC4J_AGENT_VERSION, path);
  run_loop (&l.channel);
}

static int
serve_port (const char *name, agent_error_t *err)
{
  struct channel *channel;
  int fd = transport_open_port (name, err);

  if (fd < 0)
    return -1;
  channel = channel_new (fd, CHANNEL_PORT, err);
  if (channel == NULL)
    return -1;
  log_info ("version %s serving virtio port %s", VC4J_AGENT_VERSION, name);
  run_loop (&channel);
}

int
main (int argc, char **argv)
{
  struct options opts = { 0 };
  agent_error_t err = NULL;

  if (parse_options (argc, argv, &opts) < 0)
    return EXIT_FAILURE;
  if (setup_process (&err) < 0)
    {
      agent_error_log_release (&err);
      return EXIT_FAILURE;
    }
  configure_containers (&opts);
  if (opts.listen_path)
    serve_socket (opts.listen_path, &err);
  else
    serve_port (opts.port, &err);
  agent_error_log_release (&err);
  return EXIT_FAILURE;
}

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "container.h"
#include "cproc.h"
#include "crun.h"
#include "error.h"
#include "loop.h"
#include "oom_adj.h"
#include "reaper.h"
#include "server.h"
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

static void
usage (FILE *out)
{
  fprintf (out, "Usage: vc4j-agent [--port NAME | --listen PATH] [--state-dir DIR] [--crun PATH] [--verbose]\n"
                "  --port NAME    serve the virtio-serial port NAME (default " DEFAULT_PORT "), and vsock port 1024\n"
                "                 where the guest has " VSOCK_DEVICE "\n"
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
    { "port", required_argument, NULL, 'p' },
    { "listen", required_argument, NULL, 'l' },
    { "verbose", no_argument, NULL, 'v' },
    { "version", no_argument, NULL, 'V' },
    { "help", no_argument, NULL, 'h' },
    { "state-dir", required_argument, NULL, 's' },
    { "crun", required_argument, NULL, 'c' },
    { "cgroup-manager", required_argument, NULL, 'g' },
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
  /* A host-mode agent run without privileges does without. */
  if (oom_adj_protect_self (err) < 0)
    agent_error_log_release (err);
  if (loop_init (err) < 0)
    return -1;
  reaper_set_exit_cb (cproc_exited);
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

/* Both return only on errors. */
static int
serve_socket (const char *path, agent_error_t *err)
{
  struct server s;

  server_init (&s);
  if (server_listen_unix (&s, path, err) < 0)
    return -1;
  server_run (&s);
}

static int
serve_vm (const char *port, agent_error_t *err)
{
  struct server s;

  server_init (&s);
  if (server_open_port (&s, port, err) < 0)
    return -1;
  server_listen_vsock (&s, VSOCK_DEVICE, VSOCK_AGENT_PORT);
  server_run (&s);
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
    serve_vm (opts.port, &err);
  agent_error_log_release (&err);
  return EXIT_FAILURE;
}

#define _GNU_SOURCE
#include "crun.h"

#include <stdio.h>
#include <string.h>

#include "process.h"
#include "util.h"

#define CRUN_TIMEOUT_MS 30000
#define CRUN_MAX_OUTPUT 4096
#define CRUN_MAX_ARGS 24

static const char *crun_root = "/run/vc4j-agent/crun";
static const char *crun_program = "crun";
static char *crun_cgroup_opt;
static char crun_path_env[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
static char *const crun_env[] = { crun_path_env };

struct crun_call
{
  char *log_path;
  crun_done_cb done;
  void *arg;
};

void
crun_configure (const char *root, const char *program, const char *cgroup_manager)
{
  crun_root = root;
  crun_program = program;
  free (crun_cgroup_opt);
  crun_cgroup_opt = NULL;
  if (cgroup_manager)
    xasprintf (&crun_cgroup_opt, "--cgroup-manager=%s", cgroup_manager);
}

/* The last line crun logged: its error. */
static char *
last_log_line (const char *path)
{
  char line[1024], last[1024] = "";
  FILE *f = fopen (path, "re");

  if (f == NULL)
    return xstrdup ("crun failed and left no log");
  while (fgets (line, sizeof (line), f))
    if (line[0] != '\n')
      memcpy (last, line, sizeof (last));
  fclose (f);
  last[strcspn (last, "\n")] = '\0';
  return xstrdup (last);
}

static void
on_crun_exit (void *arg, const struct process_result *res)
{
  cleanup_free struct crun_call *c = arg;
  cleanup_free char *msg = NULL;

  if (res->exit_code != 0)
    {
      if (res->err.len)
        msg = xstrndup ((const char *) res->err.data, res->err.len);
      else
        msg = last_log_line (c->log_path);
      msg[strcspn (msg, "\n")] = '\0';
    }
  c->done (c->arg, res->exit_code, msg);
  free (c->log_path);
}

int
crun_run (const char *log_path, const char *const *args, const int *stdio, crun_done_cb done, void *arg,
          agent_error_t *err)
{
  char *argv[CRUN_MAX_ARGS];
  size_t argc = 0;
  struct crun_call *c;
  cleanup_free char *log_opt = NULL;
  struct process_spec spec = {
    .env = crun_env,
    .envc = ARRAY_SIZE (crun_env),
    .workdir = "/",
    .timeout_ms = CRUN_TIMEOUT_MS,
    .max_output = CRUN_MAX_OUTPUT,
    .child_stdio = stdio,
  };

  xasprintf (&log_opt, "--log=%s", log_path);
  argv[argc++] = (char *) crun_program;
  argv[argc++] = (char *) "--root";
  argv[argc++] = (char *) crun_root;
  argv[argc++] = log_opt;
  if (crun_cgroup_opt)
    argv[argc++] = crun_cgroup_opt;
  for (; *args && argc < CRUN_MAX_ARGS; args++)
    argv[argc++] = (char *) *args;
  spec.argv = argv;
  spec.argc = argc;

  /* A fresh log: its last line is this command's error. */
  unlink (log_path);
  c = xzalloc (sizeof (*c));
  c->log_path = xstrdup (log_path);
  c->done = done;
  c->arg = arg;
  if (process_spawn (&spec, on_crun_exit, c, err) < 0)
    {
      agent_error_blame_agent (*err);
      free (c->log_path);
      free (c);
      return -1;
    }
  return 0;
}

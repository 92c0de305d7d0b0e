#define _GNU_SOURCE
#include "cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define CGROUP_FILE_MAX 65536

static char *
read_small_file (const char *dir, const char *name)
{
  cleanup_free char *path = NULL;
  FILE *f;
  char *text = xzalloc (CGROUP_FILE_MAX);
  size_t n;

  xasprintf (&path, "%s/%s", dir, name);
  f = fopen (path, "re");
  if (f == NULL)
    {
      free (text);
      return NULL;
    }
  n = fread (text, 1, CGROUP_FILE_MAX - 1, f);
  text[n] = '\0';
  fclose (f);
  return text;
}

uint64_t
cgroup_keyed_value (const char *text, const char *key)
{
  size_t klen = strlen (key);

  for (const char *line = text; line && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
      return strtoull (line + klen + 1, NULL, 10);
  return 0;
}

static uint64_t
read_number (const char *dir, const char *name)
{
  cleanup_free char *text = read_small_file (dir, name);

  /* "max" (no limit) and a missing file both read as 0. */
  return text ? strtoull (text, NULL, 10) : 0;
}

char *
cgroup_of_pid (const char *proc_root, const char *mount, pid_t pid, agent_error_t *err)
{
  cleanup_free char *dir = NULL;
  cleanup_free char *text = NULL;
  char *line, *end, *ret = NULL;

  xasprintf (&dir, "%s/%d", proc_root, (int) pid);
  text = read_small_file (dir, "cgroup");
  if (text == NULL)
    {
      agent_make_error (err, errno, "cannot read the cgroup of pid %d", (int) pid);
      return NULL;
    }
  for (line = text; line; line = end ? end + 1 : NULL)
    {
      end = strchr (line, '\n');
      if (end)
        *end = '\0';
      if (strncmp (line, "0::", 3) == 0)
        {
          xasprintf (&ret, "%s%s", mount, line + 3);
          return ret;
        }
    }
  agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "pid %d is in no cgroup v2", (int) pid);
  return NULL;
}

/* io.stat: "MAJ:MIN rbytes=N wbytes=N ..." per device. */
static void
sum_io (const char *text, struct cgroup_stats *st)
{
  for (const char *p = text; p && (p = strstr (p, "bytes=")); p += 6)
    {
      if (p - text >= 1 && p[-1] == 'r')
        st->io_rbytes += strtoull (p + 6, NULL, 10);
      else if (p - text >= 1 && p[-1] == 'w')
        st->io_wbytes += strtoull (p + 6, NULL, 10);
    }
}

int
cgroup_read_stats (const char *dir, struct cgroup_stats *st, agent_error_t *err)
{
  cleanup_free char *cpu = read_small_file (dir, "cpu.stat");
  cleanup_free char *events = NULL;
  cleanup_free char *io = NULL;

  memset (st, 0, sizeof (*st));
  if (cpu == NULL)
    return agent_make_error (err, errno, "cannot read %s/cpu.stat", dir);
  st->cpu_usage_usec = cgroup_keyed_value (cpu, "usage_usec");
  st->cpu_user_usec = cgroup_keyed_value (cpu, "user_usec");
  st->cpu_system_usec = cgroup_keyed_value (cpu, "system_usec");
  st->memory_current = read_number (dir, "memory.current");
  st->memory_max = read_number (dir, "memory.max");
  st->pids_current = read_number (dir, "pids.current");
  events = read_small_file (dir, "memory.events");
  st->oom_kills = events ? cgroup_keyed_value (events, "oom_kill") : 0;
  io = read_small_file (dir, "io.stat");
  if (io)
    sum_io (io, st);
  return 0;
}

uint64_t
cgroup_oom_kills (const char *dir)
{
  cleanup_free char *events = dir ? read_small_file (dir, "memory.events") : NULL;

  return events ? cgroup_keyed_value (events, "oom_kill") : 0;
}

pid_t *
cgroup_procs (const char *dir, size_t *n, agent_error_t *err)
{
  cleanup_free char *text = read_small_file (dir, "cgroup.procs");
  pid_t *pids;
  char *p, *end;

  *n = 0;
  if (text == NULL)
    {
      agent_make_error (err, errno, "cannot read %s/cgroup.procs", dir);
      return NULL;
    }
  pids = xmalloc ((strlen (text) / 2 + 1) * sizeof (*pids));
  for (p = text; *p; p = end)
    {
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      pids[(*n)++] = (pid_t) v;
    }
  return pids;
}

/* A container's cgroup (v2) as the agent reads it: where it is, its
   counters, its processes. */
#ifndef VC4J_CGROUP_H
#define VC4J_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct cgroup_stats
{
  uint64_t memory_current;
  uint64_t memory_max; /* 0: no limit */
  uint64_t oom_kills;
  uint64_t cpu_usage_usec;
  uint64_t cpu_user_usec;
  uint64_t cpu_system_usec;
  uint64_t pids_current;
  uint64_t io_rbytes;
  uint64_t io_wbytes;
};

/* The cgroup v2 directory of pid, from the "0::" line of /proc/PID/cgroup,
   under mount (normally /sys/fs/cgroup). NULL when pid has none. */
char *cgroup_of_pid (const char *proc_root, const char *mount, pid_t pid, agent_error_t *err);
/* Counters missing from dir (a controller not enabled) read as 0. */
int cgroup_read_stats (const char *dir, struct cgroup_stats *st, agent_error_t *err);
uint64_t cgroup_oom_kills (const char *dir);
/* The pids of cgroup.procs; *n set to their count. */
pid_t *cgroup_procs (const char *dir, size_t *n, agent_error_t *err);

/* "key value" lines: the value of key, or 0. */
uint64_t cgroup_keyed_value (const char *text, const char *key);

#endif

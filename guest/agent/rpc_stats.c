/* The RPCs that read a container's cgroup: stats (with its network's
   counters) and its processes. */
#define _GNU_SOURCE
#include "rpc_internal.h"

#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "cmdline.h"
#include "container.h"
#include "cproc.h"
#include "netdev.h"

static struct container *
with_cgroup (const char *id, agent_error_t *err)
{
  struct container *c = container_find (id, err);

  if (c && c->cgroup == NULL)
    {
      agent_make_rpc_error (err, GRPC_FAILED_PRECONDITION, 0, "container `%s` has no cgroup v2", id);
      return NULL;
    }
  return c;
}

typedef Vc4j__Agent__V1__StatsContainerResponse__InterfaceStats interface_stats_msg;

/* The interfaces of the network namespace the init process is in (the
   container's own or the guest's); none before it starts or once it ended. */
static int
read_network (struct container *c, struct netdev_stats **list, size_t *n, agent_error_t *err)
{
  struct cproc *init = cproc_find (c, "", err);

  *list = NULL;
  *n = 0;
  if (init == NULL)
    return -1;
  if (init->pid <= 0 || init->exited)
    return 0;
  return netdev_of_pid ("/proc", init->pid, list, n, err);
}

/* Messages pointing into list, which must outlive them. */
static interface_stats_msg *
network_messages (const struct netdev_stats *list, size_t n, interface_stats_msg ***ptrs)
{
  interface_stats_msg *msgs = xzalloc ((n + 1) * sizeof (*msgs));

  *ptrs = xzalloc ((n + 1) * sizeof (**ptrs));
  for (size_t i = 0; i < n; i++)
    {
      vc4j__agent__v1__stats_container_response__interface_stats__init (&msgs[i]);
      msgs[i].name = (char *) list[i].name;
      msgs[i].rx_bytes = list[i].rx_bytes;
      msgs[i].rx_packets = list[i].rx_packets;
      msgs[i].rx_errors = list[i].rx_errors;
      msgs[i].rx_dropped = list[i].rx_dropped;
      msgs[i].tx_bytes = list[i].tx_bytes;
      msgs[i].tx_packets = list[i].tx_packets;
      msgs[i].tx_errors = list[i].tx_errors;
      msgs[i].tx_dropped = list[i].tx_dropped;
      (*ptrs)[i] = &msgs[i];
    }
  return msgs;
}

int
rpc_stats_container (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__ContainerRequest *req =
      rpc_unpack (&vc4j__agent__v1__container_request__descriptor, msg, len, err);
  Vc4j__Agent__V1__StatsContainerResponse resp = VC4J__AGENT__V1__STATS_CONTAINER_RESPONSE__INIT;
  cleanup_free struct netdev_stats *network = NULL;
  cleanup_free interface_stats_msg *msgs = NULL;
  cleanup_free interface_stats_msg **ptrs = NULL;
  struct container *c;
  struct cgroup_stats st;

  if (req == NULL || (c = with_cgroup (req->container_id, err)) == NULL)
    return -1;
  if (cgroup_read_stats (c->cgroup, &st, err) < 0 || read_network (c, &network, &resp.n_network, err) < 0)
    return -1;
  msgs = network_messages (network, resp.n_network, &ptrs);
  resp.network = ptrs;
  resp.memory_usage_bytes = st.memory_current;
  resp.memory_limit_bytes = st.memory_max;
  resp.oom_kills = st.oom_kills;
  resp.cpu_usage_usec = st.cpu_usage_usec;
  resp.cpu_user_usec = st.cpu_user_usec;
  resp.cpu_system_usec = st.cpu_system_usec;
  resp.pids_current = st.pids_current;
  resp.io_read_bytes = st.io_rbytes;
  resp.io_write_bytes = st.io_wbytes;
  rpc_reply (call, &resp.base);
  return 0;
}

int
rpc_list_processes (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__ContainerRequest *req =
      rpc_unpack (&vc4j__agent__v1__container_request__descriptor, msg, len, err);
  Vc4j__Agent__V1__ListProcessesResponse resp = VC4J__AGENT__V1__LIST_PROCESSES_RESPONSE__INIT;
  cleanup_free pid_t *pids = NULL;
  cleanup_free Vc4j__Agent__V1__ListProcessesResponse__Process *procs = NULL;
  cleanup_free Vc4j__Agent__V1__ListProcessesResponse__Process **ptrs = NULL;
  struct container *c;
  size_t n;

  if (req == NULL || (c = with_cgroup (req->container_id, err)) == NULL)
    return -1;
  pids = cgroup_procs (c->cgroup, &n, err);
  if (pids == NULL)
    return -1;
  /* The reply must stay under the host's limit. */
  if (n > CMDLINE_LIST_MAX)
    n = CMDLINE_LIST_MAX;
  procs = xzalloc ((n + 1) * sizeof (*procs));
  ptrs = xzalloc ((n + 1) * sizeof (*ptrs));
  for (size_t i = 0; i < n; i++)
    {
      vc4j__agent__v1__list_processes_response__process__init (&procs[i]);
      procs[i].pid = pids[i];
      procs[i].command = cmdline_text ("/proc", pids[i]);
      ptrs[i] = &procs[i];
    }
  resp.n_processes = n;
  resp.processes = ptrs;
  rpc_reply (call, &resp.base);
  for (size_t i = 0; i < n; i++)
    free (procs[i].command);
  return 0;
}

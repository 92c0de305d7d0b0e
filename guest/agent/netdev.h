/* Interface counters as a network namespace shows them in /proc/net/dev:
   what StatsContainer reports as a container's network. */
#ifndef VC4J_NETDEV_H
#define VC4J_NETDEV_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

struct netdev_stats
{
  char name[IFNAMSIZ];
  uint64_t rx_bytes;
  uint64_t rx_packets;
  uint64_t rx_errors;
  uint64_t rx_dropped;
  uint64_t tx_bytes;
  uint64_t tx_packets;
  uint64_t tx_errors;
  uint64_t tx_dropped;
};

/* Every interface of a /proc/net/dev text, in its order, into *list (to
   free) and their count into *n. source names the text in errors. A text
   that is not two header lines and then "name: 16 counters" lines is an
   error naming the line. */
int netdev_parse (const char *source, const char *text, struct netdev_stats **list, size_t *n, agent_error_t *err);

/* The interfaces of pid's network namespace, from /proc/PID/net/dev under
   proc_root. A pid that is gone has none. */
int netdev_of_pid (const char *proc_root, pid_t pid, struct netdev_stats **list, size_t *n, agent_error_t *err);

#endif

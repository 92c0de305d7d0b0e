/* Opening the byte streams the agent serves: a virtio-serial port and a
   vsock listener in the VM, a unix socket on the host for tests. */
#ifndef VC4J_TRANSPORT_H
#define VC4J_TRANSPORT_H

#include <stddef.h>

#include "error.h"

#define VIRTIO_PORTS_DIR "/sys/class/virtio-ports"

/* Looks in sysfs_dir (normally VIRTIO_PORTS_DIR) for the port named name and
   copies its device name (e.g. "vport1p1") to dev. Returns 1 when found,
   0 when not (yet), -1 on error. */
int transport_find_port (const char *sysfs_dir, const char *name, char *dev, size_t dev_size, agent_error_t *err);

/* Opens the named port, retrying while its driver is still loading. */
int transport_open_port (const char *name, agent_error_t *err);

int transport_listen (const char *path, agent_error_t *err);
/* Listens on vsock port for connections to any of the guest's CIDs. */
int transport_listen_vsock (unsigned port, agent_error_t *err);
int transport_accept (int listen_fd, agent_error_t *err);

#endif

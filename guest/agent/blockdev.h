/* Disks by serial: the virtio-blk serial (<sys_block>/<disk>/serial) or the
   SCSI unit serial number (VPD page 0x80, <sys_block>/<disk>/device/vpd_pg80).
   Found now by a scan of sys_block (normally /sys/block), or as they appear:
   the kernel's uevents, read from the loop, until a deadline. */
#ifndef VC4J_BLOCKDEV_H
#define VC4J_BLOCKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The longest wait a host may ask for; longer ones are cut to it. */
#define BLOCKDEV_WAIT_MAX_MS 120000u

/* Whether the disk sys_block/name has serial. */
bool blockdev_has_serial (const char *sys_block, const char *name, const char *serial);
/* "/dev/<disk>" of the disk with serial (malloc'd); NULL with NOT_FOUND when
   there is none. */
char *blockdev_find (const char *sys_block, const char *serial, agent_error_t *err);

/* The disk a kernel uevent adds or changes, as the netlink socket delivers
   it ("add@<devpath>\0ACTION=add\0SUBSYSTEM=block\0DEVTYPE=disk\0DEVNAME=vda\0..."):
   its name, pointing into buf; NULL for any other event (a partition,
   another subsystem, a removal) or one that does not parse. */
const char *blockdev_uevent_disk (const char *buf, size_t len);
/* A non-blocking NETLINK_KOBJECT_UEVENT socket in the kernel's group. */
int blockdev_uevent_open (agent_error_t *err);

/* err is NULL when every disk is there, else DEADLINE_EXCEEDED naming the
   first one missing ("drive `<serial>`: did not appear within <ms> ms");
   the callback may release it. */
typedef void (*blockdev_wait_cb) (void *arg, agent_error_t *err);

/* Waits up to timeout_ms (capped at BLOCKDEV_WAIT_MAX_MS) for a disk with
   each of the n serials. uevent_fd (from blockdev_uevent_open, taken over) is
   subscribed before sys_block is scanned, so that a disk that appears in
   between is seen by the one or the other. 1: every disk is there now (cb
   is not called); 0: cb runs once, from the loop; -1: an error. */
int blockdev_wait (int uevent_fd, const char *sys_block, char *const *serials, size_t n, uint32_t timeout_ms,
                   blockdev_wait_cb cb, void *arg, agent_error_t *err);

#endif

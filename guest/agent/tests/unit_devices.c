/* Unit tests of finding disks by serial and waiting for them, on a fake
   sysfs directory, with uevents sent through a socketpair in the kernel's
   format; and of reading a mount table. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "blockdev.h"
#include "mountinfo.h"
#include "tests/loop_wait.h"
#include "util.h"

static char tmp_root[] = "/tmp/vc4j-unit-dev.XXXXXX";

/* A uevent as the kernel sends it: every variable NUL-terminated. */
#define UEVENT(action, name, type)                                                                                 \
  action "@/devices/pci0000:00/0000:00:03.0/virtio3/block/" name "\0ACTION=" action                                \
         "\0DEVPATH=/devices/pci0000:00/0000:00:03.0/virtio3/block/" name "\0SUBSYSTEM=block\0MAJOR=254\0MINOR=16" \
         "\0DEVNAME=" name "\0DEVTYPE=" type "\0SEQNUM=2081"

static bool
write_file (const char *path, const void *data, size_t len)
{
  FILE *f = fopen (path, "we");

  if (f == NULL)
    return false;
  fwrite (data, 1, len, f);
  return fclose (f) == 0;
}

/* tmp_root/rel, with its parent directories. */
static char *
make_path (const char *rel)
{
  char *path = NULL;

  xasprintf (&path, "%s/%s", tmp_root, rel);
  for (char *p = path + strlen (tmp_root) + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        mkdir (path, 0755);
        *p = '/';
      }
  return path;
}

static bool
add_disk (const char *rel, const void *data, size_t len)
{
  cleanup_free char *path = make_path (rel);

  return write_file (path, data, len);
}

static bool
test_serials_of_virtio_and_scsi_disks (void)
{
  static const char vpd[] = "\0\x80\0\x0a"
                            "scsi-disk0";
  static const char padded[] = "\0\x80\0\x0c"
                               " scsi-disk1 ";
  cleanup_free char *sys = make_path ("serials/block");
  cleanup_free char *dev = NULL;
  cleanup_free char *scsi = NULL;
  agent_error_t err = NULL;

  CHECK (add_disk ("serials/block/vda/serial", "root-disk\n", 10));
  CHECK (add_disk ("serials/block/vdb/serial", "data-disk\n", 10));
  CHECK (add_disk ("serials/block/sda/device/vpd_pg80", vpd, sizeof (vpd) - 1));
  CHECK (add_disk ("serials/block/sdb/device/vpd_pg80", padded, sizeof (padded) - 1));
  CHECK (blockdev_has_serial (sys, "vdb", "data-disk"));
  CHECK (! blockdev_has_serial (sys, "vdb", "data"));
  CHECK (! blockdev_has_serial (sys, "vdb", "data-disk2"));
  CHECK (blockdev_has_serial (sys, "sda", "scsi-disk0"));
  CHECK (blockdev_has_serial (sys, "sdb", "scsi-disk1"));
  CHECK (! blockdev_has_serial (sys, "sdz", "scsi-disk0"));
  dev = blockdev_find (sys, "data-disk", &err);
  CHECK (dev && strcmp (dev, "/dev/vdb") == 0);
  scsi = blockdev_find (sys, "scsi-disk0", &err);
  CHECK (scsi && strcmp (scsi, "/dev/sda") == 0);
  CHECK (blockdev_find (sys, "data", &err) == NULL && strstr (err->msg, "drive `data`")
         && error_code (&err) == GRPC_NOT_FOUND);
  CHECK (blockdev_find ("/nonexistent/block", "data-disk", &err) == NULL && error_code (&err) == GRPC_INTERNAL);
  return true;
}

static bool
test_uevents_that_add_a_disk (void)
{
  static const char add[] = UEVENT ("add", "vdb", "disk");
  static const char change[] = UEVENT ("change", "vdb", "disk");
  static const char removed[] = UEVENT ("remove", "vdb", "disk");
  static const char partition[] = UEVENT ("add", "vdb1", "partition");
  static const char escaping[] = UEVENT ("add", "../vdb", "disk");
  static const char nested[] = UEVENT ("add", "a/vdb", "disk");
  static const char scsi[] = "add@/devices/x/host0/target0:0:0\0ACTION=add\0SUBSYSTEM=scsi\0DEVTYPE=scsi_target";
  static const char from_udev[] = "libudev\0ACTION=add\0SUBSYSTEM=block\0DEVNAME=vdb\0DEVTYPE=disk";
  static const char no_name[] = "add@/devices/x/block/vdb\0ACTION=add\0SUBSYSTEM=block\0DEVTYPE=disk";

  CHECK (strcmp (blockdev_uevent_disk (add, sizeof (add)), "vdb") == 0);
  CHECK (strcmp (blockdev_uevent_disk (change, sizeof (change)), "vdb") == 0);
  CHECK (blockdev_uevent_disk (removed, sizeof (removed)) == NULL);
  CHECK (blockdev_uevent_disk (partition, sizeof (partition)) == NULL);
  CHECK (blockdev_uevent_disk (escaping, sizeof (escaping)) == NULL);
  CHECK (blockdev_uevent_disk (nested, sizeof (nested)) == NULL);
  CHECK (blockdev_uevent_disk (scsi, sizeof (scsi)) == NULL);
  CHECK (blockdev_uevent_disk (from_udev, sizeof (from_udev)) == NULL);
  CHECK (blockdev_uevent_disk (no_name, sizeof (no_name)) == NULL);
  /* The last variable cut before its NUL, and nothing at all. */
  CHECK (blockdev_uevent_disk (add, sizeof (add) - 1) == NULL);
  CHECK (blockdev_uevent_disk (add, 0) == NULL);
  return true;
}

struct wait_result
{
  bool done;
  int code;
  char *msg;
};

static void
on_wait_done (void *arg, agent_error_t *err)
{
  struct wait_result *r = arg;

  r->done = true;
  r->code = *err ? (int) (*err)->code : 0;
  r->msg = *err ? xstrdup ((*err)->msg) : NULL;
}

static bool
test_a_disk_there_already_needs_no_wait (void)
{
  cleanup_free char *sys = make_path ("now/block");
  char *serials[] = { (char *) "boot-disk" };
  struct wait_result r = { 0 };
  agent_error_t err = NULL;
  int pair[2];

  CHECK (add_disk ("now/block/vda/serial", "boot-disk\n", 10));
  CHECK (socketpair (AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) == 0);
  CHECK (blockdev_wait (pair[0], sys, serials, 1, 5000, on_wait_done, &r, &err) == 1);
  /* Taken over and closed: the peer has nobody to send to. */
  CHECK (send (pair[1], "x", 1, 0) < 0);
  close (pair[1]);
  CHECK (! r.done);
  return true;
}

static bool
test_a_disk_that_appears_ends_the_wait (void)
{
  static const char other[] = UEVENT ("add", "vda", "disk");
  static const char partition[] = UEVENT ("add", "vdc1", "partition");
  static const char added[] = UEVENT ("add", "vdc", "disk");
  cleanup_free char *sys = make_path ("later/block");
  char *serials[] = { (char *) "late-disk" };
  struct wait_result r = { 0 };
  agent_error_t err = NULL;
  cleanup_close int peer = -1;
  int pair[2];

  CHECK (add_disk ("later/block/vda/serial", "boot-disk\n", 10));
  CHECK (socketpair (AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) == 0);
  peer = pair[1];
  CHECK (blockdev_wait (pair[0], sys, serials, 1, 10000, on_wait_done, &r, &err) == 0);
  CHECK (send (peer, other, sizeof (other), 0) == (ssize_t) sizeof (other));
  CHECK (! loop_until (&r.done, 0.2));
  CHECK (add_disk ("later/block/vdc/serial", "late-disk\n", 10));
  CHECK (send (peer, partition, sizeof (partition), 0) == (ssize_t) sizeof (partition));
  CHECK (! loop_until (&r.done, 0.2));
  CHECK (send (peer, added, sizeof (added), 0) == (ssize_t) sizeof (added));
  CHECK (loop_until (&r.done, 2));
  CHECK (r.code == 0 && r.msg == NULL);
  return true;
}

static bool
test_a_disk_that_never_appears_is_a_timeout_naming_it (void)
{
  cleanup_free char *sys = make_path ("never/block");
  char *serials[] = { (char *) "boot-disk", (char *) "never-disk" };
  struct wait_result r = { 0 };
  cleanup_free char *msg = NULL;
  agent_error_t err = NULL;
  int uevents = blockdev_uevent_open (&err);
  double start = now ();

  CHECK (uevents >= 0);
  CHECK (add_disk ("never/block/vda/serial", "boot-disk\n", 10));
  CHECK (blockdev_wait (uevents, sys, serials, 2, 300, on_wait_done, &r, &err) == 0);
  CHECK (loop_until (&r.done, 3));
  msg = r.msg;
  CHECK (now () - start >= 0.29 && now () - start < 2);
  CHECK (r.code == GRPC_DEADLINE_EXCEEDED);
  CHECK (msg && strcmp (msg, "drive `never-disk`: did not appear within 300 ms") == 0);
  return true;
}

static bool
test_mount_table (void)
{
  static const char table[] = "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
                              "30 22 0:40 / /run/a/sandbox/images rw,relatime - 9p images rw,trans=virtio\n"
                              "31 22 0:41 / /run/with\\040space rw shared:5 master:3 - tmpfs my\\134src rw\n"
                              "not a mount line\n"
                              "32 30 0:42 / /run/a/sandbox/over rw - 9p lower rw\n"
                              "33 32 0:43 / /run/a/sandbox/over rw - tmpfs upper rw\n";
  cleanup_free char *path = make_path ("mountinfo");
  cleanup_free char *fstype = NULL;
  cleanup_free char *source = NULL;
  agent_error_t err = NULL;

  CHECK (write_file (path, table, sizeof (table) - 1));
  CHECK (mountinfo_find (path, "/run/a/sandbox/images", &fstype, &source, &err) == 1);
  CHECK (strcmp (fstype, "9p") == 0 && strcmp (source, "images") == 0);
  free (steal_ptr (&fstype));
  free (steal_ptr (&source));
  CHECK (mountinfo_find (path, "/run/with space", &fstype, &source, &err) == 1);
  CHECK (strcmp (fstype, "tmpfs") == 0 && strcmp (source, "my\\src") == 0);
  free (steal_ptr (&fstype));
  free (steal_ptr (&source));
  /* Stacked: the one on top. */
  CHECK (mountinfo_find (path, "/run/a/sandbox/over", &fstype, &source, &err) == 1);
  CHECK (strcmp (fstype, "tmpfs") == 0 && strcmp (source, "upper") == 0);
  free (steal_ptr (&fstype));
  free (steal_ptr (&source));
  CHECK (mountinfo_find (path, "/run/a/sandbox", &fstype, &source, &err) == 0 && fstype == NULL);
  CHECK (mountinfo_find ("/nonexistent/mountinfo", "/proc", &fstype, &source, &err) < 0
         && error_code (&err) == GRPC_INTERNAL);
  /* The real table has the root. */
  CHECK (mountinfo_find ("/proc/self/mountinfo", "/", &fstype, &source, &err) == 1);
  return true;
}

static const struct unit_test tests[] = {
  { "serials_of_virtio_and_scsi_disks", test_serials_of_virtio_and_scsi_disks },
  { "uevents_that_add_a_disk", test_uevents_that_add_a_disk },
  { "a_disk_there_already_needs_no_wait", test_a_disk_there_already_needs_no_wait },
  { "a_disk_that_appears_ends_the_wait", test_a_disk_that_appears_ends_the_wait },
  { "a_disk_that_never_appears_is_a_timeout_naming_it", test_a_disk_that_never_appears_is_a_timeout_naming_it },
  { "mount_table", test_mount_table },
};

int
main (void)
{
  return run_unit_tests_as_agent_in (tmp_root, tests, ARRAY_SIZE (tests));
}

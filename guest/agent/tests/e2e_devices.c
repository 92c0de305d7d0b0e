/* End-to-end tests of waiting for disks against the agent on the host: a
   serial no disk of this host has, so the call fails before anything is
   created. */
#include <string.h>

#include "tests/check.h"
#include "tests/e2e.h"
#include "util.h"

static const char spec[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}";

/* A CreateContainer whose one storage is an ext4 disk no one plugs. */
struct never_plugged
{
  Vc4j__Agent__V1__CreateContainerRequest req;
  Vc4j__Agent__V1__Storage storage;
  Vc4j__Agent__V1__Storage *storages[1];
};

static void
never_plugged_init (struct never_plugged *n, const char *mount_point, uint32_t timeout_ms)
{
  *n = (struct never_plugged){
    .req = VC4J__AGENT__V1__CREATE_CONTAINER_REQUEST__INIT,
    .storage = VC4J__AGENT__V1__STORAGE__INIT,
  };
  n->storage.driver = VC4J__AGENT__V1__STORAGE__DRIVER__BLOCK;
  n->storage.source = (char *) "vc4j-never-plugged";
  n->storage.fstype = (char *) "ext4";
  n->storage.mount_point = (char *) mount_point;
  n->storage.device_timeout_ms = timeout_ms;
  n->storages[0] = &n->storage;
  n->req.container_id = (char *) "waits";
  n->req.oci_spec = (ProtobufCBinaryData){ .data = (uint8_t *) spec, .len = sizeof (spec) - 1 };
  n->req.storages = n->storages;
  n->req.n_storages = 1;
}

/* Others are served meanwhile, and the wait ends at its deadline with the
   drive named. */
bool
test_a_drive_that_never_appears (void)
{
  struct never_plugged n;
  cleanup_call struct h2call *waiting = NULL;
  double start = now_s ();

  never_plugged_init (&n, "rootfs", 700);
  waiting = h2client_start (&shared, "CreateContainer", &n.req.base);
  CHECK (waiting && check_serving (&shared) && ! waiting->closed);
  CHECK (h2client_wait (&shared, waiting, 5) && waiting->grpc_status == 4);
  CHECK (strcmp (waiting->grpc_message, "drive `vc4j-never-plugged`: did not appear within 700 ms") == 0);
  CHECK (now_s () - start >= 0.69 && now_s () - start < 3);
  return true;
}

/* A bad storage is refused at once, not after its wait. */
bool
test_a_bad_storage_is_refused_before_any_wait (void)
{
  struct never_plugged n;
  cleanup_call struct h2call *refused = NULL;
  double start = now_s ();

  never_plugged_init (&n, "../etc", 60000);
  refused = call (&shared, "CreateContainer", &n.req.base);
  CHECK (refused && refused->closed && refused->grpc_status == 3 && strstr (refused->grpc_message, "../etc"));
  CHECK (now_s () - start < 1);
  return true;
}

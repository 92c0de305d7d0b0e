/* End-to-end tests of waiting for disks against the agent on the host: a
   serial no disk of this host has, so the call fails before anything is
   created. */
#include <string.h>

#include "tests/check.h"
#include "tests/e2e.h"
#include "util.h"

static const char spec[] = "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"}}";

/* Others are served meanwhile, and the wait ends at its deadline with the
   drive named. */
bool
test_a_drive_that_never_appears (void)
{
  Vc4j__Agent__V1__CreateContainerRequest req = VC4J__AGENT__V1__CREATE_CONTAINER_REQUEST__INIT;
  Vc4j__Agent__V1__Storage storage = VC4J__AGENT__V1__STORAGE__INIT;
  Vc4j__Agent__V1__Storage *storages[] = { &storage };
  cleanup_call struct h2call *waiting = NULL;
  double start = now_s ();

  storage.driver = VC4J__AGENT__V1__STORAGE__DRIVER__BLOCK;
  storage.source = (char *) "vc4j-never-plugged";
  storage.fstype = (char *) "ext4";
  storage.mount_point = (char *) "rootfs";
  storage.device_timeout_ms = 700;
  req.container_id = (char *) "waits";
  req.oci_spec = (ProtobufCBinaryData){ .data = (uint8_t *) spec, .len = sizeof (spec) - 1 };
  req.storages = storages;
  req.n_storages = 1;
  waiting = h2client_start (&shared, "CreateContainer", &req.base);
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
  Vc4j__Agent__V1__CreateSandboxRequest req = VC4J__AGENT__V1__CREATE_SANDBOX_REQUEST__INIT;
  Vc4j__Agent__V1__Storage storage = VC4J__AGENT__V1__STORAGE__INIT;
  Vc4j__Agent__V1__Storage *storages[] = { &storage };
  cleanup_call struct h2call *cl = NULL;
  double start = now_s ();

  storage.driver = VC4J__AGENT__V1__STORAGE__DRIVER__BLOCK;
  storage.source = (char *) "vc4j-never-plugged";
  storage.fstype = (char *) "ext4";
  storage.mount_point = (char *) "../etc";
  storage.device_timeout_ms = 60000;
  req.storages = storages;
  req.n_storages = 1;
  cl = call (&shared, "CreateSandbox", &req.base);
  CHECK (cl && cl->closed && cl->grpc_status == 3 && strstr (cl->grpc_message, "../etc"));
  CHECK (now_s () - start < 1);
  return true;
}

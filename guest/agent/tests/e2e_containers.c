/* End-to-end tests of CreateContainer's spec against the agent on the host:
   a spec the agent cannot take is refused before anything is made. */
#include <string.h>
#include <sys/stat.h>

#include "tests/check.h"
#include "tests/e2e.h"
#include "util.h"

/* CreateContainer of spec, refused with INVALID_ARGUMENT and message want;
   the container's directory was never made. */
static bool
refused_with (const char *spec, bool terminal, const char *want)
{
  Vc4j__Agent__V1__CreateContainerRequest req = VC4J__AGENT__V1__CREATE_CONTAINER_REQUEST__INIT;
  cleanup_call struct h2call *refused = NULL;
  struct stat st;

  req.container_id = (char *) "e2e-bad-spec";
  req.rootfs_path = (char *) "/nonexistent-rootfs";
  req.oci_spec = (ProtobufCBinaryData){ .data = (uint8_t *) spec, .len = strlen (spec) };
  req.terminal = terminal;
  refused = call (&shared, "CreateContainer", &req.base);
  CHECK (refused && refused->closed && refused->grpc_status == 3);
  if (strcmp (refused->grpc_message, want) != 0)
    {
      fprintf (stderr, "message: %s\n   want: %s\n", refused->grpc_message, want);
      return false;
    }
  CHECK (stat ("/run/vc4j-agent/e2e-bad-spec", &st) < 0);
  return true;
}

bool
test_a_bad_spec_is_refused (void)
{
  CHECK (refused_with ("{\"process\":{\"args\":[\"sh\"]},\n \"root\": {\"path\" \"rootfs\"}}", false,
                       "oci_spec ` \"root\": {\"path\" \"rootfs\"}}`: line 2, column 25: ':' expected near "
                       "'\"rootfs\"'"));
  CHECK (refused_with ("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"rootfs\"}}", true,
                       "oci_spec.process.terminal ``: missing; must be true, as the request's terminal"));
  return check_serving (&shared);
}

#include "fuzz/oci_docs.h"

#include <stdlib.h>

#include "guest_hooks.h"
#include "oci_json.h"

void
take_spec (const uint8_t *data, size_t len, bool terminal)
{
  static char *hook[] = { (char *) "/run/hooks/prestart/10-a" };
  static const struct guest_hooks hooks = { .paths = { hook, hook, hook }, .n = { 1, 1, 1 } };
  agent_error_t err = NULL;
  json_t *spec = oci_json_parse ("oci_spec", data, len, &err);

  if (spec && oci_json_check_spec (spec, terminal, &err) == 0 && guest_hooks_merge (&hooks, spec, &err) == 0)
    free (json_dumps (spec, JSON_COMPACT));
  json_decref (spec);
  agent_error_release (&err);
}

void
take_process (const uint8_t *data, size_t len, bool terminal)
{
  agent_error_t err = NULL;
  json_t *process = oci_json_parse ("process", data, len, &err);

  if (process)
    oci_json_check_process (process, "process", terminal, &err);
  json_decref (process);
  agent_error_release (&err);
}

void
take_resources (const uint8_t *data, size_t len)
{
  agent_error_t err = NULL;

  json_decref (oci_json_parse ("resources", data, len, &err));
  agent_error_release (&err);
}

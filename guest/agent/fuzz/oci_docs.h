/* The host's OCI documents taken as the agent takes them (oci_json.h,
   guest_hooks.h), for both fuzz targets. */
#ifndef VC4J_FUZZ_OCI_DOCS_H
#define VC4J_FUZZ_OCI_DOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A CreateContainer's config.json: parsed, checked, guest hooks merged in,
   encoded for crun. */
void take_spec (const uint8_t *data, size_t len, bool terminal);
/* An ExecProcess's process: parsed, checked. */
void take_process (const uint8_t *data, size_t len, bool terminal);
/* An UpdateContainer's resources: parsed. */
void take_resources (const uint8_t *data, size_t len);

#endif

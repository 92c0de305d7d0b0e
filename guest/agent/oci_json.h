/* The host's OCI documents (config.json, an exec's process, LinuxResources)
   parsed with jansson into trees, checked for what the agent relies on, and
   written back for crun. Nothing here assembles JSON text by hand. */
#ifndef VC4J_OCI_JSON_H
#define VC4J_OCI_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A host document's size at most. A spec is a few KiB, with a seccomp
   profile some tens; the bound keeps the parsed tree (tens of bytes per
   value) small beside the guest's memory. Nesting is bounded by jansson
   (2048 levels). */
#define OCI_JSON_MAX_LEN (1u << 20)
/* The most of a rejected value an error quotes. */
#define OCI_JSON_EXCERPT_LEN 64

#define cleanup_json __attribute__ ((cleanup (cleanup_jsonp)))

static inline void
cleanup_jsonp (json_t **json)
{
  json_decref (*json);
}

/* The JSON object data holds, or NULL with INVALID_ARGUMENT naming the
   request's field: too long, malformed (at line and column, with an
   excerpt), a repeated member, or no object. */
json_t *oci_json_parse (const char *field, const uint8_t *data, size_t len, agent_error_t *err);
/* A process the agent can start: an object whose args are a non-empty
   array of strings and whose terminal is the request's. */
int oci_json_check_process (const json_t *process, const char *field, bool terminal, agent_error_t *err);
/* A config.json the agent can run: its process as above, its root.path
   "rootfs", where the agent puts the root file system. */
int oci_json_check_spec (const json_t *spec, bool terminal, agent_error_t *err);
/* INVALID_ARGUMENT naming field, quoting value (compact, bounded; NULL:
   missing) and saying what it must be. */
int oci_json_expect_error (agent_error_t *err, const char *field, const json_t *value, const char *expected);
/* doc as compact JSON text in a file of its own (mode 0600). */
int oci_json_write (const char *path, const json_t *doc, agent_error_t *err);

#endif

/* Just enough JSON to add members to the host's OCI spec without a parser:
   skip a value, find a member of an object, splice text in. The spec is the
   host's (trusted, but checked): anything malformed is an error, never a
   read past the end. */
#ifndef VC4J_JSON_EDIT_H
#define VC4J_JSON_EDIT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* The position after the value starting at pos (whitespace before it
   skipped), or -1 when malformed. */
long json_skip_value (const char *s, size_t len, size_t pos);
/* The position of the value of member key in the object starting at obj
   (its '{'), -1 when absent, -2 when malformed. */
long json_find_member (const char *s, size_t len, size_t obj, const char *key);
/* The position of the first non-space byte at or after pos (len if none). */
size_t json_skip_space (const char *s, size_t len, size_t pos);
/* Appends text as a JSON string literal, quotes included. */
void json_append_string (struct buf *b, const char *text);

#endif

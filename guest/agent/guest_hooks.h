/* Guest hooks (Kata's guest_hook_path): executables the guest image or the
   host put under <dir>/prestart, <dir>/poststart and <dir>/poststop, added
   as OCI hooks, sorted by name, to every container's config.json, so crun
   runs them. */
#ifndef VC4J_GUEST_HOOKS_H
#define VC4J_GUEST_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "util.h"

#define GUEST_HOOK_KINDS 3
#define GUEST_HOOKS_MAX 64 /* per kind */
#define GUEST_HOOK_PATH_MAX 1024

struct guest_hooks
{
  char **paths[GUEST_HOOK_KINDS]; /* prestart, poststart, poststop */
  size_t n[GUEST_HOOK_KINDS];
};

/* An absolute path without "..": INVALID_ARGUMENT naming guest_hook_path otherwise. */
int guest_hooks_check_dir (const char *dir, agent_error_t *err);
/* The executables under dir's kind directories; missing ones hold none. */
int guest_hooks_scan (const char *dir, struct guest_hooks *h, agent_error_t *err);
void guest_hooks_free (struct guest_hooks *h);
/* The spec (a JSON object) with h's hooks before any hooks of its own. */
int guest_hooks_merge (const struct guest_hooks *h, const char *spec, size_t len, struct buf *out, agent_error_t *err);
/* Writes spec to path, with the hooks found under dir (NULL or "": none). */
int guest_hooks_write_spec (const char *dir, const char *path, const uint8_t *spec, size_t len, agent_error_t *err);

#endif

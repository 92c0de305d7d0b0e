/* Guest hooks (Kata's guest_hook_path): executables the guest image or the
   host put under <dir>/prestart, <dir>/poststart and <dir>/poststop, added
   as OCI hooks, sorted by name, after the spec's own, to every container's
   config.json, so crun runs them. */
#ifndef VC4J_GUEST_HOOKS_H
#define VC4J_GUEST_HOOKS_H

#include <jansson.h>
#include <stddef.h>

#include "error.h"

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
/* Appends h's hooks to the spec's own (a parsed config.json), kind by kind;
   INVALID_ARGUMENT naming the field where hooks or one kind of them is no
   object or array. */
int guest_hooks_merge (const struct guest_hooks *h, json_t *spec, agent_error_t *err);
/* guest_hooks_merge with the hooks found under dir (NULL or "": none). */
int guest_hooks_add (const char *dir, json_t *spec, agent_error_t *err);

#endif

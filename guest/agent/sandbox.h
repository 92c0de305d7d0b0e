/* The sandbox as a whole: its set-up (hostname, DNS, modules, storages)
   and its tear-down (every container, every storage). */
#ifndef VC4J_SANDBOX_H
#define VC4J_SANDBOX_H

#include <stddef.h>

#include "h2session.h"
#include "storage.h"

struct sandbox_setup
{
  const char *hostname;
  char *const *dns_servers;
  size_t n_dns_servers;
  char *const *dns_search;
  size_t n_dns_search;
  char *const *modules;
  size_t n_modules;
  const struct storage_desc *storages;
  size_t n_storages;
  const char *guest_hook_path; /* NULL or empty: unchanged */
};

/* Hostname, DNS entries, module names, storages and the guest hook path,
   before anything changes. */
int sandbox_validate (const struct sandbox_setup *s, agent_error_t *err);
/* Writes dir/resolv.conf from the servers and search domains; with neither,
   an existing file stays (a later CreateSandbox may only add storages). */
int sandbox_write_resolv_conf (const char *dir, const struct sandbox_setup *s, agent_error_t *err);
int sandbox_create (const struct sandbox_setup *s, const struct rpc_call *call, agent_error_t *err);
int sandbox_destroy (const struct rpc_call *call, agent_error_t *err);
/* The guest hook directory CreateSandbox set, or NULL. */
const char *sandbox_guest_hook_path (void);

#endif

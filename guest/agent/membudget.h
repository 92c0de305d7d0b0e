/* One budget for every byte the host makes the agent hold: request bodies
   still arriving, stdin waiting for a process, a RunProcess's output and
   stdin, replies the host has not read yet. Past it a call is refused with RESOURCE_EXHAUSTED, so a host
   stream gone wrong cannot make the kernel kill the agent (and init power
   the guest off). */
#ifndef VC4J_MEMBUDGET_H
#define VC4J_MEMBUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define MEMBUDGET_DEFAULT_BYTES (64u << 20)

/* Takes n bytes, or returns false and takes nothing. */
bool membudget_take (size_t n);
/* The same, failing err with RESOURCE_EXHAUSTED naming what was refused. */
int membudget_take_for (size_t n, const char *what, agent_error_t *err);
void membudget_give (size_t n);
size_t membudget_used (void);
size_t membudget_limit (void);
/* For tests; the agent keeps the default. */
void membudget_set_limit (size_t limit);

#endif

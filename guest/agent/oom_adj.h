/* The agent's standing with the kernel's OOM killer. The agent is what
   keeps the guest alive (init powers the guest off when it dies), so the
   OOM killer must never pick it; its children must not inherit that. */
#ifndef VC4J_OOM_ADJ_H
#define VC4J_OOM_ADJ_H

#include "error.h"

#define OOM_ADJ_PATH "/proc/self/oom_score_adj"

/* Sets the agent's oom_score_adj to -1000 (needs CAP_SYS_RESOURCE). */
int oom_adj_protect_self (agent_error_t *err);
/* Puts a child back to 0, between fork and exec: async-signal-safe. */
void oom_adj_reset_child (void);

#endif

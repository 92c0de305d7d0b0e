/* Facts about the guest for GetGuestDetails. */
#ifndef VC4J_GUEST_INFO_H
#define VC4J_GUEST_INFO_H

#include <stdint.h>
#include <sys/utsname.h>

#include "error.h"

struct guest_info
{
  struct utsname uts;
  uint64_t mem_total_kib;
  uint64_t mem_available_kib;
  uint32_t online_cpus;
  uint64_t uptime_ms;
};

int guest_info_read (struct guest_info *gi, agent_error_t *err);

/* Exposed for the unit tests. */
int guest_info_parse_meminfo (const char *text, uint64_t *total_kib, uint64_t *available_kib);
int guest_info_parse_uptime (const char *text, uint64_t *uptime_ms);

#endif

/* The agent's mount table as the kernel keeps it (/proc/self/mountinfo):
   what is mounted where, without asking a shell. */
#ifndef VC4J_MOUNTINFO_H
#define VC4J_MOUNTINFO_H

#include "error.h"

/* The mount on top of target (an absolute path without symlinks) in the
   mountinfo file: 1 with its file system type and source (malloc'd), 0 when
   target is no mount point, -1 when the file cannot be read. */
int mountinfo_find (const char *mountinfo, const char *target, char **fstype, char **source, agent_error_t *err);

#endif

/* The reaper's view of container processes (see container.h). */
#ifndef VC4J_CPROC_H
#define VC4J_CPROC_H

#include <stdbool.h>
#include <sys/types.h>

bool cproc_exited (pid_t pid, int status);

#endif

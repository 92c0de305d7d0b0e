/* A process's command line as the host may receive it: ListProcesses sends
   it in a protobuf string, which must be valid UTF-8 (protobuf-java fails
   the whole reply otherwise), and a list of them must fit the host's
   largest reply. */
#ifndef VC4J_CMDLINE_H
#define VC4J_CMDLINE_H

#include <sys/types.h>

/* Bytes of one command line, and processes in one list: 1024 of these stay
   far under the host's 2 MiB reply limit. */
#define CMDLINE_TEXT_MAX 1024
#define CMDLINE_LIST_MAX 1024

/* proc_dir/PID/cmdline (proc_dir is normally "/proc") with the arguments
   joined by spaces, cut at CMDLINE_TEXT_MAX bytes ("..." at the end), each
   byte that is not valid UTF-8 replaced by '?'; empty when unreadable.
   malloc'd. */
char *cmdline_text (const char *proc_dir, pid_t pid);

#endif

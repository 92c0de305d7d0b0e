/* crun's console socket: with a terminal, crun creates the pty and sends
   its master over a unix socket given with --console-socket. */
#ifndef VC4J_CONSOLE_H
#define VC4J_CONSOLE_H

#include "error.h"

int console_listen (const char *path, agent_error_t *err);
/* Once crun has exited: takes the master it sent, non-blocking. */
int console_receive (int listen_fd, agent_error_t *err);

#endif

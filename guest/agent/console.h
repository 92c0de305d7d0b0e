/* crun's console socket: with a terminal, crun creates the pty and sends
   its master over a unix socket given with --console-socket (a listening
   socket from transport_listen). */
#ifndef VC4J_CONSOLE_H
#define VC4J_CONSOLE_H

#include "error.h"

/* Once crun has exited: takes the master it sent, non-blocking. */
int console_receive (int listen_fd, agent_error_t *err);

#endif

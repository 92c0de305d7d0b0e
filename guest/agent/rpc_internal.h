/* Between rpc.c (dispatch) and the files holding the method handlers. */
#ifndef VC4J_RPC_INTERNAL_H
#define VC4J_RPC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "agent.pb-c.h"
#include "error.h"
#include "rpc.h"
#include "util.h"

typedef int (*rpc_handler) (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err);

static inline void
pbmsg_freep (void *p)
{
  ProtobufCMessage **m = p;

  if (*m)
    protobuf_c_message_free_unpacked (*m, NULL);
}

#define cleanup_pbmsg __attribute__ ((cleanup (pbmsg_freep)))

/* NULL and an INVALID_ARGUMENT error naming the message when malformed. */
void *rpc_unpack (const ProtobufCMessageDescriptor *desc, const uint8_t *msg, size_t len, agent_error_t *err);

#define RPC_HANDLER(name) int name (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
RPC_HANDLER (rpc_create_sandbox);
RPC_HANDLER (rpc_destroy_sandbox);
RPC_HANDLER (rpc_create_container);
RPC_HANDLER (rpc_start_container);
RPC_HANDLER (rpc_remove_container);
RPC_HANDLER (rpc_pause_container);
RPC_HANDLER (rpc_resume_container);
RPC_HANDLER (rpc_stats_container);
RPC_HANDLER (rpc_update_container);
RPC_HANDLER (rpc_list_processes);
RPC_HANDLER (rpc_exec_process);
RPC_HANDLER (rpc_signal_process);
RPC_HANDLER (rpc_wait_process);
RPC_HANDLER (rpc_write_stdin);
RPC_HANDLER (rpc_read_stdout);
RPC_HANDLER (rpc_read_stderr);
RPC_HANDLER (rpc_close_stdin);
RPC_HANDLER (rpc_tty_win_resize);
RPC_HANDLER (rpc_get_oom_event);
RPC_HANDLER (rpc_process_status);
RPC_HANDLER (rpc_set_guest_date_time);
RPC_HANDLER (rpc_add_entropy);
RPC_HANDLER (rpc_list_interfaces);
RPC_HANDLER (rpc_list_routes);
RPC_HANDLER (rpc_update_interface);
RPC_HANDLER (rpc_update_routes);
RPC_HANDLER (rpc_add_arp_neighbors);

#endif

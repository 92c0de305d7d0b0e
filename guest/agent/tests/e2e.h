/* What the end-to-end tests share: the agent's socket, one long-lived
   connection, and helpers to call and to reconnect. */
#ifndef VC4J_TEST_E2E_H
#define VC4J_TEST_E2E_H

#include <stdbool.h>

#include "agent.pb-c.h"
#include "h2client.h"

#define RUN_INIT VC4J__AGENT__V1__RUN_PROCESS_REQUEST__INIT

extern const char *socket_path;
extern struct h2client shared;

void call_freep (struct h2call **call);
void msg_freep (void *p);

#define cleanup_call __attribute__ ((cleanup (call_freep)))
#define cleanup_msg __attribute__ ((cleanup (msg_freep)))

/* Starts a call and waits for its reply (20 s). */
struct h2call *call (struct h2client *c, const char *method, const ProtobufCMessage *req);
bool check_serving (struct h2client *c);
bool fresh_connection (struct h2client *c);

/* e2e_run.c */
bool test_run_echo (void);
bool test_run_stderr_exit_code (void);
bool test_run_not_found (void);
bool test_run_empty_argv (void);
bool test_run_stdin_env_workdir (void);
bool test_run_timeout (void);
bool test_run_large_output (void);
bool test_run_large_stdin (void);

/* e2e_reconnect.c */
bool test_reconnect_100_times (void);
bool test_garbage_before_hello (void);
bool test_hello_split_across_writes (void);
bool test_hello_mid_session (void);
bool test_hello_after_bad_http2 (void);
bool test_hello_after_goaway (void);

/* e2e_bounds.c */
bool test_hello_inside_calls_is_data (void);
bool test_max_output_is_clamped (void);

/* e2e_net.c */
bool test_network_errors (void);
bool test_list_routes (void);

/* e2e_containers.c */
bool test_a_bad_spec_is_refused (void);

/* e2e_devices.c */
bool test_a_drive_that_never_appears (void);
bool test_a_bad_storage_is_refused_before_any_wait (void);

#endif

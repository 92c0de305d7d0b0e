/* Errors carry the errno that caused them, a message with context, and the
   gRPC status an RPC failing with them should report. */
#ifndef VC4J_ERROR_H
#define VC4J_ERROR_H

#include <stdbool.h>

#include "grpc.h"

struct agent_error_s
{
  int errno_;
  enum grpc_code code;
  char *msg;
  /* What the host gets as structure besides code and message (see
     AgentError in agent.proto); NULL when the error names no such thing. */
  char *field;         /* a rejected field of the request, with */
  char *value;         /* the value it held and */
  char *reason;        /* why it was rejected */
  char *resource_type; /* a missing or existing resource: "container"... */
  char *resource_name;
};
typedef struct agent_error_s *agent_error_t;

/* All return -1 so that callers can write `return agent_make_error (...)`.
   errno_ (when not 0) appends ": strerror(errno_)" to the message. */
int agent_make_error (agent_error_t *err, int errno_, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));
int agent_make_rpc_error (agent_error_t *err, enum grpc_code code, int errno_, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
/* INVALID_ARGUMENT naming the request's field (its path: "routes[1].gateway"),
   the value it held and the reason (fmt); the message reads
   "<field> `<value>`: <reason>". */
int agent_make_field_error (agent_error_t *err, int errno_, const char *field, const char *value, const char *fmt, ...)
    __attribute__ ((format (printf, 5, 6)));
/* NOT_FOUND or ALREADY_EXISTS naming the resource, e.g. "container" "web-1";
   fmt is the message. */
int agent_make_resource_error (agent_error_t *err, enum grpc_code code, const char *type, const char *name,
                               const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));
/* Makes err the agent's own failure (INTERNAL, naming no field or resource):
   for a program the agent runs for itself (crun, modprobe), failing to start
   it is not the caller's mistake. */
void agent_error_blame_agent (agent_error_t err);

void agent_error_release (agent_error_t *err);
/* Logs the error at error level and releases it. */
void agent_error_log_release (agent_error_t *err);

enum log_level
{
  LOG_ERROR,
  LOG_WARNING,
  LOG_INFO,
  LOG_DEBUG,
};

void log_set_verbose (bool verbose);
void log_msg (enum log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#define log_error(...) log_msg (LOG_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg (LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg (LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg (LOG_DEBUG, __VA_ARGS__)

#endif

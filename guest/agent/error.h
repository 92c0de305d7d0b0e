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
};
typedef struct agent_error_s *agent_error_t;

/* Both return -1 so that callers can write `return agent_make_error (...)`.
   errno_ (when not 0) appends ": strerror(errno_)" to the message. */
int agent_make_error (agent_error_t *err, int errno_, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int agent_make_rpc_error (agent_error_t *err, enum grpc_code code, int errno_, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

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

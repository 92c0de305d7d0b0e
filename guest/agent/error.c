#define _GNU_SOURCE
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static bool verbose;

static int
make_error (agent_error_t *err, enum grpc_code code, int errno_, const char *fmt, va_list ap)
{
  cleanup_free char *msg = NULL;
  agent_error_t e;

  if (vasprintf (&msg, fmt, ap) < 0)
    msg = xstrdup ("(cannot format error)");

  e = xzalloc (sizeof (*e));
  e->errno_ = errno_;
  e->code = code;
  if (errno_)
    xasprintf (&e->msg, "%s: %s", msg, strerror (errno_));
  else
    e->msg = steal_ptr (&msg);

  agent_error_release (err);
  *err = e;
  return -1;
}

int
agent_make_error (agent_error_t *err, int errno_, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  make_error (err, GRPC_INTERNAL, errno_, fmt, ap);
  va_end (ap);
  return -1;
}

int
agent_make_rpc_error (agent_error_t *err, enum grpc_code code, int errno_, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  make_error (err, code, errno_, fmt, ap);
  va_end (ap);
  return -1;
}

int
agent_make_field_error (agent_error_t *err, int errno_, const char *field, const char *value, const char *fmt, ...)
{
  cleanup_free char *reason = NULL;
  va_list ap;

  va_start (ap, fmt);
  make_error (err, GRPC_INVALID_ARGUMENT, errno_, fmt, ap);
  va_end (ap);
  reason = steal_ptr (&(*err)->msg);
  xasprintf (&(*err)->msg, "%s `%s`: %s", field, value, reason);
  (*err)->field = xstrdup (field);
  (*err)->value = xstrdup (value);
  (*err)->reason = steal_ptr (&reason);
  return -1;
}

int
agent_make_resource_error (agent_error_t *err, enum grpc_code code, const char *type, const char *name, const char *fmt,
                           ...)
{
  va_list ap;

  va_start (ap, fmt);
  make_error (err, code, 0, fmt, ap);
  va_end (ap);
  (*err)->resource_type = xstrdup (type);
  (*err)->resource_name = xstrdup (name);
  return -1;
}

static void
clear_subject (agent_error_t e)
{
  free (e->field);
  free (e->value);
  free (e->reason);
  free (e->resource_type);
  free (e->resource_name);
  e->field = e->value = e->reason = e->resource_type = e->resource_name = NULL;
}

void
agent_error_blame_agent (agent_error_t err)
{
  err->code = GRPC_INTERNAL;
  clear_subject (err);
}

void
agent_error_release (agent_error_t *err)
{
  if (*err == NULL)
    return;
  clear_subject (*err);
  free ((*err)->msg);
  free (*err);
  *err = NULL;
}

void
agent_error_log_release (agent_error_t *err)
{
  if (*err == NULL)
    return;
  log_error ("%s", (*err)->msg);
  agent_error_release (err);
}

void
log_set_verbose (bool v)
{
  verbose = v;
}

void
log_msg (enum log_level level, const char *fmt, ...)
{
  static const char *const prefixes[] = {
    [LOG_ERROR] = "error: ",
    [LOG_WARNING] = "warning: ",
    [LOG_INFO] = "",
    [LOG_DEBUG] = "debug: ",
  };
  cleanup_free char *msg = NULL;
  va_list ap;

  if (level == LOG_DEBUG && ! verbose)
    return;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);

  /* One write per line keeps lines whole on the console when children write
     to it too. */
  dprintf (STDERR_FILENO, "vc4j-agent: %s%s\n", prefixes[level], msg ? msg : fmt);
}

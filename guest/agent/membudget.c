#include "membudget.h"

#include "grpc.h"

static size_t limit = MEMBUDGET_DEFAULT_BYTES;
static size_t used;

bool
membudget_take (size_t n)
{
  if (used > limit || n > limit - used)
    return false;
  used += n;
  return true;
}

int
membudget_take_for (size_t n, const char *what, agent_error_t *err)
{
  if (membudget_take (n))
    return 0;
  return agent_make_rpc_error (err, GRPC_RESOURCE_EXHAUSTED, 0,
                               "%s needs %zu bytes, over what is left of the agent's %zu MiB memory budget", what, n,
                               limit >> 20);
}

void
membudget_give (size_t n)
{
  used = n < used ? used - n : 0;
}

size_t
membudget_used (void)
{
  return used;
}

size_t
membudget_limit (void)
{
  return limit;
}

void
membudget_set_limit (size_t new_limit)
{
  limit = new_limit;
}

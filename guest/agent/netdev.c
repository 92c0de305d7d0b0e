#define _GNU_SOURCE
#include "netdev.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "util.h"

/* /proc/net/dev has had 8 receive then 8 transmit counters since Linux 2.2:
   bytes packets errs drop fifo frame compressed multicast | bytes packets
   errs drop fifo colls carrier compressed. */
#define NETDEV_COUNTERS 16
#define NETDEV_TX 8
#define NETDEV_HEADER_LINES 2
/* About 200 bytes a line: room for thousands of interfaces. */
#define NETDEV_FILE_MAX (1 << 20)

/* How much of a bad line an error quotes. */
#define QUOTED "%.80s"

static int
bad_line (agent_error_t *err, const char *source, size_t lineno, const char *line, const char *why)
{
  return agent_make_error (err, 0, "%s line %zu `" QUOTED "`: %s", source, lineno, line, why);
}

/* Decimal counters only: strtoull alone would take signs, spaces and hex. */
static int
parse_counters (const char *p, uint64_t counters[NETDEV_COUNTERS], const char **why)
{
  size_t i = 0;

  for (;;)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      if (*p < '0' || *p > '9')
        return *why = "a counter is not a decimal number", -1;
      if (i == NETDEV_COUNTERS)
        return *why = "more than 16 counters", -1;
      char *end;
      errno = 0;
      counters[i++] = strtoull (p, &end, 10);
      if (errno == ERANGE)
        return *why = "a counter is over 2^64-1", -1;
      p = end;
    }
  if (i < NETDEV_COUNTERS)
    return *why = "fewer than 16 counters", -1;
  return 0;
}

/* line: a NUL-terminated copy of one interface line. */
static int
parse_line (const char *line, struct netdev_stats *st, const char **why)
{
  uint64_t c[NETDEV_COUNTERS];
  const char *colon = strchr (line, ':');
  const char *name = line;
  size_t len;

  if (colon == NULL)
    return *why = "no `:` after an interface name", -1;
  while (*name == ' ')
    name++;
  len = (size_t) (colon - name);
  if (len == 0)
    return *why = "no interface name before `:`", -1;
  if (len >= sizeof (st->name))
    return *why = "the interface name is over 15 characters", -1;
  if (memchr (name, ' ', len) || memchr (name, '\t', len))
    return *why = "the interface name has a blank", -1;
  if (parse_counters (colon + 1, c, why) < 0)
    return -1;
  memcpy (st->name, name, len);
  st->name[len] = '\0';
  st->rx_bytes = c[0];
  st->rx_packets = c[1];
  st->rx_errors = c[2];
  st->rx_dropped = c[3];
  st->tx_bytes = c[NETDEV_TX];
  st->tx_packets = c[NETDEV_TX + 1];
  st->tx_errors = c[NETDEV_TX + 2];
  st->tx_dropped = c[NETDEV_TX + 3];
  return 0;
}

int
netdev_parse (const char *source, const char *text, struct netdev_stats **out, size_t *n, agent_error_t *err)
{
  cleanup_free struct netdev_stats *list = NULL;
  size_t lineno = 0;

  *out = NULL;
  *n = 0;
  for (const char *p = text; *p;)
    {
      const char *nl = strchr (p, '\n');
      size_t len = nl ? (size_t) (nl - p) : strlen (p);
      cleanup_free char *line = xstrndup (p, len);
      const char *why = NULL;

      p += len + (nl ? 1 : 0);
      lineno++;
      if (lineno <= NETDEV_HEADER_LINES)
        {
          /* Both header lines split Receive from Transmit with a bar. */
          if (strchr (line, '|') == NULL)
            return bad_line (err, source, lineno, line, "not a header line");
          continue;
        }
      if (len == 0)
        continue;
      list = xrealloc (list, (*n + 1) * sizeof (*list));
      if (parse_line (line, &list[*n], &why) < 0)
        {
          *n = 0;
          return bad_line (err, source, lineno, line, why);
        }
      (*n)++;
    }
  if (lineno < NETDEV_HEADER_LINES)
    return agent_make_error (err, 0, "%s: no header lines", source);
  *out = steal_ptr (&list);
  return 0;
}

/* The whole file, NUL-terminated; NULL with errno set on failure. */
static char *
read_text (const char *path)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct buf b = { 0 };
  char chunk[4096];
  ssize_t got;

  if (fd < 0)
    return NULL;
  while ((got = read (fd, chunk, sizeof (chunk))) != 0)
    {
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0 || b.len + (size_t) got >= NETDEV_FILE_MAX)
        {
          int saved = got < 0 ? errno : EFBIG;
          buf_free (&b);
          errno = saved;
          return NULL;
        }
      buf_append (&b, chunk, (size_t) got);
    }
  buf_append (&b, "", 1);
  return (char *) b.data;
}

int
netdev_of_pid (const char *proc_root, pid_t pid, struct netdev_stats **list, size_t *n, agent_error_t *err)
{
  cleanup_free char *path = NULL;
  cleanup_free char *text = NULL;

  *list = NULL;
  *n = 0;
  xasprintf (&path, "%s/%d/net/dev", proc_root, (int) pid);
  text = read_text (path);
  if (text == NULL)
    {
      /* The process ended (or is a zombie, without namespaces) meanwhile. */
      if (errno == ENOENT || errno == ESRCH)
        return 0;
      return agent_make_error (err, errno, "cannot read %s", path);
    }
  return netdev_parse (path, text, list, n, err);
}

#define _GNU_SOURCE
#include "guest_info.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static int
read_proc_file (const char *path, char *buf, size_t size, agent_error_t *err)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  size_t len = 0;

  if (fd < 0)
    return agent_make_error (err, errno, "cannot open `%s`", path);
  while (len < size - 1)
    {
      ssize_t n = read (fd, buf + len, size - 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return agent_make_error (err, errno, "cannot read `%s`", path);
      if (n == 0)
        break;
      len += (size_t) n;
    }
  buf[len] = '\0';
  return 0;
}

static int
meminfo_field (const char *text, const char *key, uint64_t *kib)
{
  size_t key_len = strlen (key);
  const char *line = text;

  while (line != NULL)
    {
      if (strncmp (line, key, key_len) == 0 && line[key_len] == ':')
        {
          *kib = strtoull (line + key_len + 1, NULL, 10);
          return 0;
        }
      line = strchr (line, '\n');
      if (line != NULL)
        line++;
    }
  return -1;
}

int
guest_info_parse_meminfo (const char *text, uint64_t *total_kib, uint64_t *available_kib)
{
  if (meminfo_field (text, "MemTotal", total_kib) < 0)
    return -1;
  /* Kernels before 3.14 have no MemAvailable; MemFree is the closest. */
  if (meminfo_field (text, "MemAvailable", available_kib) < 0)
    return meminfo_field (text, "MemFree", available_kib);
  return 0;
}

int
guest_info_parse_uptime (const char *text, uint64_t *uptime_ms)
{
  char *end;
  double seconds = strtod (text, &end);

  if (end == text || seconds < 0)
    return -1;
  *uptime_ms = (uint64_t) (seconds * 1000.0);
  return 0;
}

int
guest_info_read (struct guest_info *gi, agent_error_t *err)
{
  char buf[8192];
  long cpus;

  if (uname (&gi->uts) < 0)
    return agent_make_error (err, errno, "uname");

  if (read_proc_file ("/proc/meminfo", buf, sizeof (buf), err) < 0)
    return -1;
  if (guest_info_parse_meminfo (buf, &gi->mem_total_kib, &gi->mem_available_kib) < 0)
    return agent_make_error (err, 0, "cannot parse /proc/meminfo");

  if (read_proc_file ("/proc/uptime", buf, sizeof (buf), err) < 0)
    return -1;
  if (guest_info_parse_uptime (buf, &gi->uptime_ms) < 0)
    return agent_make_error (err, 0, "cannot parse /proc/uptime");

  cpus = sysconf (_SC_NPROCESSORS_ONLN);
  gi->online_cpus = cpus > 0 ? (uint32_t) cpus : 1;
  return 0;
}

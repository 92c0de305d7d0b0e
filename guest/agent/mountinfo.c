/* A line: "36 35 98:0 /root /mount/point rw,noatime [optional fields] -
   fstype source super-options", paths with space, tab, newline and
   backslash written as \ooo. */
#define _GNU_SOURCE
#include "mountinfo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define MOUNT_POINT_FIELD 4

static bool
is_octal (char c)
{
  return c >= '0' && c <= '7';
}

static void
unescape (char *s)
{
  char *out = s;

  for (; *s; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && is_octal (s[2]) && is_octal (s[3]))
      {
        *out++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
        s += 3;
      }
    else
      *out++ = *s;
  *out = '\0';
}

/* Splits line in place; false when it is not a mountinfo line. */
static bool
parse_line (char *line, char **mount_point, char **fstype, char **source)
{
  char *save = NULL;
  char *field = strtok_r (line, " \n", &save);

  for (int i = 0; field && i < MOUNT_POINT_FIELD; i++)
    field = strtok_r (NULL, " \n", &save);
  if (field == NULL)
    return false;
  *mount_point = field;
  /* Optional fields, as many as there are, up to the separator. */
  while ((field = strtok_r (NULL, " \n", &save)) && strcmp (field, "-") != 0)
    ;
  if (field == NULL)
    return false;
  *fstype = strtok_r (NULL, " \n", &save);
  *source = strtok_r (NULL, " \n", &save);
  return *fstype && *source;
}

int
mountinfo_find (const char *mountinfo, const char *target, char **fstype, char **source, agent_error_t *err)
{
  FILE *f = fopen (mountinfo, "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;

  *fstype = *source = NULL;
  if (f == NULL)
    return agent_make_error (err, errno, "cannot read %s", mountinfo);
  /* Mounts stacked on one point are listed in mount order: the last is on top. */
  while (getline (&line, &cap, f) > 0)
    {
      char *point, *type, *src;

      if (! parse_line (line, &point, &type, &src))
        continue;
      unescape (point);
      if (strcmp (point, target) != 0)
        continue;
      unescape (src);
      free (*fstype);
      free (*source);
      *fstype = xstrdup (type);
      *source = xstrdup (src);
    }
  fclose (f);
  return *fstype != NULL;
}

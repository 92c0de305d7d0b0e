#define _GNU_SOURCE
#include "cmdline.h"

#include <stdio.h>

#include "error_details.h"
#include "util.h"

char *
cmdline_text (const char *proc_dir, pid_t pid)
{
  cleanup_free char *path = NULL;
  /* One byte over the bound tells a cut line from one that fits. */
  cleanup_free char *raw = xzalloc (CMDLINE_TEXT_MAX + 2);
  size_t n = 0;
  FILE *f;

  xasprintf (&path, "%s/%d/cmdline", proc_dir, (int) pid);
  f = fopen (path, "re");
  if (f)
    {
      n = fread (raw, 1, CMDLINE_TEXT_MAX + 1, f);
      fclose (f);
    }
  while (n > 0 && raw[n - 1] == '\0')
    n--;
  for (size_t i = 0; i < n; i++)
    if (raw[i] == '\0')
      raw[i] = ' ';
  raw[n] = '\0';
  return error_text_bounded (raw, CMDLINE_TEXT_MAX);
}

#define _GNU_SOURCE
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The agent cannot do anything useful without memory, and a half-handled
   allocation failure is worse than a clear abort on the console. */
static void
oom (void)
{
  static const char msg[] = "vc4j-agent: out of memory\n";
  if (write (STDERR_FILENO, msg, sizeof (msg) - 1) < 0)
    _exit (EXIT_FAILURE);
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xzalloc (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xrealloc (void *ptr, size_t size)
{
  void *p = realloc (ptr, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *p = strdup (s);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrndup (const char *s, size_t n)
{
  char *p = strndup (s, n);
  if (p == NULL)
    oom ();
  return p;
}

int
xasprintf (char **out, const char *fmt, ...)
{
  va_list ap;
  int ret;

  va_start (ap, fmt);
  ret = vasprintf (out, fmt, ap);
  va_end (ap);
  if (ret < 0)
    oom ();
  return ret;
}

void
buf_append (struct buf *b, const void *data, size_t len)
{
  if (len == 0)
    return;
  if (b->len + len > b->cap)
    {
      size_t cap = b->cap ? b->cap : 4096;
      while (cap < b->len + len)
        cap *= 2;
      b->data = xrealloc (b->data, cap);
      b->cap = cap;
    }
  memcpy (b->data + b->len, data, len);
  b->len += len;
}

void
buf_consume (struct buf *b, size_t len)
{
  if (len >= b->len)
    {
      b->len = 0;
      return;
    }
  memmove (b->data, b->data + len, b->len - len);
  b->len -= len;
}

void
buf_reset (struct buf *b)
{
  b->len = 0;
}

void
buf_free (struct buf *b)
{
  free (b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

/* Small helpers shared by every file: cleanup attributes, allocation that
   treats OOM as fatal, and a growable byte buffer. */
#ifndef VC4J_UTIL_H
#define VC4J_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))

#define container_of(ptr, type, member) ((type *) ((char *) (ptr) -offsetof (type, member)))

#define ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

static inline void
cleanup_freep (void *p)
{
  free (*(void **) p);
}

static inline void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    close (*fd);
}

static inline void
close_and_reset (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

/* Hands ownership out of a cleanup_close variable. */
static inline int
steal_fd (int *fd)
{
  int ret = *fd;
  *fd = -1;
  return ret;
}

/* Hands ownership out of a cleanup_free variable. */
static inline void *
steal_ptr (void *pp)
{
  void **p = pp;
  void *ret = *p;
  *p = NULL;
  return ret;
}

void *xmalloc (size_t size);
void *xzalloc (size_t size);
void *xrealloc (void *ptr, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
int xasprintf (char **out, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

struct buf
{
  uint8_t *data;
  size_t len;
  size_t cap;
};

void buf_append (struct buf *b, const void *data, size_t len);
void buf_consume (struct buf *b, size_t len);
void buf_reset (struct buf *b);
void buf_free (struct buf *b);

#endif

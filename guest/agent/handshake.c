#include "handshake.h"

#include <string.h>

#include "util.h"

#define MAGIC_LEN (sizeof (HELLO_MAGIC) - 1)
#define LINE_LEN (MAGIC_LEN + HELLO_NONCE_LEN + 1)

void
hello_scanner_reset (struct hello_scanner *s)
{
  s->matched = 0;
}

static bool
is_lower_hex (uint8_t c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool
accepts (const struct hello_scanner *s, uint8_t c)
{
  if (s->matched < MAGIC_LEN)
    return c == (uint8_t) HELLO_MAGIC[s->matched];
  if (s->matched < MAGIC_LEN + HELLO_NONCE_LEN)
    return is_lower_hex (c);
  return c == '\n';
}

/* Feeds one byte; returns true when it completes a line. On a mismatch the
   search restarts at this byte: 'V' occurs only at the start of the
   pattern, so no shorter partial match can be pending. */
static bool
scan_byte (struct hello_scanner *s, uint8_t c)
{
  if (! accepts (s, c))
    {
      s->matched = c == (uint8_t) HELLO_MAGIC[0] ? 1 : 0;
      return false;
    }
  if (s->matched >= MAGIC_LEN && s->matched < MAGIC_LEN + HELLO_NONCE_LEN)
    s->nonce[s->matched - MAGIC_LEN] = (char) c;
  if (++s->matched < LINE_LEN)
    return false;
  s->nonce[HELLO_NONCE_LEN] = '\0';
  s->matched = 0;
  return true;
}

bool
hello_scan (struct hello_scanner *s, const uint8_t *data, size_t len, size_t *end)
{
  size_t i = 0;

  while (i < len)
    {
      /* Skip quickly through HTTP/2 traffic, which rarely holds a 'V'. */
      if (s->matched == 0)
        {
          const uint8_t *v = memchr (data + i, HELLO_MAGIC[0], len - i);
          if (v == NULL)
            return false;
          i = (size_t) (v - data);
        }
      if (scan_byte (s, data[i++]))
        {
          *end = i;
          return true;
        }
    }
  return false;
}

enum hello_match
hello_match_at (struct hello_scanner *s, const uint8_t *data, size_t len, size_t *end)
{
  for (size_t i = 0; i < len; i++)
    {
      if (! accepts (s, data[i]))
        {
          s->matched = 0;
          *end = i;
          return HELLO_MISMATCH;
        }
      if (scan_byte (s, data[i]))
        {
          *end = i + 1;
          return HELLO_FOUND;
        }
    }
  *end = len;
  return HELLO_PARTIAL;
}

char *
handshake_ready_line (const char *nonce, const char *version)
{
  char *line;

  xasprintf (&line, "VC4J-READY %s %s\n", nonce, version);
  return line;
}

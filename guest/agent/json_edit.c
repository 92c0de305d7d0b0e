#define _GNU_SOURCE
#include "json_edit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Objects and arrays nest at most this deep: a bound on the recursion. */
#define JSON_MAX_DEPTH 64

size_t
json_skip_space (const char *s, size_t len, size_t pos)
{
  while (pos < len && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r'))
    pos++;
  return pos;
}

static long
skip_string (const char *s, size_t len, size_t pos)
{
  for (pos++; pos < len; pos++)
    {
      if (s[pos] == '\\')
        pos++;
      else if (s[pos] == '"')
        return (long) pos + 1;
    }
  return -1;
}

static long skip_value (const char *s, size_t len, size_t pos, int depth);

/* An object or array: values (with "key": before each in an object) between commas. */
static long
skip_container (const char *s, size_t len, size_t pos, int depth)
{
  char close = s[pos] == '{' ? '}' : ']';
  long p;

  pos = json_skip_space (s, len, pos + 1);
  if (pos < len && s[pos] == close)
    return (long) pos + 1;
  for (;;)
    {
      if (close == '}')
        {
          if (pos >= len || s[pos] != '"' || (p = skip_string (s, len, pos)) < 0)
            return -1;
          pos = json_skip_space (s, len, (size_t) p);
          if (pos >= len || s[pos] != ':')
            return -1;
          pos++;
        }
      if ((p = skip_value (s, len, pos, depth + 1)) < 0)
        return -1;
      pos = json_skip_space (s, len, (size_t) p);
      if (pos < len && s[pos] == close)
        return (long) pos + 1;
      if (pos >= len || s[pos] != ',')
        return -1;
      pos = json_skip_space (s, len, pos + 1);
    }
}

static long
skip_value (const char *s, size_t len, size_t pos, int depth)
{
  pos = json_skip_space (s, len, pos);
  if (pos >= len || depth > JSON_MAX_DEPTH)
    return -1;
  if (s[pos] == '"')
    return skip_string (s, len, pos);
  if (s[pos] == '{' || s[pos] == '[')
    return skip_container (s, len, pos, depth);
  /* A number, true, false or null: up to the next delimiter. */
  size_t end = pos;
  while (end < len && strchr (",]} \t\r\n", s[end]) == NULL)
    end++;
  return end > pos ? (long) end : -1;
}

long
json_skip_value (const char *s, size_t len, size_t pos)
{
  return skip_value (s, len, pos, 0);
}

long
json_find_member (const char *s, size_t len, size_t obj, const char *key)
{
  size_t klen = strlen (key);
  size_t pos = json_skip_space (s, len, obj + 1);
  long p;

  if (pos < len && s[pos] == '}')
    return -1;
  while (pos < len && s[pos] == '"')
    {
      bool match = pos + klen + 1 < len && strncmp (s + pos + 1, key, klen) == 0 && s[pos + klen + 1] == '"';
      if ((p = skip_string (s, len, pos)) < 0)
        return -2;
      pos = json_skip_space (s, len, (size_t) p);
      if (pos >= len || s[pos] != ':')
        return -2;
      pos = json_skip_space (s, len, pos + 1);
      if (match)
        return (long) pos;
      if ((p = json_skip_value (s, len, pos)) < 0)
        return -2;
      pos = json_skip_space (s, len, (size_t) p);
      if (pos < len && s[pos] == '}')
        return -1;
      if (pos >= len || s[pos] != ',')
        return -2;
      pos = json_skip_space (s, len, pos + 1);
    }
  return -2;
}

void
json_append_string (struct buf *b, const char *text)
{
  buf_append (b, "\"", 1);
  for (const char *c = text; *c; c++)
    {
      char esc[8];
      if (*c == '"' || *c == '\\')
        snprintf (esc, sizeof (esc), "\\%c", *c);
      else if ((unsigned char) *c < 0x20)
        snprintf (esc, sizeof (esc), "\\u%04x", (unsigned char) *c);
      else
        snprintf (esc, sizeof (esc), "%c", *c);
      buf_append (b, esc, strlen (esc));
    }
  buf_append (b, "\"", 1);
}

/* The line handshake that precedes every HTTP/2 session. virtio-serial has no
   connection identity, so the host opens each connection with a fresh nonce
   and discards everything until the agent echoes it back. */
#ifndef VC4J_HANDSHAKE_H
#define VC4J_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HELLO_MAGIC "VC4J-HELLO "
#define HELLO_NONCE_LEN 32

/* Matches "VC4J-HELLO <32 lowercase hex>\n" anywhere in a byte stream. The
   match state is the carry-over, so a line split across reads is found. */
struct hello_scanner
{
  size_t matched;
  char nonce[HELLO_NONCE_LEN + 1];
};

void hello_scanner_reset (struct hello_scanner *s);

/* Returns true when a hello line completes inside data; *end is then the
   offset just past its '\n' and s->nonce holds the nonce. Bytes after *end
   have not been scanned yet. */
bool hello_scan (struct hello_scanner *s, const uint8_t *data, size_t len, size_t *end);

enum hello_match
{
  HELLO_PARTIAL,
  HELLO_FOUND,
  HELLO_MISMATCH,
};

/* Matches a hello that starts exactly at data (or continues the partial
   match in s). HELLO_FOUND: *end is just past its '\n'. HELLO_MISMATCH:
   data[*end] cannot continue it, and s is reset. HELLO_PARTIAL: all of data
   matched, the line goes on in the next read. */
enum hello_match hello_match_at (struct hello_scanner *s, const uint8_t *data, size_t len, size_t *end);

/* Returns the malloc'd answer "VC4J-READY <nonce> <version>\n". */
char *handshake_ready_line (const char *nonce, const char *version);

#endif

/* Where the host's HTTP/2 stream is between frames. A hello line is a new
   host only where the next frame header would begin: the agent never raises
   SETTINGS_MAX_FRAME_SIZE above 16 KiB, so a frame header there starts with
   a zero byte, never with the hello's 'V'. Inside a frame (stdin, CopyFile
   data, argv) the same bytes are payload and start nothing. */
#ifndef VC4J_H2FRAMES_H
#define VC4J_H2FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define H2_PREFACE_LEN 24
#define H2_FRAME_HEADER_LEN 9

struct frame_cursor
{
  /* Bytes left of the client preface or of the current frame's payload. */
  size_t skip;
  uint8_t header[H2_FRAME_HEADER_LEN];
  size_t header_len;
  bool preface_pending;
};

/* A new session: the client preface comes first. */
void frame_cursor_reset (struct frame_cursor *fc);
/* True between the preface and a frame, or between two frames. */
bool frame_cursor_at_edge (const struct frame_cursor *fc);
/* Moves over data up to and including the end of the next unit (preface,
   frame header or payload) that ends inside it; returns how many bytes that
   was (len when none ends). */
size_t frame_cursor_advance (struct frame_cursor *fc, const uint8_t *data, size_t len);

#endif

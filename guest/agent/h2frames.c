#include "h2frames.h"

void
frame_cursor_reset (struct frame_cursor *fc)
{
  *fc = (struct frame_cursor){ .preface_pending = true };
}

bool
frame_cursor_at_edge (const struct frame_cursor *fc)
{
  return fc->skip == 0 && fc->header_len == 0;
}

static size_t
payload_length (const uint8_t *header)
{
  return ((size_t) header[0] << 16) | ((size_t) header[1] << 8) | header[2];
}

size_t
frame_cursor_advance (struct frame_cursor *fc, const uint8_t *data, size_t len)
{
  size_t used = 0;

  while (used < len)
    {
      if (fc->skip > 0)
        {
          size_t n = fc->skip < len - used ? fc->skip : len - used;

          fc->skip -= n;
          used += n;
        }
      else if (fc->preface_pending)
        {
          fc->preface_pending = false;
          fc->skip = H2_PREFACE_LEN;
          continue;
        }
      else
        {
          fc->header[fc->header_len++] = data[used++];
          if (fc->header_len == H2_FRAME_HEADER_LEN)
            {
              fc->skip = payload_length (fc->header);
              fc->header_len = 0;
            }
        }
      if (frame_cursor_at_edge (fc))
        break;
    }
  return used;
}

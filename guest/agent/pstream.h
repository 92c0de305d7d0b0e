/* A container process's stdio as the host sees it: output buffered up to a
   bound (the pipe is not read while the buffer is full, so a chatty process
   blocks instead of growing the agent), reads and writes that park their
   RPC until they can be answered, EOF and close propagation. */
#ifndef VC4J_PSTREAM_H
#define VC4J_PSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h2session.h"
#include "loop.h"
#include "util.h"

/* Output kept per stream before the agent stops reading the pipe. */
#define PSTREAM_OUT_LIMIT (256u * 1024)
#define PSTREAM_DEFAULT_READ (64u * 1024)

struct parked_call
{
  struct parked_call *next;
  struct rpc_call call;
  uint64_t amount; /* readers: bytes wanted; writers: the total to reach */
};

/* Appends call to the end of list; returns the new entry. */
struct parked_call *parked_append (struct parked_call **list, const struct rpc_call *call, uint64_t amount);

struct out_stream
{
  struct watch w;
  struct buf data;
  bool eof;
  bool watched;
  struct parked_call *readers;
};

struct in_stream
{
  struct watch w;
  struct buf data;
  uint64_t queued;
  uint64_t written;
  bool watched;
  bool close_requested;
  bool broken;
  struct parked_call *writers;
};

/* fd < 0 makes a stream that is at EOF from the start. */
int out_stream_init (struct out_stream *s, int fd, agent_error_t *err);
void out_stream_read (struct out_stream *s, const struct rpc_call *call, size_t max_bytes);
/* Answers parked readers with what is left and EOF; closes the descriptor. */
void out_stream_release (struct out_stream *s);

void in_stream_init (struct in_stream *s, int fd);
int in_stream_write (struct in_stream *s, const struct rpc_call *call, const uint8_t *data, size_t len,
                     agent_error_t *err);
/* Closes the descriptor once the data written before is delivered. */
void in_stream_close (struct in_stream *s);
void in_stream_release (struct in_stream *s);

#endif

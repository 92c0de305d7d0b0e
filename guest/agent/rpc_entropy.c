/* AddEntropy: a VM restored from a template starts with the template's RNG
   state, so every clone would draw the same "random" numbers. The host hands
   each clone fresh bytes; they are credited to the input pool and the CRNG
   is reseeded from it at once (without RNDRESEEDCRNG a booted kernel only
   reseeds after up to a minute). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "container.h"
#include "rpc_internal.h"

#define ENTROPY_MIN 16
#define ENTROPY_MAX 512
#define RANDOM_DEVICE "/dev/urandom"

int
rpc_add_entropy (const struct rpc_call *call, const uint8_t *msg, size_t len, agent_error_t *err)
{
  cleanup_pbmsg Vc4j__Agent__V1__AddEntropyRequest *req =
      rpc_unpack (&vc4j__agent__v1__add_entropy_request__descriptor, msg, len, err);
  struct
  {
    struct rand_pool_info info;
    uint8_t buf[ENTROPY_MAX];
  } pool;
  cleanup_close int fd = -1;

  if (req == NULL)
    return -1;
  if (req->data.len < ENTROPY_MIN || req->data.len > ENTROPY_MAX)
    {
      char text[32];

      snprintf (text, sizeof (text), "%zu bytes", req->data.len);
      return agent_make_field_error (err, 0, "data", text, "not between 16 and 512 bytes");
    }
  pool.info.entropy_count = (int) (req->data.len * 8);
  pool.info.buf_size = (int) req->data.len;
  memcpy (pool.buf, req->data.data, req->data.len);
  fd = open (RANDOM_DEVICE, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return agent_make_error (err, errno, "cannot open %s", RANDOM_DEVICE);
  if (ioctl (fd, RNDADDENTROPY, &pool.info) < 0)
    return agent_make_error (err, errno, "cannot add entropy through %s", RANDOM_DEVICE);
  if (ioctl (fd, RNDRESEEDCRNG) < 0)
    return agent_make_error (err, errno, "cannot reseed the RNG through %s", RANDOM_DEVICE);
  reply_empty (call);
  return 0;
}

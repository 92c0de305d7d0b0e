/* libFuzzer target: arbitrary bytes as each JSON document the host sends
   (config.json, a process, resources), straight to the agent's parsing and
   checks, and the merge of guest hooks; fuzz_requests.c reaches them only
   through HTTP/2 and protobuf framing, which few mutations keep intact. */
#include "fuzz/oci_docs.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  take_spec (data, size, false);
  take_process (data, size, false);
  take_resources (data, size);
  return 0;
}

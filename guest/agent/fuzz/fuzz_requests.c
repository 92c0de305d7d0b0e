/* libFuzzer target: arbitrary host bytes through what the agent parses
   before any method runs: the hello scanner, HTTP/2 (nghttp2), gRPC
   framing and the protobuf decoding of every method's request (found in the
   service descriptor, so every method is covered), and the JSON documents
   of CreateContainer, ExecProcess and UpdateContainer as the agent takes
   them (fuzz/oci_docs.h). The methods themselves are not run
   (they spawn processes and set the clock): this file's rpc_dispatch decodes
   the request and answers it. */
#include <stdint.h>
#include <string.h>

#include "agent.pb-c.h"
#include "fuzz/oci_docs.h"
#include "h2session.h"
#include "handshake.h"
#include "rpc.h"

#define OUTPUT_LIMIT 65536

static void
take_documents (const ProtobufCMessage *m)
{
  if (m->descriptor == &vc4j__agent__v1__create_container_request__descriptor)
    {
      const Vc4j__Agent__V1__CreateContainerRequest *req = (const void *) m;
      take_spec (req->oci_spec.data, req->oci_spec.len, req->terminal);
    }
  else if (m->descriptor == &vc4j__agent__v1__exec_process_request__descriptor)
    {
      const Vc4j__Agent__V1__ExecProcessRequest *req = (const void *) m;
      take_process (req->process.data, req->process.len, req->terminal);
    }
  else if (m->descriptor == &vc4j__agent__v1__update_container_request__descriptor)
    {
      const Vc4j__Agent__V1__UpdateContainerRequest *req = (const void *) m;
      take_resources (req->resources.data, req->resources.len);
    }
}

void
rpc_dispatch (const struct rpc_call *call, const char *path, const uint8_t *msg, size_t len)
{
  const ProtobufCServiceDescriptor *svc = &vc4j__agent__v1__agent_service__descriptor;
  const size_t prefix_len = strlen (RPC_SERVICE_PREFIX);

  if (strncmp (path, RPC_SERVICE_PREFIX, prefix_len) == 0)
    for (unsigned i = 0; i < svc->n_methods; i++)
      if (strcmp (path + prefix_len, svc->methods[i].name) == 0)
        {
          ProtobufCMessage *m = protobuf_c_message_unpack (svc->methods[i].input, NULL, len, msg);
          if (m == NULL)
            {
              h2session_reply_error (call, GRPC_INVALID_ARGUMENT, "malformed");
              return;
            }
          take_documents (m);
          /* Packing back walks every decoded field. */
          size_t size = protobuf_c_message_get_packed_size (m);
          uint8_t *out = malloc (size ? size : 1);
          protobuf_c_message_pack (m, out);
          h2session_reply (call, out, size);
          free (out);
          protobuf_c_message_free_unpacked (m, NULL);
          return;
        }
  h2session_reply_error (call, GRPC_UNIMPLEMENTED, path);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct hello_scanner scanner = { 0 };
  struct h2session *s;
  struct buf out = { 0 };
  agent_error_t err = NULL;
  size_t end = 0;

  /* As on the port: nothing counts before a hello. */
  if (! hello_scan (&scanner, data, size, &end))
    return 0;
  s = h2session_new (&err);
  if (s == NULL)
    {
      agent_error_release (&err);
      return 0;
    }
  if (h2session_feed (s, data + end, size - end, &err) == 0)
    while (h2session_produce (s, &out, OUTPUT_LIMIT, &err) == 0 && out.len)
      buf_reset (&out);
  agent_error_release (&err);
  buf_free (&out);
  h2session_free (s);
  return 0;
}

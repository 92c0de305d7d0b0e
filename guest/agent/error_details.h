/* What a failed call tells the host besides its status code: the message and
   the google.rpc.Status with AgentError, BadRequest and ResourceInfo details
   (agent.proto), each string bounded and kept valid UTF-8. */
#ifndef VC4J_ERROR_DETAILS_H
#define VC4J_ERROR_DETAILS_H

#include <stddef.h>

#include "error.h"

/* Bounds on what one error sends: the host's whole header list must stay
   under grpc-java's 8 KiB, grpc-message percent-encoded included. */
#define ERROR_TEXT_MAX 512
#define ERROR_NAME_MAX 256

/* A malloc'd copy of s of at most max bytes (max >= 4), cut on a character
   boundary and ended with "..." when longer, every byte that is not part of
   valid UTF-8 replaced by '?'. */
char *error_text_bounded (const char *s, size_t max);

/* The grpc-status-details-bin value for err: base64 of the packed
   google.rpc.Status. malloc'd. */
char *error_details_encode (const struct agent_error_s *err);

#endif

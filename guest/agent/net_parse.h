/* Addresses, prefixes and MACs from the host, checked and decoded before
   anything in the guest changes. Errors are INVALID_ARGUMENT with the
   message "<field> `<value>`: <reason>", which the Java client reads back
   into the field and value it reports. */
#ifndef VC4J_NET_PARSE_H
#define VC4J_NET_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "error.h"

#define NET_MAC_LEN 6

struct net_ip
{
  int family;        /* AF_INET or AF_INET6 */
  uint8_t bytes[16]; /* network order; 4 used for IPv4 */
  unsigned prefix;   /* for a prefix; 32 or 128 for a bare address */
};

static inline unsigned
net_ip_len (const struct net_ip *ip)
{
  return ip->family == AF_INET ? 4 : 16;
}

/* "address" alone, IPv4 or IPv6. */
int net_parse_ip (const char *field, const char *text, struct net_ip *out, agent_error_t *err);
/* "address/prefix-length"; the length is required, 0-32 or 0-128. */
int net_parse_cidr (const char *field, const char *text, struct net_ip *out, agent_error_t *err);
/* "aa:bb:cc:dd:ee:ff" (either case), unicast. */
int net_parse_mac (const char *field, const char *text, uint8_t out[NET_MAC_LEN], agent_error_t *err);

/* The INVALID_ARGUMENT error for field's value. */
int net_bad_value (agent_error_t *err, const char *field, const char *value, const char *reason);

/* "address/len", or "address" when with_prefix is false. */
void net_format_ip (const struct net_ip *ip, bool with_prefix, char *out, size_t size);

#endif

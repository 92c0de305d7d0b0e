#define _GNU_SOURCE
#include "net_parse.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int
net_bad_value (agent_error_t *err, const char *field, const char *value, const char *reason)
{
  return agent_make_field_error (err, 0, field, value, "%s", reason);
}

int
net_parse_ip (const char *field, const char *text, struct net_ip *out, agent_error_t *err)
{
  memset (out, 0, sizeof (*out));
  if (inet_pton (AF_INET, text, out->bytes) == 1)
    out->family = AF_INET, out->prefix = 32;
  else if (inet_pton (AF_INET6, text, out->bytes) == 1)
    out->family = AF_INET6, out->prefix = 128;
  else
    return net_bad_value (err, field, text, "not an IPv4 or IPv6 address");
  return 0;
}

/* Only digits, no sign, no leading zeros beyond "0": strtoul accepts too much. */
static bool
parse_prefix (const char *s, unsigned *out)
{
  unsigned v = 0;

  if (*s == '\0' || strlen (s) > 3 || (s[0] == '0' && s[1]))
    return false;
  for (; *s; s++)
    {
      if (*s < '0' || *s > '9')
        return false;
      v = v * 10 + (unsigned) (*s - '0');
    }
  *out = v;
  return true;
}

int
net_parse_cidr (const char *field, const char *text, struct net_ip *out, agent_error_t *err)
{
  const char *slash = strchr (text, '/');
  cleanup_free char *addr = NULL;
  unsigned prefix, max;

  if (slash == NULL)
    return net_bad_value (err, field, text, "not address/prefix-length");
  addr = xstrndup (text, (size_t) (slash - text));
  if (net_parse_ip (field, addr, out, err) < 0)
    return net_bad_value (err, field, text, "not an IPv4 or IPv6 address with a prefix length");
  max = out->prefix;
  if (! parse_prefix (slash + 1, &prefix))
    return net_bad_value (err, field, text, "the prefix length is not a number");
  if (prefix > max)
    return net_bad_value (err, field, text,
                          max == 32 ? "the prefix length is over 32" : "the prefix length is over 128");
  out->prefix = prefix;
  return 0;
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int
net_parse_mac (const char *field, const char *text, uint8_t out[NET_MAC_LEN], agent_error_t *err)
{
  if (strlen (text) != 3 * NET_MAC_LEN - 1)
    return net_bad_value (err, field, text, "not a MAC address aa:bb:cc:dd:ee:ff");
  for (int i = 0; i < NET_MAC_LEN; i++)
    {
      int hi = hex_digit (text[3 * i]), lo = hex_digit (text[3 * i + 1]);
      if (hi < 0 || lo < 0 || (i < NET_MAC_LEN - 1 && text[3 * i + 2] != ':'))
        return net_bad_value (err, field, text, "not a MAC address aa:bb:cc:dd:ee:ff");
      out[i] = (uint8_t) (hi << 4 | lo);
    }
  if (out[0] & 1)
    return net_bad_value (err, field, text, "a multicast MAC address");
  return 0;
}

void
net_format_ip (const struct net_ip *ip, bool with_prefix, char *out, size_t size)
{
  char text[INET6_ADDRSTRLEN] = "";

  inet_ntop (ip->family, ip->bytes, text, sizeof (text));
  if (with_prefix)
    snprintf (out, size, "%s/%u", text, ip->prefix);
  else
    snprintf (out, size, "%s", text);
}

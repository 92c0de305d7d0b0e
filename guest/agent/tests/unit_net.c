/* Unit tests of the network changes: the checks of addresses, prefixes,
   MACs and routes, and the rtnetlink requests themselves, run in a network
   namespace of this process's own (root needed) on a tap interface, so the
   host's network is never touched. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "net_link.h"
#include "net_parse.h"
#include "net_route.h"
#include "netinfo.h"
#include "tests/check.h"
#include "tests/unit_net.h"
#include "util.h"

/* The error's code, when its message is exactly message (NULL: any). */
int
error_is (agent_error_t *err, const char *message)
{
  int code = -1;

  if (*err && (message == NULL || strcmp ((*err)->msg, message) == 0))
    code = (int) (*err)->code;
  else if (*err)
    fprintf (stderr, "message: %s\n", (*err)->msg);
  agent_error_release (err);
  return code;
}

static bool
test_parse_addresses (void)
{
  agent_error_t err = NULL;
  struct net_ip ip;
  char text[64];

  CHECK (net_parse_cidr ("a", "10.0.2.15/24", &ip, &err) == 0 && ip.family == AF_INET && ip.prefix == 24);
  net_format_ip (&ip, true, text, sizeof (text));
  CHECK (strcmp (text, "10.0.2.15/24") == 0);
  CHECK (net_parse_cidr ("a", "fd00::2/64", &ip, &err) == 0 && ip.family == AF_INET6 && ip.prefix == 64);
  CHECK (net_parse_cidr ("a", "10.0.0.0/0", &ip, &err) == 0 && ip.prefix == 0);
  CHECK (net_parse_cidr ("addresses[0]", "10.0.0.1/33", &ip, &err) < 0
         && error_is (&err, "addresses[0] `10.0.0.1/33`: the prefix length is over 32") == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_cidr ("a", "fd00::1/129", &ip, &err) < 0
         && error_is (&err, "a `fd00::1/129`: the prefix length is over 128") == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_cidr ("a", "10.0.0.1", &ip, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_cidr ("a", "10.0.0.1/", &ip, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_cidr ("a", "10.0.0.1/-1", &ip, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_cidr ("a", "10.0.0.1/024", &ip, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_cidr ("a", "10.0.0.256/24", &ip, &err) < 0
         && error_is (&err, "a `10.0.0.256/24`: not an IPv4 or IPv6 address with a prefix length")
                == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_ip ("ip", "", &ip, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  return true;
}

static bool
test_parse_mac (void)
{
  agent_error_t err = NULL;
  uint8_t mac[NET_MAC_LEN];

  CHECK (net_parse_mac ("mac", "02:AB:cd:00:00:ff", mac, &err) == 0 && mac[1] == 0xab && mac[5] == 0xff);
  CHECK (net_parse_mac ("mac", "zz:00:00:00:00:00", mac, &err) < 0
         && error_is (&err, "mac `zz:00:00:00:00:00`: not a MAC address aa:bb:cc:dd:ee:ff") == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_mac ("mac", "02:00:00:00:00", mac, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_mac ("mac", "02-00-00-00-00-01", mac, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  CHECK (net_parse_mac ("mac", "01:00:5e:00:00:01", mac, &err) < 0
         && error_is (&err, "mac `01:00:5e:00:00:01`: a multicast MAC address") == GRPC_INVALID_ARGUMENT);
  return true;
}

static bool
test_validate_interface_update (void)
{
  char *addresses[] = { (char *) "10.0.0.2/24", (char *) "10.0.0.3/40" };
  struct net_link_update u = { .mac = "", .name = "eth0", .addresses = addresses, .n_addresses = 1, .mtu = 1500 };
  struct net_ip ips[2];
  agent_error_t err = NULL;

  CHECK (net_link_validate (&u, ips, &err) == 0 && ips[0].prefix == 24);
  u.n_addresses = 2;
  CHECK (net_link_validate (&u, ips, &err) < 0
         && error_is (&err, "addresses[1] `10.0.0.3/40`: the prefix length is over 32") == GRPC_INVALID_ARGUMENT);
  u.n_addresses = 0;
  u.mtu = 67;
  CHECK (net_link_validate (&u, ips, &err) < 0
         && error_is (&err, "mtu `67`: not within 68-65535") == GRPC_INVALID_ARGUMENT);
  u.mtu = 0;
  u.name = "../x";
  CHECK (net_link_validate (&u, ips, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  u.name = "";
  CHECK (net_link_validate (&u, ips, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  u.mac = "02:00:00:00:00:0g";
  CHECK (net_link_validate (&u, ips, &err) < 0 && error_is (&err, NULL) == GRPC_INVALID_ARGUMENT);
  return true;
}

static const struct net_interface *
interface_named (const struct net_interface *list, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (list[i].name, name) == 0)
      return &list[i];
  return NULL;
}

static bool
has_address (const struct net_interface *itf, const char *address)
{
  for (size_t i = 0; i < itf->n_addresses; i++)
    if (strcmp (itf->addresses[i], address) == 0)
      return true;
  return false;
}

static bool
test_update_interface (void)
{
  char *first[] = { (char *) "10.9.0.2/24", (char *) "fd00:9::2/64" };
  char *second[] = { (char *) "10.9.0.3/24" };
  struct net_link_update u = {
    .mac = TAP_MAC, .name = "", .addresses = first, .n_addresses = 2, .mtu = 1400, .up = true
  };
  cleanup_free struct net_interface *list = NULL;
  const struct net_interface *itf;
  agent_error_t err = NULL;
  char name[IF_NAMESIZE];
  size_t n;

  CHECK (net_link_apply (&u, name, &err) == 0 && strcmp (name, TAP) == 0);
  list = netinfo_interfaces (&n, &err);
  CHECK (list && (itf = interface_named (list, n, TAP)) != NULL);
  CHECK (itf->mtu == 1400 && itf->up && has_address (itf, "10.9.0.2/24") && has_address (itf, "fd00:9::2/64"));
  free (steal_ptr (&list));

  u.addresses = second;
  u.n_addresses = 1;
  u.mtu = 0;
  CHECK (net_link_apply (&u, name, &err) == 0);
  list = netinfo_interfaces (&n, &err);
  CHECK (list && (itf = interface_named (list, n, TAP)) != NULL);
  CHECK (itf->mtu == 1400 && has_address (itf, "10.9.0.3/24") && ! has_address (itf, "10.9.0.2/24")
         && ! has_address (itf, "fd00:9::2/64"));

  u.mac = "02:00:00:00:bb:01";
  CHECK (net_link_apply (&u, name, &err) < 0
         && error_is (&err, "interface `02:00:00:00:bb:01`: no interface has this MAC") == GRPC_NOT_FOUND);
  u.mac = "";
  u.name = "nosuch0";
  CHECK (net_link_apply (&u, name, &err) < 0 && error_is (&err, NULL) == GRPC_NOT_FOUND);
  return true;
}

static bool
arp_has (const char *ip, const char *mac)
{
  char line[256];
  bool found = false;
  FILE *f = fopen ("/proc/net/arp", "re");

  while (f && fgets (line, sizeof (line), f))
    found |= strncmp (line, ip, strlen (ip)) == 0 && line[strlen (ip)] == ' ' && strstr (line, mac) != NULL;
  if (f)
    fclose (f);
  return found;
}

static bool
test_add_neighbors (void)
{
  struct net_neighbor_spec specs[] = {
    { .ip = "10.9.0.7", .mac = "02:00:00:00:00:07", .device = TAP },
    { .ip = "10.9.0.8", .mac = "02:00:00:00:00:08", .device = TAP },
  };
  agent_error_t err = NULL;

  CHECK (net_neighbors_add (specs, 2, &err) == 0);
  CHECK (arp_has ("10.9.0.7", "02:00:00:00:00:07") && arp_has ("10.9.0.8", "02:00:00:00:00:08"));
  specs[1].mac = "02:00:00:00:00:88";
  CHECK (net_neighbors_add (specs + 1, 1, &err) == 0 && arp_has ("10.9.0.8", "02:00:00:00:00:88"));
  specs[0].mac = "nope";
  CHECK (net_neighbors_add (specs, 1, &err) < 0
         && error_is (&err, "neighbors[0].mac `nope`: not a MAC address aa:bb:cc:dd:ee:ff") == GRPC_INVALID_ARGUMENT);
  specs[0].mac = "02:00:00:00:00:07";
  specs[0].device = "nosuch0";
  CHECK (net_neighbors_add (specs, 1, &err) < 0 && error_is (&err, NULL) == GRPC_NOT_FOUND);
  return true;
}

/* A tap in a fresh network namespace, up as long as fd is open. */
static int
make_tap (void)
{
  struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
  int fd;

  if (unshare (CLONE_NEWNET) < 0)
    {
      perror ("unshare(CLONE_NEWNET)");
      return -1;
    }
  fd = open ("/dev/net/tun", O_RDWR | O_CLOEXEC);
  snprintf (ifr.ifr_name, sizeof (ifr.ifr_name), "%s", TAP);
  if (fd < 0 || ioctl (fd, TUNSETIFF, &ifr) < 0)
    {
      perror ("tap " TAP);
      return -1;
    }
  if (ioctl (fd, SIOCGIFHWADDR, &ifr) < 0)
    return -1;
  sscanf (TAP_MAC, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", (unsigned char *) &ifr.ifr_hwaddr.sa_data[0],
          (unsigned char *) &ifr.ifr_hwaddr.sa_data[1], (unsigned char *) &ifr.ifr_hwaddr.sa_data[2],
          (unsigned char *) &ifr.ifr_hwaddr.sa_data[3], (unsigned char *) &ifr.ifr_hwaddr.sa_data[4],
          (unsigned char *) &ifr.ifr_hwaddr.sa_data[5]);
  if (ioctl (fd, SIOCSIFHWADDR, &ifr) < 0)
    {
      perror ("set the tap's MAC");
      return -1;
    }
  return fd;
}

static const struct unit_test tests[] = {
  { "parse_addresses", test_parse_addresses },
  { "parse_mac", test_parse_mac },
  { "validate_interface_update", test_validate_interface_update },
  { "parse_route", test_parse_route },
  { "update_interface", test_update_interface },
  { "replace_routes", test_replace_routes },
  { "replace_routes_all_or_nothing", test_replace_routes_all_or_nothing },
  { "large_route_removed", test_large_route_removed },
  { "add_neighbors", test_add_neighbors },
};

int
main (void)
{
  cleanup_close int tap = make_tap ();

  if (tap < 0)
    return EXIT_FAILURE;
  return run_unit_tests (tests, ARRAY_SIZE (tests));
}

/* Unit tests of the container and guest pieces that need neither crun nor
   a host: storage descriptions, cgroup files, output bounds, CPU and memory
   onlining, copied files. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "bundle.h"
#include "cgroup.h"
#include "guest_ops.h"
#include "loop.h"
#include "pstream.h"
#include "sandbox.h"
#include "storage.h"
#include "tests/check.h"
#include "util.h"

static char tmp_root[] = "/tmp/vc4j-unit-ctr.XXXXXX";

static bool
write_text (const char *dir, const char *name, const char *text)
{
  cleanup_free char *path = NULL;
  FILE *f;

  xasprintf (&path, "%s/%s", dir, name);
  f = fopen (path, "we");
  if (f == NULL)
    return false;
  fputs (text, f);
  return fclose (f) == 0;
}

static char *
make_dir (const char *name)
{
  char *path = NULL;

  xasprintf (&path, "%s/%s", tmp_root, name);
  mkdir (path, 0755);
  return path;
}

static bool
test_valid_names (void)
{
  char long_name[130];

  memset (long_name, 'a', sizeof (long_name) - 1);
  long_name[129] = '\0';
  CHECK (storage_valid_name ("web-1"));
  CHECK (storage_valid_name ("a.b_c"));
  CHECK (! storage_valid_name (""));
  CHECK (! storage_valid_name (".."));
  CHECK (! storage_valid_name ("-x"));
  CHECK (! storage_valid_name ("a/b"));
  CHECK (! storage_valid_name ("a b"));
  CHECK (! storage_valid_name (long_name));
  long_name[128] = '\0';
  CHECK (storage_valid_name (long_name));
  return true;
}

static bool
test_storage_validate (void)
{
  char *opts[] = { (char *) "ro", (char *) "a,b" };
  struct storage_desc d = { .driver = STORAGE_BLOCK, .source = "disk0", .fstype = "ext4", .mount_point = "rootfs" };
  agent_error_t err = NULL;

  CHECK (storage_validate (&d, &err) == 0);
  d.mount_point = "../etc";
  CHECK (storage_validate (&d, &err) < 0 && strstr (err->msg, "../etc") && error_code (&err) == GRPC_INVALID_ARGUMENT);
  d.mount_point = "rootfs";
  d.driver = 7;
  CHECK (storage_validate (&d, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  d.driver = STORAGE_BLOCK;
  d.fstype = "ext4 -o x";
  CHECK (storage_validate (&d, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  d.fstype = "ext4";
  d.options = opts;
  d.n_options = 2;
  CHECK (storage_validate (&d, &err) < 0 && strstr (err->msg, "a,b") && error_code (&err) == GRPC_INVALID_ARGUMENT);
  d.n_options = 1;
  CHECK (storage_validate (&d, &err) == 0);
  return true;
}

static bool
test_mount_options (void)
{
  char *opts[] = { (char *) "ro", (char *) "nodev",  (char *) "size=1m",
                   (char *) "rw", (char *) "noexec", (char *) "mode=755" };
  cleanup_free char *data = NULL;
  unsigned long flags;
  agent_error_t err = NULL;

  CHECK (storage_parse_options (opts, 2, &flags, &data, &err) == 0);
  CHECK (flags == (MS_RDONLY | MS_NODEV) && strcmp (data, "") == 0);
  free (steal_ptr (&data));
  CHECK (storage_parse_options (opts, 6, &flags, &data, &err) == 0);
  CHECK (flags == (MS_NODEV | MS_NOEXEC) && strcmp (data, "size=1m,mode=755") == 0);
  return true;
}

static bool
test_cgroup_of_pid (void)
{
  cleanup_free char *proc = make_dir ("proc");
  cleanup_free char *p42 = make_dir ("proc/42");
  cleanup_free char *p43 = make_dir ("proc/43");
  cleanup_free char *dir = NULL;
  agent_error_t err = NULL;

  CHECK (write_text (p42, "cgroup", "1:name=systemd:/\n0::/vc4j/web\n"));
  CHECK (write_text (p43, "cgroup", "1:memory:/x\n"));
  dir = cgroup_of_pid (proc, "/sys/fs/cgroup", 42, &err);
  CHECK (dir && strcmp (dir, "/sys/fs/cgroup/vc4j/web") == 0);
  CHECK (cgroup_of_pid (proc, "/sys/fs/cgroup", 43, &err) == NULL && error_code (&err) == GRPC_FAILED_PRECONDITION);
  CHECK (cgroup_of_pid (proc, "/sys/fs/cgroup", 44, &err) == NULL && error_code (&err) == GRPC_INTERNAL);
  return true;
}

static bool
test_cgroup_stats_and_procs (void)
{
  cleanup_free char *cg = make_dir ("cg");
  cleanup_free pid_t *pids = NULL;
  struct cgroup_stats st;
  agent_error_t err = NULL;
  size_t n;

  CHECK (cgroup_read_stats (cg, &st, &err) < 0 && error_code (&err) == GRPC_INTERNAL);
  CHECK (write_text (cg, "cpu.stat", "usage_usec 900\nuser_usec 600\nsystem_usec 300\n"));
  CHECK (write_text (cg, "memory.current", "1048576\n") && write_text (cg, "memory.max", "max\n"));
  CHECK (write_text (cg, "memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 1\n"));
  CHECK (write_text (cg, "pids.current", "3\n"));
  CHECK (write_text (cg, "io.stat", "254:0 rbytes=100 wbytes=20 rios=1 wios=1\n254:16 rbytes=5 wbytes=1\n"));
  CHECK (write_text (cg, "cgroup.procs", "1\n17\n230\n"));
  CHECK (cgroup_read_stats (cg, &st, &err) == 0);
  CHECK (st.cpu_usage_usec == 900 && st.cpu_user_usec == 600 && st.cpu_system_usec == 300);
  CHECK (st.memory_current == 1048576 && st.memory_max == 0 && st.oom_kills == 1 && st.pids_current == 3);
  CHECK (st.io_rbytes == 105 && st.io_wbytes == 21);
  CHECK (cgroup_oom_kills (cg) == 1 && cgroup_oom_kills (NULL) == 0);
  pids = cgroup_procs (cg, &n, &err);
  CHECK (pids && n == 3 && pids[0] == 1 && pids[1] == 17 && pids[2] == 230);
  return true;
}

/* A writer that never stops must meet a full pipe once the agent holds its
   bound: back-pressure, not memory. */
static bool
test_output_is_bounded (void)
{
  struct out_stream s;
  agent_error_t err = NULL;
  static uint8_t chunk[65536];
  int fds[2];
  size_t written = 0;
  bool blocked = false;

  CHECK (pipe2 (fds, O_NONBLOCK | O_CLOEXEC) == 0);
  CHECK (out_stream_init (&s, fds[0], &err) == 0);
  for (int round = 0; round < 200 && ! blocked; round++)
    {
      ssize_t n = write (fds[1], chunk, sizeof (chunk));
      if (n > 0)
        written += (size_t) n;
      loop_run_once (0, &err);
      CHECK (s.data.len <= PSTREAM_OUT_LIMIT);
      blocked = n < 0 && errno == EAGAIN && s.data.len == PSTREAM_OUT_LIMIT && ! s.watched;
    }
  CHECK (blocked);
  CHECK (written < 4 * PSTREAM_OUT_LIMIT);
  close (fds[1]);
  out_stream_release (&s);
  CHECK (s.w.fd == -1 && s.eof);
  return true;
}

static bool
test_output_eof (void)
{
  struct out_stream s;
  agent_error_t err = NULL;
  int fds[2];

  CHECK (pipe2 (fds, O_NONBLOCK | O_CLOEXEC) == 0);
  CHECK (out_stream_init (&s, fds[0], &err) == 0);
  CHECK (write (fds[1], "tail", 4) == 4);
  close (fds[1]);
  for (int i = 0; i < 10 && ! s.eof; i++)
    loop_run_once (10, &err);
  CHECK (s.eof && s.data.len == 4 && memcmp (s.data.data, "tail", 4) == 0);
  out_stream_release (&s);
  return true;
}

static bool
read_text (const char *path, char *out, size_t size)
{
  FILE *f = fopen (path, "re");
  size_t n;

  if (f == NULL)
    return false;
  n = fread (out, 1, size - 1, f);
  out[n] = '\0';
  fclose (f);
  return true;
}

static bool
test_online_cpus_and_memory (void)
{
  cleanup_free char *sys = make_dir ("sys");
  cleanup_free char *d1 = make_dir ("sys/devices");
  cleanup_free char *d2 = make_dir ("sys/devices/system");
  cleanup_free char *cpus = make_dir ("sys/devices/system/cpu");
  cleanup_free char *c0 = make_dir ("sys/devices/system/cpu/cpu0");
  cleanup_free char *c1 = make_dir ("sys/devices/system/cpu/cpu1");
  cleanup_free char *c2 = make_dir ("sys/devices/system/cpu/cpu2");
  cleanup_free char *c3 = make_dir ("sys/devices/system/cpu/cpufreq");
  cleanup_free char *mem = make_dir ("sys/devices/system/memory");
  cleanup_free char *m0 = make_dir ("sys/devices/system/memory/memory0");
  cleanup_free char *m1 = make_dir ("sys/devices/system/memory/memory1");
  cleanup_free char *path = NULL;
  agent_error_t err = NULL;
  unsigned n;
  char text[16];

  /* cpu0 has no online file (it cannot go offline) */
  CHECK (write_text (c1, "online", "0\n") && write_text (c2, "online", "0\n") && write_text (c3, "online", "0\n"));
  CHECK (write_text (m0, "state", "online\n") && write_text (m1, "state", "offline\n"));
  CHECK (guest_online_cpus (sys, 1, &n, &err) == 0 && n == 1);
  CHECK (guest_online_cpus (sys, 0, &n, &err) == 0 && n == 1);
  CHECK (guest_online_cpus (sys, 0, &n, &err) == 0 && n == 0);
  xasprintf (&path, "%s/online", c3);
  CHECK (read_text (path, text, sizeof (text)) && strcmp (text, "0\n") == 0);
  CHECK (guest_online_memory (sys, &n, &err) == 0 && n == 1);
  free (steal_ptr (&path));
  xasprintf (&path, "%s/state", m1);
  CHECK (read_text (path, text, sizeof (text)) && strcmp (text, "online") == 0);
  return true;
}

static bool
test_copy_file (void)
{
  cleanup_free char *shared = NULL;
  cleanup_free char *path = NULL;
  cleanup_free uint8_t *big = xzalloc (COPY_FILE_MAX + 1);
  agent_error_t err = NULL;
  struct stat st;
  char text[16];

  xasprintf (&shared, "%s/shared", tmp_root);
  CHECK (guest_copy_file (shared, "etc/app/conf", (const uint8_t *) "k=v\n", 4, 0600, &err) == 0);
  xasprintf (&path, "%s/etc/app/conf", shared);
  CHECK (read_text (path, text, sizeof (text)) && strcmp (text, "k=v\n") == 0);
  CHECK (stat (path, &st) == 0 && (st.st_mode & 07777) == 0600);
  free (steal_ptr (&path));
  xasprintf (&path, "%s/etc/app/conf.vc4j-tmp", shared);
  CHECK (access (path, F_OK) < 0);
  CHECK (guest_copy_file (shared, "../escape", big, 1, 0, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  CHECK (guest_copy_file (shared, "a/../../escape", big, 1, 0, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  CHECK (guest_copy_file (shared, "/etc/passwd", big, 1, 0, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  CHECK (guest_copy_file (shared, "a//b", big, 1, 0, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  CHECK (guest_copy_file (shared, "a/", big, 1, 0, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  CHECK (guest_copy_file (shared, "big", big, COPY_FILE_MAX + 1, 0, &err) < 0
         && error_code (&err) == GRPC_RESOURCE_EXHAUSTED);
  CHECK (guest_copy_file (shared, "f", big, 1, 010000, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  return true;
}

static bool
test_sandbox_setup (void)
{
  char *servers[] = { (char *) "10.0.2.3", (char *) "fd00::3" };
  char *search[] = { (char *) "example.org" };
  char *modules[] = { (char *) "9p" };
  char *bad[] = { (char *) "../x" };
  struct sandbox_setup s = { .hostname = "box-1",
                             .dns_servers = servers,
                             .n_dns_servers = 2,
                             .dns_search = search,
                             .n_dns_search = 1,
                             .modules = modules,
                             .n_modules = 1 };
  cleanup_free char *path = NULL;
  agent_error_t err = NULL;
  char text[128];

  CHECK (sandbox_validate (&s, &err) == 0);
  CHECK (sandbox_write_resolv_conf (tmp_root, &s, &err) == 0);
  xasprintf (&path, "%s/resolv.conf", tmp_root);
  CHECK (read_text (path, text, sizeof (text)));
  CHECK (strcmp (text, "nameserver 10.0.2.3\nnameserver fd00::3\nsearch example.org\n") == 0);
  /* A later set-up without DNS (storages only) keeps the file. */
  CHECK (sandbox_write_resolv_conf (tmp_root, &(struct sandbox_setup){ .hostname = "" }, &err) == 0);
  CHECK (read_text (path, text, sizeof (text)) && strncmp (text, "nameserver 10.0.2.3\n", 20) == 0);
  s.guest_hook_path = "hooks";
  CHECK (sandbox_validate (&s, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  s.guest_hook_path = "/run/hooks";
  CHECK (sandbox_validate (&s, &err) == 0);
  s.hostname = "a b";
  CHECK (sandbox_validate (&s, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  s.hostname = "";
  servers[1] = (char *) "not-an-ip";
  CHECK (sandbox_validate (&s, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  servers[1] = (char *) "fd00::3";
  s.modules = bad;
  CHECK (sandbox_validate (&s, &err) < 0 && error_code (&err) == GRPC_INVALID_ARGUMENT);
  return true;
}

static const struct unit_test tests[] = {
  { "valid_names", test_valid_names },
  { "storage_validate", test_storage_validate },
  { "mount_options", test_mount_options },
  { "cgroup_of_pid", test_cgroup_of_pid },
  { "cgroup_stats_and_procs", test_cgroup_stats_and_procs },
  { "output_is_bounded", test_output_is_bounded },
  { "output_eof", test_output_eof },
  { "online_cpus_and_memory", test_online_cpus_and_memory },
  { "copy_file", test_copy_file },
  { "sandbox_setup", test_sandbox_setup },
};

int
main (void)
{
  agent_error_t err = NULL;
  int ret;

  signal (SIGPIPE, SIG_IGN);
  if (mkdtemp (tmp_root) == NULL || loop_init (&err) < 0)
    {
      agent_error_log_release (&err);
      return EXIT_FAILURE;
    }
  ret = run_unit_tests (tests, ARRAY_SIZE (tests));
  bundle_remove_tree (tmp_root);
  return ret;
}

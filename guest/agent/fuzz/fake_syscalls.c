/* What fuzz_agent must not do for real, whatever the input asks: start
   programs, signal processes (a pid from the input could name the fuzzer),
   mount, set the clock or the hostname. These definitions take the place of
   libc's for the agent's own code linked into the fuzzer; each fails as the
   call would for a process without the privilege, so the agent's error paths
   run. The fuzzer also runs as nobody in its own network namespace (see the
   Makefile), so that nothing else it reaches is the host's. */
#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

pid_t
fork (void)
{
  errno = EAGAIN;
  return -1;
}

int
execvpe (const char *file, char *const argv[], char *const envp[])
{
  (void) file, (void) argv, (void) envp;
  errno = EACCES;
  return -1;
}

int
kill (pid_t pid, int sig)
{
  (void) pid, (void) sig;
  errno = ESRCH;
  return -1;
}

int
mount (const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)
{
  (void) source, (void) target, (void) fstype, (void) flags, (void) data;
  errno = EPERM;
  return -1;
}

int
umount2 (const char *target, int flags)
{
  (void) target, (void) flags;
  errno = EPERM;
  return -1;
}

int
clock_settime (clockid_t clock, const struct timespec *ts)
{
  (void) clock, (void) ts;
  errno = EPERM;
  return -1;
}

int
sethostname (const char *name, size_t len)
{
  (void) name, (void) len;
  errno = EPERM;
  return -1;
}

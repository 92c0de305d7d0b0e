/* The unit tests' assertion and runner. */
#ifndef VC4J_TEST_CHECK_H
#define VC4J_TEST_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "error.h"

#define CHECK(cond)                                                                         \
  do                                                                                        \
    {                                                                                       \
      if (! (cond))                                                                         \
        {                                                                                   \
          fprintf (stderr, "%s:%d: %s: failed: %s\n", __FILE__, __LINE__, __func__, #cond); \
          return false;                                                                     \
        }                                                                                   \
    }                                                                                       \
  while (0)

/* The code of an error (-1: none), which it releases. */
static inline int
error_code (agent_error_t *err)
{
  int code = *err ? (int) (*err)->code : -1;

  agent_error_release (err);
  return code;
}

struct unit_test
{
  const char *name;
  bool (*fn) (void);
};

/* Runs every test, prints one line each and the "N passed, M failed"
   summary run-tests.sh reads; returns the exit status. */
static inline int
run_unit_tests (const struct unit_test *tests, size_t n)
{
  int passed = 0, failed = 0;

  for (size_t i = 0; i < n; i++)
    {
      bool ok = tests[i].fn ();
      printf ("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
      if (ok)
        passed++;
      else
        failed++;
    }
  printf ("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

#endif

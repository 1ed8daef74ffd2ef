/* A tiny unit-test harness with named cases, in the spirit of libgit2's clar:
 *
 *   TEST(bus_ordering) { CHECK(x == 1); CHECK_STR(s, "a"); }
 *
 * Each unit-<module>-<topic> binary runs all its cases, or those named on its
 * command line, printing one line per case and "N passed, N failed" last.
 * A failed CHECK ends its case (the others still run).
 */
#ifndef ENCIDE_TEST_HARNESS_H
#define ENCIDE_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef void harness_fn(void);

/* Registers a case; TEST() calls it before main. */
void harness_register(const char *name, harness_fn *fn);
/* Records a failed check and leaves the case (longjmp). */
void harness_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* A directory made for this case, removed after it (not thread-safe). */
const char *harness_tmpdir(void);
/* Runs argv[0] (found on PATH) in dir with argv, no shell; its stdout goes
 * to *out (a new NUL-terminated string the caller frees) when out is not
 * NULL. Returns its exit status, or -1 when it could not run. */
int harness_run(const char *dir, char *const argv[], char **out);

#define TEST(name)                                                             \
	static void test_##name(void);                                         \
	__attribute__((constructor)) static void register_##name(void)         \
	{                                                                      \
		harness_register(#name, test_##name);                          \
	}                                                                      \
	static void test_##name(void)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			harness_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);  \
	} while (0)

#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_)                                                  \
			harness_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
				     #a, a_, #b, b_);                          \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *a_ = (a), *b_ = (b);                               \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                         \
			harness_fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"", \
				     #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} while (0)

#endif

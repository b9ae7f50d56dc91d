/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What damon_faults and damon_stress share: one-call sysfs reads and
 * writes that return the errno, paths, the fault injection knobs, and
 * short-lived target processes.
 */
#ifndef DAMON_SYSFS_LIB_H
#define DAMON_SYSFS_LIB_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define KSFT_SKIP 4
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KDAMONDS "/sys/kernel/mm/damon/admin/kdamonds"
#define CGROOT "/sys/fs/cgroup"
#define DEBUGFS "/sys/kernel/debug"

/* Write val in one write() call: 0 or the errno. */
static inline int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	int err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Read up to size - 1 bytes, NUL-terminated: 0 or the errno. */
static inline int sysfs_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t len;
	int err = 0;

	buf[0] = '\0';
	if (fd < 0)
		return errno;
	len = read(fd, buf, size - 1);
	if (len < 0)
		err = errno;
	else
		buf[len] = '\0';
	close(fd);
	return err;
}

/* A path from a format, in one of a few rotating buffers of the thread. */
static inline const char *pathf(const char *fmt, ...)
{
	static __thread char bufs[16][256];
	static __thread unsigned int next;
	char *buf = bufs[next++ % 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(bufs[0]), fmt, ap);
	va_end(ap);
	return buf;
}

static inline const char *errname(int err)
{
	return err ? strerrorname_np(err) : "success";
}

/*
 * Marks in the kernel log: between them, the test runner takes the kobject
 * core's messages about directories not made for want of memory for what
 * they are, the expected outcome of the injected failures.
 */
static inline void log_mark(const char *msg)
{
	sysfs_write("/dev/kmsg", msg);
}

/*
 * Fault injection for allocations that may sleep too (the default skips
 * them, and the interface's allocations are almost all GFP_KERNEL), of
 * every page order, without a report per failure: a report is a stack
 * dump, which the test runner counts as a kernel problem.  Pages for user
 * memory (__GFP_HIGHMEM) are left alone: the tests' own page faults
 * would fail, not the kernel's handlers.
 */
static const char * const fault_attrs[] = { "failslab", "fail_page_alloc" };

static inline int fault_knobs(const char *probability, const char *filter)
{
	int err = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		const char *dir = pathf(DEBUGFS "/%s/", fault_attrs[i]);

		err = err ?: sysfs_write(pathf("%signore-gfp-wait", dir), "N");
		err = err ?: sysfs_write(pathf("%sverbose", dir), "0");
		err = err ?: sysfs_write(pathf("%stimes", dir), "-1");
		err = err ?: sysfs_write(pathf("%sinterval", dir), "1");
		err = err ?: sysfs_write(pathf("%stask-filter", dir), filter);
		err = err ?: sysfs_write(pathf("%sprobability", dir),
					 probability);
	}
	err = err ?: sysfs_write(DEBUGFS "/fail_page_alloc/min-order", "0");
	log_mark("damon-selftests: fault injection armed");
	return err;
}

/* Back to the kernel's defaults. */
static inline void fault_knobs_reset(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_attrs); i++) {
		const char *dir = pathf(DEBUGFS "/%s/", fault_attrs[i]);

		sysfs_write(pathf("%sprobability", dir), "0");
		sysfs_write(pathf("%stask-filter", dir), "N");
		sysfs_write(pathf("%signore-gfp-wait", dir), "Y");
		sysfs_write(pathf("%stimes", dir), "1");
		sysfs_write(pathf("%sverbose", dir), "2");
	}
	sysfs_write(DEBUGFS "/fail_page_alloc/min-order", "1");
	log_mark("damon-selftests: fault injection disarmed");
}

/*
 * A target process: touches a mebibyte now and then until killed, in the
 * cgroup if one is given.  Returns its pid, or -1.
 */
static inline pid_t spawn_target(const char *cgroup)
{
	pid_t pid = fork();
	size_t i;
	char *mem;

	if (pid)
		return pid;
	if (cgroup)
		sysfs_write(pathf("%s/cgroup.procs", cgroup), "0");
	mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (;;) {
		for (i = 0; mem != MAP_FAILED && i < 1 << 20; i += 4096)
			__atomic_fetch_add(&mem[i], 1, __ATOMIC_RELAXED);
		usleep(20000);
	}
}

static inline void reap_target(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A memory cgroup of the given name, the controller on for it. */
static inline int make_cgroup(const char *name)
{
	int err = sysfs_write(CGROOT "/cgroup.subtree_control", "+memory");

	if (!err && mkdir(pathf(CGROOT "/%s", name), 0755) && errno != EEXIST)
		err = errno;
	return err;
}

#endif /* DAMON_SYSFS_LIB_H */

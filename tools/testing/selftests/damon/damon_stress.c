// SPDX-License-Identifier: GPL-2.0
/*
 * Concurrent writers on the DAMON sysfs tree, from one process so that the
 * guest spends its time in the kernel rather than in process spawns.
 *
 * Threads resize every nr_* level, turn the kdamond on, off and commit,
 * write values, and read state and pid, while directories come and go under
 * their open files.  Every call may fail, but only with an errno that the
 * interface documents for the race (EBUSY for the lock, ENODEV or ENOENT
 * for a removed file, EINVAL/EPERM/ECANCELED for the state machine).  At
 * the end the tree must still work.  Crashes, lockdep and KASAN reports
 * are caught by the kernel log check of the test runner.
 *
 * Usage: damon_stress SECONDS PID
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KSFT_SKIP 4
#define ADMIN "/sys/kernel/mm/damon/admin/kdamonds"
#define CTX ADMIN "/0/contexts/0"

static time_t deadline;
static int target_pid;
static atomic_long nr_ops, nr_unexpected;
/* per errno (0: success), to report what the calls really did */
#define MAX_ERRNO 134
static atomic_long nr_by_errno[MAX_ERRNO];

/* What each kind of call is: those that never succeed test nothing. */
enum kind { RESIZE, COMMAND, VALUE, READ, NR_KINDS };
static const char * const kind_names[] = { "resize", "command", "value",
					   "read" };
static atomic_long nr_succeeded[NR_KINDS];

static int sysfs_write(const char *path, const char *val)
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

static int sysfs_read(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	int err = 0;

	if (fd < 0)
		return errno;
	if (read(fd, buf, sizeof(buf)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Count one call; report an errno that the race does not explain. */
static void check(enum kind kind, const char *what, const char *path,
		  int err, const int *allowed)
{
	atomic_fetch_add(&nr_ops, 1);
	atomic_fetch_add(&nr_by_errno[err < MAX_ERRNO ? err : 0], 1);
	if (!err) {
		atomic_fetch_add(&nr_succeeded[kind], 1);
		return;
	}
	for (; *allowed; allowed++) {
		if (err == *allowed)
			return;
	}
	if (atomic_fetch_add(&nr_unexpected, 1) < 20)
		fprintf(stderr, "# %s %s: %s\n", what, path, strerror(err));
}

static const int gone[] = { ENOENT, ENODEV, EBUSY, 0 };
static const int cmd_errs[] = { ENOENT, ENODEV, EBUSY, EINVAL, EPERM,
				ECANCELED, 0 };

static void w(enum kind kind, const char *path, const char *val,
	      const int *allowed)
{
	check(kind, "write", path, sysfs_write(path, val), allowed);
}

static void r(const char *path)
{
	check(READ, "read", path, sysfs_read(path), gone);
}

static int running(void)
{
	return atomic_load(&nr_unexpected) < 20 && time(NULL) < deadline;
}

static void *resizer(void *arg)
{
	char nr[16];
	unsigned int i = 0;

	while (running()) {
		snprintf(nr, sizeof(nr), "%u", i++ % 4);
		w(RESIZE, ADMIN "/nr_kdamonds", i % 8 ? "1" : "2", gone);
		w(RESIZE, ADMIN "/0/contexts/nr_contexts", "1", gone);
		w(RESIZE, CTX "/targets/nr_targets", nr, gone);
		w(RESIZE, CTX "/targets/0/regions/nr_regions", nr, gone);
		w(RESIZE, CTX "/schemes/nr_schemes", nr, gone);
	}
	return NULL;
}

static void *commander(void *arg)
{
	static const char * const cmds[] = { "on", "commit", "off", "commit",
					     "update_schemes_stats", "off" };
	char pid[16];
	unsigned int i = 0;

	snprintf(pid, sizeof(pid), "%d", target_pid);
	while (running()) {
		w(VALUE, CTX "/targets/0/pid_target", pid, gone);
		w(VALUE, CTX "/monitoring_attrs/intervals/aggr_us", "10000",
		  gone);
		w(COMMAND, ADMIN "/0/state", cmds[i++ % 6], cmd_errs);
	}
	return NULL;
}

/* Keeps files open across removals of their directories. */
static void *holder(void *arg)
{
	static const char * const paths[] = {
		ADMIN "/0/state", ADMIN "/0/pid",
		CTX "/operations", CTX "/targets/0/pid_target",
		CTX "/targets/0/regions/0/start",
		CTX "/monitoring_attrs/nr_regions/min",
	};
	int fds[6];
	char buf[64];
	int i;

	while (running()) {
		for (i = 0; i < 6; i++)
			fds[i] = open(paths[i], i == 1 ? O_RDONLY : O_RDWR);
		usleep(1000);
		for (i = 0; i < 6; i++) {
			if (fds[i] < 0)
				continue;
			check(READ, "pread", paths[i],
			      pread(fds[i], buf, sizeof(buf), 0) < 0 ? errno : 0,
			      gone);
			if (i == 1 || i == 0) {
				close(fds[i]);
				continue;
			}
			check(VALUE, "pwrite", paths[i],
			      pwrite(fds[i], i == 2 ? "vaddr" : "10",
				     i == 2 ? 5 : 2, 0) < 0 ? errno : 0, gone);
			close(fds[i]);
		}
		r(ADMIN "/0/state");
	}
	return NULL;
}

int main(int argc, char *argv[])
{
	void *(*fns[])(void *) = { resizer, commander, holder, holder };
	pthread_t threads[4];
	int nr_failed_kinds = 0;
	int i;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SECONDS PID\n", argv[0]);
		return 1;
	}
	if (access(ADMIN, F_OK))
		return KSFT_SKIP;
	deadline = time(NULL) + atoi(argv[1]);
	target_pid = atoi(argv[2]);
	for (i = 0; i < 4; i++)
		pthread_create(&threads[i], NULL, fns[i], NULL);
	for (i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);

	/* the tree still works */
	for (i = 0; i < 100 && sysfs_write(ADMIN "/0/state", "off") == EBUSY; i++)
		usleep(10000);
	check(RESIZE, "final", "nr_kdamonds",
	      sysfs_write(ADMIN "/nr_kdamonds", "0"), (const int[]){ 0 });
	check(RESIZE, "final", "nr_kdamonds",
	      sysfs_write(ADMIN "/nr_kdamonds", "1"), (const int[]){ 0 });
	printf("# %ld operations, %ld unexpected errors\n",
	       atomic_load(&nr_ops), atomic_load(&nr_unexpected));
	printf("# results:");
	for (i = 0; i < MAX_ERRNO; i++) {
		if (atomic_load(&nr_by_errno[i]))
			printf(" %s %ld", i ? strerrorname_np(i) : "success",
			       atomic_load(&nr_by_errno[i]));
	}
	printf("\n# succeeded:");
	for (i = 0; i < NR_KINDS; i++) {
		printf(" %s %ld", kind_names[i], atomic_load(&nr_succeeded[i]));
		if (!atomic_load(&nr_succeeded[i]))
			nr_failed_kinds++;
	}
	printf("\n");
	if (nr_failed_kinds)
		fprintf(stderr, "# a kind of call never succeeded\n");
	return atomic_load(&nr_unexpected) || nr_failed_kinds ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Everything at once on the DAMON sysfs tree, with allocations failing.
 *
 * Two processes of several threads each, on two kdamonds: they resize
 * every nr_* level, write good and bad values to every kind of file, send
 * every state keyword (and bad ones), read everywhere (tried regions
 * included), through files they keep open while other threads remove the
 * directories; a thread spawns short-lived target processes and writes
 * their pids, and creates and removes the cgroups that memcg filters name.
 * The tasks that write and read the tree fail about one allocation in a
 * hundred (failslab and fail_page_alloc, task-filter), sleeping ones
 * included.
 *
 * Every call may fail, but only with an errno that the interface
 * documents; crashes, leaks and lockdep or KASAN reports are caught by the
 * test runner.  A call that stays in the kernel for more than 30 s fails
 * the run (the watchdog thread), and the hung-task detector is set to 20 s
 * meanwhile.  At the end the tree must still work.
 *
 * Usage: damon_stress MAX-SECONDS MIN-OPERATIONS
 * Stops after MIN-OPERATIONS calls, fails if MAX-SECONDS come first.
 */
#include "damon_sysfs_lib.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <time.h>

#define MAX_ERRNO 134
#define NR_CGROUPS 3
#define NR_PIDS 8
#define NR_SLOTS 16		/* open files kept per thread */
#define BLOCKED_S 30
#define MAX_THREADS 16

enum kind { SHAPE, VALUE, COMMAND, READ, NR_KINDS };
static const char * const kind_names[] = { "shape", "value", "command",
					   "read" };

/* shared by the two processes */
struct shared {
	atomic_long nr_ops;
	atomic_long nr_unexpected;
	atomic_long by_errno[MAX_ERRNO];
	atomic_long succeeded[NR_KINDS];
	atomic_long reached;	/* calls that got past path lookup */
	atomic_int stop;
	atomic_int pids[NR_PIDS];	/* live (or lately dead) targets */
	struct {
		atomic_long since_ms;	/* 0: not in a call */
		atomic_int tid;
		char what[160];
	} calls[MAX_THREADS];
	atomic_int nr_threads;
	atomic_int nr_live;	/* workers not yet finished */
};

static struct shared *sh;
static long min_ops, max_ms, start_ms;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* per thread */
struct worker {
	unsigned int seed;
	int slot;		/* in sh->calls */
	struct {
		char path[192];
		bool writable;
		int fd;
	} open[NR_SLOTS];
};

static unsigned int rnd(struct worker *w, unsigned int n)
{
	return rand_r(&w->seed) % n;
}

static void call_begin(struct worker *w, const char *what, const char *path)
{
	snprintf(sh->calls[w->slot].what, sizeof(sh->calls[0].what), "%s %s",
		 what, path);
	atomic_store(&sh->calls[w->slot].since_ms, now_ms());
}

static void call_end(struct worker *w)
{
	atomic_store(&sh->calls[w->slot].since_ms, 0);
}

/* The errnos the interface documents for a racing or failing call. */
static bool allowed(int err)
{
	switch (err) {
	case 0: case ENOENT: case ENODEV: case EBUSY: case EINVAL: case EPERM:
	case ECANCELED: case ENOMEM: case ERANGE: case EINTR:
		return true;
	}
	return false;
}

static void count(enum kind kind, const char *what, const char *path,
		  int err)
{
	atomic_fetch_add(&sh->nr_ops, 1);
	atomic_fetch_add(&sh->by_errno[err < MAX_ERRNO ? err : 0], 1);
	if (err != ENOENT && err != ENODEV)
		atomic_fetch_add(&sh->reached, 1);
	if (!err)
		atomic_fetch_add(&sh->succeeded[kind], 1);
	if (!allowed(err) && atomic_fetch_add(&sh->nr_unexpected, 1) < 20)
		fprintf(stderr, "# %s %s: %s\n", what, path, errname(err));
}

/*
 * A file of the thread's open set, kept open across removals: read-only
 * files (pid, stats, tried regions) cannot be opened for writing.
 */
static int slot_fd(struct worker *w, const char *path, bool writable,
		   int *err)
{
	unsigned int h = 5381;
	const char *c;
	int i;

	for (c = path; *c; c++)
		h = h * 33 + *c;
	i = h % NR_SLOTS;
	if (w->open[i].fd >= 0 && !strcmp(w->open[i].path, path) &&
	    w->open[i].writable == writable)
		return i;
	if (w->open[i].fd >= 0)
		close(w->open[i].fd);
	w->open[i].writable = writable;
	w->open[i].fd = open(path, writable ? O_RDWR : O_RDONLY);
	*err = w->open[i].fd < 0 ? errno : 0;
	snprintf(w->open[i].path, sizeof(w->open[0].path), "%s", path);
	return w->open[i].fd < 0 ? -1 : i;
}

/*
 * A missing directory: the nr_* file that would make it, else NULL.
 * Without repairs, the random shapes leave most paths missing, and most
 * calls would fail at path lookup.
 */
static const char *repair(const char *path, const char **val)
{
	static const char * const levels[] = { "kdamonds", "contexts",
		"targets", "regions", "schemes", "filters", "goals" };
	static __thread char nr_path[256];
	char prefix[192];
	const char *c;
	size_t len;
	int i, n;

	for (c = strchr(path + 1, '/'); c; c = strchr(c + 1, '/')) {
		len = c - path;
		if (len >= sizeof(prefix) || c[1] < '0' || c[1] > '9')
			continue;
		memcpy(prefix, path, len);
		prefix[len] = '\0';
		/* the numbered directory after prefix */
		n = len + 1 + strcspn(c + 1, "/");
		if (n >= (int)sizeof(nr_path))
			continue;
		memcpy(nr_path, path, n);
		nr_path[n] = '\0';
		if (!access(nr_path, F_OK))
			continue;
		for (i = 0; i < 7; i++) {
			size_t l = strlen(levels[i]);

			if (len > l && !strcmp(prefix + len - l, levels[i]))
				break;
		}
		if (i == 7)
			return NULL;
		snprintf(nr_path, sizeof(nr_path), "%s/nr_%s", prefix,
			 levels[i]);
		*val = i == 1 ? "1" : "2";
		return nr_path;
	}
	return NULL;
}

/* One pwrite() or pread() at offset 0 through the open set. */
static void io(struct worker *w, enum kind what, const char *path,
	       const char *val)
{
	char buf[4096];
	int err = 0, i;
	ssize_t ret;

	call_begin(w, val ? "write" : "read", path);
	i = slot_fd(w, path, val, &err);
	if (i >= 0) {
		ret = val ? pwrite(w->open[i].fd, val, strlen(val), 0) :
			pread(w->open[i].fd, buf, sizeof(buf), 0);
		err = ret < 0 ? errno : 0;
		/* its directory went: open it anew next time */
		if (err == ENODEV) {
			close(w->open[i].fd);
			w->open[i].fd = -1;
		}
	}
	call_end(w);
	count(what, val ? "write" : "read", path, err);
	if (err == ENOENT && what != SHAPE) {
		const char *nr_val, *nr_path = repair(path, &nr_val);

		if (nr_path)
			io(w, SHAPE, nr_path, nr_val);
	}
}

/* --- the tree's paths --------------------------------------------------- */

static const char *kd_path(struct worker *w)
{
	return pathf(KDAMONDS "/%u", rnd(w, 2));
}

static const char *ctx_path(struct worker *w)
{
	return pathf("%s/contexts/0", kd_path(w));
}

static const char *target_path(struct worker *w)
{
	return pathf("%s/targets/%u", ctx_path(w), rnd(w, 2));
}

static const char *scheme_path(struct worker *w)
{
	return pathf("%s/schemes/%u", ctx_path(w), rnd(w, 2));
}

/* filters/, or core_filters/ or ops_filters/ (6.15), of a scheme */
static const char *filters_path(struct worker *w)
{
	static const char * const dirs[] = { "filters", "core_filters",
					     "ops_filters" };

	return pathf("%s/%s", scheme_path(w), dirs[rnd(w, 3)]);
}

/* Values, good and bad, for a kind of file. */
static const char * const numbers[] = { "0", "1", "3", "10", "4096", "20000",
	"1000000", "18446744073709551615", "18446744073709551616", "-1",
	"0x10", "abc" };
/*
 * Intervals and region counts stay sane: a command waits for the end of
 * a window or an apply interval, which a user may make as long as they
 * like, and a min_nr_regions of millions makes the kdamond split for long.
 * The sampling interval is never 0: the kdamond then counts a window of
 * aggr_us samples without sleeping between them, and each loop takes a
 * few milliseconds under TCG (5000 samples took 10 s in an idle guest):
 * a 100 ms window would last minutes, in samples, not time.
 */
static const char * const intervals[] = { "0", "1000", "5000", "20000",
	"100000", "-1", "x", "18446744073709551616" };
static const char * const sample_intervals[] = { "1000", "5000", "20000",
	"-1", "x", "18446744073709551616" };
static const char * const nr_regions[] = { "0", "1", "3", "10", "100",
	"-1", "x" };
static const char * const addr_files[] = { "addr_start", "addr_end",
	"damon_target_idx" };
static const char * const small[] = { "0", "1", "2", "3", "-1", "x" };
static const char * const ops_names[] = { "vaddr", "fvaddr", "paddr",
					  "VADDR" };
static const char * const actions[] = { "stat", "pageout", "cold",
	"lru_prio", "migrate_hot", "nohugepage", "bogus" };
static const char * const metrics[] = { "none", "free_mem_rate", "x" };
static const char * const goal_metrics[] = { "user_input",
	"some_mem_psi_us", "node_mem_used_bp", "node_mem_free_bp", "y" };
static const char * const filter_types[] = { "anon", "memcg", "young",
	"addr", "target", "z" };
static const char * const bools[] = { "Y", "N", "on", "maybe" };
static const char * const commands[] = { "on", "off", "commit", "commit",
	"update_schemes_stats", "update_schemes_tried_regions",
	"update_schemes_tried_bytes", "clear_schemes_tried_regions",
	"update_schemes_effective_quotas", "commit_schemes_quota_goals",
	"update_tuned_intervals", "on", "of", "ON" };

static const char *pick(struct worker *w, const char * const *values,
			unsigned int nr)
{
	return values[rnd(w, nr)];
}

static const char *small_or_number(struct worker *w)
{
	if (rnd(w, 2))
		return pick(w, small, ARRAY_SIZE(small));
	return pick(w, numbers, ARRAY_SIZE(numbers));
}

/* A value file and a value for it. */
static const char *value_file(struct worker *w, const char **val)
{
	static const char * const ranges[] = { "sz", "nr_accesses", "age" };
	static const char * const wmarks[] = { "interval_us", "high", "mid",
					       "low" };
	static const char * const quotas[] = { "ms", "bytes",
		"reset_interval_ms", "weights/sz_permil",
		"weights/nr_accesses_permil", "weights/age_permil" };
	static const char * const refresh[] = { "0", "1", "10", "100" };
	/* bounds never below 1 ms, for the reason sample_us has none */
	static const char * const goal[] = { "0", "1", "3", "400", "10000",
		"-1", "x" };
	static const char * const goal_files[] = { "access_bp", "aggrs" };
	const char *s = scheme_path(w);
	char pid[16];

	*val = pick(w, numbers, ARRAY_SIZE(numbers));
	switch (rnd(w, 19)) {
	case 0:
		*val = pick(w, ops_names, ARRAY_SIZE(ops_names));
		return pathf("%s/operations", ctx_path(w));
	case 1:
		if (rnd(w, 3) == 0) {
			*val = pick(w, sample_intervals,
				    ARRAY_SIZE(sample_intervals));
			return pathf("%s/monitoring_attrs/intervals/sample_us",
				     ctx_path(w));
		}
		*val = pick(w, intervals, ARRAY_SIZE(intervals));
		return pathf("%s/monitoring_attrs/intervals/%s", ctx_path(w),
			     rnd(w, 2) ? "aggr_us" : "update_us");
	case 2:
		*val = pick(w, nr_regions, ARRAY_SIZE(nr_regions));
		return pathf("%s/monitoring_attrs/nr_regions/%s", ctx_path(w),
			     rnd(w, 2) ? "min" : "max");
	case 3:
		snprintf(pid, sizeof(pid), "%d",
			 atomic_load(&sh->pids[rnd(w, NR_PIDS)]));
		*val = rnd(w, 8) ? pathf("%s", pid) : pick(w, small, ARRAY_SIZE(small));
		return pathf("%s/pid_target", target_path(w));
	case 4:
		return pathf("%s/regions/%u/%s", target_path(w), rnd(w, 2),
			     rnd(w, 2) ? "start" : "end");
	case 5:
		*val = pick(w, actions, ARRAY_SIZE(actions));
		return pathf("%s/action", s);
	case 6:
		if (rnd(w, 2)) {
			*val = pick(w, intervals, ARRAY_SIZE(intervals));
			return pathf("%s/apply_interval_us", s);
		}
		*val = small_or_number(w);
		return pathf("%s/target_nid", s);
	case 7:
		return pathf("%s/access_pattern/%s/%s", s,
			     pick(w, ranges, ARRAY_SIZE(ranges)),
			     rnd(w, 2) ? "min" : "max");
	case 8:
		return pathf("%s/quotas/%s", s, pick(w, quotas, ARRAY_SIZE(quotas)));
	case 9:
		*val = pick(w, goal_metrics, ARRAY_SIZE(goal_metrics));
		return pathf("%s/quotas/goals/%u/target_metric", s, rnd(w, 2));
	case 10:
		if (!rnd(w, 3)) {
			*val = pick(w, small, ARRAY_SIZE(small));
			return pathf("%s/quotas/goals/%u/nid", s, rnd(w, 2));
		}
		return pathf("%s/quotas/goals/%u/%s", s, rnd(w, 2),
			     rnd(w, 2) ? "target_value" : "current_value");
	case 11:
		if (rnd(w, 2)) {
			*val = pick(w, metrics, ARRAY_SIZE(metrics));
			return pathf("%s/watermarks/metric", s);
		}
		return pathf("%s/watermarks/%s", s, pick(w, wmarks, ARRAY_SIZE(wmarks)));
	case 12:
		*val = pick(w, filter_types, ARRAY_SIZE(filter_types));
		return pathf("%s/%u/type", filters_path(w), rnd(w, 2));
	case 13:
		*val = pick(w, bools, ARRAY_SIZE(bools));
		return pathf("%s/%u/matching", filters_path(w), rnd(w, 2));
	case 14:
		*val = pathf("/damon_stress_%u\n", rnd(w, NR_CGROUPS + 1));
		return pathf("%s/%u/memcg_path", filters_path(w), rnd(w, 2));
	case 15:
		*val = rnd(w, 4) ? pick(w, refresh, ARRAY_SIZE(refresh)) :
			pick(w, small, ARRAY_SIZE(small));
		return pathf("%s/refresh_ms", kd_path(w));
	case 16:
		*val = pick(w, bools, ARRAY_SIZE(bools));
		return pathf("%s/obsolete_target", target_path(w));
	case 17:
		if (rnd(w, 2)) {
			*val = pick(w, goal, ARRAY_SIZE(goal));
			return pathf("%s/monitoring_attrs/intervals/intervals_goal/%s",
				     ctx_path(w),
				     pick(w, goal_files, ARRAY_SIZE(goal_files)));
		}
		*val = pick(w, sample_intervals, ARRAY_SIZE(sample_intervals));
		return pathf("%s/monitoring_attrs/intervals/intervals_goal/%s",
			     ctx_path(w),
			     rnd(w, 2) ? "min_sample_us" : "max_sample_us");
	default:
		*val = small_or_number(w);
		return pathf("%s/%u/%s", filters_path(w), rnd(w, 2),
			     pick(w, addr_files, ARRAY_SIZE(addr_files)));
	}
}

/* An nr_* file of any level. */
static const char *nr_file(struct worker *w, const char **val)
{
	const char *s = scheme_path(w);

	/* mostly two of each, so that most paths exist */
	*val = rnd(w, 2) ? "2" : pick(w, small, ARRAY_SIZE(small));
	switch (rnd(w, 8)) {
	case 0:
		*val = rnd(w, 8) ? "2" : pick(w, small, ARRAY_SIZE(small));
		return KDAMONDS "/nr_kdamonds";
	case 1:
		*val = rnd(w, 4) ? "1" : pick(w, small, ARRAY_SIZE(small));
		return pathf("%s/contexts/nr_contexts", kd_path(w));
	case 2:
		return pathf("%s/targets/nr_targets", ctx_path(w));
	case 3:
		return pathf("%s/regions/nr_regions", target_path(w));
	case 4:
		return pathf("%s/schemes/nr_schemes", ctx_path(w));
	case 5:
		return pathf("%s/nr_filters", filters_path(w));
	case 6:
		return pathf("%s/quotas/goals/nr_goals", s);
	default:
		*val = rnd(w, 4) ? "1" : "0";
		return pathf("%s/targets/nr_targets", ctx_path(w));
	}
}

/* Any readable file, tried regions and stats included. */
static const char *read_file(struct worker *w)
{
	static const char * const region[] = { "start", "end", "nr_accesses",
					       "age" };
	static const char * const stats[] = { "nr_tried", "sz_tried",
		"nr_applied", "sz_applied", "qt_exceeds" };
	const char *s = scheme_path(w);
	const char *v;

	switch (rnd(w, 8)) {
	case 0:
		return pathf("%s/%s", kd_path(w), rnd(w, 2) ? "state" : "pid");
	case 1:
	case 2:
		return pathf("%s/tried_regions/%u/%s", s, rnd(w, 6),
			     pick(w, region, ARRAY_SIZE(region)));
	case 3:
		return pathf("%s/tried_regions/total_bytes", s);
	case 4:
		return pathf("%s/stats/%s", s, pick(w, stats, ARRAY_SIZE(stats)));
	case 5:
		return pathf("%s/quotas/effective_bytes", s);
	case 6:
		return pathf("%s/%u/memcg_path", filters_path(w), rnd(w, 2));
	default:
		return value_file(w, &v);
	}
}

/* --- the threads ---------------------------------------------------------- */

/* until told, or on its own a while after the deadline */
static bool running(void)
{
	return !atomic_load(&sh->stop) && now_ms() - start_ms < max_ms + 30000;
}

static void worker_init(struct worker *w, unsigned int seed, bool faults)
{
	int i;

	atomic_fetch_add(&sh->nr_live, 1);
	w->seed = seed;
	w->slot = atomic_fetch_add(&sh->nr_threads, 1);
	atomic_store(&sh->calls[w->slot].tid, (int)syscall(SYS_gettid));
	for (i = 0; i < NR_SLOTS; i++)
		w->open[i].fd = -1;
	/* from here on, this task's allocations fail now and then */
	if (faults)
		sysfs_write("/proc/thread-self/make-it-fail", "1");
}

static void worker_exit(struct worker *w)
{
	int i;

	sysfs_write("/proc/thread-self/make-it-fail", "0");
	for (i = 0; i < NR_SLOTS; i++)
		if (w->open[i].fd >= 0)
			close(w->open[i].fd);
	atomic_fetch_sub(&sh->nr_live, 1);
}

/* Values, reads and now and then a new shape. */
static void *mixer(void *arg)
{
	struct worker w;
	const char *path, *val;

	worker_init(&w, (unsigned long)arg, true);
	while (running()) {
		unsigned int dice = rnd(&w, 100);

		if (dice < 3) {
			path = nr_file(&w, &val);
			io(&w, SHAPE, path, val);
		} else if (dice < 50) {
			path = value_file(&w, &val);
			io(&w, VALUE, path, val);
		} else {
			io(&w, READ, read_file(&w), NULL);
		}
	}
	worker_exit(&w);
	return NULL;
}

/* State keywords, each its own open, write and close. */
static void *commander(void *arg)
{
	struct worker w;
	const char *path, *cmd;
	int err;

	worker_init(&w, (unsigned long)arg, true);
	while (running()) {
		path = pathf("%s/state", kd_path(&w));
		cmd = pick(&w, commands, ARRAY_SIZE(commands));
		call_begin(&w, cmd, path);
		err = sysfs_write(path, cmd);
		call_end(&w);
		count(COMMAND, cmd, path, err);
	}
	worker_exit(&w);
	return NULL;
}

/*
 * Short-lived targets and the cgroups that memcg filters name.  Without
 * failures: fork() and cgroup directories are not under test, and a
 * failed vmalloc() of a kernel stack logs a stack dump.
 */
static void *lifecycle(void *arg)
{
	struct worker w;
	unsigned int i;
	pid_t pid;

	worker_init(&w, (unsigned long)arg, false);
	while (running()) {
		i = rnd(&w, NR_PIDS);
		pid = fork();
		if (pid == 0) {
			usleep(20000 + rand_r(&w.seed) % 500000);
			_exit(0);
		}
		if (pid > 0)
			atomic_store(&sh->pids[i], pid);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		i = rnd(&w, NR_CGROUPS);
		if (rnd(&w, 2))
			mkdir(pathf(CGROOT "/damon_stress_%u", i), 0755);
		else
			rmdir(pathf(CGROOT "/damon_stress_%u", i));
		usleep(20000);
	}
	worker_exit(&w);
	return NULL;
}

/*
 * What the kernel's DAMON threads are doing, for a blocked call: the
 * kdamonds' stacks and those of the kworkers in DAMON code (the refresh),
 * then sysrq-w puts every blocked task in the kernel log.
 */
static void dump_damon_threads(void)
{
	char comm[32], stack[2048];
	struct dirent *d;
	DIR *proc;

	proc = opendir("/proc");
	while (proc && (d = readdir(proc))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9' ||
		    sysfs_read(pathf("/proc/%s/comm", d->d_name), comm,
			       sizeof(comm)))
			continue;
		if (strncmp(comm, "kdamond", 7) && strncmp(comm, "kworker", 7))
			continue;
		if (sysfs_read(pathf("/proc/%s/stack", d->d_name), stack,
			       sizeof(stack)) ||
		    (strncmp(comm, "kdamond", 7) && !strstr(stack, "damon")))
			continue;
		printf("# %s %s:\n# %s\n", d->d_name, comm, stack);
	}
	if (proc)
		closedir(proc);
	sysfs_write("/proc/sysrq-trigger", "w");
}

/* The calls that have been in the kernel for @min_s or more, and where. */
static void dump_calls(long min_s)
{
	char stack[2048];
	int i;

	for (i = 0; i < atomic_load(&sh->nr_threads); i++) {
		long since = atomic_load(&sh->calls[i].since_ms);

		if (!since || now_ms() - since < min_s * 1000)
			continue;
		printf("# in the kernel for %ld s: %s\n",
		       (now_ms() - since) / 1000, sh->calls[i].what);
		if (!sysfs_read(pathf("/proc/%d/stack",
				      atomic_load(&sh->calls[i].tid)),
				stack, sizeof(stack)))
			printf("# %s\n", stack);
	}
}

/*
 * Fails the run if a call stays in the kernel for BLOCKED_S, until the
 * last worker of both processes has finished; stops the run at its end.
 * Every minute, how far it got and the calls that take long.
 */
static void *watchdog(void *arg)
{
	long minutes = 0;
	int i;

	while (running() || atomic_load(&sh->nr_live)) {
		sleep(1);
		if (atomic_load(&sh->nr_ops) >= min_ops ||
		    now_ms() - start_ms > max_ms)
			atomic_store(&sh->stop, 1);
		/* a loaded guest makes a second of sleep(1) longer */
		if ((now_ms() - start_ms) / 60000 > minutes) {
			minutes = (now_ms() - start_ms) / 60000;
			printf("# %ld operations after %ld s\n",
			       atomic_load(&sh->nr_ops),
			       (now_ms() - start_ms) / 1000);
			dump_calls(5);
		}
		for (i = 0; i < atomic_load(&sh->nr_threads); i++) {
			long since = atomic_load(&sh->calls[i].since_ms);

			if (!since || now_ms() - since < BLOCKED_S * 1000)
				continue;
			printf("# a call blocked for %d s or more:\n",
			       BLOCKED_S);
			dump_calls(BLOCKED_S);
			dump_damon_threads();
			fflush(stdout);
			/* the other process stops too */
			atomic_store(&sh->stop, 1);
			_exit(1);
		}
	}
	return NULL;
}

/* One process: its threads until told to stop. */
static void run_process(unsigned int seed, bool main_process)
{
	void *(*fns[])(void *) = { mixer, mixer, mixer, commander, lifecycle };
	pthread_t threads[6];
	int nr = ARRAY_SIZE(fns);
	int i;

	for (i = 0; i < nr; i++)
		pthread_create(&threads[i], NULL, fns[i],
			       (void *)(unsigned long)(seed * 16 + i));
	if (main_process)
		pthread_create(&threads[nr++], NULL, watchdog, NULL);
	for (i = 0; i < nr; i++)
		pthread_join(threads[i], NULL);
}

static void report(long seconds)
{
	int i;

	printf("# %ld operations in %ld s, %ld reached the handlers",
	       atomic_load(&sh->nr_ops), seconds, atomic_load(&sh->reached));
	printf(" (not ENOENT or ENODEV), %ld unexpected errors\n",
	       atomic_load(&sh->nr_unexpected));
	printf("# results:");
	for (i = 0; i < MAX_ERRNO; i++)
		if (atomic_load(&sh->by_errno[i]))
			printf(" %s %ld", i ? strerrorname_np(i) : "success",
			       atomic_load(&sh->by_errno[i]));
	printf("\n# succeeded:");
	for (i = 0; i < NR_KINDS; i++)
		printf(" %s %ld", kind_names[i],
		       atomic_load(&sh->succeeded[i]));
	printf("\n");
}

/* Everything off and removed, then a tree that works. */
static int final_check(void)
{
	int err = 0, i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < 100; i++) {
			err = sysfs_write(pathf(KDAMONDS "/%d/state", k), "off");
			if (err != EBUSY)
				break;
			usleep(10000);
		}
	err = sysfs_write(KDAMONDS "/nr_kdamonds", "0");
	err = err ?: sysfs_write(KDAMONDS "/nr_kdamonds", "1");
	err = err ?: sysfs_write(KDAMONDS "/0/contexts/nr_contexts", "1");
	err = err ?: sysfs_write(KDAMONDS "/0/contexts/0/operations", "paddr");
	err = err ?: sysfs_write(KDAMONDS "/0/state", "on");
	err = err ?: sysfs_write(KDAMONDS "/0/state", "off");
	err = err ?: sysfs_write(KDAMONDS "/nr_kdamonds", "0");
	if (err)
		printf("# the tree after the stress: %s\n", errname(err));
	return err;
}

/* A crash of the stress itself: where, before the process goes. */
static void on_crash(int sig, siginfo_t *info, void *uc)
{
	char msg[96];
	int len;

	len = snprintf(msg, sizeof(msg), "# signal %d at address %p\n", sig,
		       info->si_addr);
	write(STDOUT_FILENO, msg, len);
	_exit(1);
}

int main(int argc, char *argv[])
{
	struct sigaction crash = { .sa_sigaction = on_crash,
				   .sa_flags = SA_SIGINFO };
	char hung[16] = "";
	long seconds, max_s;
	int status = 0, i, fail = 0;
	pid_t child;

	if (argc < 3) {
		fprintf(stderr, "usage: %s MAX-SECONDS MIN-OPERATIONS\n",
			argv[0]);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGSEGV, &crash, NULL);
	sigaction(SIGBUS, &crash, NULL);
	max_s = atol(argv[1]);
	max_ms = max_s * 1000;
	min_ops = atol(argv[2]);
	start_ms = now_ms();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* what the kernel lacks is a skip, for the caller */
	if (access(KDAMONDS, F_OK) || fault_knobs("1", "Y") ||
	    sysfs_write(CGROOT "/cgroup.subtree_control", "+memory")) {
		printf("# no interface, fault injection or memory cgroups\n");
		return KSFT_SKIP;
	}
	sysfs_read("/proc/sys/kernel/hung_task_timeout_secs", hung,
		   sizeof(hung));
	sysfs_write("/proc/sys/kernel/hung_task_timeout_secs", "20");
	sysfs_write(KDAMONDS "/nr_kdamonds", "2");
	child = fork();
	if (child == 0) {
		run_process(2, false);
		_exit(0);
	}
	/* the main process's watchdog also stops both at the deadline */
	alarm(max_s + 60);
	run_process(1, true);
	printf("# every worker done after %ld s\n",
	       (now_ms() - start_ms) / 1000);
	waitpid(child, &status, 0);
	seconds = (now_ms() - start_ms) / 1000;
	fault_knobs_reset();
	if (hung[0])
		sysfs_write("/proc/sys/kernel/hung_task_timeout_secs", hung);
	report(seconds);
	for (i = 0; i < NR_CGROUPS; i++)
		rmdir(pathf(CGROOT "/damon_stress_%d", i));
	for (i = 0; i < NR_KINDS; i++)
		if (!atomic_load(&sh->succeeded[i])) {
			printf("# no %s call ever succeeded\n", kind_names[i]);
			fail = 1;
		}
	if (atomic_load(&sh->nr_ops) < min_ops) {
		printf("# fewer than %ld operations in %ld s\n", min_ops,
		       max_s);
		fail = 1;
	}
	if (atomic_load(&sh->reached) * 2 < atomic_load(&sh->nr_ops)) {
		printf("# most calls did not reach the handlers\n");
		fail = 1;
	}
	if (final_check() || atomic_load(&sh->nr_unexpected) ||
	    !WIFEXITED(status) || WEXITSTATUS(status))
		fail = 1;
	return fail;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation failure of the writer's path, one at a time.
 *
 * For each operation (a write to one file), with the n-th fault-injectable
 * call of the writing task failed (/proc/thread-self/fail-nth), for
 * n = 1, 2, ... until the write completes without consuming the fault:
 *
 * - the write fails with ENOMEM and changes nothing (a failed nr_* write
 *   leaves no directory, as documented), or it absorbed the failure (a
 *   fallback) and did what a clean run does;
 * - a running kdamond keeps running, with its old context;
 * - the same write, retried without a fault, succeeds and leaves the tree
 *   as a clean run does.
 *
 * The kdamond's own allocations (damon_commit_ctx() in it) are not the
 * writer's: fail-nth does not reach them.
 *
 * Prints KTAP, one result per operation, with the number of failure
 * points taken.  Leaks and kernel reports are caught by the test runner.
 *
 * Usage: damon_faults [OPERATION-NAME-PREFIX]
 */
#include "damon_sysfs_lib.h"

#include <ftw.h>
#include <stdbool.h>
#include <time.h>

#define KD KDAMONDS "/0"
#define CTX KD "/contexts/0"
#define SCHEME(s) CTX "/schemes/" #s
#define CGROUP "damon_faults"
#define MAX_POINTS 20000
#define NR_TARGETS 3

static pid_t targets[NR_TARGETS];
static int fail_nth_fd = -1;
static char problem[1024];
static int nr_failed;

/* --- checks ----------------------------------------------------------- */

static bool report(const char *fmt, ...)
{
	va_list ap;

	if (problem[0])
		return false;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	return false;
}

static void must(const char *path, const char *val)
{
	int err = sysfs_write(path, val);

	if (err)
		report("setup: %s <- %s: %s", path, val, errname(err));
}

static long read_long(const char *path)
{
	char buf[64];
	int err = sysfs_read(path, buf, sizeof(buf));

	if (err)
		report("reading %s: %s", path, errname(err));
	return strtol(buf, NULL, 0);
}

static bool is_on(void)
{
	char buf[16];

	sysfs_read(KD "/state", buf, sizeof(buf));
	return !strcmp(buf, "on\n");
}

/* --- the tree, as text: every file but those that change on their own - */

static char *dump_buf;
static size_t dump_len, dump_cap;

static void dump_add(const char *s)
{
	size_t len = strlen(s);

	if (dump_len + len + 1 > dump_cap) {
		dump_cap = (dump_len + len + 1) * 2;
		dump_buf = realloc(dump_buf, dump_cap);
	}
	memcpy(dump_buf + dump_len, s, len + 1);
	dump_len += len;
}

static bool volatile_file(const char *path)
{
	return strstr(path, "/tried_regions/") || strstr(path, "/stats/") ||
		strstr(path, "/effective_bytes") ||
		!strcmp(strrchr(path, '/'), "/pid");
}

static int dump_depth;

static int dump_one(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	char buf[4200];
	int err;

	if (type == FTW_D && ftw->level >= dump_depth)
		return FTW_SKIP_SUBTREE;
	if (type != FTW_F || volatile_file(path))
		return 0;
	err = sysfs_read(path, buf, sizeof(buf));
	dump_add(path + strlen(KDAMONDS));
	dump_add(err ? ": read error\n" : ": ");
	if (!err)
		dump_add(buf);
	return 0;
}

/*
 * The part of the tree an operation may change, as text; the caller frees
 * it.  Reading the whole tree each time would take most of the run on the
 * debug kernel.
 */
static const char *dump_root = KDAMONDS;

static char *dump(void)
{
	dump_buf = NULL;
	dump_len = 0;
	dump_cap = 0;
	dump_add("");
	nftw(dump_root, dump_one, 16, FTW_PHYS | FTW_ACTIONRETVAL);
	return dump_buf;
}

static bool same_tree(const char *what, const char *want, const char *got)
{
	const char *a = want, *b = got;

	if (!strcmp(want, got))
		return true;
	while (*a && *a == *b) {
		a++;
		b++;
	}
	while (a > want && a[-1] != '\n') {
		a--;
		b--;
	}
	return report("%s: the tree differs at '%.*s', expected '%.*s'", what,
		      (int)strcspn(b, "\n"), b, (int)strcspn(a, "\n"), a);
}

/* --- trees ------------------------------------------------------------ */

static void set_intervals(const char *aggr)
{
	must(CTX "/monitoring_attrs/intervals/sample_us", "2000");
	must(CTX "/monitoring_attrs/intervals/aggr_us", aggr);
	must(CTX "/monitoring_attrs/intervals/update_us", "200000");
}

/* Scheme 0: stat everything, watermarks that keep it active. */
static void plain_scheme(void)
{
	must(SCHEME(0) "/action", "stat");
	must(SCHEME(0) "/access_pattern/sz/max", "18446744073709551615");
	must(SCHEME(0) "/access_pattern/nr_accesses/max", "4294967295");
	must(SCHEME(0) "/access_pattern/age/max", "4294967295");
	must(SCHEME(0) "/watermarks/metric", "free_mem_rate");
	must(SCHEME(0) "/watermarks/interval_us", "100000");
	must(SCHEME(0) "/watermarks/high", "1000");
	must(SCHEME(0) "/watermarks/mid", "1000");
	must(SCHEME(0) "/watermarks/low", "0");
}

/* The goals of a scheme. */
static void make_goals(const char *scheme)
{
	char g[200];

	snprintf(g, sizeof(g), "%s/quotas/goals/", scheme);
	must(pathf("%snr_goals", g), "3");
	must(pathf("%s0/target_metric", g), "user_input");
	must(pathf("%s0/target_value", g), "100");
	must(pathf("%s0/current_value", g), "50");
	must(pathf("%s1/target_metric", g), "some_mem_psi_us");
	must(pathf("%s1/target_value", g), "1000");
	/* measured by the interface, listed in a table of its own */
	must(pathf("%s2/target_metric", g), "node_mem_free_bp");
	must(pathf("%s2/target_value", g), "5000");
	must(pathf("%s2/nid", g), "0");
}

/* Every filter type, each with its parameters. */
static void make_filters(const char *scheme)
{
	static const char * const types[] = { "anon", "memcg", "young",
					      "addr", "target" };
	char f[200];
	int i;

	snprintf(f, sizeof(f), "%s/filters/", scheme);
	must(pathf("%snr_filters", f), "5");
	for (i = 0; i < 5; i++) {
		must(pathf("%s%d/type", f, i), types[i]);
		must(pathf("%s%d/matching", f, i), "Y");
	}
	must(pathf("%s1/memcg_path", f), "/" CGROUP);
	must(pathf("%s3/addr_start", f), "0");
	must(pathf("%s3/addr_end", f), "65536");
	must(pathf("%s4/damon_target_idx", f), "1");
}

/* A filter in each of core_filters/ and ops_filters/ (6.15). */
static void make_layer_filters(const char *scheme)
{
	must(pathf("%s/core_filters/nr_filters", scheme), "1");
	must(pathf("%s/core_filters/0/type", scheme), "addr");
	must(pathf("%s/core_filters/0/addr_end", scheme), "4096");
	must(pathf("%s/ops_filters/nr_filters", scheme), "1");
	must(pathf("%s/ops_filters/0/type", scheme), "memcg");
	must(pathf("%s/ops_filters/0/memcg_path", scheme), "/" CGROUP);
}

/* Scheme 1: quotas, goals, watermarks and every filter. */
static void rich_scheme(void)
{
	must(SCHEME(1) "/action", "stat");
	must(SCHEME(1) "/apply_interval_us", "40000");
	must(SCHEME(1) "/quotas/ms", "10");
	must(SCHEME(1) "/quotas/bytes", "1048576");
	must(SCHEME(1) "/quotas/reset_interval_ms", "100");
	must(SCHEME(1) "/quotas/weights/sz_permil", "100");
	must(SCHEME(1) "/quotas/weights/nr_accesses_permil", "200");
	must(SCHEME(1) "/quotas/weights/age_permil", "300");
	make_goals(SCHEME(1));
	must(SCHEME(1) "/watermarks/metric", "none");
	make_filters(SCHEME(1));
	make_layer_filters(SCHEME(1));
}

static void make_schemes(void)
{
	must(CTX "/schemes/nr_schemes", "2");
	plain_scheme();
	rich_scheme();
}

/* The largest System RAM range. */
static void system_ram(unsigned long *start, unsigned long *end)
{
	unsigned long s, e;
	char line[256];
	FILE *f = fopen("/proc/iomem", "r");

	*start = *end = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (line[0] == ' ' || !strstr(line, "System RAM"))
			continue;
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 &&
		    e + 1 - s > *end - *start) {
			*start = s;
			*end = e + 1;
		}
	}
	if (f)
		fclose(f);
}

/* A whole tree for ops: several targets and regions, two schemes. */
static void build(const char *ops)
{
	unsigned long start, end;
	char buf[32];
	int t;

	must(KDAMONDS "/nr_kdamonds", "1");
	must(KD "/contexts/nr_contexts", "1");
	must(CTX "/operations", ops);
	set_intervals("20000");
	if (!strcmp(ops, "paddr")) {
		system_ram(&start, &end);
		/*
		 * 3 to 6 regions: enough for the failure of every step of
		 * making tried region directories, the first and the later
		 * ones, few enough for a run of a minute on the debug kernel
		 * (a failure point costs an apply pass and two dumps)
		 */
		must(CTX "/monitoring_attrs/nr_regions/min", "3");
		must(CTX "/monitoring_attrs/nr_regions/max", "6");
		must(CTX "/targets/nr_targets", "1");
		must(CTX "/targets/0/regions/nr_regions", "1");
		snprintf(buf, sizeof(buf), "%lu", start);
		must(CTX "/targets/0/regions/0/start", buf);
		snprintf(buf, sizeof(buf), "%lu", end);
		must(CTX "/targets/0/regions/0/end", buf);
	} else {
		must(CTX "/targets/nr_targets", "3");
		for (t = 0; t < NR_TARGETS; t++) {
			snprintf(buf, sizeof(buf), "%d", targets[t]);
			must(pathf(CTX "/targets/%d/pid_target", t), buf);
		}
		/* fvaddr needs regions; vaddr takes them as its first ones */
		must(CTX "/targets/0/regions/nr_regions", "2");
		must(CTX "/targets/0/regions/0/start", "4096");
		must(CTX "/targets/0/regions/0/end", "1048576");
		must(CTX "/targets/0/regions/1/start", "2097152");
		must(CTX "/targets/0/regions/1/end", "4194304");
		for (t = 1; t < NR_TARGETS; t++) {
			must(pathf(CTX "/targets/%d/regions/nr_regions", t),
			     "1");
			must(pathf(CTX "/targets/%d/regions/0/start", t),
			     "65536");
			must(pathf(CTX "/targets/%d/regions/0/end", t),
			     "8388608");
		}
		/* vaddr: the others start from the process's mappings */
		if (!strcmp(ops, "vaddr"))
			for (t = 1; t < NR_TARGETS; t++)
				must(pathf(CTX "/targets/%d/regions/nr_regions",
					   t), "0");
	}
	make_schemes();
}

static void ensure_off(void)
{
	int err;

	if (!is_on())
		return;
	err = sysfs_write(KD "/state", "off");
	if (err && err != EPERM)
		report("off: %s", errname(err));
}

static void ensure_on(void)
{
	if (!is_on())
		must(KD "/state", "on");
}

static void reset_tree(void)
{
	ensure_off();
	must(KDAMONDS "/nr_kdamonds", "0");
}

/* --- operations ------------------------------------------------------- */

/*
 * An operation: prepare() once, then per attempt reset() and the write of
 * val to path; after a failed write, failed() checks what it left.
 */
struct op {
	const char *name;
	void (*prepare)(const struct op *op);
	void (*reset)(const struct op *op);
	const char *path;
	const char *val;
	const char *arg;	/* for prepare/reset */
	/* what it may change: the directory of path, to this depth (1) */
	int depth;
	bool (*failed)(const struct op *op, const char *before);
	bool (*done)(const struct op *op);	/* after a success */
};

/* nr_* growth: each attempt starts from no child. */
static void prepare_level(const struct op *op)
{
	reset_tree();
	build("vaddr");
	must(CTX "/schemes/nr_schemes", "1");
	must(SCHEME(0) "/filters/nr_filters", "0");
	must(SCHEME(0) "/quotas/goals/nr_goals", "0");
}

static void reset_to_zero(const struct op *op)
{
	must(op->path, "0");
}

/*
 * A failed nr_* write leaves no child, as a write of 0 would, or the tree
 * as it was if it failed before removing anything.
 */
static char *empty_tree;	/* of the operation running, once made */

static bool failed_empty(const struct op *op, const char *before)
{
	char *after = dump();
	bool ok = true;

	if (strcmp(before, after)) {
		if (!empty_tree) {
			must(op->path, "0");
			empty_tree = dump();
		}
		ok = same_tree("after the failure", empty_tree, after);
	}
	free(after);
	return ok;
}

static bool failed_unchanged(const struct op *op, const char *before)
{
	char *after = dump();
	bool ok = same_tree("after the failure", before, after);

	free(after);
	return ok;
}

/* nr_* shrink: a whole tree each time, then its count rewritten. */
static void prepare_whole(const struct op *op)
{
	reset_tree();
	build(op->arg);
}

static void reset_whole(const struct op *op)
{
	build(op->arg);
}

/* on: from off, with the tree of op->arg */
static void reset_off(const struct op *op)
{
	ensure_off();
}

static bool failed_off(const struct op *op, const char *before)
{
	if (is_on())
		return report("on failed but the kdamond runs");
	return failed_unchanged(op, before);
}

static bool done_on(const struct op *op)
{
	return is_on() || report("on succeeded, but state is off");
}

/* scheme 0's tried bytes: what the running context's scheme 0 matches */
static long tried_bytes(void)
{
	int err = sysfs_write(KD "/state", "update_schemes_tried_bytes");

	if (err)
		report("update_schemes_tried_bytes: %s", errname(err));
	return read_long(SCHEME(0) "/tried_regions/total_bytes");
}

/*
 * commit: the running context has scheme 0 match everything; the commit
 * makes it match nothing, and changes the aggregation interval.
 */
static void commit_changes(bool on)
{
	set_intervals(on ? "30000" : "20000");
	must(SCHEME(0) "/access_pattern/sz/max", on ?
	     "1" : "18446744073709551615");
}

static long kdamond_pid;

static void prepare_commit(const struct op *op)
{
	reset_tree();
	build(op->arg);
	must(KD "/state", "on");
	kdamond_pid = read_long(KD "/pid");
}

static void reset_commit(const struct op *op)
{
	commit_changes(false);
	must(KD "/state", "commit");
	commit_changes(true);
}

/* the same commit, which also removes running target 1, marked obsolete */
static void reset_commit_obsolete(const struct op *op)
{
	must(CTX "/targets/1/obsolete_target", "N");
	reset_commit(op);
	must(CTX "/targets/1/obsolete_target", "Y");
}

static bool failed_commit(const struct op *op, const char *before)
{
	if (!is_on() || read_long(KD "/pid") != kdamond_pid)
		return report("the kdamond stopped after a failed commit");
	if (tried_bytes() <= 0)
		return report("a failed commit changed the running schemes");
	return failed_unchanged(op, before);
}

static bool done_commit(const struct op *op)
{
	if (tried_bytes() != 0)
		return report("the commit did not reach the running schemes");
	return true;
}

/* state commands on a running paddr kdamond of 3 to 6 regions */
static void prepare_running(const struct op *op)
{
	reset_tree();
	build("paddr");
	must(KD "/state", "on");
}

static void reset_running(const struct op *op)
{
	ensure_on();
	must(KD "/state", "clear_schemes_tried_regions");
}

/*
 * Every scheme's list is whole (its sizes add up to total_bytes) or empty;
 * after update_schemes_tried_bytes (bytes_only), there is no list.
 */
static bool tried_consistent(bool bytes_only, bool need_regions)
{
	char path[256], buf[64];
	unsigned long start, end, sum;
	int s, r, nr;

	for (s = 0; s < 2; s++) {
		sum = 0;
		for (r = 0;; r++) {
			snprintf(path, sizeof(path),
				 CTX "/schemes/%d/tried_regions/%d/start", s,
				 r);
			if (sysfs_read(path, buf, sizeof(buf)))
				break;
			start = strtoul(buf, NULL, 0);
			path[strlen(path) - strlen("start")] = '\0';
			strcat(path, "end");
			sysfs_read(path, buf, sizeof(buf));
			end = strtoul(buf, NULL, 0);
			sum += end - start;
		}
		nr = r;
		snprintf(path, sizeof(path),
			 CTX "/schemes/%d/tried_regions/total_bytes", s);
		if (bytes_only && nr)
			return report("scheme %d: %d tried regions after tried bytes",
				      s, nr);
		if (bytes_only) {
			if (need_regions && s == 0 && read_long(path) <= 0)
				return report("scheme 0: no tried bytes");
			continue;
		}
		if (read_long(path) != (long)sum)
			return report("scheme %d: %d tried regions of %lu bytes, total_bytes %ld",
				      s, nr, sum, read_long(path));
		if (need_regions && s == 0 && !nr)
			return report("scheme 0: no tried region");
	}
	return true;
}

static bool failed_tried(const struct op *op, const char *before)
{
	return tried_consistent(op->arg, false) &&
		failed_unchanged(op, before);
}

static bool done_tried(const struct op *op)
{
	return tried_consistent(op->arg, true);
}

static bool failed_running(const struct op *op, const char *before)
{
	if (!is_on())
		return report("the kdamond stopped after a failed command");
	return failed_unchanged(op, before);
}

static bool failed_still_on(const struct op *op, const char *before)
{
	if (!is_on())
		return report("off failed, but the kdamond stopped");
	return failed_unchanged(op, before);
}

static bool done_off(const struct op *op)
{
	return !is_on() || report("off succeeded, but state is on");
}

static void reset_filter(const struct op *op)
{
	must(op->path, "/");
}

#define GROW(title, file, nr) {					\
	.name = title, .prepare = prepare_level, .reset = reset_to_zero, \
	.path = file, .val = nr, .depth = 16, .failed = failed_empty }
#define SHRINK(title, file, nr, ops) {					\
	.name = title, .prepare = prepare_whole, .reset = reset_whole,	\
	.path = file, .val = nr, .arg = ops, .depth = 16,		\
	.failed = failed_empty }
#define ON(title, ops) {						\
	.name = title, .prepare = prepare_whole, .reset = reset_off,	\
	.path = KD "/state", .val = "on", .arg = ops,			\
	.failed = failed_off, .done = done_on }
#define COMMIT(title, ops) {						\
	.name = title, .prepare = prepare_commit,			\
	.reset = reset_commit, .path = KD "/state", .val = "commit",	\
	.arg = ops, .failed = failed_commit, .done = done_commit }
/* named by their command */
#define RUNNING(cmd, fail, ok, bytes_only) {				\
	.prepare = prepare_running, .reset = reset_running,		\
	.path = KD "/state", .val = cmd, .arg = bytes_only,		\
	.failed = fail, .done = ok }

static const struct op ops[] = {
	GROW("nr_kdamonds 0 -> 2", KDAMONDS "/nr_kdamonds", "2"),
	GROW("nr_contexts 0 -> 1", KD "/contexts/nr_contexts", "1"),
	GROW("nr_targets 0 -> 3", CTX "/targets/nr_targets", "3"),
	GROW("nr_regions 0 -> 4", CTX "/targets/0/regions/nr_regions", "4"),
	GROW("nr_schemes 0 -> 1", CTX "/schemes/nr_schemes", "1"),
	GROW("nr_filters 0 -> 2", SCHEME(0) "/filters/nr_filters", "2"),
	GROW("nr_goals 0 -> 2", SCHEME(0) "/quotas/goals/nr_goals", "2"),
	SHRINK("nr_kdamonds -> 0 (vaddr)", KDAMONDS "/nr_kdamonds", "0",
	       "vaddr"),
	SHRINK("nr_schemes -> 0 (vaddr)", CTX "/schemes/nr_schemes", "0",
	       "vaddr"),
	SHRINK("nr_targets -> 0 (fvaddr)", CTX "/targets/nr_targets", "0",
	       "fvaddr"),
	{ .name = "memcg_path", .prepare = prepare_whole,
	  .reset = reset_filter, .path = SCHEME(1) "/filters/1/memcg_path",
	  .val = "/" CGROUP "\n", .arg = "vaddr", .depth = 1,
	  .failed = failed_unchanged },
	ON("on (vaddr)", "vaddr"), ON("on (fvaddr)", "fvaddr"),
	ON("on (paddr)", "paddr"),
	COMMIT("commit (vaddr)", "vaddr"), COMMIT("commit (fvaddr)", "fvaddr"),
	COMMIT("commit (paddr)", "paddr"),
	{ .name = "commit, target 1 obsolete (vaddr)",
	  .prepare = prepare_commit, .reset = reset_commit_obsolete,
	  .path = KD "/state", .val = "commit", .arg = "vaddr",
	  .failed = failed_commit, .done = done_commit },
	RUNNING("update_schemes_stats", failed_running, NULL, NULL),
	RUNNING("update_schemes_effective_quotas", failed_running, NULL,
		NULL),
	RUNNING("commit_schemes_quota_goals", failed_running, NULL, NULL),
	RUNNING("update_schemes_tried_bytes", failed_tried, done_tried, "y"),
	RUNNING("update_schemes_tried_regions", failed_tried, done_tried,
		NULL),
	RUNNING("clear_schemes_tried_regions", failed_tried, NULL, NULL),
	RUNNING("off", failed_still_on, done_off, NULL),
};

/* --- the loop ----------------------------------------------------------- */

static const char *op_name(const struct op *op)
{
	return op->name ?: op->val;
}

static void set_fail_nth(unsigned int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	if (pwrite(fail_nth_fd, buf, strlen(buf), 0) < 0)
		report("fail-nth %u: %s", n, errname(errno));
}

/* Whether the fault was injected; disarms it if it was not. */
static bool fail_nth_taken(void)
{
	char buf[16] = "";

	if (pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) < 0)
		report("reading fail-nth: %s", errname(errno));
	if (strtoul(buf, NULL, 0) == 0)
		return true;
	set_fail_nth(0);
	return false;
}

/* The write with the n-th fault: its errno; *taken whether it failed. */
static int faulty_write(const struct op *op, unsigned int n, bool *taken)
{
	int fd = open(op->path, O_WRONLY);
	int err = 0;

	if (fd < 0)
		return errno;
	set_fail_nth(n);
	if (write(fd, op->val, strlen(op->val)) < 0)
		err = errno;
	*taken = fail_nth_taken();
	close(fd);
	return err;
}

/* What a successful write must leave: the tree of a clean run. */
static bool done_ok(const struct op *op, const char *clean, const char *what)
{
	char *after = dump();
	bool ok;

	ok = same_tree(what, clean, after) && (!op->done || op->done(op));
	free(after);
	return ok;
}

static bool retry_ok(const struct op *op, const char *clean)
{
	int err = sysfs_write(op->path, op->val);

	if (err)
		return report("the retry: %s", errname(err));
	return done_ok(op, clean, "the retry");
}

static void run_op(const struct op *op, int nr)
{
	unsigned int n, points = 0, absorbed = 0;
	char *clean = NULL, *before;
	static char root[256];
	time_t start = time(NULL);
	bool taken;
	int err;

	problem[0] = '\0';
	snprintf(root, sizeof(root), "%s", op->path);
	*strrchr(root, '/') = '\0';
	dump_root = root;
	dump_depth = op->depth ?: 1;
	op->prepare(op);
	op->reset(op);
	err = sysfs_write(op->path, op->val);
	if (err)
		report("the clean run: %s", errname(err));
	clean = dump();
	if (op->done && !problem[0])
		op->done(op);
	/* every reset leaves the same tree: dump it once */
	op->reset(op);
	before = dump();
	for (n = 1; n < MAX_POINTS && !problem[0]; n++) {
		if (n > 1)
			op->reset(op);
		err = faulty_write(op, n, &taken);
		if (!taken) {
			if (err)
				report("failed with %s, no fault injected",
				       errname(err));
			break;
		}
		points++;
		if (!err) {
			/* a fallback took the failure: as a clean run */
			absorbed++;
			done_ok(op, clean, "a write that absorbed a fault");
		} else if (err != ENOMEM) {
			report("failure point %u: %s, expected ENOMEM", n,
			       errname(err));
		} else if (op->failed(op, before)) {
			retry_ok(op, clean);
		}
		if (problem[0]) {
			char tmp[sizeof(problem)];

			snprintf(tmp, sizeof(tmp), "failure point %u: %s", n,
				 problem);
			memcpy(problem, tmp, sizeof(problem));
		}
	}
	free(clean);
	free(before);
	free(empty_tree);
	empty_tree = NULL;
	reset_tree();
	if (!problem[0] && n == MAX_POINTS)
		report("still failing after %d points", MAX_POINTS);
	printf("# %s: %u failure points, %u absorbed by a fallback, %ld s\n",
	       op_name(op), points, absorbed, (long)(time(NULL) - start));
	if (problem[0]) {
		printf("# %s\n", problem);
		nr_failed++;
	}
	printf("%sok %d %s\n", problem[0] ? "not " : "", nr, op_name(op));
	fflush(stdout);
}

int main(int argc, char *argv[])
{
	int nr = ARRAY_SIZE(ops);
	int i, t, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access(KDAMONDS, F_OK)) {
		printf("1..0 # SKIP no DAMON sysfs interface\n");
		return KSFT_SKIP;
	}
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	err = fail_nth_fd < 0 ? errno : fault_knobs("0", "N");
	if (err) {
		printf("1..0 # SKIP no fault injection (fail-nth, failslab, fail_page_alloc): %s\n",
		       errname(err));
		return KSFT_SKIP;
	}
	err = make_cgroup(CGROUP);
	if (err) {
		printf("1..0 # SKIP no memory cgroup: %s\n", errname(err));
		return KSFT_SKIP;
	}
	for (t = 0; t < NR_TARGETS; t++)
		targets[t] = spawn_target(CGROOT "/" CGROUP);
	printf("TAP version 13\n1..%d\n", nr);
	for (i = 0; i < nr; i++) {
		if (argc > 1 && strncmp(op_name(&ops[i]), argv[1],
					strlen(argv[1]))) {
			printf("ok %d %s # SKIP not asked for\n", i + 1,
			       op_name(&ops[i]));
			continue;
		}
		run_op(&ops[i], i + 1);
	}
	for (t = 0; t < NR_TARGETS; t++)
		reap_target(targets[t]);
	fault_knobs_reset();
	rmdir(CGROOT "/" CGROUP);
	printf("# %d passed, %d failed\n", nr - nr_failed, nr_failed);
	return nr_failed ? 1 : 0;
}

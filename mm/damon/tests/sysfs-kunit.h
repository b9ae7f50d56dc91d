/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the DAMON sysfs interface: the keyword tables, the build of
 * a DAMON context from a tree, and what the kdamond does with a commit.
 *
 * Trees are made in memory, never registered in sysfs: the build only reads
 * node members and the items of arrays.
 */

#ifdef CONFIG_DAMON_SYSFS_KUNIT_TEST

#ifndef _DAMON_SYSFS_TEST_H
#define _DAMON_SYSFS_TEST_H

#include <kunit/test.h>

/* --- keyword tables -------------------------------------------------------- */

static void damon_sysfs_test_keyword_tables(struct kunit *test)
{
	const char *name;
	int i;

	for (i = 0; i < NR_DAMON_OPS; i++) {
		name = damon_sysfs_ops_names[i];
		KUNIT_ASSERT_NOT_NULL(test, name);
		KUNIT_EXPECT_EQ(test,
				sysfs_match_string(damon_sysfs_ops_names, name), i);
	}
	for (i = 0; i < NR_DAMON_SYSFS_CMDS; i++) {
		name = damon_sysfs_cmd_names[i];
		KUNIT_ASSERT_NOT_NULL(test, name);
		KUNIT_EXPECT_EQ(test,
				sysfs_match_string(damon_sysfs_cmd_names, name), i);
	}
	KUNIT_EXPECT_STREQ(test, damon_sysfs_ops_names[DAMON_OPS_PADDR],
			   "paddr");
	/* added in 6.15: handled in sysfs.c, not by the schemes */
	name = "update_tuned_intervals";
	KUNIT_EXPECT_EQ(test, sysfs_match_string(damon_sysfs_cmd_names, name),
			DAMON_SYSFS_CMD_UPDATE_TUNED_INTERVALS);
	i = DAMON_SYSFS_CMD_UPDATE_TUNED_INTERVALS;
	KUNIT_EXPECT_NULL(test, damon_sysfs_schemes_cmds[i]);
}

/* --- build: a context directory in memory ---------------------------------- */

#define TEST_NR_TARGETS	2
#define TEST_NR_REGIONS	3

struct damon_sysfs_test_tree {
	struct damon_sysfs_context context;
	struct damon_sysfs_attrs attrs;
	struct damon_sysfs_intervals intervals;
	struct damon_sysfs_intervals_goal goal;
	struct damon_sysfs_tuning tuning;
	struct damon_sysfs_node_goals *node_goals;
	struct damon_sysfs_ul_range nr_regions;
	struct damon_sysfs_array targets;
	struct damon_sysfs_array schemes;
	struct kobject *target_items[TEST_NR_TARGETS];
	struct damon_sysfs_target target[TEST_NR_TARGETS];
	struct damon_sysfs_array regions[TEST_NR_TARGETS];
	struct kobject *region_items[TEST_NR_TARGETS][TEST_NR_REGIONS];
	struct damon_sysfs_region region[TEST_NR_TARGETS][TEST_NR_REGIONS];
};

/* A valid tree: vaddr, default attrs, one target (this task), no regions. */
static struct damon_sysfs_test_tree *damon_sysfs_test_tree(struct kunit *test)
{
	struct damon_sysfs_test_tree *t;
	int i, j;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->context.ops = DAMON_OPS_VADDR;
	t->context.attrs = &t->attrs;
	t->context.targets = &t->targets;
	t->context.schemes = &t->schemes;
	t->attrs.intervals = &t->intervals;
	t->intervals.goal = &t->goal;
	t->attrs.nr_regions = &t->nr_regions;
	t->intervals.sample_us = DAMON_SYSFS_DEFAULT_SAMPLE_US;
	t->intervals.aggr_us = DAMON_SYSFS_DEFAULT_AGGR_US;
	t->intervals.update_us = DAMON_SYSFS_DEFAULT_UPDATE_US;
	t->nr_regions.min = DAMON_SYSFS_DEFAULT_MIN_NR_REGIONS;
	t->nr_regions.max = DAMON_SYSFS_DEFAULT_MAX_NR_REGIONS;
	t->targets.items = t->target_items;
	t->targets.nr = 1;
	for (i = 0; i < TEST_NR_TARGETS; i++) {
		t->target_items[i] = &t->target[i].kobj;
		t->target[i].pid = task_pid_nr(current);
		t->target[i].regions = &t->regions[i];
		t->regions[i].items = t->region_items[i];
		for (j = 0; j < TEST_NR_REGIONS; j++)
			t->region_items[i][j] = &t->region[i][j].kobj;
	}
	return t;
}

static void damon_sysfs_test_set_regions(struct damon_sysfs_test_tree *t,
					 int nr, unsigned long s0,
					 unsigned long e0, unsigned long s1,
					 unsigned long e1)
{
	t->regions[0].nr = nr;
	t->region[0][0].start = s0;
	t->region[0][0].end = e0;
	t->region[0][1].start = s1;
	t->region[0][1].end = e1;
}

static void bad_ops(struct damon_sysfs_test_tree *t)
{
	t->context.ops = NR_DAMON_OPS;
}

static void min_nr_regions_2(struct damon_sysfs_test_tree *t)
{
	t->nr_regions.min = 2;
}

static void min_above_max(struct damon_sysfs_test_tree *t)
{
	t->nr_regions.min = 20;
	t->nr_regions.max = 19;
}

static void sample_above_aggr(struct damon_sysfs_test_tree *t)
{
	t->intervals.sample_us = t->intervals.aggr_us + 1;
}

static void paddr_two_targets(struct damon_sysfs_test_tree *t)
{
	t->context.ops = DAMON_OPS_PADDR;
	t->targets.nr = 2;
}

static void no_such_pid(struct damon_sysfs_test_tree *t)
{
	t->target[0].pid = INT_MAX;
}

static void negative_pid(struct damon_sysfs_test_tree *t)
{
	t->target[0].pid = -1;
}

static void second_target_no_such_pid(struct damon_sysfs_test_tree *t)
{
	t->targets.nr = 2;
	t->target[1].pid = INT_MAX;
}

static void fvaddr_no_such_pid(struct damon_sysfs_test_tree *t)
{
	t->context.ops = DAMON_OPS_FVADDR;
	t->target[0].pid = INT_MAX;
}

static void region_start_above_end(struct damon_sysfs_test_tree *t)
{
	damon_sysfs_test_set_regions(t, 1, 0x2000, 0x1000, 0, 0);
}

static void region_empty(struct damon_sysfs_test_tree *t)
{
	damon_sysfs_test_set_regions(t, 1, 0x1000, 0x1000, 0, 0);
}

static void region_zero(struct damon_sysfs_test_tree *t)
{
	damon_sysfs_test_set_regions(t, 1, 0, 0, 0, 0);
}

static void regions_unsorted(struct damon_sysfs_test_tree *t)
{
	damon_sysfs_test_set_regions(t, 2, 0x4000, 0x5000, 0x1000, 0x2000);
}

static void regions_overlap(struct damon_sysfs_test_tree *t)
{
	damon_sysfs_test_set_regions(t, 2, 0x1000, 0x3000, 0x2000, 0x4000);
}

static void paddr_bad_region(struct damon_sysfs_test_tree *t)
{
	t->context.ops = DAMON_OPS_PADDR;
	damon_sysfs_test_set_regions(t, 1, 0x3000, 0x2000, 0, 0);
}

struct damon_sysfs_build_case {
	const char *desc;
	void (*mutate)(struct damon_sysfs_test_tree *t);
	int err;
};

/* a goal that tunes needs min_sample_us <= sample_us <= max_sample_us */
static void goal_min_above_max(struct damon_sysfs_test_tree *t)
{
	t->goal.aggrs = 3;
	t->goal.min_sample_us = 5001;
	t->goal.max_sample_us = 5000;
}

static void goal_sample_below_min(struct damon_sysfs_test_tree *t)
{
	t->goal.aggrs = 3;
	t->goal.min_sample_us = 5001;
	t->goal.max_sample_us = 10000;
}

static void goal_sample_above_max(struct damon_sysfs_test_tree *t)
{
	t->goal.aggrs = 3;
	t->goal.max_sample_us = 4999;
}

#define BUILD_CASE(_mutate, _err) { #_mutate, _mutate, _err }

static const struct damon_sysfs_build_case damon_sysfs_build_cases[] = {
	BUILD_CASE(bad_ops, -EINVAL),
	BUILD_CASE(min_nr_regions_2, -EINVAL),
	BUILD_CASE(min_above_max, -EINVAL),
	BUILD_CASE(sample_above_aggr, -EINVAL),
	BUILD_CASE(goal_min_above_max, -EINVAL),
	BUILD_CASE(goal_sample_below_min, -EINVAL),
	BUILD_CASE(goal_sample_above_max, -EINVAL),
	BUILD_CASE(paddr_two_targets, -EINVAL),
	BUILD_CASE(no_such_pid, -EINVAL),
	BUILD_CASE(negative_pid, -EINVAL),
	BUILD_CASE(second_target_no_such_pid, -EINVAL),
	BUILD_CASE(fvaddr_no_such_pid, -EINVAL),
	BUILD_CASE(region_start_above_end, -EINVAL),
	BUILD_CASE(region_empty, -EINVAL),
	BUILD_CASE(region_zero, -EINVAL),
	BUILD_CASE(regions_unsorted, -EINVAL),
	BUILD_CASE(regions_overlap, -EINVAL),
	BUILD_CASE(paddr_bad_region, -EINVAL),
};

KUNIT_ARRAY_PARAM_DESC(damon_sysfs_build, damon_sysfs_build_cases, desc);

KUNIT_DEFINE_ACTION_WRAPPER(damon_sysfs_test_destroy_ctx,
			    damon_sysfs_destroy_ctx, struct damon_ctx *);

static struct damon_ctx *
damon_sysfs_test_build(struct kunit *test,
		       const struct damon_sysfs_test_tree *t)
{
	struct damon_sysfs_node_goals *node_goals;
	struct damon_sysfs_tuning tuning;
	struct damon_ctx *ctx;

	mutex_lock(&damon_sysfs_lock);
	ctx = damon_sysfs_build_ctx(&t->context, NULL, &tuning, &node_goals);
	mutex_unlock(&damon_sysfs_lock);
	/* the test trees have no schemes, so no node goals */
	kvfree(node_goals);
	if (!IS_ERR(ctx))
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test,
							  damon_sysfs_test_destroy_ctx,
							  ctx), 0);
	return ctx;
}

/* Each invalid tree is refused with its errno. */
static void damon_sysfs_test_build_invalid(struct kunit *test)
{
	const struct damon_sysfs_build_case *c = test->param_value;
	struct damon_sysfs_test_tree *t = damon_sysfs_test_tree(test);
	struct damon_ctx *ctx;

	/* the tree is valid before the change */
	ctx = damon_sysfs_test_build(test, t);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));

	c->mutate(t);
	ctx = damon_sysfs_test_build(test, t);
	KUNIT_EXPECT_TRUE(test, IS_ERR(ctx));
	if (IS_ERR(ctx))
		KUNIT_EXPECT_EQ(test, PTR_ERR(ctx), (long)c->err);
}

static int damon_sysfs_test_nr_targets(struct damon_ctx *ctx)
{
	struct damon_target *t;
	int nr = 0;

	damon_for_each_target(t, ctx)
		nr++;
	return nr;
}

static struct damon_target *
damon_sysfs_test_nth_target(struct damon_ctx *ctx, int n)
{
	struct damon_target *t;

	damon_for_each_target(t, ctx) {
		if (!n--)
			return t;
	}
	return NULL;
}

/* A valid vaddr tree becomes the context it describes. */
static void damon_sysfs_test_build_vaddr(struct kunit *test)
{
	struct damon_sysfs_test_tree *t = damon_sysfs_test_tree(test);
	struct damon_target *target;
	struct damon_region *r;
	struct damon_ctx *ctx;

	t->intervals.sample_us = 1000;
	t->intervals.aggr_us = 20000;
	t->intervals.update_us = 1000000;
	t->nr_regions.min = 3;
	t->nr_regions.max = 30;
	/*
	 * Aligned to pages: how the core aligns depends on
	 * CONFIG_DAMON_KUNIT_TEST, which makes DAMON_MIN_REGION 1.
	 */
	damon_sysfs_test_set_regions(t, 2, 0x1000, 0x3000, 0x4000, 0x6000);
	t->targets.nr = 2;

	ctx = damon_sysfs_test_build(test, t);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	KUNIT_EXPECT_EQ(test, ctx->ops.id, DAMON_OPS_VADDR);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 1000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 20000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.ops_update_interval, 1000000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.min_nr_regions, 3UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.max_nr_regions, 30UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_nr_targets(ctx), 2);

	target = damon_sysfs_test_nth_target(ctx, 0);
	KUNIT_EXPECT_PTR_EQ(test, target->pid, task_pid(current));
	KUNIT_ASSERT_EQ(test, damon_nr_regions(target), 2U);
	r = damon_first_region(target);
	KUNIT_EXPECT_EQ(test, r->ar.start, 0x1000UL);
	KUNIT_EXPECT_EQ(test, r->ar.end, 0x3000UL);
	r = damon_next_region(r);
	KUNIT_EXPECT_EQ(test, r->ar.start, 0x4000UL);
	KUNIT_EXPECT_EQ(test, r->ar.end, 0x6000UL);
	/* the second target has no initial regions */
	KUNIT_EXPECT_EQ(test, damon_nr_regions(damon_sysfs_test_nth_target(ctx, 1)), 0U);
}

/* paddr targets take no pid, whatever pid_target says. */
static void damon_sysfs_test_build_paddr(struct kunit *test)
{
	struct damon_sysfs_test_tree *t = damon_sysfs_test_tree(test);
	struct damon_ctx *ctx;

	t->context.ops = DAMON_OPS_PADDR;
	t->target[0].pid = INT_MAX;
	damon_sysfs_test_set_regions(t, 1, 0x100000, 0x200000, 0, 0);

	ctx = damon_sysfs_test_build(test, t);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	KUNIT_EXPECT_EQ(test, ctx->ops.id, DAMON_OPS_PADDR);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_nr_targets(ctx), 1);
	KUNIT_EXPECT_NULL(test, damon_sysfs_test_nth_target(ctx, 0)->pid);
	KUNIT_EXPECT_EQ(test, damon_nr_regions(damon_sysfs_test_nth_target(ctx, 0)), 1U);
}

/* The build neither keeps nor leaks pid references. */
static void damon_sysfs_test_build_pid_refs(struct kunit *test)
{
	struct damon_sysfs_test_tree *t = damon_sysfs_test_tree(test);
	struct pid *pid = task_pid(current);
	int before = refcount_read(&pid->count);
	struct damon_ctx *ctx;

	t->targets.nr = 2;
	mutex_lock(&damon_sysfs_lock);
	ctx = damon_sysfs_build_ctx(&t->context, NULL, &t->tuning,
				    &t->node_goals);
	mutex_unlock(&damon_sysfs_lock);
	kvfree(t->node_goals);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	KUNIT_EXPECT_EQ(test, refcount_read(&pid->count), before + 2);
	damon_sysfs_destroy_ctx(ctx);
	KUNIT_EXPECT_EQ(test, refcount_read(&pid->count), before);

	/* a failure after the first target puts the first target's pid */
	t->target[1].pid = INT_MAX;
	ctx = damon_sysfs_test_build(test, t);
	KUNIT_EXPECT_TRUE(test, IS_ERR(ctx));
	KUNIT_EXPECT_EQ(test, refcount_read(&pid->count), before);
}

KUNIT_DEFINE_ACTION_WRAPPER(damon_sysfs_test_kvfree, kvfree, const void *);

static void *damon_sysfs_test_kvcalloc(struct kunit *test, size_t n,
				       size_t size)
{
	void *p = kvcalloc(n, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							damon_sysfs_test_kvfree,
							p), 0);
	return p;
}

/* "on" and "commit" take a target with as many regions as nr_regions does. */
static void damon_sysfs_test_build_most_regions(struct kunit *test)
{
	struct damon_sysfs_test_tree *t = damon_sysfs_test_tree(test);
	struct damon_sysfs_region *regions;
	struct kobject **items;
	struct damon_ctx *ctx;
	int i;

	regions = damon_sysfs_test_kvcalloc(test, DAMON_SYSFS_MAX_NR,
					    sizeof(*regions));
	items = damon_sysfs_test_kvcalloc(test, DAMON_SYSFS_MAX_NR,
					  sizeof(*items));
	for (i = 0; i < DAMON_SYSFS_MAX_NR; i++) {
		regions[i].start = 0x100000000UL + i * 0x2000UL;
		regions[i].end = regions[i].start + 0x1000;
		items[i] = &regions[i].kobj;
	}
	t->context.ops = DAMON_OPS_PADDR;
	t->regions[0].items = items;
	t->regions[0].nr = DAMON_SYSFS_MAX_NR;

	ctx = damon_sysfs_test_build(test, t);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	KUNIT_EXPECT_EQ(test,
			damon_nr_regions(damon_sysfs_test_nth_target(ctx, 0)),
			(unsigned int)DAMON_SYSFS_MAX_NR);
}

/* --- commits, as the kdamond runs them ------------------------------------ */

KUNIT_DEFINE_ACTION_WRAPPER(damon_sysfs_test_destroy_plain_ctx,
			    damon_destroy_ctx, struct damon_ctx *);

/* A stat scheme of every region, always active. */
static void damon_sysfs_test_add_scheme(struct kunit *test,
					struct damon_ctx *ctx)
{
	struct damos_access_pattern all = {
		.max_sz_region = ULONG_MAX,
		.max_nr_accesses = UINT_MAX,
		.max_age_region = UINT_MAX,
	};
	struct damos_quota quota = {};
	struct damos_watermarks always = { .metric = DAMOS_WMARK_NONE };
	struct damos *s = damon_new_scheme(&all, DAMOS_STAT, 0, &quota,
					   &always, NUMA_NO_NODE);

	KUNIT_ASSERT_NOT_NULL(test, s);
	damon_add_scheme(ctx, s);
}

/* A context of @nr targets without pids, one region each, and a scheme. */
static struct damon_ctx *damon_sysfs_test_running_ctx(struct kunit *test,
						      int nr)
{
	struct damon_ctx *ctx = damon_new_ctx();
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test,
						  damon_sysfs_test_destroy_plain_ctx,
						  ctx), 0);
	for (i = 0; i < nr; i++) {
		struct damon_target *t = damon_new_target();
		struct damon_region *r = damon_new_region(i * 0x1000,
							  (i + 1) * 0x1000);

		KUNIT_ASSERT_NOT_NULL(test, t);
		damon_add_target(ctx, t);
		KUNIT_ASSERT_NOT_NULL(test, r);
		r->age = 100 + i;
		damon_add_region(r, t);
	}
	damon_sysfs_test_add_scheme(test, ctx);
	return ctx;
}

static struct damos *damon_sysfs_test_scheme(struct damon_ctx *ctx)
{
	return list_first_entry(&ctx->schemes, struct damos, list);
}

/* A context to commit: @nr targets without regions, a scheme as above. */
static struct damon_ctx *damon_sysfs_test_src_ctx(struct kunit *test, int nr)
{
	struct damon_ctx *ctx = damon_new_ctx();
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test,
						  damon_sysfs_test_destroy_plain_ctx,
						  ctx), 0);
	for (i = 0; i < nr; i++) {
		struct damon_target *t = damon_new_target();

		KUNIT_ASSERT_NOT_NULL(test, t);
		damon_add_target(ctx, t);
	}
	damon_sysfs_test_add_scheme(test, ctx);
	return ctx;
}

/* A commit of @src to @ctx, as the kdamond runs it, with its own mailbox. */
static int damon_sysfs_test_commit(struct kunit *test, struct damon_ctx *ctx,
				   struct damon_ctx *src,
				   unsigned long obsolete, int nr_dirs,
				   unsigned int flags)
{
	struct damon_sysfs_commit commit = {
		.ctx = src,
		.obsolete = &obsolete,
		.nr_dirs = nr_dirs,
	};
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;

	if (!mailbox) {
		mailbox = kunit_kzalloc(test, sizeof(*mailbox), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, mailbox);
		damon_sysfs_mailbox_init(mailbox);
		ctx->callback.private = mailbox;
	}
	return damon_sysfs_commit_fn(ctx, &commit, flags);
}

/* A window of 30 samples in progress: 100 samples passed, 15 to go. */
static void damon_sysfs_test_mid_window(struct damon_ctx *ctx)
{
	struct damon_attrs attrs = {
		.sample_interval = 5000,
		.aggr_interval = 150000,
		.ops_update_interval = 1000000,
		.min_nr_regions = 10,
		.max_nr_regions = 1000,
	};
	struct damon_region *r;

	ctx->attrs = attrs;
	ctx->passed_sample_intervals = 100;
	ctx->next_aggregation_sis = 115;
	ctx->next_ops_update_sis = 150;
	damon_sysfs_test_scheme(ctx)->next_apply_sis = 117;
	r = damon_first_region(damon_sysfs_test_nth_target(ctx, 0));
	r->nr_accesses = 1;
	r->nr_accesses_bp = 4321;
}

/*
 * A commit of unchanged monitoring attributes leaves the window, the
 * operations update and the apply times where they were, and the regions'
 * counts as they are (6.12's damon_set_attrs() would round 1 of 30 down
 * to 0); a scheme keeps its watermarks state, and a new apply interval
 * restarts.  A commit of new attributes starts them again, as in 6.12.
 */
static void damon_sysfs_test_commit_same_attrs(struct kunit *test)
{
	struct damon_ctx *ctx = damon_sysfs_test_running_ctx(test, 1);
	struct damon_ctx *src = damon_sysfs_test_src_ctx(test, 1);
	struct damon_region *r;

	damon_sysfs_test_mid_window(ctx);
	src->attrs = ctx->attrs;
	KUNIT_ASSERT_EQ(test, damon_sysfs_commit_ctx(ctx, src), 0);
	KUNIT_EXPECT_EQ(test, ctx->next_aggregation_sis, 115UL);
	KUNIT_EXPECT_EQ(test, ctx->next_ops_update_sis, 150UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_scheme(ctx)->next_apply_sis,
			117UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 150000UL);
	r = damon_first_region(damon_sysfs_test_nth_target(ctx, 0));
	KUNIT_EXPECT_EQ(test, r->nr_accesses, 1U);
	KUNIT_EXPECT_EQ(test, r->nr_accesses_bp, 4321U);
	KUNIT_EXPECT_EQ(test, r->age, 100U);

	/* watermarks keep a deactivated scheme so; a new interval restarts */
	damon_sysfs_test_scheme(ctx)->wmarks.activated = false;
	damon_sysfs_test_scheme(src)->apply_interval_us = 50000;
	KUNIT_ASSERT_EQ(test, damon_sysfs_commit_ctx(ctx, src), 0);
	KUNIT_EXPECT_FALSE(test, damon_sysfs_test_scheme(ctx)->wmarks.activated);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_scheme(ctx)->next_apply_sis,
			110UL);

	src->attrs.aggr_interval = 300000;
	KUNIT_ASSERT_EQ(test, damon_sysfs_commit_ctx(ctx, src), 0);
	KUNIT_EXPECT_EQ(test, ctx->next_aggregation_sis, 160UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 300000UL);
}

/*
 * New attributes committed while parked begin with the next window: the
 * commit leaves the context's as they are, after_aggregation sets them.
 * A commit at a window's end sets them at once.
 */
static void damon_sysfs_test_commit_parked_attrs(struct kunit *test)
{
	struct damon_ctx *ctx = damon_sysfs_test_running_ctx(test, 1);
	struct damon_ctx *src = damon_sysfs_test_src_ctx(test, 1);
	struct damon_sysfs_mailbox *mailbox;

	damon_sysfs_test_mid_window(ctx);
	src->attrs = ctx->attrs;
	src->attrs.sample_interval = 1000;
	KUNIT_ASSERT_EQ(test,
			damon_sysfs_test_commit(test, ctx, src, 0, 1,
						DAMON_SYSFS_CALL_AFTER_APPLY |
						DAMON_SYSFS_CALL_PARKED), 0);
	mailbox = ctx->callback.private;
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 5000UL);
	KUNIT_EXPECT_EQ(test, ctx->next_aggregation_sis, 115UL);
	KUNIT_EXPECT_TRUE(test, mailbox->attrs_pending);

	/* the window ends: 150 ms of 1 ms samples from now */
	ctx->passed_sample_intervals = 115;
	KUNIT_EXPECT_EQ(test, damon_sysfs_after_aggregation(ctx), 0);
	KUNIT_EXPECT_FALSE(test, mailbox->attrs_pending);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 1000UL);
	KUNIT_EXPECT_EQ(test, ctx->next_aggregation_sis, 265UL);

	/* at a window's end, at once */
	src->attrs.sample_interval = 5000;
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_commit(test, ctx, src, 0, 1, 0),
			0);
	KUNIT_EXPECT_FALSE(test, mailbox->attrs_pending);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 5000UL);
}

/* --- obsolete_target --------------------------------------------------------- */

/*
 * A commit leaves obsolete target directories out of the context and marks
 * them, whatever their pid; "on" builds them like any other.
 */
static void damon_sysfs_test_build_obsolete(struct kunit *test)
{
	struct damon_sysfs_test_tree *t = damon_sysfs_test_tree(test);
	unsigned long *obsolete;
	struct damon_ctx *ctx;

	obsolete = kunit_kzalloc(test, BITS_TO_LONGS(TEST_NR_TARGETS) *
				 sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obsolete);
	t->targets.nr = 2;
	t->target[0].obsolete = true;
	/* the process of an obsolete target has typically exited */
	t->target[0].pid = INT_MAX;
	mutex_lock(&damon_sysfs_lock);
	ctx = damon_sysfs_build_ctx(&t->context, obsolete,
				    &t->tuning, &t->node_goals);
	mutex_unlock(&damon_sysfs_lock);
	kvfree(t->node_goals);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_nr_targets(ctx), 1);
	KUNIT_EXPECT_PTR_EQ(test, damon_sysfs_test_nth_target(ctx, 0)->pid,
			    task_pid(current));
	KUNIT_EXPECT_TRUE(test, test_bit(0, obsolete));
	KUNIT_EXPECT_FALSE(test, test_bit(1, obsolete));
	damon_sysfs_destroy_ctx(ctx);

	/* "on" ignores the mark: the pid must exist */
	ctx = damon_sysfs_test_build(test, t);
	KUNIT_EXPECT_TRUE(test, IS_ERR(ctx));
	t->target[0].pid = task_pid_nr(current);
	ctx = damon_sysfs_test_build(test, t);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_nr_targets(ctx), 2);
}

/*
 * A commit removes obsolete targets wherever they are; the others stay, the
 * same objects with their regions, in their order.
 */
static void damon_sysfs_test_commit_obsolete(struct kunit *test)
{
	struct damon_ctx *ctx = damon_sysfs_test_running_ctx(test, 3);
	struct damon_target *first = damon_sysfs_test_nth_target(ctx, 0);
	struct damon_target *middle = damon_sysfs_test_nth_target(ctx, 1);
	struct damon_target *last = damon_sysfs_test_nth_target(ctx, 2);
	struct damos *s = damon_sysfs_test_scheme(ctx);

	s->quota.charge_target_from = middle;
	s->quota.charge_addr_from = 0x1800;
	KUNIT_ASSERT_EQ(test,
			damon_sysfs_test_commit(test, ctx,
						damon_sysfs_test_src_ctx(test, 2),
						BIT(1), 3, 0), 0);
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_nr_targets(ctx), 2);
	KUNIT_EXPECT_PTR_EQ(test, damon_sysfs_test_nth_target(ctx, 0), first);
	KUNIT_EXPECT_PTR_EQ(test, damon_sysfs_test_nth_target(ctx, 1), last);
	KUNIT_EXPECT_EQ(test, damon_first_region(last)->age, 102U);
	KUNIT_EXPECT_EQ(test, damon_first_region(last)->ar.start, 0x2000UL);
	/* the scheme no longer points at the destroyed target */
	KUNIT_EXPECT_NULL(test, s->quota.charge_target_from);
	KUNIT_EXPECT_EQ(test, s->quota.charge_addr_from, 0UL);
}

/* An obsolete directory without a running target changes nothing. */
static void damon_sysfs_test_commit_obsolete_beyond(struct kunit *test)
{
	struct damon_ctx *ctx = damon_sysfs_test_running_ctx(test, 2);
	struct damos *s = damon_sysfs_test_scheme(ctx);
	unsigned long next_apply = s->next_apply_sis;

	s->quota.charge_target_from = damon_sysfs_test_nth_target(ctx, 0);
	KUNIT_EXPECT_EQ(test,
			damon_sysfs_test_commit(test, ctx,
						damon_sysfs_test_src_ctx(test, 1),
						BIT(0) | BIT(2), 3, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_nr_targets(ctx), 2);
	KUNIT_EXPECT_NOT_NULL(test, s->quota.charge_target_from);
	KUNIT_EXPECT_EQ(test, s->next_apply_sis, next_apply);
}

/*
 * Targets the commit drops for having no directory are uncharged too; a
 * target the commit keeps stays charged.
 */
static void damon_sysfs_test_commit_shrink(struct kunit *test)
{
	struct damon_ctx *ctx = damon_sysfs_test_running_ctx(test, 3);
	struct damos *s = damon_sysfs_test_scheme(ctx);
	struct damon_target *first = damon_sysfs_test_nth_target(ctx, 0);

	s->quota.charge_target_from = first;
	damon_sysfs_uncharge_beyond(ctx, 1);
	KUNIT_EXPECT_PTR_EQ(test, s->quota.charge_target_from, first);
	s->quota.charge_target_from = damon_sysfs_test_nth_target(ctx, 2);
	KUNIT_EXPECT_EQ(test,
			damon_sysfs_test_commit(test, ctx,
						damon_sysfs_test_src_ctx(test, 1),
						0, 1, 0), 0);
	KUNIT_EXPECT_NULL(test, s->quota.charge_target_from);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_nr_targets(ctx), 1);
	KUNIT_EXPECT_PTR_EQ(test, damon_sysfs_test_nth_target(ctx, 0), first);
}

/*
 * A commit that fails in the core keeps the obsolete targets, in their
 * places.  Here a goal without a target value, which the build never
 * makes, fails damon_commit_ctx() as an allocation failure would.
 */
static void damon_sysfs_test_commit_failed_keeps_obsolete(struct kunit *test)
{
	struct damon_ctx *ctx = damon_sysfs_test_running_ctx(test, 3);
	struct damon_ctx *src = damon_sysfs_test_src_ctx(test, 1);
	struct damon_target *targets[3];
	struct damos_quota_goal *goal;
	int i;

	for (i = 0; i < 3; i++)
		targets[i] = damon_sysfs_test_nth_target(ctx, i);
	goal = damos_new_quota_goal(DAMOS_QUOTA_USER_INPUT, 0);
	KUNIT_ASSERT_NOT_NULL(test, goal);
	damos_add_quota_goal(&damon_sysfs_test_scheme(src)->quota, goal);
	KUNIT_EXPECT_EQ(test,
			damon_sysfs_test_commit(test, ctx, src, BIT(0) | BIT(2),
						3, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_nr_targets(ctx), 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_PTR_EQ(test, damon_sysfs_test_nth_target(ctx, i),
				    targets[i]);
}

/* --- refresh_ms ---------------------------------------------------------------- */

/* Rounds are due every refresh_ms from the start of the last one. */
static void damon_sysfs_test_refresh_delay(struct kunit *test)
{
	unsigned long period = msecs_to_jiffies(100);

	KUNIT_EXPECT_EQ(test, damon_sysfs_refresh_delay(1000, 1000, 100),
			period);
	KUNIT_EXPECT_EQ(test, damon_sysfs_refresh_delay(1000, 1001, 100),
			period - 1);
	/* a round that took longer than the period: the next is due now */
	KUNIT_EXPECT_EQ(test,
			damon_sysfs_refresh_delay(1000, 1000 + period, 100),
			0UL);
	KUNIT_EXPECT_EQ(test,
			damon_sysfs_refresh_delay(1000, 1000 + 2 * period, 100),
			0UL);
	/* across the wrap of jiffies */
	KUNIT_EXPECT_EQ(test, damon_sysfs_refresh_delay(ULONG_MAX, 0, 100),
			period - 1);
}

/* --- intervals auto-tuning ------------------------------------------------ */

/* Build @t, which must be valid, for its tuning in @t->tuning. */
static void damon_sysfs_test_build_tuned(struct kunit *test,
					 struct damon_sysfs_test_tree *t)
{
	struct damon_ctx *ctx;

	mutex_lock(&damon_sysfs_lock);
	ctx = damon_sysfs_build_ctx(&t->context, NULL, &t->tuning,
				    &t->node_goals);
	mutex_unlock(&damon_sysfs_lock);
	kvfree(t->node_goals);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
	damon_sysfs_destroy_ctx(ctx);
}

/* The goal's bounds count only while tuning; the ratio is the tree's. */
static void damon_sysfs_test_build_tuning(struct kunit *test)
{
	struct damon_sysfs_test_tree *t = damon_sysfs_test_tree(test);

	goal_min_above_max(t);
	t->goal.aggrs = 0;
	t->goal.access_bp = 400;
	damon_sysfs_test_build_tuned(test, t);
	KUNIT_EXPECT_EQ(test, t->tuning.aggrs, 0UL);
	KUNIT_EXPECT_EQ(test, t->tuning.access_bp, 400UL);
	KUNIT_EXPECT_EQ(test, t->tuning.aggr_samples, 20UL);

	/* damo's default goal, at the default intervals */
	t->goal = (struct damon_sysfs_intervals_goal) {
		.access_bp = 400, .aggrs = 3,
		.min_sample_us = 5000, .max_sample_us = 10000000,
	};
	t->intervals.aggr_us = 120000;
	damon_sysfs_test_build_tuned(test, t);
	KUNIT_EXPECT_EQ(test, t->tuning.aggrs, 3UL);
	KUNIT_EXPECT_EQ(test, t->tuning.min_sample_us, 5000UL);
	KUNIT_EXPECT_EQ(test, t->tuning.max_sample_us, 10000000UL);
	KUNIT_EXPECT_EQ(test, t->tuning.aggr_samples, 24UL);
	KUNIT_EXPECT_EQ(test, t->tuning.next_tune_sis, 0UL);
}

/*
 * The factor is mainline's feed loop with a last input of 10^8, over 10^4:
 * 20,000 - score, at least 1, with [1, 10,000] squeezed into [5,000, 10,000].
 */
static void damon_sysfs_test_tuning_adaptation(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_adaptation_bp(0), 20000UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_adaptation_bp(2500), 17500UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_adaptation_bp(9999), 10001UL);
	/* on the goal: no change */
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_adaptation_bp(10000), 10000UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_adaptation_bp(10001), 9999UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_adaptation_bp(15000), 7500UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_adaptation_bp(19999), 5000UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_adaptation_bp(20000), 5000UL);
}

/* Scaled, then within [min, max], the minimum winning as in mainline. */
static void damon_sysfs_test_tuned_sample_us(struct kunit *test)
{
	struct damon_sysfs_tuning tuning = {
		.min_sample_us = 5000, .max_sample_us = 10000000,
	};

	KUNIT_EXPECT_EQ(test, damon_sysfs_tuned_sample_us(&tuning, 5000, 20000),
			10000UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuned_sample_us(&tuning, 12345, 7500),
			9258UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuned_sample_us(&tuning, 8000, 5000),
			5000UL);
	KUNIT_EXPECT_EQ(test,
			damon_sysfs_tuned_sample_us(&tuning, 9000000, 20000),
			10000000UL);
	/* no overflow on the way */
	tuning.max_sample_us = ULONG_MAX;
	KUNIT_EXPECT_EQ(test,
			damon_sysfs_tuned_sample_us(&tuning, ULONG_MAX / 2, 20000),
			ULONG_MAX / 2 * 2);
	tuning.min_sample_us = 20000;
	tuning.max_sample_us = 10000;
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuned_sample_us(&tuning, 15000, 10001),
			20000UL);
}

/* A context of one target whose regions are @nr of @sz bytes each. */
static struct damon_ctx *damon_sysfs_test_sized_ctx(struct kunit *test,
						    int nr, unsigned long sz)
{
	struct damon_ctx *ctx = damon_sysfs_test_src_ctx(test, 1);
	struct damon_target *t = damon_sysfs_test_nth_target(ctx, 0);
	int i;

	for (i = 0; i < nr; i++) {
		struct damon_region *r = damon_new_region(i * sz, (i + 1) * sz);

		KUNIT_ASSERT_NOT_NULL(test, r);
		damon_add_region(r, t);
	}
	return ctx;
}

static void damon_sysfs_test_set_accesses(struct damon_ctx *ctx,
					  unsigned int first,
					  unsigned int others)
{
	struct damon_target *t = damon_sysfs_test_nth_target(ctx, 0);
	struct damon_region *r;

	damon_for_each_region(r, t) {
		r->nr_accesses = first;
		first = others;
	}
}

/*
 * The score: events over those the goal asks for, weighted by size; capped
 * at 20,000; exact where unsigned long sums would overflow.
 */
static void damon_sysfs_test_tuning_score(struct kunit *test)
{
	struct damon_sysfs_tuning tuning = {
		.access_bp = 400, .aggr_samples = 20,
	};
	struct damon_ctx *ctx = damon_sysfs_test_sized_ctx(test, 4, 0x1000);
	struct damon_region *r;

	damon_sysfs_test_set_accesses(ctx, 0, 0);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 0UL);
	/* 4 regions * 20 samples * 4% = 3.2 region samples asked for */
	damon_sysfs_test_set_accesses(ctx, 2, 0);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 6250UL);
	damon_sysfs_test_set_accesses(ctx, 3, 1);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 18750UL);
	damon_sysfs_test_set_accesses(ctx, 20, 20);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 20000UL);
	/* sizes weigh: a region twice as large counts twice */
	r = damon_first_region(damon_sysfs_test_nth_target(ctx, 0));
	r->ar.end = 0x2000 + 0x1000;
	damon_sysfs_test_set_accesses(ctx, 0, 0);
	r = damon_last_region(damon_sysfs_test_nth_target(ctx, 0));
	r->nr_accesses = 2;
	tuning.access_bp = 10000;
	/* (2 * 0x1000) / ((0x3000 + 3 * 0x1000) * 20) = 1/60 */
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 166UL);
	/* a goal of 0 events: any event is too many, none is too few */
	tuning.access_bp = 0;
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 20000UL);
	damon_sysfs_test_set_accesses(ctx, 0, 0);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 0UL);
	/* a goal beyond what sampling can see: always too few */
	tuning.access_bp = ULONG_MAX;
	damon_sysfs_test_set_accesses(ctx, 20, 20);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 0UL);
	tuning.access_bp = 20000;
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 5000UL);
}

/* Sums beyond 64 bits: 2^20 regions of 2^44 bytes, 2^20 samples each. */
static void damon_sysfs_test_tuning_score_overflow(struct kunit *test)
{
	struct damon_sysfs_tuning tuning = {
		.access_bp = 10000, .aggr_samples = 1UL << 20,
	};
	struct damon_ctx *ctx;

	if (BITS_PER_LONG < 64)
		kunit_skip(test, "needs 64-bit addresses");
	ctx = damon_sysfs_test_sized_ctx(test, 4, 1UL << 44);
	damon_sysfs_test_set_accesses(ctx, 1U << 20, 0);
	/* one region in four, all its samples: 2,500 */
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 2500UL);
	tuning.access_bp = 2500;
	KUNIT_EXPECT_EQ(test, damon_sysfs_tuning_score_bp(ctx, &tuning), 10000UL);
}

/*
 * At a window's end, tuning changes the intervals in their ratio; the
 * schemes due now stay due, the others restart in the new intervals; the
 * next tuning is @aggrs windows later; a commit left while parked wins.
 */
static void damon_sysfs_test_tune_at_window_end(struct kunit *test)
{
	struct damon_ctx *ctx = damon_sysfs_test_running_ctx(test, 1);
	struct damon_ctx *src = damon_sysfs_test_src_ctx(test, 1);
	struct damon_sysfs_mailbox *mailbox;
	struct damos *s = damon_sysfs_test_scheme(ctx);
	struct damon_region *r;

	damon_sysfs_test_mid_window(ctx);
	src->attrs = ctx->attrs;
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_commit(test, ctx, src, 0, 1, 0),
			0);
	mailbox = ctx->callback.private;
	mailbox->tuning = (struct damon_sysfs_tuning) {
		.access_bp = 400, .aggrs = 2, .min_sample_us = 1000,
		.max_sample_us = 8000, .aggr_samples = 30, .next_tune_sis = 115,
	};
	/* the window ends, idle: the intervals double, up to the maximum */
	ctx->passed_sample_intervals = 115;
	damon_for_each_region(r, damon_sysfs_test_nth_target(ctx, 0))
		r->nr_accesses = 0;
	s->next_apply_sis = 115;
	s->wmarks.activated = true;
	KUNIT_EXPECT_EQ(test, damon_sysfs_after_aggregation(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 8000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 240000UL);
	KUNIT_EXPECT_EQ(test, mailbox->ctx_sample_us, 8000UL);
	KUNIT_EXPECT_EQ(test, mailbox->ctx_aggr_us, 240000UL);
	KUNIT_EXPECT_EQ(test, mailbox->tuning.next_tune_sis, 175UL);
	/* due now: applied in this window's apply step */
	KUNIT_EXPECT_EQ(test, s->next_apply_sis, 115UL);

	/* not due: nothing changes */
	ctx->passed_sample_intervals = 145;
	s->next_apply_sis = 150;
	KUNIT_EXPECT_EQ(test, damon_sysfs_after_aggregation(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 8000UL);
	KUNIT_EXPECT_EQ(test, s->next_apply_sis, 150UL);

	/* busy: halved; a scheme not due restarts in the new intervals */
	ctx->passed_sample_intervals = 175;
	damon_for_each_region(r, damon_sysfs_test_nth_target(ctx, 0))
		r->nr_accesses = 30;
	s->next_apply_sis = 180;
	s->apply_interval_us = 0;
	KUNIT_EXPECT_EQ(test, damon_sysfs_after_aggregation(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 4000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 120000UL);
	KUNIT_EXPECT_EQ(test, s->next_apply_sis, 175UL + 30);
	KUNIT_EXPECT_EQ(test, mailbox->tuning.next_tune_sis, 235UL);

	/*
	 * A commit takes the new goal (here none) and keeps when tuning is
	 * due; new attributes committed while parked win over tuning.
	 */
	src->attrs = ctx->attrs;
	src->attrs.sample_interval = 2000;
	KUNIT_ASSERT_EQ(test,
			damon_sysfs_test_commit(test, ctx, src, 0, 1,
						DAMON_SYSFS_CALL_AFTER_APPLY |
						DAMON_SYSFS_CALL_PARKED), 0);
	KUNIT_EXPECT_EQ(test, mailbox->tuning.aggrs, 0UL);
	KUNIT_EXPECT_EQ(test, mailbox->tuning.next_tune_sis, 235UL);
	mailbox->tuning.aggrs = 2;
	mailbox->tuning.aggr_samples = 60;
	ctx->passed_sample_intervals = 235;
	KUNIT_EXPECT_EQ(test, damon_sysfs_after_aggregation(ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->attrs.sample_interval, 2000UL);
	KUNIT_EXPECT_EQ(test, ctx->attrs.aggr_interval, 120000UL);
	KUNIT_EXPECT_EQ(test, mailbox->ctx_sample_us, 2000UL);
	KUNIT_EXPECT_EQ(test, mailbox->tuning.next_tune_sis, 355UL);
}

static struct kunit_case damon_sysfs_test_cases[] = {
	KUNIT_CASE(damon_sysfs_test_keyword_tables),
	KUNIT_CASE_PARAM(damon_sysfs_test_build_invalid,
			 damon_sysfs_build_gen_params),
	KUNIT_CASE(damon_sysfs_test_build_vaddr),
	KUNIT_CASE(damon_sysfs_test_build_paddr),
	KUNIT_CASE(damon_sysfs_test_build_pid_refs),
	KUNIT_CASE(damon_sysfs_test_build_most_regions),
	KUNIT_CASE(damon_sysfs_test_commit_same_attrs),
	KUNIT_CASE(damon_sysfs_test_commit_parked_attrs),
	KUNIT_CASE(damon_sysfs_test_build_obsolete),
	KUNIT_CASE(damon_sysfs_test_commit_obsolete),
	KUNIT_CASE(damon_sysfs_test_commit_obsolete_beyond),
	KUNIT_CASE(damon_sysfs_test_commit_shrink),
	KUNIT_CASE(damon_sysfs_test_commit_failed_keeps_obsolete),
	KUNIT_CASE(damon_sysfs_test_refresh_delay),
	KUNIT_CASE(damon_sysfs_test_build_tuning),
	KUNIT_CASE(damon_sysfs_test_tuning_adaptation),
	KUNIT_CASE(damon_sysfs_test_tuned_sample_us),
	KUNIT_CASE(damon_sysfs_test_tuning_score),
	KUNIT_CASE(damon_sysfs_test_tuning_score_overflow),
	KUNIT_CASE(damon_sysfs_test_tune_at_window_end),
	{},
};

static struct kunit_suite damon_sysfs_test_suite = {
	.name = "damon-sysfs",
	.test_cases = damon_sysfs_test_cases,
};

kunit_test_suite(damon_sysfs_test_suite);

#endif /* _DAMON_SYSFS_TEST_H */

#endif /* CONFIG_DAMON_SYSFS_KUNIT_TEST */

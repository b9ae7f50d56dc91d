/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the DAMON sysfs schemes: keyword tables and the build of
 * schemes, filters, quota goals and watermarks from trees made in memory.
 */

#ifdef CONFIG_DAMON_SYSFS_KUNIT_TEST

#ifndef _DAMON_SYSFS_SCHEMES_TEST_H
#define _DAMON_SYSFS_SCHEMES_TEST_H

#include <kunit/test.h>

struct damon_sysfs_keywords_case {
	const char *desc;
	const char * const *names;
	int nr;
};

static const struct damon_sysfs_keywords_case damon_sysfs_keywords_cases[] = {
	{ "action", damon_sysfs_action_names, NR_DAMOS_ACTIONS },
	{ "goal_metric", damon_sysfs_goal_metric_names,
	  NR_DAMON_SYSFS_GOAL_METRICS },
	{ "wmark_metric", damon_sysfs_wmark_metric_names,
	  NR_DAMOS_WMARK_METRICS },
	{ "filter_type", damon_sysfs_filter_type_names, NR_DAMOS_FILTER_TYPES },
};

KUNIT_ARRAY_PARAM_DESC(damon_sysfs_keywords, damon_sysfs_keywords_cases, desc);

/* Every value has a keyword, and each keyword parses back to its value. */
static void damon_sysfs_test_scheme_keywords(struct kunit *test)
{
	const struct damon_sysfs_keywords_case *c = test->param_value;
	int i;

	for (i = 0; i < c->nr; i++) {
		KUNIT_ASSERT_NOT_NULL(test, c->names[i]);
		KUNIT_EXPECT_EQ(test,
				__sysfs_match_string(c->names, c->nr,
						     c->names[i]), i);
	}
	KUNIT_EXPECT_EQ(test, __sysfs_match_string(c->names, c->nr, "nope"),
			-EINVAL);
}

struct damon_sysfs_filter_type_case {
	const char *desc;
	enum damon_sysfs_filter_layer layer;
	const char *written;
	int ret;		/* 0: the length written */
};

static const struct damon_sysfs_filter_type_case
damon_sysfs_filter_type_cases[] = {
	{ "any layer takes anon", DAMON_SYSFS_FILTER_ANY_LAYER, "anon\n", 0 },
	{ "any layer takes addr", DAMON_SYSFS_FILTER_ANY_LAYER, "addr", 0 },
	{ "core takes addr", DAMON_SYSFS_FILTER_CORE_LAYER, "addr\n", 0 },
	{ "core takes target", DAMON_SYSFS_FILTER_CORE_LAYER, "target", 0 },
	{ "core refuses anon", DAMON_SYSFS_FILTER_CORE_LAYER, "anon",
	  -EINVAL },
	{ "core refuses memcg", DAMON_SYSFS_FILTER_CORE_LAYER, "memcg\n",
	  -EINVAL },
	{ "core refuses young", DAMON_SYSFS_FILTER_CORE_LAYER, "young",
	  -EINVAL },
	{ "ops takes anon", DAMON_SYSFS_FILTER_OPS_LAYER, "anon", 0 },
	{ "ops takes memcg", DAMON_SYSFS_FILTER_OPS_LAYER, "memcg", 0 },
	{ "ops takes young", DAMON_SYSFS_FILTER_OPS_LAYER, "young\n", 0 },
	{ "ops refuses addr", DAMON_SYSFS_FILTER_OPS_LAYER, "addr", -EINVAL },
	{ "ops refuses target", DAMON_SYSFS_FILTER_OPS_LAYER, "target\n",
	  -EINVAL },
	{ "no such type", DAMON_SYSFS_FILTER_ANY_LAYER, "hugepage_size",
	  -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(damon_sysfs_filter_type, damon_sysfs_filter_type_cases,
		       desc);

/*
 * A filter's type file takes the types of its directory's layer; a refused
 * type leaves the filter as it was.
 */
static void damon_sysfs_test_filter_type_layer(struct kunit *test)
{
	const struct damon_sysfs_filter_type_case *c = test->param_value;
	size_t len = strlen(c->written);
	struct damon_sysfs_filter filter = {
		.layer = c->layer,
		.type = NR_DAMOS_FILTER_TYPES,	/* no type: a canary */
	};
	ssize_t ret;

	ret = damon_sysfs_filter_type_store(&filter.kobj,
					    &damon_sysfs_filter_type.kattr,
					    c->written, len);
	if (c->ret) {
		KUNIT_EXPECT_EQ(test, ret, (ssize_t)c->ret);
		KUNIT_EXPECT_EQ(test, filter.type, NR_DAMOS_FILTER_TYPES);
		return;
	}
	KUNIT_EXPECT_EQ(test, ret, (ssize_t)len);
	KUNIT_EXPECT_EQ(test, filter.type,
			sysfs_match_string(damon_sysfs_filter_type_names,
					   c->written));
}

/* --- a schemes directory in memory ------------------------------------------ */

#define TEST_NR_GOALS	2
#define TEST_NR_FILTERS	4

struct damon_sysfs_test_scheme {
	struct kunit *test;
	struct damon_sysfs_array schemes;
	struct kobject *scheme_item;
	struct damon_sysfs_scheme scheme;
	struct damon_sysfs_access_pattern ap;
	struct damon_sysfs_ul_range sz, nr_accesses, age;
	struct damon_sysfs_quotas quotas;
	struct damon_sysfs_weights weights;
	struct damon_sysfs_array goals;
	struct kobject *goal_items[TEST_NR_GOALS];
	struct damon_sysfs_goal goal[TEST_NR_GOALS];
	struct damon_sysfs_watermarks wmarks;
	struct damon_sysfs_array filters;
	struct kobject *filter_items[TEST_NR_FILTERS];
	struct damon_sysfs_filter filter[TEST_NR_FILTERS];
	struct damon_sysfs_array core_filters;
	struct kobject *core_filter_items[TEST_NR_FILTERS];
	struct damon_sysfs_filter core_filter[TEST_NR_FILTERS];
	struct damon_sysfs_array ops_filters;
	struct kobject *ops_filter_items[TEST_NR_FILTERS];
	struct damon_sysfs_filter ops_filter[TEST_NR_FILTERS];
	struct damon_sysfs_node_goals *node_goals;
};

/* A valid scheme: stat on everything, no goals, no filters. */
static struct damon_sysfs_test_scheme *
damon_sysfs_test_scheme(struct kunit *test)
{
	struct damon_sysfs_test_scheme *t;
	int i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	t->schemes.items = &t->scheme_item;
	t->schemes.nr = 1;
	t->scheme_item = &t->scheme.kobj;
	t->scheme.action = DAMOS_STAT;
	t->scheme.target_nid = NUMA_NO_NODE;
	t->scheme.access_pattern = &t->ap;
	t->scheme.quotas = &t->quotas;
	t->scheme.watermarks = &t->wmarks;
	t->scheme.filters = &t->filters;
	t->scheme.core_filters = &t->core_filters;
	t->scheme.ops_filters = &t->ops_filters;
	t->ap.sz = &t->sz;
	t->ap.nr_accesses = &t->nr_accesses;
	t->ap.age = &t->age;
	t->sz.max = ULONG_MAX;
	t->nr_accesses.max = ULONG_MAX;
	t->age.max = ULONG_MAX;
	t->quotas.weights = &t->weights;
	t->quotas.goals = &t->goals;
	t->goals.items = t->goal_items;
	t->filters.items = t->filter_items;
	t->core_filters.items = t->core_filter_items;
	t->ops_filters.items = t->ops_filter_items;
	for (i = 0; i < TEST_NR_GOALS; i++)
		t->goal_items[i] = &t->goal[i].kobj;
	for (i = 0; i < TEST_NR_FILTERS; i++) {
		t->filter_items[i] = &t->filter[i].kobj;
		t->core_filter_items[i] = &t->core_filter[i].kobj;
		t->ops_filter_items[i] = &t->ops_filter[i].kobj;
	}
	return t;
}

KUNIT_DEFINE_ACTION_WRAPPER(damon_sysfs_test_destroy_damon_ctx,
			    damon_destroy_ctx, struct damon_ctx *);
KUNIT_DEFINE_ACTION_WRAPPER(damon_sysfs_test_kvfree, kvfree, const void *);

/* Build into a new context; returns the error, *sp the first scheme. */
static int damon_sysfs_test_build_schemes(struct kunit *test,
					  struct damon_sysfs_test_scheme *t,
					  struct damos **sp)
{
	struct damon_ctx *ctx = damon_new_ctx();
	int err;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test,
						  damon_sysfs_test_destroy_damon_ctx,
						  ctx), 0);
	mutex_lock(&damon_sysfs_lock);
	err = damon_sysfs_build_schemes(ctx, &t->schemes, &t->node_goals);
	mutex_unlock(&damon_sysfs_lock);
	if (t->node_goals)
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test,
							  damon_sysfs_test_kvfree,
							  t->node_goals), 0);
	*sp = list_first_entry_or_null(&ctx->schemes, struct damos, list);
	return err;
}

static void nr_accesses_min_too_big(struct damon_sysfs_test_scheme *t)
{
	t->nr_accesses.min = (unsigned long)UINT_MAX + 1;
}

static void age_min_too_big(struct damon_sysfs_test_scheme *t)
{
	t->age.min = ULONG_MAX;
}

static void addr_filter_end_below_start(struct damon_sysfs_test_scheme *t)
{
	t->filters.nr = 1;
	t->filter[0].type = DAMOS_FILTER_TYPE_ADDR;
	t->filter[0].addr_start = 0x2000;
	t->filter[0].addr_end = 0x1000;
}

static void second_filter_bad(struct damon_sysfs_test_scheme *t)
{
	t->filters.nr = 2;
	t->filter[0].type = DAMOS_FILTER_TYPE_ANON;
	t->filter[1].type = DAMOS_FILTER_TYPE_ADDR;
	t->filter[1].addr_start = 1;
	t->filter[1].addr_end = 0;
}

static void memcg_filter_no_path(struct damon_sysfs_test_scheme *t)
{
	t->filters.nr = 1;
	t->filter[0].type = DAMOS_FILTER_TYPE_MEMCG;
}

static void memcg_filter_bad_path(struct damon_sysfs_test_scheme *t)
{
	t->filters.nr = 1;
	t->filter[0].type = DAMOS_FILTER_TYPE_MEMCG;
	t->filter[0].memcg_path = kunit_kstrdup(t->test,
						"/no/such/damon/test/cgroup",
						GFP_KERNEL);
}

static void memcg_filter_empty_path(struct damon_sysfs_test_scheme *t)
{
	t->filters.nr = 1;
	t->filter[0].type = DAMOS_FILTER_TYPE_MEMCG;
	t->filter[0].memcg_path = kunit_kstrdup(t->test, "", GFP_KERNEL);
}

static void migrate_to_no_node(struct damon_sysfs_test_scheme *t)
{
	t->scheme.action = DAMOS_MIGRATE_HOT;
	t->scheme.target_nid = MAX_NUMNODES;
}

static void migrate_to_negative_node(struct damon_sysfs_test_scheme *t)
{
	t->scheme.action = DAMOS_MIGRATE_COLD;
	t->scheme.target_nid = -2;
}

static void node_goal_negative_node(struct damon_sysfs_test_scheme *t)
{
	t->goals.nr = 1;
	t->goal[0].metric = DAMON_SYSFS_GOAL_NODE_MEM_USED_BP;
	t->goal[0].target_value = 5000;
	t->goal[0].nid = -1;
}

static void node_goal_no_node(struct damon_sysfs_test_scheme *t)
{
	t->goals.nr = 1;
	t->goal[0].metric = DAMON_SYSFS_GOAL_NODE_MEM_FREE_BP;
	t->goal[0].target_value = 5000;
	t->goal[0].nid = MAX_NUMNODES;
}

/* the second goal is on a node without memory, if there is one */
static void node_goal_memoryless_node(struct damon_sysfs_test_scheme *t)
{
	int nid = 0;

	while (nid < MAX_NUMNODES && node_state(nid, N_MEMORY))
		nid++;
	t->goals.nr = 2;
	t->goal[0].metric = DAMON_SYSFS_GOAL_NODE_MEM_FREE_BP;
	t->goal[0].target_value = 5000;
	t->goal[1].metric = DAMON_SYSFS_GOAL_NODE_MEM_USED_BP;
	t->goal[1].target_value = 5000;
	t->goal[1].nid = nid;
}

struct damon_sysfs_scheme_case {
	const char *desc;
	void (*mutate)(struct damon_sysfs_test_scheme *t);
	int err;
};

#define SCHEME_CASE(_mutate, _err) { #_mutate, _mutate, _err }

static const struct damon_sysfs_scheme_case damon_sysfs_scheme_cases[] = {
	SCHEME_CASE(nr_accesses_min_too_big, -ERANGE),
	SCHEME_CASE(age_min_too_big, -ERANGE),
	SCHEME_CASE(addr_filter_end_below_start, -EINVAL),
	SCHEME_CASE(second_filter_bad, -EINVAL),
	SCHEME_CASE(memcg_filter_no_path, -EINVAL),
	SCHEME_CASE(memcg_filter_bad_path, -EINVAL),
	SCHEME_CASE(memcg_filter_empty_path, -EINVAL),
	SCHEME_CASE(migrate_to_no_node, -EINVAL),
	SCHEME_CASE(migrate_to_negative_node, -EINVAL),
	SCHEME_CASE(node_goal_negative_node, -EINVAL),
	SCHEME_CASE(node_goal_no_node, -EINVAL),
	SCHEME_CASE(node_goal_memoryless_node, -EINVAL),
};

KUNIT_ARRAY_PARAM_DESC(damon_sysfs_scheme, damon_sysfs_scheme_cases, desc);

/* Each invalid scheme is refused with its errno. */
static void damon_sysfs_test_scheme_invalid(struct kunit *test)
{
	const struct damon_sysfs_scheme_case *c = test->param_value;
	struct damon_sysfs_test_scheme *t = damon_sysfs_test_scheme(test);
	struct damos *s;

	KUNIT_ASSERT_EQ(test, damon_sysfs_test_build_schemes(test, t, &s), 0);
	c->mutate(t);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_build_schemes(test, t, &s),
			c->err);
}

/* A valid scheme becomes the damos it describes. */
static void damon_sysfs_test_scheme_valid(struct kunit *test)
{
	struct damon_sysfs_test_scheme *t = damon_sysfs_test_scheme(test);
	struct damos_filter *f;
	struct damos *s;

	t->scheme.action = DAMOS_PAGEOUT;
	t->scheme.apply_interval_us = 12345;
	t->sz.min = 4096;
	t->sz.max = 1 << 20;
	t->nr_accesses.min = 3;
	t->nr_accesses.max = ULONG_MAX;
	t->age.min = 7;
	t->age.max = (unsigned long)UINT_MAX + 5;
	t->quotas.ms = 10;
	t->quotas.sz = 1 << 20;
	t->quotas.reset_interval_ms = 1000;
	t->weights.sz = 1;
	t->weights.nr_accesses = 2;
	t->weights.age = 3;
	t->goals.nr = 2;
	t->goal[0].metric = DAMOS_QUOTA_USER_INPUT;
	t->goal[0].target_value = 0;	/* skipped */
	t->goal[1].metric = DAMOS_QUOTA_SOME_MEM_PSI_US;
	t->goal[1].target_value = 500;
	t->goal[1].current_value = 100;
	t->wmarks.metric = DAMOS_WMARK_FREE_MEM_RATE;
	t->wmarks.interval_us = 5000;
	t->wmarks.high = 900;
	t->wmarks.mid = 500;
	t->wmarks.low = 100;
	t->filters.nr = 2;
	t->filter[0].type = DAMOS_FILTER_TYPE_ADDR;
	t->filter[0].matching = true;
	t->filter[0].addr_start = 0x1000;
	t->filter[0].addr_end = 0x1000;
	t->filter[1].type = DAMOS_FILTER_TYPE_TARGET;
	t->filter[1].target_idx = 3;

	KUNIT_ASSERT_EQ(test, damon_sysfs_test_build_schemes(test, t, &s), 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->action, DAMOS_PAGEOUT);
	KUNIT_EXPECT_EQ(test, s->apply_interval_us, 12345UL);
	KUNIT_EXPECT_EQ(test, s->target_nid, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, s->pattern.min_sz_region, 4096UL);
	KUNIT_EXPECT_EQ(test, s->pattern.max_sz_region, 1UL << 20);
	KUNIT_EXPECT_EQ(test, s->pattern.min_nr_accesses, 3U);
	KUNIT_EXPECT_EQ(test, s->pattern.max_nr_accesses, UINT_MAX);
	KUNIT_EXPECT_EQ(test, s->pattern.min_age_region, 7U);
	KUNIT_EXPECT_EQ(test, s->pattern.max_age_region, UINT_MAX);
	KUNIT_EXPECT_EQ(test, s->quota.ms, 10UL);
	KUNIT_EXPECT_EQ(test, s->quota.sz, 1UL << 20);
	KUNIT_EXPECT_EQ(test, s->quota.reset_interval, 1000UL);
	KUNIT_EXPECT_EQ(test, s->quota.weight_sz, 1U);
	KUNIT_EXPECT_EQ(test, s->quota.weight_nr_accesses, 2U);
	KUNIT_EXPECT_EQ(test, s->quota.weight_age, 3U);
	KUNIT_ASSERT_TRUE(test, list_is_singular(&s->quota.goals));
	KUNIT_EXPECT_EQ(test, list_first_entry(&s->quota.goals,
					       struct damos_quota_goal,
					       list)->target_value, 500UL);
	KUNIT_EXPECT_EQ(test, s->wmarks.metric, DAMOS_WMARK_FREE_MEM_RATE);
	KUNIT_EXPECT_EQ(test, s->wmarks.interval, 5000UL);
	KUNIT_EXPECT_EQ(test, s->wmarks.high, 900UL);
	KUNIT_EXPECT_EQ(test, s->wmarks.mid, 500UL);
	KUNIT_EXPECT_EQ(test, s->wmarks.low, 100UL);

	f = list_first_entry(&s->filters, struct damos_filter, list);
	KUNIT_EXPECT_EQ(test, f->type, DAMOS_FILTER_TYPE_ADDR);
	KUNIT_EXPECT_TRUE(test, f->matching);
	KUNIT_EXPECT_EQ(test, f->addr_range.start, 0x1000UL);
	KUNIT_EXPECT_EQ(test, f->addr_range.end, 0x1000UL);
	f = list_next_entry(f, list);
	KUNIT_EXPECT_EQ(test, f->type, DAMOS_FILTER_TYPE_TARGET);
	KUNIT_EXPECT_FALSE(test, f->matching);
	KUNIT_EXPECT_EQ(test, f->target_idx, 3);
}

/* A memcg filter on an existing cgroup resolves to its id. */
static void damon_sysfs_test_memcg_filter(struct kunit *test)
{
	struct damon_sysfs_test_scheme *t = damon_sysfs_test_scheme(test);
	struct damos_filter *f;
	struct damos *s;

	if (!IS_ENABLED(CONFIG_MEMCG) || mem_cgroup_disabled())
		kunit_skip(test, "no memory cgroups");
	t->filters.nr = 1;
	t->filter[0].type = DAMOS_FILTER_TYPE_MEMCG;
	t->filter[0].memcg_path = kunit_kstrdup(test, "/", GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_build_schemes(test, t, &s), 0);
	f = list_first_entry(&s->filters, struct damos_filter, list);
	KUNIT_EXPECT_EQ(test, f->type, DAMOS_FILTER_TYPE_MEMCG);
	KUNIT_EXPECT_EQ(test, f->memcg_id, mem_cgroup_id(root_mem_cgroup));
}

static void damon_sysfs_test_expect_filter(struct kunit *test,
					   const struct damos_filter *f,
					   enum damos_filter_type type,
					   bool matching, unsigned long addr,
					   int target_idx)
{
	KUNIT_EXPECT_EQ(test, f->type, type);
	KUNIT_EXPECT_EQ(test, f->matching, matching);
	if (type == DAMOS_FILTER_TYPE_ADDR)
		KUNIT_EXPECT_EQ(test, f->addr_range.start, addr);
	if (type == DAMOS_FILTER_TYPE_TARGET)
		KUNIT_EXPECT_EQ(test, f->target_idx, target_idx);
}

/* @a and @b filter the same memory the same way. */
static void damon_sysfs_test_expect_same_filter(struct kunit *test,
						const struct damos_filter *a,
						const struct damos_filter *b)
{
	KUNIT_EXPECT_EQ(test, a->type, b->type);
	KUNIT_EXPECT_EQ(test, a->matching, b->matching);
	if (a->type != b->type)
		return;
	if (a->type == DAMOS_FILTER_TYPE_ADDR) {
		KUNIT_EXPECT_EQ(test, a->addr_range.start, b->addr_range.start);
		KUNIT_EXPECT_EQ(test, a->addr_range.end, b->addr_range.end);
	} else if (a->type == DAMOS_FILTER_TYPE_TARGET) {
		KUNIT_EXPECT_EQ(test, a->target_idx, b->target_idx);
	} else if (a->type == DAMOS_FILTER_TYPE_MEMCG) {
		KUNIT_EXPECT_EQ(test, a->memcg_id, b->memcg_id);
	}
}

/*
 * The filters of core_filters/, then of ops_filters/, then of filters/, as
 * mainline installs them; the same filters written to filters/ alone, in
 * that order, build the same list.
 */
static void damon_sysfs_test_filters_order(struct kunit *test)
{
	struct damon_sysfs_test_scheme *t = damon_sysfs_test_scheme(test);
	struct damon_sysfs_test_scheme *u = damon_sysfs_test_scheme(test);
	struct damos_filter *f, *g;
	struct damos *s, *s2;

	t->core_filters.nr = 2;
	t->core_filter[0].type = DAMOS_FILTER_TYPE_ADDR;
	t->core_filter[0].matching = true;
	t->core_filter[0].addr_start = 0x1000;
	t->core_filter[0].addr_end = 0x2000;
	t->core_filter[1].type = DAMOS_FILTER_TYPE_TARGET;
	t->core_filter[1].target_idx = 1;
	t->ops_filters.nr = 1;
	t->ops_filter[0].type = DAMOS_FILTER_TYPE_YOUNG;
	t->ops_filter[0].matching = true;
	t->filters.nr = 1;
	t->filter[0].type = DAMOS_FILTER_TYPE_ADDR;
	t->filter[0].addr_start = 0x3000;
	t->filter[0].addr_end = 0x4000;
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_build_schemes(test, t, &s), 0);

	f = list_first_entry(&s->filters, struct damos_filter, list);
	damon_sysfs_test_expect_filter(test, f, DAMOS_FILTER_TYPE_ADDR, true,
				       0x1000, 0);
	f = list_next_entry(f, list);
	damon_sysfs_test_expect_filter(test, f, DAMOS_FILTER_TYPE_TARGET,
				       false, 0, 1);
	f = list_next_entry(f, list);
	damon_sysfs_test_expect_filter(test, f, DAMOS_FILTER_TYPE_YOUNG, true,
				       0, 0);
	f = list_next_entry(f, list);
	damon_sysfs_test_expect_filter(test, f, DAMOS_FILTER_TYPE_ADDR, false,
				       0x3000, 0);
	KUNIT_EXPECT_TRUE(test, list_is_last(&f->list, &s->filters));

	/* the same filters, in filters/ only */
	u->filters.nr = 4;
	u->filter[0] = t->core_filter[0];
	u->filter[1] = t->core_filter[1];
	u->filter[2] = t->ops_filter[0];
	u->filter[3] = t->filter[0];
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_build_schemes(test, u, &s2), 0);
	g = list_first_entry(&s2->filters, struct damos_filter, list);
	damos_for_each_filter(f, s) {
		KUNIT_ASSERT_FALSE(test,
				   list_entry_is_head(g, &s2->filters, list));
		damon_sysfs_test_expect_same_filter(test, g, f);
		g = list_next_entry(g, list);
	}
	KUNIT_EXPECT_TRUE(test, list_entry_is_head(g, &s2->filters, list));
}

/* --- tried regions: when an update has seen one apply pass ------------------ */

struct damon_sysfs_settle_case {
	const char *desc;
	unsigned long passed;	/* the context's passed_sample_intervals */
	unsigned long snapshot;	/* next_apply_sis when the update started */
	unsigned long next;	/* next_apply_sis now */
	unsigned int flags;
	bool done;
	bool deactivated;	/* by the scheme's watermarks */
};

static const struct damon_sysfs_settle_case damon_sysfs_settle_cases[] = {
	{ "not due yet", 10, 20, 20, DAMON_SYSFS_CALL_AFTER_APPLY, false },
	{ "applied", 20, 20, 40, DAMON_SYSFS_CALL_AFTER_APPLY, true },
	{ "applied, then due again", 40, 20, 40,
	  DAMON_SYSFS_CALL_AFTER_APPLY, true },
	{ "due, nothing applied: deactivated", 20, 20, 20,
	  DAMON_SYSFS_CALL_AFTER_APPLY, true },
	{ "parked", 10, 20, 20,
	  DAMON_SYSFS_CALL_AFTER_APPLY | DAMON_SYSFS_CALL_PARKED, true },
	{ "not due yet, deactivated", 10, 20, 20,
	  DAMON_SYSFS_CALL_AFTER_APPLY, true, true },
};

KUNIT_ARRAY_PARAM_DESC(damon_sysfs_settle, damon_sysfs_settle_cases, desc);

KUNIT_DEFINE_ACTION_WRAPPER(damon_sysfs_test_destroy_ctx, damon_destroy_ctx,
			    struct damon_ctx *);
KUNIT_DEFINE_ACTION_WRAPPER(damon_sysfs_test_tried_free,
			    damon_sysfs_tried_free, struct damon_sysfs_tried *);

/* A running context of one scheme, whose tried regions update is @tried. */
static struct damon_ctx *
damon_sysfs_test_tried_ctx(struct kunit *test,
			   struct damon_sysfs_tried **tried)
{
	struct damon_sysfs_mailbox *mailbox;
	struct damon_sysfs_array one = { .nr = 1 };
	struct damos_access_pattern pattern = {};
	struct damos_quota quota = {};
	struct damos_watermarks wmarks = {};
	struct damon_ctx *ctx;
	struct damos *s;

	mailbox = kunit_kzalloc(test, sizeof(*mailbox), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mailbox);
	ctx = damon_new_ctx();
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							damon_sysfs_test_destroy_ctx,
							ctx), 0);
	ctx->callback.private = mailbox;
	s = damon_new_scheme(&pattern, DAMOS_STAT, 0, &quota, &wmarks,
			     NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, s);
	damon_add_scheme(ctx, s);
	*tried = damon_sysfs_tried_alloc(&one, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(*tried));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							damon_sysfs_test_tried_free,
							*tried), 0);
	return ctx;
}

static struct damos *damon_sysfs_test_first_scheme(struct damon_ctx *ctx)
{
	return list_first_entry(&ctx->schemes, struct damos, list);
}

/* Which passes an update takes as over, after an apply step. */
static void damon_sysfs_test_tried_settle(struct kunit *test)
{
	const struct damon_sysfs_settle_case *c = test->param_value;
	struct damon_sysfs_tried *tried;
	struct damon_ctx *ctx = damon_sysfs_test_tried_ctx(test, &tried);

	ctx->passed_sample_intervals = c->passed;
	damon_sysfs_test_first_scheme(ctx)->next_apply_sis = c->snapshot;
	damon_sysfs_tried_resolve(ctx, tried);
	damon_sysfs_test_first_scheme(ctx)->next_apply_sis = c->next;
	damon_sysfs_test_first_scheme(ctx)->wmarks.activated = !c->deactivated;
	KUNIT_EXPECT_EQ(test, damon_sysfs_tried_settle(ctx, tried, c->flags),
			c->done);
}

/*
 * An update never counts a pass from before it started, waits for the next
 * pass of the schemes a commit leaves, and ends with that pass.
 */
static void damon_sysfs_test_tried_walk(struct kunit *test)
{
	const unsigned int after_apply = DAMON_SYSFS_CALL_AFTER_APPLY;
	struct damon_sysfs_mailbox *mailbox;
	struct damon_sysfs_tried *tried;
	struct damon_ctx *ctx = damon_sysfs_test_tried_ctx(test, &tried);
	struct damos *s = damon_sysfs_test_first_scheme(ctx);

	/* due already: that pass began before the update */
	ctx->passed_sample_intervals = 20;
	s->next_apply_sis = 20;
	KUNIT_EXPECT_EQ(test, damon_sysfs_tried_fn(ctx, tried, after_apply),
			-EINPROGRESS);
	/* a commit resets the next pass: the update waits for it */
	s->next_apply_sis = 30;
	damon_sysfs_tried_rebase(ctx);
	KUNIT_EXPECT_EQ(test, damon_sysfs_tried_fn(ctx, tried, 0),
			-EINPROGRESS);
	ctx->passed_sample_intervals = 25;
	KUNIT_EXPECT_EQ(test, damon_sysfs_tried_fn(ctx, tried, after_apply),
			-EINPROGRESS);
	/* the pass at 30 ran */
	ctx->passed_sample_intervals = 30;
	s->next_apply_sis = 40;
	KUNIT_EXPECT_EQ(test, damon_sysfs_tried_fn(ctx, tried, after_apply), 0);
	mailbox = ctx->callback.private;
	KUNIT_EXPECT_NULL(test, mailbox->tried);
}

/* --- quota goals on node memory -------------------------------------------- */

/*
 * A node goal becomes a user_input goal that holds the node's value; the
 * table lists it by its index among the goals built, which skip those
 * without a target value, and by its directory.  Other goals ignore nid.
 */
static void damon_sysfs_test_node_goals_build(struct kunit *test)
{
	struct damon_sysfs_test_scheme *t = damon_sysfs_test_scheme(test);
	struct damon_sysfs_node_goal *ng;
	struct damos_quota_goal *goal;
	struct damos *s;

	t->goals.nr = 2;
	t->goal[0].metric = DAMON_SYSFS_GOAL_USER_INPUT;
	t->goal[0].target_value = 100;
	t->goal[0].current_value = 12345;
	t->goal[0].nid = -7;
	t->goal[1].metric = DAMON_SYSFS_GOAL_NODE_MEM_FREE_BP;
	t->goal[1].target_value = 2000;
	t->goal[1].current_value = 12345;
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_build_schemes(test, t, &s), 0);
	goal = damon_sysfs_nth_goal(&s->quota, 1);
	KUNIT_ASSERT_NOT_NULL(test, goal);
	KUNIT_EXPECT_EQ(test, goal->metric, DAMOS_QUOTA_USER_INPUT);
	KUNIT_EXPECT_EQ(test, goal->target_value, 2000UL);
	KUNIT_EXPECT_LE(test, goal->current_value, 10000UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_nth_goal(&s->quota, 0)->current_value,
			12345UL);
	KUNIT_ASSERT_NOT_NULL(test, t->node_goals);
	KUNIT_ASSERT_EQ(test, t->node_goals->nr, 1);
	ng = &t->node_goals->goals[0];
	KUNIT_EXPECT_EQ(test, ng->scheme, 0);
	KUNIT_EXPECT_EQ(test, ng->goal, 1);
	KUNIT_EXPECT_EQ(test, ng->dir, 1);
	KUNIT_EXPECT_EQ(test, ng->metric, DAMON_SYSFS_GOAL_NODE_MEM_FREE_BP);
	KUNIT_EXPECT_EQ(test, ng->nid, 0);

	/* without a target value, the first goal is not built */
	t->goal[0].target_value = 0;
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_build_schemes(test, t, &s), 0);
	KUNIT_ASSERT_TRUE(test, list_is_singular(&s->quota.goals));
	KUNIT_ASSERT_NOT_NULL(test, t->node_goals);
	KUNIT_EXPECT_EQ(test, t->node_goals->goals[0].goal, 0);
	KUNIT_EXPECT_EQ(test, t->node_goals->goals[0].dir, 1);

	/* no node goal, no table */
	t->goal[1].target_value = 0;
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_build_schemes(test, t, &s), 0);
	KUNIT_EXPECT_NULL(test, t->node_goals);
}

/* The ratio in bp, without overflow for the largest nodes. */
static void damon_sysfs_test_mem_bp(struct kunit *test)
{
	/* 4 EiB of 4 KiB pages on 64 bits */
	unsigned long big = 1UL << (BITS_PER_LONG - 14);

	KUNIT_EXPECT_EQ(test, damon_sysfs_mem_bp(0, 0), 0UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_mem_bp(5, 0), 0UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_mem_bp(0, 100), 0UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_mem_bp(1, 2), 5000UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_mem_bp(1, 3), 3333UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_mem_bp(100, 100), 10000UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_mem_bp(big / 2, big), 5000UL);
	KUNIT_EXPECT_EQ(test, damon_sysfs_mem_bp(big, big), 10000UL);
}

static struct damon_sysfs_node_goals *
damon_sysfs_test_node_goals(struct kunit *test, const int *schemes, int nr)
{
	struct damon_sysfs_node_goals *table;
	int i;

	table = kunit_kzalloc(test, struct_size(table, goals, nr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, table);
	table->size = nr;
	for (i = 0; i < nr; i++)
		damon_sysfs_node_goals_add(table, schemes[i], i, i,
					   DAMON_SYSFS_GOAL_NODE_MEM_USED_BP, 0);
	return table;
}

/*
 * commit_schemes_quota_goals replaces the node goals of the schemes that
 * have a directory and keeps those of the running schemes beyond.
 */
static void damon_sysfs_test_node_goals_merge(struct kunit *test)
{
	static const int in_schemes[] = { 0, 1 };
	static const int old_schemes[] = { 0, 2, 3 };
	struct damon_sysfs_node_goals *in, *old, *merged;

	in = damon_sysfs_test_node_goals(test, in_schemes, 2);
	old = damon_sysfs_test_node_goals(test, old_schemes, 3);
	/* the tree has all four schemes: nothing kept */
	KUNIT_EXPECT_PTR_EQ(test, damon_sysfs_node_goals_merge(in, old, 4), in);
	KUNIT_EXPECT_NULL(test, damon_sysfs_node_goals_merge(NULL, old, 4));
	KUNIT_EXPECT_PTR_EQ(test, damon_sysfs_node_goals_merge(in, NULL, 1), in);

	/* the tree has two: schemes 2 and 3 keep theirs */
	merged = damon_sysfs_node_goals_merge(in, old, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(merged));
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test, damon_sysfs_test_kvfree,
						  merged), 0);
	KUNIT_ASSERT_EQ(test, merged->nr, 4);
	KUNIT_EXPECT_EQ(test, merged->goals[0].scheme, 0);
	KUNIT_EXPECT_EQ(test, merged->goals[1].scheme, 1);
	KUNIT_EXPECT_EQ(test, merged->goals[2].scheme, 2);
	KUNIT_EXPECT_EQ(test, merged->goals[3].scheme, 3);
	KUNIT_EXPECT_EQ(test, merged->goals[3].goal, 2);
}

/*
 * The kdamond sets a node goal's value only for an apply step that adjusts
 * the quota: the scheme is active, due, and its charge window is over.
 */
static void damon_sysfs_test_node_goals_set(struct kunit *test)
{
	struct damon_sysfs_test_scheme *t = damon_sysfs_test_scheme(test);
	struct damos_quota_goal *goal;
	struct damon_ctx *ctx;
	struct damos *s;

	t->quotas.reset_interval_ms = 1000;
	t->goals.nr = 1;
	t->goal[0].metric = DAMON_SYSFS_GOAL_NODE_MEM_USED_BP;
	t->goal[0].target_value = 1;
	KUNIT_ASSERT_EQ(test, damon_sysfs_test_build_schemes(test, t, &s), 0);
	KUNIT_ASSERT_NOT_NULL(test, t->node_goals);
	ctx = damon_new_ctx();
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	KUNIT_ASSERT_EQ(test,
			kunit_add_action_or_reset(test,
						  damon_sysfs_test_destroy_damon_ctx,
						  ctx), 0);
	list_del(&s->list);
	damon_add_scheme(ctx, s);
	goal = damon_sysfs_nth_goal(&s->quota, 0);
	KUNIT_ASSERT_NOT_NULL(test, goal);

	/* not due yet */
	goal->current_value = 20000;
	damon_sysfs_node_goals_set(ctx, t->node_goals, s->next_apply_sis - 1);
	KUNIT_EXPECT_EQ(test, goal->current_value, 20000UL);
	/* due, in its first window (charged_from 0): adjusted */
	damon_sysfs_node_goals_set(ctx, t->node_goals, s->next_apply_sis);
	KUNIT_EXPECT_LE(test, goal->current_value, 10000UL);
	/* a charge window that began now is not over */
	goal->current_value = 20000;
	s->quota.charged_from = jiffies;
	damon_sysfs_node_goals_set(ctx, t->node_goals, s->next_apply_sis);
	KUNIT_EXPECT_EQ(test, goal->current_value, 20000UL);
	/* one that ended */
	s->quota.charged_from = jiffies - msecs_to_jiffies(1000) - 1;
	damon_sysfs_node_goals_set(ctx, t->node_goals, s->next_apply_sis);
	KUNIT_EXPECT_LE(test, goal->current_value, 10000UL);
	/* deactivated by its watermarks */
	goal->current_value = 20000;
	s->wmarks.activated = false;
	damon_sysfs_node_goals_set(ctx, t->node_goals, s->next_apply_sis);
	KUNIT_EXPECT_EQ(test, goal->current_value, 20000UL);
}

static struct kunit_case damon_sysfs_schemes_test_cases[] = {
	KUNIT_CASE_PARAM(damon_sysfs_test_scheme_keywords,
			 damon_sysfs_keywords_gen_params),
	KUNIT_CASE_PARAM(damon_sysfs_test_scheme_invalid,
			 damon_sysfs_scheme_gen_params),
	KUNIT_CASE(damon_sysfs_test_scheme_valid),
	KUNIT_CASE(damon_sysfs_test_memcg_filter),
	KUNIT_CASE(damon_sysfs_test_filters_order),
	KUNIT_CASE_PARAM(damon_sysfs_test_filter_type_layer,
			 damon_sysfs_filter_type_gen_params),
	KUNIT_CASE_PARAM(damon_sysfs_test_tried_settle,
			 damon_sysfs_settle_gen_params),
	KUNIT_CASE(damon_sysfs_test_tried_walk),
	KUNIT_CASE(damon_sysfs_test_node_goals_build),
	KUNIT_CASE(damon_sysfs_test_mem_bp),
	KUNIT_CASE(damon_sysfs_test_node_goals_merge),
	KUNIT_CASE(damon_sysfs_test_node_goals_set),
	{},
};

static struct kunit_suite damon_sysfs_schemes_test_suite = {
	.name = "damon-sysfs-schemes",
	.test_cases = damon_sysfs_schemes_test_cases,
};

kunit_test_suite(damon_sysfs_schemes_test_suite);

#endif /* _DAMON_SYSFS_SCHEMES_TEST_H */

#endif /* CONFIG_DAMON_SYSFS_KUNIT_TEST */

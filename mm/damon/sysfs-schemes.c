// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: kdamonds/<K>/contexts/<C>/schemes.
 *
 * Same layers as sysfs.c: plumbing (the directories, leaf to root), build
 * (tree -> &struct damos, the only place that checks meaning), then the
 * state commands on schemes: what the writer prepares, what the kdamond
 * runs, and how the writer copies the results into the tree.
 */

#include <linux/cgroup.h>
#include <linux/memcontrol.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "sysfs-common.h"

/* Defaults of a new scheme directory, as in the ABI. */
#define DAMON_SYSFS_DEFAULT_ACTION		DAMOS_STAT
#define DAMON_SYSFS_DEFAULT_TARGET_NID		NUMA_NO_NODE
#define DAMON_SYSFS_DEFAULT_GOAL_METRIC		DAMON_SYSFS_GOAL_USER_INPUT
#define DAMON_SYSFS_DEFAULT_WMARK_METRIC	DAMOS_WMARK_NONE
#define DAMON_SYSFS_DEFAULT_FILTER_TYPE		DAMOS_FILTER_TYPE_ANON

static const char * const damon_sysfs_action_names[] = {
	[DAMOS_WILLNEED] = "willneed",
	[DAMOS_COLD] = "cold",
	[DAMOS_PAGEOUT] = "pageout",
	[DAMOS_HUGEPAGE] = "hugepage",
	[DAMOS_NOHUGEPAGE] = "nohugepage",
	[DAMOS_LRU_PRIO] = "lru_prio",
	[DAMOS_LRU_DEPRIO] = "lru_deprio",
	[DAMOS_MIGRATE_HOT] = "migrate_hot",
	[DAMOS_MIGRATE_COLD] = "migrate_cold",
	[DAMOS_STAT] = "stat",
};

static_assert(ARRAY_SIZE(damon_sysfs_action_names) == NR_DAMOS_ACTIONS);

static const char * const damon_sysfs_goal_metric_names[] = {
	[DAMON_SYSFS_GOAL_USER_INPUT] = "user_input",
	[DAMON_SYSFS_GOAL_SOME_MEM_PSI_US] = "some_mem_psi_us",
	[DAMON_SYSFS_GOAL_NODE_MEM_USED_BP] = "node_mem_used_bp",
	[DAMON_SYSFS_GOAL_NODE_MEM_FREE_BP] = "node_mem_free_bp",
};

static_assert(ARRAY_SIZE(damon_sysfs_goal_metric_names) ==
	      NR_DAMON_SYSFS_GOAL_METRICS);

/*
 * The metric the 6.12 core is given for each: it measures none of the node
 * metrics (mainline 6.16 added them), so the interface measures those and
 * hands the core a user_input goal (see damon_sysfs_node_goals_set()).
 */
static const enum damos_quota_goal_metric damon_sysfs_goal_core_metrics[] = {
	[DAMON_SYSFS_GOAL_USER_INPUT] = DAMOS_QUOTA_USER_INPUT,
	[DAMON_SYSFS_GOAL_SOME_MEM_PSI_US] = DAMOS_QUOTA_SOME_MEM_PSI_US,
	[DAMON_SYSFS_GOAL_NODE_MEM_USED_BP] = DAMOS_QUOTA_USER_INPUT,
	[DAMON_SYSFS_GOAL_NODE_MEM_FREE_BP] = DAMOS_QUOTA_USER_INPUT,
};

static_assert(ARRAY_SIZE(damon_sysfs_goal_core_metrics) ==
	      NR_DAMON_SYSFS_GOAL_METRICS);

static const char * const damon_sysfs_wmark_metric_names[] = {
	[DAMOS_WMARK_NONE] = "none",
	[DAMOS_WMARK_FREE_MEM_RATE] = "free_mem_rate",
};

static_assert(ARRAY_SIZE(damon_sysfs_wmark_metric_names) ==
	      NR_DAMOS_WMARK_METRICS);

static const char * const damon_sysfs_filter_type_names[] = {
	[DAMOS_FILTER_TYPE_ANON] = "anon",
	[DAMOS_FILTER_TYPE_MEMCG] = "memcg",
	[DAMOS_FILTER_TYPE_YOUNG] = "young",
	[DAMOS_FILTER_TYPE_ADDR] = "addr",
	[DAMOS_FILTER_TYPE_TARGET] = "target",
};

static_assert(ARRAY_SIZE(damon_sysfs_filter_type_names) ==
	      NR_DAMOS_FILTER_TYPES);

/**
 * enum damon_sysfs_filter_layer - the layer that handles a filter
 * @DAMON_SYSFS_FILTER_ANY_LAYER: either; what filters/ takes.
 * @DAMON_SYSFS_FILTER_CORE_LAYER: the core, before it tries a region.
 * @DAMON_SYSFS_FILTER_OPS_LAYER: the operations set, as it applies the
 *	action.
 */
enum damon_sysfs_filter_layer {
	DAMON_SYSFS_FILTER_ANY_LAYER,
	DAMON_SYSFS_FILTER_CORE_LAYER,
	DAMON_SYSFS_FILTER_OPS_LAYER,
};

/* Where the 6.12 core and operations sets handle each type. */
static const enum damon_sysfs_filter_layer damon_sysfs_filter_type_layers[] = {
	[DAMOS_FILTER_TYPE_ANON] = DAMON_SYSFS_FILTER_OPS_LAYER,
	[DAMOS_FILTER_TYPE_MEMCG] = DAMON_SYSFS_FILTER_OPS_LAYER,
	[DAMOS_FILTER_TYPE_YOUNG] = DAMON_SYSFS_FILTER_OPS_LAYER,
	[DAMOS_FILTER_TYPE_ADDR] = DAMON_SYSFS_FILTER_CORE_LAYER,
	[DAMOS_FILTER_TYPE_TARGET] = DAMON_SYSFS_FILTER_CORE_LAYER,
};

static_assert(ARRAY_SIZE(damon_sysfs_filter_type_layers) ==
	      NR_DAMOS_FILTER_TYPES);

/* Whether a filters directory of @layer takes filters of @type. */
static bool damon_sysfs_filter_layer_takes(enum damon_sysfs_filter_layer layer,
					   enum damos_filter_type type)
{
	return layer == DAMON_SYSFS_FILTER_ANY_LAYER ||
		layer == damon_sysfs_filter_type_layers[type];
}

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/tried_regions/<R> directory
 */

/**
 * struct damon_sysfs_scheme_region - a region a scheme was tried on
 * @kobj:	the directory.
 * @start:	start address.
 * @end:	end address.
 * @nr_accesses: access frequency, in samples per aggregation interval.
 * @age:	aggregation intervals the access pattern has lasted.
 */
struct damon_sysfs_scheme_region {
	struct kobject kobj;
	unsigned long start;
	unsigned long end;
	unsigned int nr_accesses;
	unsigned int age;
};

DAMON_SYSFS_UL_RO(scheme_region, start, start);
DAMON_SYSFS_UL_RO(scheme_region, end, end);
DAMON_SYSFS_UINT_RO(scheme_region, nr_accesses, nr_accesses);
DAMON_SYSFS_UINT_RO(scheme_region, age, age);

static struct attribute *damon_sysfs_scheme_region_attrs[] = {
	DAMON_SYSFS_ATTR(scheme_region, start),
	DAMON_SYSFS_ATTR(scheme_region, end),
	DAMON_SYSFS_ATTR(scheme_region, nr_accesses),
	DAMON_SYSFS_ATTR(scheme_region, age),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_scheme_region);
DAMON_SYSFS_KTYPE(scheme_region);

/* What the kdamond records of a tried region. */
struct damon_sysfs_tried_region {
	unsigned long start;
	unsigned long end;
	unsigned int nr_accesses;
	unsigned int age;
};

static struct kobject *
damon_sysfs_scheme_region_create(struct kobject *parent, const char *name,
				 const struct damon_sysfs_tried_region *tried)
{
	struct damon_sysfs_scheme_region *region;
	int err;

	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return ERR_PTR(-ENOMEM);
	region->start = tried->start;
	region->end = tried->end;
	region->nr_accesses = tried->nr_accesses;
	region->age = tried->age;
	err = damon_sysfs_add_dir(&region->kobj,
				  &damon_sysfs_scheme_region_ktype, parent,
				  name);
	return err ? ERR_PTR(err) : &region->kobj;
}

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/tried_regions directory
 */

/**
 * struct damon_sysfs_scheme_regions - the regions a scheme was last tried on
 * @arr:	the directory and its region directories.
 * @kobj:	the directory, as every node names it.
 * @total_bytes: the sum of the sizes of the regions of the last update.
 *
 * The region directories are made by the writer of an update command, from
 * what the kdamond recorded; they have no nr_* file.
 */
struct damon_sysfs_scheme_regions {
	union {
		struct damon_sysfs_array arr;
		struct kobject kobj;
	};
	unsigned long total_bytes;
};

DAMON_SYSFS_UL_RO(scheme_regions, total_bytes, total_bytes);

static struct attribute *damon_sysfs_scheme_regions_attrs[] = {
	DAMON_SYSFS_ATTR(scheme_regions, total_bytes),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_scheme_regions);
DAMON_SYSFS_KTYPE(scheme_regions);

static const struct damon_sysfs_array_type damon_sysfs_scheme_regions_type = {
	.ktype = &damon_sysfs_scheme_regions_ktype,
	.size = sizeof(struct damon_sysfs_scheme_regions),
	.destroy_item = damon_sysfs_put,
};

static struct damon_sysfs_scheme_regions *
to_damon_sysfs_scheme_regions(struct damon_sysfs_array *arr)
{
	return container_of(arr, struct damon_sysfs_scheme_regions, arr);
}

/*
 * Make the region directories show @tried.  Directories that exist are
 * reused, with new values: consecutive updates of thousands of regions then
 * cost no directory churn.  On failure no directory stays: a part of the
 * list would look like a whole one to a later reader.
 */
static int
damon_sysfs_scheme_regions_fill(struct damon_sysfs_scheme_regions *regions,
				const struct damon_sysfs_tried_region *tried,
				unsigned long nr)
{
	struct damon_sysfs_array *arr = &regions->arr;
	struct kobject **items;
	char name[24];
	unsigned long i;

	if (nr > INT_MAX)
		return -ENOMEM;
	while (arr->nr > nr)
		arr->type->destroy_item(arr->items[--arr->nr]);
	for (i = 0; i < arr->nr; i++) {
		struct damon_sysfs_scheme_region *region =
			container_of(arr->items[i],
				     struct damon_sysfs_scheme_region, kobj);

		WRITE_ONCE(region->start, tried[i].start);
		WRITE_ONCE(region->end, tried[i].end);
		WRITE_ONCE(region->nr_accesses, tried[i].nr_accesses);
		WRITE_ONCE(region->age, tried[i].age);
	}
	if (arr->nr == nr)
		return 0;
	items = kvcalloc(nr, sizeof(*items), GFP_KERNEL | __GFP_NOWARN);
	if (!items) {
		damon_sysfs_array_clear(arr);
		return -ENOMEM;
	}
	if (arr->nr)
		memcpy(items, arr->items, arr->nr * sizeof(*items));
	kvfree(arr->items);
	arr->items = items;
	for (i = arr->nr; i < nr; i++) {
		struct kobject *item;

		snprintf(name, sizeof(name), "%lu", i);
		item = damon_sysfs_scheme_region_create(&arr->kobj, name,
							&tried[i]);
		if (IS_ERR(item)) {
			damon_sysfs_array_clear(arr);
			return PTR_ERR(item);
		}
		arr->items[arr->nr++] = item;
	}
	return 0;
}

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/stats directory
 */

/**
 * struct damon_sysfs_stats - a copy of a scheme's &struct damos_stat
 * @kobj:	the directory.
 * @nr_tried:	regions the scheme was tried on.
 * @sz_tried:	bytes of those.
 * @nr_applied:	regions the action was applied to.
 * @sz_applied:	bytes of those.
 * @qt_exceeds:	times the quota was exceeded.
 */
struct damon_sysfs_stats {
	struct kobject kobj;
	unsigned long nr_tried;
	unsigned long sz_tried;
	unsigned long nr_applied;
	unsigned long sz_applied;
	unsigned long qt_exceeds;
};

DAMON_SYSFS_UL_RO(stats, nr_tried, nr_tried);
DAMON_SYSFS_UL_RO(stats, sz_tried, sz_tried);
DAMON_SYSFS_UL_RO(stats, nr_applied, nr_applied);
DAMON_SYSFS_UL_RO(stats, sz_applied, sz_applied);
DAMON_SYSFS_UL_RO(stats, qt_exceeds, qt_exceeds);

static struct attribute *damon_sysfs_stats_attrs[] = {
	DAMON_SYSFS_ATTR(stats, nr_tried),
	DAMON_SYSFS_ATTR(stats, sz_tried),
	DAMON_SYSFS_ATTR(stats, nr_applied),
	DAMON_SYSFS_ATTR(stats, sz_applied),
	DAMON_SYSFS_ATTR(stats, qt_exceeds),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_stats);
DAMON_SYSFS_KTYPE(stats);

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/filters/<F> directory
 */

/**
 * struct damon_sysfs_filter - a filter of a scheme
 * @kobj:	the directory.
 * @layer:	the layer its directory is for; fixed at creation.
 * @type:	the &enum damos_filter_type.
 * @matching:	filter out the memory that matches (else, what does not).
 * @memcg_path:	for memcg filters, the path of the memory cgroup, or NULL;
 *		guarded by &damon_sysfs_memcg_path_lock.
 * @addr_start:	for addr filters, the start address.
 * @addr_end:	for addr filters, the end address.
 * @target_idx:	for target filters, the index of the target.
 */
struct damon_sysfs_filter {
	struct kobject kobj;
	enum damon_sysfs_filter_layer layer;
	int type;
	bool matching;
	char *memcg_path;
	unsigned long addr_start;
	unsigned long addr_end;
	int target_idx;
};

static struct damon_sysfs_filter *to_damon_sysfs_filter(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_filter, kobj);
}

/*
 * core_filters/ and ops_filters/ refuse the types of the other layer with
 * -EINVAL, as mainline does; filters/ takes every type.
 */
static ssize_t damon_sysfs_filter_type_store(struct kobject *kobj,
					     struct kobj_attribute *attr,
					     const char *buf, size_t count)
{
	struct damon_sysfs_filter *filter = to_damon_sysfs_filter(kobj);
	int type = sysfs_match_string(damon_sysfs_filter_type_names, buf);

	if (type < 0)
		return type;
	if (!damon_sysfs_filter_layer_takes(filter->layer, type))
		return -EINVAL;
	WRITE_ONCE(filter->type, type);
	return count;
}

__DAMON_SYSFS_FIELD(filter, type, type, int, 0600, damon_sysfs_enum_show,
		    damon_sysfs_filter_type_store,
		    .keywords = damon_sysfs_filter_type_names,
		    .nr_keywords = ARRAY_SIZE(damon_sysfs_filter_type_names));
DAMON_SYSFS_BOOL_RW(filter, matching, matching);
DAMON_SYSFS_UL_RW(filter, addr_start, addr_start);
DAMON_SYSFS_UL_RW(filter, addr_end, addr_end);
DAMON_SYSFS_INT_RW(filter, damon_target_idx, target_idx);

/*
 * Guards every filter's memcg_path, which, unlike the scalar files, cannot
 * be read or written at once.  It is never held while directories are
 * removed, so its handlers may block on it and never fail with -EBUSY, as
 * in 6.12; the build of a context takes it under &damon_sysfs_lock.
 */
static DEFINE_MUTEX(damon_sysfs_memcg_path_lock);

static ssize_t memcg_path_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct damon_sysfs_filter *filter = to_damon_sysfs_filter(kobj);

	guard(mutex)(&damon_sysfs_memcg_path_lock);
	return sysfs_emit(buf, "%s\n", filter->memcg_path ?: "");
}

/* Stored without its trailing newline, unlike 6.12, which kept it. */
static ssize_t memcg_path_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_filter *filter = to_damon_sysfs_filter(kobj);
	size_t len = count;
	char *path;

	if (len && buf[len - 1] == '\n')
		len--;
	path = kmemdup_nul(buf, len, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	mutex_lock(&damon_sysfs_memcg_path_lock);
	swap(filter->memcg_path, path);
	mutex_unlock(&damon_sysfs_memcg_path_lock);
	kfree(path);
	return count;
}

static struct kobj_attribute damon_sysfs_filter_memcg_path =
		__ATTR_RW_MODE(memcg_path, 0600);

static struct attribute *damon_sysfs_filter_attrs[] = {
	DAMON_SYSFS_ATTR(filter, type),
	DAMON_SYSFS_ATTR(filter, matching),
	&damon_sysfs_filter_memcg_path.attr,
	DAMON_SYSFS_ATTR(filter, addr_start),
	DAMON_SYSFS_ATTR(filter, addr_end),
	DAMON_SYSFS_ATTR(filter, damon_target_idx),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_filter);

/* A filter owns its path: the one node with a release of its own. */
static void damon_sysfs_filter_release(struct kobject *kobj)
{
	struct damon_sysfs_filter *filter = to_damon_sysfs_filter(kobj);

	kfree(filter->memcg_path);
	kfree(filter);
}

static const struct kobj_type damon_sysfs_filter_ktype = {
	.release = damon_sysfs_filter_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = damon_sysfs_filter_groups,
};

/*
 * A new filter reads anon in every directory, as in mainline, even in
 * core_filters/, which refuses that type when it is written.
 */
static struct kobject *
damon_sysfs_filter_create_in(struct kobject *parent, const char *name,
			     enum damon_sysfs_filter_layer layer)
{
	struct damon_sysfs_filter *filter;
	int err;

	filter = kzalloc(sizeof(*filter), GFP_KERNEL);
	if (!filter)
		return ERR_PTR(-ENOMEM);
	filter->layer = layer;
	filter->type = DAMON_SYSFS_DEFAULT_FILTER_TYPE;
	err = damon_sysfs_add_dir(&filter->kobj, &damon_sysfs_filter_ktype,
				  parent, name);
	return err ? ERR_PTR(err) : &filter->kobj;
}

static struct kobject *damon_sysfs_filter_create(struct kobject *parent,
						 const char *name)
{
	return damon_sysfs_filter_create_in(parent, name,
					    DAMON_SYSFS_FILTER_ANY_LAYER);
}

static struct kobject *damon_sysfs_core_filter_create(struct kobject *parent,
						      const char *name)
{
	return damon_sysfs_filter_create_in(parent, name,
					    DAMON_SYSFS_FILTER_CORE_LAYER);
}

static struct kobject *damon_sysfs_ops_filter_create(struct kobject *parent,
						     const char *name)
{
	return damon_sysfs_filter_create_in(parent, name,
					    DAMON_SYSFS_FILTER_OPS_LAYER);
}

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/{filters,core_filters,ops_filters}
 * directories
 */

DAMON_SYSFS_ARRAY_KTYPE(filters, nr_filters);

static const struct damon_sysfs_array_type damon_sysfs_filters_type = {
	.ktype = &damon_sysfs_filters_ktype,
	.create_item = damon_sysfs_filter_create,
	.destroy_item = damon_sysfs_put,
	.max_nr = DAMON_SYSFS_MAX_NR,
};

static const struct damon_sysfs_array_type damon_sysfs_core_filters_type = {
	.ktype = &damon_sysfs_filters_ktype,
	.create_item = damon_sysfs_core_filter_create,
	.destroy_item = damon_sysfs_put,
	.max_nr = DAMON_SYSFS_MAX_NR,
};

static const struct damon_sysfs_array_type damon_sysfs_ops_filters_type = {
	.ktype = &damon_sysfs_filters_ktype,
	.create_item = damon_sysfs_ops_filter_create,
	.destroy_item = damon_sysfs_put,
	.max_nr = DAMON_SYSFS_MAX_NR,
};

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/watermarks directory
 */

/**
 * struct damon_sysfs_watermarks - when a scheme is active
 * @kobj:	the directory.
 * @metric:	the &enum damos_wmark_metric.
 * @interval_us: how often the metric is checked.
 * @high:	above it, the scheme is deactivated.
 * @mid:	below it (and not below @low), an inactive scheme is activated;
 *		between it and @high, an inactive scheme stays inactive.
 * @low:	below it, the scheme is deactivated.
 */
struct damon_sysfs_watermarks {
	struct kobject kobj;
	int metric;
	unsigned long interval_us;
	unsigned long high;
	unsigned long mid;
	unsigned long low;
};

DAMON_SYSFS_ENUM_RW(watermarks, metric, metric,
		    damon_sysfs_wmark_metric_names);
DAMON_SYSFS_UL_RW(watermarks, interval_us, interval_us);
DAMON_SYSFS_UL_RW(watermarks, high, high);
DAMON_SYSFS_UL_RW(watermarks, mid, mid);
DAMON_SYSFS_UL_RW(watermarks, low, low);

static struct attribute *damon_sysfs_watermarks_attrs[] = {
	DAMON_SYSFS_ATTR(watermarks, metric),
	DAMON_SYSFS_ATTR(watermarks, interval_us),
	DAMON_SYSFS_ATTR(watermarks, high),
	DAMON_SYSFS_ATTR(watermarks, mid),
	DAMON_SYSFS_ATTR(watermarks, low),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_watermarks);
DAMON_SYSFS_KTYPE(watermarks);

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/quotas/goals/<G> directory
 */

/**
 * struct damon_sysfs_goal - a quota auto-tuning goal
 * @kobj:	the directory.
 * @metric:	the &enum damon_sysfs_goal_metric.
 * @target_value: the value of the metric to reach; 0 disables the goal.
 * @current_value: for user_input goals, the value now; for node goals, the
 *		value that the running kdamond last used.
 * @nid:	for node goals, the node whose memory is measured.
 */
struct damon_sysfs_goal {
	struct kobject kobj;
	int metric;
	unsigned long target_value;
	unsigned long current_value;
	int nid;
};

DAMON_SYSFS_ENUM_RW(goal, target_metric, metric,
		    damon_sysfs_goal_metric_names);
DAMON_SYSFS_UL_RW(goal, target_value, target_value);
DAMON_SYSFS_UL_RW(goal, current_value, current_value);
DAMON_SYSFS_INT_RW(goal, nid, nid);

static struct attribute *damon_sysfs_goal_attrs[] = {
	DAMON_SYSFS_ATTR(goal, target_metric),
	DAMON_SYSFS_ATTR(goal, target_value),
	DAMON_SYSFS_ATTR(goal, current_value),
	DAMON_SYSFS_ATTR(goal, nid),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_goal);
DAMON_SYSFS_KTYPE(goal);

static struct damon_sysfs_goal *to_damon_sysfs_goal(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_goal, kobj);
}

static struct kobject *damon_sysfs_goal_create(struct kobject *parent,
					       const char *name)
{
	struct damon_sysfs_goal *goal;
	int err;

	goal = kzalloc(sizeof(*goal), GFP_KERNEL);
	if (!goal)
		return ERR_PTR(-ENOMEM);
	goal->metric = DAMON_SYSFS_DEFAULT_GOAL_METRIC;
	err = damon_sysfs_add_dir(&goal->kobj, &damon_sysfs_goal_ktype,
				  parent, name);
	return err ? ERR_PTR(err) : &goal->kobj;
}

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/quotas/goals directory
 */

DAMON_SYSFS_ARRAY_KTYPE(goals, nr_goals);

static const struct damon_sysfs_array_type damon_sysfs_goals_type = {
	.ktype = &damon_sysfs_goals_ktype,
	.create_item = damon_sysfs_goal_create,
	.destroy_item = damon_sysfs_put,
	.max_nr = DAMON_SYSFS_MAX_NR,
};

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/quotas/weights directory
 */

/**
 * struct damon_sysfs_weights - how regions are prioritized under a quota
 * @kobj:	the directory.
 * @sz:		weight of the region size, in permil.
 * @nr_accesses: weight of the access frequency, in permil.
 * @age:	weight of the age, in permil.
 */
struct damon_sysfs_weights {
	struct kobject kobj;
	unsigned int sz;
	unsigned int nr_accesses;
	unsigned int age;
};

DAMON_SYSFS_UINT_RW(weights, sz_permil, sz);
DAMON_SYSFS_UINT_RW(weights, nr_accesses_permil, nr_accesses);
DAMON_SYSFS_UINT_RW(weights, age_permil, age);

static struct attribute *damon_sysfs_weights_attrs[] = {
	DAMON_SYSFS_ATTR(weights, sz_permil),
	DAMON_SYSFS_ATTR(weights, nr_accesses_permil),
	DAMON_SYSFS_ATTR(weights, age_permil),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_weights);
DAMON_SYSFS_KTYPE(weights);

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/quotas directory
 */

/**
 * struct damon_sysfs_quotas - how much a scheme may do
 * @kobj:	the directory.
 * @ms:		time quota per @reset_interval_ms.
 * @sz:		size quota per @reset_interval_ms, in bytes.
 * @reset_interval_ms: the charge window.
 * @effective_sz: the effective size quota the kdamond last reported.
 * @weights:	weights/.
 * @goals:	goals/.
 */
struct damon_sysfs_quotas {
	struct kobject kobj;
	unsigned long ms;
	unsigned long sz;
	unsigned long reset_interval_ms;
	unsigned long effective_sz;
	struct damon_sysfs_weights *weights;
	struct damon_sysfs_array *goals;
};

DAMON_SYSFS_UL_RW_EINVAL(quotas, ms, ms);
DAMON_SYSFS_UL_RW_EINVAL(quotas, bytes, sz);
DAMON_SYSFS_UL_RW_EINVAL(quotas, reset_interval_ms, reset_interval_ms);
DAMON_SYSFS_UL_RO(quotas, effective_bytes, effective_sz);

static struct attribute *damon_sysfs_quotas_attrs[] = {
	DAMON_SYSFS_ATTR(quotas, ms),
	DAMON_SYSFS_ATTR(quotas, bytes),
	DAMON_SYSFS_ATTR(quotas, reset_interval_ms),
	DAMON_SYSFS_ATTR(quotas, effective_bytes),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_quotas);
DAMON_SYSFS_KTYPE(quotas);

static void damon_sysfs_quotas_destroy(struct damon_sysfs_quotas *quotas)
{
	if (!quotas)
		return;
	damon_sysfs_array_destroy(quotas->goals);
	if (quotas->weights)
		damon_sysfs_put(&quotas->weights->kobj);
	damon_sysfs_put(&quotas->kobj);
}

static struct damon_sysfs_quotas *
damon_sysfs_quotas_create(struct kobject *parent)
{
	struct damon_sysfs_quotas *quotas;
	struct damon_sysfs_weights *weights;
	struct damon_sysfs_array *goals;
	int err;

	quotas = kzalloc(sizeof(*quotas), GFP_KERNEL);
	if (!quotas)
		return ERR_PTR(-ENOMEM);
	err = damon_sysfs_add_dir(&quotas->kobj, &damon_sysfs_quotas_ktype,
				  parent, "quotas");
	if (err)
		return ERR_PTR(err);
	weights = kzalloc(sizeof(*weights), GFP_KERNEL);
	if (!weights) {
		err = -ENOMEM;
		goto out_destroy;
	}
	err = damon_sysfs_add_dir(&weights->kobj, &damon_sysfs_weights_ktype,
				  &quotas->kobj, "weights");
	if (err)
		goto out_destroy;
	quotas->weights = weights;
	goals = damon_sysfs_array_create(&quotas->kobj, "goals",
					 &damon_sysfs_goals_type);
	if (IS_ERR(goals)) {
		err = PTR_ERR(goals);
		goto out_destroy;
	}
	quotas->goals = goals;
	return quotas;
out_destroy:
	damon_sysfs_quotas_destroy(quotas);
	return ERR_PTR(err);
}

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S>/access_pattern directory
 */

/**
 * struct damon_sysfs_access_pattern - the regions a scheme acts on
 * @kobj:	the directory.
 * @sz:		sz/, region size bounds in bytes.
 * @nr_accesses: nr_accesses/, access frequency bounds.
 * @age:	age/, age bounds in aggregation intervals.
 */
struct damon_sysfs_access_pattern {
	struct kobject kobj;
	struct damon_sysfs_ul_range *sz;
	struct damon_sysfs_ul_range *nr_accesses;
	struct damon_sysfs_ul_range *age;
};

DAMON_SYSFS_KTYPE_NOFILES(access_pattern);

static void
damon_sysfs_access_pattern_destroy(struct damon_sysfs_access_pattern *ap)
{
	if (!ap)
		return;
	if (ap->sz)
		damon_sysfs_put(&ap->sz->kobj);
	if (ap->nr_accesses)
		damon_sysfs_put(&ap->nr_accesses->kobj);
	if (ap->age)
		damon_sysfs_put(&ap->age->kobj);
	damon_sysfs_put(&ap->kobj);
}

static struct damon_sysfs_access_pattern *
damon_sysfs_access_pattern_create(struct kobject *parent)
{
	struct damon_sysfs_access_pattern *ap;
	struct damon_sysfs_ul_range **ranges[3];
	static const char * const names[] = { "sz", "nr_accesses", "age" };
	int i, err;

	ap = kzalloc(sizeof(*ap), GFP_KERNEL);
	if (!ap)
		return ERR_PTR(-ENOMEM);
	err = damon_sysfs_add_dir(&ap->kobj, &damon_sysfs_access_pattern_ktype,
				  parent, "access_pattern");
	if (err)
		return ERR_PTR(err);
	ranges[0] = &ap->sz;
	ranges[1] = &ap->nr_accesses;
	ranges[2] = &ap->age;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		struct damon_sysfs_ul_range *range;

		range = damon_sysfs_ul_range_create(&ap->kobj, names[i], 0, 0);
		if (IS_ERR(range)) {
			damon_sysfs_access_pattern_destroy(ap);
			return ERR_CAST(range);
		}
		*ranges[i] = range;
	}
	return ap;
}

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S> directory
 */

/**
 * struct damon_sysfs_scheme - a DAMON-based operation scheme
 * @kobj:	the directory.
 * @action:	the &enum damos_action.
 * @apply_interval_us: time between applications; 0 means the aggregation
 *		interval.
 * @target_nid:	for migrate actions, the destination node.
 * @access_pattern: access_pattern/.
 * @quotas:	quotas/.
 * @watermarks:	watermarks/.
 * @filters:	filters/: filters of any layer.
 * @core_filters: core_filters/: filters the core handles.
 * @ops_filters: ops_filters/: filters the operations set handles.
 * @stats:	stats/.
 * @tried_regions: tried_regions/.
 */
struct damon_sysfs_scheme {
	struct kobject kobj;
	int action;
	unsigned long apply_interval_us;
	int target_nid;
	struct damon_sysfs_access_pattern *access_pattern;
	struct damon_sysfs_quotas *quotas;
	struct damon_sysfs_watermarks *watermarks;
	struct damon_sysfs_array *filters;
	struct damon_sysfs_array *core_filters;
	struct damon_sysfs_array *ops_filters;
	struct damon_sysfs_stats *stats;
	struct damon_sysfs_scheme_regions *tried_regions;
};

DAMON_SYSFS_ENUM_RW(scheme, action, action, damon_sysfs_action_names);
DAMON_SYSFS_UL_RW(scheme, apply_interval_us, apply_interval_us);
DAMON_SYSFS_INT_RW(scheme, target_nid, target_nid);

static struct attribute *damon_sysfs_scheme_attrs[] = {
	DAMON_SYSFS_ATTR(scheme, action),
	DAMON_SYSFS_ATTR(scheme, apply_interval_us),
	DAMON_SYSFS_ATTR(scheme, target_nid),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_scheme);
DAMON_SYSFS_KTYPE(scheme);

static struct damon_sysfs_scheme *to_damon_sysfs_scheme(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_scheme, kobj);
}

static void damon_sysfs_scheme_destroy(struct kobject *kobj)
{
	struct damon_sysfs_scheme *scheme = to_damon_sysfs_scheme(kobj);

	if (scheme->tried_regions)
		damon_sysfs_array_destroy(&scheme->tried_regions->arr);
	if (scheme->stats)
		damon_sysfs_put(&scheme->stats->kobj);
	damon_sysfs_array_destroy(scheme->ops_filters);
	damon_sysfs_array_destroy(scheme->core_filters);
	damon_sysfs_array_destroy(scheme->filters);
	if (scheme->watermarks)
		damon_sysfs_put(&scheme->watermarks->kobj);
	damon_sysfs_quotas_destroy(scheme->quotas);
	damon_sysfs_access_pattern_destroy(scheme->access_pattern);
	damon_sysfs_put(kobj);
}

/* filters/, core_filters/ and ops_filters/, each linked once made. */
static int damon_sysfs_scheme_add_filters(struct damon_sysfs_scheme *scheme)
{
	struct damon_sysfs_array *arr;

	arr = damon_sysfs_array_create(&scheme->kobj, "filters",
				       &damon_sysfs_filters_type);
	if (IS_ERR(arr))
		return PTR_ERR(arr);
	scheme->filters = arr;
	arr = damon_sysfs_array_create(&scheme->kobj, "core_filters",
				       &damon_sysfs_core_filters_type);
	if (IS_ERR(arr))
		return PTR_ERR(arr);
	scheme->core_filters = arr;
	arr = damon_sysfs_array_create(&scheme->kobj, "ops_filters",
				       &damon_sysfs_ops_filters_type);
	if (IS_ERR(arr))
		return PTR_ERR(arr);
	scheme->ops_filters = arr;
	return 0;
}

/* The children of a scheme, each linked only once made. */
static int damon_sysfs_scheme_add_children(struct damon_sysfs_scheme *scheme)
{
	struct damon_sysfs_access_pattern *ap;
	struct damon_sysfs_quotas *quotas;
	struct damon_sysfs_watermarks *wmarks;
	struct damon_sysfs_array *arr;
	struct damon_sysfs_stats *stats;
	int err;

	ap = damon_sysfs_access_pattern_create(&scheme->kobj);
	if (IS_ERR(ap))
		return PTR_ERR(ap);
	scheme->access_pattern = ap;
	quotas = damon_sysfs_quotas_create(&scheme->kobj);
	if (IS_ERR(quotas))
		return PTR_ERR(quotas);
	scheme->quotas = quotas;

	wmarks = kzalloc(sizeof(*wmarks), GFP_KERNEL);
	if (!wmarks)
		return -ENOMEM;
	wmarks->metric = DAMON_SYSFS_DEFAULT_WMARK_METRIC;
	err = damon_sysfs_add_dir(&wmarks->kobj, &damon_sysfs_watermarks_ktype,
				  &scheme->kobj, "watermarks");
	if (err)
		return err;
	scheme->watermarks = wmarks;

	err = damon_sysfs_scheme_add_filters(scheme);
	if (err)
		return err;

	stats = kzalloc(sizeof(*stats), GFP_KERNEL);
	if (!stats)
		return -ENOMEM;
	err = damon_sysfs_add_dir(&stats->kobj, &damon_sysfs_stats_ktype,
				  &scheme->kobj, "stats");
	if (err)
		return err;
	scheme->stats = stats;

	arr = damon_sysfs_array_create(&scheme->kobj, "tried_regions",
				       &damon_sysfs_scheme_regions_type);
	if (IS_ERR(arr))
		return PTR_ERR(arr);
	scheme->tried_regions = to_damon_sysfs_scheme_regions(arr);
	return 0;
}

static struct kobject *damon_sysfs_scheme_create(struct kobject *parent,
						 const char *name)
{
	struct damon_sysfs_scheme *scheme;
	int err;

	scheme = kzalloc(sizeof(*scheme), GFP_KERNEL);
	if (!scheme)
		return ERR_PTR(-ENOMEM);
	scheme->action = DAMON_SYSFS_DEFAULT_ACTION;
	scheme->target_nid = DAMON_SYSFS_DEFAULT_TARGET_NID;
	err = damon_sysfs_add_dir(&scheme->kobj, &damon_sysfs_scheme_ktype,
				  parent, name);
	if (err)
		return ERR_PTR(err);
	err = damon_sysfs_scheme_add_children(scheme);
	if (err) {
		damon_sysfs_scheme_destroy(&scheme->kobj);
		return ERR_PTR(err);
	}
	return &scheme->kobj;
}

/*
 * kdamonds/<K>/contexts/<C>/schemes directory
 */

DAMON_SYSFS_ARRAY_KTYPE(schemes, nr_schemes);

const struct damon_sysfs_array_type damon_sysfs_schemes_type = {
	.ktype = &damon_sysfs_schemes_ktype,
	.create_item = damon_sysfs_scheme_create,
	.destroy_item = damon_sysfs_scheme_destroy,
	.max_nr = DAMON_SYSFS_MAX_NR,
};

/*
 * build: tree -> schemes.  Reads each value once, makes no kobject calls,
 * and attaches each object to its parent at once, so that destroying the
 * context undoes a failure.
 */

/*
 * The access pattern keeps frequencies and ages as unsigned int.  A max
 * above UINT_MAX means no bound (damo writes ULONG_MAX for "max"); a min
 * above it could never match, so it is refused rather than truncated.
 */
static int damon_sysfs_build_uint_range(const struct damon_sysfs_ul_range *r,
					unsigned int *min, unsigned int *max)
{
	unsigned long lo = READ_ONCE(r->min), hi = READ_ONCE(r->max);

	if (lo > UINT_MAX)
		return -ERANGE;
	*min = lo;
	*max = min_t(unsigned long, hi, UINT_MAX);
	return 0;
}

static int
damon_sysfs_build_pattern(struct damos_access_pattern *pattern,
			  const struct damon_sysfs_access_pattern *ap)
{
	int err;

	pattern->min_sz_region = READ_ONCE(ap->sz->min);
	pattern->max_sz_region = READ_ONCE(ap->sz->max);
	err = damon_sysfs_build_uint_range(ap->nr_accesses,
					   &pattern->min_nr_accesses,
					   &pattern->max_nr_accesses);
	if (err)
		return err;
	return damon_sysfs_build_uint_range(ap->age, &pattern->min_age_region,
					    &pattern->max_age_region);
}

static bool damon_sysfs_goal_on_node(int metric)
{
	return metric == DAMON_SYSFS_GOAL_NODE_MEM_USED_BP ||
	       metric == DAMON_SYSFS_GOAL_NODE_MEM_FREE_BP;
}

/* A node goal measures a node that has memory: no other has a ratio. */
static bool damon_sysfs_node_measurable(int nid)
{
	return nid >= 0 && nid < MAX_NUMNODES && node_state(nid, N_MEMORY);
}

/* @pages of @total pages, in bp; 0 of nothing. */
static unsigned long damon_sysfs_mem_bp(unsigned long pages,
					unsigned long total)
{
	if (!total)
		return 0;
	return div64_u64((u64)pages * 10000, total);
}

/*
 * What a node goal of @metric measures on node @nid now: as mainline 6.16,
 * the node's managed pages that are not free, or those that are, over all
 * of them.
 */
static unsigned long damon_sysfs_node_mem_bp(int metric, int nid)
{
	struct sysinfo i;

#ifdef CONFIG_NUMA
	si_meminfo_node(&i, nid);
#else
	si_meminfo(&i);
#endif
	if (metric == DAMON_SYSFS_GOAL_NODE_MEM_USED_BP)
		return damon_sysfs_mem_bp(i.totalram - i.freeram, i.totalram);
	return damon_sysfs_mem_bp(i.freeram, i.totalram);
}

/*
 * A table of the node goals of @schemes, with room for every goal; NULL if
 * there are no goals at all.
 */
static struct damon_sysfs_node_goals *
damon_sysfs_node_goals_alloc(const struct damon_sysfs_array *schemes)
{
	struct damon_sysfs_node_goals *table;
	int i, size = 0;

	for (i = 0; i < schemes->nr; i++)
		size += to_damon_sysfs_scheme(schemes->items[i])->quotas->goals->nr;
	if (!size)
		return NULL;
	table = kvzalloc(struct_size(table, goals, size),
			 GFP_KERNEL | __GFP_NOWARN);
	if (!table)
		return ERR_PTR(-ENOMEM);
	table->size = size;
	return table;
}

/* List goal @goal of scheme @scheme, made from goal directory @dir. */
static void damon_sysfs_node_goals_add(struct damon_sysfs_node_goals *table,
				       int scheme, int goal, int dir,
				       int metric, int nid)
{
	table->goals[table->nr++] = (struct damon_sysfs_node_goal) {
		.scheme = scheme,
		.goal = goal,
		.dir = dir,
		.metric = metric,
		.nid = nid,
	};
}

/**
 * damon_sysfs_build_goals() - add the goals of a goals directory to a quota
 * @quota:	the quota; its goals list must be initialized.
 * @goals:	the goals directory.
 * @node_goals:	where the goals on node memory are listed, with room for
 *		all of @goals; NULL if @goals has none.
 * @scheme:	the index of the scheme of @quota.
 *
 * Goals whose target value is 0 are skipped, as in 6.12.  A goal on node
 * memory becomes a user_input goal whose current value is the node's now.
 *
 * Return: 0; -EINVAL for a goal on node memory whose node is not online or
 * has no memory; -ENOMEM.  On failure the goals added stay on @quota.
 */
static int damon_sysfs_build_goals(struct damos_quota *quota,
				   const struct damon_sysfs_array *goals,
				   struct damon_sysfs_node_goals *node_goals,
				   int scheme)
{
	int i, built = 0;

	for (i = 0; i < goals->nr; i++) {
		struct damon_sysfs_goal *g = to_damon_sysfs_goal(goals->items[i]);
		unsigned long target = READ_ONCE(g->target_value);
		int metric = READ_ONCE(g->metric);
		int nid = READ_ONCE(g->nid);
		bool on_node = damon_sysfs_goal_on_node(metric);
		struct damos_quota_goal *goal;

		if (!target)
			continue;
		if (on_node && !damon_sysfs_node_measurable(nid))
			return -EINVAL;
		goal = damos_new_quota_goal(damon_sysfs_goal_core_metrics[metric],
					    target);
		if (!goal)
			return -ENOMEM;
		if (on_node) {
			goal->current_value = damon_sysfs_node_mem_bp(metric, nid);
			damon_sysfs_node_goals_add(node_goals, scheme, built, i,
						   metric, nid);
		} else {
			goal->current_value = READ_ONCE(g->current_value);
		}
		damos_add_quota_goal(quota, goal);
		built++;
	}
	return 0;
}

/* The goal at @index in the goals of @quota, or NULL. */
static struct damos_quota_goal *damon_sysfs_nth_goal(struct damos_quota *quota,
						     int index)
{
	struct damos_quota_goal *goal;

	damos_for_each_quota_goal(goal, quota) {
		if (!index--)
			return goal;
	}
	return NULL;
}

/* Goal @index of scheme @scheme of @ctx, or NULL. */
static struct damos_quota_goal *damon_sysfs_scheme_goal(struct damon_ctx *ctx,
							int scheme, int index)
{
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		if (!scheme--)
			return damon_sysfs_nth_goal(&s->quota, index);
	}
	return NULL;
}

/*
 * Whether the apply step at @apply_sis samples, which comes one sampling
 * interval from now, adjusts the quota of @s: the scheme is active and due,
 * and its charge window is over by then (damos_adjust_quota() of 6.12).
 */
static bool damon_sysfs_quota_adjusts(struct damon_ctx *ctx, struct damos *s,
				      unsigned long apply_sis)
{
	struct damos_quota *quota = &s->quota;
	unsigned long end = quota->charged_from +
		msecs_to_jiffies(quota->reset_interval);
	unsigned long then = jiffies +
		usecs_to_jiffies(ctx->attrs.sample_interval) + 1;

	if (!s->wmarks.activated || apply_sis < s->next_apply_sis)
		return false;
	return !time_in_range_open(then, quota->charged_from, end);
}

/**
 * damon_sysfs_node_goals_set() - give node goals their current values
 * @ctx:	the running context.
 * @node_goals:	its goals on node memory, or NULL.
 * @apply_sis:	the count of samples at the coming apply step.
 *
 * Mainline measures a node goal when the quota is adjusted, at the end of
 * a charge window.  The 6.12 core adjusts it in the apply step, which has
 * no callback before it but after_sampling, one sampling interval earlier:
 * there, the goals of the quotas that the step will adjust get the value
 * of now.  No other goal is touched, so what the core uses is what the
 * node measured when the adjustment was due.
 *
 * Context: the kdamond.
 */
void damon_sysfs_node_goals_set(struct damon_ctx *ctx,
				const struct damon_sysfs_node_goals *node_goals,
				unsigned long apply_sis)
{
	const struct damon_sysfs_node_goal *ng;
	struct damos_quota_goal *goal;
	struct damos *s;
	int i = 0, n = 0;

	if (!node_goals)
		return;
	damon_for_each_scheme(s, ctx) {
		bool adjusts = damon_sysfs_quota_adjusts(ctx, s, apply_sis);

		for (; n < node_goals->nr; n++) {
			ng = &node_goals->goals[n];
			if (ng->scheme != i)
				break;
			if (!adjusts || !node_state(ng->nid, N_MEMORY))
				continue;
			goal = damon_sysfs_nth_goal(&s->quota, ng->goal);
			if (goal)
				goal->current_value =
					damon_sysfs_node_mem_bp(ng->metric, ng->nid);
		}
		i++;
	}
}

static void damon_sysfs_build_quota(struct damos_quota *quota,
				    const struct damon_sysfs_quotas *q)
{
	*quota = (struct damos_quota) {
		.ms = READ_ONCE(q->ms),
		.sz = READ_ONCE(q->sz),
		.reset_interval = READ_ONCE(q->reset_interval_ms),
		.weight_sz = READ_ONCE(q->weights->sz),
		.weight_nr_accesses = READ_ONCE(q->weights->nr_accesses),
		.weight_age = READ_ONCE(q->weights->age),
	};
}

static void damon_sysfs_build_wmarks(struct damos_watermarks *wmarks,
				     const struct damon_sysfs_watermarks *w)
{
	*wmarks = (struct damos_watermarks) {
		.metric = READ_ONCE(w->metric),
		.interval = READ_ONCE(w->interval_us),
		.high = READ_ONCE(w->high),
		.mid = READ_ONCE(w->mid),
		.low = READ_ONCE(w->low),
	};
}

/* The id of the online memory cgroup at @path, which is not empty. */
static int damon_sysfs_memcg_id(const char *path, unsigned short *id)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg;
	char *buf;
	int err = -EINVAL;

	if (!path || !*path)
		return -EINVAL;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (memcg = mem_cgroup_iter(NULL, NULL, NULL); memcg;
	     memcg = mem_cgroup_iter(NULL, memcg, NULL)) {
		if (!mem_cgroup_online(memcg))
			continue;
		cgroup_path(memcg->css.cgroup, buf, PATH_MAX);
		if (!strcmp(buf, path)) {
			*id = mem_cgroup_id(memcg);
			mem_cgroup_iter_break(NULL, memcg);
			err = 0;
			break;
		}
	}
	kfree(buf);
	return err;
#else
	return -EINVAL;
#endif
}

static int damon_sysfs_build_filter(struct damos *s,
				    const struct damon_sysfs_filter *f)
{
	enum damos_filter_type type = READ_ONCE(f->type);
	struct damos_filter *filter;
	struct damon_addr_range range;
	unsigned short memcg_id = 0;
	int err;

	switch (type) {
	case DAMOS_FILTER_TYPE_MEMCG:
		mutex_lock(&damon_sysfs_memcg_path_lock);
		err = damon_sysfs_memcg_id(f->memcg_path, &memcg_id);
		mutex_unlock(&damon_sysfs_memcg_path_lock);
		if (err)
			return err;
		break;
	case DAMOS_FILTER_TYPE_ADDR:
		range.start = READ_ONCE(f->addr_start);
		range.end = READ_ONCE(f->addr_end);
		if (range.end < range.start)
			return -EINVAL;
		break;
	default:
		break;
	}
	filter = damos_new_filter(type, READ_ONCE(f->matching));
	if (!filter)
		return -ENOMEM;
	damos_add_filter(s, filter);
	if (type == DAMOS_FILTER_TYPE_MEMCG)
		filter->memcg_id = memcg_id;
	else if (type == DAMOS_FILTER_TYPE_ADDR)
		filter->addr_range = range;
	else if (type == DAMOS_FILTER_TYPE_TARGET)
		filter->target_idx = READ_ONCE(f->target_idx);
	return 0;
}

static int damon_sysfs_build_filters(struct damos *s,
				     const struct damon_sysfs_array *filters)
{
	int i, err;

	for (i = 0; i < filters->nr; i++) {
		struct damon_sysfs_filter *filter =
			to_damon_sysfs_filter(filters->items[i]);

		err = damon_sysfs_build_filter(s, filter);
		if (err)
			return err;
	}
	return 0;
}

/* Migration needs a node that is there; other actions ignore the node. */
static int damon_sysfs_check_nid(enum damos_action action, int nid)
{
	if (action != DAMOS_MIGRATE_HOT && action != DAMOS_MIGRATE_COLD)
		return 0;
	if (nid == NUMA_NO_NODE)
		return 0;
	if (nid < 0 || nid >= MAX_NUMNODES || !node_online(nid))
		return -EINVAL;
	return 0;
}

static int damon_sysfs_build_scheme(struct damon_ctx *ctx,
				    const struct damon_sysfs_scheme *scheme,
				    struct damon_sysfs_node_goals *node_goals,
				    int index)
{
	enum damos_action action = READ_ONCE(scheme->action);
	int nid = READ_ONCE(scheme->target_nid);
	struct damos_access_pattern pattern;
	struct damos_watermarks wmarks;
	struct damos_quota quota;
	struct damos *s;
	int err;

	err = damon_sysfs_build_pattern(&pattern, scheme->access_pattern);
	if (err)
		return err;
	err = damon_sysfs_check_nid(action, nid);
	if (err)
		return err;
	damon_sysfs_build_quota(&quota, scheme->quotas);
	damon_sysfs_build_wmarks(&wmarks, scheme->watermarks);
	s = damon_new_scheme(&pattern, action,
			     READ_ONCE(scheme->apply_interval_us), &quota,
			     &wmarks, nid);
	if (!s)
		return -ENOMEM;
	damon_add_scheme(ctx, s);
	err = damon_sysfs_build_goals(&s->quota, scheme->quotas->goals,
				      node_goals, index);
	if (err)
		return err;
	/*
	 * In mainline's order: the filters of core_filters/, then those of
	 * ops_filters/, then those of filters/.  6.12 keeps them in one list
	 * and each layer takes its own types from it.
	 */
	err = damon_sysfs_build_filters(s, scheme->core_filters);
	if (!err)
		err = damon_sysfs_build_filters(s, scheme->ops_filters);
	if (!err)
		err = damon_sysfs_build_filters(s, scheme->filters);
	return err;
}

/* Free @node_goals, or return it, NULL if it lists no goal. */
static struct damon_sysfs_node_goals *
damon_sysfs_node_goals_trim(struct damon_sysfs_node_goals *node_goals)
{
	if (node_goals && !node_goals->nr) {
		kvfree(node_goals);
		return NULL;
	}
	return node_goals;
}

/**
 * damon_sysfs_build_schemes() - add the schemes of a schemes directory
 * @ctx:	the context being built.
 * @schemes:	the schemes directory.
 * @node_goals:	set to the goals on node memory of the schemes built, or
 *		NULL if there are none; free it with kvfree().
 *
 * Context: damon_sysfs_lock held; takes damon_sysfs_memcg_path_lock.
 * Return: 0; -ERANGE for an access frequency or age minimum that does not
 * fit an unsigned int; -EINVAL for a memcg filter whose path is no online
 * memory cgroup, an addr filter whose end is below its start, a migrate
 * action to a node that is not online, or a goal on the memory of a node
 * that is not online or has none; -ENOMEM.  On failure, what was added
 * stays on @ctx for its destroyer, and @node_goals is NULL.
 */
int damon_sysfs_build_schemes(struct damon_ctx *ctx,
			      const struct damon_sysfs_array *schemes,
			      struct damon_sysfs_node_goals **node_goals)
{
	struct damon_sysfs_node_goals *table;
	int i, err = 0;

	lockdep_assert_held(&damon_sysfs_lock);
	*node_goals = NULL;
	table = damon_sysfs_node_goals_alloc(schemes);
	if (IS_ERR(table))
		return PTR_ERR(table);
	for (i = 0; !err && i < schemes->nr; i++) {
		struct damon_sysfs_scheme *scheme =
			to_damon_sysfs_scheme(schemes->items[i]);

		err = damon_sysfs_build_scheme(ctx, scheme, table, i);
	}
	if (err) {
		kvfree(table);
		return err;
	}
	*node_goals = damon_sysfs_node_goals_trim(table);
	return 0;
}

/*
 * state commands on schemes.  Scheme <i> of the tree is the i-th scheme of
 * the running context: directories removed since the last commit leave
 * the running schemes beyond the tree without a directory to report to.
 */

/*
 * What update_schemes_stats and update_schemes_effective_quotas read; the
 * latter also the node goals that the kdamond runs, with the values it
 * used, for the goal directories that the tree had.
 */
struct damon_sysfs_snapshot {
	struct damon_sysfs_node_goals *node_goals;
	int nr;			/* schemes of the tree when posted */
	int nr_read;		/* schemes the kdamond reported */
	struct {
		struct damos_stat stat;
		unsigned long esz;
		int nr_goals;	/* its goal directories when posted */
	} schemes[] __counted_by(nr);
};

static void *damon_sysfs_snapshot_prepare(const struct damon_sysfs_array *arr)
{
	struct damon_sysfs_snapshot *snap;

	snap = kvzalloc(struct_size(snap, schemes, arr->nr),
			GFP_KERNEL | __GFP_NOWARN);
	if (!snap)
		return ERR_PTR(-ENOMEM);
	snap->nr = arr->nr;
	return snap;
}

/*
 * The snapshot of update_schemes_effective_quotas and refresh_ms, with room
 * for a node goal per goal directory.
 */
static void *damon_sysfs_quotas_prepare(const struct damon_sysfs_array *arr)
{
	struct damon_sysfs_snapshot *snap = damon_sysfs_snapshot_prepare(arr);
	struct damon_sysfs_node_goals *room;
	int i;

	if (IS_ERR(snap))
		return snap;
	room = damon_sysfs_node_goals_alloc(arr);
	if (IS_ERR(room)) {
		kvfree(snap);
		return room;
	}
	snap->node_goals = room;
	for (i = 0; i < arr->nr; i++)
		snap->schemes[i].nr_goals =
			to_damon_sysfs_scheme(arr->items[i])->quotas->goals->nr;
	return snap;
}

/*
 * List in @snap the node goals that the kdamond runs, with the value it
 * used for each, that were made from a goal directory the tree had when
 * @snap was posted: at most one per directory, so they fit.
 */
static void damon_sysfs_node_goals_read(struct damon_ctx *ctx,
					struct damon_sysfs_snapshot *snap)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;
	const struct damon_sysfs_node_goals *running = mailbox->node_goals;
	struct damon_sysfs_node_goals *table = snap->node_goals;
	struct damos_quota_goal *goal;
	int i;

	for (i = 0; table && running && i < running->nr; i++) {
		const struct damon_sysfs_node_goal *ng = &running->goals[i];

		if (ng->scheme >= snap->nr ||
		    ng->dir >= snap->schemes[ng->scheme].nr_goals ||
		    table->nr == table->size)
			continue;
		goal = damon_sysfs_scheme_goal(ctx, ng->scheme, ng->goal);
		if (!goal)
			continue;
		table->goals[table->nr] = *ng;
		table->goals[table->nr++].value = goal->current_value;
	}
}

static int damon_sysfs_snapshot_fn(struct damon_ctx *ctx, void *arg,
				   unsigned int flags)
{
	struct damon_sysfs_snapshot *snap = arg;
	struct damos *s;
	int i = 0;

	if (flags & DAMON_SYSFS_CALL_STOP)
		return -ECANCELED;
	damon_for_each_scheme(s, ctx) {
		if (i == snap->nr)
			break;
		snap->schemes[i].stat = s->stat;
		snap->schemes[i].esz = s->quota.esz;
		i++;
	}
	snap->nr_read = i;
	damon_sysfs_node_goals_read(ctx, snap);
	return 0;
}

/* Copy the stats of scheme @i of @snap into scheme directory @scheme. */
static void damon_sysfs_stats_copy(struct damon_sysfs_scheme *scheme,
				   const struct damon_sysfs_snapshot *snap, int i)
{
	struct damon_sysfs_stats *stats = scheme->stats;
	const struct damos_stat *stat = &snap->schemes[i].stat;

	WRITE_ONCE(stats->nr_tried, stat->nr_tried);
	WRITE_ONCE(stats->sz_tried, stat->sz_tried);
	WRITE_ONCE(stats->nr_applied, stat->nr_applied);
	WRITE_ONCE(stats->sz_applied, stat->sz_applied);
	WRITE_ONCE(stats->qt_exceeds, stat->qt_exceeds);
}

/*
 * Copy into the goal directories of scheme @i the values the kdamond used
 * for the node goals made from them, to those still of that metric and node.
 */
static void damon_sysfs_node_goals_copy(struct damon_sysfs_scheme *scheme,
					const struct damon_sysfs_node_goals *snap,
					int i)
{
	struct damon_sysfs_array *goals = scheme->quotas->goals;
	int j;

	for (j = 0; snap && j < snap->nr; j++) {
		const struct damon_sysfs_node_goal *ng = &snap->goals[j];
		struct damon_sysfs_goal *g;

		if (ng->scheme != i || ng->dir >= goals->nr)
			continue;
		g = to_damon_sysfs_goal(goals->items[ng->dir]);
		if (READ_ONCE(g->metric) == ng->metric &&
		    READ_ONCE(g->nid) == ng->nid)
			WRITE_ONCE(g->current_value, ng->value);
	}
}

static void damon_sysfs_quotas_copy(struct damon_sysfs_scheme *scheme,
				    const struct damon_sysfs_snapshot *snap,
				    int i)
{
	WRITE_ONCE(scheme->quotas->effective_sz, snap->schemes[i].esz);
	damon_sysfs_node_goals_copy(scheme, snap->node_goals, i);
}

/*
 * Copy what @copy takes of a snapshot into the schemes it was taken for that
 * still have a directory (@arr is NULL if the context directory is gone),
 * and free it.
 */
static int damon_sysfs_snapshot_finish(struct damon_sysfs_array *arr,
				       struct damon_sysfs_snapshot *snap,
				       int err,
				       void (*copy)(struct damon_sysfs_scheme *,
						    const struct damon_sysfs_snapshot *,
						    int))
{
	int i;

	for (i = 0; !err && arr && i < min(arr->nr, snap->nr_read); i++)
		copy(to_damon_sysfs_scheme(arr->items[i]), snap, i);
	kvfree(snap->node_goals);
	kvfree(snap);
	return err;
}

static int damon_sysfs_stats_finish(struct damon_sysfs_array *arr, void *arg,
				    int err)
{
	return damon_sysfs_snapshot_finish(arr, arg, err,
					   damon_sysfs_stats_copy);
}

static int damon_sysfs_quotas_finish(struct damon_sysfs_array *arr,
				     void *arg, int err)
{
	return damon_sysfs_snapshot_finish(arr, arg, err,
					   damon_sysfs_quotas_copy);
}

static void damon_sysfs_refresh_copy(struct damon_sysfs_scheme *scheme,
				     const struct damon_sysfs_snapshot *snap,
				     int i)
{
	damon_sysfs_stats_copy(scheme, snap, i);
	damon_sysfs_quotas_copy(scheme, snap, i);
}

static int damon_sysfs_refresh_finish(struct damon_sysfs_array *arr,
				      void *arg, int err)
{
	return damon_sysfs_snapshot_finish(arr, arg, err,
					   damon_sysfs_refresh_copy);
}

const struct damon_sysfs_cmd damon_sysfs_cmd_update_stats = {
	.prepare = damon_sysfs_snapshot_prepare,
	.fn = damon_sysfs_snapshot_fn,
	.finish = damon_sysfs_stats_finish,
};

const struct damon_sysfs_cmd damon_sysfs_cmd_update_effective_quotas = {
	.prepare = damon_sysfs_quotas_prepare,
	.fn = damon_sysfs_snapshot_fn,
	.finish = damon_sysfs_quotas_finish,
};

/* What refresh_ms updates: both of the above, from one snapshot. */
const struct damon_sysfs_cmd damon_sysfs_cmd_refresh = {
	.prepare = damon_sysfs_quotas_prepare,
	.fn = damon_sysfs_snapshot_fn,
	.finish = damon_sysfs_refresh_finish,
};

/*
 * What commit_schemes_quota_goals carries: the goals of each scheme, and
 * those on node memory among them.
 */
struct damon_sysfs_goals_input {
	struct damon_sysfs_node_goals *node_goals;
	int nr;
	struct damos_quota quotas[] __counted_by(nr);
};

static void damon_sysfs_goals_input_free(struct damon_sysfs_goals_input *in)
{
	struct damos_quota_goal *goal, *next;
	int i;

	for (i = 0; i < in->nr; i++) {
		damos_for_each_quota_goal_safe(goal, next, &in->quotas[i])
			damos_destroy_quota_goal(goal);
	}
	kvfree(in->node_goals);
	kvfree(in);
}

static void *damon_sysfs_goals_prepare(const struct damon_sysfs_array *arr)
{
	struct damon_sysfs_goals_input *in;
	int i, err = 0;

	in = kvzalloc(struct_size(in, quotas, arr->nr),
		      GFP_KERNEL | __GFP_NOWARN);
	if (!in)
		return ERR_PTR(-ENOMEM);
	in->nr = arr->nr;
	for (i = 0; i < in->nr; i++)
		INIT_LIST_HEAD(&in->quotas[i].goals);
	in->node_goals = damon_sysfs_node_goals_alloc(arr);
	if (IS_ERR(in->node_goals)) {
		err = PTR_ERR(in->node_goals);
		in->node_goals = NULL;
	}
	for (i = 0; !err && i < in->nr; i++) {
		struct damon_sysfs_scheme *scheme =
			to_damon_sysfs_scheme(arr->items[i]);

		err = damon_sysfs_build_goals(&in->quotas[i],
					      scheme->quotas->goals,
					      in->node_goals, i);
	}
	if (err) {
		damon_sysfs_goals_input_free(in);
		return ERR_PTR(err);
	}
	in->node_goals = damon_sysfs_node_goals_trim(in->node_goals);
	return in;
}

/*
 * The node goals after a commit of the goals of the first @nr schemes:
 * those of @in for them, and those of @old for the schemes beyond, whose
 * goals stay.  Returns @in itself when nothing is kept of @old.
 */
static struct damon_sysfs_node_goals *
damon_sysfs_node_goals_merge(struct damon_sysfs_node_goals *in,
			     const struct damon_sysfs_node_goals *old, int nr)
{
	struct damon_sysfs_node_goals *merged;
	int i, first, nr_in = in ? in->nr : 0;

	for (first = 0; old && first < old->nr; first++) {
		if (old->goals[first].scheme >= nr)
			break;
	}
	if (!old || first == old->nr)
		return in;
	merged = kvzalloc(struct_size(merged, goals, nr_in + old->nr - first),
			  GFP_KERNEL | __GFP_NOWARN);
	if (!merged)
		return ERR_PTR(-ENOMEM);
	merged->size = nr_in + old->nr - first;
	for (i = 0; i < nr_in; i++)
		merged->goals[merged->nr++] = in->goals[i];
	for (i = first; i < old->nr; i++)
		merged->goals[merged->nr++] = old->goals[i];
	return merged;
}

static int damon_sysfs_goals_fn(struct damon_ctx *ctx, void *arg,
				unsigned int flags)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;
	struct damon_sysfs_goals_input *in = arg;
	struct damon_sysfs_node_goals *node_goals;
	struct damos *s;
	int i = 0, err = 0;

	if (flags & DAMON_SYSFS_CALL_STOP)
		return -ECANCELED;
	node_goals = damon_sysfs_node_goals_merge(in->node_goals,
						  mailbox->node_goals, in->nr);
	if (IS_ERR(node_goals))
		return PTR_ERR(node_goals);
	damon_for_each_scheme(s, ctx) {
		if (i == in->nr)
			break;
		/* twice: see damon_sysfs_commit_goal_values() */
		err = damos_commit_quota_goals(&s->quota, &in->quotas[i]);
		if (!err)
			err = damos_commit_quota_goals(&s->quota,
						       &in->quotas[i]);
		if (err)
			break;
		i++;
	}
	if (err) {
		if (node_goals != in->node_goals)
			kvfree(node_goals);
		return err;
	}
	if (node_goals != in->node_goals)
		kvfree(in->node_goals);
	/* the writer frees the table that the kdamond no longer uses */
	in->node_goals = mailbox->node_goals;
	mailbox->node_goals = node_goals;
	return 0;
}

static int damon_sysfs_goals_finish(struct damon_sysfs_array *arr, void *arg,
				    int err)
{
	damon_sysfs_goals_input_free(arg);
	return err;
}

/**
 * damon_sysfs_commit_goal_values() - copy goal values after a commit
 * @dst:	the running context, after damon_commit_ctx() from @src.
 * @src:	the context built from the tree.
 *
 * In 6.12, damos_commit_quota_goals() adds the goals that @dst lacks with
 * damos_new_quota_goal(), whose current_value is left uninitialized.  Now
 * that the goals exist, a second commit copies the user's current values.
 *
 * Context: the kdamond.
 * Return: 0 or -ENOMEM.
 */
int damon_sysfs_commit_goal_values(struct damon_ctx *dst, struct damon_ctx *src)
{
	struct damos *d, *s;
	int err;

	/* walk both lists, as far as the shorter goes */
	d = list_first_entry(&dst->schemes, struct damos, list);
	s = list_first_entry(&src->schemes, struct damos, list);
	while (!list_entry_is_head(d, &dst->schemes, list) &&
	       !list_entry_is_head(s, &src->schemes, list)) {
		err = damos_commit_quota_goals(&d->quota, &s->quota);
		if (err)
			return err;
		d = list_next_entry(d, list);
		s = list_next_entry(s, list);
	}
	return 0;
}

const struct damon_sysfs_cmd damon_sysfs_cmd_commit_quota_goals = {
	.prepare = damon_sysfs_goals_prepare,
	.fn = damon_sysfs_goals_fn,
	.finish = damon_sysfs_goals_finish,
};

/*
 * Tried regions.  The kdamond records, for each scheme, the regions that
 * the scheme is tried on (they passed the access pattern, the quota and
 * the core filters) during its first apply pass after the update starts.
 *
 * The 6.12 loop has no callback at the end of an apply step, so a pass is
 * known to be over at the next callback that follows the apply step
 * (DAMON_SYSFS_CALL_AFTER_APPLY), by what the core did to the scheme's
 * next_apply_sis:
 *
 * - it moved: the scheme was due, and applied (or skipped, deactivated,
 *   while another scheme was applied): its pass is what was recorded;
 * - it did not move but is due: no scheme was applied, so this one was
 *   deactivated by its watermarks: it is not tried, an empty result;
 * - its watermarks deactivate it: the apply step that follows will not
 *   try it, and waiting for its apply time (up to a whole apply interval,
 *   while other schemes are applied) would tell nothing: an empty result;
 * - the kdamond sleeps for its watermarks (DAMON_SYSFS_CALL_PARKED): no
 *   scheme is active: every scheme not yet done has an empty result.
 *
 * A scheme whose record could not grow (-ENOMEM) has a partial one: its
 * result is dropped, and the other schemes' stay.
 *
 * A commit resets every next_apply_sis and may replace schemes: the update
 * then waits for the next pass of the committed schemes (see
 * damon_sysfs_tried_rebase()).  Updates run one after another.
 */

struct damon_sysfs_tried_scheme {
	struct damos *s;	/* the running scheme; NULL if none */
	unsigned long next_apply_sis;	/* when the update started */
	bool done;
	int err;		/* of recording: the record is partial */
	unsigned long total_bytes;
	unsigned long nr;
	unsigned long capacity;
	struct damon_sysfs_tried_region *regions;
};

struct damon_sysfs_tried {
	bool bytes_only;	/* update_schemes_tried_bytes */
	bool started;
	int nr;
	struct damon_sysfs_tried_scheme schemes[] __counted_by(nr);
};

static void damon_sysfs_tried_free(struct damon_sysfs_tried *tried)
{
	int i;

	for (i = 0; i < tried->nr; i++)
		kvfree(tried->schemes[i].regions);
	kvfree(tried);
}

static struct damon_sysfs_tried *
damon_sysfs_tried_alloc(const struct damon_sysfs_array *arr, bool bytes_only)
{
	struct damon_sysfs_tried *tried;

	tried = kvzalloc(struct_size(tried, schemes, arr->nr),
			 GFP_KERNEL | __GFP_NOWARN);
	if (!tried)
		return ERR_PTR(-ENOMEM);
	tried->nr = arr->nr;
	tried->bytes_only = bytes_only;
	return tried;
}

static void *
damon_sysfs_tried_regions_prepare(const struct damon_sysfs_array *arr)
{
	return damon_sysfs_tried_alloc(arr, false);
}

static void *damon_sysfs_tried_bytes_prepare(const struct damon_sysfs_array *arr)
{
	return damon_sysfs_tried_alloc(arr, true);
}

/* Runs in the kdamond: grow the record of a scheme by one region. */
static int damon_sysfs_tried_record(struct damon_sysfs_tried_scheme *ts,
				    struct damon_region *r)
{
	struct damon_sysfs_tried_region *regions;

	if (ts->nr == ts->capacity) {
		unsigned long capacity = max(64UL, ts->capacity * 2);

		regions = kvmalloc_array(capacity, sizeof(*regions),
					 GFP_KERNEL | __GFP_NOWARN);
		if (!regions)
			return -ENOMEM;
		if (ts->nr)
			memcpy(regions, ts->regions, ts->nr * sizeof(*regions));
		kvfree(ts->regions);
		ts->regions = regions;
		ts->capacity = capacity;
	}
	ts->regions[ts->nr++] = (struct damon_sysfs_tried_region) {
		.start = r->ar.start,
		.end = r->ar.end,
		.nr_accesses = r->nr_accesses_bp / 10000,
		.age = r->age,
	};
	return 0;
}

/**
 * damon_sysfs_before_damos_apply() - record a region a scheme is tried on
 * @ctx:	the running context.
 * @t:		the region's target.
 * @r:		the region.
 * @s:		the scheme.
 *
 * The before_damos_apply callback of every context the tree starts.
 *
 * Context: the kdamond.
 * Return: 0, so that the action is applied.
 */
int damon_sysfs_before_damos_apply(struct damon_ctx *ctx,
				   struct damon_target *t,
				   struct damon_region *r, struct damos *s)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;
	struct damon_sysfs_tried *tried = mailbox->tried;
	int i;

	if (!tried)
		return 0;
	for (i = 0; i < tried->nr; i++) {
		struct damon_sysfs_tried_scheme *ts = &tried->schemes[i];

		if (ts->s != s || ts->done)
			continue;
		ts->total_bytes += damon_sz_region(r);
		if (!tried->bytes_only && !ts->err)
			ts->err = damon_sysfs_tried_record(ts, r);
		break;
	}
	return 0;
}

/* Runs in the kdamond: point the record of each scheme at the context's. */
static void damon_sysfs_tried_resolve(struct damon_ctx *ctx,
				      struct damon_sysfs_tried *tried)
{
	struct damos *s;
	int i = 0;

	damon_for_each_scheme(s, ctx) {
		if (i == tried->nr)
			break;
		if (!tried->schemes[i].done) {
			tried->schemes[i].s = s;
			tried->schemes[i].next_apply_sis = s->next_apply_sis;
		}
		i++;
	}
	/* the tree has more schemes than the context: nothing to record */
	for (; i < tried->nr; i++)
		tried->schemes[i].done = true;
}

/**
 * damon_sysfs_tried_rebase() - follow a commit with the tried regions update
 * @ctx:	the running context, right after damon_commit_ctx().
 *
 * The commit may have removed or added schemes and has reset when each is
 * next applied: the update in progress, if any, waits for the next pass of
 * the schemes now in the context.  What it recorded of a finished pass
 * stays.
 *
 * Context: the kdamond, in a callback before the apply step.
 */
void damon_sysfs_tried_rebase(struct damon_ctx *ctx)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;

	if (mailbox->tried)
		damon_sysfs_tried_resolve(ctx, mailbox->tried);
}

/* Runs in the kdamond, after an apply step: which passes are over. */
static bool damon_sysfs_tried_settle(struct damon_ctx *ctx,
				     struct damon_sysfs_tried *tried,
				     unsigned int flags)
{
	bool all_done = true;
	int i;

	for (i = 0; i < tried->nr; i++) {
		struct damon_sysfs_tried_scheme *ts = &tried->schemes[i];

		if (!ts->done)
			ts->done = (flags & DAMON_SYSFS_CALL_PARKED) ||
				ts->s->next_apply_sis != ts->next_apply_sis ||
				ctx->passed_sample_intervals >=
				ts->s->next_apply_sis ||
				!ts->s->wmarks.activated;
		all_done &= ts->done;
	}
	return all_done;
}

static int damon_sysfs_tried_fn(struct damon_ctx *ctx, void *arg,
				unsigned int flags)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;
	struct damon_sysfs_tried *tried = arg;

	if (flags & DAMON_SYSFS_CALL_STOP) {
		if (mailbox->tried == tried)
			mailbox->tried = NULL;
		return -ECANCELED;
	}
	if (!tried->started) {
		/* after the update in progress */
		if (mailbox->tried)
			return -EINPROGRESS;
		damon_sysfs_tried_resolve(ctx, tried);
		tried->started = true;
		mailbox->tried = tried;
		/* the passes before this callback are not this update's */
		if (!(flags & DAMON_SYSFS_CALL_PARKED))
			return -EINPROGRESS;
	}
	if (!(flags & DAMON_SYSFS_CALL_AFTER_APPLY) ||
	    !damon_sysfs_tried_settle(ctx, tried, flags))
		return -EINPROGRESS;
	mailbox->tried = NULL;
	return 0;
}

/* Show the result of one scheme in its directory; see below. */
static int damon_sysfs_tried_show(struct kobject *scheme_kobj,
				  const struct damon_sysfs_tried_scheme *ts)
{
	struct damon_sysfs_scheme_regions *regions =
		to_damon_sysfs_scheme(scheme_kobj)->tried_regions;
	int err = ts->err;

	/*
	 * tried_bytes records no region: the directories of an earlier
	 * update go, as they would disagree with total_bytes
	 */
	if (err)
		damon_sysfs_array_clear(&regions->arr);
	else
		err = damon_sysfs_scheme_regions_fill(regions, ts->regions,
						      ts->nr);
	WRITE_ONCE(regions->total_bytes, err ? 0 : ts->total_bytes);
	return err;
}

/*
 * Each scheme directory gets its whole result or, when that cannot be
 * made, no region directory and a total_bytes of 0: never a part of a
 * list, which would look like a whole one to a later reader.  The first
 * error is returned.  A command that did not run leaves every result as
 * it was.
 */
static int damon_sysfs_tried_finish(struct damon_sysfs_array *arr, void *arg,
				    int err)
{
	/* for a scheme directory added since the command was posted */
	static const struct damon_sysfs_tried_scheme untried;
	struct damon_sysfs_tried *tried = arg;
	int i, show_err;

	if (err || !arr)
		goto out;
	for (i = 0; i < arr->nr; i++) {
		const struct damon_sysfs_tried_scheme *ts =
			i < tried->nr ? &tried->schemes[i] : &untried;

		show_err = damon_sysfs_tried_show(arr->items[i], ts);
		if (!err)
			err = show_err;
	}
out:
	damon_sysfs_tried_free(tried);
	return err;
}

const struct damon_sysfs_cmd damon_sysfs_cmd_update_tried_regions = {
	.prepare = damon_sysfs_tried_regions_prepare,
	.fn = damon_sysfs_tried_fn,
	.finish = damon_sysfs_tried_finish,
};

const struct damon_sysfs_cmd damon_sysfs_cmd_update_tried_bytes = {
	.prepare = damon_sysfs_tried_bytes_prepare,
	.fn = damon_sysfs_tried_fn,
	.finish = damon_sysfs_tried_finish,
};

/**
 * damon_sysfs_clear_tried_regions() - remove every tried region directory
 * @arr:	the schemes directory.
 *
 * Context: damon_sysfs_lock held.
 */
void damon_sysfs_clear_tried_regions(struct damon_sysfs_array *arr)
{
	int i;

	lockdep_assert_held(&damon_sysfs_lock);
	for (i = 0; i < arr->nr; i++) {
		struct damon_sysfs_scheme_regions *regions =
			to_damon_sysfs_scheme(arr->items[i])->tried_regions;

		damon_sysfs_array_clear(&regions->arr);
		WRITE_ONCE(regions->total_bytes, 0);
	}
}

#include "tests/sysfs-schemes-kunit.h"

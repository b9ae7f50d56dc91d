// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: /sys/kernel/mm/damon/admin.
 *
 * The file is in three layers, each using only those above it:
 *
 * - plumbing: the directories from kdamonds/<K>/contexts/<C>/targets/<T>/
 *   regions/<R> up to admin, leaf to root.  It only creates and removes
 *   kobjects and stores what users write, checking syntax alone.
 * - build: damon_sysfs_build_ctx() turns a context directory into a new
 *   &struct damon_ctx.  It is the one place that checks what the values
 *   mean, so bad input fails before any running kdamond is touched.
 * - control: the kdamond state commands.  on/off start and stop a context;
 *   every other command is posted to the kdamond, which handles it from its
 *   callbacks and reports the result to the writer.
 */

#define pr_fmt(fmt) "damon-sysfs: " fmt

#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/kernfs.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>

#include "sysfs-common.h"

/* Defaults of a new context directory, as in the ABI. */
#define DAMON_SYSFS_DEFAULT_SAMPLE_US		5000
#define DAMON_SYSFS_DEFAULT_AGGR_US		100000
#define DAMON_SYSFS_DEFAULT_UPDATE_US		60000000
#define DAMON_SYSFS_DEFAULT_MIN_NR_REGIONS	10
#define DAMON_SYSFS_DEFAULT_MAX_NR_REGIONS	1000
#define DAMON_SYSFS_DEFAULT_OPS			DAMON_OPS_VADDR

/* A kdamond has at most one context, as in the ABI. */
#define DAMON_SYSFS_MAX_NR_CONTEXTS		1

static const char * const damon_sysfs_ops_names[] = {
	[DAMON_OPS_VADDR] = "vaddr",
	[DAMON_OPS_FVADDR] = "fvaddr",
	[DAMON_OPS_PADDR] = "paddr",
};

static_assert(ARRAY_SIZE(damon_sysfs_ops_names) == NR_DAMON_OPS);

/*
 * kdamonds/<K>/contexts/<C>/targets/<T>/regions/<R> directory
 */

/**
 * struct damon_sysfs_region - an initial monitoring region of a target
 * @kobj:	the directory.
 * @start:	start address, inclusive.
 * @end:	end address, exclusive.
 */
struct damon_sysfs_region {
	struct kobject kobj;
	unsigned long start;
	unsigned long end;
};

DAMON_SYSFS_UL_RW(region, start, start);
DAMON_SYSFS_UL_RW(region, end, end);

static struct attribute *damon_sysfs_region_attrs[] = {
	DAMON_SYSFS_ATTR(region, start),
	DAMON_SYSFS_ATTR(region, end),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_region);
DAMON_SYSFS_KTYPE(region);

static struct kobject *damon_sysfs_region_create(struct kobject *parent,
						 const char *name)
{
	struct damon_sysfs_region *region;
	int err;

	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return ERR_PTR(-ENOMEM);
	err = damon_sysfs_add_dir(&region->kobj, &damon_sysfs_region_ktype,
				  parent, name);
	return err ? ERR_PTR(err) : &region->kobj;
}

static struct damon_sysfs_region *to_damon_sysfs_region(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_region, kobj);
}

/*
 * kdamonds/<K>/contexts/<C>/targets/<T>/regions directory
 */

DAMON_SYSFS_ARRAY_KTYPE(regions, nr_regions);

static const struct damon_sysfs_array_type damon_sysfs_regions_type = {
	.ktype = &damon_sysfs_regions_ktype,
	.create_item = damon_sysfs_region_create,
	.destroy_item = damon_sysfs_put,
	.max_nr = DAMON_SYSFS_MAX_NR,
};

/*
 * kdamonds/<K>/contexts/<C>/targets/<T> directory
 */

/**
 * struct damon_sysfs_target - a monitoring target
 * @kobj:	the directory.
 * @pid:	the pid of the process, for the virtual address space ops.
 * @obsolete:	the next commit removes the running target of this index.
 * @regions:	the initial monitoring regions.
 */
struct damon_sysfs_target {
	struct kobject kobj;
	int pid;
	bool obsolete;
	struct damon_sysfs_array *regions;
};

DAMON_SYSFS_INT_RW_EINVAL(target, pid_target, pid);
DAMON_SYSFS_BOOL_RW(target, obsolete_target, obsolete);

static struct attribute *damon_sysfs_target_attrs[] = {
	DAMON_SYSFS_ATTR(target, pid_target),
	DAMON_SYSFS_ATTR(target, obsolete_target),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_target);
DAMON_SYSFS_KTYPE(target);

static struct damon_sysfs_target *to_damon_sysfs_target(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_target, kobj);
}

static void damon_sysfs_target_destroy(struct kobject *kobj)
{
	damon_sysfs_array_destroy(to_damon_sysfs_target(kobj)->regions);
	damon_sysfs_put(kobj);
}

static struct kobject *damon_sysfs_target_create(struct kobject *parent,
						 const char *name)
{
	struct damon_sysfs_target *target;
	struct damon_sysfs_array *regions;
	int err;

	target = kzalloc(sizeof(*target), GFP_KERNEL);
	if (!target)
		return ERR_PTR(-ENOMEM);
	err = damon_sysfs_add_dir(&target->kobj, &damon_sysfs_target_ktype,
				  parent, name);
	if (err)
		return ERR_PTR(err);
	regions = damon_sysfs_array_create(&target->kobj, "regions",
					   &damon_sysfs_regions_type);
	if (IS_ERR(regions)) {
		damon_sysfs_target_destroy(&target->kobj);
		return ERR_CAST(regions);
	}
	target->regions = regions;
	return &target->kobj;
}

/*
 * kdamonds/<K>/contexts/<C>/targets directory
 */

DAMON_SYSFS_ARRAY_KTYPE(targets, nr_targets);

static const struct damon_sysfs_array_type damon_sysfs_targets_type = {
	.ktype = &damon_sysfs_targets_ktype,
	.create_item = damon_sysfs_target_create,
	.destroy_item = damon_sysfs_target_destroy,
	.max_nr = DAMON_SYSFS_MAX_NR,
};

/*
 * kdamonds/<K>/contexts/<C>/monitoring_attrs/intervals directory
 */

/**
 * struct damon_sysfs_intervals_goal - the goal of the intervals auto-tuning
 * @kobj:	the directory, intervals/intervals_goal.
 * @access_bp:	the access events to observe per window, in bp of the most
 *		that sampling can observe.
 * @aggrs:	tune every @aggrs aggregation windows; 0 (default): never.
 * @min_sample_us: the least sampling interval that tuning sets.
 * @max_sample_us: the greatest sampling interval that tuning sets.
 *
 * Upstream since 6.15; see damon_sysfs_tune_intervals().
 */
struct damon_sysfs_intervals_goal {
	struct kobject kobj;
	unsigned long access_bp;
	unsigned long aggrs;
	unsigned long min_sample_us;
	unsigned long max_sample_us;
};

DAMON_SYSFS_UL_RW(intervals_goal, access_bp, access_bp);
DAMON_SYSFS_UL_RW(intervals_goal, aggrs, aggrs);
DAMON_SYSFS_UL_RW(intervals_goal, min_sample_us, min_sample_us);
DAMON_SYSFS_UL_RW(intervals_goal, max_sample_us, max_sample_us);

static struct attribute *damon_sysfs_intervals_goal_attrs[] = {
	DAMON_SYSFS_ATTR(intervals_goal, access_bp),
	DAMON_SYSFS_ATTR(intervals_goal, aggrs),
	DAMON_SYSFS_ATTR(intervals_goal, min_sample_us),
	DAMON_SYSFS_ATTR(intervals_goal, max_sample_us),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_intervals_goal);
DAMON_SYSFS_KTYPE(intervals_goal);

/**
 * struct damon_sysfs_intervals - the monitoring intervals, in microseconds
 * @kobj:	the directory.
 * @sample_us:	the sampling interval.
 * @aggr_us:	the aggregation interval.
 * @update_us:	the operations update interval.
 * @goal:	intervals_goal/.
 */
struct damon_sysfs_intervals {
	struct kobject kobj;
	unsigned long sample_us;
	unsigned long aggr_us;
	unsigned long update_us;
	struct damon_sysfs_intervals_goal *goal;
};

DAMON_SYSFS_UL_RW(intervals, sample_us, sample_us);
DAMON_SYSFS_UL_RW(intervals, aggr_us, aggr_us);
DAMON_SYSFS_UL_RW(intervals, update_us, update_us);

static struct attribute *damon_sysfs_intervals_attrs[] = {
	DAMON_SYSFS_ATTR(intervals, sample_us),
	DAMON_SYSFS_ATTR(intervals, aggr_us),
	DAMON_SYSFS_ATTR(intervals, update_us),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_intervals);
DAMON_SYSFS_KTYPE(intervals);

static void damon_sysfs_intervals_destroy(struct damon_sysfs_intervals *intervals)
{
	if (intervals->goal)
		damon_sysfs_put(&intervals->goal->kobj);
	damon_sysfs_put(&intervals->kobj);
}

static struct damon_sysfs_intervals *
damon_sysfs_intervals_create(struct kobject *parent)
{
	struct damon_sysfs_intervals_goal *goal;
	struct damon_sysfs_intervals *intervals;
	int err;

	intervals = kzalloc(sizeof(*intervals), GFP_KERNEL);
	if (!intervals)
		return ERR_PTR(-ENOMEM);
	intervals->sample_us = DAMON_SYSFS_DEFAULT_SAMPLE_US;
	intervals->aggr_us = DAMON_SYSFS_DEFAULT_AGGR_US;
	intervals->update_us = DAMON_SYSFS_DEFAULT_UPDATE_US;
	err = damon_sysfs_add_dir(&intervals->kobj,
				  &damon_sysfs_intervals_ktype, parent,
				  "intervals");
	if (err)
		return ERR_PTR(err);
	/* every goal value is 0 by default: no tuning */
	goal = kzalloc(sizeof(*goal), GFP_KERNEL);
	if (!goal) {
		err = -ENOMEM;
		goto out_destroy;
	}
	err = damon_sysfs_add_dir(&goal->kobj,
				  &damon_sysfs_intervals_goal_ktype,
				  &intervals->kobj, "intervals_goal");
	if (err)
		goto out_destroy;
	intervals->goal = goal;
	return intervals;
out_destroy:
	damon_sysfs_intervals_destroy(intervals);
	return ERR_PTR(err);
}

/*
 * kdamonds/<K>/contexts/<C>/monitoring_attrs directory
 */

/**
 * struct damon_sysfs_attrs - the monitoring attributes
 * @kobj:	the directory.
 * @intervals:	intervals/.
 * @nr_regions:	nr_regions/, the bounds of the number of regions.
 */
struct damon_sysfs_attrs {
	struct kobject kobj;
	struct damon_sysfs_intervals *intervals;
	struct damon_sysfs_ul_range *nr_regions;
};

DAMON_SYSFS_KTYPE_NOFILES(attrs);

static void damon_sysfs_attrs_destroy(struct damon_sysfs_attrs *attrs)
{
	if (!attrs)
		return;
	if (attrs->intervals)
		damon_sysfs_intervals_destroy(attrs->intervals);
	if (attrs->nr_regions)
		damon_sysfs_put(&attrs->nr_regions->kobj);
	damon_sysfs_put(&attrs->kobj);
}

static struct damon_sysfs_attrs *
damon_sysfs_attrs_create(struct kobject *parent)
{
	struct damon_sysfs_intervals *intervals;
	struct damon_sysfs_ul_range *nr_regions;
	struct damon_sysfs_attrs *attrs;
	int err;

	attrs = kzalloc(sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return ERR_PTR(-ENOMEM);
	err = damon_sysfs_add_dir(&attrs->kobj, &damon_sysfs_attrs_ktype,
				  parent, "monitoring_attrs");
	if (err)
		return ERR_PTR(err);
	intervals = damon_sysfs_intervals_create(&attrs->kobj);
	if (IS_ERR(intervals)) {
		err = PTR_ERR(intervals);
		goto out_destroy;
	}
	attrs->intervals = intervals;
	nr_regions = damon_sysfs_ul_range_create(&attrs->kobj, "nr_regions",
						 DAMON_SYSFS_DEFAULT_MIN_NR_REGIONS,
						 DAMON_SYSFS_DEFAULT_MAX_NR_REGIONS);
	if (IS_ERR(nr_regions)) {
		err = PTR_ERR(nr_regions);
		goto out_destroy;
	}
	attrs->nr_regions = nr_regions;
	return attrs;
out_destroy:
	damon_sysfs_attrs_destroy(attrs);
	return ERR_PTR(err);
}

/*
 * kdamonds/<K>/contexts/<C> directory
 */

/**
 * struct damon_sysfs_context - a monitoring context
 * @kobj:	the directory.
 * @ops:	the &enum damon_ops_id of the monitoring operations.
 * @attrs:	monitoring_attrs/.
 * @targets:	targets/.
 * @schemes:	schemes/.
 */
struct damon_sysfs_context {
	struct kobject kobj;
	int ops;
	struct damon_sysfs_attrs *attrs;
	struct damon_sysfs_array *targets;
	struct damon_sysfs_array *schemes;
};

/* Every operations set, registered or not, is listed: see avail_operations. */
DAMON_SYSFS_ENUM_RW(context, operations, ops, damon_sysfs_ops_names);

static ssize_t avail_operations_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	enum damon_ops_id id;
	int len = 0;

	for (id = 0; id < NR_DAMON_OPS; id++) {
		if (damon_is_registered_ops(id))
			len += sysfs_emit_at(buf, len, "%s\n",
					     damon_sysfs_ops_names[id]);
	}
	return len;
}

static struct kobj_attribute damon_sysfs_context_avail_operations =
		__ATTR_RO_MODE(avail_operations, 0400);

static struct attribute *damon_sysfs_context_attrs[] = {
	&damon_sysfs_context_avail_operations.attr,
	DAMON_SYSFS_ATTR(context, operations),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_context);
DAMON_SYSFS_KTYPE(context);

static struct damon_sysfs_context *to_damon_sysfs_context(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_context, kobj);
}

static void damon_sysfs_context_destroy(struct kobject *kobj)
{
	struct damon_sysfs_context *context = to_damon_sysfs_context(kobj);

	damon_sysfs_array_destroy(context->schemes);
	damon_sysfs_array_destroy(context->targets);
	damon_sysfs_attrs_destroy(context->attrs);
	damon_sysfs_put(kobj);
}

static struct kobject *damon_sysfs_context_create(struct kobject *parent,
						  const char *name)
{
	struct damon_sysfs_context *context;
	struct damon_sysfs_array *arr;
	struct damon_sysfs_attrs *attrs;
	int err;

	context = kzalloc(sizeof(*context), GFP_KERNEL);
	if (!context)
		return ERR_PTR(-ENOMEM);
	context->ops = DAMON_SYSFS_DEFAULT_OPS;
	err = damon_sysfs_add_dir(&context->kobj, &damon_sysfs_context_ktype,
				  parent, name);
	if (err)
		return ERR_PTR(err);

	attrs = damon_sysfs_attrs_create(&context->kobj);
	if (IS_ERR(attrs)) {
		err = PTR_ERR(attrs);
		goto out_destroy;
	}
	context->attrs = attrs;

	arr = damon_sysfs_array_create(&context->kobj, "targets",
				       &damon_sysfs_targets_type);
	if (IS_ERR(arr)) {
		err = PTR_ERR(arr);
		goto out_destroy;
	}
	context->targets = arr;

	arr = damon_sysfs_array_create(&context->kobj, "schemes",
				       &damon_sysfs_schemes_type);
	if (IS_ERR(arr)) {
		err = PTR_ERR(arr);
		goto out_destroy;
	}
	context->schemes = arr;
	return &context->kobj;
out_destroy:
	damon_sysfs_context_destroy(&context->kobj);
	return ERR_PTR(err);
}

/*
 * kdamonds/<K>/contexts directory
 */

DAMON_SYSFS_ARRAY_KTYPE(contexts, nr_contexts);

static const struct damon_sysfs_array_type damon_sysfs_contexts_type = {
	.ktype = &damon_sysfs_contexts_ktype,
	.create_item = damon_sysfs_context_create,
	.destroy_item = damon_sysfs_context_destroy,
	.max_nr = DAMON_SYSFS_MAX_NR_CONTEXTS,
};

/*
 * kdamonds/<K> directory
 */

/**
 * struct damon_sysfs_kdamond - a kdamond directory
 * @kobj:	the directory.
 * @contexts:	contexts/.
 * @ctx:	the context last started from this directory, kept after it
 *		stops (until the next "on" or until the directory goes) so
 *		that off can tell "stopped" from "never started".
 * @mailbox:	calls from state writers to the running kdamond.
 * @nr_waiters:	state writers waiting for a call to complete; while there
 *		are any, the directory must stay.
 * @refresh_ms:	the period of @refresh, in milliseconds; 0 for none.
 *		Written under @refresh_lock.
 * @refresh:	updates the schemes' stats and effective quotas every
 *		@refresh_ms while the kdamond runs.
 * @refresh_lock: serializes the writers of refresh_ms, each with the
 *		scheduling or cancelling of @refresh that its value asks for.
 *
 * @ctx and @nr_waiters are guarded by &damon_sysfs_lock.  Only the control
 * layer starts, stops or talks to @ctx.
 */
struct damon_sysfs_kdamond {
	struct kobject kobj;
	struct damon_sysfs_array *contexts;
	struct damon_ctx *ctx;
	struct damon_sysfs_mailbox mailbox;
	int nr_waiters;
	unsigned int refresh_ms;
	struct delayed_work refresh;
	struct mutex refresh_lock;	/* see refresh_ms_store() */
};

static struct damon_sysfs_kdamond *to_damon_sysfs_kdamond(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_kdamond, kobj);
}

/*
 * build: tree -> struct damon_ctx.  Reads the tree (each value once), makes
 * no kobject calls and is the only place that checks what values mean.
 * Every object made is attached to the context at once, so that a failure
 * is undone by damon_sysfs_destroy_ctx() alone.
 */

/**
 * damon_sysfs_destroy_ctx() - destroy a context built from the tree
 * @ctx:	a context that is not running.
 *
 * Drops the pid references of its targets, which damon_destroy_ctx() does
 * not do in 6.12.
 */
static void damon_sysfs_destroy_ctx(struct damon_ctx *ctx)
{
	struct damon_target *t;

	if (damon_target_has_pid(ctx)) {
		damon_for_each_target(t, ctx) {
			put_pid(t->pid);
			t->pid = NULL;
		}
	}
	damon_destroy_ctx(ctx);
}

static int damon_sysfs_build_regions(struct damon_target *t,
				     const struct damon_sysfs_array *regions)
{
	struct damon_addr_range *ranges;
	int i, err;

	if (!regions->nr)
		return 0;
	ranges = kvmalloc_array(regions->nr, sizeof(*ranges),
				GFP_KERNEL | __GFP_NOWARN);
	if (!ranges)
		return -ENOMEM;
	for (i = 0; i < regions->nr; i++) {
		struct damon_sysfs_region *region =
			to_damon_sysfs_region(regions->items[i]);

		ranges[i].start = READ_ONCE(region->start);
		ranges[i].end = READ_ONCE(region->end);
		/* damon_set_regions() checks this only after page alignment */
		if (ranges[i].start > ranges[i].end ||
		    (i && ranges[i - 1].end > ranges[i].start)) {
			kvfree(ranges);
			return -EINVAL;
		}
	}
	err = damon_set_regions(t, ranges, regions->nr);
	kvfree(ranges);
	return err;
}

static int damon_sysfs_build_target(struct damon_ctx *ctx,
				    const struct damon_sysfs_target *target)
{
	struct damon_target *t = damon_new_target();

	if (!t)
		return -ENOMEM;
	damon_add_target(ctx, t);
	if (damon_target_has_pid(ctx)) {
		t->pid = find_get_pid(READ_ONCE(target->pid));
		if (!t->pid)
			return -EINVAL;
	}
	return damon_sysfs_build_regions(t, target->regions);
}

/*
 * With @obsolete (a commit), a target directory marked obsolete sets its bit
 * instead of making a target: its process may be gone.
 */
static int damon_sysfs_build_targets(struct damon_ctx *ctx,
				     const struct damon_sysfs_array *targets,
				     unsigned long *obsolete)
{
	int i, err;

	/* the physical address space is one target */
	if (ctx->ops.id == DAMON_OPS_PADDR && targets->nr > 1)
		return -EINVAL;
	for (i = 0; i < targets->nr; i++) {
		struct damon_sysfs_target *target =
			to_damon_sysfs_target(targets->items[i]);

		if (obsolete && READ_ONCE(target->obsolete)) {
			__set_bit(i, obsolete);
			continue;
		}
		err = damon_sysfs_build_target(ctx, target);
		if (err)
			return err;
	}
	return 0;
}

static int damon_sysfs_build_attrs(struct damon_ctx *ctx,
				   const struct damon_sysfs_attrs *attrs)
{
	struct damon_attrs a = {
		.sample_interval = READ_ONCE(attrs->intervals->sample_us),
		.aggr_interval = READ_ONCE(attrs->intervals->aggr_us),
		.ops_update_interval = READ_ONCE(attrs->intervals->update_us),
		.min_nr_regions = READ_ONCE(attrs->nr_regions->min),
		.max_nr_regions = READ_ONCE(attrs->nr_regions->max),
	};

	/* checks min >= 3, min <= max and sample <= aggr */
	return damon_set_attrs(ctx, &a);
}

/*
 * The intervals auto-tuning that @goal asks for, with the intervals @attrs
 * of the context built from the same tree.  As in mainline, a goal that
 * tunes needs min_sample_us <= sample_us <= max_sample_us.
 */
static int damon_sysfs_build_tuning(const struct damon_sysfs_intervals_goal *goal,
				    const struct damon_attrs *attrs,
				    struct damon_sysfs_tuning *tuning)
{
	*tuning = (struct damon_sysfs_tuning) {
		.access_bp = READ_ONCE(goal->access_bp),
		.aggrs = READ_ONCE(goal->aggrs),
		.min_sample_us = READ_ONCE(goal->min_sample_us),
		.max_sample_us = READ_ONCE(goal->max_sample_us),
		.aggr_samples = attrs->aggr_interval /
				(attrs->sample_interval ?: 1),
	};
	if (!tuning->aggrs)
		return 0;
	if (tuning->min_sample_us > tuning->max_sample_us ||
	    attrs->sample_interval < tuning->min_sample_us ||
	    attrs->sample_interval > tuning->max_sample_us)
		return -EINVAL;
	return 0;
}

/**
 * damon_sysfs_build_ctx() - build a DAMON context from a context directory
 * @context:	the directory.
 * @obsolete:	for a commit, a zeroed bitmap of a bit per target directory,
 *		where the obsolete ones are set and left out of the context;
 *		NULL for "on", which ignores obsolete_target.
 * @tuning:	set to the intervals auto-tuning of intervals_goal/; its
 *		@next_tune_sis is left 0.
 * @node_goals:	set to the quota goals on node memory of the context, or
 *		NULL if it has none; free it with kvfree().
 *
 * The context is new and not running.  Its vaddr/fvaddr targets hold pid
 * references; destroy it with damon_sysfs_destroy_ctx().
 *
 * Context: damon_sysfs_lock held, so that the tree keeps its shape.
 * Return: the context, or an ERR_PTR(): -EINVAL for ops that are not
 * registered, bad monitoring attributes or intervals goal, more than one
 * paddr target, a pid that does not exist, regions that are empty, unsorted
 * or overlapping; or the error of building the schemes; -ENOMEM.
 */
static struct damon_ctx *
damon_sysfs_build_ctx(const struct damon_sysfs_context *context,
		      unsigned long *obsolete, struct damon_sysfs_tuning *tuning,
		      struct damon_sysfs_node_goals **node_goals)
{
	struct damon_ctx *ctx;
	int err;

	lockdep_assert_held(&damon_sysfs_lock);
	*node_goals = NULL;
	ctx = damon_new_ctx();
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	err = damon_select_ops(ctx, READ_ONCE(context->ops));
	if (err)
		goto out_destroy;
	err = damon_sysfs_build_attrs(ctx, context->attrs);
	if (err)
		goto out_destroy;
	err = damon_sysfs_build_tuning(context->attrs->intervals->goal,
				       &ctx->attrs, tuning);
	if (err)
		goto out_destroy;
	err = damon_sysfs_build_targets(ctx, context->targets, obsolete);
	if (err)
		goto out_destroy;
	err = damon_sysfs_build_schemes(ctx, context->schemes, node_goals);
	if (err)
		goto out_destroy;
	return ctx;
out_destroy:
	damon_sysfs_destroy_ctx(ctx);
	return ERR_PTR(err);
}

/*
 * control: starting, stopping and talking to kdamonds.
 */

/* The mailbox of a new kdamond directory: no kdamond serves it yet. */
static void damon_sysfs_mailbox_init(struct damon_sysfs_mailbox *mailbox)
{
	spin_lock_init(&mailbox->lock);
	INIT_LIST_HEAD(&mailbox->calls);
	INIT_LIST_HEAD(&mailbox->running);
	mailbox->terminated = true;
}

/*
 * Open @mailbox for a kdamond about to start.  The kdamond it served last has
 * exited (see damon_sysfs_reap()) and completed every call, but the refresh
 * may still look at the mailbox: it is reset under its lock, which stays.
 * @attrs: the monitoring attributes of the new kdamond; until it has
 * sampled, it counts as sampling since now.
 * @tuning: its intervals auto-tuning; the first is due after @aggrs windows.
 * @node_goals: its quota goals on node memory, or NULL; the kdamond frees it.
 */
static void damon_sysfs_mailbox_open(struct damon_sysfs_mailbox *mailbox,
				     const struct damon_attrs *attrs,
				     const struct damon_sysfs_tuning *tuning,
				     struct damon_sysfs_node_goals *node_goals)
{
	spin_lock(&mailbox->lock);
	mailbox->terminated = false;
	mailbox->sampled_at = jiffies;
	mailbox->sample_us = attrs->sample_interval;
	mailbox->ctx_sample_us = attrs->sample_interval;
	mailbox->ctx_aggr_us = attrs->aggr_interval;
	WRITE_ONCE(mailbox->wmarks_wait, false);
	mailbox->tried = NULL;
	mailbox->placeholder = NULL;
	mailbox->attrs_pending = false;
	mailbox->tuning = *tuning;
	mailbox->tuning.next_tune_sis = tuning->aggr_samples * tuning->aggrs;
	mailbox->node_goals = node_goals;
	spin_unlock(&mailbox->lock);
}

/* No kdamond takes calls from @mailbox any more. */
static void damon_sysfs_mailbox_close(struct damon_sysfs_mailbox *mailbox)
{
	spin_lock(&mailbox->lock);
	mailbox->terminated = true;
	spin_unlock(&mailbox->lock);
}

static bool damon_sysfs_mailbox_closed(struct damon_sysfs_mailbox *mailbox)
{
	bool closed;

	spin_lock(&mailbox->lock);
	closed = mailbox->terminated;
	spin_unlock(&mailbox->lock);
	return closed;
}

/* Tell pollers of state and pid that they may read something new. */
static void damon_sysfs_mailbox_notify(struct damon_sysfs_mailbox *mailbox)
{
	kernfs_notify(mailbox->state_kn);
	kernfs_notify(mailbox->pid_kn);
}

/*
 * Unlink the oldest posted call that may start now.  A call is unlinked
 * under the lock before it runs, so a writer that finds its call unlinked
 * knows the kdamond has it.
 */
static struct damon_sysfs_call *
damon_sysfs_take_call(struct damon_sysfs_mailbox *mailbox, bool boundary)
{
	struct damon_sysfs_call *call, *found = NULL;

	spin_lock(&mailbox->lock);
	list_for_each_entry(call, &mailbox->calls, list) {
		if (boundary || !call->at_boundary) {
			list_del_init(&call->list);
			call->taken = true;
			found = call;
			break;
		}
	}
	spin_unlock(&mailbox->lock);
	return found;
}

/* Runs in the kdamond: a step of @call; completes it unless in progress. */
static void damon_sysfs_run_call(struct damon_ctx *ctx,
				 struct damon_sysfs_mailbox *mailbox,
				 struct damon_sysfs_call *call,
				 unsigned int flags)
{
	int err;

	if (READ_ONCE(call->stop))
		flags |= DAMON_SYSFS_CALL_STOP;
	err = call->fn(ctx, call->arg, flags);
	if (err == -EINPROGRESS && !(flags & DAMON_SYSFS_CALL_STOP)) {
		list_move_tail(&call->list, &mailbox->running);
		return;
	}
	list_del_init(&call->list);
	call->err = err == -EINPROGRESS ? -ECANCELED : err;
	complete(&call->done);
}

/*
 * Whether the kdamond is about to stop: asked to by "off", or left without
 * a valid target.  The core checks the same only at the top of its loop,
 * after this iteration's callbacks.
 */
static bool damon_sysfs_kdamond_stopping(struct damon_ctx *ctx)
{
	struct damon_target *t;

	if (kthread_should_stop())
		return true;
	if (!ctx->ops.target_valid)
		return false;
	damon_for_each_target(t, ctx) {
		if (ctx->ops.target_valid(t))
			return false;
	}
	return true;
}

static bool damon_sysfs_has_calls(struct damon_sysfs_mailbox *mailbox)
{
	bool posted;

	spin_lock(&mailbox->lock);
	posted = !list_empty(&mailbox->calls);
	spin_unlock(&mailbox->lock);
	return posted || !list_empty(&mailbox->running);
}

/* Runs in the kdamond: stop the running calls and cancel the posted ones. */
static void damon_sysfs_cancel_calls(struct damon_ctx *ctx,
				     struct damon_sysfs_mailbox *mailbox)
{
	struct damon_sysfs_call *call, *next;

	list_for_each_entry_safe(call, next, &mailbox->running, list)
		damon_sysfs_run_call(ctx, mailbox, call, DAMON_SYSFS_CALL_STOP);
	while ((call = damon_sysfs_take_call(mailbox, true))) {
		call->err = -ECANCELED;
		complete(&call->done);
	}
}

/*
 * Runs in the kdamond: the calls in progress, then those that may start.
 * While a placeholder scheme is in the context, new calls wait for the next
 * after_sampling, which removes it: they must not see it.
 */
static int damon_sysfs_handle_calls(struct damon_ctx *ctx, bool boundary,
				    unsigned int flags)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;
	struct damon_sysfs_call *call, *next;
	LIST_HEAD(running);

	if (!damon_sysfs_has_calls(mailbox))
		return 0;
	/* off and the exit of the targets win over what is pending */
	if (damon_sysfs_kdamond_stopping(ctx)) {
		damon_sysfs_cancel_calls(ctx, mailbox);
		return 0;
	}
	list_splice_init(&mailbox->running, &running);
	list_for_each_entry_safe(call, next, &running, list)
		damon_sysfs_run_call(ctx, mailbox, call, flags);
	while (!mailbox->placeholder &&
	       (call = damon_sysfs_take_call(mailbox, boundary))) {
		INIT_LIST_HEAD(&call->list);
		list_add(&call->list, &running);
		damon_sysfs_run_call(ctx, mailbox, call, flags);
	}
	/* a failed call is reported to its writer; the kdamond goes on */
	return 0;
}

static int damon_sysfs_after_sampling(struct damon_ctx *ctx)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;

	/* the kdamond has left its watermarks loop: the scheme did its job */
	if (mailbox->placeholder) {
		damon_destroy_scheme(mailbox->placeholder);
		mailbox->placeholder = NULL;
	}
	WRITE_ONCE(mailbox->wmarks_wait, false);
	damon_sysfs_handle_calls(ctx, false, DAMON_SYSFS_CALL_AFTER_APPLY);
	/* the apply step comes after the sampling sleep and one more sample */
	damon_sysfs_node_goals_set(ctx, mailbox->node_goals,
				   ctx->passed_sample_intervals + 1);
	/*
	 * The sampling sleep begins now, as writers need to know before they
	 * wake the kdamond: see damon_sysfs_kick().  The loop read its
	 * sampling interval before this iteration's watermarks check, and
	 * only a window's end changes it (see damon_sysfs_commit_fn()).
	 */
	spin_lock(&mailbox->lock);
	mailbox->sample_us = ctx->attrs.sample_interval;
	mailbox->sampled_at = jiffies;
	spin_unlock(&mailbox->lock);
	return 0;
}

/*
 * intervals auto-tuning (upstream since 6.15), on the 6.12 core: the
 * kdamond's after_aggregation callback does what mainline's kdamond_fn()
 * does at a window's end (see damon_sysfs_after_aggregation()).
 */

/*
 * Add the access events that the window observed, and the most it could
 * have observed, region sizes >> @shift: false if either overflows.
 */
static bool damon_sysfs_count_events(struct damon_ctx *ctx,
				     unsigned long aggr_samples,
				     unsigned int shift, u64 *events, u64 *most)
{
	struct damon_target *t;
	struct damon_region *r;
	u64 sz, e, m;

	*events = 0;
	*most = 0;
	damon_for_each_target(t, ctx) {
		damon_for_each_region(r, t) {
			sz = damon_sz_region(r) >> shift;
			if (check_mul_overflow(sz, (u64)r->nr_accesses, &e) ||
			    check_mul_overflow(sz, (u64)aggr_samples, &m) ||
			    check_add_overflow(*events, e, events) ||
			    check_add_overflow(*most, m, most))
				return false;
		}
	}
	return true;
}

/**
 * damon_sysfs_tuning_score_bp() - how the window did against the goal
 * @ctx:	the context, at the end of a window.
 * @tuning:	its tuning.
 *
 * Mainline's score: the access events of the window (each region's size
 * times its nr_accesses) over those that the goal asks for (access_bp of
 * each region's size times the samples of a window), in bp.  Scores of
 * 20,000 and more tune alike, so the score is capped there.  Mainline sums
 * in unsigned long; here, sums that overflow 64 bits are made in pages,
 * then in larger units, and a goal of 0 events counts as one.
 *
 * Return: the score, at most 20,000.
 */
static unsigned long damon_sysfs_tuning_score_bp(struct damon_ctx *ctx,
						 const struct damon_sysfs_tuning *tuning)
{
	unsigned int shift = 0;
	u64 events, most, wanted;

	while (!damon_sysfs_count_events(ctx, tuning->aggr_samples, shift,
					 &events, &most))
		shift += shift ? 8 : PAGE_SHIFT;
	if (tuning->access_bp <= 10000)
		wanted = mul_u64_u64_div_u64(most, tuning->access_bp, 10000);
	else if (check_mul_overflow(most, (u64)(tuning->access_bp / 10000),
				    &wanted) ||
		 check_add_overflow(wanted,
				    mul_u64_u64_div_u64(most,
							tuning->access_bp % 10000,
							10000),
				    &wanted))
		wanted = U64_MAX;
	wanted = max(wanted, 1ULL);
	if (events / 2 >= wanted)
		return 20000;
	return mul_u64_u64_div_u64(events, 10000, wanted);
}

/**
 * damon_sysfs_tuning_adaptation_bp() - the scale of the next sampling interval
 * @score_bp:	the window's score, at most 20,000.
 *
 * Mainline feeds the score to the core's feedback loop
 * (damon_feed_loop_next_input(), static in core.c) with a last input of
 * 10^8 and divides the next input by 10^4: that is 20,000 - @score_bp, at
 * least 1.  It then squeezes the shrinking half, [1, 10,000], into
 * [5,000, 10,000], so that one tuning at most halves the intervals.
 *
 * Return: the factor, in bp; 10,000 means no change.
 */
static unsigned long damon_sysfs_tuning_adaptation_bp(unsigned long score_bp)
{
	unsigned long bp = score_bp < 20000 ? 20000 - score_bp : 1;

	return bp <= 10000 ? 5000 + bp / 2 : bp;
}

/* @sample_us scaled by @adaptation_bp, within the goal's bounds. */
static unsigned long
damon_sysfs_tuned_sample_us(const struct damon_sysfs_tuning *tuning,
			    unsigned long sample_us, unsigned long adaptation_bp)
{
	unsigned long us = mult_frac(sample_us, adaptation_bp, 10000);

	/* in mainline's order: the minimum wins over a smaller maximum */
	return max(min(us, tuning->max_sample_us), tuning->min_sample_us);
}

/* Publish the context's intervals for update_tuned_intervals. */
static void damon_sysfs_publish_intervals(struct damon_ctx *ctx)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;

	spin_lock(&mailbox->lock);
	mailbox->ctx_sample_us = ctx->attrs.sample_interval;
	mailbox->ctx_aggr_us = ctx->attrs.aggr_interval;
	spin_unlock(&mailbox->lock);
}

/*
 * When @s is next applied if its apply interval starts now, in the
 * intervals of @ctx, as damon_add_scheme() and damon_set_attrs() count it.
 */
static unsigned long damon_sysfs_next_apply_sis(struct damon_ctx *ctx,
						struct damos *s)
{
	unsigned long interval = s->apply_interval_us ?:
		ctx->attrs.aggr_interval;

	return ctx->passed_sample_intervals +
		interval / (ctx->attrs.sample_interval ?: 1);
}

/*
 * damon_set_attrs() at a window's end, before the apply step.  Mainline
 * tunes right after its apply step, and its damon_set_attrs() then counts
 * the next apply of every scheme from now in the new intervals.  So that
 * the schemes this apply step applies are applied all the same, they stay
 * due; the apply step counts their next apply from now, in the new
 * intervals.  What still differs: this apply step sees the regions' ages
 * (and, unless aggr/sample divides 10,000, their nr_accesses) already
 * converted to the new intervals, as mainline converts them right after.
 */
static void damon_sysfs_set_attrs_before_apply(struct damon_ctx *ctx,
					       struct damon_attrs *attrs)
{
	unsigned long passed = ctx->passed_sample_intervals;
	bool applies = false;
	LIST_HEAD(schemes);
	struct damos *s;

	/* as kdamond_apply_schemes(): is any due scheme active? */
	damon_for_each_scheme(s, ctx)
		applies |= passed >= s->next_apply_sis && s->wmarks.activated;
	list_splice_init(&ctx->schemes, &schemes);
	damon_set_attrs(ctx, attrs);
	list_splice(&schemes, &ctx->schemes);
	damon_for_each_scheme(s, ctx) {
		if (applies && passed >= s->next_apply_sis)
			continue;
		s->next_apply_sis = damon_sysfs_next_apply_sis(ctx, s);
	}
}

/*
 * Scale the sampling interval toward the goal, and the aggregation
 * interval with it, as mainline's kdamond_tune_intervals() (6.15) does.
 */
static bool damon_sysfs_tune_intervals(struct damon_ctx *ctx,
				       const struct damon_sysfs_tuning *tuning)
{
	unsigned long score_bp = damon_sysfs_tuning_score_bp(ctx, tuning);
	unsigned long adaptation_bp = damon_sysfs_tuning_adaptation_bp(score_bp);
	struct damon_attrs attrs = ctx->attrs;

	/* as mainline, not even the same intervals set again */
	if (adaptation_bp == 10000)
		return false;
	attrs.sample_interval = damon_sysfs_tuned_sample_us(tuning,
							    attrs.sample_interval,
							    adaptation_bp);
	if (check_mul_overflow(attrs.sample_interval, tuning->aggr_samples,
			       &attrs.aggr_interval))
		attrs.aggr_interval = ULONG_MAX;
	damon_sysfs_set_attrs_before_apply(ctx, &attrs);
	return true;
}

/*
 * Whether tuning is due at this window's end; if so, the next one is due
 * @aggrs windows later.
 */
static bool damon_sysfs_tuning_due(struct damon_ctx *ctx,
				   struct damon_sysfs_tuning *tuning)
{
	if (!tuning->aggrs ||
	    ctx->passed_sample_intervals < tuning->next_tune_sis)
		return false;
	tuning->next_tune_sis += tuning->aggr_samples * tuning->aggrs;
	return true;
}

static int damon_sysfs_after_aggregation(struct damon_ctx *ctx)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;
	bool tune = damon_sysfs_tuning_due(ctx, &mailbox->tuning);

	/*
	 * The window of a commit served while parked is over: its intervals
	 * start with the next one, and win over tuning.  The writer checked
	 * them.
	 */
	if (mailbox->attrs_pending) {
		mailbox->attrs_pending = false;
		damon_set_attrs(ctx, &mailbox->next_attrs);
	} else if (!tune || !damon_sysfs_tune_intervals(ctx, &mailbox->tuning)) {
		return damon_sysfs_handle_calls(ctx, true, 0);
	}
	damon_sysfs_publish_intervals(ctx);
	damon_sysfs_tried_rebase(ctx);
	return damon_sysfs_handle_calls(ctx, true, 0);
}

static int damon_sysfs_after_wmarks_check(struct damon_ctx *ctx)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;

	WRITE_ONCE(mailbox->wmarks_wait, true);
	return damon_sysfs_handle_calls(ctx, true,
					DAMON_SYSFS_CALL_AFTER_APPLY |
					DAMON_SYSFS_CALL_PARKED);
}

static void damon_sysfs_before_terminate(struct damon_ctx *ctx)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;
	struct damon_target *t, *tnext;

	/* from now on the kdamond counts as stopped */
	damon_sysfs_mailbox_close(mailbox);
	/* nothing can be posted any more: stop what runs, cancel the rest */
	damon_sysfs_cancel_calls(ctx, mailbox);
	kvfree(mailbox->node_goals);
	mailbox->node_goals = NULL;

	/* release the processes now rather than at the next "on" */
	if (damon_target_has_pid(ctx)) {
		damon_for_each_target_safe(t, tnext, ctx) {
			put_pid(t->pid);
			damon_destroy_target(t);
		}
	}
	/* the kernfs nodes outlive the kdamond: see damon_sysfs_reap() */
	damon_sysfs_mailbox_notify(mailbox);
}

/*
 * Whether the kdamond of @kd runs, as state shows: it has not reached its
 * before_terminate callback.  A poller woken by that callback must read
 * "off", though the thread still has a few steps to exit.
 */
static bool damon_sysfs_kdamond_running(struct damon_sysfs_kdamond *kd)
{
	return kd->ctx && damon_is_running(kd->ctx) &&
		!damon_sysfs_mailbox_closed(&kd->mailbox);
}

/*
 * Wait for the thread of a kdamond that counts as stopped to exit, before
 * its context or mailbox is reused or freed.  It is past before_terminate,
 * so this is short; kthread_stop() is how 6.12 waits for a kdamond.
 *
 * Context: damon_sysfs_lock held, which makes this the only stopper.
 */
static void damon_sysfs_reap(struct damon_sysfs_kdamond *kd)
{
	lockdep_assert_held(&damon_sysfs_lock);
	if (kd->ctx && damon_is_running(kd->ctx))
		damon_stop(&kd->ctx, 1);
}

/*
 * Whether the kdamond of @mailbox has not reached after_sampling for longer
 * than a sampling interval (plus two jiffies for the rounding of its sleep):
 * then it is not in a sampling sleep, which would be over by now, but in a
 * watermarks sleep, on its way to one, or busy.
 */
static bool damon_sysfs_kdamond_parked(struct damon_sysfs_mailbox *mailbox)
{
	unsigned long sample = usecs_to_jiffies(mailbox->sample_us);

	lockdep_assert_held(&mailbox->lock);
	return time_after(jiffies, mailbox->sampled_at + sample + 2);
}

/*
 * Wake a kdamond that sleeps for its watermarks, which can take long, to
 * have its after_wmarks_check callback run the posted calls.
 *
 * Under the mailbox's lock, after_sampling cannot start a sampling sleep
 * between the decision and the wake.  The kdamond's sleeps in its loop,
 * for sampling and for watermarks, are TASK_IDLE, and the wake is for
 * TASK_NOLOAD sleepers only: a kdamond that looks parked because an apply
 * step takes long is not woken from a lock or I/O wait in it.
 */
static void damon_sysfs_kick(struct damon_sysfs_kdamond *kd)
{
	struct damon_ctx *ctx = kd->ctx;

	mutex_lock(&ctx->kdamond_lock);
	spin_lock(&kd->mailbox.lock);
	if (ctx->kdamond && !kd->mailbox.terminated &&
	    damon_sysfs_kdamond_parked(&kd->mailbox))
		wake_up_state(ctx->kdamond, TASK_NOLOAD);
	spin_unlock(&kd->mailbox.lock);
	mutex_unlock(&ctx->kdamond_lock);
}

static int damon_sysfs_post(struct damon_sysfs_mailbox *mailbox,
			    struct damon_sysfs_call *call)
{
	int err = 0;

	spin_lock(&mailbox->lock);
	if (mailbox->terminated)
		err = -ECANCELED;
	else
		list_add_tail(&call->list, &mailbox->calls);
	spin_unlock(&mailbox->lock);
	return err;
}

/* Withdraw a call the kdamond has not taken yet; false if it has. */
static bool damon_sysfs_withdraw(struct damon_sysfs_mailbox *mailbox,
				 struct damon_sysfs_call *call)
{
	bool withdrawn = false;

	spin_lock(&mailbox->lock);
	if (!call->taken) {
		list_del_init(&call->list);
		withdrawn = true;
	} else {
		/* the kdamond has it: ask it to stop at its next callback */
		WRITE_ONCE(call->stop, true);
	}
	spin_unlock(&mailbox->lock);
	return withdrawn;
}

/*
 * Wait for @call, killably.  The kdamond may go to sleep for its watermarks
 * at any time after it last looked at its mailbox, so a wake cannot be sent
 * once: it is sent at each tick while the kdamond sleeps.  A killed writer
 * whose call the kdamond has taken still waits, uninterruptibly, for the
 * kdamond's next callback; the ticks keep that short and visible.
 */
static int damon_sysfs_wait(struct damon_sysfs_kdamond *kd,
			    struct damon_sysfs_call *call)
{
	/* how often to check whether the kdamond sleeps */
	const unsigned long tick = max(HZ / 20, 1);
	bool killed = false;
	long left;

	for (;;) {
		struct completion *done = &call->done;

		if (killed)
			left = wait_for_completion_timeout(done, tick);
		else
			left = wait_for_completion_killable_timeout(done, tick);
		if (left > 0)
			return call->err;
		if (left < 0) {
			killed = true;
			if (damon_sysfs_withdraw(&kd->mailbox, call))
				return -EINTR;
		}
		damon_sysfs_kick(kd);
	}
}

/**
 * damon_sysfs_kdamond_call() - have a running kdamond run a call
 * @kd:		the kdamond directory.
 * @call:	the call; @call->fn, @call->arg and @call->at_boundary set.
 *
 * Drops &damon_sysfs_lock while waiting and retakes it before returning:
 * the tree may have changed meanwhile, but @kd stays (see the nr_kdamonds
 * veto).
 *
 * The retake blocks, so it must not happen under the active reference of
 * the state file that the writer holds: a directory removal drains that
 * reference under &damon_sysfs_lock, and lockdep, whose class is the
 * state file of every kdamond, would see a cycle.  The veto keeps this
 * kdamond's directory, so its protection can be broken for the wait.
 *
 * Context: the store handler of @kd's state file, damon_sysfs_lock held;
 * sleeps.
 * Return: the call's result; -ECANCELED if the kdamond terminated first;
 * -EINTR if the writer was killed first.
 */
static int damon_sysfs_kdamond_call(struct damon_sysfs_kdamond *kd,
				    struct damon_sysfs_call *call)
{
	int err;

	lockdep_assert_held(&damon_sysfs_lock);
	init_completion(&call->done);
	INIT_LIST_HEAD(&call->list);
	call->taken = false;
	call->stop = false;
	err = damon_sysfs_post(&kd->mailbox, call);
	if (err)
		return err;
	kd->nr_waiters++;
	mutex_unlock(&damon_sysfs_lock);
	kernfs_break_active_protection(kd->mailbox.state_kn);
	err = damon_sysfs_wait(kd, call);
	mutex_lock(&damon_sysfs_lock);
	kernfs_unbreak_active_protection(kd->mailbox.state_kn);
	kd->nr_waiters--;
	return err;
}

static struct damon_sysfs_context *
damon_sysfs_kdamond_context(const struct damon_sysfs_kdamond *kd)
{
	if (kd->contexts->nr != 1)
		return NULL;
	return to_damon_sysfs_context(kd->contexts->items[0]);
}

/**
 * struct damon_sysfs_commit - what a commit carries to the kdamond
 * @ctx:	the context built from the tree, without obsolete targets.
 * @placeholder: a spare scheme; see damon_sysfs_new_placeholder().
 * @obsolete:	a bit per target directory: set if it is marked obsolete.
 * @nr_dirs:	the number of target directories.
 * @tuning:	the intervals auto-tuning built from the tree.
 * @node_goals:	the quota goals on node memory built from the tree; after
 *		the commit, those the kdamond no longer uses.
 */
struct damon_sysfs_commit {
	struct damon_ctx *ctx;
	struct damos *placeholder;
	unsigned long *obsolete;
	int nr_dirs;
	struct damon_sysfs_tuning tuning;
	struct damon_sysfs_node_goals *node_goals;
};

static int damon_sysfs_nr_targets(struct damon_ctx *ctx)
{
	struct damon_target *t;
	int nr = 0;

	damon_for_each_target(t, ctx)
		nr++;
	return nr;
}

/*
 * A scheme whose quota was charged part way through @t goes on from the
 * next target: 6.12 would keep the pointer to the destroyed target and skip
 * every region from then on.
 */
static void damon_sysfs_uncharge_target(struct damon_ctx *ctx,
					struct damon_target *t)
{
	struct damos *s;

	damon_for_each_scheme(s, ctx) {
		if (s->quota.charge_target_from == t) {
			s->quota.charge_target_from = NULL;
			s->quota.charge_addr_from = 0;
		}
	}
}

/**
 * damon_sysfs_take_obsolete() - take the running targets marked obsolete out
 * @ctx:	the running context.
 * @obsolete:	a bit per target directory, set for those marked obsolete.
 * @nr_dirs:	the number of target directories.
 * @gone:	where the targets go, in their order.
 *
 * Target directory i stands for running target i.  The targets of obsolete
 * directories leave the context's list wherever they are; the others keep
 * their regions and order, and damon_commit_ctx() then matches them one to
 * one with the committed targets, which leave the obsolete directories out.
 * Whether the taken targets are destroyed or put back depends on whether the
 * commit succeeds.
 *
 * Context: the kdamond, or a context that is not running.
 * Return: 0; -EINVAL, with nothing changed, if a directory marked obsolete
 * has no running target.
 */
static int damon_sysfs_take_obsolete(struct damon_ctx *ctx,
				     const unsigned long *obsolete,
				     int nr_dirs, struct list_head *gone)
{
	int nr_running = damon_sysfs_nr_targets(ctx), i = 0;
	struct damon_target *t, *next;

	if (nr_dirs > nr_running &&
	    find_next_bit(obsolete, nr_dirs, nr_running) < nr_dirs)
		return -EINVAL;
	damon_for_each_target_safe(t, next, ctx) {
		if (i < nr_dirs && test_bit(i, obsolete))
			list_move_tail(&t->list, gone);
		i++;
	}
	return 0;
}

/* Put the targets of a failed commit back where they were taken from. */
static void damon_sysfs_put_back_obsolete(struct damon_ctx *ctx,
					  const unsigned long *obsolete,
					  int nr_dirs, struct list_head *gone)
{
	struct list_head *at = ctx->adaptive_targets.next;
	struct damon_target *t, *next;
	int i = 0, bit = -1;

	list_for_each_entry_safe(t, next, gone, list) {
		bit = find_next_bit(obsolete, nr_dirs, bit + 1);
		/* to index bit: before the target there, if any */
		for (; i < bit && at != &ctx->adaptive_targets; i++)
			at = at->next;
		list_move_tail(&t->list, at);
		i++;
	}
}

/* Destroy the targets of a successful commit. */
static void damon_sysfs_destroy_obsolete(struct damon_ctx *ctx,
					 struct list_head *gone)
{
	struct damon_target *t, *next;

	list_for_each_entry_safe(t, next, gone, list) {
		damon_sysfs_uncharge_target(ctx, t);
		if (damon_target_has_pid(ctx))
			put_pid(t->pid);
		damon_destroy_target(t);
	}
}

/* The targets beyond @nr_kept go in damon_commit_ctx(): uncharge them. */
static void damon_sysfs_uncharge_beyond(struct damon_ctx *ctx, int nr_kept)
{
	struct damon_target *t;
	int i = 0;

	damon_for_each_target(t, ctx) {
		if (i++ >= nr_kept)
			damon_sysfs_uncharge_target(ctx, t);
	}
}

static bool damon_sysfs_attrs_equal(const struct damon_attrs *a,
				    const struct damon_attrs *b)
{
	return a->sample_interval == b->sample_interval &&
		a->aggr_interval == b->aggr_interval &&
		a->ops_update_interval == b->ops_update_interval &&
		a->min_nr_regions == b->min_nr_regions &&
		a->max_nr_regions == b->max_nr_regions;
}

/*
 * Before a commit of @src: give each scheme of @src that the commit keeps
 * the running state of its twin, which damon_commit_ctx() would reset or
 * take from @src: whether its watermarks have activated it (a commit must
 * not activate a scheme they deactivated before they are checked again),
 * and when it is next applied, which a new apply interval restarts from
 * now.  The schemes of @src do not run and have no use for either.
 * Return: how many schemes the commit keeps.
 */
static int damon_sysfs_save_schemes_state(struct damon_ctx *ctx,
					  struct damon_ctx *src)
{
	struct damos *d, *s;
	int nr = 0;

	s = list_first_entry(&src->schemes, struct damos, list);
	damon_for_each_scheme(d, ctx) {
		if (list_entry_is_head(s, &src->schemes, list))
			break;
		s->wmarks.activated = d->wmarks.activated;
		if (s->apply_interval_us == d->apply_interval_us)
			s->next_apply_sis = d->next_apply_sis;
		else
			s->next_apply_sis = damon_sysfs_next_apply_sis(ctx, s);
		s = list_next_entry(s, list);
		nr++;
	}
	return nr;
}

/*
 * Give the first @nr_kept schemes their saved next apply time back; the
 * others, new, are due an apply interval from now, as damon_add_scheme()
 * makes them.
 */
static void damon_sysfs_restore_apply_sis(struct damon_ctx *ctx,
					  struct damon_ctx *src, int nr_kept)
{
	struct damos *d, *s;
	int i = 0;

	s = list_first_entry(&src->schemes, struct damos, list);
	damon_for_each_scheme(d, ctx) {
		if (i++ < nr_kept) {
			d->next_apply_sis = s->next_apply_sis;
			s = list_next_entry(s, list);
			continue;
		}
		d->next_apply_sis = damon_sysfs_next_apply_sis(ctx, d);
	}
}

/**
 * damon_sysfs_commit_ctx() - damon_commit_ctx() that keeps unchanged attrs
 * @ctx:	the running context.
 * @src:	the context to commit; its schemes get the state of those of
 *		@ctx (see damon_sysfs_save_schemes_state()).
 *
 * damon_commit_ctx() of 6.12 ends in damon_set_attrs() even when the
 * monitoring attributes do not change.  That restarts the aggregation
 * window, the operations update interval and the apply interval of every
 * scheme from now, and rescales the access frequency of every region
 * through a per-10,000 ratio, which rounds it down unless aggr/sample
 * divides 10,000.  Mainline commits unchanged attributes no more ("mm/damon/
 * core: skip needless update of damon_attrs in damon_commit_ctx()", Aug
 * 2025); this has the same effect on the 6.12 core: it keeps what
 * damon_set_attrs() would reset, and an aggregation interval of 0 is how
 * damon_set_attrs() is made to leave the regions alone.
 *
 * Context: the kdamond, or a context that is not running.
 * Return: what damon_commit_ctx() returns.
 */
static int damon_sysfs_commit_ctx(struct damon_ctx *ctx, struct damon_ctx *src)
{
	unsigned long next_aggregation_sis = ctx->next_aggregation_sis;
	unsigned long next_ops_update_sis = ctx->next_ops_update_sis;
	unsigned long aggr_interval = ctx->attrs.aggr_interval;
	int nr_kept, err;

	nr_kept = damon_sysfs_save_schemes_state(ctx, src);
	if (!damon_sysfs_attrs_equal(&ctx->attrs, &src->attrs))
		return damon_commit_ctx(ctx, src);
	ctx->attrs.aggr_interval = 0;
	err = damon_commit_ctx(ctx, src);
	ctx->attrs.aggr_interval = aggr_interval;
	ctx->next_aggregation_sis = next_aggregation_sis;
	ctx->next_ops_update_sis = next_ops_update_sis;
	damon_sysfs_restore_apply_sis(ctx, src, nr_kept);
	return err;
}

/*
 * In 6.12, kdamond_wait_activation() keeps the wait time of the schemes it
 * saw last when the context has none left, so a commit that removes every
 * scheme while the kdamond sleeps for its watermarks would keep it asleep
 * for good.  A scheme that is always active and matches no region lets the
 * loop go on; the next after_sampling removes it, before any apply step.
 */
static struct damos *damon_sysfs_new_placeholder(void)
{
	struct damos_access_pattern nothing = {
		.min_sz_region = ULONG_MAX,
		.max_sz_region = 0,
	};
	struct damos_quota quota = {};
	struct damos_watermarks always = { .metric = DAMOS_WMARK_NONE };

	return damon_new_scheme(&nothing, DAMOS_STAT, 0, &quota, &always,
				NUMA_NO_NODE);
}

/*
 * A commit's tuning: the new goal and ratio, and, as mainline's
 * damon_commit_ctx(), the tuning due when it was (a goal that starts
 * tuning tunes at the next window's end).  The intervals are those of the
 * files, tuned or not: update_tuned_intervals before a commit keeps the
 * tuned ones.
 */
static void damon_sysfs_commit_tuning(struct damon_sysfs_tuning *dst,
				      const struct damon_sysfs_tuning *src)
{
	unsigned long next_tune_sis = dst->next_tune_sis;

	*dst = *src;
	dst->next_tune_sis = next_tune_sis;
}

/*
 * Runs in the kdamond: the commit, at the end of a window or while every
 * scheme is deactivated and the kdamond sleeps for its watermarks
 * (DAMON_SYSFS_CALL_PARKED).  In the middle of a window, it commits no new
 * monitoring attributes: the window in progress keeps the sampling and
 * aggregation intervals it began with, and the new ones start with the next
 * window (see damon_sysfs_after_aggregation()), as they do when a commit is
 * served at a window's end.
 */
static int damon_sysfs_commit_fn(struct damon_ctx *ctx, void *arg,
				 unsigned int flags)
{
	struct damon_sysfs_mailbox *mailbox = ctx->callback.private;
	struct damon_sysfs_commit *commit = arg;
	struct damon_attrs attrs = commit->ctx->attrs;
	bool defer = (flags & DAMON_SYSFS_CALL_PARKED) &&
		!damon_sysfs_attrs_equal(&ctx->attrs, &attrs);
	LIST_HEAD(gone);
	int err;

	if (flags & DAMON_SYSFS_CALL_STOP)
		return -ECANCELED;
	err = damon_sysfs_take_obsolete(ctx, commit->obsolete, commit->nr_dirs,
					&gone);
	if (err)
		return err;
	damon_sysfs_uncharge_beyond(ctx, damon_sysfs_nr_targets(commit->ctx));
	if (defer)
		commit->ctx->attrs = ctx->attrs;
	/* can fail only for memory: the writer built and checked the ctx */
	err = damon_sysfs_commit_ctx(ctx, commit->ctx);
	if (err) {
		/* a part may be committed; no target is removed */
		damon_sysfs_put_back_obsolete(ctx, commit->obsolete,
					      commit->nr_dirs, &gone);
	} else {
		damon_sysfs_destroy_obsolete(ctx, &gone);
		mailbox->next_attrs = attrs;
		mailbox->attrs_pending = defer;
		damon_sysfs_commit_tuning(&mailbox->tuning, &commit->tuning);
		damon_sysfs_publish_intervals(ctx);
		swap(mailbox->node_goals, commit->node_goals);
		err = damon_sysfs_commit_goal_values(ctx, commit->ctx);
	}
	/* the commit may have replaced schemes and their next apply pass */
	damon_sysfs_tried_rebase(ctx);
	if ((flags & DAMON_SYSFS_CALL_PARKED) && list_empty(&ctx->schemes)) {
		damon_add_scheme(ctx, commit->placeholder);
		mailbox->placeholder = commit->placeholder;
		commit->placeholder = NULL;
	}
	return err;
}

static int damon_sysfs_commit(struct damon_sysfs_kdamond *kd)
{
	struct damon_sysfs_context *context = damon_sysfs_kdamond_context(kd);
	struct damon_sysfs_commit commit = {
		.nr_dirs = context->targets->nr,
	};
	struct damon_sysfs_call call = {
		.fn = damon_sysfs_commit_fn,
		.arg = &commit,
		.at_boundary = true,
	};
	int err;

	if (!damon_sysfs_kdamond_running(kd))
		return -EINVAL;
	commit.obsolete = bitmap_zalloc(commit.nr_dirs, GFP_KERNEL);
	if (!commit.obsolete)
		return -ENOMEM;
	commit.ctx = damon_sysfs_build_ctx(context, commit.obsolete,
					   &commit.tuning, &commit.node_goals);
	if (IS_ERR(commit.ctx)) {
		err = PTR_ERR(commit.ctx);
		goto out_free_obsolete;
	}
	commit.placeholder = damon_sysfs_new_placeholder();
	if (commit.placeholder)
		err = damon_sysfs_kdamond_call(kd, &call);
	else
		err = -ENOMEM;
	if (commit.placeholder)
		damon_destroy_scheme(commit.placeholder);
	kvfree(commit.node_goals);
	damon_sysfs_destroy_ctx(commit.ctx);
out_free_obsolete:
	bitmap_free(commit.obsolete);
	return err;
}

/* A command on the schemes: build in the writer, run, copy outputs back. */
static int damon_sysfs_schemes_cmd(struct damon_sysfs_kdamond *kd,
				   const struct damon_sysfs_cmd *cmd)
{
	struct damon_sysfs_call call = {
		.fn = cmd->fn,
		.at_boundary = cmd->at_boundary,
	};
	struct damon_sysfs_context *context;
	int err;

	if (!damon_sysfs_kdamond_running(kd))
		return -EINVAL;
	call.arg = cmd->prepare(damon_sysfs_kdamond_context(kd)->schemes);
	if (IS_ERR(call.arg))
		return PTR_ERR(call.arg);
	err = damon_sysfs_kdamond_call(kd, &call);
	/* the context directory may have gone while the lock was free */
	context = damon_sysfs_kdamond_context(kd);
	return cmd->finish(context ? context->schemes : NULL, call.arg, err);
}

static int damon_sysfs_clear_tried(struct damon_sysfs_kdamond *kd)
{
	/* as in 6.12, only while running, though no kdamond is needed */
	if (!damon_sysfs_kdamond_running(kd))
		return -EINVAL;
	damon_sysfs_clear_tried_regions(damon_sysfs_kdamond_context(kd)->schemes);
	return 0;
}

/*
 * Copy the running context's sampling and aggregation intervals, which
 * tuning changes, into sample_us and aggr_us.  The kdamond publishes them
 * whenever they change: this asks it nothing.
 */
static void damon_sysfs_copy_intervals(struct damon_sysfs_kdamond *kd)
{
	struct damon_sysfs_context *context = damon_sysfs_kdamond_context(kd);
	struct damon_sysfs_intervals *intervals;
	unsigned long sample_us, aggr_us;

	if (!context)
		return;
	spin_lock(&kd->mailbox.lock);
	sample_us = kd->mailbox.ctx_sample_us;
	aggr_us = kd->mailbox.ctx_aggr_us;
	spin_unlock(&kd->mailbox.lock);
	intervals = context->attrs->intervals;
	WRITE_ONCE(intervals->sample_us, sample_us);
	WRITE_ONCE(intervals->aggr_us, aggr_us);
}

static int damon_sysfs_update_tuned_intervals(struct damon_sysfs_kdamond *kd)
{
	if (!damon_sysfs_kdamond_running(kd))
		return -EINVAL;
	damon_sysfs_copy_intervals(kd);
	return 0;
}

/*
 * refresh_ms: the interface's own writer.  Every refresh_ms while the
 * kdamond runs, a delayed work asks the kdamond for a snapshot of its
 * schemes, as update_schemes_stats does, and copies the stats and the
 * effective quotas into the tree.  It must never disturb a user or the
 * kdamond:
 *
 * - it only trylocks damon_sysfs_lock, and skips the round if that fails;
 *   users wait for it rather than fail (damon_sysfs_trylock());
 * - it is not a waiter of the nr_kdamonds veto: the directory's destruction
 *   cancels it instead, which cannot deadlock as it never blocks on the lock;
 * - it never wakes a kdamond that sleeps for its watermarks, which would
 *   move the watermarks checks: it skips the round, or withdraws its
 *   request, once the kdamond is known to be in its watermarks loop, as
 *   nothing changes while every scheme is deactivated.  A kdamond that is
 *   only slow is waited for;
 * - it follows the mailbox: it stops once the kdamond has terminated, and
 *   "on" starts it again;
 * - refresh_ms is written under @refresh_lock, which serializes the value
 *   with the scheduling or cancelling of the rounds.  A round in progress
 *   sees a 0 at its next tick and withdraws its request, so a write of 0
 *   waits for it briefly, not for the kdamond.
 */

/*
 * How long after a round that started at @start the next one is due, at
 * @now: rounds start every @ms, or at once if a round took longer.
 */
static unsigned long damon_sysfs_refresh_delay(unsigned long start,
					       unsigned long now,
					       unsigned int ms)
{
	unsigned long due = start + msecs_to_jiffies(ms);

	return time_after(due, now) ? due - now : 0;
}

/* Queue the next round, unless refresh_ms is 0 or no kdamond runs. */
static void damon_sysfs_refresh_schedule(struct damon_sysfs_kdamond *kd,
					 unsigned long start)
{
	unsigned int ms = READ_ONCE(kd->refresh_ms);

	/* under the lock, so that a kdamond terminating now stops it */
	spin_lock(&kd->mailbox.lock);
	if (ms && !kd->mailbox.terminated)
		mod_delayed_work(system_unbound_wq, &kd->refresh,
				 damon_sysfs_refresh_delay(start, jiffies, ms));
	spin_unlock(&kd->mailbox.lock);
}

/* Whether a refresh round has nothing to wait for. */
static bool damon_sysfs_refresh_pointless(struct damon_sysfs_kdamond *kd)
{
	return !READ_ONCE(kd->refresh_ms) || READ_ONCE(kd->mailbox.wmarks_wait);
}

/*
 * Wait for the snapshot, or withdraw it once the round is pointless: the
 * kdamond sleeps for its watermarks, or refresh_ms is 0.
 */
static int damon_sysfs_refresh_wait(struct damon_sysfs_kdamond *kd,
				    struct damon_sysfs_call *call)
{
	const unsigned long tick = max(HZ / 20, 1);

	for (;;) {
		if (wait_for_completion_timeout(&call->done, tick))
			return call->err;
		if (damon_sysfs_refresh_pointless(kd) &&
		    damon_sysfs_withdraw(&kd->mailbox, call))
			return -EAGAIN;
	}
}

static void damon_sysfs_refresh_round(struct damon_sysfs_kdamond *kd)
{
	const struct damon_sysfs_cmd *cmd = &damon_sysfs_cmd_refresh;
	struct damon_sysfs_call call = { .fn = cmd->fn };
	struct damon_sysfs_context *context;
	int err;

	if (damon_sysfs_refresh_pointless(kd) || !damon_sysfs_refresh_trylock())
		return;
	context = damon_sysfs_kdamond_context(kd);
	if (!context || !damon_sysfs_kdamond_running(kd)) {
		damon_sysfs_refresh_unlock();
		return;
	}
	call.arg = cmd->prepare(context->schemes);
	if (IS_ERR(call.arg)) {
		damon_sysfs_refresh_unlock();
		return;
	}
	init_completion(&call.done);
	INIT_LIST_HEAD(&call.list);
	err = damon_sysfs_post(&kd->mailbox, &call);
	damon_sysfs_refresh_unlock();

	if (!err)
		err = damon_sysfs_refresh_wait(kd, &call);
	if (!err && damon_sysfs_refresh_trylock()) {
		context = damon_sysfs_kdamond_context(kd);
		cmd->finish(context ? context->schemes : NULL, call.arg, 0);
		/* and the tuned intervals, as mainline's refresh */
		damon_sysfs_copy_intervals(kd);
		damon_sysfs_refresh_unlock();
		return;
	}
	/* the values are dropped, not the round's schedule */
	cmd->finish(NULL, call.arg, err ?: -EBUSY);
}

static void damon_sysfs_refresh_fn(struct work_struct *work)
{
	struct damon_sysfs_kdamond *kd = container_of(to_delayed_work(work),
			struct damon_sysfs_kdamond, refresh);
	unsigned long start = jiffies;

	if (!READ_ONCE(kd->refresh_ms))
		return;
	damon_sysfs_refresh_round(kd);
	damon_sysfs_refresh_schedule(kd, start);
}

static ssize_t refresh_ms_store(struct kobject *kobj,
				struct kobj_attribute *attr, const char *buf,
				size_t count)
{
	struct damon_sysfs_kdamond *kd = to_damon_sysfs_kdamond(kobj);
	unsigned int ms;
	int err = kstrtouint(buf, 0, &ms);

	if (err)
		return err;
	mutex_lock(&kd->refresh_lock);
	WRITE_ONCE(kd->refresh_ms, ms);
	/* a new period starts now; 0 stops the rounds before returning */
	if (ms)
		damon_sysfs_refresh_schedule(kd, jiffies);
	else
		cancel_delayed_work_sync(&kd->refresh);
	mutex_unlock(&kd->refresh_lock);
	return count;
}

static int damon_sysfs_turn_on(struct damon_sysfs_kdamond *kd)
{
	struct damon_sysfs_node_goals *node_goals;
	struct damon_sysfs_tuning tuning;
	struct damon_ctx *ctx;
	int err;

	if (damon_sysfs_kdamond_running(kd) || kd->nr_waiters)
		return -EBUSY;
	ctx = damon_sysfs_build_ctx(damon_sysfs_kdamond_context(kd), NULL,
				    &tuning, &node_goals);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	ctx->callback = (struct damon_callback) {
		.private = &kd->mailbox,
		.after_wmarks_check = damon_sysfs_after_wmarks_check,
		.after_sampling = damon_sysfs_after_sampling,
		.after_aggregation = damon_sysfs_after_aggregation,
		.before_damos_apply = damon_sysfs_before_damos_apply,
		.before_terminate = damon_sysfs_before_terminate,
	};
	damon_sysfs_reap(kd);
	damon_sysfs_mailbox_open(&kd->mailbox, &ctx->attrs, &tuning, node_goals);
	err = damon_start(&ctx, 1, false);
	if (err) {
		damon_sysfs_mailbox_close(&kd->mailbox);
		kvfree(kd->mailbox.node_goals);
		kd->mailbox.node_goals = NULL;
		damon_sysfs_destroy_ctx(ctx);
		return err;
	}
	if (kd->ctx)
		damon_sysfs_destroy_ctx(kd->ctx);
	kd->ctx = ctx;
	damon_sysfs_refresh_schedule(kd, jiffies);
	return 0;
}

static int damon_sysfs_turn_off(struct damon_sysfs_kdamond *kd)
{
	if (!kd->ctx)
		return -EINVAL;
	/* it stopped on its own, as 6.12 would say once its thread is gone */
	if (!damon_sysfs_kdamond_running(kd)) {
		damon_sysfs_reap(kd);
		return -EPERM;
	}
	/* -EPERM if it has stopped since; else waits until it exits */
	return damon_stop(&kd->ctx, 1);
}

/*
 * The state keywords.  Those after "commit" come with the schemes; they
 * are accepted here so that the keyword table is the ABI's.
 */
enum damon_sysfs_state_cmd {
	DAMON_SYSFS_CMD_ON,
	DAMON_SYSFS_CMD_OFF,
	DAMON_SYSFS_CMD_COMMIT,
	DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS,
	DAMON_SYSFS_CMD_UPDATE_SCHEMES_STATS,
	DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_BYTES,
	DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_REGIONS,
	DAMON_SYSFS_CMD_CLEAR_SCHEMES_TRIED_REGIONS,
	DAMON_SYSFS_CMD_UPDATE_SCHEMES_EFFECTIVE_QUOTAS,
	DAMON_SYSFS_CMD_UPDATE_TUNED_INTERVALS,
	NR_DAMON_SYSFS_CMDS,
};

static const char * const damon_sysfs_cmd_names[] = {
	[DAMON_SYSFS_CMD_ON] = "on",
	[DAMON_SYSFS_CMD_OFF] = "off",
	[DAMON_SYSFS_CMD_COMMIT] = "commit",
	[DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS] =
		"commit_schemes_quota_goals",
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_STATS] = "update_schemes_stats",
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_BYTES] =
		"update_schemes_tried_bytes",
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_REGIONS] =
		"update_schemes_tried_regions",
	[DAMON_SYSFS_CMD_CLEAR_SCHEMES_TRIED_REGIONS] =
		"clear_schemes_tried_regions",
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_EFFECTIVE_QUOTAS] =
		"update_schemes_effective_quotas",
	[DAMON_SYSFS_CMD_UPDATE_TUNED_INTERVALS] = "update_tuned_intervals",
};

static_assert(ARRAY_SIZE(damon_sysfs_cmd_names) == NR_DAMON_SYSFS_CMDS);

/* The commands that sysfs-schemes.c implements. */
static const struct damon_sysfs_cmd * const damon_sysfs_schemes_cmds[] = {
	[DAMON_SYSFS_CMD_COMMIT_SCHEMES_QUOTA_GOALS] =
		&damon_sysfs_cmd_commit_quota_goals,
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_STATS] = &damon_sysfs_cmd_update_stats,
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_BYTES] =
		&damon_sysfs_cmd_update_tried_bytes,
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_TRIED_REGIONS] =
		&damon_sysfs_cmd_update_tried_regions,
	[DAMON_SYSFS_CMD_UPDATE_SCHEMES_EFFECTIVE_QUOTAS] =
		&damon_sysfs_cmd_update_effective_quotas,
	/* the intervals are published: see damon_sysfs_copy_intervals() */
	[DAMON_SYSFS_CMD_UPDATE_TUNED_INTERVALS] = NULL,
};

static_assert(ARRAY_SIZE(damon_sysfs_schemes_cmds) == NR_DAMON_SYSFS_CMDS);

static int damon_sysfs_handle_cmd(struct damon_sysfs_kdamond *kd,
				  enum damon_sysfs_state_cmd cmd)
{
	int err;

	lockdep_assert_held(&damon_sysfs_lock);
	if (cmd == DAMON_SYSFS_CMD_OFF) {
		err = damon_sysfs_turn_off(kd);
		damon_sysfs_mailbox_notify(&kd->mailbox);
		return err;
	}
	if (kd->contexts->nr != 1)
		return -EINVAL;
	switch (cmd) {
	case DAMON_SYSFS_CMD_ON:
		err = damon_sysfs_turn_on(kd);
		damon_sysfs_mailbox_notify(&kd->mailbox);
		return err;
	case DAMON_SYSFS_CMD_COMMIT:
		return damon_sysfs_commit(kd);
	case DAMON_SYSFS_CMD_CLEAR_SCHEMES_TRIED_REGIONS:
		return damon_sysfs_clear_tried(kd);
	case DAMON_SYSFS_CMD_UPDATE_TUNED_INTERVALS:
		return damon_sysfs_update_tuned_intervals(kd);
	default:
		return damon_sysfs_schemes_cmd(kd, damon_sysfs_schemes_cmds[cmd]);
	}
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct damon_sysfs_kdamond *kd = to_damon_sysfs_kdamond(kobj);
	int err = damon_sysfs_trylock();
	bool running;

	if (err)
		return err;
	running = damon_sysfs_kdamond_running(kd);
	mutex_unlock(&damon_sysfs_lock);
	return sysfs_emit(buf, "%s\n",
			  damon_sysfs_cmd_names[running ? DAMON_SYSFS_CMD_ON :
						DAMON_SYSFS_CMD_OFF]);
}

static ssize_t state_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	struct damon_sysfs_kdamond *kd = to_damon_sysfs_kdamond(kobj);
	int cmd = sysfs_match_string(damon_sysfs_cmd_names, buf);
	int err;

	if (cmd < 0)
		return cmd;
	err = damon_sysfs_trylock();
	if (err)
		return err;
	err = damon_sysfs_handle_cmd(kd, cmd);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

static ssize_t pid_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct damon_sysfs_kdamond *kd = to_damon_sysfs_kdamond(kobj);
	int pid = damon_sysfs_trylock();

	if (pid)
		return pid;
	pid = damon_sysfs_kdamond_running(kd) ? damon_kdamond_pid(kd->ctx) : -1;
	mutex_unlock(&damon_sysfs_lock);
	return sysfs_emit(buf, "%d\n", pid < 0 ? -1 : pid);
}

static struct kobj_attribute damon_sysfs_kdamond_state =
		__ATTR_RW_MODE(state, 0600);
static struct kobj_attribute damon_sysfs_kdamond_pid =
		__ATTR_RO_MODE(pid, 0400);
__DAMON_SYSFS_FIELD(kdamond, refresh_ms, refresh_ms, unsigned int, 0600,
		    damon_sysfs_uint_show, refresh_ms_store);

static struct attribute *damon_sysfs_kdamond_attrs[] = {
	&damon_sysfs_kdamond_state.attr,
	&damon_sysfs_kdamond_pid.attr,
	DAMON_SYSFS_ATTR(kdamond, refresh_ms),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_kdamond);
DAMON_SYSFS_KTYPE(kdamond);

static void damon_sysfs_kdamond_destroy(struct kobject *kobj)
{
	struct damon_sysfs_kdamond *kd = to_damon_sysfs_kdamond(kobj);

	/*
	 * The nr_kdamonds veto keeps running kdamonds from coming here: the
	 * mailbox is closed, so the refresh cannot be queued again.
	 */
	cancel_delayed_work_sync(&kd->refresh);
	damon_sysfs_reap(kd);
	if (kd->ctx)
		damon_sysfs_destroy_ctx(kd->ctx);
	kernfs_put(kd->mailbox.state_kn);
	kernfs_put(kd->mailbox.pid_kn);
	damon_sysfs_array_destroy(kd->contexts);
	damon_sysfs_put(kobj);
}

static struct kobject *damon_sysfs_kdamond_create(struct kobject *parent,
						  const char *name)
{
	struct damon_sysfs_kdamond *kd;
	struct damon_sysfs_array *contexts;
	int err;

	kd = kzalloc(sizeof(*kd), GFP_KERNEL);
	if (!kd)
		return ERR_PTR(-ENOMEM);
	damon_sysfs_mailbox_init(&kd->mailbox);
	INIT_DELAYED_WORK(&kd->refresh, damon_sysfs_refresh_fn);
	mutex_init(&kd->refresh_lock);
	err = damon_sysfs_add_dir(&kd->kobj, &damon_sysfs_kdamond_ktype,
				  parent, name);
	if (err)
		return ERR_PTR(err);
	/* lookups, no allocation: the files were made with the directory */
	kd->mailbox.state_kn = sysfs_get_dirent(kd->kobj.sd, "state");
	kd->mailbox.pid_kn = sysfs_get_dirent(kd->kobj.sd, "pid");
	if (!kd->mailbox.state_kn || !kd->mailbox.pid_kn)
		contexts = ERR_PTR(-ENOENT);
	else
		contexts = damon_sysfs_array_create(&kd->kobj, "contexts",
						    &damon_sysfs_contexts_type);
	if (IS_ERR(contexts)) {
		damon_sysfs_kdamond_destroy(&kd->kobj);
		return ERR_CAST(contexts);
	}
	kd->contexts = contexts;
	return &kd->kobj;
}

/*
 * kdamonds directory
 */

/* Kdamond directories stay while a kdamond runs or a writer waits on one. */
static bool damon_sysfs_kdamonds_busy(const struct damon_sysfs_array *arr)
{
	int i;

	for (i = 0; i < arr->nr; i++) {
		struct damon_sysfs_kdamond *kd =
			to_damon_sysfs_kdamond(arr->items[i]);

		if (damon_sysfs_kdamond_running(kd) || kd->nr_waiters)
			return true;
	}
	return false;
}

DAMON_SYSFS_ARRAY_KTYPE(kdamonds, nr_kdamonds);

static const struct damon_sysfs_array_type damon_sysfs_kdamonds_type = {
	.ktype = &damon_sysfs_kdamonds_ktype,
	.create_item = damon_sysfs_kdamond_create,
	.destroy_item = damon_sysfs_kdamond_destroy,
	.max_nr = DAMON_SYSFS_MAX_NR,
	.busy = damon_sysfs_kdamonds_busy,
};

/*
 * init: /sys/kernel/mm/damon/admin/kdamonds, for the life of the kernel
 */

static int __init damon_sysfs_init(void)
{
	struct kobject *damon, *admin;
	struct damon_sysfs_array *kdamonds;
	int err = -ENOMEM;

	damon = kobject_create_and_add("damon", mm_kobj);
	if (!damon)
		return err;
	admin = kobject_create_and_add("admin", damon);
	if (!admin)
		goto out_put_damon;
	kdamonds = damon_sysfs_array_create(admin, "kdamonds",
					    &damon_sysfs_kdamonds_type);
	if (IS_ERR(kdamonds)) {
		err = PTR_ERR(kdamonds);
		goto out_put_admin;
	}
	return 0;
out_put_admin:
	kobject_put(admin);
out_put_damon:
	kobject_put(damon);
	return err;
}
subsys_initcall(damon_sysfs_init);

#include "tests/sysfs-kunit.h"

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DAMON sysfs interface: what the tree's files share.
 *
 * Every node of the tree is a struct with its kobject as the first member, so
 * one release function (a plain kfree) serves every node type.  Scalar files
 * are data: a struct damon_sysfs_field names the member behind the file and
 * one show/store pair per C type serves every file of that type.  Every
 * "nr_*" file is the same code: struct damon_sysfs_array.
 */

#ifndef __DAMON_SYSFS_COMMON_H
#define __DAMON_SYSFS_COMMON_H

#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/damon.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>

extern struct mutex damon_sysfs_lock;

int damon_sysfs_trylock(void);
bool damon_sysfs_refresh_trylock(void);
void damon_sysfs_refresh_unlock(void);

void damon_sysfs_release(struct kobject *kobj);
int damon_sysfs_add_dir(struct kobject *kobj, const struct kobj_type *ktype,
			struct kobject *parent, const char *name);
void damon_sysfs_put(struct kobject *kobj);

/*
 * The kobj_type of a node type: the shared release, the kobj_sysfs_ops and
 * the node's attribute groups (damon_sysfs_<node>_groups).  The release
 * frees the node through its kobject, which is only right if the kobject is
 * the node's first member.
 */
#define DAMON_SYSFS_KTYPE(_node)					\
	static_assert(offsetof(struct damon_sysfs_##_node, kobj) == 0);	\
	static const struct kobj_type damon_sysfs_##_node##_ktype = {	\
		.release = damon_sysfs_release,				\
		.sysfs_ops = &kobj_sysfs_ops,				\
		.default_groups = damon_sysfs_##_node##_groups,		\
	}

/* A kobj_type for a node without files of its own. */
#define DAMON_SYSFS_KTYPE_NOFILES(_node)				\
	static_assert(offsetof(struct damon_sysfs_##_node, kobj) == 0);	\
	static const struct kobj_type damon_sysfs_##_node##_ktype = {	\
		.release = damon_sysfs_release,				\
		.sysfs_ops = &kobj_sysfs_ops,				\
	}

/* --- scalar files ---------------------------------------------------------- */

/**
 * struct damon_sysfs_field - a file that shows and stores one node member
 * @kattr:	the attribute; its show/store are the handlers of the C type.
 * @off:	offset of the member from the node's kobject.
 * @keywords:	for enum files, the keyword of each value, indexed by value.
 * @nr_keywords: number of entries of @keywords.
 * @einval:	report every parse error as -EINVAL (the ABI of a few files).
 *
 * The handlers access the member with READ_ONCE()/WRITE_ONCE() and take no
 * lock: the kernfs active reference of the open file keeps the node alive,
 * and the build of a DAMON context reads each member once.
 */
struct damon_sysfs_field {
	struct kobj_attribute kattr;
	ptrdiff_t off;
	const char * const *keywords;
	unsigned int nr_keywords;
	bool einval;
};

ssize_t damon_sysfs_ul_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf);
ssize_t damon_sysfs_ul_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count);
ssize_t damon_sysfs_uint_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf);
ssize_t damon_sysfs_uint_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count);
ssize_t damon_sysfs_int_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf);
ssize_t damon_sysfs_int_store(struct kobject *kobj,
			      struct kobj_attribute *attr, const char *buf,
			      size_t count);
ssize_t damon_sysfs_bool_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf);
ssize_t damon_sysfs_bool_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count);
ssize_t damon_sysfs_enum_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf);
ssize_t damon_sysfs_enum_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count);

/*
 * The descriptor damon_sysfs_<node>_<file> of a file showing (and, with a
 * store handler, storing) member @_member of struct damon_sysfs_<node>,
 * which must be of type @_type.
 */
#define __DAMON_SYSFS_FIELD(_node, _file, _member, _type, _mode, _show,	\
			    _store, ...)				\
	static_assert(__same_type(((struct damon_sysfs_##_node *)0)->_member, \
				  _type));				\
	static struct damon_sysfs_field damon_sysfs_##_node##_##_file = { \
		.kattr = __ATTR(_file, _mode, _show, _store),		\
		.off = offsetof(struct damon_sysfs_##_node, _member) -	\
		       offsetof(struct damon_sysfs_##_node, kobj),	\
		__VA_ARGS__						\
	}

/* Read-write files, one line each; @_member must be of the named type. */
#define DAMON_SYSFS_UL_RW(_node, _file, _member)			\
	__DAMON_SYSFS_FIELD(_node, _file, _member, unsigned long, 0600,	\
			    damon_sysfs_ul_show, damon_sysfs_ul_store)
#define DAMON_SYSFS_UL_RW_EINVAL(_node, _file, _member)			\
	__DAMON_SYSFS_FIELD(_node, _file, _member, unsigned long, 0600,	\
			    damon_sysfs_ul_show, damon_sysfs_ul_store,	\
			    .einval = true)
#define DAMON_SYSFS_UINT_RW(_node, _file, _member)			\
	__DAMON_SYSFS_FIELD(_node, _file, _member, unsigned int, 0600,	\
			    damon_sysfs_uint_show, damon_sysfs_uint_store)
#define DAMON_SYSFS_INT_RW(_node, _file, _member)			\
	__DAMON_SYSFS_FIELD(_node, _file, _member, int, 0600,		\
			    damon_sysfs_int_show, damon_sysfs_int_store)
#define DAMON_SYSFS_INT_RW_EINVAL(_node, _file, _member)		\
	__DAMON_SYSFS_FIELD(_node, _file, _member, int, 0600,		\
			    damon_sysfs_int_show, damon_sysfs_int_store, \
			    .einval = true)
#define DAMON_SYSFS_BOOL_RW(_node, _file, _member)			\
	__DAMON_SYSFS_FIELD(_node, _file, _member, bool, 0600,		\
			    damon_sysfs_bool_show, damon_sysfs_bool_store)
/* @_member is an int holding an index of the keyword table @_keywords. */
#define DAMON_SYSFS_ENUM_RW(_node, _file, _member, _keywords)		\
	__DAMON_SYSFS_FIELD(_node, _file, _member, int, 0600,		\
			    damon_sysfs_enum_show, damon_sysfs_enum_store, \
			    .keywords = _keywords,			\
			    .nr_keywords = sizeof(_keywords) /		\
					   sizeof(_keywords[0]))

/* Read-only files: values the kernel reports. */
#define DAMON_SYSFS_UL_RO(_node, _file, _member)			\
	__DAMON_SYSFS_FIELD(_node, _file, _member, unsigned long, 0400,	\
			    damon_sysfs_ul_show, NULL)
#define DAMON_SYSFS_UINT_RO(_node, _file, _member)			\
	__DAMON_SYSFS_FIELD(_node, _file, _member, unsigned int, 0400,	\
			    damon_sysfs_uint_show, NULL)

/* The attribute of a field, for attribute arrays. */
#define DAMON_SYSFS_ATTR(_node, _file) (&damon_sysfs_##_node##_##_file.kattr.attr)

/* --- nr_* directory arrays ------------------------------------------------- */

struct damon_sysfs_array;

/*
 * The most items an nr_* file takes (nr_contexts: one), and so the most
 * targets, regions of a target, schemes, filters and goals that "on" and
 * "commit" are given.  Larger counts fail with -EINVAL before anything is
 * created.
 */
#define DAMON_SYSFS_MAX_NR	65536

/**
 * struct damon_sysfs_array_type - what differs between the nr_* levels
 * @ktype:	kobj_type of the directory; holds its nr_* (or other) files.
 * @size:	size of the directory node, which starts with the array.
 * @create_item: creates item @name with default values under @parent.
 * @destroy_item: destroys an item made by @create_item.
 * @max_nr:	the largest count a user may ask for.
 * @busy:	optional: when it says true, the items may not change.
 */
struct damon_sysfs_array_type {
	const struct kobj_type *ktype;
	size_t size;
	struct kobject *(*create_item)(struct kobject *parent,
				       const char *name);
	void (*destroy_item)(struct kobject *item);
	int max_nr;
	bool (*busy)(const struct damon_sysfs_array *arr);
};

/**
 * struct damon_sysfs_array - a directory of items named 0 to @nr - 1
 * @kobj:	the directory.
 * @type:	how to make its items.
 * @items:	the items' kobjects.
 * @nr:		the number of items.
 *
 * @items and @nr change only under &damon_sysfs_lock.
 */
struct damon_sysfs_array {
	struct kobject kobj;
	const struct damon_sysfs_array_type *type;
	struct kobject **items;
	int nr;
};

/*
 * The kobj_type of a directory array whose only file is its nr_* file
 * @_nrfile; the handlers are shared by every array.
 */
#define DAMON_SYSFS_ARRAY_KTYPE(_name, _nrfile)				\
	static struct kobj_attribute damon_sysfs_##_name##_nr_attr =	\
		__ATTR(_nrfile, 0600, damon_sysfs_nr_show,		\
		       damon_sysfs_nr_store);				\
	static struct attribute *damon_sysfs_##_name##_attrs[] = {	\
		&damon_sysfs_##_name##_nr_attr.attr,			\
		NULL,							\
	};								\
	ATTRIBUTE_GROUPS(damon_sysfs_##_name);				\
	static const struct kobj_type damon_sysfs_##_name##_ktype = {	\
		.release = damon_sysfs_release,				\
		.sysfs_ops = &kobj_sysfs_ops,				\
		.default_groups = damon_sysfs_##_name##_groups,		\
	}

ssize_t damon_sysfs_nr_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf);
ssize_t damon_sysfs_nr_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count);

struct damon_sysfs_array *
damon_sysfs_array_create(struct kobject *parent, const char *name,
			 const struct damon_sysfs_array_type *type);
void damon_sysfs_array_destroy(struct damon_sysfs_array *arr);
int damon_sysfs_array_resize(struct damon_sysfs_array *arr, int nr);
void damon_sysfs_array_clear(struct damon_sysfs_array *arr);

static inline struct damon_sysfs_array *
to_damon_sysfs_array(struct kobject *kobj)
{
	return container_of(kobj, struct damon_sysfs_array, kobj);
}

/* --- the ul_range node: a min and a max file ------------------------------- */

/**
 * struct damon_sysfs_ul_range - a directory with a "min" and a "max" file
 * @kobj:	the directory.
 * @min:	the lower bound.
 * @max:	the upper bound.
 */
struct damon_sysfs_ul_range {
	struct kobject kobj;
	unsigned long min;
	unsigned long max;
};

struct damon_sysfs_ul_range *
damon_sysfs_ul_range_create(struct kobject *parent, const char *name,
			    unsigned long min, unsigned long max);

/* --- the command protocol between state writers and kdamonds ------------ */

/*
 * What a &struct damon_sysfs_call's function is told about the callback that
 * runs it.
 *
 * AFTER_APPLY: the callback follows the apply step of the kdamond's loop
 * (after_sampling, after_wmarks_check), so every apply pass that was due
 * before it has run.  after_aggregation comes before the apply step.
 *
 * PARKED: after_wmarks_check: watermarks deactivate every scheme and the
 * kdamond sleeps between watermark checks; nothing is applied until a scheme
 * activates.
 *
 * STOP: the kdamond is stopping or the writer is gone: finish now, with an
 * error.
 */
#define DAMON_SYSFS_CALL_AFTER_APPLY	BIT(0)
#define DAMON_SYSFS_CALL_PARKED		BIT(1)
#define DAMON_SYSFS_CALL_STOP		BIT(2)

/**
 * struct damon_sysfs_call - a function a state writer has the kdamond run
 * @fn:		runs in the kdamond with @arg and DAMON_SYSFS_CALL_* flags.
 *		Its return becomes @err, except -EINPROGRESS: then @fn runs
 *		again at each later callback until it returns something else.
 *		With DAMON_SYSFS_CALL_STOP it must stop and return an error.
 * @arg:	the data of @fn, owned by the writer, both ways: inputs built
 *		by the writer and outputs filled by @fn.
 * @at_boundary: @fn changes the context, so it first runs where the 6.12
 *		loop allows that without disturbing a window: at the natural
 *		end of an aggregation window (after_aggregation), or at a
 *		watermarks check while every scheme is deactivated.  Otherwise
 *		it first runs at the next callback, normally after_sampling.
 * @taken:	the kdamond has unlinked the call from the posted ones; set
 *		under &damon_sysfs_mailbox.lock.
 * @stop:	set by a writer that was killed: @fn is asked to stop.
 * @err:	the result, which the writer's write() returns.
 * @done:	completed once @err is set, by the kdamond or by its exit.
 * @list:	in &damon_sysfs_mailbox.calls while posted, then in
 *		&damon_sysfs_mailbox.running while @fn is in progress.
 *
 * The protocol, whose point is that the kdamond never takes
 * &damon_sysfs_lock, never touches the tree, and never runs a command where
 * it would change what DAMON measures:
 *
 * 1. Under &damon_sysfs_lock the writer checks and builds @arg, so bad input
 *    fails in the writer.
 * 2. It posts the call to the kdamond's mailbox (failing if the kdamond has
 *    terminated) and drops &damon_sysfs_lock.  It does not wake the
 *    kdamond: a wake would end a sampling sleep early.
 * 3. It waits for @done, killably, in ticks.  At each tick, a kdamond that
 *    has not reached after_sampling for longer than its sampling interval
 *    is not sampling but sleeping for its watermarks, where no callback
 *    comes until the sleep ends: the writer wakes it.  The decision and the
 *    wake are made under the mailbox's lock, which after_sampling takes to
 *    say a sampling sleep begins, and the wake ends only the kdamond's
 *    idle sleeps, so it can neither shorten a sampling interval nor end a
 *    sleep inside an apply step.  The lock is free, so "off" can proceed,
 *    and the kdamond's exit completes every call with -ECANCELED.
 * 4. The kdamond runs @fn from its callbacks and completes @done.  The
 *    writer retakes the lock and copies outputs into the tree.
 *
 * The call lives on the writer's stack.  A writer killed while waiting
 * withdraws its call if the kdamond has not taken it yet; otherwise it sets
 * @stop and waits, still waking a sleeping kdamond, for its next callback.
 */
struct damon_sysfs_call {
	int (*fn)(struct damon_ctx *ctx, void *arg, unsigned int flags);
	void *arg;
	bool at_boundary;
	bool taken;
	bool stop;
	int err;
	struct completion done;
	struct list_head list;
};

/**
 * struct damon_sysfs_tuning - the intervals auto-tuning of a kdamond
 * @access_bp:	the goal, as intervals_goal/ was at the last on or commit:
 *		see &struct damon_sysfs_intervals_goal.
 * @aggrs:	likewise; 0 for no tuning.
 * @min_sample_us: likewise.
 * @max_sample_us: likewise.
 * @aggr_samples: the aggregation interval over the sampling interval, as
 *		last committed; tuning keeps it.
 * @next_tune_sis: the count of samples at which tuning is next due.
 *
 * Set before the kdamond starts, then only the kdamond touches it.
 */
struct damon_sysfs_tuning {
	unsigned long access_bp;
	unsigned long aggrs;
	unsigned long min_sample_us;
	unsigned long max_sample_us;
	unsigned long aggr_samples;
	unsigned long next_tune_sis;
};

/**
 * enum damon_sysfs_goal_metric - the metrics of a quota goal's target_metric
 * @DAMON_SYSFS_GOAL_USER_INPUT: what the user writes to current_value.
 * @DAMON_SYSFS_GOAL_SOME_MEM_PSI_US: memory pressure stall time.
 * @DAMON_SYSFS_GOAL_NODE_MEM_USED_BP: the memory of a node in use, in bp
 *	of the node's memory (mainline 6.16).
 * @DAMON_SYSFS_GOAL_NODE_MEM_FREE_BP: likewise, the free memory.
 * @NR_DAMON_SYSFS_GOAL_METRICS: the number of metrics.
 *
 * The first two are those of &enum damos_quota_goal_metric; the 6.12 core
 * measures neither node metric, which the interface measures for it.
 */
enum damon_sysfs_goal_metric {
	DAMON_SYSFS_GOAL_USER_INPUT,
	DAMON_SYSFS_GOAL_SOME_MEM_PSI_US,
	DAMON_SYSFS_GOAL_NODE_MEM_USED_BP,
	DAMON_SYSFS_GOAL_NODE_MEM_FREE_BP,
	NR_DAMON_SYSFS_GOAL_METRICS,
};

/**
 * struct damon_sysfs_node_goal - a quota goal on a node's memory
 * @scheme:	the index of its scheme in the context.
 * @goal:	its index in the goals of that scheme's quota.
 * @dir:	the index of its directory in the scheme's goals/.
 * @metric:	%DAMON_SYSFS_GOAL_NODE_MEM_USED_BP or _FREE_BP.
 * @nid:	the node.
 * @value:	in a snapshot, the value the kdamond last used.
 */
struct damon_sysfs_node_goal {
	int scheme;
	int goal;
	int dir;
	int metric;
	int nid;
	unsigned long value;
};

/**
 * struct damon_sysfs_node_goals - the quota goals on node memory of a context
 * @nr:		the goals in @goals, sorted by scheme, then goal.
 * @size:	the room in @goals.
 * @goals:	the goals.
 *
 * The 6.12 core holds each of these goals as a user_input goal, whose
 * current value the kdamond sets (see damon_sysfs_node_goals_set()).
 */
struct damon_sysfs_node_goals {
	int nr;
	int size;
	struct damon_sysfs_node_goal goals[] __counted_by(size);
};

/**
 * struct damon_sysfs_mailbox - where state writers post calls to a kdamond
 * @lock:	guards @calls, @terminated, @sampled_at, @sample_us,
 *		@ctx_sample_us and @ctx_aggr_us; taken by writers, the refresh
 *		and the kdamond.
 * @calls:	posted calls, oldest first.
 * @terminated:	no kdamond takes calls: none was started yet, or the last
 *		one has reached its before_terminate callback.  From then on
 *		the kdamond counts as stopped, though its thread may still be
 *		exiting (see damon_sysfs_reap()).
 * @sampled_at:	jiffies at the end of the kdamond's last after_sampling,
 *		right before its sampling sleep; written by the kdamond, read
 *		by writers.
 * @sample_us:	the sampling interval of that sleep: the one the loop
 *		really sleeps, as intervals change only at a window's end.
 * @ctx_sample_us: the context's sampling interval, as the last start,
 *		commit or tuning left it; what update_tuned_intervals reads.
 * @ctx_aggr_us: likewise, the aggregation interval.
 * @wmarks_wait: the kdamond is in its watermarks loop: it has slept for its
 *		watermarks at least once since it last sampled.  Set in
 *		after_wmarks_check, cleared in after_sampling; read by the
 *		refresh, which does not wait for such a kdamond.
 * @running:	calls in progress; only the kdamond touches it.
 * @tried:	the tried regions update in progress, for before_damos_apply;
 *		only the kdamond touches it.
 * @placeholder: a scheme that matches nothing, added by a commit that left
 *		a parked kdamond without schemes (see damon_sysfs_commit_fn());
 *		only the kdamond touches it.
 * @next_attrs:	monitoring attributes that a commit served while the kdamond
 *		slept for its watermarks left for the end of the window in
 *		progress; valid if @attrs_pending.  Only the kdamond touches
 *		them.
 * @attrs_pending: @next_attrs are to be set at the next window's end.
 * @tuning:	the intervals auto-tuning.
 * @node_goals:	the quota goals on node memory of the running context, or
 *		NULL; given at start, replaced by commits.  Only the kdamond
 *		touches it once it has started; it frees it at its end.
 * @state_kn:	the kernfs node of the directory's state file, whose
 *		writers break its active protection while they wait (see
 *		damon_sysfs_kdamond_call()), and whose pollers are notified
 *		when the kdamond starts or stops; referenced for the life of
 *		the directory.
 * @pid_kn:	the kernfs node of the pid file, notified likewise, and
 *		referenced likewise.
 *
 * The mailbox belongs to a kdamond directory and serves each context that
 * the directory starts; the kdamond finds it via &damon_callback.private.
 */
struct damon_sysfs_mailbox {
	spinlock_t lock;	/* see above */
	struct list_head calls;
	bool terminated;
	unsigned long sampled_at;
	unsigned long sample_us;
	unsigned long ctx_sample_us;
	unsigned long ctx_aggr_us;
	bool wmarks_wait;
	struct list_head running;
	void *tried;
	struct damos *placeholder;
	struct damon_attrs next_attrs;
	bool attrs_pending;
	struct damon_sysfs_tuning tuning;
	struct damon_sysfs_node_goals *node_goals;
	struct kernfs_node *state_kn;
	struct kernfs_node *pid_kn;
};

/* --- the schemes API, for sysfs.c ---------------------------------------- */

/**
 * struct damon_sysfs_cmd - a state command on the schemes of a kdamond
 * @at_boundary: see &damon_sysfs_call.at_boundary.
 * @prepare:	in the writer, under &damon_sysfs_lock: builds the call's
 *		argument from the schemes directory; returns it or ERR_PTR().
 * @fn:		in the kdamond: see &damon_sysfs_call.fn.
 * @finish:	in the writer, under &damon_sysfs_lock: copies outputs into
 *		the schemes directory (NULL if the context directory is gone)
 *		unless @err, frees the argument, and returns @err or the
 *		error of copying.
 */
struct damon_sysfs_cmd {
	bool at_boundary;
	void *(*prepare)(const struct damon_sysfs_array *schemes);
	int (*fn)(struct damon_ctx *ctx, void *arg, unsigned int flags);
	int (*finish)(struct damon_sysfs_array *schemes, void *arg, int err);
};

extern const struct damon_sysfs_cmd damon_sysfs_cmd_update_stats;
extern const struct damon_sysfs_cmd damon_sysfs_cmd_refresh;
extern const struct damon_sysfs_cmd damon_sysfs_cmd_update_effective_quotas;
extern const struct damon_sysfs_cmd damon_sysfs_cmd_commit_quota_goals;
extern const struct damon_sysfs_cmd damon_sysfs_cmd_update_tried_regions;
extern const struct damon_sysfs_cmd damon_sysfs_cmd_update_tried_bytes;

extern const struct damon_sysfs_array_type damon_sysfs_schemes_type;

int damon_sysfs_build_schemes(struct damon_ctx *ctx,
			      const struct damon_sysfs_array *schemes,
			      struct damon_sysfs_node_goals **node_goals);
void damon_sysfs_node_goals_set(struct damon_ctx *ctx,
				const struct damon_sysfs_node_goals *node_goals,
				unsigned long apply_sis);
void damon_sysfs_clear_tried_regions(struct damon_sysfs_array *schemes);
int damon_sysfs_commit_goal_values(struct damon_ctx *dst, struct damon_ctx *src);
void damon_sysfs_tried_rebase(struct damon_ctx *ctx);
int damon_sysfs_before_damos_apply(struct damon_ctx *ctx,
				   struct damon_target *t,
				   struct damon_region *r, struct damos *s);

#endif /* __DAMON_SYSFS_COMMON_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: kdamonds/<K>/contexts/<C>/schemes.
 *
 * The scheme directories are filled in by the next patch.  Until then a
 * scheme is an empty directory, a context with schemes cannot be built,
 * and the commands on schemes are not supported.
 */

#include <linux/slab.h>

#include "sysfs-common.h"

/*
 * kdamonds/<K>/contexts/<C>/schemes/<S> directory
 */

/**
 * struct damon_sysfs_scheme - a DAMON-based operation scheme
 * @kobj:	the directory.
 */
struct damon_sysfs_scheme {
	struct kobject kobj;
};

DAMON_SYSFS_KTYPE_NOFILES(scheme);

static struct kobject *damon_sysfs_scheme_create(struct kobject *parent,
						 const char *name)
{
	struct damon_sysfs_scheme *scheme;
	int err;

	scheme = kzalloc(sizeof(*scheme), GFP_KERNEL);
	if (!scheme)
		return ERR_PTR(-ENOMEM);
	err = damon_sysfs_add_dir(&scheme->kobj, &damon_sysfs_scheme_ktype,
				  parent, name);
	return err ? ERR_PTR(err) : &scheme->kobj;
}

/*
 * kdamonds/<K>/contexts/<C>/schemes directory
 */

DAMON_SYSFS_ARRAY_KTYPE(schemes, nr_schemes);

const struct damon_sysfs_array_type damon_sysfs_schemes_type = {
	.ktype = &damon_sysfs_schemes_ktype,
	.create_item = damon_sysfs_scheme_create,
	.destroy_item = damon_sysfs_put,
	.max_nr = INT_MAX,
};

/**
 * damon_sysfs_build_schemes() - add the schemes of a schemes directory
 * @ctx:	the context being built.
 * @schemes:	the schemes directory.
 *
 * Context: damon_sysfs_lock held.
 * Return: 0, or -EOPNOTSUPP if there are schemes.
 */
int damon_sysfs_build_schemes(struct damon_ctx *ctx,
			      const struct damon_sysfs_array *schemes)
{
	lockdep_assert_held(&damon_sysfs_lock);
	return schemes->nr ? -EOPNOTSUPP : 0;
}

/**
 * damon_sysfs_clear_tried_regions() - remove every tried region directory
 * @arr:	the schemes directory.
 */
void damon_sysfs_clear_tried_regions(struct damon_sysfs_array *arr)
{
}

/**
 * damon_sysfs_before_damos_apply() - record a region a scheme is tried on
 * @ctx:	the running context.
 * @t:		the region's target.
 * @r:		the region.
 * @s:		the scheme.
 *
 * Return: 0.
 */
int damon_sysfs_before_damos_apply(struct damon_ctx *ctx,
				   struct damon_target *t,
				   struct damon_region *r, struct damos *s)
{
	return 0;
}

/**
 * damon_sysfs_commit_goal_values() - copy goal values after a commit
 * @dst:	the running context.
 * @src:	the context built from the tree.
 *
 * Return: 0.
 */
int damon_sysfs_commit_goal_values(struct damon_ctx *dst, struct damon_ctx *src)
{
	return 0;
}

/**
 * damon_sysfs_tried_rebase() - follow a commit with the tried regions update
 * @ctx:	the running context.
 *
 * No scheme, no update: nothing to follow.
 */
void damon_sysfs_tried_rebase(struct damon_ctx *ctx)
{
}

static void *damon_sysfs_unsupported(const struct damon_sysfs_array *schemes)
{
	return ERR_PTR(-EOPNOTSUPP);
}

const struct damon_sysfs_cmd damon_sysfs_cmd_update_stats = {
	.prepare = damon_sysfs_unsupported,
};

const struct damon_sysfs_cmd damon_sysfs_cmd_update_effective_quotas = {
	.prepare = damon_sysfs_unsupported,
};

const struct damon_sysfs_cmd damon_sysfs_cmd_commit_quota_goals = {
	.prepare = damon_sysfs_unsupported,
};

const struct damon_sysfs_cmd damon_sysfs_cmd_update_tried_regions = {
	.prepare = damon_sysfs_unsupported,
};

const struct damon_sysfs_cmd damon_sysfs_cmd_update_tried_bytes = {
	.prepare = damon_sysfs_unsupported,
};

const struct damon_sysfs_cmd damon_sysfs_cmd_refresh = {
	.prepare = damon_sysfs_unsupported,
};

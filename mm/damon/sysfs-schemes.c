// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: kdamonds/<K>/contexts/<C>/schemes.
 *
 * Same layers as sysfs.c: plumbing, then build (tree -> &struct damos).
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

/*
 * build: tree -> schemes of a DAMON context
 */

/**
 * damon_sysfs_build_schemes() - add the schemes of a schemes directory
 * @ctx:	the context being built.
 * @schemes:	the schemes directory.
 *
 * Context: damon_sysfs_lock held.
 * Return: 0 or a negative error code.
 */
int damon_sysfs_build_schemes(struct damon_ctx *ctx,
			      const struct damon_sysfs_array *schemes)
{
	lockdep_assert_held(&damon_sysfs_lock);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * DAMON sysfs interface: the lock, the shared file handlers, the nr_*
 * directory arrays and the min/max range node.
 */

#include <linux/atomic.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/wait.h>

#include "sysfs-common.h"

/*
 * Guards the shape of the tree (every nr_* array), each kdamond's context
 * pointer and its on/off transitions, and the posting of commands.  User
 * entry points only ever trylock it: a handler that blocked on it could
 * deadlock against a holder that is removing a directory, because
 * kernfs_remove() waits for the handlers running on the removed files.
 */
DEFINE_MUTEX(damon_sysfs_lock);

/*
 * The refresh of refresh_ms is a writer of the interface's own: it must
 * never be why a user's write fails with -EBUSY.  It counts itself here
 * from before it trylocks the lock until after it unlocks it, and users
 * who find the lock taken wait while it is counted.  It holds the lock only
 * to build a snapshot request and to copy values into the tree: it never
 * removes a directory, so waiting for it cannot deadlock as above.
 */
static atomic_t damon_sysfs_nr_refreshing = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(damon_sysfs_refresh_wait);

/**
 * damon_sysfs_trylock() - take &damon_sysfs_lock for a user's read or write
 *
 * As in 6.12, a lock held by another user fails the call; a lock held by
 * the refresh is waited for, killably.
 *
 * Return: 0 with the lock held; -EBUSY; or -EINTR if the task was killed.
 */
int damon_sysfs_trylock(void)
{
	for (;;) {
		if (mutex_trylock(&damon_sysfs_lock))
			return 0;
		/* pairs with the barrier in damon_sysfs_refresh_trylock() */
		smp_rmb();
		if (!atomic_read(&damon_sysfs_nr_refreshing))
			return -EBUSY;
		if (wait_event_killable(damon_sysfs_refresh_wait,
					!atomic_read(&damon_sysfs_nr_refreshing)))
			return -EINTR;
	}
}

static void damon_sysfs_refresh_uncount(void)
{
	if (atomic_dec_and_test(&damon_sysfs_nr_refreshing))
		wake_up_all(&damon_sysfs_refresh_wait);
}

/**
 * damon_sysfs_refresh_trylock() - take &damon_sysfs_lock for the refresh
 *
 * Return: whether the lock is held; if not, the refresh skips its round.
 */
bool damon_sysfs_refresh_trylock(void)
{
	atomic_inc(&damon_sysfs_nr_refreshing);
	/* a user who fails to trylock because of us must see the count */
	smp_mb__after_atomic();
	if (mutex_trylock(&damon_sysfs_lock))
		return true;
	damon_sysfs_refresh_uncount();
	return false;
}

/**
 * damon_sysfs_refresh_unlock() - release what damon_sysfs_refresh_trylock()
 *				  took
 */
void damon_sysfs_refresh_unlock(void)
{
	mutex_unlock(&damon_sysfs_lock);
	damon_sysfs_refresh_uncount();
}

/**
 * damon_sysfs_release() - the release of every node of the tree
 * @kobj:	the node's kobject, which is the node's first member.
 *
 * Context: called by the kobject core once the last reference is gone.
 */
void damon_sysfs_release(struct kobject *kobj)
{
	kfree(kobj);
}

/**
 * damon_sysfs_add_dir() - initialize a node's kobject and add its directory
 * @kobj:	the kobject of a node allocated with kzalloc().
 * @ktype:	the node's kobj_type; its release frees the node.
 * @parent:	the parent directory.
 * @name:	the directory name.
 *
 * On failure the node is freed: kobject_init_and_add() requires a
 * kobject_put() even when it fails.
 *
 * Return: 0 or a negative error code.
 */
int damon_sysfs_add_dir(struct kobject *kobj, const struct kobj_type *ktype,
			struct kobject *parent, const char *name)
{
	int err = kobject_init_and_add(kobj, ktype, parent, "%s", name);

	if (err)
		kobject_put(kobj);
	return err;
}

/**
 * damon_sysfs_put() - remove a node's directory and drop its reference
 * @kobj:	the node's kobject, or NULL.
 *
 * The directory goes away at once, even when the release is delayed (as
 * with CONFIG_DEBUG_KOBJECT_RELEASE), so a new node of the same name can be
 * added right after.  Children must have been put first: they pin their
 * parent.
 */
void damon_sysfs_put(struct kobject *kobj)
{
	if (!kobj)
		return;
	kobject_del(kobj);
	kobject_put(kobj);
}

/* --- scalar files ---------------------------------------------------------- */

static struct damon_sysfs_field *to_field(struct kobj_attribute *attr)
{
	return container_of(attr, struct damon_sysfs_field, kattr);
}

static void *field_ptr(struct kobject *kobj, struct kobj_attribute *attr)
{
	return (char *)kobj + to_field(attr)->off;
}

static int field_parse_err(struct kobj_attribute *attr, int err)
{
	return to_field(attr)->einval ? -EINVAL : err;
}

/**
 * damon_sysfs_ul_show() - show an unsigned long field
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	the output page.
 *
 * Return: the number of bytes written.
 */
ssize_t damon_sysfs_ul_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%lu\n",
			  READ_ONCE(*(unsigned long *)field_ptr(kobj, attr)));
}

/**
 * damon_sysfs_ul_store() - store an unsigned long field
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	the input, in base 0 (decimal, 0x hex or 0 octal).
 * @count:	the length of @buf.
 *
 * Return: @count, or the error of kstrtoul() (-EINVAL if the field says).
 */
ssize_t damon_sysfs_ul_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	unsigned long val;
	int err = kstrtoul(buf, 0, &val);

	if (err)
		return field_parse_err(attr, err);
	WRITE_ONCE(*(unsigned long *)field_ptr(kobj, attr), val);
	return count;
}

/**
 * damon_sysfs_uint_show() - show an unsigned int field
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	the output page.
 *
 * Return: the number of bytes written.
 */
ssize_t damon_sysfs_uint_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(*(unsigned int *)field_ptr(kobj, attr)));
}

/**
 * damon_sysfs_uint_store() - store an unsigned int field
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	the input, in base 0.
 * @count:	the length of @buf.
 *
 * Return: @count, or the error of kstrtouint().
 */
ssize_t damon_sysfs_uint_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	unsigned int val;
	int err = kstrtouint(buf, 0, &val);

	if (err)
		return field_parse_err(attr, err);
	WRITE_ONCE(*(unsigned int *)field_ptr(kobj, attr), val);
	return count;
}

/**
 * damon_sysfs_int_show() - show an int field
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	the output page.
 *
 * Return: the number of bytes written.
 */
ssize_t damon_sysfs_int_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(*(int *)field_ptr(kobj, attr)));
}

/**
 * damon_sysfs_int_store() - store an int field
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	the input, in base 0.
 * @count:	the length of @buf.
 *
 * Return: @count, or the error of kstrtoint() (-EINVAL if the field says).
 */
ssize_t damon_sysfs_int_store(struct kobject *kobj,
			      struct kobj_attribute *attr, const char *buf,
			      size_t count)
{
	int val;
	int err = kstrtoint(buf, 0, &val);

	if (err)
		return field_parse_err(attr, err);
	WRITE_ONCE(*(int *)field_ptr(kobj, attr), val);
	return count;
}

/**
 * damon_sysfs_bool_show() - show a bool field as Y or N
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	the output page.
 *
 * Return: the number of bytes written.
 */
ssize_t damon_sysfs_bool_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%c\n",
			  READ_ONCE(*(bool *)field_ptr(kobj, attr)) ? 'Y' : 'N');
}

/**
 * damon_sysfs_bool_store() - store a bool field
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	the input, anything kstrtobool() takes.
 * @count:	the length of @buf.
 *
 * Return: @count, or the error of kstrtobool().
 */
ssize_t damon_sysfs_bool_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	bool val;
	int err = kstrtobool(buf, &val);

	if (err)
		return field_parse_err(attr, err);
	WRITE_ONCE(*(bool *)field_ptr(kobj, attr), val);
	return count;
}

/**
 * damon_sysfs_enum_show() - show the keyword of an enum field
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	the output page.
 *
 * Return: the number of bytes written.
 */
ssize_t damon_sysfs_enum_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	const struct damon_sysfs_field *field = to_field(attr);
	int val = READ_ONCE(*(int *)field_ptr(kobj, attr));

	return sysfs_emit(buf, "%s\n", field->keywords[val]);
}

/**
 * damon_sysfs_enum_store() - store an enum field given its keyword
 * @kobj:	the node.
 * @attr:	the field's attribute.
 * @buf:	a keyword, with or without a trailing newline.
 * @count:	the length of @buf.
 *
 * Return: @count, or -EINVAL if @buf is no keyword of the field.
 */
ssize_t damon_sysfs_enum_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	const struct damon_sysfs_field *field = to_field(attr);
	int val = __sysfs_match_string(field->keywords, field->nr_keywords, buf);

	if (val < 0)
		return val;
	WRITE_ONCE(*(int *)field_ptr(kobj, attr), val);
	return count;
}

/* --- nr_* directory arrays ------------------------------------------------- */

/**
 * damon_sysfs_array_clear() - destroy every item of an array
 * @arr:	the array.
 *
 * Idempotent: the rollback of a failed resize.
 *
 * Context: damon_sysfs_lock held, or @arr not yet visible to users.
 */
void damon_sysfs_array_clear(struct damon_sysfs_array *arr)
{
	int i;

	for (i = 0; i < arr->nr; i++) {
		arr->type->destroy_item(arr->items[i]);
		cond_resched();
	}
	kvfree(arr->items);
	arr->items = NULL;
	arr->nr = 0;
}

/**
 * damon_sysfs_array_resize() - replace the items of an array
 * @arr:	the array.
 * @nr:		the number of items to create.
 *
 * Destroys every item, then creates @nr items with default values: values
 * are reset even when @nr is the current count.  On failure the array is
 * left empty.
 *
 * Context: damon_sysfs_lock held.
 * Return: 0, -EBUSY if the array's type vetoes the change, -ENOMEM, -EINTR
 * if the writer was killed meanwhile, or the error of creating an item.
 */
int damon_sysfs_array_resize(struct damon_sysfs_array *arr, int nr)
{
	char name[12];
	int i;

	lockdep_assert_held(&damon_sysfs_lock);
	if (arr->type->busy && arr->type->busy(arr))
		return -EBUSY;
	damon_sysfs_array_clear(arr);
	if (!nr)
		return 0;
	arr->items = kvcalloc(nr, sizeof(*arr->items), GFP_KERNEL | __GFP_NOWARN);
	if (!arr->items)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct kobject *item;

		/* tens of thousands of directories take a while: killable */
		if (fatal_signal_pending(current)) {
			damon_sysfs_array_clear(arr);
			return -EINTR;
		}
		snprintf(name, sizeof(name), "%d", i);
		item = arr->type->create_item(&arr->kobj, name);
		if (IS_ERR(item)) {
			damon_sysfs_array_clear(arr);
			return PTR_ERR(item);
		}
		arr->items[arr->nr++] = item;
		cond_resched();
	}
	return 0;
}

/**
 * damon_sysfs_array_create() - create an empty array directory
 * @parent:	the parent directory.
 * @name:	the directory name.
 * @type:	the array type.
 *
 * Return: the array, or an ERR_PTR().
 */
struct damon_sysfs_array *
damon_sysfs_array_create(struct kobject *parent, const char *name,
			 const struct damon_sysfs_array_type *type)
{
	struct damon_sysfs_array *arr;
	int err;

	arr = kzalloc(type->size ?: sizeof(*arr), GFP_KERNEL);
	if (!arr)
		return ERR_PTR(-ENOMEM);
	arr->type = type;
	err = damon_sysfs_add_dir(&arr->kobj, type->ktype, parent, name);
	if (err)
		return ERR_PTR(err);
	return arr;
}

/**
 * damon_sysfs_array_destroy() - destroy an array directory and its items
 * @arr:	the array, or NULL.
 */
void damon_sysfs_array_destroy(struct damon_sysfs_array *arr)
{
	if (!arr)
		return;
	damon_sysfs_array_clear(arr);
	damon_sysfs_put(&arr->kobj);
}

/**
 * damon_sysfs_nr_show() - show the item count of an array: its nr_* file
 * @kobj:	the array directory.
 * @attr:	the nr_* attribute.
 * @buf:	the output page.
 *
 * Return: the number of bytes written.
 */
ssize_t damon_sysfs_nr_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_damon_sysfs_array(kobj)->nr));
}

/**
 * damon_sysfs_nr_store() - recreate the items of an array: its nr_* file
 * @kobj:	the array directory.
 * @attr:	the nr_* attribute.
 * @buf:	the new count, in base 0.
 * @count:	the length of @buf.
 *
 * Return: @count; the error of kstrtoint(); -EINVAL for a count below 0 or
 * above the type's maximum; -EBUSY if the lock is contended or the type
 * vetoes; or the error of damon_sysfs_array_resize().
 */
ssize_t damon_sysfs_nr_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	struct damon_sysfs_array *arr = to_damon_sysfs_array(kobj);
	int nr, err;

	err = kstrtoint(buf, 0, &nr);
	if (err)
		return err;
	if (nr < 0 || nr > arr->type->max_nr)
		return -EINVAL;
	err = damon_sysfs_trylock();
	if (err)
		return err;
	err = damon_sysfs_array_resize(arr, nr);
	mutex_unlock(&damon_sysfs_lock);
	return err ? err : count;
}

/* --- the min/max range node ------------------------------------------------ */

DAMON_SYSFS_UL_RW(ul_range, min, min);
DAMON_SYSFS_UL_RW(ul_range, max, max);

static struct attribute *damon_sysfs_ul_range_attrs[] = {
	DAMON_SYSFS_ATTR(ul_range, min),
	DAMON_SYSFS_ATTR(ul_range, max),
	NULL,
};
ATTRIBUTE_GROUPS(damon_sysfs_ul_range);
DAMON_SYSFS_KTYPE(ul_range);

/**
 * damon_sysfs_ul_range_create() - create a min/max directory
 * @parent:	the parent directory.
 * @name:	the directory name.
 * @min:	the initial min.
 * @max:	the initial max.
 *
 * The caller destroys it with damon_sysfs_put().
 *
 * Return: the node, or an ERR_PTR().
 */
struct damon_sysfs_ul_range *
damon_sysfs_ul_range_create(struct kobject *parent, const char *name,
			    unsigned long min, unsigned long max)
{
	struct damon_sysfs_ul_range *range;
	int err;

	range = kzalloc(sizeof(*range), GFP_KERNEL);
	if (!range)
		return ERR_PTR(-ENOMEM);
	range->min = min;
	range->max = max;
	err = damon_sysfs_add_dir(&range->kobj, &damon_sysfs_ul_range_ktype,
				  parent, name);
	return err ? ERR_PTR(err) : range;
}

#include "tests/sysfs-common-kunit.h"

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of what the DAMON sysfs interface's files share: the file
 * handlers of each value kind and the lock.
 */

#ifdef CONFIG_DAMON_SYSFS_KUNIT_TEST

#ifndef _DAMON_SYSFS_COMMON_TEST_H
#define _DAMON_SYSFS_COMMON_TEST_H

#include <kunit/test.h>
#include <linux/kthread.h>

/* --- the shared handlers, on a node with one field of each kind ---------- */

struct damon_sysfs_test_node {
	struct kobject kobj;
	unsigned long ul;
	unsigned int uint;
	int sint;
	bool flag;
	int kw;
};

static const char * const damon_sysfs_test_keywords[] = { "alpha", "beta" };

DAMON_SYSFS_UL_RW(test_node, ul, ul);
DAMON_SYSFS_UL_RW_EINVAL(test_node, ul_einval, ul);
DAMON_SYSFS_UINT_RW(test_node, uint, uint);
DAMON_SYSFS_INT_RW(test_node, sint, sint);
DAMON_SYSFS_INT_RW_EINVAL(test_node, sint_einval, sint);
DAMON_SYSFS_BOOL_RW(test_node, flag, flag);
DAMON_SYSFS_ENUM_RW(test_node, kw, kw, damon_sysfs_test_keywords);

struct damon_sysfs_field_case {
	const char *desc;
	struct damon_sysfs_field *field;
	const char *input;
	int err;		/* 0: the store succeeds */
	const char *shown;	/* what show prints afterwards */
};

#define FIELD_OK(_f, _in, _out)						\
	{ .desc = #_f " " #_in, .field = &damon_sysfs_test_node_##_f,	\
	  .input = _in, .shown = _out }
#define FIELD_ERR(_f, _in, _err)					\
	{ .desc = #_f " " #_in " " #_err,				\
	  .field = &damon_sysfs_test_node_##_f, .input = _in, .err = _err }

static const struct damon_sysfs_field_case damon_sysfs_field_cases[] = {
	FIELD_OK(ul, "42", "42\n"),
	FIELD_OK(ul, "42\n", "42\n"),
	FIELD_OK(ul, "0x10", "16\n"),
	FIELD_OK(ul, "010", "8\n"),
	FIELD_OK(ul, "18446744073709551615", "18446744073709551615\n"),
	FIELD_ERR(ul, "18446744073709551616", -ERANGE),
	FIELD_ERR(ul, "-1", -EINVAL),
	FIELD_ERR(ul, "abc", -EINVAL),
	FIELD_ERR(ul, "1 2", -EINVAL),
	FIELD_ERR(ul, "", -EINVAL),
	FIELD_ERR(ul_einval, "18446744073709551616", -EINVAL),
	FIELD_ERR(ul_einval, "x", -EINVAL),
	FIELD_OK(uint, "4294967295", "4294967295\n"),
	FIELD_ERR(uint, "4294967296", -ERANGE),
	FIELD_ERR(uint, "-1", -EINVAL),
	FIELD_OK(sint, "-1", "-1\n"),
	FIELD_OK(sint, "0x7fffffff", "2147483647\n"),
	FIELD_ERR(sint, "2147483648", -ERANGE),
	FIELD_ERR(sint, "1.5", -EINVAL),
	FIELD_ERR(sint_einval, "2147483648", -EINVAL),
	FIELD_OK(flag, "Y", "Y\n"),
	FIELD_OK(flag, "1", "Y\n"),
	FIELD_OK(flag, "on", "Y\n"),
	FIELD_OK(flag, "n", "N\n"),
	FIELD_OK(flag, "off\n", "N\n"),
	FIELD_ERR(flag, "maybe", -EINVAL),
	FIELD_OK(kw, "beta", "beta\n"),
	FIELD_OK(kw, "alpha\n", "alpha\n"),
	FIELD_ERR(kw, "gamma", -EINVAL),
	FIELD_ERR(kw, "alph", -EINVAL),
	FIELD_ERR(kw, "", -EINVAL),
};

/* KTAP is line based: show newlines in inputs as \n */
static void damon_sysfs_field_case_desc(const struct damon_sysfs_field_case *c,
					char *desc)
{
	const char *s;
	int len = 0;

	for (s = c->desc; *s && len < KUNIT_PARAM_DESC_SIZE - 3; s++) {
		if (*s == '\n') {
			desc[len++] = '\\';
			desc[len++] = 'n';
		} else {
			desc[len++] = *s;
		}
	}
	desc[len] = '\0';
}

KUNIT_ARRAY_PARAM(damon_sysfs_field, damon_sysfs_field_cases,
		  damon_sysfs_field_case_desc);

static void damon_sysfs_test_field(struct kunit *test)
{
	const struct damon_sysfs_field_case *c = test->param_value;
	struct kobj_attribute *kattr = &c->field->kattr;
	struct damon_sysfs_test_node *node;
	char *buf;
	ssize_t ret;

	node = kunit_kzalloc(test, sizeof(*node), GFP_KERNEL);
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, node);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* a failed store leaves the value as it was */
	node->ul = 7;
	node->uint = 7;
	node->sint = 7;
	node->kw = 0;

	ret = kattr->store(&node->kobj, kattr, c->input, strlen(c->input));
	if (c->err) {
		KUNIT_EXPECT_EQ(test, ret, (ssize_t)c->err);
		KUNIT_EXPECT_EQ(test, node->ul, 7UL);
		KUNIT_EXPECT_EQ(test, node->uint, 7U);
		KUNIT_EXPECT_EQ(test, node->sint, 7);
		KUNIT_EXPECT_EQ(test, node->kw, 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, ret, (ssize_t)strlen(c->input));
	ret = kattr->show(&node->kobj, kattr, buf);
	KUNIT_EXPECT_EQ(test, ret, (ssize_t)strlen(c->shown));
	KUNIT_EXPECT_STREQ(test, buf, c->shown);
}

/* --- the lock: users wait for the refresh, not for each other ------------- */

struct damon_sysfs_test_locker {
	struct completion done;
	int err;
};

static int damon_sysfs_test_lock_as_user(void *data)
{
	struct damon_sysfs_test_locker *locker = data;

	locker->err = damon_sysfs_trylock();
	if (!locker->err)
		mutex_unlock(&damon_sysfs_lock);
	complete(&locker->done);
	return 0;
}

/* A thread that takes the lock as users do; finish it with _user_err(). */
static struct damon_sysfs_test_locker *
damon_sysfs_test_user_start(struct kunit *test)
{
	struct damon_sysfs_test_locker *locker;
	struct task_struct *task;

	locker = kunit_kzalloc(test, sizeof(*locker), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, locker);
	init_completion(&locker->done);
	task = kthread_run(damon_sysfs_test_lock_as_user, locker,
			   "damon_sysfs_test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	return locker;
}

static bool damon_sysfs_test_user_done(struct damon_sysfs_test_locker *locker,
				       unsigned long timeout)
{
	if (!wait_for_completion_timeout(&locker->done, timeout))
		return false;
	/* the wait consumed it; damon_sysfs_test_user_err() waits again */
	complete(&locker->done);
	return true;
}

static int damon_sysfs_test_user_err(struct damon_sysfs_test_locker *locker)
{
	wait_for_completion(&locker->done);
	return locker->err;
}

/* A user who meets the refresh waits for it; one who meets a user fails. */
static void damon_sysfs_test_trylock(struct kunit *test)
{
	struct damon_sysfs_test_locker *locker;

	/* the refresh must never fail a user: it waits */
	KUNIT_ASSERT_TRUE(test, damon_sysfs_refresh_trylock());
	locker = damon_sysfs_test_user_start(test);
	KUNIT_EXPECT_FALSE(test, damon_sysfs_test_user_done(locker, HZ / 10));
	damon_sysfs_refresh_unlock();
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_user_err(locker), 0);

	/* as in 6.12, users do not wait for each other */
	mutex_lock(&damon_sysfs_lock);
	locker = damon_sysfs_test_user_start(test);
	KUNIT_EXPECT_TRUE(test, damon_sysfs_test_user_done(locker, 10 * HZ));
	/* the refresh skips its round rather than wait for a user */
	KUNIT_EXPECT_FALSE(test, damon_sysfs_refresh_trylock());
	mutex_unlock(&damon_sysfs_lock);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_user_err(locker), -EBUSY);

	locker = damon_sysfs_test_user_start(test);
	KUNIT_EXPECT_EQ(test, damon_sysfs_test_user_err(locker), 0);
}

static struct kunit_case damon_sysfs_common_test_cases[] = {
	KUNIT_CASE_PARAM(damon_sysfs_test_field, damon_sysfs_field_gen_params),
	KUNIT_CASE(damon_sysfs_test_trylock),
	{},
};

static struct kunit_suite damon_sysfs_common_test_suite = {
	.name = "damon-sysfs-common",
	.test_cases = damon_sysfs_common_test_cases,
};

kunit_test_suite(damon_sysfs_common_test_suite);

#endif /* _DAMON_SYSFS_COMMON_TEST_H */

#endif /* CONFIG_DAMON_SYSFS_KUNIT_TEST */

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Quota goals on a node's memory, upstream since 6.16, added to 6.12: the
target_metric keywords node_mem_used_bp and node_mem_free_bp, and the nid
file of each goal.

The 6.12 core measures neither metric: the interface measures the node and
gives the core the value before each quota adjustment.  So here, on real
processes: the effective quota grows while the node's memory is on the
goal's side of the target and shrinks when a workload's use of node 0
crosses it; current_value reads what was measured, which agrees with the
node's own meminfo; goals on a node that has no memory are refused.  The
files' modes and defaults are sysfs_tree.py's, the table's arithmetic and
bookkeeping kunit's (damon_sysfs_test_node_goals_*, damon_sysfs_test_mem_bp).
"""

import errno

from _damon_test import (KDAMONDS, Failure, Workload, ctx, eq, fails, kd,
                         main, ok, reads, stat_kdamond, test, true, value,
                         wait_for)

NODE0 = '/sys/devices/system/node/node0/meminfo'
# the charge window: each one ends with a quota adjustment
RESET_MS = 200
# a quota that has grown: 1 MiB, some 25 windows from its floor of 1 byte
GROWN = 1 << 20


def goal(g=0, s=0):
    return '%s/schemes/%d/quotas/goals/%d' % (ctx(), s, g)


def node0_bp():
    """(used, free) memory of node 0 in bp of its memory, from meminfo."""
    info = {}
    with open(NODE0) as f:
        for line in f:
            fields = line.split()
            info[fields[2].rstrip(':')] = int(fields[3])
    total = info['MemTotal']
    return ((total - info['MemFree']) * 10000 // total,
            info['MemFree'] * 10000 // total)


def node0_free_mib():
    with open(NODE0) as f:
        for line in f:
            if 'MemFree:' in line:
                return int(line.split()[3]) // 1024
    raise AssertionError('no MemFree in ' + NODE0)


def node_without_memory():
    """A node number that no node with memory has."""
    with open('/sys/devices/system/node/has_memory') as f:
        text = f.read().strip()
    last = 0
    for part in text.split(','):
        last = max(last, int(part.split('-')[-1]))
    return last + 1


def set_goal(metric, target_value, nid='0', g=0):
    ok(goal(g) + '/target_metric', metric)
    ok(goal(g) + '/target_value', str(target_value))
    ok(goal(g) + '/nid', nid)


def goal_kdamond(w, metric, target_value):
    """A stat scheme on w with one goal, adjusted every RESET_MS."""
    stat_kdamond(w, 5000, 100000)
    quotas = '%s/schemes/0/quotas' % ctx()
    ok(quotas + '/reset_interval_ms', str(RESET_MS))
    ok(quotas + '/goals/nr_goals', '1')
    set_goal(metric, target_value)


def quota():
    """(effective_bytes, current_value of goal 0), from one update."""
    ok(kd() + '/state', 'update_schemes_effective_quotas')
    return (int(value('%s/schemes/0/quotas/effective_bytes' % ctx())),
            int(value(goal() + '/current_value')))


def check_current(current, what, cond):
    """current_value agrees with node 0's meminfo, and cond holds."""
    meminfo_used = node0_bp()[0]
    print('# current_value %d (%s), meminfo %d bp' % (current, what,
                                                      meminfo_used))
    true(cond(current), 'current_value %d %s' % (current, what))
    true(abs(current - meminfo_used) <= 500,
         'current_value %d near meminfo %d' % (current, meminfo_used))


def wait_quota(cond, what, timeout=600):
    """Until cond(effective_bytes, current_value); returns them."""
    seen = {}

    def check():
        seen['q'] = quota()
        return cond(*seen['q'])
    try:
        wait_for(check, what, timeout=timeout, interval=0.1)
    except Failure as e:
        raise Failure('%s; last (effective_bytes, current_value): %s, '
                      'meminfo (used, free) bp: %s'
                      % (e, seen['q'], node0_bp())) from e
    return seen['q']


@test
def metrics_and_nid_files():
    """target_metric takes the two node metrics; nid takes any int and
    refuses what is no int; both read back what was written."""
    ok(KDAMONDS + '/nr_kdamonds', '1')
    ok(kd() + '/contexts/nr_contexts', '1')
    ok(ctx() + '/schemes/nr_schemes', '1')
    ok(ctx() + '/schemes/0/quotas/goals/nr_goals', '1')
    reads(goal() + '/nid', '0')
    for metric in ('node_mem_used_bp', 'node_mem_free_bp', 'user_input'):
        ok(goal() + '/target_metric', metric + '\n')
        reads(goal() + '/target_metric', metric)
    fails(goal() + '/target_metric', 'node_mem_bp', errno.EINVAL)
    for nid in ('-1', '3', '2147483647'):
        ok(goal() + '/nid', nid)
        reads(goal() + '/nid', nid)
    fails(goal() + '/nid', 'zero', errno.EINVAL)
    fails(goal() + '/nid', '2147483648', errno.ERANGE)
    reads(goal() + '/nid', '2147483647')


@test(timeout=600)
def goals_on_nodes_without_memory_refused():
    """on, commit and commit_schemes_quota_goals refuse a node goal whose
    nid is negative or names no node with memory (EINVAL), and a running
    kdamond goes on untouched; a user_input goal ignores nid."""
    bad = ('-1', str(node_without_memory()))
    with Workload() as w:
        goal_kdamond(w, 'node_mem_used_bp', 5000)
        for nid in bad:
            ok(goal() + '/nid', nid)
            fails(kd() + '/state', 'on', errno.EINVAL)
            reads(kd() + '/state', 'off')
        ok(goal() + '/target_metric', 'user_input')
        ok(kd() + '/state', 'on')
        pid = value(kd() + '/pid')
        ok(goal() + '/target_metric', 'node_mem_free_bp')
        for nid in bad:
            ok(goal() + '/nid', nid)
            fails(kd() + '/state', 'commit', errno.EINVAL)
            fails(kd() + '/state', 'commit_schemes_quota_goals',
                  errno.EINVAL)
            reads(kd() + '/state', 'on')
            eq(value(kd() + '/pid'), pid, 'kdamond pid')
        ok(goal() + '/nid', '0')
        ok(kd() + '/state', 'commit')
        ok(kd() + '/state', 'off')


@test(timeout=1200)
def quota_follows_node0_use():
    """node_mem_used_bp of node 0, target a quarter of its free memory
    above its use: the effective quota grows past GROWN; a workload that
    takes half of the free memory pushes the use over the target and the
    quota falls by a factor of 1024 or more; once the workload exits, the
    quota grows past GROWN again.  current_value, what the last adjustment
    used, agrees with the node's meminfo: below the target, then over it."""
    used, free = node0_bp()
    target = used + free // 4
    hog_mib = node0_free_mib() // 2
    print('# node 0: used %d bp, free %d bp; target %d bp; workload %d MiB'
          % (used, free, target, hog_mib))
    with Workload() as w:
        goal_kdamond(w, 'node_mem_used_bp', target)
        ok(kd() + '/state', 'on')
        peak, current = wait_quota(lambda e, c: e >= GROWN,
                                   'the quota to grow')
        check_current(current, 'below the target', lambda c: c < target)
        with Workload(hog_mib):
            low, current = wait_quota(
                lambda e, c: e <= peak >> 10 and c > target,
                'the quota to fall')
            print('# over: %d -> %d' % (peak, low))
            check_current(current, 'over the target', lambda c: c > target)
        again, current = wait_quota(lambda e, c: e >= GROWN,
                                    'the quota to grow again')
        print('# below again: %d' % again)
        check_current(current, 'below the target', lambda c: c < target)
        ok(kd() + '/state', 'off')


@test(timeout=900)
def free_bp_goal_by_commits():
    """node_mem_free_bp, added to a running kdamond by commit, target 20000
    (twice the memory free: never reached): the quota grows, and current_value follows the free
    memory as a workload takes some.  commit_schemes_quota_goals to target
    1 puts the free memory far over it: the quota falls to its floor of 1
    byte, and current_value still follows the free memory as the workload
    exits."""
    free = node0_bp()[1]
    hog_mib = node0_free_mib() // 2
    with Workload() as w:
        stat_kdamond(w, 5000, 100000)
        ok('%s/schemes/0/quotas/reset_interval_ms' % ctx(), str(RESET_MS))
        ok(kd() + '/state', 'on')
        ok('%s/schemes/0/quotas/goals/nr_goals' % ctx(), '1')
        set_goal('node_mem_free_bp', 20000)
        ok(kd() + '/state', 'commit')
        _, current = wait_quota(lambda e, c: e >= GROWN, 'the quota to grow')
        print('# free %d bp before the workload' % free)
        true(abs(current - node0_bp()[1]) <= 500,
             'current_value %d near meminfo %d' % (current, node0_bp()[1]))
        with Workload(hog_mib):
            _, current = wait_quota(lambda e, c: c < free - 1000,
                                    'current_value to follow the workload')
            print('# with the workload: current_value %d' % current)
            ok(goal() + '/target_value', '1')
            ok(kd() + '/state', 'commit_schemes_quota_goals')
            wait_quota(lambda e, c: e == 1, 'the quota to fall to 1 byte')
        _, current = wait_quota(lambda e, c: c > free - 500,
                                'current_value to follow the exit')
        print('# after the workload: current_value %d' % current)
        ok(kd() + '/state', 'off')


@test(timeout=600)
def current_value_follows_its_directory():
    """Goal directory 0 has no target, so the kdamond's only goal is made
    from directory 1.  Giving directory 0 a target without committing
    leaves that so: current_value of directory 1 still reads the node's
    use, and directory 0's is not written.  Once directory 1 names another
    metric, its current_value is no longer written either."""
    used, free = node0_bp()
    with Workload() as w:
        stat_kdamond(w, 5000, 100000)
        quotas = '%s/schemes/0/quotas' % ctx()
        ok(quotas + '/reset_interval_ms', str(RESET_MS))
        ok(quotas + '/goals/nr_goals', '2')
        ok(goal(0) + '/target_metric', 'user_input')
        set_goal('node_mem_used_bp', used + free // 4, g=1)
        ok(kd() + '/state', 'on')

        def current(g):
            ok(kd() + '/state', 'update_schemes_effective_quotas')
            return int(value(goal(g) + '/current_value'))
        wait_for(lambda: current(1) > 0, 'current_value of goal 1')
        ok(goal(0) + '/target_value', '5')
        ok(goal(1) + '/current_value', '0')
        wait_for(lambda: current(1) > 0,
                 'current_value of goal 1 after goal 0 got a target')
        check_current(current(1), 'of goal 1', lambda c: True)
        eq(current(0), 0, 'current_value of goal 0')
        ok(goal(1) + '/target_metric', 'node_mem_free_bp')
        ok(goal(1) + '/current_value', '0')
        for _ in range(3):
            eq(current(1), 0, 'current_value of goal 1, now of another '
               'metric than the kdamond runs')
        ok(kd() + '/state', 'off')


if __name__ == '__main__':
    main()

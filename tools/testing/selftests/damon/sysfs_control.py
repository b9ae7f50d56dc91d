#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Running DAMON from the tree: on, off, pid, commit, on real processes.

No assertion depends on monitoring accuracy or speed: waits are bounded
generously and only behaviour is checked.
"""

import errno
import os
import time

from _damon_test import (KDAMONDS, Failure, Workload, ctx, eq, fails,
                         is_kdamond, kd, main, ok, reads, set_intervals,
                         setup_kdamond, state, system_ram, target, test, true,
                         value, wait_for, write_in_thread)


def kdamond_pid(k=0):
    return int(value(kd(k) + '/pid'))


def check_running(k=0):
    reads(kd(k) + '/state', 'on')
    pid = kdamond_pid(k)
    true(pid > 0 and is_kdamond(pid), 'pid %d is no kdamond' % pid)
    return pid


def check_stopped(k=0):
    reads(kd(k) + '/state', 'off')
    reads(kd(k) + '/pid', '-1')


@test
def vaddr_on_off():
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        ok(kd() + '/state', 'on')
        pid = check_running()
        fails(kd() + '/state', 'on', errno.EBUSY)
        ok(kd() + '/state', 'off')
        check_stopped()
        true(not is_kdamond(pid), 'kdamond %d still there' % pid)
        # stopped, not never-started
        fails(kd() + '/state', 'off', errno.EPERM)
        # and it starts again
        ok(kd() + '/state', 'on')
        check_running()
        ok(kd() + '/state', 'off')


@test
def fvaddr_with_regions():
    with Workload() as w:
        setup_kdamond('fvaddr', [w.pid], [[(w.start, w.end)]])
        ok(kd() + '/state', 'on')
        check_running()
        ok(kd() + '/state', 'off')
        check_stopped()


@test
def paddr_on_off():
    start, end = system_ram()
    setup_kdamond('paddr', [0], [[(start, end)]])
    ok(kd() + '/state', 'on')
    check_running()
    ok(kd() + '/state', 'off')
    check_stopped()


@test
def invalid_on_changes_nothing():
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        nr = ctx() + '/monitoring_attrs/nr_regions/'
        intervals = ctx() + '/monitoring_attrs/intervals/'
        cases = [
            (nr + 'min', '2', '10'),
            (nr + 'min', '1001', '10'),
            (intervals + 'sample_us', '100001', '5000'),
            (target() + '/pid_target', str(2 ** 31 - 1), str(w.pid)),
        ]
        for path, bad, good in cases:
            ok(path, bad)
            fails(kd() + '/state', 'on', errno.EINVAL)
            check_stopped()
            fails(kd() + '/state', 'off', errno.EINVAL)
            ok(path, good)
        # paddr takes one target only
        ok(ctx() + '/operations', 'paddr')
        ok(ctx() + '/targets/nr_targets', '2')
        fails(kd() + '/state', 'on', errno.EINVAL)
        check_stopped()
        # unsorted and overlapping regions
        ok(ctx() + '/operations', 'fvaddr')
        ok(ctx() + '/targets/nr_targets', '1')
        ok(target() + '/pid_target', str(w.pid))
        regions = target() + '/regions/'
        ok(regions + 'nr_regions', '2')
        for (s0, e0, s1, e1) in ((w.start + 8192, w.start + 16384,
                                  w.start, w.start + 4096),
                                 (w.start, w.start + 16384,
                                  w.start + 8192, w.start + 32768),
                                 (w.start + 4096, w.start, w.start + 8192,
                                  w.start + 16384)):
            ok(regions + '0/start', str(s0))
            ok(regions + '0/end', str(e0))
            ok(regions + '1/start', str(s1))
            ok(regions + '1/end', str(e1))
            fails(kd() + '/state', 'on', errno.EINVAL)
            check_stopped()


@test
def invalid_on_keeps_last_context():
    """A failed on leaves the stopped context: off still says EPERM."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        ok(kd() + '/state', 'on')
        ok(kd() + '/state', 'off')
        ok(ctx() + '/monitoring_attrs/nr_regions/min', '2')
        fails(kd() + '/state', 'on', errno.EINVAL)
        fails(kd() + '/state', 'off', errno.EPERM)


@test
def commit_needs_running_kdamond():
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        fails(kd() + '/state', 'commit', errno.EINVAL)
        ok(kd() + '/state', 'on')
        ok(kd() + '/state', 'off')
        fails(kd() + '/state', 'commit', errno.EINVAL)


@test
def commit_intervals_keeps_kdamond():
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(5000, 50000, 1000000)
        ok(kd() + '/state', 'on')
        pid = check_running()
        for sample, aggr in ((2000, 20000), (10000, 200000), (5000, 50000)):
            set_intervals(sample, aggr, 1000000)
            ok(kd() + '/state', 'commit')
            eq(check_running(), pid, 'kdamond pid after commit')
        ok(kd() + '/state', 'off')


@test
def commit_changes_targets():
    """After a commit to another process, the first one may exit."""
    with Workload() as first, Workload() as second:
        setup_kdamond('vaddr', [first.pid])
        set_intervals(5000, 50000, 1000000)
        ok(kd() + '/state', 'on')
        pid = check_running()
        ok(target() + '/pid_target', str(second.pid))
        ok(kd() + '/state', 'commit')
        first.stop()
        # give the kdamond many aggregations to notice a dead target
        time.sleep(2)
        eq(check_running(), pid, 'kdamond after its old target exited')
        # two targets, then back to one
        ok(ctx() + '/targets/nr_targets', '2')
        ok(target(0) + '/pid_target', str(second.pid))
        ok(target(1) + '/pid_target', str(os.getpid()))
        ok(kd() + '/state', 'commit')
        ok(ctx() + '/targets/nr_targets', '1')
        ok(target(0) + '/pid_target', str(second.pid))
        ok(kd() + '/state', 'commit')
        eq(check_running(), pid, 'kdamond after target changes')
        second.stop()
        wait_for(lambda: state() == 'off', 'the kdamond to stop')
        check_stopped()


@test
def bad_commit_keeps_running():
    """A bad commit returns its errno; the kdamond runs on, unchanged."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(5000, 50000, 1000000)
        ok(kd() + '/state', 'on')
        pid = check_running()
        nr = ctx() + '/monitoring_attrs/nr_regions/'
        bad = [
            (nr + 'min', '2', '10'),
            (nr + 'max', '5', '1000'),
            (ctx() + '/monitoring_attrs/intervals/sample_us', '60000',
             '5000'),
            (target() + '/pid_target', str(2 ** 31 - 1), str(w.pid)),
            (target() + '/pid_target', '-1', str(w.pid)),
        ]
        for path, value_, good in bad:
            ok(path, value_)
            fails(kd() + '/state', 'commit', errno.EINVAL)
            eq(check_running(), pid, 'kdamond after bad commit')
            ok(path, good)
        ok(ctx() + '/operations', 'paddr')
        ok(ctx() + '/targets/nr_targets', '2')
        fails(kd() + '/state', 'commit', errno.EINVAL)
        eq(check_running(), pid, 'kdamond after bad commit')
        ok(ctx() + '/operations', 'vaddr')
        ok(ctx() + '/targets/nr_targets', '1')
        ok(target() + '/pid_target', str(w.pid))
        # a good commit still works
        ok(kd() + '/state', 'commit')
        # the old target still counts: its exit stops the kdamond
        w.stop()
        wait_for(lambda: state() == 'off', 'the kdamond to stop')


@test
def commit_without_context():
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        ok(kd() + '/state', 'on')
        ok(kd() + '/contexts/nr_contexts', '0')
        fails(kd() + '/state', 'commit', errno.EINVAL)
        check_running()
        ok(kd() + '/state', 'off')


@test
def target_exit_stops_kdamond():
    w = Workload()
    setup_kdamond('vaddr', [w.pid])
    ok(kd() + '/state', 'on')
    pid = check_running()
    w.stop()
    wait_for(lambda: state() == 'off', 'the kdamond to stop')
    check_stopped()
    wait_for(lambda: not is_kdamond(pid), 'the kdamond thread to go')
    fails(kd() + '/state', 'off', errno.EPERM)
    fails(kd() + '/state', 'commit', errno.EINVAL)
    # the dead pid is refused at the next on
    fails(kd() + '/state', 'on', errno.EINVAL)


@test
def two_kdamonds():
    with Workload() as a, Workload() as b:
        setup_kdamond('vaddr', [a.pid], nr_kdamonds=2, k=0)
        setup_kdamond('vaddr', [b.pid], k=1)
        ok(kd(0) + '/state', 'on')
        ok(kd(1) + '/state', 'on')
        p0, p1 = check_running(0), check_running(1)
        true(p0 != p1, 'two kdamonds, one pid')
        fails(KDAMONDS + '/nr_kdamonds', '1', errno.EBUSY)
        fails(KDAMONDS + '/nr_kdamonds', '2', errno.EBUSY)
        ok(kd(0) + '/state', 'off')
        check_stopped(0)
        eq(check_running(1), p1, 'second kdamond')
        fails(KDAMONDS + '/nr_kdamonds', '0', errno.EBUSY)
        # a commit to one leaves the other alone
        set_intervals(2000, 40000, 1000000, k=1)
        ok(kd(1) + '/state', 'commit')
        eq(check_running(1), p1, 'second kdamond after commit')
        b.stop()
        wait_for(lambda: state(1) == 'off', 'the second kdamond to stop')
        ok(KDAMONDS + '/nr_kdamonds', '0')


@test
def tree_resizes_while_running():
    """Only nr_kdamonds refuses while running; the rest is only sysfs."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        ok(kd() + '/state', 'on')
        pid = check_running()
        ok(ctx() + '/targets/nr_targets', '3')
        ok(ctx() + '/schemes/nr_schemes', '2')
        ok(ctx() + '/targets/nr_targets', '1')
        ok(target() + '/pid_target', str(w.pid))
        ok(kd() + '/contexts/nr_contexts', '1')
        eq(check_running(), pid, 'kdamond')
        fails(KDAMONDS + '/nr_kdamonds', '1', errno.EBUSY)
        ok(kd() + '/state', 'off')


# A commit waits for the end of the current aggregation window, which the
# kdamond brings forward to its next sampling: sampling every 10 s keeps a
# commit pending for about that long.
SLOW_SAMPLE_US = 10 * 1000 * 1000


@test
def off_during_pending_commit():
    """A commit waiting for an aggregation is cancelled by off."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(SLOW_SAMPLE_US, 2 * SLOW_SAMPLE_US, 4 * SLOW_SAMPLE_US)
        ok(kd() + '/state', 'on')
        check_running()
        thread, result = write_in_thread(kd() + '/state', 'commit')
        time.sleep(1)
        true(thread.is_alive(), 'commit returned before an aggregation')
        # the writer waits without the lock: reads and off go through
        reads(kd() + '/state', 'on')
        fails(KDAMONDS + '/nr_kdamonds', '0', errno.EBUSY)
        ok(kd() + '/state', 'off')
        thread.join(120)
        true(not thread.is_alive(), 'commit still waiting after off')
        eq(result['err'], errno.ECANCELED, 'pending commit after off')
        check_stopped()
        ok(KDAMONDS + '/nr_kdamonds', '0')


@test
def target_exit_during_pending_commit():
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(SLOW_SAMPLE_US, 2 * SLOW_SAMPLE_US, 4 * SLOW_SAMPLE_US)
        ok(kd() + '/state', 'on')
        thread, result = write_in_thread(kd() + '/state', 'commit')
        time.sleep(1)
        true(thread.is_alive(), 'commit returned before an aggregation')
        w.stop()
        thread.join(120)
        true(not thread.is_alive(), 'commit still waiting after exit')
        eq(result['err'], errno.ECANCELED, 'pending commit after exit')
        wait_for(lambda: state() == 'off', 'the kdamond to stop')


def slab_kib():
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('Slab:'):
                return int(line.split()[1])
    raise Failure('no Slab in /proc/meminfo')


@test
def on_off_cycles_do_not_leak():
    # KASAN keeps freed objects in its quarantine (up to 1/32 of memory),
    # which shows as slab growth: there only gross leaks are visible here
    # and kmemleak, run after the tests, is the real check.
    allowed_kib = 32 * 1024 if os.environ.get('DAMON_TEST_KASAN') else 2048
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(1000, 10000, 100000)

        def cycles(n):
            for _ in range(n):
                ok(kd() + '/state', 'on')
                ok(kd() + '/state', 'off')
        cycles(20)
        before = slab_kib()
        cycles(200)
        after = slab_kib()
        print('# slab: %d kB before, %d kB after 200 on/off' %
              (before, after))
        true(after - before < allowed_kib,
             'slab grew by %d kB over 200 cycles' % (after - before))
        threads = [p for p in os.listdir('/proc') if p.isdigit() and
                   is_kdamond(int(p))]
        eq(threads, [], 'kdamond threads left')


if __name__ == '__main__':
    main()

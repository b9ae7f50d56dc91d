#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Running DAMON from the tree: on, off, pid, commit, on real processes.

No assertion depends on monitoring accuracy or speed: waits are bounded
generously and only behaviour is checked.
"""

import errno
import os

from _damon_test import (KDAMONDS, Aggregations, Failure, Workload, ctx, eq,
                         fails, gaps_us, is_kdamond, kd, kernel_log,
                         lock_reader_in_background, main, ok, reads,
                         set_intervals, setup_kdamond, state, system_ram,
                         target, test, true, value, wait_for,
                         wait_until_pending, write, write_in_thread)


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


def check_windows(trace, pid, sample, aggr, nr_targets=1, span_us=2500000):
    """The running context's windows, as DAMON's tracepoint shows them.

    Watches windows for span_us, longer than the tests' ops update
    interval (1 s), since a target added by a commit gets its regions only
    at the next update; then checks that no window is shorter than aggr,
    no region has more accesses than the window has samples, every window
    shows only targets below nr_targets, and the last shows them all.
    """
    trace.clear()
    wait_for(lambda: len(trace.windows(pid)) >= 4 and
             trace.windows(pid)[-1].ts - trace.windows(pid)[0].ts >=
             span_us / 1e6, 'windows over %d us' % span_us, timeout=300,
             interval=0.2)
    wins = trace.windows(pid)
    gaps = gaps_us(wins)
    true(min(gaps) >= aggr * 0.995, 'windows %s us, configured %d us' %
         (gaps, aggr))
    most = max(r[4] for w in wins for r in w.regions)
    true(most <= aggr // sample, 'nr_accesses %d in windows of %d samples' %
         (most, aggr // sample))
    for w in wins:
        true(set(w.targets()) <= set(range(nr_targets)),
             'targets %s in a window, expected %d' % (w.targets(),
                                                      nr_targets))
    eq(wins[-1].targets(), list(range(nr_targets)), 'targets in a window')
    return wins


@test
def commit_intervals_keeps_kdamond():
    """A commit changes the intervals of the running kdamond, not its pid.

    Each step lengthens the windows or shrinks the samples per window, so
    a commit that was not applied breaks a bound that the old intervals
    keep."""
    with Workload() as w, Aggregations() as trace:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(5000, 50000, 1000000)
        ok(kd() + '/state', 'on')
        pid = check_running()
        check_windows(trace, pid, 5000, 50000)
        for sample, aggr in ((10000, 400000), (20000, 40000),
                             (2000, 500000)):
            set_intervals(sample, aggr, 1000000)
            ok(kd() + '/state', 'commit')
            eq(check_running(), pid, 'kdamond pid after commit')
            check_windows(trace, pid, sample, aggr)
        ok(kd() + '/state', 'off')


@test
def commit_changes_targets():
    """After a commit to another process, the first one may exit."""
    with Workload() as first, Workload() as second, \
            Aggregations() as trace:
        setup_kdamond('vaddr', [first.pid])
        set_intervals(5000, 50000, 1000000)
        ok(kd() + '/state', 'on')
        pid = check_running()
        ok(target() + '/pid_target', str(second.pid))
        ok(kd() + '/state', 'commit')
        first.stop()
        # windows that begin after the exit: the kdamond has seen it
        trace.clear()
        trace.wait_windows(pid, 3)
        eq(check_running(), pid, 'kdamond after its old target exited')
        # two targets, then back to one
        ok(ctx() + '/targets/nr_targets', '2')
        ok(target(0) + '/pid_target', str(second.pid))
        ok(target(1) + '/pid_target', str(os.getpid()))
        ok(kd() + '/state', 'commit')
        check_windows(trace, pid, 5000, 50000, nr_targets=2)
        ok(ctx() + '/targets/nr_targets', '1')
        ok(target(0) + '/pid_target', str(second.pid))
        ok(kd() + '/state', 'commit')
        check_windows(trace, pid, 5000, 50000, nr_targets=1)
        eq(check_running(), pid, 'kdamond after target changes')
        second.stop()
        wait_for(lambda: state() == 'off', 'the kdamond to stop')
        check_stopped()


@test
def bad_commit_keeps_running():
    """A bad commit returns its errno; the kdamond runs on, unchanged.

    Each bad tree also carries valid changes (a second target, windows
    eight times longer): the running context must show none of them."""
    with Workload() as w, Aggregations() as trace:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(5000, 50000, 1000000)
        ok(kd() + '/state', 'on')
        pid = check_running()
        nr = ctx() + '/monitoring_attrs/nr_regions/'
        bad = [
            (nr + 'min', '2', '10'),
            (nr + 'max', '5', '1000'),
            (ctx() + '/monitoring_attrs/intervals/sample_us', '600000',
             '5000'),
            (target(1) + '/pid_target', str(2 ** 31 - 1), str(os.getpid())),
            (target(1) + '/pid_target', '-1', str(os.getpid())),
        ]
        for path, value_, good in bad:
            ok(ctx() + '/targets/nr_targets', '2')
            ok(target(0) + '/pid_target', str(w.pid))
            ok(target(1) + '/pid_target', str(os.getpid()))
            ok(ctx() + '/monitoring_attrs/intervals/aggr_us', '400000')
            ok(path, value_)
            fails(kd() + '/state', 'commit', errno.EINVAL)
            eq(check_running(), pid, 'kdamond after bad commit')
            wins = check_windows(trace, pid, 5000, 50000, nr_targets=1)
            # 400 ms windows would show as gaps of at least 400 ms
            true(min(gaps_us(wins)) < 400000,
                 'windows of the bad commit: %s' % gaps_us(wins))
            ok(path, good)
        ok(ctx() + '/operations', 'paddr')
        fails(kd() + '/state', 'commit', errno.EINVAL)
        eq(check_running(), pid, 'kdamond after bad commit')
        check_windows(trace, pid, 5000, 50000, nr_targets=1)
        ok(ctx() + '/operations', 'vaddr')
        # the same tree, made valid, commits: the test can tell
        ok(ctx() + '/monitoring_attrs/intervals/aggr_us', '50000')
        ok(kd() + '/state', 'commit')
        check_windows(trace, pid, 5000, 50000, nr_targets=2)
        ok(ctx() + '/targets/nr_targets', '1')
        ok(target() + '/pid_target', str(w.pid))
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
        # a commit to one leaves the other running alone
        set_intervals(2000, 40000, 1000000, k=1)
        ok(kd(1) + '/state', 'commit')
        eq(check_running(1), p1, 'second kdamond after commit')
        eq(check_running(0), p0, 'first kdamond after a commit to the '
           'second')
        # and off of one, too
        ok(kd(0) + '/state', 'off')
        check_stopped(0)
        eq(check_running(1), p1, 'second kdamond')
        fails(KDAMONDS + '/nr_kdamonds', '0', errno.EBUSY)
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


# A commit waits for the natural end of the current aggregation window:
# windows of 20 s (two samplings of 10 s) keep it pending for seconds.
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
        wait_until_pending(thread, result, 'commit')
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
        wait_until_pending(thread, result, 'commit')
        w.stop()
        thread.join(120)
        true(not thread.is_alive(), 'commit still waiting after exit')
        eq(result['err'], errno.ECANCELED, 'pending commit after exit')
        wait_for(lambda: state() == 'off', 'the kdamond to stop')


# Caches whose objects an on/off cycle makes and must free: its kdamond's
# task (task_struct, pid, signal and sighand), DAMON's regions, and
# kernfs nodes (none expected).  kmalloc-* caches are shared with the rest
# of the kernel, so a count there says little: kmemleak covers what we
# kmalloc.  A cache merged into another one is not listed, and not
# counted.
CYCLE_CACHES = ('task_struct', 'pid', 'signal_cache', 'sighand_cache',
                'damon_region', 'kernfs_node_cache')


@test(timeout=120)
def state_readers_while_kdamond_directories_go():
    """A command on kdamond 0 waits for its kdamond and then takes the
    lock again; afterwards kdamond directories are removed and made anew
    many times while a reader loops on kdamonds/1/state.  The wait holds
    the state file's active reference, which a removal drains under the
    lock: the re-take must not be a lock dependency, or lockdep reports a
    cycle (debug kernel; the kernel log is read here and by make check)."""
    log = kernel_log()
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid], nr_kdamonds=2)
        set_intervals(5000, 100000, 1000000)
        ok(kd() + '/state', 'on')
        ok(kd() + '/state', 'commit')
        ok(kd() + '/state', 'off')
    reader = lock_reader_in_background(kd(1) + '/state', 20)
    try:
        for _ in range(300):
            err = write(KDAMONDS + '/nr_kdamonds', '2')
            true(err in (0, errno.EBUSY), 'nr_kdamonds: %s' % err)
    finally:
        out = reader.communicate(timeout=120)[0].decode()
    print('# reader: %s' % out.strip())
    true(reader.returncode == 0, 'the reader failed: %s' % out)
    bad = [line for line in log.new_lines() if 'locking dependency' in line
           or 'possible recursive locking' in line]
    eq(bad, [], 'lockdep reports')


def slab_objects():
    """Objects in use in CYCLE_CACHES, with nothing held back.

    Shrinking a cache returns its per-CPU slabs and drains its KASAN
    quarantine, so that /proc/slabinfo counts live objects only.
    """
    for cache in CYCLE_CACHES:
        if os.path.exists('/sys/kernel/slab/' + cache):
            write('/sys/kernel/slab/%s/shrink' % cache, '1')
    counts = {}
    with open('/proc/slabinfo') as f:
        for line in f:
            fields = line.split()
            if len(fields) > 2 and fields[0] in CYCLE_CACHES:
                counts[fields[0]] = int(fields[1])
    return counts


def grown(before, after):
    return {c: after[c] - before.get(c, 0) for c in after
            if after[c] - before.get(c, 0) > 0}


def no_growth(before, limit, what):
    """Wait until no cache holds limit or more objects above before.

    Objects freed by RCU, or by a kthread or pid release that runs after
    the exit, go a little later: wait for them, with a bound.
    """
    growth = {}

    def settled():
        growth.update(grown(before, slab_objects()))
        over = {c: n for c, n in growth.items() if n >= limit}
        growth.clear()
        growth.update(over)
        return not over
    try:
        wait_for(settled, what, timeout=60, interval=1)
    except Failure:
        raise Failure('%s: caches grew by %s objects' % (what, growth))


@test(timeout=300)
def on_off_cycles_do_not_leak():
    """200 on/off cycles leave no object behind, nor any kdamond thread.

    A cycle makes a kthread (task_struct, pid), a context, its targets and
    regions, and takes a reference on the target's pid: a leak of the
    thread or the regions grows a cache of CYCLE_CACHES by at least one
    object per cycle, 200 in all.  The target's pid reference is released
    only when the process exits; a leak of it keeps the pid, which the
    last check sees.
    """
    cycles = 200
    pids_before = slab_objects().get('pid', 0)
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(1000, 10000, 100000)

        def run(n):
            for _ in range(n):
                ok(kd() + '/state', 'on')
                ok(kd() + '/state', 'off')
        run(20)
        before = slab_objects()
        run(cycles)
        no_growth(before, cycles // 2, '%d on/off cycles' % cycles)
        threads = [p for p in os.listdir('/proc') if p.isdigit() and
                   is_kdamond(int(p))]
        eq(threads, [], 'kdamond threads left')
    # the workload has exited and been reaped: its pid is free
    wait_for(lambda: slab_objects().get('pid', 0) <= pids_before,
             'the pids to return to %d' % pids_before, timeout=60,
             interval=1)


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""kdamonds/<K>/refresh_ms, upstream since 6.17, added to 6.12.

While the kdamond runs, the stats and effective quotas of every scheme
are updated every refresh_ms, with no command.  The refresh never fails a
user's read or write, never changes what DAMON measures and never wakes a
kdamond that sleeps for its watermarks; a write of 0 returns at once, and
the file and the updates always agree.

What is checked is what the kernel did: the files it updates, DAMON's
damon_aggregated tracepoint and the function tracer; bounds are generous,
for slow guests.
"""

import errno
import subprocess
import time

from _damon_test import (KDAMONDS, Aggregations, KdamondSleeps,
                         SlowPaddrKdamond, TraceInstance, Workload,
                         check_windows_during, deactivate_all, eq, errname,
                         fails, is_file, kd, kdamond_pid, lock_reader, main,
                         ok, reads, scheme, stat_kdamond, state, task_stack,
                         test, true, value, wait_for, write, write_in_thread)


class Sleeper:
    """A target process that only sleeps."""

    def __init__(self):
        self.proc = subprocess.Popen(['sleep', '3600'])
        self.pid = self.proc.pid

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.proc.kill()
        self.proc.wait()


def stat(name, s=0):
    return int(value('%s/stats/%s' % (scheme(s), name)))


def set_size_quota(nbytes, s=0):
    ok(scheme(s) + '/quotas/bytes', str(nbytes))
    ok(scheme(s) + '/quotas/reset_interval_ms', '1000')


def nr_tried_moves(timeout=120):
    """Wait until stats/nr_tried changes, with no command written."""
    before = stat('nr_tried')
    wait_for(lambda: stat('nr_tried') > before,
             'nr_tried to move past %d' % before, timeout=timeout)


@test
def refresh_ms_file():
    """0600, 0 by default, decimal milliseconds like other uint files; the
    value stays across on and off."""
    ok(KDAMONDS + '/nr_kdamonds', '1')
    path = kd() + '/refresh_ms'
    is_file(path, 0o600)
    reads(path, '0')
    ok(path, '100')
    reads(path, '100')
    ok(path, '0x10\n')
    reads(path, '16')
    fails(path, '-1', errno.EINVAL)
    fails(path, str(2 ** 32), errno.ERANGE)
    fails(path, 'ten', errno.EINVAL)
    reads(path, '16')
    with Workload() as w:
        # this rewrites nr_kdamonds, which makes the directory anew
        stat_kdamond(w, 5000, 100000)
        reads(path, '0')
        ok(path, '16')
        ok(kd() + '/state', 'on')
        ok(kd() + '/state', 'off')
    reads(path, '16')


@test(timeout=120)
def refresh_updates_stats_and_effective_quotas():
    """With no command, stats and effective_bytes follow the kdamond; 0
    stops the refresh before the write returns; a value written while the
    kdamond runs takes effect at once."""
    with Workload() as w:
        stat_kdamond(w, 5000, 100000)
        set_size_quota(1 << 20)
        ok(kd() + '/refresh_ms', '100')
        ok(kd() + '/state', 'on')
        nr_tried_moves()
        nr_tried_moves()
        wait_for(lambda: value(scheme() + '/quotas/effective_bytes') ==
                 str(1 << 20), 'effective_bytes to be the size quota')
        true(stat('sz_tried') > 0, 'sz_tried stays 0')

        ok(kd() + '/refresh_ms', '0')
        frozen = stat('nr_tried')
        time.sleep(2)
        eq(stat('nr_tried'), frozen, 'nr_tried after refresh_ms 0')
        # the kdamond went on: the command sees what the refresh no longer
        # copies
        ok(kd() + '/state', 'update_schemes_stats')
        true(stat('nr_tried') > frozen, 'the kdamond stopped applying')

        # an hour, then 100 ms: the hour is not waited for
        ok(kd() + '/refresh_ms', '3600000')
        ok(kd() + '/refresh_ms', '100')
        nr_tried_moves(timeout=60)
        ok(kd() + '/state', 'off')


class RefreshRounds(TraceInstance):
    """The rounds of the refresh, by the function tracer: those that
    started (its work function) and those the kdamond served (the snapshot
    function it runs for them, when no command runs)."""

    def __init__(self):
        super().__init__([], 'damon_refresh')
        self.trace_functions(['damon_sysfs_refresh_fn',
                              'damon_sysfs_snapshot_fn'])

    def counts(self):
        text = ''.join(self.lines())
        return (text.count(' damon_sysfs_refresh_fn <-'),
                text.count(' damon_sysfs_snapshot_fn <-'))


def in_refresh_ms_store(tid):
    return 'refresh_ms_store' in task_stack(tid)


@test
def refresh_ms_0_returns_at_once():
    """A round waits for the next sampling, 30 s away; a write of 0 does
    not wait for it: the round sees the 0 and withdraws."""
    with Workload() as w, RefreshRounds() as rounds:
        stat_kdamond(w, 30 * 1000 * 1000, 60 * 1000 * 1000)
        ok(kd() + '/refresh_ms', '100')
        ok(kd() + '/state', 'on')
        wait_for(lambda: rounds.counts()[0] > 0, 'a refresh round')
        start = time.monotonic()
        ok(kd() + '/refresh_ms', '0')
        took = time.monotonic() - start
        print('# refresh_ms 0 took %.2f s' % took)
        true(took < 3, 'refresh_ms 0 took %.2f s' % took)
        ok(kd() + '/state', 'off')


@test
def refresh_ms_writers_race():
    """Two writers: 0, then 100 while the 0 may still be carried out.
    The file says 100 and the refresh runs: the value and the rounds never
    disagree."""
    with Workload() as w:
        stat_kdamond(w, 1000 * 1000, 2 * 1000 * 1000)
        ok(kd() + '/refresh_ms', '100')
        ok(kd() + '/state', 'on')
        nr_tried_moves()
        thread, result = write_in_thread(kd() + '/refresh_ms', '0')
        wait_for(lambda: not thread.is_alive() or
                 in_refresh_ms_store(thread.native_id),
                 'the write of 0 to start')
        ok(kd() + '/refresh_ms', '100')
        thread.join(60)
        true(not thread.is_alive(), 'the write of 0 did not return')
        eq(result['err'], 0, 'refresh_ms 0')
        reads(kd() + '/refresh_ms', '100')
        nr_tried_moves(timeout=60)
        ok(kd() + '/state', 'off')


@test(timeout=300)
def refresh_keeps_its_rate_on_a_slow_kdamond():
    """paddr with 10,000 regions over memory that a process maps: each
    sampling checks a page of every region through its reverse map, and an
    iteration of the kdamond takes much longer than its 1 ms sampling
    interval, but it does not sleep for watermarks: refresh rounds wait for
    its next sampling instead of giving up, and are served."""
    with SlowPaddrKdamond(1000) as slow:
        with RefreshRounds() as rounds:
            ok(kd() + '/refresh_ms', '100')
            wait_for(lambda: rounds.counts()[0] >= 20, '20 refresh rounds')
            ok(kd() + '/refresh_ms', '0')
            started, served = rounds.counts()
        print('# %d rounds, %d served; the kdamond samples every %.1f ms' %
              (started, served, slow.period_ms()))
    # a round gives up only once refresh_ms is 0: the one in progress then,
    # and one that starts after it
    true(served >= started - 2,
         'only %d of %d rounds were served' % (served, started))
    true(stat('nr_tried') > 0, 'the stats did not move')
    ok(kd() + '/state', 'off')


@test(timeout=120)
def refresh_never_fails_a_user():
    """A user whose read or write takes the lock while the refresh holds
    it waits instead of failing with EBUSY; the kdamond directory goes as
    soon as its kdamond has stopped, whatever the refresh does."""
    # a target that sleeps leaves the CPUs to the reader and the refresh
    with Sleeper() as w:
        stat_kdamond(w, 1000, 20000, nr_schemes=20)
        ok(kd() + '/refresh_ms', '1')
        ok(kd() + '/state', 'on')
        nr_tried_moves()
        for path in (kd() + '/state', kd() + '/pid'):
            reads, busy, _ = lock_reader(path, 2)
            print('# %s: %d reads, %d EBUSY' % (path, reads, busy))
            eq(busy, 0, 'reads of %s that failed with EBUSY' % path)
        nr_filters = scheme() + '/filters/nr_filters'
        for i in range(200):
            eq(errname(write(nr_filters, str(i % 2))), 'success',
               'nr_filters')
    # the target exited: the kdamond stops on its own
    wait_for(lambda: state() == 'off', 'the kdamond to stop')
    ok(KDAMONDS + '/nr_kdamonds', '0')

    for i in range(10):
        with Sleeper() as w:
            stat_kdamond(w, 1000, 20000)
            ok(kd() + '/refresh_ms', '1')
            ok(kd() + '/state', 'on')
            if i % 2:
                ok(kd() + '/state', 'off')
        wait_for(lambda: state() == 'off', 'the kdamond to stop')
        ok(KDAMONDS + '/nr_kdamonds', '0')


@test
def refresh_keeps_windows():
    """A refresh every millisecond shortens no aggregation window."""
    aggr = 100000
    with Workload() as w, Aggregations() as trace:
        stat_kdamond(w, 5000, aggr)
        ok(kd() + '/refresh_ms', '1')
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()
        nr_tried_moves()
        check_windows_during(trace, pid, aggr, 'refresh every 1 ms',
                             lambda: time.sleep(aggr * 10 / 1e6))
        ok(kd() + '/state', 'off')


@test(timeout=120)
def refresh_does_not_wake_a_parked_kdamond():
    """While watermarks deactivate every scheme for 30 s between checks,
    the kdamond arms one timer per check: a refresh every 10 ms adds no
    wake, so no check and no timer."""
    with Workload() as w:
        stat_kdamond(w, 5000, 100000)
        deactivate_all(30 * 1000 * 1000)
        with KdamondSleeps() as sleeps:
            ok(kd() + '/state', 'on')
            pid = kdamond_pid()
            sleeps.wait_parked(pid)
            ok(kd() + '/refresh_ms', '10')
            sleeps.clear()
            time.sleep(5)
            true(not sleeps.parked(pid),
                 'the parked kdamond was woken: it armed a new timer')
        eq(state(), 'on', 'state')
        eq(stat('nr_tried'), 0, 'nr_tried of a deactivated scheme')
        ok(kd() + '/state', 'off')


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What this interface adds to the 6.12 ABI.

- kdamonds/<K>/refresh_ms (upstream since 6.17): the stats and effective
  quotas of every scheme are updated every refresh_ms, with no command;
  the refresh never fails a user's write, never changes what DAMON
  measures and never wakes a kdamond that sleeps for its watermarks.
- targets/<T>/obsolete_target (upstream since 6.19): a commit removes the
  running targets marked obsolete; the others keep their regions and ages.
- poll() on kdamonds/<K>/state and pid (not upstream): pollers are woken
  when a kdamond starts or stops, on its own or by a command.

What is checked is what the kernel did: the files it updates and DAMON's
damon_aggregated tracepoint; bounds are generous, for slow guests.
"""

import errno
import os
import select
import signal
import subprocess
import threading
import time

from _damon_test import (KDAMONDS, U64_MAX, Aggregations, KdamondSleeps,
                         SlowPaddrKdamond, TraceInstance, Workload,
                         check_windows_during, ctx, deactivate_all, eq, errname, fails, in_command_wait,
                         is_file, kd, kdamond_pid, lock_reader, main, ok,
                         reads, scheme, set_intervals, setup_kdamond,
                         stat_kdamond, state, system_ram, target, task_stack,
                         task_state, test, true, value, wait_for, write,
                         write_in_thread)

POLL_EVENTS = select.POLLPRI | select.POLLERR


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


# --- refresh_ms -------------------------------------------------------------

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


@test
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


@test
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


@test
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


@test
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


# --- obsolete_target ------------------------------------------------------

@test
def obsolete_target_file():
    """0600, N by default, a boolean."""
    ok(KDAMONDS + '/nr_kdamonds', '1')
    ok(kd() + '/contexts/nr_contexts', '1')
    ok(ctx() + '/targets/nr_targets', '1')
    path = target() + '/obsolete_target'
    is_file(path, 0o600)
    reads(path, 'N')
    ok(path, 'Y')
    reads(path, 'Y')
    ok(path, '0')
    reads(path, 'N')
    fails(path, 'maybe', errno.EINVAL)
    reads(path, 'N')


def by_target(window):
    """{target_id: (first start, max age)} of a window."""
    out = {}
    for tid, _, start, _, _, age in window.regions:
        first, oldest = out.get(tid, (start, 0))
        out[tid] = (min(first, start), max(oldest, age))
    return out


def kept_ages(now, then, what):
    """A target that kept its regions is as old as before, give or take
    the merges of old regions with young ones; a new one would be a window
    or two old."""
    true(now >= max(4, then // 2), '%s lost its ages: %d, was %d' %
         (what, now, then))


def windows_after(trace, pid, ts, n):
    """The first n windows of kdamond pid that end after ts."""
    wait_for(lambda: len([x for x in trace.windows(pid) if x.ts > ts]) >= n,
             '%d windows after the commit' % n, timeout=300, interval=0.2)
    return [x for x in trace.windows(pid) if x.ts > ts][:n]


@test
def obsolete_middle_target():
    """Three targets; the middle one's process exits and its directory is
    marked obsolete: the commit removes it, and targets 0 and 2 go on as
    0 and 1 with their regions and ages."""
    ws = [Workload() for _ in range(3)]
    try:
        with Aggregations() as trace:
            setup_kdamond('vaddr', [w.pid for w in ws])
            ok(kd() + '/state', 'on')
            pid = kdamond_pid()
            before = by_target(trace.wait_windows(pid, 20)[-1])
            eq(sorted(before), [0, 1, 2], 'targets before the commit')
            ws[1].stop()
            ok(target(1) + '/obsolete_target', 'Y')
            # the window whose end runs the commit is traced after it
            issued = time.clock_gettime(time.CLOCK_MONOTONIC)
            ok(kd() + '/state', 'commit')
            committed = time.clock_gettime(time.CLOCK_MONOTONIC)
            last = by_target([x for x in trace.windows(pid)
                              if x.ts <= issued][-1])
            after = by_target(windows_after(trace, pid, committed, 2)[-1])
            print('# before %s\n# after %s' % (before, after))
            eq(sorted(after), [0, 1], 'targets after the commit')
            eq([after[t][0] for t in (0, 1)],
               [last[t][0] for t in (0, 2)], 'first region of each target')
            for new, old in ((0, 0), (1, 2)):
                kept_ages(after[new][1], last[old][1], 'target %d' % old)
            true(last[1][0] not in (after[0][0], after[1][0]),
                 'the obsolete target is still monitored')

            # as upstream documents, the user renumbers the directories:
            # nr_targets makes them anew
            ok(ctx() + '/targets/nr_targets', '2')
            ok(target(0) + '/pid_target', str(ws[0].pid))
            ok(target(1) + '/pid_target', str(ws[2].pid))
            reads(target(1) + '/obsolete_target', 'N')
            ok(kd() + '/state', 'commit')
            committed = time.clock_gettime(time.CLOCK_MONOTONIC)
            again = by_target(windows_after(trace, pid, committed, 1)[0])
            eq([again[t][0] for t in (0, 1)],
               [after[t][0] for t in (0, 1)], 'targets after renumbering')
            kept_ages(again[1][1], after[1][1], 'renumbered target 1')
            ok(kd() + '/state', 'off')
    finally:
        for w in ws:
            w.stop()


@test
def obsolete_without_running_target():
    """A directory marked obsolete beyond the running targets fails the
    commit with EINVAL, and nothing of the commit is applied."""
    with Workload() as a, Workload() as b, Aggregations() as trace:
        setup_kdamond('vaddr', [a.pid, b.pid])
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()
        trace.wait_windows(pid, 3)
        ok(ctx() + '/targets/nr_targets', '3')
        ok(target(2) + '/pid_target', str(a.pid))
        ok(target(2) + '/obsolete_target', 'Y')
        # a scheme that would be tried on every region, if committed
        ok(ctx() + '/schemes/nr_schemes', '1')
        ok(scheme() + '/action', 'stat')
        for r in ('sz', 'nr_accesses', 'age'):
            ok('%s/access_pattern/%s/max' % (scheme(), r), U64_MAX)
        fails(kd() + '/state', 'commit', errno.EINVAL)
        failed = time.clock_gettime(time.CLOCK_MONOTONIC)
        wins = windows_after(trace, pid, failed, 3)
        eq([x.targets() for x in wins], [[0, 1]] * 3, 'running targets')
        ok(kd() + '/state', 'update_schemes_stats')
        eq(stat('nr_tried'), 0, 'nr_tried of a scheme never committed')
        eq(state(), 'on', 'state')
        ok(kd() + '/state', 'off')


@test
def obsolete_ignored_by_on():
    """"on" monitors a target marked obsolete, and needs its process."""
    with Workload() as w, Aggregations() as trace:
        setup_kdamond('vaddr', [w.pid])
        ok(target() + '/obsolete_target', 'Y')
        ok(kd() + '/state', 'on')
        wins = trace.wait_windows(kdamond_pid(), 2)
        eq(wins[-1].targets(), [0], 'targets')
        ok(kd() + '/state', 'off')
        w.stop()
        fails(kd() + '/state', 'on', errno.EINVAL)


# --- poll() on state and pid ------------------------------------------------

class Poller:
    """An open state or pid file, read once, ready to be polled."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)
        os.read(self.fd, 64)
        self.poll = select.poll()
        self.poll.register(self.fd, POLL_EVENTS)

    def wait(self, timeout_s):
        """Whether the file was notified within timeout_s; then re-read."""
        if not self.poll.poll(timeout_s * 1000):
            return False
        os.lseek(self.fd, 0, os.SEEK_SET)
        self.content = os.read(self.fd, 64).decode().strip()
        return True

    def close(self):
        os.close(self.fd)


@test
def poll_wakes_when_targets_exit():
    """A poller of state or pid wakes within a second of the exit of the
    kdamond's last target, and reads "off" and -1."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        ok(kd() + '/state', 'on')
        state_poller = Poller(kd() + '/state')
        pid_poller = Poller(kd() + '/pid')
        true(not state_poller.wait(0.5), 'woken with nothing to tell')
        results = {}

        def wait_pid():
            results['pid'] = pid_poller.wait(120)
            results['pid_at'] = time.monotonic()
        thread = threading.Thread(target=wait_pid)
        thread.start()
        w.proc.send_signal(signal.SIGKILL)
        w.proc.wait()
        exited = time.monotonic()
        true(state_poller.wait(120), 'no notification of the stop')
        took = time.monotonic() - exited
        thread.join()
        print('# woken %.3f s after the exit' % took)
        true(took < 1, 'woken %.3f s after the exit' % took)
        eq(state_poller.content, 'off', 'state when woken')
        true(results['pid'], 'pid: no notification of the stop')
        eq(pid_poller.content, '-1', 'pid when woken')
        state_poller.close()
        pid_poller.close()
    fails(kd() + '/state', 'off', errno.EPERM)


@test
def poll_wakes_on_commands():
    """on and off, by another writer, wake pollers of state."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        poller = Poller(kd() + '/state')
        ok(kd() + '/state', 'on')
        true(poller.wait(60), 'no notification of on')
        eq(poller.content, 'on', 'state after on')
        true(not poller.wait(0.5), 'woken again with nothing to tell')
        ok(kd() + '/state', 'off')
        true(poller.wait(60), 'no notification of off')
        eq(poller.content, 'off', 'state after off')
        poller.close()


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""State commands and the kdamond loop of 6.12.

No command may change what DAMON measures: the damon_aggregated tracepoint
shows every aggregation window at least as long as configured, however many
commands come.  Every command returns, in bounded time and with its
documented result, in every watermarks state: active, every scheme
deactivated with a watermarks interval of 0 (the kdamond goes on sampling)
or a long one (it sleeps between watermark checks), and while schemes
activate or deactivate.  Two commands at once each get their documented
result.

Bounds are generous, for slow guests; what is checked is behaviour.
"""

import errno
import os
import signal
import subprocess
import sys
import threading
import time

from _damon_test import (KDAMONDS, Aggregations, Failure, KdamondSleeps,
                         Samples, SlowPaddrKdamond, Workload,
                         check_windows_during, ctx, deactivate_all, eq,
                         errname, fails, free_mem_rate, gaps_us,
                         in_command_wait, kd, kdamond_pid, main, numbered, ok,
                         one_of_each, scheme, set_watermarks, stat_kdamond,
                         state, test, true, value, wait_for,
                         wait_until_pending, write, write_in_thread)

WAITING_CMDS = ['commit', 'commit_schemes_quota_goals',
                'update_schemes_stats', 'update_schemes_effective_quotas',
                'update_schemes_tried_bytes', 'update_schemes_tried_regions']
ALL_CMDS = WAITING_CMDS + ['clear_schemes_tried_regions']


def run_cmd(cmd, timeout=120):
    """Write cmd; fail unless it returns within timeout.  Returns the
    errno (0 for success)."""
    thread, result = write_in_thread(kd() + '/state', cmd)
    thread.join(timeout)
    if thread.is_alive():
        # release it before failing, or the test cannot end
        write(kd() + '/state', 'off')
        thread.join(60)
        raise Failure('%s did not return in %d s' % (cmd, timeout))
    return result['err']


def command_burst(seconds):
    """Every state command but on/off, again and again; all must succeed."""
    def work():
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            for cmd in ALL_CMDS:
                eq(run_cmd(cmd), 0, cmd)
                n += 1
        print('# %d commands' % n)
    return work


def windows_under_commands(sample, aggr):
    with Workload() as w, Aggregations() as trace:
        stat_kdamond(w, sample, aggr)
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()
        check_windows_during(trace, pid, aggr, 'every command',
                             command_burst(aggr * 6 / 1e6))
        ok(kd() + '/state', 'off')


@test(timeout=120)
def windows_intact_under_commands_fast_sampling():
    """sample_us below 20 ms: the core sleeps in usleep_range()."""
    windows_under_commands(10000, 300000)


@test(timeout=120)
def windows_intact_under_commands_slow_sampling():
    """sample_us above 20 ms: the core sleeps in schedule_timeout(), which
    a wake of the kdamond would end early."""
    windows_under_commands(50000, 500000)


@test(timeout=120)
def windows_intact_under_frequent_commits():
    """A commit every 0.35 s does not cut 1 s windows short (nor do
    the ages of hot regions fall back)."""
    with Workload() as w, Aggregations() as trace:
        stat_kdamond(w, 10000, 1000000)
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()

        def commits():
            for _ in range(12):
                eq(run_cmd('commit'), 0, 'commit')
                time.sleep(0.35)
        check_windows_during(trace, pid, 1000000, 'commits', commits)
        ok(kd() + '/state', 'off')


@test(timeout=180)
def commit_returns_at_a_window_end():
    """A commit returns at the natural end of a window, not before: with
    10 s windows it takes seconds, and windows stay 10 s long."""
    with Workload() as w, Aggregations() as trace:
        stat_kdamond(w, 10000, 10000000)
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()
        wins = trace.wait_windows(pid, 1)
        start = time.monotonic()
        eq(run_cmd('commit', 120), 0, 'commit')
        took = time.monotonic() - start
        print('# commit took %.2f s' % took)
        wins = trace.wait_windows(pid, 3)
        true(min(gaps_us(wins)) >= 10000000 * 0.995,
             'windows %s' % gaps_us(wins))
        ok(kd() + '/state', 'off')


def deactivated_kdamond(w, interval_us, nr_schemes=1):
    stat_kdamond(w, 5000, 100000, nr_schemes)
    deactivate_all(interval_us, nr_schemes)
    with KdamondSleeps() as sleeps:
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()
        if interval_us > 20000:
            sleeps.wait_parked(pid)
    return pid


def every_command_returns_empty(interval_us):
    with Workload() as w:
        pid = deactivated_kdamond(w, interval_us, nr_schemes=2)
        for cmd in ALL_CMDS:
            start = time.monotonic()
            eq(run_cmd(cmd, 60), 0, cmd)
            print('# %s: %.2f s' % (cmd, time.monotonic() - start))
            for s in range(2):
                if 'tried' in cmd:
                    eq(numbered(scheme(s) + '/tried_regions'), [],
                       'tried regions of a deactivated scheme')
                    eq(value(scheme(s) + '/tried_regions/total_bytes'),
                       '0', 'tried bytes of a deactivated scheme')
                eq(value(scheme(s) + '/stats/nr_tried'), '0', 'nr_tried')
        eq(state(), 'on', 'state')
        eq(kdamond_pid(), pid, 'kdamond pid')
        ok(kd() + '/state', 'off')


@test
def commands_while_deactivated_interval_0():
    """Deactivated, rechecked at every sampling: the kdamond samples on,
    no scheme is tried, and tried regions updates end with none."""
    every_command_returns_empty(0)


@test(timeout=120)
def commands_while_deactivated_long_interval():
    """Deactivated for 100 s between checks: every command is served from
    the watermarks check, at once."""
    every_command_returns_empty(100 * 1000 * 1000)


@test
def commit_of_no_scheme_while_deactivated():
    """Monitoring goes on after a commit that removes every scheme from a
    kdamond asleep for its watermarks."""
    with Workload() as w, Aggregations() as trace:
        pid = deactivated_kdamond(w, 100 * 1000 * 1000)
        trace.clear()
        ok(ctx() + '/schemes/nr_schemes', '0')
        eq(run_cmd('commit', 60), 0, 'commit')
        trace.wait_windows(pid, 3, 'windows after the commit')
        eq(kdamond_pid(), pid, 'kdamond pid')
        ok(kd() + '/state', 'off')


@test(timeout=180)
def deactivated_scheme_beside_an_active_one():
    """Scheme 1, deactivated by its watermarks (checked at every sampling,
    then every 100 s), is due only in an hour; scheme 0 is active.  A tried
    regions update does not wait for scheme 1's apply time: scheme 0 gets
    its pass, scheme 1 an empty result."""
    for wmarks_us in (0, 100 * 1000 * 1000):
        with Workload() as w:
            stat_kdamond(w, 5000, 100000, nr_schemes=2)
            ok(scheme(1) + '/apply_interval_us', str(3600 * 1000 * 1000))
            set_watermarks(wmarks_us, 1000, 1000, 1000, s=1)
            ok(kd() + '/state', 'on')
            for cmd in ('update_schemes_tried_regions',
                        'update_schemes_tried_bytes'):
                eq(run_cmd(cmd, 60), 0, cmd)
                true(int(value(scheme(0) + '/tried_regions/total_bytes')) >
                     0, '%s: no tried bytes of the active scheme' % cmd)
                if cmd == 'update_schemes_tried_regions':
                    true(numbered(scheme(0) + '/tried_regions'),
                         'no tried regions of the active scheme')
                eq(numbered(scheme(1) + '/tried_regions'), [],
                   '%s: tried regions of the deactivated scheme' % cmd)
                eq(value(scheme(1) + '/tried_regions/total_bytes'), '0',
                   '%s: tried bytes of the deactivated scheme' % cmd)
            true(numbered(scheme(0) + '/tried_regions') == [],
                 'tried bytes left region directories')
            ok(kd() + '/state', 'off')


@test
def commit_during_tried_regions_update():
    """A commit while an update waits for an apply pass: the update reports
    the next pass of the committed scheme, with its regions."""
    with Workload() as w:
        stat_kdamond(w, 5000, 100000, apply_us=600 * 1000 * 1000)
        ok(kd() + '/state', 'on')
        thread, result = write_in_thread(kd() + '/state',
                                         'update_schemes_tried_regions')
        wait_until_pending(thread, result, 'the tried regions update')
        # the committed scheme is applied at every window
        ok(scheme() + '/apply_interval_us', '0')
        eq(run_cmd('commit'), 0, 'commit')
        thread.join(120)
        true(not thread.is_alive(), 'the update did not return')
        eq(result['err'], 0, 'the update')
        true(len(numbered(scheme() + '/tried_regions')) > 0,
             'no tried regions')
        true(int(value(scheme() + '/tried_regions/total_bytes')) > 0,
             'no tried bytes')
        ok(kd() + '/state', 'off')


@test
def tried_regions_update_waits_for_one_pass():
    """Tried regions are those of one whole apply pass: their bytes are
    the scheme's tried bytes of that pass."""
    with Workload() as w:
        stat_kdamond(w, 5000, 100000)
        ok(kd() + '/state', 'on')
        for _ in range(3):
            eq(run_cmd('update_schemes_tried_regions'), 0, 'update')
            regions = numbered(scheme() + '/tried_regions')
            true(regions, 'no tried regions')
            total = sum(int(value('%s/tried_regions/%d/end' % (scheme(),
                                                               r))) -
                        int(value('%s/tried_regions/%d/start' % (scheme(),
                                                                 r)))
                        for r in regions)
            eq(int(value(scheme() + '/tried_regions/total_bytes')), total,
               'total_bytes')
            # a pass covers the whole workload: its 4 MiB at least
            true(total >= 4 << 20, 'one pass tried %d bytes' % total)
        ok(kd() + '/state', 'off')


def goal_quota(current):
    """Set one user_input goal of 10000 with current, as a new goal."""
    quotas = scheme() + '/quotas/'
    ok(quotas + 'goals/nr_goals', '0')
    eq(run_cmd('commit_schemes_quota_goals'), 0, 'removing the goals')
    ok(quotas + 'goals/nr_goals', '1')
    ok(quotas + 'goals/0/target_value', '10000')
    ok(quotas + 'goals/0/current_value', str(current))
    eq(run_cmd('commit_schemes_quota_goals'), 0, 'adding a goal')


def effective_bytes():
    eq(run_cmd('update_schemes_effective_quotas'), 0, 'effective quotas')
    return int(value(scheme() + '/quotas/effective_bytes'))


@test
def quota_goals_command_adds_goals_with_their_values():
    """commit_schemes_quota_goals gives the goals it adds their
    current_value: far below the target the quota grows, far above it
    stays at its floor."""
    with Workload(mib=16) as w:
        stat_kdamond(w, 5000, 50000)
        ok(scheme() + '/quotas/reset_interval_ms', '100')
        ok(kd() + '/state', 'on')
        goal_quota(1)
        wait_for(lambda: effective_bytes() > 1 << 20,
                 'the effective quota to grow')
        ok(kd() + '/state', 'off')
        ok(scheme() + '/quotas/goals/nr_goals', '0')
        ok(kd() + '/state', 'on')
        goal_quota(1000000)
        # from its floor of a byte, a quota below its goal doubles at each
        # 100 ms reset: in 5 s it would pass 64 KiB many times over
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            true(effective_bytes() < 64 << 10, 'the quota grew')
        ok(kd() + '/state', 'off')


def hog_mib_for(permil_drop):
    with open('/proc/meminfo') as f:
        total = int(f.readline().split()[1])
    return total * permil_drop // 1000 // 1024 + 1


@test(timeout=120)
def scheme_deactivates_during_pending_update():
    """A tried regions update waits for a far apply pass; then free memory
    drops below the low watermark and the kdamond sleeps for its
    watermarks: the update returns at once, with no region."""
    with Workload() as w:
        stat_kdamond(w, 5000, 100000, apply_us=600 * 1000 * 1000)
        rate = free_mem_rate()
        set_watermarks(100 * 1000 * 1000, 1000, 1000, rate - 60)
        ok(kd() + '/state', 'on')
        thread, result = write_in_thread(kd() + '/state',
                                         'update_schemes_tried_regions')
        wait_until_pending(thread, result, 'the tried regions update')
        hog = Workload(mib=hog_mib_for(120))
        try:
            thread.join(60)
            true(not thread.is_alive(), 'the update did not return')
            eq(result['err'], 0, 'the update')
            eq(numbered(scheme() + '/tried_regions'), [], 'tried regions')
        finally:
            hog.stop()
        ok(kd() + '/state', 'off')


@test(timeout=120)
def scheme_activates_during_pending_commit():
    """The kdamond sleeps 10 s between watermark checks; a commit is served
    at once from that sleep, and a scheme that activates meanwhile is
    applied with the committed values."""
    with Workload() as w:
        stat_kdamond(w, 5000, 100000)
        rate = free_mem_rate()
        hog = Workload(mib=hog_mib_for(120))
        try:
            set_watermarks(10 * 1000 * 1000, 1000, 1000, rate - 60)
            with KdamondSleeps() as sleeps:
                ok(kd() + '/state', 'on')
                sleeps.wait_parked(kdamond_pid())
            thread, result = write_in_thread(kd() + '/state', 'commit')
            hog.stop()
            thread.join(60)
            true(not thread.is_alive(), 'the commit did not return')
            eq(result['err'], 0, 'commit')
        finally:
            hog.stop()

        def tried():
            eq(run_cmd('update_schemes_stats'), 0, 'stats')
            return int(value(scheme() + '/stats/nr_tried')) > 0
        wait_for(tried, 'the activated scheme to be tried')
        ok(kd() + '/state', 'off')


# Watermarks that deactivate the scheme while a hog holds 12% of memory:
# the kdamond parks mid-window, in its watermarks sleep, for as long as the
# hog lives.  Sampling sleeps of 20 ms or less are on hrtimers, so any
# timer of the kdamond is a watermarks sleep; with longer ones, a
# watermarks sleep is one of more than 60 jiffies (50 ms at HZ 1000).
PARK_SAMPLE_US = 5000
PARK_AGGR_US = 200000
PARK_WMARKS_US = 300000


def parking_kdamond(w, sample=PARK_SAMPLE_US, aggr=PARK_AGGR_US,
                    wmarks_us=PARK_WMARKS_US):
    stat_kdamond(w, sample, aggr)
    set_watermarks(wmarks_us, 1000, 1000, free_mem_rate() - 60)


def park_and_commit(pid, sleeps, min_jiffies=1, before_unpark=None):
    """Park the kdamond mid-window with a hog, commit while it sleeps for
    its watermarks, with commits in flight as it deactivates and as it
    activates again; every commit must succeed."""
    pending = [write_in_thread(kd() + '/state', 'commit')]
    sleeps.clear()
    hog = Workload(mib=hog_mib_for(120))
    try:
        sleeps.wait_parked(pid, min_jiffies)
        eq(run_cmd('commit'), 0, 'commit while parked')
        if before_unpark:
            before_unpark()
        pending.append(write_in_thread(kd() + '/state', 'commit'))
    finally:
        hog.stop()
    for thread, result in pending:
        thread.join(120)
        true(not thread.is_alive(), 'a commit did not return')
        eq(result['err'], 0, 'commit')


def samples_per_window(windows):
    return [len(w) for w in windows]


def short_sleeps(windows, min_us):
    """The sampling sleeps of windows shorter than min_us."""
    return [round((s.end - s.start) * 1e6) for w in windows for s in w
            if s.end is not None and (s.end - s.start) * 1e6 < min_us]


@test(timeout=180)
def parked_commits_keep_windows_whole():
    """The kdamond parks for its watermarks mid-window, three times, and
    commits come while it sleeps, deactivates and activates: every window
    holds exactly its configured number of samples, and no sampling sleep
    is cut short.  (6.12's damon_commit_ctx() starts a new window at a
    commit: served while parked, it lengthened the open window.)"""
    per_window = PARK_AGGR_US // PARK_SAMPLE_US
    with Workload() as w, Samples() as trace, KdamondSleeps() as sleeps:
        parking_kdamond(w)
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()
        trace.wait_windows(pid, 1)
        for _ in range(3):
            park_and_commit(pid, sleeps)
            trace.wait_windows(pid, len(trace.windows(pid)) + 2)
        wins = trace.windows(pid)
        counts = samples_per_window(wins)
        print('# samples per window: %s' % counts)
        true(all(c == per_window for c in counts),
             'windows of %s samples, configured %d' % (counts, per_window))
        # usleep_idle_range() never sleeps less unless woken
        eq(short_sleeps(wins, PARK_SAMPLE_US), [], 'short sampling sleeps')
        ok(kd() + '/state', 'off')


@test(timeout=180)
def parked_commit_of_new_intervals_starts_at_the_next_window():
    """Shorter intervals committed while parked: the window in progress
    keeps its configured number of samples of the old sampling interval;
    the following windows have the new ones.  A stream of commands runs
    meanwhile, whose writers wake a kdamond that has not sampled for
    longer than its sampling interval: none may cut a sampling sleep of
    the old, longer interval short."""
    old, new = (50000, 1000000), (5000, 150000)
    with Workload() as w, Samples() as trace, KdamondSleeps() as sleeps:
        parking_kdamond(w, *old, wmarks_us=1000000)
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()
        trace.wait_windows(pid, 1)
        stop = []

        def stream():
            while not stop:
                eq(run_cmd('update_schemes_stats'), 0, 'stats')

        def new_intervals():
            base = ctx() + '/monitoring_attrs/intervals/'
            ok(base + 'sample_us', str(new[0]))
            ok(base + 'aggr_us', str(new[1]))
        streamer = threading.Thread(target=stream)
        streamer.start()
        try:
            park_and_commit(pid, sleeps, 60, new_intervals)
            trace.wait_windows(pid, len(trace.windows(pid)) + 3)
        finally:
            stop.append(True)
            streamer.join(120)
        wins = trace.windows(pid)
        counts = samples_per_window(wins)
        print('# samples per window: %s' % counts)
        n_old, n_new = old[1] // old[0], new[1] // new[0]
        k = counts.index(n_new) if n_new in counts else len(counts)
        true(k > 0 and len(counts) - k >= 2 and
             counts == [n_old] * k + [n_new] * (len(counts) - k),
             'windows of %s samples: %d then %d expected' %
             (counts, n_old, n_new))
        # schedule_timeout() of whole jiffies may sleep a jiffy (4 ms at
        # HZ 250) less than 50 ms; a cut sleep is much shorter
        eq(short_sleeps(wins[:k], old[0] * 0.9), [],
           'short sampling sleeps of the old interval')
        eq(short_sleeps(wins[k:], new[0]), [],
           'short sampling sleeps of the new interval')
        ok(kd() + '/state', 'off')


@test(timeout=300)
def slow_kdamond_sleeps_whole_under_commands():
    """A kdamond whose iterations take longer than its sampling interval
    plus two jiffies (paddr, 10,000 regions) looks like one that sleeps for
    its watermarks to writers, who then wake it.  Under a stream of
    commands from two writers, no sampling sleep of 50 ms is cut short:
    the writers decide and wake under the lock that after_sampling takes
    before the sleep, and wake only idle sleeps."""
    with SlowPaddrKdamond(50000) as slow:
        stop = []

        def stream():
            while not stop:
                eq(run_cmd('update_schemes_stats'), 0, 'stats')
        writers = [threading.Thread(target=stream) for _ in range(2)]
        n = len(slow.trace.windows(slow.pid))
        for writer in writers:
            writer.start()
        try:
            wins = slow.trace.wait_windows(slow.pid, n + 8)[n + 1:]
        finally:
            stop.append(True)
            for writer in writers:
                writer.join(120)
        print('# %d samplings under commands, every %.1f ms' %
              (sum(len(w) for w in wins), slow.period_ms()))
        # schedule_timeout() of whole jiffies may sleep a jiffy less
        eq(short_sleeps(wins, 50000 * 0.9), [], 'short sampling sleeps')
        ok(kd() + '/state', 'off')


def killed_writer_exits(cmd, setup_slow):
    """A writer killed while its command waits is gone within seconds."""
    with Workload() as w:
        setup_slow(w)
        ok(kd() + '/state', 'on')
        code = ('import os, sys\n'
                'fd = os.open(%r, os.O_WRONLY)\n'
                'os.write(fd, %r)\n' % (kd() + '/state', cmd.encode()))
        child = subprocess.Popen([sys.executable, '-c', code])
        wait_for(lambda: child.poll() is not None or
                 in_command_wait(child.pid), 'the writer to wait')
        true(child.poll() is None, '%s returned at once' % cmd)
        start = time.monotonic()
        child.send_signal(signal.SIGKILL)
        try:
            child.wait(30)
        except subprocess.TimeoutExpired:
            raise Failure('the killed writer of %s is still there' % cmd)
        print('# killed %s writer gone in %.2f s' %
              (cmd, time.monotonic() - start))
        eq(state(), 'on', 'state after the kill')
        ok(kd() + '/state', 'update_schemes_stats')
        ok(kd() + '/state', 'off')


@test(timeout=120)
def killed_writer_of_pending_commit():
    killed_writer_exits('commit', lambda w: stat_kdamond(w, 10000, 20000000))


@test(timeout=120)
def killed_writer_of_running_update():
    killed_writer_exits('update_schemes_tried_regions',
                        lambda w: stat_kdamond(w, 10000, 100000,
                                               apply_us=600 * 1000 * 1000))


# Two commands at once on one kdamond: the second comes while the first
# waits for the kdamond.  Documented outcomes: "on" fails with EBUSY (the
# kdamond runs); "off" stops the kdamond and the first fails with
# ECANCELED; every other pair both succeed.
PAIR_SAMPLE_US = 1000000
PAIR_AGGR_US = 2000000


@test(timeout=900)
def every_pair_of_commands():
    with Workload() as w:
        stat_kdamond(w, PAIR_SAMPLE_US, PAIR_AGGR_US)
        ok(kd() + '/state', 'on')
        outcomes = {}
        for first in WAITING_CMDS:
            for second in ALL_CMDS + ['on', 'off']:
                if state() != 'on':
                    ok(kd() + '/state', 'on')
                thread, result = write_in_thread(kd() + '/state', first)
                wait_until_pending(thread, result, first)
                err2 = run_cmd(second)
                thread.join(120)
                true(not thread.is_alive(), '%s did not return' % first)
                got = (errname(result['err']), errname(err2))
                want = ('success', 'success')
                if second == 'on':
                    want = ('success', 'EBUSY')
                elif second == 'off':
                    want = ('ECANCELED', 'success')
                if got != want:
                    outcomes[(first, second)] = got
        true(not outcomes, 'pairs with other outcomes: %s' % outcomes)
        if state() == 'on':
            ok(kd() + '/state', 'off')


@test
def nr_files_have_a_maximum():
    """Every nr_* file fails above 65536 with EINVAL at once, leaving the
    directory as it was.  (That on and commit take a tree of that size is
    the kunit case damon_sysfs_test_build_most_regions: making 65536
    directories takes minutes on the debug kernel.)"""
    max_nr = 65536
    one_of_each()
    regions = ctx() + '/targets/0/regions'
    for path in (KDAMONDS + '/nr_kdamonds', ctx() + '/targets/nr_targets',
                 regions + '/nr_regions', ctx() + '/schemes/nr_schemes',
                 scheme() + '/quotas/goals/nr_goals',
                 scheme() + '/filters/nr_filters'):
        start = time.monotonic()
        fails(path, str(max_nr + 1), errno.EINVAL)
        fails(path, '3000000', errno.EINVAL)
        true(time.monotonic() - start < 5, 'refusal took long')
        eq(value(path), '1', path)


@test(timeout=120)
def long_creation_is_killable():
    """A writer killed while it creates many directories returns, and the
    directory is left empty."""
    ok(KDAMONDS + '/nr_kdamonds', '1')
    ok(kd() + '/contexts/nr_contexts', '1')
    ok(ctx() + '/targets/nr_targets', '1')
    regions = ctx() + '/targets/0/regions'
    code = ('import os\n'
            'fd = os.open(%r, os.O_WRONLY)\n'
            'os.write(fd, b"65536")\n' % (regions + '/nr_regions'))
    child = subprocess.Popen([sys.executable, '-c', code])
    wait_for(lambda: child.poll() is not None or
             len(os.listdir(regions)) > 100, 'the creation to start')
    start = time.monotonic()
    child.send_signal(signal.SIGKILL)
    child.wait(60)
    print('# killed after %.2f s' % (time.monotonic() - start))
    if child.returncode == -signal.SIGKILL:
        wait_for(lambda: value(regions + '/nr_regions') == '0',
                 'the regions to go', timeout=60)
    eq(numbered(regions), list(range(int(value(regions + '/nr_regions')))),
       'region directories')


if __name__ == '__main__':
    main()

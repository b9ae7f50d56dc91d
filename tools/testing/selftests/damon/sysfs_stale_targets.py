#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""targets/<T>/obsolete_target, upstream since 6.19, added to 6.12.

A commit removes the running targets whose directories are marked
obsolete, wherever they stand; the others keep their regions and ages, as
DAMON's damon_aggregated tracepoint shows, and are matched in order with
the remaining directories.
"""

import errno
import time

from _damon_test import (KDAMONDS, U64_MAX, Aggregations, Workload, ctx, eq,
                         fails, is_file, kd, kdamond_pid, main, ok, reads,
                         scheme, setup_kdamond, state, target, test, true,
                         value, wait_for)


def stat(name, s=0):
    return int(value('%s/stats/%s' % (scheme(s), name)))


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


@test(timeout=180)
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


if __name__ == '__main__':
    main()

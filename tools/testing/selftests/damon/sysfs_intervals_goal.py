#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""monitoring_attrs/intervals/intervals_goal, upstream since 6.15, added
to 6.12: the auto-tuning of the sampling and aggregation intervals, and
the state keyword update_tuned_intervals.

What the kdamond tuned is checked against mainline's formula, computed
here from what DAMON's damon_aggregated tracepoint shows of the windows
that the tuning saw: region sizes and nr_accesses.
"""

import errno

from _damon_test import (KDAMONDS, Aggregations, Workload, ctx, eq, fails,
                         is_file, kd, kdamond_pid, main, ok, reads,
                         set_intervals, setup_kdamond, state, test, true,
                         value, wait_for)

GOAL = 'monitoring_attrs/intervals/intervals_goal/'
GOAL_FILES = ('access_bp', 'aggrs', 'min_sample_us', 'max_sample_us')
# aggr/sample divides 10,000: the conversion of nr_accesses that a
# change of intervals makes keeps them as the tuning saw them
SAMPLE_US, AGGR_US, AGGR_SAMPLES = 4000, 40000, 10


def set_goal(access_bp, aggrs, min_us, max_us, k=0):
    for name, v in zip(GOAL_FILES, (access_bp, aggrs, min_us, max_us)):
        ok(ctx(k) + '/' + GOAL + name, str(v))


def tuned(k=0):
    """update_tuned_intervals, then the intervals files."""
    ok(kd(k) + '/state', 'update_tuned_intervals')
    base = ctx(k) + '/monitoring_attrs/intervals/'
    return int(value(base + 'sample_us')), int(value(base + 'aggr_us'))


def adaptation_bp(score_bp):
    """Mainline's: its feed loop with a last input of 10^8, over 10^4,
    with [1, 10,000] squeezed into [5,000, 10,000]."""
    goal, last = 10000, 100000000
    if score_bp == goal:
        nxt = last
    elif score_bp >= 2 * goal:
        nxt = 10000
    elif score_bp > goal:
        nxt = max(last - last * (score_bp - goal) // goal, 10000)
    else:
        nxt = last + last * (goal - score_bp) // goal
    bp = nxt // 10000
    return 5000 + bp // 2 if bp <= 10000 else bp


def predicted(windows, aggrs, access_bp, min_us, max_us):
    """The sampling interval after each tuning, as mainline computes it
    from the windows it tunes at: the aggrs-th, 2*aggrs-th... since on."""
    sample, out = SAMPLE_US, []
    for i in range(aggrs - 1, len(windows), aggrs):
        events = most = 0
        for _, _, start, end, nr_accesses, _ in windows[i].regions:
            events += (end - start) * nr_accesses
            most += (end - start) * AGGR_SAMPLES
        score = events * 10000 // (most * access_bp // 10000)
        bp = adaptation_bp(score)
        if bp != 10000:
            sample = max(min(sample * bp // 10000, max_us), min_us)
        out.append(sample)
    return out


def tuned_within(trace, pid, goal, k=0):
    """The tuned intervals that update_tuned_intervals reports are those
    that mainline's formula gives after one of the tunings traced around
    the command."""
    before = predicted(trace.windows(pid), *goal)
    sample, aggr = tuned(k)
    after = predicted(trace.windows(pid), *goal)
    eq(after[:len(before)], before, 'the tunings traced before')
    allowed = ([SAMPLE_US] if not before else before[-1:]) + \
        after[len(before):]
    true(sample in allowed, 'sample_us %d, mainline gives %s after %d to '
         '%d tunings' % (sample, allowed, len(before), len(after)))
    eq(aggr, sample * AGGR_SAMPLES, 'aggr_us')
    return sample, after


@test
def goal_files():
    """0600 numbers, 0 by default (no tuning); EINVAL for a non-number."""
    ok(KDAMONDS + '/nr_kdamonds', '1')
    ok(kd() + '/contexts/nr_contexts', '1')
    for name in GOAL_FILES:
        path = ctx() + '/' + GOAL + name
        is_file(path, 0o600)
        reads(path, '0')
        ok(path, '123')
        reads(path, '123')
        fails(path, 'x', errno.EINVAL)
        fails(path, '-1', errno.EINVAL)
        reads(path, '123')


@test(timeout=300)
def idle_up_to_max_busy_down_to_min():
    """An idle target drives the sampling interval up to max_sample_us, a
    busy one down to min_sample_us, each tuning as mainline's formula
    says, the aggregation interval in the same ratio."""
    with Workload(mib=8) as w, Aggregations() as trace:
        quarter = (w.end - w.start) // 4
        # kdamond 0 watches the cold part, 1 the hot one
        setup_kdamond('fvaddr', [w.pid], [[(w.start + quarter, w.end)]],
                      nr_kdamonds=2)
        setup_kdamond('fvaddr', [w.pid], [[(w.start, w.start + quarter)]],
                      k=1)
        # (aggrs, access_bp, min_sample_us, max_sample_us)
        goal = (1, 400, 1000, 32000)
        for k in (0, 1):
            set_intervals(SAMPLE_US, AGGR_US, 1000000, k=k)
            set_goal(400, 1, 1000, 32000, k=k)
        ok(kd(0) + '/state', 'on')
        ok(kd(1) + '/state', 'on')
        idle, busy = (int(value(kd(k) + '/pid')) for k in (0, 1))
        # idle: 4 -> 8 -> 16 -> 32 ms; busy: 4 -> 2 -> 1 ms
        trace.wait_windows(idle, 6)
        trace.wait_windows(busy, 6)
        got_idle, seq_idle = tuned_within(trace, idle, goal, 0)
        got_busy, seq_busy = tuned_within(trace, busy, goal, 1)
        print('# idle: tuned %s, reported %d' % (seq_idle, got_idle))
        print('# busy: tuned %s, reported %d' % (seq_busy, got_busy))
        eq(seq_idle[:3], [8000, 16000, 32000], 'idle target')
        eq(seq_busy[:2], [2000, 1000], 'busy target')
        # a busy window may still see too few events at 1 ms and tune up
        # again: what was reported is checked against the formula above
        eq(got_idle, 32000, 'idle target')
        ok(kd(0) + '/state', 'off')
        ok(kd(1) + '/state', 'off')


@test(timeout=300)
def aggrs_0_tunes_nothing():
    """With aggrs 0 the rest of the goal is ignored, even bounds that
    exclude sample_us, and the intervals stay as written."""
    with Workload() as w, Aggregations() as trace:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(SAMPLE_US, AGGR_US, 1000000)
        set_goal(400, 0, 100000, 200000)
        ok(kd() + '/state', 'on')
        trace.wait_windows(kdamond_pid(), 8)
        eq(tuned(), (SAMPLE_US, AGGR_US), 'intervals')
        ok(kd() + '/state', 'off')


@test
def goal_bounds_refused():
    """A goal that tunes needs min_sample_us <= sample_us <= max_sample_us:
    on and commit fail with EINVAL otherwise, and a running kdamond keeps
    its context."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(SAMPLE_US, AGGR_US, 1000000)
        for bad in ((400, 3, 5000, 4000), (400, 3, 4001, 8000),
                    (400, 3, 1000, 3999)):
            set_goal(*bad)
            fails(kd() + '/state', 'on', errno.EINVAL)
            eq(state(), 'off', 'state after a refused on')
        set_goal(400, 3, SAMPLE_US, SAMPLE_US)
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()
        set_goal(400, 3, 5000, 4000)
        fails(kd() + '/state', 'commit', errno.EINVAL)
        eq((state(), kdamond_pid()), ('on', pid), 'kdamond after the commit')
        eq(tuned(), (SAMPLE_US, AGGR_US), 'intervals')
        ok(kd() + '/state', 'off')
        fails(kd() + '/state', 'update_tuned_intervals', errno.EINVAL)


@test(timeout=300)
def commit_takes_the_files_intervals():
    """As mainline's commit: the intervals committed are those of the
    files.  Without update_tuned_intervals first, the tuned ones are
    lost; after it, they are kept."""
    with Workload() as w, Aggregations() as trace:
        setup_kdamond('fvaddr', [w.pid], [[(w.start + (w.end - w.start) // 2,
                                             w.end)]])
        set_intervals(SAMPLE_US, AGGR_US, 1000000)
        set_goal(400, 1, 1000, 16000)
        ok(kd() + '/state', 'on')
        pid = kdamond_pid()
        wait_for(lambda: predicted(trace.windows(pid), 1, 400, 1000,
                                   16000)[-1:] == [16000],
                 'tuning up to 16 ms', timeout=300)
        # tuning off: what the commit sets stays
        ok(ctx() + '/' + GOAL + 'aggrs', '0')
        ok(kd() + '/state', 'commit')
        eq(tuned(), (SAMPLE_US, AGGR_US), 'intervals after a plain commit')
        ok(ctx() + '/' + GOAL + 'aggrs', '1')
        ok(kd() + '/state', 'commit')
        wait_for(lambda: tuned()[0] == 16000, 'tuning up to 16 ms again',
                 timeout=300)
        ok(ctx() + '/' + GOAL + 'aggrs', '0')
        ok(kd() + '/state', 'commit')
        eq(tuned(), (16000, 16000 * AGGR_SAMPLES),
           'intervals after update_tuned_intervals and a commit')
        ok(kd() + '/state', 'off')


@test(timeout=300)
def refresh_ms_refreshes_tuned_intervals():
    """refresh_ms copies the tuned intervals into the files, as mainline's
    does."""
    with Workload() as w:
        setup_kdamond('fvaddr', [w.pid], [[(w.start + (w.end - w.start) // 2,
                                             w.end)]])
        set_intervals(SAMPLE_US, AGGR_US, 1000000)
        set_goal(400, 1, 1000, 16000)
        ok(kd() + '/refresh_ms', '100')
        ok(kd() + '/state', 'on')
        base = ctx() + '/monitoring_attrs/intervals/'
        wait_for(lambda: value(base + 'sample_us') == '16000',
                 'sample_us to read 16000', timeout=300)
        reads(base + 'aggr_us', str(16000 * AGGR_SAMPLES))
        ok(kd() + '/refresh_ms', '0')
        ok(kd() + '/state', 'off')


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark of the DAMON sysfs interface, run in the guest.

Times state commands, on/off cycles and big nr_regions resizes through the
sysfs files, on whichever interface the kernel has (ours or stock), and
prints one JSON object.  Not a test: it asserts nothing about speed.
"""

import json
import os
import random
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'tools',
                                'testing', 'selftests', 'damon'))
import _damon_test as t  # noqa: E402

N = int(os.environ.get('BENCH_N', '30'))


# Commands arrive at random points of the kdamond's windows, as users'
# do: back to back, each would start where the last one ended, at a window
# boundary, and wait a whole window.  A pause much longer than a window
# (a 100 ms window lasts ~160 ms under TCG) puts the next command at a
# nearly uniform phase; a pause of about one window would not, since the
# previous command of ours ended at a boundary.  The pauses are not timed.
PHASES = random.Random(12)
SPREAD_S = 1.6


def timed(fn, n, spread_s=0.0):
    times = []
    for _ in range(n):
        if spread_s:
            time.sleep(PHASES.uniform(0, spread_s))
        start = time.monotonic()
        fn()
        times.append((time.monotonic() - start) * 1000)
    return times


def record(res, name, times):
    """Both statistics: stock's latencies are multiples of its 100 ms
    poll, so its median hides the polls that take 200 ms."""
    res[name + '_mean_ms'] = statistics.mean(times)
    res[name + '_median_ms'] = statistics.median(times)


def ok(path, content):
    t.ok(path, content)


REFRESH_FN = 'damon_sysfs_refresh_fn'
EVENT = re.compile(r'^\s*\S+-(\d+)\s+\[\d+\]\s+\S+\s+(\d+\.\d+): '
                   r'(\w+): (.*)$')


def refresh_cpu_s(lines):
    """CPU time spent in the refresh's work function: from its start, or
    from when its kworker is switched back in, to its end, or to when the
    kworker is switched out (it sleeps while the kdamond takes the
    snapshot)."""
    in_work, since, total, rounds = set(), {}, 0.0, 0
    for line in lines:
        m = EVENT.match(line)
        if not m:
            continue
        pid, ts, event, rest = int(m.group(1)), float(m.group(2)), \
            m.group(3), m.group(4)
        if event == 'workqueue_execute_start' and REFRESH_FN in rest:
            in_work.add(pid)
            since[pid] = ts
            rounds += 1
        elif event == 'workqueue_execute_end' and pid in in_work:
            if since.get(pid) is not None:
                total += ts - since[pid]
            in_work.discard(pid)
            since[pid] = None
        elif event == 'sched_switch':
            prev = int(re.search(r'prev_pid=(\d+)', rest).group(1))
            nxt = int(re.search(r'next_pid=(\d+)', rest).group(1))
            if prev in in_work and since.get(prev) is not None:
                total += ts - since[prev]
                since[prev] = None
            if nxt in in_work:
                since[nxt] = ts
    return total, rounds


def refresh_cost(res, seconds=20):
    """The CPU cost of refresh_ms at 100 ms on the running paddr kdamond
    (one scheme, ~10,000 regions), from the workqueue and scheduler
    tracepoints."""
    events = ['workqueue/workqueue_execute_start',
              'workqueue/workqueue_execute_end', 'sched/sched_switch']
    with t.TraceInstance(events, 'damon_bench') as trace:
        ok(trace.dir + '/buffer_size_kb', '65536')
        ok(t.kd() + '/refresh_ms', '100')
        time.sleep(1)
        trace.clear()
        time.sleep(seconds)
        lines = trace.lines()
        ok(t.kd() + '/refresh_ms', '0')
    cpu, rounds = refresh_cpu_s(lines)
    res['refresh_100ms_cpu_per_s_ms'] = cpu * 1000 / seconds
    res['refresh_100ms_rounds_per_s'] = rounds / seconds


def callback_us(callback, seconds=10):
    """The mean time the kdamond spends in a callback of the interface
    (damon_sysfs_<callback>), by the function_graph tracer (the
    instance-wide one: the benchmark runs alone)."""
    fn = 'damon_sysfs_' + callback
    graphed = re.compile(r'([0-9.]+) us\s+\|\s+%s\(\);' % fn)
    tracing = '/sys/kernel/tracing'
    ok(tracing + '/set_graph_function', fn)
    ok(tracing + '/max_graph_depth', '1')
    ok(tracing + '/current_tracer', 'function_graph')
    with open(tracing + '/trace', 'w'):
        pass
    time.sleep(seconds)
    with open(tracing + '/trace') as f:
        times = [float(m.group(1)) for m in map(graphed.search, f) if m]
    ok(tracing + '/current_tracer', 'nop')
    ok(tracing + '/max_graph_depth', '0')
    return statistics.mean(times) if times else None


def tuning_cost(res):
    """What the intervals tuning adds to a window's end, on the running
    paddr kdamond (tried_regions_count regions): its callback without
    tuning, then tuning every window, with bounds that keep the
    intervals (every tuning scores all regions and sets the attributes
    again, converting every region)."""
    goal = t.ctx() + '/monitoring_attrs/intervals/intervals_goal/'
    res['after_aggregation_us'] = callback_us('after_aggregation')
    for name, v in (('access_bp', '400'), ('aggrs', '1'),
                    ('min_sample_us', '5000'), ('max_sample_us', '5000')):
        ok(goal + name, v)
    ok(t.kd() + '/state', 'commit')
    res['after_aggregation_tuning_us'] = callback_us('after_aggregation')
    ok(goal + 'aggrs', '0')
    ok(t.kd() + '/state', 'commit')


def node_goal_cost(res):
    """What a quota goal on node memory adds to the kdamond's
    after_sampling, on the running paddr kdamond: the callback without
    one, then with a node_mem_used_bp goal on node 0 that is measured
    before every apply step (no charge window: reset_interval_ms 0)."""
    quotas = t.ctx() + '/schemes/0/quotas/'
    ok(quotas + 'goals/nr_goals', '1')
    if not os.path.exists(quotas + 'goals/0/nid'):
        ok(quotas + 'goals/nr_goals', '0')  # stock 6.12
        return
    res['after_sampling_us'] = callback_us('after_sampling')
    ok(quotas + 'goals/0/target_metric', 'node_mem_used_bp')
    ok(quotas + 'goals/0/target_value', '10000')
    ok(t.kd() + '/state', 'commit')
    res['after_sampling_node_goal_us'] = callback_us('after_sampling')
    ok(quotas + 'goals/nr_goals', '0')
    ok(t.kd() + '/state', 'commit')


def main():
    res = {}
    t.reset()
    with t.Workload() as w:
        t.setup_kdamond('vaddr', [w.pid])
        # the default intervals
        t.set_intervals(5000, 100000, 60000000)
        ok(t.ctx() + '/schemes/nr_schemes', '1')
        base = t.ctx() + '/schemes/0/access_pattern/'
        for r in ('sz', 'nr_accesses', 'age'):
            ok(base + r + '/max', str(2 ** 64 - 1))
        with t.Aggregations() as trace:
            ok(t.kd() + '/state', 'on')
            pid = int(t.value(t.kd() + '/pid'))
            trace.wait_windows(pid, 2)
            trace.clear()
            record(res, 'commit', timed(
                lambda: ok(t.kd() + '/state', 'commit'), N, SPREAD_S))
            # what the commits did to DAMON's windows (100 ms configured)
            res['shortest_window_during_commits_ms'] = min(
                t.gaps_us(trace.windows(pid))) / 1000
        record(res, 'update_schemes_stats', timed(
            lambda: ok(t.kd() + '/state', 'update_schemes_stats'), N,
            SPREAD_S))
        # a process, default intervals: the usual damo report access
        record(res, 'vaddr_update_schemes_tried_regions', timed(
            lambda: ok(t.kd() + '/state', 'update_schemes_tried_regions'),
            N, SPREAD_S))
        ok(t.kd() + '/state', 'off')

        res['on_off_cycle_ms'] = statistics.median(timed(lambda: (
            ok(t.kd() + '/state', 'on'), ok(t.kd() + '/state', 'off')), N))

    regions = t.target() + '/regions/nr_regions'
    create, destroy = [], []
    for _ in range(3):
        start = time.monotonic()
        ok(regions, '10000')
        mid = time.monotonic()
        ok(regions, '0')
        destroy.append((time.monotonic() - mid) * 1000)
        create.append((mid - start) * 1000)
    res['nr_regions_10000_create_ms'] = statistics.median(create)
    res['nr_regions_10000_destroy_ms'] = statistics.median(destroy)

    t.reset()
    start, end = t.system_ram()
    t.setup_kdamond('paddr', [0], [[(start, end)]])
    t.set_intervals(5000, 100000, 1000000)
    nr = t.ctx() + '/monitoring_attrs/nr_regions/'
    ok(nr + 'max', '20000')
    ok(nr + 'min', '10000')
    ok(t.ctx() + '/schemes/nr_schemes', '1')
    base = t.ctx() + '/schemes/0/access_pattern/'
    for r in ('sz', 'nr_accesses', 'age'):
        ok(base + r + '/max', str(2 ** 64 - 1))
    ok(t.kd() + '/state', 'on')
    tried = t.ctx() + '/schemes/0/tried_regions'
    # let the regions split up to about min_nr_regions
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        time.sleep(2)
        ok(t.kd() + '/state', 'update_schemes_tried_regions')
        if len(t.numbered(tried)) > 8000:
            break
    res['tried_regions_count'] = len(t.numbered(tried))
    res['update_schemes_tried_regions_ms'] = statistics.median(timed(
        lambda: ok(t.kd() + '/state', 'update_schemes_tried_regions'), 5))
    res['update_schemes_tried_bytes_ms'] = statistics.median(timed(
        lambda: ok(t.kd() + '/state', 'update_schemes_tried_bytes'), 5))
    if os.path.exists(t.kd() + '/refresh_ms'):
        refresh_cost(res)
    if os.path.exists(t.ctx() + '/monitoring_attrs/intervals/intervals_goal'):
        tuning_cost(res)
    node_goal_cost(res)
    ok(t.kd() + '/state', 'off')
    t.reset()
    print('BENCH ' + json.dumps(res))


if __name__ == '__main__':
    main()

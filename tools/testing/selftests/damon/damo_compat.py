#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The users' tool, damo, against this interface: start, report, tune, stop.

damo is not part of the kernel: the test runs when the DAMO environment
variable names its executable, and skips otherwise.
"""

import os
import re
import subprocess
import sys
import tempfile
import time

from _damon_test import (KSFT_SKIP, Aggregations, Failure, Workload, ctx, kd,
                         main, state, test, value, wait_for, write)

DAMO = os.environ.get('DAMO', '')


# damo caches what it probed of the kernel in $HOME, which must be writable
DAMO_HOME = tempfile.mkdtemp(prefix='damo-home-')


def damo(*args, timeout=600):
    env = dict(os.environ, HOME=DAMO_HOME)
    res = subprocess.run([sys.executable, DAMO] + list(args), env=env,
                         capture_output=True, text=True, timeout=timeout)
    # without the colors of damo's heatmaps
    out = re.sub(r'\x1b\[[0-9;]*m', '', res.stdout + res.stderr)
    out = out.strip().splitlines()
    print('# $ damo %s (exit %d)' % (' '.join(args), res.returncode))
    for line in out[:8]:
        print('#   ' + line)
    if res.returncode:
        raise Failure('damo %s failed: %s' % (' '.join(args),
                                              ' | '.join(out[-5:])))
    return '\n'.join(out)


def scheme_file(name):
    return '%s/schemes/0/%s' % (ctx(), name)


def running():
    try:
        return state() == 'on'
    except OSError:
        return False


@test(timeout=300)
def vaddr_start_report_tune_stop():
    with Workload() as w:
        damo('start', str(w.pid))
        wait_for(running, 'damo to start DAMON')
        pid = int(value(kd() + '/pid'))
        damo('report', 'damon')
        damo('report', 'access')
        damo('tune', '--sample', '10ms', '--aggr', '200ms', str(w.pid))
        if int(value(kd() + '/pid')) != pid:
            raise Failure('tune restarted the kdamond')
        damo('stop')
        wait_for(lambda: not running(), 'damo to stop DAMON')


@test(timeout=300)
def paddr_start_report_stop():
    damo('start', 'paddr')
    wait_for(running, 'damo to start DAMON')
    damo('report', 'damon')
    damo('report', 'access')
    damo('stop')
    wait_for(lambda: not running(), 'damo to stop DAMON')


def tried_times():
    """nr_tried of scheme 0 as damo reports it."""
    out = damo('report', 'damon', '--damos_stats', '--raw')
    m = re.search(r'^\s*nr_tried: (\d+)$', out, re.M)
    if not m:
        raise Failure('no nr_tried in damo report damon')
    return int(m.group(1))


@test(timeout=300)
def refresh_stat_stats_move_on_their_own():
    """damo start --refresh_stat writes refresh_ms, and damo report then
    reads stats that the kernel refreshes, with no update command."""
    with Workload() as w:
        damo('start', str(w.pid), '--damos_action', 'stat',
             '--refresh_stat', '100')
        wait_for(running, 'damo to start DAMON')
        if value(kd() + '/refresh_ms') != '100':
            raise Failure('refresh_ms: %s' % value(kd() + '/refresh_ms'))
        wait_for(lambda: int(value(scheme_file('stats/nr_tried'))) > 0,
                 'stats to move with no command')
        first = tried_times()
        wait_for(lambda: tried_times() > first, 'damo report to move')
        damo('stop')
        wait_for(lambda: not running(), 'damo to stop DAMON')


def target_pids():
    targets = ctx() + '/targets'
    return [int(value('%s/%d/pid_target' % (targets, t)))
            for t in range(int(value(targets + '/nr_targets')))]


@test(timeout=300)
def obsolete_target_through_damo_tune():
    """Three targets; the middle one exits and damo tune marks it obsolete:
    the kdamond goes on with the other two, which keep their regions, and
    damo renumbers the directories."""
    ws = [Workload() for _ in range(3)]
    try:
        with Aggregations() as trace:
            pids = [str(w.pid) for w in ws]
            args = sum((['--target_pid', p] for p in pids), [])
            damo('start', *args)
            wait_for(running, 'damo to start DAMON')
            kdamond = int(value(kd() + '/pid'))
            trace.wait_windows(kdamond, 20)
            ws[1].stop()
            issued = time.clock_gettime(time.CLOCK_MONOTONIC)
            damo('tune', *args, '--obsolete_targets', '1')
            done = time.clock_gettime(time.CLOCK_MONOTONIC)
            if int(value(kd() + '/pid')) != kdamond:
                raise Failure('tune restarted the kdamond')
            if target_pids() != [ws[0].pid, ws[2].pid]:
                raise Failure('target directories: %s' % target_pids())
            before = [x for x in trace.windows(kdamond) if x.ts <= issued]
            wait_for(lambda: len([x for x in trace.windows(kdamond)
                                  if x.ts > done]) >= 2,
                     'windows after the commit', timeout=300)
            after = [x for x in trace.windows(kdamond) if x.ts > done][1]
            old = {r[0]: r for r in reversed(before[-1].regions)}
            new = {r[0]: r for r in reversed(after.regions)}
            print('# first regions before %s, after %s' % (old, new))
            if sorted(new) != [0, 1] or \
                    [new[0][2], new[1][2]] != [old[0][2], old[2][2]]:
                raise Failure('the running targets are not targets 0 and 2')
            damo('stop')
            wait_for(lambda: not running(), 'damo to stop DAMON')
    finally:
        for w in ws:
            w.stop()


def intervals_goal():
    base = ctx() + '/monitoring_attrs/intervals/intervals_goal/'
    return [int(value(base + f)) for f in
            ('access_bp', 'aggrs', 'min_sample_us', 'max_sample_us')]


def intervals_files():
    base = ctx() + '/monitoring_attrs/intervals/'
    return int(value(base + 'sample_us')), int(value(base + 'aggr_us'))


@test(timeout=300)
def intervals_autotune_through_damo():
    """damo start --monitoring_intervals_autotune writes damo's goal (4%,
    3 windows, 5 ms to 10 s); the kdamond tunes, and damo report damon
    shows the tuned intervals, which it asks the kernel for; damo tune
    goes on with tuning."""
    with Workload() as w:
        damo('start', '--monitoring_intervals_autotune', str(w.pid))
        wait_for(running, 'damo to start DAMON')
        if intervals_goal() != [400, 3, 5000, 10000000]:
            raise Failure('goal: %s' % intervals_goal())
        start = intervals_files()

        def tuned():
            if write(kd() + '/state', 'update_tuned_intervals'):
                return False
            return intervals_files() != start
        wait_for(tuned, 'the intervals to be tuned', timeout=300)
        out = damo('report', 'damon', '--raw')
        m = re.search(r'sample (\d+), aggr (\d+)', out)
        if not m:
            raise Failure('no intervals in damo report damon')
        shown = int(m.group(1)), int(m.group(2))
        # damo asked update_tuned_intervals and read the files
        if shown != intervals_files() or shown == start or \
                shown[1] != shown[0] * (start[1] // start[0]):
            raise Failure('damo shows %s, the files hold %s (started at %s)'
                          % (shown, intervals_files(), start))
        damo('tune', '--monitoring_intervals_autotune', str(w.pid))
        if intervals_goal() != [400, 3, 5000, 10000000] or not running():
            raise Failure('after damo tune: goal %s' % intervals_goal())
        damo('stop')
        wait_for(lambda: not running(), 'damo to stop DAMON')


def filters_of(filters_dir):
    base = scheme_file(filters_dir) + '/'
    return [tuple(value('%s%d/%s' % (base, i, f))
                  for f in ('type', 'matching'))
            for i in range(int(value(base + 'nr_filters')))]


@test(timeout=300)
def filters_through_damo():
    """damo, seeing core_filters/, writes each of its filters to the
    directory of its layer and none to filters/; DAMON runs with them, and
    damo report damon shows them.  An allow filter, which 6.12 has not
    (no allow file), fails, and DAMON does not start."""
    with Workload() as w:
        damo('start', str(w.pid), '--damos_action', 'stat',
             '--damos_filter', 'reject', 'addr', str(w.start), str(w.end),
             '--damos_filter', 'reject', 'target', '0',
             '--damos_filter', 'reject', 'none', 'anon',
             '--damos_filter', 'reject', 'memcg', '/',
             '--damos_filter', 'reject', 'young')
        wait_for(running, 'damo to start DAMON')
        found = {d: filters_of(d) for d in
                 ('core_filters', 'ops_filters', 'filters')}
        print('# filters: %s' % found)
        if found != {'core_filters': [('addr', 'Y'), ('target', 'Y')],
                     'ops_filters': [('anon', 'N'), ('memcg', 'Y'),
                                     ('young', 'Y')],
                     'filters': []}:
            raise Failure('damo wrote %s' % found)
        if value(scheme_file('ops_filters/1/memcg_path')) != '/':
            raise Failure('memcg_path of the memcg filter')
        out = damo('report', 'damon', '--raw')
        words = ['reject addr', 'reject target 0', 'reject none anon',
                 'reject memcg /', 'reject young']
        at = [out.find(word) for word in words]
        if -1 in at or at != sorted(at):
            raise Failure('damo report damon shows the filters at %s' % at)
        damo('stop')
        wait_for(lambda: not running(), 'damo to stop DAMON')
        try:
            damo('start', str(w.pid), '--damos_action', 'stat',
                 '--damos_filter', 'allow', 'anon')
        except Failure as e:
            print('# an allow filter: %s' % e)
        else:
            raise Failure('damo started DAMON with an allow filter')
        if running():
            raise Failure('DAMON runs after the failed start')


@test(timeout=600)
def node_goal_through_damo():
    """damo, seeing the nid file, takes a node_mem_used_bp goal: it writes
    the metric, the target in bp and the node; the quota grows (node 0 is
    far from 99% used) and current_value, which the kernel measures, is
    the node's use; damo report damon shows the goal."""
    with Workload() as w:
        damo('start', str(w.pid), '--damos_action', 'stat',
             '--damos_quota_interval', '200',
             '--damos_quota_goal', 'node_mem_used_bp', '99%', '0')
        wait_for(running, 'damo to start DAMON')
        goal = scheme_file('quotas/goals/0/')
        found = [value(goal + f) for f in ('target_metric', 'target_value',
                                           'nid')]
        print('# goal: %s' % found)
        if found != ['node_mem_used_bp', '9900', '0']:
            raise Failure('damo wrote the goal %s' % found)
        seen = {}

        def grown():
            write(kd() + '/state', 'update_schemes_effective_quotas')
            seen['esz'] = int(value(scheme_file('quotas/effective_bytes')))
            seen['current'] = int(value(goal + 'current_value'))
            return seen['esz'] > 1000
        wait_for(grown, 'the quota to grow', timeout=300, interval=0.2)
        print('# effective_bytes %d, current_value %d' % (seen['esz'],
                                                          seen['current']))
        if not 0 < seen['current'] < 9900:
            raise Failure('current_value %d' % seen['current'])
        out = damo('report', 'damon', '--raw')
        if 'node_mem_used_bp' not in out:
            raise Failure('damo report damon shows no node goal')
        damo('stop')
        wait_for(lambda: not running(), 'damo to stop DAMON')


if __name__ == '__main__':
    if not DAMO or not os.path.exists(DAMO):
        print('1..0 # SKIP damo not found (set DAMO to its executable)')
        sys.exit(KSFT_SKIP)
    main()

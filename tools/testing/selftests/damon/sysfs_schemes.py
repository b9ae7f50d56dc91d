#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""DAMON sysfs schemes: the schemes/ subtree and its state commands.

No assertion depends on monitoring accuracy or speed.  Where a scheme must
see regions, it matches everything (all access frequencies and ages) and
waits with a generous bound for the first apply pass.
"""

import errno
import os
import time

from _damon_abi import FILES, pattern
from _damon_test import (AGGREGATED, KDAMONDS, Aggregations, KdamondSleeps,
                         Workload, ctx, eq, fails, is_file, kd,
                         lock_reader_in_background, main, mode,
                         numbered, ok, read, reads, set_intervals,
                         setup_kdamond, state, system_ram, test, true, value,
                         wait_for, wait_until_pending, write, write_in_thread)

U64_MAX = str(2 ** 64 - 1)
U64_OVERFLOW = str(2 ** 64)


def scheme(s=0, k=0):
    return '%s/schemes/%d' % (ctx(k), s)


# filters/, and core_filters/ and ops_filters/ (6.15), each with the same
# files
FILTERS_DIRS = ('filters', 'core_filters', 'ops_filters')

# (path relative to a scheme, mode, default)
SCHEME_FILES = [
    ('action', 0o600, 'stat'),
    ('apply_interval_us', 0o600, '0'),
    ('target_nid', 0o600, '-1'),
    ('access_pattern/sz/min', 0o600, '0'),
    ('access_pattern/sz/max', 0o600, '0'),
    ('access_pattern/nr_accesses/min', 0o600, '0'),
    ('access_pattern/nr_accesses/max', 0o600, '0'),
    ('access_pattern/age/min', 0o600, '0'),
    ('access_pattern/age/max', 0o600, '0'),
    ('quotas/ms', 0o600, '0'),
    ('quotas/bytes', 0o600, '0'),
    ('quotas/reset_interval_ms', 0o600, '0'),
    ('quotas/effective_bytes', 0o400, '0'),
    ('quotas/weights/sz_permil', 0o600, '0'),
    ('quotas/weights/nr_accesses_permil', 0o600, '0'),
    ('quotas/weights/age_permil', 0o600, '0'),
    ('quotas/goals/nr_goals', 0o600, '0'),
    ('watermarks/metric', 0o600, 'none'),
    ('watermarks/interval_us', 0o600, '0'),
    ('watermarks/high', 0o600, '0'),
    ('watermarks/mid', 0o600, '0'),
    ('watermarks/low', 0o600, '0'),
    ('filters/nr_filters', 0o600, '0'),
    ('core_filters/nr_filters', 0o600, '0'),
    ('ops_filters/nr_filters', 0o600, '0'),
    ('stats/nr_tried', 0o400, '0'),
    ('stats/sz_tried', 0o400, '0'),
    ('stats/nr_applied', 0o400, '0'),
    ('stats/sz_applied', 0o400, '0'),
    ('stats/qt_exceeds', 0o400, '0'),
    ('tried_regions/total_bytes', 0o400, '0'),
]
GOAL_FILES = [('target_metric', 0o600, 'user_input'),
              ('target_value', 0o600, '0'),
              ('current_value', 0o600, '0'),
              ('nid', 0o600, '0')]
FILTER_FILES = [('type', 0o600, 'anon'), ('matching', 0o600, 'N'),
                ('memcg_path', 0o600, ''), ('addr_start', 0o600, '0'),
                ('addr_end', 0o600, '0'), ('damon_target_idx', 0o600, '0')]
ACTIONS = ['willneed', 'cold', 'pageout', 'hugepage', 'nohugepage',
           'lru_prio', 'lru_deprio', 'migrate_hot', 'migrate_cold', 'stat']


def make_schemes(nr, k=0):
    if k == 0:
        ok(KDAMONDS + '/nr_kdamonds', '1')
    ok(kd(k) + '/contexts/nr_contexts', '1')
    ok(ctx(k) + '/schemes/nr_schemes', str(nr))


def match_all(s=0, k=0):
    """Make scheme s match every region."""
    base = scheme(s, k) + '/access_pattern/'
    for r in ('sz', 'nr_accesses', 'age'):
        ok(base + r + '/min', '0')
        ok(base + r + '/max', U64_MAX)


def check_scheme_instances(nr):
    make_schemes(nr)
    eq(numbered(ctx() + '/schemes'), list(range(nr)), 'schemes')
    for s in range(nr):
        eq(sorted(os.listdir(scheme(s))),
           ['access_pattern', 'action', 'apply_interval_us',
            'core_filters', 'filters', 'ops_filters', 'quotas', 'stats',
            'target_nid', 'tried_regions', 'watermarks'], scheme(s))
        for path, perm, default in SCHEME_FILES:
            is_file(scheme(s) + '/' + path, perm)
            reads(scheme(s) + '/' + path, default)
        ok(scheme(s) + '/quotas/goals/nr_goals', str(nr))
        eq(numbered(scheme(s) + '/quotas/goals'), list(range(nr)), 'goals')
        for filters in FILTERS_DIRS:
            ok('%s/%s/nr_filters' % (scheme(s), filters), str(nr))
            eq(numbered('%s/%s' % (scheme(s), filters)), list(range(nr)),
               filters)
        eq(numbered(scheme(s) + '/tried_regions'), [], 'tried_regions')
        for g in range(nr):
            for path, perm, default in GOAL_FILES:
                f = '%s/quotas/goals/%d/%s' % (scheme(s), g, path)
                is_file(f, perm)
                reads(f, default)
        for filters in FILTERS_DIRS:
            for i in range(nr):
                for path, perm, default in FILTER_FILES:
                    f = '%s/%s/%d/%s' % (scheme(s), filters, i, path)
                    is_file(f, perm)
                    reads(f, default)


@test
def one_scheme_each():
    check_scheme_instances(1)


@test
def two_schemes_each():
    check_scheme_instances(2)


@test
def keywords():
    make_schemes(1)
    ok(scheme() + '/quotas/goals/nr_goals', '1')
    ok(scheme() + '/filters/nr_filters', '1')
    goal = scheme() + '/quotas/goals/0/target_metric'
    ftype = scheme() + '/filters/0/type'
    for path, words in ((scheme() + '/action', ACTIONS),
                        (goal, ['user_input', 'some_mem_psi_us',
                                'node_mem_used_bp', 'node_mem_free_bp']),
                        (scheme() + '/watermarks/metric',
                         ['none', 'free_mem_rate']),
                        (ftype, ['anon', 'memcg', 'young', 'addr',
                                 'target'])):
        for word in words:
            ok(path, word + '\n')
            reads(path, word)
        for bad in ('bogus', words[0].upper(), words[0] + 'x', '0'):
            fails(path, bad, errno.EINVAL)
            reads(path, words[-1])
    # 6.12 has no "allow" file and no such filter type
    fails(ftype, 'hugepage_size', errno.EINVAL)


@test
def values_and_errors():
    make_schemes(1)
    ok(scheme() + '/quotas/goals/nr_goals', '1')
    ok(scheme() + '/filters/nr_filters', '1')
    ul_files = ['apply_interval_us', 'access_pattern/sz/min',
                'access_pattern/nr_accesses/max', 'access_pattern/age/min',
                'watermarks/interval_us', 'watermarks/high',
                'quotas/goals/0/target_value', 'quotas/goals/0/current_value',
                'filters/0/addr_start', 'filters/0/addr_end']
    for f in ul_files:
        path = scheme() + '/' + f
        for written, shown in (('0x10', '16'), ('010', '8'),
                               (U64_MAX, U64_MAX), ('42\n', '42')):
            ok(path, written)
            reads(path, shown)
        for bad, err in (('-1', errno.EINVAL), (U64_OVERFLOW, errno.ERANGE),
                         ('x', errno.EINVAL)):
            fails(path, bad, err)
            reads(path, '42')
    # quotas: every parse error is EINVAL
    for f in ('ms', 'bytes', 'reset_interval_ms'):
        path = scheme() + '/quotas/' + f
        ok(path, '0x20')
        reads(path, '32')
        for bad in ('-1', U64_OVERFLOW, 'x'):
            fails(path, bad, errno.EINVAL)
            reads(path, '32')
    for f in ('sz_permil', 'nr_accesses_permil', 'age_permil'):
        path = scheme() + '/quotas/weights/' + f
        ok(path, '4294967295')
        reads(path, '4294967295')
        fails(path, '4294967296', errno.ERANGE)
        fails(path, '-1', errno.EINVAL)
    for path in (scheme() + '/target_nid',
                 scheme() + '/filters/0/damon_target_idx'):
        ok(path, '-5')
        reads(path, '-5')
        fails(path, '2147483648', errno.ERANGE)
        fails(path, 'x', errno.EINVAL)
    matching = scheme() + '/filters/0/matching'
    for written, shown in (('Y', 'Y'), ('0', 'N'), ('on', 'Y'), ('n', 'N')):
        ok(matching, written)
        reads(matching, shown)
    fails(matching, 'maybe', errno.EINVAL)


@test
def memcg_path_without_newline():
    make_schemes(1)
    ok(scheme() + '/filters/nr_filters', '1')
    path = scheme() + '/filters/0/memcg_path'
    ok(path, '/foo/bar\n')
    eq(read(path), '/foo/bar\n', 'memcg_path')
    ok(path, '/baz')
    eq(read(path), '/baz\n', 'memcg_path')
    ok(path, '\n')
    eq(read(path), '\n', 'memcg_path')


@test(timeout=120)
def memcg_path_never_busy():
    """memcg_path has a lock of its own: reading and writing it never fail
    with EBUSY while another user holds the interface's lock, here a
    writer of nr_regions that makes thousands of directories (4,000:
    enough for hundreds of reads under the lock, few enough to take
    seconds, not minutes, on a debug kernel)."""
    make_schemes(1)
    ok(scheme() + '/filters/nr_filters', '1')
    path = scheme() + '/filters/0/memcg_path'
    ok(path, '/a/cgroup')
    ok(ctx() + '/targets/nr_targets', '1')
    nr_regions = ctx() + '/targets/0/regions/nr_regions'
    thread, result = write_in_thread(nr_regions, '4000')
    reader = lock_reader_in_background(path, 2)
    writes, busy_writes = 0, 0
    try:
        while thread.is_alive():
            writes += 1
            busy_writes += write(path, '/a/cgroup') == errno.EBUSY
    finally:
        thread.join(300)
        out = reader.communicate(timeout=120)[0].decode().split()
    eq(result.get('err'), 0, 'nr_regions 4000')
    reads_, busy = int(out[1]), int(out[3])
    print('# %d reads, %d writes' % (reads_, writes))
    true(writes > 0, 'no write while nr_regions was written')
    eq((busy, busy_writes), (0, 0), 'EBUSY from memcg_path (read, write)')
    reads(path, '/a/cgroup')
    ok(nr_regions, '0')


@test
def read_only_files_refuse_writing():
    make_schemes(1)
    for f in ('quotas/effective_bytes', 'stats/nr_tried',
              'tried_regions/total_bytes'):
        try:
            os.close(os.open(scheme() + '/' + f, os.O_WRONLY))
            raise AssertionError(f + ' opened for writing')
        except PermissionError:
            pass


@test
def commands_need_running_kdamond():
    make_schemes(1)
    for cmd in ('update_schemes_stats', 'update_schemes_tried_regions',
                'update_schemes_tried_bytes', 'clear_schemes_tried_regions',
                'update_schemes_effective_quotas',
                'commit_schemes_quota_goals'):
        fails(kd() + '/state', cmd, errno.EINVAL)


def stat_schemes(w, nr_schemes=1):
    """Configure a kdamond on w with stat schemes that match everything."""
    setup_kdamond('vaddr', [w.pid])
    set_intervals(5000, 50000, 1000000)
    ok(ctx() + '/schemes/nr_schemes', str(nr_schemes))
    for s in range(nr_schemes):
        match_all(s)


def start_stat_scheme(w, nr_schemes=1):
    stat_schemes(w, nr_schemes)
    ok(kd() + '/state', 'on')


@test
def stats_of_a_stat_scheme():
    with Workload() as w:
        start_stat_scheme(w)

        def tried():
            ok(kd() + '/state', 'update_schemes_stats')
            return int(value(scheme() + '/stats/nr_tried')) > 0
        wait_for(tried, 'the scheme to be tried')
        true(int(value(scheme() + '/stats/sz_tried')) > 0, 'sz_tried')
        # "stat" does nothing, so nothing counts as applied
        reads(scheme() + '/stats/nr_applied', '0')
        ok(kd() + '/state', 'off')


def tried_regions_of(s=0):
    base = scheme(s) + '/tried_regions'
    regions = []
    for r in numbered(base):
        d = '%s/%d' % (base, r)
        regions.append(tuple(int(value(d + '/' + f))
                             for f in ('start', 'end', 'nr_accesses',
                                       'age')))
    return regions


@test
def tried_regions_and_total_bytes():
    with Workload() as w:
        start_stat_scheme(w, nr_schemes=2)

        def has_regions():
            ok(kd() + '/state', 'update_schemes_tried_regions')
            return len(numbered(scheme(0) + '/tried_regions')) > 0
        wait_for(has_regions, 'tried regions')
        for s in range(2):
            regions = tried_regions_of(s)
            # numbered per scheme from 0
            eq(numbered(scheme(s) + '/tried_regions'),
               list(range(len(regions))), 'tried region names')
            total = sum(end - start for start, end, _, _ in regions)
            eq(int(value(scheme(s) + '/tried_regions/total_bytes')), total,
               'total_bytes')
            for start, end, _, _ in regions:
                true(start < end, 'empty region')
            # the files of a tried region are those of the ABI table
            region = scheme(s) + '/tried_regions/0/'
            files = {pattern(region + f): mode(region + f)
                     for f in os.listdir(region)}
            eq(files, {p: f.mode for p, f in FILES.items()
                       if '/tried_regions/<R>/' in p}, 'tried region files')
        ok(kd() + '/state', 'clear_schemes_tried_regions')
        for s in range(2):
            eq(numbered(scheme(s) + '/tried_regions'), [], 'after clear')
            reads(scheme(s) + '/tried_regions/total_bytes', '0')
        # tried bytes: total_bytes from 0 to the bytes of a pass, and no
        # region directory (those of an earlier update go)
        ok(kd() + '/state', 'update_schemes_tried_regions')
        true(numbered(scheme() + '/tried_regions') != [], 'tried regions')
        ok(kd() + '/state', 'update_schemes_tried_bytes')
        for s in range(2):
            true(int(value(scheme(s) + '/tried_regions/total_bytes')) > 0,
                 'tried bytes of scheme %d' % s)
            eq(numbered(scheme(s) + '/tried_regions'), [],
               'region directories after tried bytes')
        ok(kd() + '/state', 'off')


@test
def tried_regions_matching_nothing():
    """A scheme that matches nothing still finishes its update."""
    with Workload() as w:
        setup_kdamond('vaddr', [w.pid])
        set_intervals(5000, 50000, 1000000)
        ok(ctx() + '/schemes/nr_schemes', '1')
        # the default pattern (all maxima 0) matches no region
        ok(kd() + '/state', 'on')
        for cmd in ('update_schemes_tried_regions',
                    'update_schemes_tried_bytes'):
            ok(kd() + '/state', cmd)
            eq(numbered(scheme() + '/tried_regions'), [], 'tried regions')
            reads(scheme() + '/tried_regions/total_bytes', '0')
        ok(kd() + '/state', 'off')


@test(timeout=180)
def tried_regions_many_regions():
    """Thousands of regions (paddr, raised nr_regions) in one update."""
    start, end = system_ram()
    setup_kdamond('paddr', [0], [[(start, end)]])
    set_intervals(5000, 100000, 1000000)
    nr = ctx() + '/monitoring_attrs/nr_regions/'
    # enough to grow the kdamond's record many times over, few enough
    # for the debug kernel (every sampling checks every region)
    ok(nr + 'max', '4000')
    ok(nr + 'min', '2000')
    ok(ctx() + '/schemes/nr_schemes', '1')
    match_all()
    # regions start as one and at most double per aggregation: wait for
    # thousands in the kdamond's own tracepoint, which makes no directory
    # (an update per apply pass would make thousands each time)
    with Aggregations() as trace:
        ok(kd() + '/state', 'on')

        def many():
            counts = [int(m.group(4)) for m in
                      map(AGGREGATED.match, trace.lines()) if m]
            trace.clear()
            return max(counts, default=0) > 1500
        wait_for(many, 'thousands of regions', timeout=600, interval=1)
    ok(kd() + '/state', 'update_schemes_tried_regions')
    base = scheme() + '/tried_regions/'
    names = numbered(base)
    true(len(names) > 1000, '%d tried regions' % len(names))
    sizes = [int(value('%s%d/end' % (base, r))) -
             int(value('%s%d/start' % (base, r))) for r in names]
    print('# %d tried regions' % len(names))
    true(min(sizes) > 0, 'an empty tried region')
    eq(int(value(base + 'total_bytes')), sum(sizes), 'total_bytes')
    ok(kd() + '/state', 'clear_schemes_tried_regions')
    ok(kd() + '/state', 'off')


@test
def quota_goal_moves_effective_quota():
    """A user_input goal far below target raises the effective quota."""
    with Workload(mib=16) as w:
        start_stat_scheme(w)
        quotas = scheme() + '/quotas/'
        ok(quotas + 'reset_interval_ms', '100')
        ok(quotas + 'goals/nr_goals', '1')
        ok(quotas + 'goals/0/target_metric', 'user_input')
        ok(quotas + 'goals/0/target_value', '10000')
        ok(quotas + 'goals/0/current_value', '1')
        ok(kd() + '/state', 'commit')

        def esz():
            ok(kd() + '/state', 'update_schemes_effective_quotas')
            return int(value(quotas + 'effective_bytes'))

        # far below the goal: the quota grows from a byte, doubling at
        # each reset interval (until it saturates)
        wait_for(lambda: esz() > 1 << 20, 'the effective quota to grow')
        high = esz()
        # now far above the goal: it shrinks
        ok(quotas + 'goals/0/current_value', '1000000')
        ok(kd() + '/state', 'commit_schemes_quota_goals')
        wait_for(lambda: esz() < high, 'the effective quota to shrink')
        ok(kd() + '/state', 'off')


@test
def removed_scheme_dirs_while_running():
    with Workload() as w:
        start_stat_scheme(w, nr_schemes=3)
        ok(ctx() + '/schemes/nr_schemes', '1')
        match_all()
        for cmd in ('update_schemes_stats', 'update_schemes_tried_regions',
                    'update_schemes_tried_bytes',
                    'update_schemes_effective_quotas',
                    'commit_schemes_quota_goals',
                    'clear_schemes_tried_regions'):
            ok(kd() + '/state', cmd)
        ok(ctx() + '/schemes/nr_schemes', '0')
        for cmd in ('update_schemes_stats', 'update_schemes_tried_regions'):
            ok(kd() + '/state', cmd)
        # commit removes the running schemes beyond the tree's
        ok(kd() + '/state', 'commit')
        ok(ctx() + '/schemes/nr_schemes', '2')
        ok(kd() + '/state', 'update_schemes_stats')
        reads(scheme(1) + '/stats/nr_tried', '0')
        reads(kd() + '/state', 'on')
        ok(kd() + '/state', 'off')


@test
def bad_filters_refused_kdamond_untouched():
    with Workload() as w:
        start_stat_scheme(w)
        pid = int(value(kd() + '/pid'))
        f = scheme() + '/filters/'
        ok(f + 'nr_filters', '1')
        ok(f + '0/type', 'memcg')
        ok(f + '0/memcg_path', '/no/such/cgroup')
        fails(kd() + '/state', 'commit', errno.EINVAL)
        reads(kd() + '/state', 'on')
        eq(int(value(kd() + '/pid')), pid, 'kdamond pid')
        ok(f + '0/type', 'addr')
        ok(f + '0/addr_start', '8192')
        ok(f + '0/addr_end', '4096')
        fails(kd() + '/state', 'commit', errno.EINVAL)
        reads(kd() + '/state', 'on')
        ok(f + '0/addr_end', '8192')
        ok(kd() + '/state', 'commit')
        ok(kd() + '/state', 'off')
        # and at on
        ok(f + '0/type', 'memcg')
        fails(kd() + '/state', 'on', errno.EINVAL)
        reads(kd() + '/state', 'off')


CGROOT = '/sys/fs/cgroup'


def lru_prio_schemes(memcg):
    """paddr lru_prio schemes over all memory, matching every region:
    0 skips what is not in memcg, 1 skips what is, 2 has no filter."""
    start, end = system_ram()
    setup_kdamond('paddr', [0], [[(start, end)]])
    set_intervals(5000, 100000, 1000000)
    ok(ctx() + '/schemes/nr_schemes', '3')
    for s, matching in ((0, 'N'), (1, 'Y'), (2, None)):
        match_all(s)
        ok(scheme(s) + '/action', 'lru_prio')
        if matching is None:
            continue
        f = scheme(s) + '/filters/'
        ok(f + 'nr_filters', '1')
        ok(f + '0/type', 'memcg')
        ok(f + '0/memcg_path', memcg + '\n')
        ok(f + '0/matching', matching)


@test(timeout=120)
def memcg_filter_on_a_cgroup():
    """A memcg filter selects exactly the memory charged to its cgroup.

    A workload runs in a cgroup of its own from its first page; the
    schemes act on all memory: the one keeping only the cgroup's memory
    applies to some but less than the unfiltered one, and so does the one
    keeping all but the cgroup's.
    """
    # cgroup2 is in the test kernel's configuration and mounted by the
    # guest: without it, this is a failure, not a skip
    true(os.path.exists(CGROOT + '/cgroup.controllers'), 'no cgroup2')
    cg = CGROOT + '/damon_selftest'
    # children get memory cgroups only with the controller enabled
    with open(CGROOT + '/cgroup.subtree_control', 'w') as f:
        f.write('+memory')
    os.makedirs(cg, exist_ok=True)
    try:
        with Workload(mib=16, cgroup=cg):
            charged = int(value(cg + '/memory.current'))
            true(charged >= 16 << 20, 'memory.current %d' % charged)
            lru_prio_schemes('/damon_selftest')
            ok(kd() + '/state', 'on')
            sz = []

            def applied():
                ok(kd() + '/state', 'update_schemes_stats')
                sz[:] = [int(value(scheme(s) + '/stats/sz_applied'))
                         for s in range(3)]
                return min(sz) > 0
            wait_for(applied, 'every scheme to apply to some memory',
                     timeout=600, interval=1)
            ok(kd() + '/state', 'off')
            only, others, every = sz
            print('# sz_applied: cgroup only %d, all but the cgroup %d, '
                  'unfiltered %d' % (only, others, every))
            true(only < every, 'the cgroup filter let everything through')
            true(others < every, 'the filter kept nothing out')
    finally:
        os.rmdir(cg)


@test
def commit_while_deactivated_by_watermarks():
    """Watermarks that keep the scheme off: commands still complete."""
    with Workload() as w:
        stat_schemes(w)
        wm = scheme() + '/watermarks/'
        # free memory is never above 1000 permil: always deactivated,
        # and rechecked only every 100 s
        ok(wm + 'metric', 'free_mem_rate')
        ok(wm + 'interval_us', str(100 * 1000 * 1000))
        ok(wm + 'high', '1000')
        ok(wm + 'mid', '1000')
        ok(wm + 'low', '1000')
        with KdamondSleeps() as sleeps:
            ok(kd() + '/state', 'on')
            # the kdamond is in its watermarks sleep, not sampling
            sleeps.wait_parked(int(value(kd() + '/pid')))
        start = time.monotonic()
        set_intervals(5000, 40000, 1000000)
        ok(kd() + '/state', 'commit')
        ok(kd() + '/state', 'update_schemes_stats')
        ok(kd() + '/state', 'update_schemes_tried_regions')
        eq(numbered(scheme() + '/tried_regions'), [], 'tried regions')
        took = time.monotonic() - start
        print('# commands while deactivated took %.2f s' % took)
        true(took < 60, 'commands waited for the watermarks interval')
        reads(kd() + '/state', 'on')
        ok(kd() + '/state', 'off')


def pending_tried_regions_update(w):
    """Start an update that waits for a far apply pass; return its thread."""
    stat_schemes(w)
    ok(scheme() + '/apply_interval_us', str(600 * 1000 * 1000))
    ok(kd() + '/state', 'on')
    thread, result = write_in_thread(kd() + '/state',
                                     'update_schemes_tried_regions')
    wait_until_pending(thread, result, 'the tried regions update')
    reads(kd() + '/state', 'on')
    return thread, result


@test
def off_during_tried_regions_update():
    with Workload() as w:
        thread, result = pending_tried_regions_update(w)
        ok(kd() + '/state', 'off')
        thread.join(120)
        true(not thread.is_alive(), 'update still waiting after off')
        eq(result['err'], errno.ECANCELED, 'update after off')
        eq(state(), 'off', 'state')


@test
def target_exit_during_tried_regions_update():
    with Workload() as w:
        thread, result = pending_tried_regions_update(w)
        w.stop()
        thread.join(120)
        true(not thread.is_alive(), 'update still waiting after exit')
        eq(result['err'], errno.ECANCELED, 'update after the target exit')
        wait_for(lambda: state() == 'off', 'the kdamond to stop')


if __name__ == '__main__':
    main()

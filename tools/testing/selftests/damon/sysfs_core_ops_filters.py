#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""schemes/<S>/core_filters and ops_filters, upstream since 6.15, added to
6.12: filters directories of one layer each.

Their files are those of filters/ (sysfs_tree.py and sysfs_inputs.py check
their modes, defaults and input).  Here: which types each takes, and that
the filters of each reach the layer it is named after, on real processes.
A core filter keeps the regions it matches from being tried at all; an
operations set filter lets them be tried and keeps the action off the pages
it matches.  That the three directories build the same filters as filters/
alone, in mainline's order, is kunit's (damon_sysfs_test_filters_order).
"""

import errno

from _damon_test import (Workload, ctx, eq, fails, kd, main, ok, reads,
                         set_intervals, setup_kdamond, stat_kdamond,
                         system_ram, test, true, value, wait_for)

U64_MAX = str(2 ** 64 - 1)
TYPES = ('anon', 'memcg', 'young', 'addr', 'target')
LAYER_TYPES = {'core_filters': ('addr', 'target'),
               'ops_filters': ('anon', 'memcg', 'young')}


def scheme(s=0):
    return '%s/schemes/%d' % (ctx(), s)


def set_filters(s, filters_dir, filters):
    """filters: (type, matching, {file: value}) per filter, in order."""
    base = '%s/%s/' % (scheme(s), filters_dir)
    ok(base + 'nr_filters', str(len(filters)))
    for i, (ftype, matching, files) in enumerate(filters):
        ok('%s%d/type' % (base, i), ftype)
        ok('%s%d/matching' % (base, i), matching)
        for name, v in files.items():
            ok('%s%d/%s' % (base, i, name), v)


def stats(nr_schemes, name):
    ok(kd() + '/state', 'update_schemes_stats')
    return [int(value('%s/stats/%s' % (scheme(s), name)))
            for s in range(nr_schemes)]


def wait_tried(nr_schemes, control, at_least):
    """Until the nr_tried of scheme control reaches at_least; the nr_tried
    of every scheme then, from one update.  Every apply pass that tries
    scheme control also evaluates the others, whose filters alone keep
    them from being tried."""
    seen = {}

    def enough():
        seen['nr_tried'] = stats(nr_schemes, 'nr_tried')
        return seen['nr_tried'][control] >= at_least
    wait_for(enough, 'scheme %d to be tried on %d regions' % (control,
                                                              at_least),
             timeout=600, interval=0.2)
    return seen['nr_tried']


EVERYWHERE = {'addr_start': '0', 'addr_end': U64_MAX}


@test
def each_directory_takes_its_layers_types():
    """core_filters/ takes addr and target, ops_filters/ anon, memcg and
    young; the other types fail with EINVAL and leave the file as it was.
    filters/ takes all five."""
    setup_kdamond()
    ok(ctx() + '/schemes/nr_schemes', '1')
    for filters_dir in ('filters', 'core_filters', 'ops_filters'):
        ok('%s/%s/nr_filters' % (scheme(), filters_dir), '1')
        ftype = '%s/%s/0/type' % (scheme(), filters_dir)
        # a new filter reads anon everywhere, as in mainline
        reads(ftype, 'anon')
        takes = LAYER_TYPES.get(filters_dir, TYPES)
        for t in TYPES:
            before = value(ftype)
            if t in takes:
                ok(ftype, t + '\n')
                reads(ftype, t)
            else:
                fails(ftype, t, errno.EINVAL)
                reads(ftype, before)
    # the directories are apart: each filter kept its last type
    reads(scheme() + '/filters/0/type', 'target')
    reads(scheme() + '/core_filters/0/type', 'target')
    reads(scheme() + '/ops_filters/0/type', 'young')


@test(timeout=600)
def core_filters_keep_regions_untried():
    """vaddr stat schemes on a workload, matching every region: an addr
    filter over the whole address space in core_filters/, a target filter
    on the only target in core_filters/, the addr filter in filters/, and
    no filter.  In the apply passes that try the unfiltered scheme, the
    others are never tried: the core skipped their regions."""
    with Workload() as w:
        stat_kdamond(w, 5000, 50000, nr_schemes=4)
        set_filters(0, 'core_filters', [('addr', 'Y', EVERYWHERE)])
        set_filters(1, 'core_filters',
                    [('target', 'Y', {'damon_target_idx': '0'})])
        set_filters(2, 'filters', [('addr', 'Y', EVERYWHERE)])
        ok(kd() + '/state', 'on')
        nr_tried = wait_tried(4, 3, 3)
        print('# nr_tried: %s' % nr_tried)
        eq(nr_tried[:3], [0, 0, 0], 'nr_tried of the filtered schemes')
        ok(kd() + '/state', 'off')


@test(timeout=600)
def core_filters_by_commit():
    """A commit installs core_filters/: the scheme, tried before, is tried
    no more in the apply passes after it, which try the unfiltered one on
    three more regions."""
    with Workload() as w:
        stat_kdamond(w, 5000, 50000, nr_schemes=2)
        ok(kd() + '/state', 'on')
        wait_tried(2, 0, 1)
        set_filters(0, 'core_filters', [('addr', 'Y', EVERYWHERE)])
        ok(kd() + '/state', 'commit')
        before = stats(2, 'nr_tried')
        after = wait_tried(2, 1, before[1] + 3)
        print('# nr_tried at the commit %s, then %s' % (before, after))
        true(before[0] > 0, 'scheme 0 tried before the commit')
        eq(after[0], before[0], 'nr_tried of scheme 0 after the commit')
        ok(kd() + '/state', 'off')


ALL_PAGES = [('anon', 'Y', {}), ('anon', 'N', {})]


@test(timeout=900)
def ops_filters_keep_the_action_off_pages():
    """paddr lru_prio schemes on all memory, matching every region: an
    anon filter and a non-anon one (together, every page) in ops_filters/,
    the same in filters/, and no filter.  The filtered schemes are tried
    as the unfiltered one is, but apply to nothing, while it applies to
    some memory: the operations set skipped every page."""
    start, end = system_ram()
    setup_kdamond('paddr', [0], [[(start, end)]])
    set_intervals(5000, 100000, 1000000)
    ok(ctx() + '/schemes/nr_schemes', '3')
    for s in range(3):
        ok(scheme(s) + '/action', 'lru_prio')
        for r in ('sz', 'nr_accesses', 'age'):
            ok('%s/access_pattern/%s/max' % (scheme(s), r), U64_MAX)
    set_filters(0, 'ops_filters', ALL_PAGES)
    set_filters(1, 'filters', ALL_PAGES)
    ok(kd() + '/state', 'on')
    seen = {}

    def applied():
        seen['sz_applied'] = stats(3, 'sz_applied')
        seen['sz_tried'] = stats(3, 'sz_tried')
        return seen['sz_applied'][2] > 0 and min(seen['sz_tried']) > 0
    wait_for(applied, 'the unfiltered scheme to apply', timeout=600,
             interval=1)
    ok(kd() + '/state', 'off')
    print('# sz_tried %s, sz_applied %s' % (seen['sz_tried'],
                                           seen['sz_applied']))
    eq(seen['sz_applied'][:2], [0, 0], 'sz_applied of the filtered schemes')


@test
def bad_filters_in_either_directory_refused():
    """on and commit check the filters of core_filters/ and ops_filters/
    as those of filters/: EINVAL, and the kdamond goes on untouched."""
    with Workload() as w:
        stat_kdamond(w, 5000, 100000)
        set_filters(0, 'ops_filters',
                    [('memcg', 'Y', {'memcg_path': '/no/such/cgroup'})])
        fails(kd() + '/state', 'on', errno.EINVAL)
        reads(kd() + '/state', 'off')
        ok(scheme() + '/ops_filters/nr_filters', '0')
        ok(kd() + '/state', 'on')
        pid = value(kd() + '/pid')
        set_filters(0, 'core_filters',
                    [('addr', 'Y', {'addr_start': '8192',
                                    'addr_end': '4096'})])
        fails(kd() + '/state', 'commit', errno.EINVAL)
        reads(kd() + '/state', 'on')
        eq(value(kd() + '/pid'), pid, 'kdamond pid')
        ok(scheme() + '/core_filters/0/addr_end', '8192')
        ok(kd() + '/state', 'commit')
        ok(kd() + '/state', 'off')


if __name__ == '__main__':
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The DAMON sysfs tree: files, modes, defaults, values and errors.

admin/kdamonds/<K>/{state,pid,refresh_ms}, contexts/<C>/{avail_operations,
operations}, monitoring_attrs/{intervals,nr_regions},
targets/<T>/{pid_target,obsolete_target,regions/<R>}
and schemes/nr_schemes, with every nr_* file's create/shrink/grow rules.
"""

import errno
import os

from _damon_abi import ADMIN, FILES, pattern
from _damon_test import (KDAMONDS, ctx, eq, fails, is_dir, is_file, kd, main,
                         mode, numbered, ok, one_of_each, read, reads, target,
                         test, value)

U64_OVERFLOW = str(2 ** 64)
NR_NAMES = ('nr_kdamonds', 'nr_contexts', 'nr_targets', 'nr_regions',
            'nr_schemes', 'nr_filters', 'nr_goals')
INTERVALS = 'monitoring_attrs/intervals/'
NR_REGIONS = 'monitoring_attrs/nr_regions/'

# (path relative to a context, mode, default)
CONTEXT_FILES = [
    ('operations', 0o600, 'vaddr'),
    (INTERVALS + 'sample_us', 0o600, '5000'),
    (INTERVALS + 'aggr_us', 0o600, '100000'),
    (INTERVALS + 'update_us', 0o600, '60000000'),
    (NR_REGIONS + 'min', 0o600, '10'),
    (NR_REGIONS + 'max', 0o600, '1000'),
    ('targets/nr_targets', 0o600, '0'),
    ('schemes/nr_schemes', 0o600, '0'),
]

# files holding an unsigned long, relative to kdamond 0 with one target
# and one region
UL_FILES = [ctx() + '/' + INTERVALS + f
            for f in ('sample_us', 'aggr_us', 'update_us')] + \
           [ctx() + '/' + NR_REGIONS + f for f in ('min', 'max')] + \
           [target() + '/regions/0/' + f for f in ('start', 'end')]

NR_FILES = [KDAMONDS + '/nr_kdamonds',
            kd() + '/contexts/nr_contexts',
            ctx() + '/targets/nr_targets',
            target() + '/regions/nr_regions',
            ctx() + '/schemes/nr_schemes']


def make_tree(nr=1):
    ok(KDAMONDS + '/nr_kdamonds', str(nr))
    for k in range(nr):
        ok(kd(k) + '/contexts/nr_contexts', '1')
        ok(ctx(k) + '/targets/nr_targets', str(nr))
        for t in range(nr):
            ok(target(t, k) + '/regions/nr_regions', str(nr))
        ok(ctx(k) + '/schemes/nr_schemes', str(nr))


@test
def admin_layout():
    is_dir('/sys/kernel/mm/damon/admin')
    eq(sorted(os.listdir('/sys/kernel/mm/damon')), ['admin'], 'damon/')
    eq(sorted(os.listdir('/sys/kernel/mm/damon/admin')), ['kdamonds'],
       'admin/')
    is_file(KDAMONDS + '/nr_kdamonds', 0o600)
    reads(KDAMONDS + '/nr_kdamonds', '0')
    eq(os.listdir(KDAMONDS), ['nr_kdamonds'], 'kdamonds/')


@test
def files_of_the_abi_table():
    """With one directory at every level, the tree has the files of
    _damon_abi.py (but tried regions, which an update makes), no other,
    with their modes and, but the nr_* files just written, defaults: the
    table that the ABI file and usage.rst are checked against."""
    one_of_each()
    found = {}
    for root, _, files in os.walk(ADMIN):
        for name in files:
            found[pattern(os.path.join(root, name))] = \
                os.path.join(root, name)
    expected = {p for p in FILES if '/tried_regions/<R>/' not in p}
    eq(sorted(set(found) - expected), [], 'files the table does not have')
    eq(sorted(expected - set(found)), [], 'files of the table not found')
    for name, path in sorted(found.items()):
        eq(mode(path), FILES[name].mode, 'mode of ' + name)
        default = FILES[name].default
        if default is not None and os.path.basename(name) not in NR_NAMES:
            eq(value(path), default, 'default of ' + name)


def check_instances(nr):
    make_tree(nr)
    eq(numbered(KDAMONDS), list(range(nr)), 'kdamonds')
    for k in range(nr):
        eq(sorted(os.listdir(kd(k))),
           ['contexts', 'pid', 'refresh_ms', 'state'], kd(k))
        is_file(kd(k) + '/state', 0o600)
        is_file(kd(k) + '/pid', 0o400)
        is_file(kd(k) + '/refresh_ms', 0o600)
        reads(kd(k) + '/state', 'off')
        reads(kd(k) + '/pid', '-1')
        reads(kd(k) + '/refresh_ms', '0')
        is_file(kd(k) + '/contexts/nr_contexts', 0o600)
        reads(kd(k) + '/contexts/nr_contexts', '1')
        eq(sorted(os.listdir(ctx(k))),
           ['avail_operations', 'monitoring_attrs', 'operations',
            'schemes', 'targets'], ctx(k))
        is_file(ctx(k) + '/avail_operations', 0o400)
        eq(sorted(os.listdir(ctx(k) + '/monitoring_attrs')),
           ['intervals', 'nr_regions'], 'monitoring_attrs')
        for path, perm, default in CONTEXT_FILES:
            is_file(ctx(k) + '/' + path, perm)
            if path == 'targets/nr_targets':
                default = str(nr)
            if path == 'schemes/nr_schemes':
                default = str(nr)
            reads(ctx(k) + '/' + path, default)
        eq(numbered(ctx(k) + '/targets'), list(range(nr)), 'targets')
        eq(numbered(ctx(k) + '/schemes'), list(range(nr)), 'schemes')
        for t in range(nr):
            eq(sorted(os.listdir(target(t, k))),
               ['obsolete_target', 'pid_target', 'regions'], target(t, k))
            is_file(target(t, k) + '/pid_target', 0o600)
            reads(target(t, k) + '/pid_target', '0')
            is_file(target(t, k) + '/obsolete_target', 0o600)
            reads(target(t, k) + '/obsolete_target', 'N')
            is_file(target(t, k) + '/regions/nr_regions', 0o600)
            reads(target(t, k) + '/regions/nr_regions', str(nr))
            eq(numbered(target(t, k) + '/regions'), list(range(nr)),
               'regions')
            for r in range(nr):
                region = '%s/regions/%d' % (target(t, k), r)
                eq(sorted(os.listdir(region)), ['end', 'start'], region)
                for f in ('start', 'end'):
                    is_file(region + '/' + f, 0o600)
                    reads(region + '/' + f, '0')


@test
def one_instance_each():
    check_instances(1)


@test
def two_instances_each():
    check_instances(2)


@test
def avail_operations():
    make_tree()
    lines = read(ctx() + '/avail_operations').splitlines()
    eq(lines, ['vaddr', 'fvaddr', 'paddr'], 'avail_operations')


@test
def operations_keywords():
    make_tree()
    path = ctx() + '/operations'
    for ops in ('fvaddr', 'paddr', 'vaddr'):
        ok(path, ops)
        reads(path, ops)
        ok(path, ops + '\n')
        reads(path, ops)
    for bad in ('vaddr2', 'VADDR', 'pad', 'paddr\n\n', ' paddr', 'x'):
        fails(path, bad, errno.EINVAL)
        reads(path, 'vaddr')


@test
def ulong_read_back():
    make_tree()
    for path in UL_FILES:
        for written, shown in (('12345', '12345'), ('0x10', '16'),
                               ('010', '8'), ('7\n', '7'), ('0', '0'),
                               (str(2 ** 64 - 1), str(2 ** 64 - 1))):
            ok(path, written)
            reads(path, shown)


@test
def ulong_bad_input():
    make_tree()
    for path in UL_FILES:
        ok(path, '77')
        for bad, err in (('-1', errno.EINVAL), (U64_OVERFLOW, errno.ERANGE),
                         ('abc', errno.EINVAL), ('1a', errno.EINVAL),
                         ('0x', errno.EINVAL), ('1 2', errno.EINVAL),
                         ('\n', errno.EINVAL)):
            fails(path, bad, err)
            reads(path, '77')


@test
def pid_target_values():
    make_tree()
    path = target() + '/pid_target'
    for written, shown in (('123', '123'), ('0x20', '32'), ('010', '8'),
                           ('-5', '-5'), ('2147483647', '2147483647')):
        ok(path, written)
        reads(path, shown)
    ok(path, '42')
    # every parse error of pid_target is EINVAL, overflow included
    for bad in (U64_OVERFLOW, '2147483648', 'abc', '4x', '\n'):
        fails(path, bad, errno.EINVAL)
        reads(path, '42')


@test
def blank_writes_change_nothing():
    """Blanks alone reach the store, fail with EINVAL and change nothing.

    (An empty write is not one of them: kernfs returns 0 for it before
    any store runs.)
    """
    make_tree()
    ok(target() + '/regions/0/start', '4096')
    for path in NR_FILES + UL_FILES + [ctx() + '/operations',
                                       target() + '/pid_target',
                                       kd() + '/state']:
        before = value(path)
        for blank in ('\n', ' ', '\t\n', '\0', ' \n\n'):
            fails(path, blank, errno.EINVAL)
            reads(path, before)
    eq(numbered(target() + '/regions'), [0], 'regions after blank writes')


@test
def nr_files_bad_input():
    make_tree()
    for path in NR_FILES:
        for bad, err in (('-1', errno.EINVAL), (U64_OVERFLOW, errno.ERANGE),
                         ('2147483648', errno.ERANGE), ('abc', errno.EINVAL),
                         ('1.0', errno.EINVAL), ('\n', errno.EINVAL)):
            fails(path, bad, err)
            reads(path, '1')
    fails(kd() + '/contexts/nr_contexts', '2', errno.EINVAL)
    reads(kd() + '/contexts/nr_contexts', '1')
    ok(kd() + '/contexts/nr_contexts', '0x1')
    ok(ctx() + '/targets/nr_targets', '0x2')
    eq(numbered(ctx() + '/targets'), [0, 1], 'hex nr_targets')
    ok(ctx() + '/targets/nr_targets', '03')
    eq(numbered(ctx() + '/targets'), [0, 1, 2], 'octal nr_targets')


@test
def nr_files_shrink_grow_reset():
    """Every write recreates the children with defaults."""
    make_tree()
    levels = [
        (KDAMONDS, 'nr_kdamonds', lambda: kd() + '/contexts/nr_contexts',
         '1', '0'),
        (kd() + '/contexts', 'nr_contexts',
         lambda: ctx() + '/operations', 'paddr', 'vaddr'),
        (ctx() + '/targets', 'nr_targets',
         lambda: target() + '/pid_target', '99', '0'),
        (target() + '/regions', 'nr_regions',
         lambda: target() + '/regions/0/end', '8192', '0'),
    ]
    for parent, nr_file, child, new, default in levels:
        make_tree()
        # a kdamond has at most one context
        big = 1 if nr_file == 'nr_contexts' else 3
        nr = parent + '/' + nr_file
        ok(nr, str(big))
        eq(numbered(parent), list(range(big)), parent)
        ok(child(), new)
        ok(nr, '0')
        eq(numbered(parent), [], parent + ' emptied')
        reads(nr, '0')
        ok(nr, '1')
        eq(numbered(parent), [0], parent + ' regrown')
        if os.path.exists(child()):
            reads(child(), default)
        if big > 1:
            ok(nr, str(big))
            ok(nr, '1')
            eq(numbered(parent), [0], parent + ' shrunk')
            ok(nr, '4')
            eq(numbered(parent), [0, 1, 2, 3], parent + ' grown')
        # the same count again still resets the values
        if os.path.exists(child()):
            ok(child(), new)
            reads(child(), new)
            ok(nr, value(nr))
            reads(child(), default)


@test(timeout=120)
def many_regions():
    make_tree()
    ok(target() + '/regions/nr_regions', '1000')
    eq(len(numbered(target() + '/regions')), 1000, 'regions')
    ok(target() + '/regions/nr_regions', '0')
    eq(numbered(target() + '/regions'), [], 'regions')


@test
def read_only_files_refuse_writing():
    make_tree()
    for path in (kd() + '/pid', ctx() + '/avail_operations'):
        try:
            fd = os.open(path, os.O_WRONLY)
            os.close(fd)
            raise AssertionError(path + ' opened for writing')
        except PermissionError:
            pass


@test
def removed_dir_open_file():
    """An fd left open in a removed directory gets ENODEV, no crash."""
    make_tree(2)
    paths = [target(1) + '/regions/1/start', target(1) + '/pid_target',
             ctx(1) + '/operations', kd(1) + '/state',
             ctx(1) + '/targets/nr_targets']
    fds = [os.open(p, os.O_RDWR) for p in paths]
    try:
        ok(KDAMONDS + '/nr_kdamonds', '1')
        for p, fd in zip(paths, fds):
            try:
                os.write(fd, b'1')
                raise AssertionError('write to removed ' + p + ' succeeded')
            except OSError as e:
                eq(e.errno, errno.ENODEV, 'write to removed ' + p)
            try:
                os.pread(fd, 100, 0)
                raise AssertionError('read of removed ' + p + ' succeeded')
            except OSError as e:
                eq(e.errno, errno.ENODEV, 'read of removed ' + p)
    finally:
        for fd in fds:
            os.close(fd)
    # the recreated tree works
    ok(kd(0) + '/contexts/nr_contexts', '1')
    ok(ctx(0) + '/targets/nr_targets', '3')
    eq(numbered(ctx(0) + '/targets'), [0, 1, 2], 'targets')


@test
def state_keywords_without_context():
    make_tree()
    ok(kd() + '/contexts/nr_contexts', '0')
    for cmd in ('on', 'commit', 'update_schemes_stats',
                'commit_schemes_quota_goals', 'update_schemes_tried_bytes',
                'update_schemes_tried_regions', 'clear_schemes_tried_regions',
                'update_schemes_effective_quotas'):
        fails(kd() + '/state', cmd, errno.EINVAL)
    # never started
    fails(kd() + '/state', 'off', errno.EINVAL)
    for bad in ('start', 'ON', 'update_tuned_intervals', 'of', ''):
        if bad:
            fails(kd() + '/state', bad, errno.EINVAL)
    reads(kd() + '/state', 'off')
    reads(kd() + '/pid', '-1')


if __name__ == '__main__':
    main()

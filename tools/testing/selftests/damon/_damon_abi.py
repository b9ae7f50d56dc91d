# SPDX-License-Identifier: GPL-2.0
"""The files of the DAMON sysfs tree: mode, default and errnos.

One table that three parties hold to: the kernel (sysfs_tree.py checks
that the tree has these files, modes and defaults; every write and read
of the tests checks that an errno the kernel returns is listed here), and
the documentation (the ABI entry of each file names its errnos, and
usage.rst names each file: checked against this table outside the
guest, by the tooling that builds the kernel).

Paths are relative to /sys/kernel/mm/damon/admin, with the numbered
directories written as the ABI file writes them.  ENODEV is nobody's:
kernfs returns it for a file whose directory went while it was open.
"""

import collections
import errno
import os

ADMIN = '/sys/kernel/mm/damon/admin'

File = collections.namedtuple('File', 'mode default write read')

# the numbered directories, by the name of their parent
NUMBERED = {'kdamonds': '<K>', 'contexts': '<C>', 'targets': '<T>',
            'regions': '<R>', 'schemes': '<S>', 'goals': '<G>',
            'filters': '<F>', 'core_filters': '<F>', 'ops_filters': '<F>',
            'tried_regions': '<R>'}

NUMBER = ('EINVAL', 'ERANGE')           # kstrto*() of a value file
EINVAL = ('EINVAL',)                    # files of 6.12 that say EINVAL
# an nr_* file: parse, maximum, the lock, making the directories
NR = ('EINVAL', 'ERANGE', 'EBUSY', 'EINTR', 'ENOMEM')
LOCKED_READ = ('EBUSY', 'EINTR')        # state and pid take the lock
STATE = ('EINVAL', 'ERANGE', 'EBUSY', 'EPERM', 'ECANCELED', 'EINTR',
         'ENOMEM')

K = 'kdamonds/<K>/'
C = K + 'contexts/<C>/'
T = C + 'targets/<T>/'
S = C + 'schemes/<S>/'


def _rw(default, write=NUMBER):
    return File(0o600, default, write, ())


def _ro(default):
    return File(0o400, default, (), ())


FILES = {
    # ENOENT: the new kdamond's state files not found (not expected)
    'kdamonds/nr_kdamonds': _rw('0', NR + ('ENOENT',)),
    K + 'state': File(0o600, 'off', STATE, LOCKED_READ),
    K + 'pid': File(0o400, '-1', (), LOCKED_READ),
    K + 'refresh_ms': _rw('0'),
    K + 'contexts/nr_contexts': _rw('0', NR),
    C + 'avail_operations': _ro(None),
    C + 'operations': _rw('vaddr', EINVAL),
    C + 'monitoring_attrs/intervals/sample_us': _rw('5000'),
    C + 'monitoring_attrs/intervals/aggr_us': _rw('100000'),
    C + 'monitoring_attrs/intervals/update_us': _rw('60000000'),
    # upstream since 6.15, added to 6.12
    C + 'monitoring_attrs/intervals/intervals_goal/access_bp': _rw('0'),
    C + 'monitoring_attrs/intervals/intervals_goal/aggrs': _rw('0'),
    C + 'monitoring_attrs/intervals/intervals_goal/min_sample_us': _rw('0'),
    C + 'monitoring_attrs/intervals/intervals_goal/max_sample_us': _rw('0'),
    C + 'monitoring_attrs/nr_regions/min': _rw('10'),
    C + 'monitoring_attrs/nr_regions/max': _rw('1000'),
    C + 'targets/nr_targets': _rw('0', NR),
    T + 'pid_target': _rw('0', EINVAL),
    T + 'obsolete_target': _rw('N', EINVAL),
    T + 'regions/nr_regions': _rw('0', NR),
    T + 'regions/<R>/start': _rw('0'),
    T + 'regions/<R>/end': _rw('0'),
    C + 'schemes/nr_schemes': _rw('0', NR),
    S + 'action': _rw('stat', EINVAL),
    S + 'target_nid': _rw('-1'),
    S + 'apply_interval_us': _rw('0'),
    S + 'quotas/ms': _rw('0', EINVAL),
    S + 'quotas/bytes': _rw('0', EINVAL),
    S + 'quotas/reset_interval_ms': _rw('0', EINVAL),
    S + 'quotas/effective_bytes': _ro('0'),
    S + 'quotas/weights/sz_permil': _rw('0'),
    S + 'quotas/weights/nr_accesses_permil': _rw('0'),
    S + 'quotas/weights/age_permil': _rw('0'),
    S + 'quotas/goals/nr_goals': _rw('0', NR),
    S + 'quotas/goals/<G>/target_metric': _rw('user_input', EINVAL),
    S + 'quotas/goals/<G>/target_value': _rw('0'),
    S + 'quotas/goals/<G>/current_value': _rw('0'),
    S + 'quotas/goals/<G>/nid': _rw('0'),
    S + 'watermarks/metric': _rw('none', EINVAL),
    S + 'watermarks/interval_us': _rw('0'),
    S + 'watermarks/high': _rw('0'),
    S + 'watermarks/mid': _rw('0'),
    S + 'watermarks/low': _rw('0'),
    S + 'filters/nr_filters': _rw('0', NR),
    S + 'filters/<F>/type': _rw('anon', EINVAL),
    S + 'filters/<F>/matching': _rw('N', EINVAL),
    S + 'filters/<F>/memcg_path': _rw('', ('ENOMEM',)),
    S + 'filters/<F>/addr_start': _rw('0'),
    S + 'filters/<F>/addr_end': _rw('0'),
    S + 'filters/<F>/damon_target_idx': _rw('0'),
    S + 'tried_regions/total_bytes': _ro('0'),
}
# core_filters/ and ops_filters/ (6.15) have the files of filters/
for _dir in ('core_filters', 'ops_filters'):
    for _name in [n for n in FILES if n.startswith(S + 'filters/')]:
        FILES[_name.replace('/filters/', '/%s/' % _dir)] = FILES[_name]
for _range in ('sz', 'nr_accesses', 'age'):
    for _end in ('min', 'max'):
        FILES['%saccess_pattern/%s/%s' % (S, _range, _end)] = _rw('0')
for _stat in ('nr_tried', 'sz_tried', 'nr_applied', 'sz_applied',
              'qt_exceeds'):
    FILES[S + 'stats/' + _stat] = _ro('0')
# made by tried regions updates, not by nr_* files: no default
for _f in ('start', 'end', 'nr_accesses', 'age'):
    FILES[S + 'tried_regions/<R>/' + _f] = _ro(None)


def pattern(path):
    """The table's name of a path under ADMIN, or None."""
    if not path.startswith(ADMIN + '/'):
        return None
    parts = path[len(ADMIN) + 1:].split('/')
    for i in range(1, len(parts)):
        if parts[i].isdigit() and parts[i - 1] in NUMBERED:
            parts[i] = NUMBERED[parts[i - 1]]
    return '/'.join(parts)


def undocumented(path, err, writing):
    """Why errno err of a read or write of path is not in the table, or
    None if it is (or the path is no file of the table's)."""
    name = pattern(os.path.abspath(path))
    if not err or err == errno.ENODEV or name not in FILES:
        return None
    listed = FILES[name].write if writing else FILES[name].read
    err_name = errno.errorcode.get(err, str(err))
    if err_name in listed:
        return None
    return '%s of %s failed with %s, which _damon_abi.py does not list' % (
        'a write' if writing else 'a read', name, err_name)

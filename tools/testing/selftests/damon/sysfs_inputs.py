#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile input to every writable file of the tree, through kernfs.

The tree is populated at every level (a kdamond, context, target, region,
scheme, filter and quota goal), every 0600 file under it is found by
walking it, and each file gets the same table of inputs.  A file whose
kind the table does not know fails the test, so a new file cannot go
untested.  Each write either succeeds and reads back as the kernel's
parser documents (kstrtoul/kstrtouint/kstrtoint base 0, kstrtobool,
sysfs_streq keywords) or fails with the documented errno and leaves the
previous value readable.
"""

import errno
import os

from _damon_test import (KDAMONDS, Failure, ctx, eq, errname, kd, main,
                         note_errno, one_of_each, test, true, value)

EINVAL, ERANGE = errno.EINVAL, errno.ERANGE
U64_MAX = 2 ** 64 - 1

# name: bytes written in one write() call
INPUTS = {
    'empty': b'',
    'newline': b'\n',
    'page of ones': b'1' * 5000,
    'page of zeros, then 7': b'0' * 4095 + b'7',
    'embedded NUL': b'1\x002',
    'non-ASCII': '\u00e9\u4e00'.encode(),
    'leading plus': b'+5',
    'hex': b'0x1f',
    'octal': b'017',
    'bad octal': b'08',
    'exponent': b'1e3',
    'negative': b'-1',
    '2^63': str(2 ** 63).encode(),
    '2^64-1': str(U64_MAX).encode(),
    '2^64': str(2 ** 64).encode(),
    'trailing space': b'5 ',
    'two newlines': b'5\n\n',
    'leading space': b' 5',
}


class Outcome:
    """What a write must do: read back as `shown`, or fail with `err`."""

    def __init__(self, shown=None, err=0):
        self.shown, self.err = shown, err


def number(val, limit_bits=64, signed=False, all_einval=False, check=None):
    """The outcome of a number parsed as an integer of limit_bits."""
    kind, n = val
    if kind == 'e':
        return Outcome(err=EINVAL if all_einval else n)
    hi = 2 ** (limit_bits - 1) if signed else 2 ** limit_bits
    if n >= hi or (signed and n < -hi):
        return Outcome(err=EINVAL if all_einval else ERANGE)
    if check:
        err = check(n)
        if err:
            return Outcome(err=err)
    return Outcome(shown=str(n))


def parse(data, signed):
    """kstrto{ul,int}'s view of data: ('v', value) or ('e', errno)."""
    text = data.split(b'\0')[0]
    negative = signed and text.startswith(b'-')
    body = text[1:] if negative else text
    if not body or body in (b'\n',) or body.startswith(b'-'):
        return ('e', EINVAL)
    if body.startswith(b'+') and negative:
        return ('e', EINVAL)
    if body.endswith(b'\n'):
        body = body[:-1]
    if body.startswith(b'+'):
        body = body[1:]
    try:
        body = body.decode('ascii')
    except UnicodeDecodeError:
        return ('e', EINVAL)
    if body[:2].lower() == '0x':
        base, digits = 16, body[2:]
    elif body.startswith('0') and len(body) > 1:
        base, digits = 8, body[1:]
    else:
        base, digits = 10, body
    if not digits or any(c not in '0123456789abcdef'[:base]
                         for c in digits.lower()):
        return ('e', EINVAL)
    n = int(digits, base)
    if n > U64_MAX:
        return ('e', ERANGE)
    return ('v', -n if negative else n)


def kstrtobool(data):
    text = data.split(b'\0')[0]
    first, second = text[:1], text[1:2]
    if first and first in b'yYtT1':
        return Outcome(shown='Y')
    if first and first in b'nNfF0':
        return Outcome(shown='N')
    if first and first in b'oO' and second:
        if second in b'nN':
            return Outcome(shown='Y')
        if second in b'fF':
            return Outcome(shown='N')
    return Outcome(err=EINVAL)


def keyword(data, keywords):
    """sysfs_streq() against each keyword: one trailing newline allowed."""
    text = data.split(b'\0')[0]
    if text.endswith(b'\n'):
        text = text[:-1]
    for word in keywords:
        if text == word.encode():
            return Outcome(shown=word)
    return Outcome(err=EINVAL)


def memcg_path(data):
    """Stored up to its first NUL, without one trailing newline; shown
    with a newline in at most a page."""
    text = data[:-1] if data.endswith(b'\n') else data
    return Outcome(shown=text.split(b'\0')[0].decode()[:4095])


def nr_check(maximum):
    def check(n):
        return EINVAL if n < 0 or n > maximum else 0
    return check


def outcome_for(kind, data):
    """The documented outcome of writing data to a file of kind."""
    if kind == 'ulong':
        return number(parse(data, False))
    if kind == 'ulong, EINVAL':
        return number(parse(data, False), all_einval=True)
    if kind == 'uint':
        return number(parse(data, False), 32)
    if kind == 'int':
        return number(parse(data, True), 32, signed=True)
    if kind == 'int, EINVAL':
        return number(parse(data, True), 32, signed=True, all_einval=True)
    if kind.startswith('nr'):
        return number(parse(data, True), 32, signed=True,
                      check=nr_check(int(kind.split()[1])))
    if kind == 'bool':
        return kstrtobool(data)
    if kind == 'memcg_path':
        return memcg_path(data)
    if kind.startswith('keyword'):
        return keyword(data, kind.split()[1:])
    raise Failure('no outcome for kind ' + kind)


NR_MAX = 'nr 65536'
# file name: kind (a keyword kind lists its keywords)
KINDS = {
    'nr_kdamonds': NR_MAX, 'nr_contexts': 'nr 1', 'nr_targets': NR_MAX,
    'nr_regions': NR_MAX, 'nr_schemes': NR_MAX, 'nr_filters': NR_MAX,
    'nr_goals': NR_MAX,
    'state': 'keyword',     # no input below is a command
    'operations': 'keyword vaddr fvaddr paddr',
    'sample_us': 'ulong', 'aggr_us': 'ulong', 'update_us': 'ulong',
    'min': 'ulong', 'max': 'ulong', 'start': 'ulong', 'end': 'ulong',
    'pid_target': 'int, EINVAL',
    'refresh_ms': 'uint', 'obsolete_target': 'bool',
    'access_bp': 'ulong', 'aggrs': 'ulong', 'min_sample_us': 'ulong',
    'max_sample_us': 'ulong',
    'action': 'keyword willneed cold pageout hugepage nohugepage '
              'lru_prio lru_deprio migrate_hot migrate_cold stat',
    'apply_interval_us': 'ulong', 'target_nid': 'int',
    'ms': 'ulong, EINVAL', 'bytes': 'ulong, EINVAL',
    'reset_interval_ms': 'ulong, EINVAL',
    'sz_permil': 'uint', 'nr_accesses_permil': 'uint', 'age_permil': 'uint',
    'target_metric': 'keyword user_input some_mem_psi_us '
                     'node_mem_used_bp node_mem_free_bp',
    'target_value': 'ulong', 'current_value': 'ulong', 'nid': 'int',
    'metric': 'keyword none free_mem_rate',
    'interval_us': 'ulong', 'high': 'ulong', 'mid': 'ulong', 'low': 'ulong',
    'type': 'keyword anon memcg young addr target',
    'matching': 'bool', 'memcg_path': 'memcg_path',
    'addr_start': 'ulong', 'addr_end': 'ulong', 'damon_target_idx': 'int',
}

# the type files of core_filters/ and ops_filters/ take their layer's types
LAYER_TYPES = {'core_filters': 'keyword addr target',
               'ops_filters': 'keyword anon memcg young'}


def kind_of(path):
    """The kind of a writable file, or None."""
    name = os.path.basename(path)
    filters_dir = os.path.basename(os.path.dirname(os.path.dirname(path)))
    if name == 'type' and filters_dir in LAYER_TYPES:
        return LAYER_TYPES[filters_dir]
    return KINDS.get(name)


# per keyword kind, a value other than the default, and the inputs made
# of it: case, blanks, a second newline, a NUL
KEYWORD_INPUTS = [
    ('keyword', lambda w: w.encode()),
    ('keyword, newline', lambda w: w.encode() + b'\n'),
    ('keyword, two newlines', lambda w: w.encode() + b'\n\n'),
    ('keyword, upper case', lambda w: w.upper().encode()),
    ('keyword, capitalised', lambda w: w.capitalize().encode()),
    ('keyword, trailing space', lambda w: w.encode() + b' '),
    ('keyword, leading space', lambda w: b' ' + w.encode()),
    ('keyword, NUL, junk', lambda w: w.encode() + b'\0junk'),
    ('keyword, prefix', lambda w: w[:-1].encode()),
]
BOOL_INPUTS = [b'on', b'off', b'ON', b'oF', b'ox', b'yes', b'No', b'true',
               b'False', b'Y\n', b'N\n\n', b'2']


def writable_files():
    """Every 0600 file under kdamonds/0, kdamonds/nr_kdamonds first."""
    found = [KDAMONDS + '/nr_kdamonds']
    for root, dirs, files in os.walk(kd()):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if os.stat(path).st_mode & 0o777 == 0o600:
                found.append(path)
    return found


def write_raw(path, data):
    """One write() call: (bytes written, errno)."""
    fd = os.open(path, os.O_WRONLY)
    try:
        return os.write(fd, data), 0
    except OSError as e:
        note_errno(path, e.errno)
        return 0, e.errno
    finally:
        os.close(fd)


def try_input(path, kind, name, data, problems):
    before = value(path)
    # kernfs passes at most a page to the store; nothing when empty
    seen = data[:4096]
    expected = outcome_for(kind, seen) if data else Outcome(shown=before)
    written, err = write_raw(path, data)
    where = '%s <- %s (%r)' % (path, name, data[:24])
    if err != expected.err:
        problems.append('%s: %s, expected %s' % (where, errname(err),
                                                 errname(expected.err)))
        return
    if not err and written != min(len(data), 4096):
        problems.append('%s: wrote %d bytes' % (where, written))
    after = value(path)
    want = before if err else expected.shown
    if after != want:
        problems.append('%s: reads %r, expected %r' % (where, after[:40],
                                                      want[:40]))


def inputs_for(path, kind):
    """The table, plus the inputs of a keyword or boolean kind."""
    inputs = list(INPUTS.items())
    if kind.startswith('keyword') and len(kind.split()) > 1:
        current = value(path)
        other = [w for w in kind.split()[1:] if w != current][0]
        inputs += [(n, make(other)) for n, make in KEYWORD_INPUTS]
    if kind.startswith('keyword'):
        inputs += [('keyword upper case', b'ON'), ('numeric', b'1')]
    if kind == 'bool':
        inputs += [('bool ' + d.decode().strip(), d) for d in BOOL_INPUTS]
    return inputs


@test(timeout=300)
def every_file_every_input():
    one_of_each()
    paths = writable_files()
    problems = []
    tested = set()
    for path in paths:
        name = os.path.basename(path)
        kind = kind_of(path)
        true(kind is not None, '%s: a writable file of no known kind' % path)
        if not os.path.exists(path):
            one_of_each()
        for input_name, data in inputs_for(path, kind):
            try_input(path, kind, input_name, data, problems)
            # a successful nr_* write rebuilt what is below it
            if kind.startswith('nr'):
                one_of_each()
        tested.add(name)
    for problem in problems[:40]:
        print('# ' + problem)
    eq(len(problems), 0, 'writes that did not do as documented')
    eq(sorted(set(KINDS) - tested), [], 'kinds without a file')
    print('# %d files, %d kinds of file' % (len(paths), len(tested)))


@test(timeout=300)
def long_writes_are_cut_to_a_page():
    """kernfs hands a store at most a page per write() call."""
    one_of_each()
    path = ctx() + '/monitoring_attrs/intervals/sample_us'
    written, err = write_raw(path, b'0' * 4096 + b'7')
    eq((written, err), (4096, 0), 'a page of zeros, then 7: write()')
    eq(value(path), '0', 'sample_us after the cut write')


if __name__ == '__main__':
    main()

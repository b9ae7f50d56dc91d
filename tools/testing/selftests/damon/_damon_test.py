# SPDX-License-Identifier: GPL-2.0
"""Helpers for the DAMON sysfs selftests.

One test file is one process: spawning processes is what costs most in a
slow guest.  Each test function gets a clean tree (nr_kdamonds = 0, every
kdamond off) and reports as one KTAP line.  Values are written with a
single write() call, so each error is the errno the kernel returned.
"""

import errno
import os
import signal
import stat
import subprocess
import sys
import threading
import time
import traceback

ADMIN = '/sys/kernel/mm/damon/admin'
KDAMONDS = ADMIN + '/kdamonds'
HERE = os.path.dirname(os.path.abspath(__file__))
KSFT_SKIP = 4

_tests = []


class Failure(Exception):
    pass


def test(fn):
    """Register a test function."""
    _tests.append(fn)
    return fn


def kd(k=0):
    return '%s/%d' % (KDAMONDS, k)


def ctx(k=0, c=0):
    return '%s/contexts/%d' % (kd(k), c)


def target(t=0, k=0):
    return '%s/targets/%d' % (ctx(k), t)


def read(path):
    with open(path) as f:
        return f.read()


def value(path):
    """The file's content without its one trailing newline."""
    content = read(path)
    if content.endswith('\n'):
        content = content[:-1]
    return content


def write(path, content):
    """Write in one write() call; return 0 or the errno."""
    if isinstance(content, str):
        content = content.encode()
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError as e:
        return e.errno
    try:
        written = os.write(fd, content)
        if written != len(content):
            raise Failure('%s: short write %d of %d' %
                          (path, written, len(content)))
        return 0
    except OSError as e:
        return e.errno
    finally:
        os.close(fd)


def write_in_thread(path, content):
    """Write in another thread; result['err'] is set when it returns."""
    result = {}

    def run():
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, content.encode())
            result['err'] = 0
        except OSError as e:
            result['err'] = e.errno
        finally:
            os.close(fd)
    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def errname(err):
    return errno.errorcode.get(err, str(err)) if err else 'success'


def ok(path, content):
    err = write(path, content)
    if err:
        raise Failure('writing %r to %s: %s' % (content, path, errname(err)))


def fails(path, content, expected):
    err = write(path, content)
    if err != expected:
        raise Failure('writing %r to %s: %s, expected %s' %
                      (content, path, errname(err), errname(expected)))


def eq(actual, expected, what=''):
    if actual != expected:
        raise Failure('%s: %r, expected %r' % (what, actual, expected))


def true(cond, what):
    if not cond:
        raise Failure(what)


def reads(path, expected):
    eq(value(path), expected, path)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def is_file(path, perm):
    true(os.path.isfile(path), '%s: no such file' % path)
    eq(oct(mode(path)), oct(perm), path + ' mode')


def is_dir(path):
    true(os.path.isdir(path), '%s: no such directory' % path)


def is_absent(path):
    true(not os.path.exists(path), '%s: exists' % path)


def numbered(path):
    """The numbered subdirectories of path."""
    return sorted(int(n) for n in os.listdir(path) if n.isdigit())


def wait_for(cond, what, timeout=120, interval=0.05):
    """Wait for cond() with a generous bound: the guest may be very slow."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise Failure('timed out waiting for ' + what)
        time.sleep(interval)


def state(k=0):
    """Read state, retrying while the lock is contended (EBUSY)."""
    for _ in range(1000):
        try:
            return value(kd(k) + '/state')
        except OSError as e:
            if e.errno != errno.EBUSY:
                raise
            time.sleep(0.01)
    raise Failure('state stays busy')


def reset():
    """Turn every kdamond off and remove them all."""
    try:
        nr = int(value(KDAMONDS + '/nr_kdamonds'))
    except OSError:
        return
    for k in range(nr):
        if state(k) == 'on':
            write(kd(k) + '/state', 'off')
    for _ in range(100):
        if write(KDAMONDS + '/nr_kdamonds', '0') != errno.EBUSY:
            break
        time.sleep(0.05)


def setup_kdamond(ops='vaddr', pids=(), regions=None, nr_kdamonds=1, k=0):
    """Make kdamonds/<k> with one context for ops and a target per pid.

    regions: list (per target) of lists of (start, end).
    """
    if k == 0:
        ok(KDAMONDS + '/nr_kdamonds', str(nr_kdamonds))
    ok(kd(k) + '/contexts/nr_contexts', '1')
    ok(ctx(k) + '/operations', ops)
    ok(ctx(k) + '/targets/nr_targets', str(len(pids)))
    for t, pid in enumerate(pids):
        ok(target(t, k) + '/pid_target', str(pid))
        rs = regions[t] if regions else []
        ok(target(t, k) + '/regions/nr_regions', str(len(rs)))
        for r, (start, end) in enumerate(rs):
            ok('%s/regions/%d/start' % (target(t, k), r), str(start))
            ok('%s/regions/%d/end' % (target(t, k), r), str(end))


def system_ram():
    """The largest System RAM range, from /proc/iomem."""
    best = (0, 0)
    with open('/proc/iomem') as f:
        for line in f:
            if line.startswith(' ') or 'System RAM' not in line:
                continue
            start, end = (int(x, 16) for x in line.split()[0].split('-'))
            if end + 1 - start > best[1] - best[0]:
                best = (start, end + 1)
    true(best[1] > best[0], 'no System RAM in /proc/iomem')
    return best


def set_intervals(sample, aggr, update, k=0):
    base = ctx(k) + '/monitoring_attrs/intervals/'
    ok(base + 'sample_us', str(sample))
    ok(base + 'aggr_us', str(aggr))
    ok(base + 'update_us', str(update))


def is_kdamond(pid):
    """Whether pid is a kernel thread named kdamond.N."""
    try:
        comm = read('/proc/%d/comm' % pid).strip()
    except OSError:
        return False
    return comm.startswith('kdamond')


class Workload:
    """A child process that keeps touching some memory."""

    def __init__(self, mib=4, args=()):
        prog = os.environ.get('DAMON_WORKLOAD',
                              os.path.join(HERE, 'damon_workload'))
        self.proc = subprocess.Popen([prog, str(mib)] + list(args),
                                     stdout=subprocess.PIPE)
        # the workload says "ready" once its memory is mapped
        line = self.proc.stdout.readline().decode()
        if not line.startswith('ready'):
            raise Failure('workload did not start: %r' % line)
        self.pid = self.proc.pid
        fields = line.split()
        self.start = int(fields[1], 16)
        self.end = int(fields[2], 16)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.stop()


def main():
    """Run the registered tests; print KTAP; exit as kselftest expects."""
    if os.geteuid() != 0:
        print('1..0 # SKIP needs root')
        sys.exit(KSFT_SKIP)
    if not os.path.isdir(KDAMONDS):
        print('1..0 # SKIP no DAMON sysfs interface')
        sys.exit(KSFT_SKIP)
    only = sys.argv[1:]
    tests = [t for t in _tests if not only or t.__name__ in only]
    print('TAP version 13')
    print('1..%d' % len(tests))
    failed = 0
    for i, fn in enumerate(tests, 1):
        reset()
        try:
            fn()
            print('ok %d %s' % (i, fn.__name__))
        except Exception:
            failed += 1
            for line in traceback.format_exc().splitlines():
                print('# ' + line)
            print('not ok %d %s' % (i, fn.__name__))
        sys.stdout.flush()
        reset()
    print('# %d passed, %d failed' % (len(tests) - failed, failed))
    sys.exit(1 if failed else 0)

# SPDX-License-Identifier: GPL-2.0
"""Helpers for the DAMON sysfs selftests.

One test file is one program, and each test function runs in a child
forked from it (cheaper than a new interpreter in a slow guest) with a
timeout of its own: a test that hangs is killed and fails alone.  Each
test function gets a clean tree (nr_kdamonds = 0, every kdamond off) and
reports as one KTAP line.  Values are written with a single write() call,
so each error is the errno the kernel returned.

A program skips (exit 4), as kselftests do, when it is not root or the
kernel lacks the interface; a test skips when the kernel lacks a feature
it needs (the function tracer, fault injection...).  Timeouts are for a
machine of today; DAMON_TEST_TIMEOUT_SCALE multiplies them, for emulated
machines and kernels built with bug finders.
"""

import errno
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
import traceback

from _damon_abi import ADMIN, undocumented

KDAMONDS = ADMIN + '/kdamonds'
HERE = os.path.dirname(os.path.abspath(__file__))
KSFT_SKIP = 4

_tests = []

# seconds a test function may take by default, on a machine of today
DEFAULT_TIMEOUT = 60


class Failure(Exception):
    pass


class Skip(Exception):
    """The kernel lacks something the test needs; the message says what."""


def test(fn=None, timeout=DEFAULT_TIMEOUT):
    """Register a test function: @test, or @test(timeout=SECONDS)."""
    def register(f):
        f.timeout = timeout
        _tests.append(f)
        return f
    return register(fn) if fn else register


def timeout_scale():
    return float(os.environ.get('DAMON_TEST_TIMEOUT_SCALE', '1'))


def require(path, what):
    """Skip the test unless path exists."""
    if not os.path.exists(path):
        raise Skip('no %s (%s)' % (what, path))


def kd(k=0):
    return '%s/%d' % (KDAMONDS, k)


def ctx(k=0, c=0):
    return '%s/contexts/%d' % (kd(k), c)


def target(t=0, k=0):
    return '%s/targets/%d' % (ctx(k), t)


# errnos that the kernel returned and _damon_abi.py does not list, from
# any thread of the test; the test fails at its end if there are any
_undocumented_errnos = []


def note_errno(path, err, writing=True):
    """Check an errno of a read() or write() (not of open()) against
    the table of the ABI."""
    why = undocumented(path, err, writing)
    if why:
        _undocumented_errnos.append(why)


def read(path):
    with open(path) as f:
        try:
            return f.read()
        except OSError as e:
            note_errno(path, e.errno, writing=False)
            raise


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
        note_errno(path, e.errno)
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
            note_errno(path, e.errno)
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
    """Turn every kdamond off and remove them all, or fail.

    A test that leaves a kdamond that cannot be turned off, or a tree that
    cannot be removed, fails: it is not cleaned up behind its back.
    """
    nr = int(value(KDAMONDS + '/nr_kdamonds'))
    for k in range(nr):
        if state(k) == 'on':
            err = write(kd(k) + '/state', 'off')
            # EPERM: it stopped on its own meanwhile
            if err not in (0, errno.EPERM):
                raise Failure('reset: off of kdamond %d: %s' %
                              (k, errname(err)))
        true(state(k) == 'off', 'reset: kdamond %d still on' % k)
    err = write(KDAMONDS + '/nr_kdamonds', '0')
    if err:
        raise Failure('reset: nr_kdamonds 0: %s' % errname(err))
    reads(KDAMONDS + '/nr_kdamonds', '0')


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


def one_of_each():
    """kdamonds/0 with one directory at every level: context, target,
    region, scheme, filter (of each filters directory) and quota goal."""
    ok(KDAMONDS + '/nr_kdamonds', '1')
    ok(kd() + '/contexts/nr_contexts', '1')
    ok(ctx() + '/targets/nr_targets', '1')
    ok(target() + '/regions/nr_regions', '1')
    ok(ctx() + '/schemes/nr_schemes', '1')
    scheme = ctx() + '/schemes/0'
    for filters in ('filters', 'core_filters', 'ops_filters'):
        ok('%s/%s/nr_filters' % (scheme, filters), '1')
    ok(scheme + '/quotas/goals/nr_goals', '1')


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
    """A child process that keeps touching some memory.

    cgroup: a cgroup2 directory to start it in, so that its memory is
    charged there from its first page.
    """

    def __init__(self, mib=4, args=(), cgroup=None):
        prog = os.environ.get('DAMON_WORKLOAD',
                              os.path.join(HERE, 'damon_workload'))

        def enter_cgroup():
            with open(cgroup + '/cgroup.procs', 'w') as f:
                f.write(str(os.getpid()))
        self.proc = subprocess.Popen([prog, str(mib)] + list(args),
                                     stdout=subprocess.PIPE,
                                     preexec_fn=enter_cgroup if cgroup
                                     else None)
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


def task_stack(tid):
    """The kernel stack of a task (a thread id or pid), or '' if gone."""
    try:
        return read('/proc/%d/stack' % tid)
    except OSError:
        return ''


def task_state(tid):
    """The state letter of a task (R, S, D, I...), or '' if gone."""
    try:
        return read('/proc/%d/stat' % tid).rsplit(')', 1)[1].split()[0]
    except (OSError, IndexError):
        return ''


def in_command_wait(tid):
    """Whether task tid sleeps in a state command's wait for its kdamond.

    /proc/<tid>/stack leaves out the scheduler's functions, waits among
    them: the top frame is the sleeper's caller, the "state" file's handler
    or a function of ours that it calls.
    """
    if task_state(tid) not in ('S', 'D'):
        return False
    stack = task_stack(tid).splitlines()
    return bool(stack) and ('state_store' in stack[0] or
                            'damon_sysfs' in stack[0])


def wait_until_pending(thread, result, what='the command'):
    """Wait until the writer thread sleeps in its command's wait.

    Fails if the command returned instead: the caller needs it pending.
    """
    try:
        wait_for(lambda: not thread.is_alive() or
                 in_command_wait(thread.native_id),
                 what + ' to wait for the kdamond')
    except Failure:
        raise Failure('%s is not waiting for the kdamond; its stack:\n%s' %
                      (what, task_stack(thread.native_id)))
    true(thread.is_alive(), '%s returned at once: %s' %
         (what, errname(result.get('err'))))


def lock_reader(path, seconds):
    """Read path in a tight loop for seconds, in a compiled program:
    (reads, EBUSY failures, reads that found the file removed)."""
    out = subprocess.run([os.path.join(HERE, 'damon_lock_reader'), path,
                          str(seconds)], stdout=subprocess.PIPE, check=True)
    fields = out.stdout.decode().split()
    return int(fields[1]), int(fields[3]), int(fields[5])


def lock_reader_in_background(path, seconds):
    """lock_reader() in a child process; .communicate() ends it."""
    return subprocess.Popen([os.path.join(HERE, 'damon_lock_reader'), path,
                             str(seconds)], stdout=subprocess.PIPE)


class KernelLog:
    """The kernel log from now on, from /dev/kmsg."""

    def __init__(self):
        self.fd = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)

    def new_lines(self):
        """The messages logged since the last call, one line each."""
        lines = []
        while True:
            try:
                record = os.read(self.fd, 8192).decode(errors='replace')
            except BlockingIOError:
                return lines
            except OSError as e:
                # EPIPE: messages were overwritten; go on with the rest
                if e.errno != errno.EPIPE:
                    raise
                continue
            lines.append(record.split(';', 1)[-1].rstrip('\n'))


def kernel_log():
    return KernelLog()


TRACING = '/sys/kernel/tracing'


class TraceInstance:
    """A tracefs instance of ours with the given events, clock "mono".
    filters: an event filter per event, for some of them."""

    def __init__(self, events, name='damon_test', filters=None):
        require(TRACING + '/instances', 'tracefs instances')
        self.dir = '%s/instances/%s_%d' % (TRACING, name, os.getpid())
        if os.path.isdir(self.dir):
            os.rmdir(self.dir)
        os.mkdir(self.dir)
        self.events = events
        # one clock for every CPU: the kdamond moves between them
        ok(self.dir + '/trace_clock', 'mono')
        ok(self.dir + '/buffer_size_kb', '4096')
        for event, expr in (filters or {}).items():
            ok('%s/events/%s/filter' % (self.dir, event), expr)
        for event in events:
            ok('%s/events/%s/enable' % (self.dir, event), '1')

    def clear(self):
        with open(self.dir + '/trace', 'w'):
            pass

    def trace_functions(self, functions):
        """Add the function tracer on functions (one write each: the
        filter file takes a name per write) to the events."""
        if not os.path.exists(self.dir + '/set_ftrace_filter'):
            self.close()
            raise Skip('no function tracer')
        for function in functions:
            ok(self.dir + '/set_ftrace_filter', function)
        ok(self.dir + '/current_tracer', 'function')
        self.functions = True

    def close(self):
        if getattr(self, 'functions', False):
            write(self.dir + '/current_tracer', 'nop')
        for event in self.events:
            write('%s/events/%s/enable' % (self.dir, event), '0')
        os.rmdir(self.dir)

    def lines(self):
        with open(self.dir + '/trace') as f:
            return f.readlines()

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()


LONG_TIMER = re.compile(r'^\s*\S+-(\d+)\s.*timer_start: .*'
                        r'function=process_timeout .*\[timeout=(\d+)\]')


class KdamondSleeps(TraceInstance):
    """The timers kdamonds arm for long sleeps: their watermarks sleeps.

    A kdamond sleeps with schedule_timeout() for a watermarks interval
    above 20 ms, arming a process_timeout timer; sampling sleeps of 20 ms
    or less, as in the tests that use this, use hrtimers instead.
    """

    def __init__(self):
        super().__init__(['timer/timer_start'], 'damon_timers')

    def parked(self, pid, min_jiffies=1000):
        """Whether kdamond pid has armed a timer of min_jiffies or more
        (10 s or more at HZ 100 and up)."""
        for line in self.lines():
            m = LONG_TIMER.match(line)
            if m and int(m.group(1)) == pid and \
                    int(m.group(2)) >= min_jiffies:
                return True
        return False

    def wait_parked(self, pid, min_jiffies=1000):
        """Wait for a watermarks sleep of kdamond pid.  With sampling
        intervals of 20 ms or less, which sleep on hrtimers, any timer of
        the kdamond is one: min_jiffies 1."""
        wait_for(lambda: self.parked(pid, min_jiffies),
                 'kdamond %d to sleep for its watermarks' % pid)


class Window:
    """One aggregation window of one kdamond, from damon_aggregated."""

    def __init__(self, pid, ts):
        self.pid = pid
        self.ts = ts            # seconds, trace clock "mono"
        self.regions = []       # (target_id, nr_regions, start, end,
                                #  nr_accesses, age)

    def targets(self):
        return sorted({r[0] for r in self.regions})


AGGREGATED = re.compile(
    r'^\s*\S+-(\d+)\s.*?\s(\d+\.\d+): damon_aggregated: target_id=(\d+) '
    r'nr_regions=(\d+) (\d+)-(\d+): (\d+) (\d+)$')


class Aggregations(TraceInstance):
    """DAMON's damon_aggregated tracepoint, in a tracefs instance of ours.

    What the kdamond really aggregated, and when: windows of the running
    context, not the files a test wrote.
    """

    def __init__(self):
        super().__init__(['damon/damon_aggregated'])

    def windows(self, pid=None):
        """The complete windows in the buffer, oldest first.

        A window's regions come out in one burst, targets in order and
        each target's regions by address: a (target, start) that does not
        grow starts the next window.
        """
        wins = {}
        for line in self.lines():
            m = AGGREGATED.match(line)
            if not m:
                continue
            kpid = int(m.group(1))
            region = tuple(int(x) for x in m.groups()[2:])
            cur = wins.setdefault(kpid, [])
            if not cur or (region[0], region[2]) <= (
                    cur[-1].regions[-1][0], cur[-1].regions[-1][2]):
                cur.append(Window(kpid, float(m.group(2))))
            cur[-1].regions.append(region)
        if pid is not None:
            return wins.get(pid, [])
        return [w for ws in wins.values() for w in ws]

    def wait_windows(self, pid, n, what='aggregation windows'):
        """Wait until the buffer holds n windows of kdamond pid."""
        wait_for(lambda: len(self.windows(pid)) >= n,
                 '%d %s' % (n, what), timeout=300, interval=0.2)
        return self.windows(pid)


SAMPLING_FUNCTIONS = {
    'vaddr': ('damon_va_prepare_access_checks', 'damon_va_check_accesses'),
    'fvaddr': ('damon_va_prepare_access_checks', 'damon_va_check_accesses'),
    'paddr': ('damon_pa_prepare_access_checks', 'damon_pa_check_accesses'),
}

TRACED_CALL = re.compile(r'^\s*\S+-(\d+)\s.*?\s(\d+\.\d+): (\w+) <-')


class Sample:
    """One sampling of a kdamond: its access checks were prepared at
    start and checked at end (None until checked); the sampling sleep lies
    between the two."""

    def __init__(self, start):
        self.start = start
        self.end = None


class Samples(TraceInstance):
    """Each sampling of the kdamonds (the function tracer on the ops'
    prepare_access_checks and check_accesses) and DAMON's damon_aggregated
    tracepoint, in one buffer: how many samples each aggregation window
    really holds, and how long each sampling sleep really was.

    The 6.12 loop prepares the access checks, calls after_sampling, sleeps
    the sampling interval and checks the accesses; a window ends with the
    damon_aggregated burst that follows its last check.
    """

    def __init__(self, ops='vaddr', first_region_start=None):
        """first_region_start: the start of the first region, which stays
        when regions are split and merged: only its damon_aggregated line is
        kept of a window, for windows of thousands of regions."""
        filters = None
        if first_region_start is not None:
            filters = {'damon/damon_aggregated':
                       'start == %d' % first_region_start}
        super().__init__(['damon/damon_aggregated'], 'damon_samples',
                         filters)
        self.prepare, self.check = SAMPLING_FUNCTIONS[ops]
        self.trace_functions([self.prepare, self.check])

    def windows(self, pid):
        """The complete windows of kdamond pid, oldest first, each as the
        list of its samples.  What precedes the first burst in the buffer
        is a part of a window, and is left out."""
        windows, samples, in_burst, seen_burst = [], [], False, False
        for line in self.lines():
            m = AGGREGATED.match(line)
            if m:
                if int(m.group(1)) != pid:
                    continue
                if not in_burst:
                    if seen_burst:
                        windows.append(samples)
                    samples, in_burst, seen_burst = [], True, True
                continue
            m = TRACED_CALL.match(line)
            if not m or int(m.group(1)) != pid:
                continue
            in_burst = False
            ts = float(m.group(2))
            if m.group(3) == self.prepare:
                samples.append(Sample(ts))
            elif m.group(3) == self.check and samples:
                samples[-1].end = ts
        return windows

    def wait_windows(self, pid, n, what='aggregation windows'):
        wait_for(lambda: len(self.windows(pid)) >= n,
                 '%d %s' % (n, what), timeout=300, interval=0.2)
        return self.windows(pid)

    def nr_regions(self, pid):
        """The number of regions of the first target of kdamond pid in its
        last window in the buffer, 0 if none."""
        for line in reversed(self.lines()):
            m = AGGREGATED.match(line)
            if m and int(m.group(1)) == pid:
                return int(m.group(4))
        return 0


def gaps_us(windows):
    """The lengths of the windows between consecutive ones, in us."""
    return [round((b.ts - a.ts) * 1e6) for a, b in zip(windows,
                                                         windows[1:])]


U64_MAX = str(2 ** 64 - 1)


def scheme(s=0):
    return '%s/schemes/%d' % (ctx(), s)


def kdamond_pid():
    return int(value(kd() + '/pid'))


def stat_kdamond(w, sample, aggr, nr_schemes=1, apply_us=0):
    """A kdamond on w with stat schemes that match every region."""
    setup_kdamond('vaddr', [w.pid])
    set_intervals(sample, aggr, max(aggr, 1000000))
    ok(ctx() + '/schemes/nr_schemes', str(nr_schemes))
    for s in range(nr_schemes):
        for r in ('sz', 'nr_accesses', 'age'):
            ok('%s/access_pattern/%s/max' % (scheme(s), r), U64_MAX)
        ok(scheme(s) + '/apply_interval_us', str(apply_us))


def free_mem_rate():
    """What DAMON's free_mem_rate watermark metric reads, in permil."""
    info = {}
    with open('/proc/meminfo') as f:
        for line in f:
            name, val = line.split(':')
            info[name] = int(val.split()[0])
    return info['MemFree'] * 1000 // info['MemTotal']


def set_watermarks(interval_us, high, mid, low, s=0):
    wm = scheme(s) + '/watermarks/'
    ok(wm + 'metric', 'free_mem_rate')
    ok(wm + 'interval_us', str(interval_us))
    ok(wm + 'high', str(high))
    ok(wm + 'mid', str(mid))
    ok(wm + 'low', str(low))


def deactivate_all(interval_us, nr_schemes=1):
    """Watermarks that always deactivate: free memory below 1000 permil."""
    for s in range(nr_schemes):
        set_watermarks(interval_us, 1000, 1000, 1000, s)


def check_windows_during(trace, pid, aggr, what, work):
    """Run work() and check the windows it overlapped (at least three)."""
    trace.clear()
    work()
    wins = trace.wait_windows(pid, 3)
    gaps = gaps_us(wins)
    short = [g for g in gaps if g < aggr * 0.995]
    print('# %s: %d windows, %d-%d us (configured %d)' %
          (what, len(wins), min(gaps), max(gaps), aggr))
    true(not short, '%s: windows of %s us, configured %d us' %
         (what, short, aggr))


def mapped_mib(permil):
    """permil of the memory, in MiB."""
    with open('/proc/meminfo') as f:
        total_kib = int(f.readline().split()[1])
    return total_kib * permil // 1000 // 1024


class SlowPaddrKdamond:
    """A running paddr kdamond of 10,000 regions with a stat scheme, over a
    memory half mapped by a process: every sampling checks a page of each
    region through its reverse map, so that an iteration takes much longer
    than two jiffies (about 120 ms on the plain kernel under TCG), sample_us
    aside.  Its windows are two samplings, which are traced (.trace)."""

    def __init__(self, sample_us):
        ram = system_ram()
        setup_kdamond('paddr', [0], [[ram]])
        # two samples a window: the regions grow fast
        set_intervals(sample_us, 2 * sample_us, 1000000)
        ok(ctx() + '/monitoring_attrs/nr_regions/min', '10000')
        ok(ctx() + '/monitoring_attrs/nr_regions/max', '20000')
        ok(ctx() + '/schemes/nr_schemes', '1')
        for r in ('sz', 'nr_accesses', 'age'):
            ok('%s/access_pattern/%s/max' % (scheme(), r), U64_MAX)
        self.workload = Workload(mib=mapped_mib(500))
        self.trace = Samples('paddr', ram[0])
        ok(kd() + '/state', 'on')
        self.pid = kdamond_pid()
        # the regions double at each window until they pass min_nr_regions
        wait_for(lambda: self.trace.nr_regions(self.pid) >= 10000,
                 '10,000 regions', timeout=300, interval=1)

    def period_ms(self):
        """The median time between two samplings of the last windows."""
        samples = [x for w in self.trace.windows(self.pid)[-3:] for x in w]
        periods = sorted(b.start - a.start
                         for a, b in zip(samples, samples[1:]))
        return periods[len(periods) // 2] * 1e3 if periods else -1

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.trace.close()
        self.workload.stop()


def run_in_child(fn, skip_line):
    """Run fn() in a forked child; returns its pid.  The child exits 0 on
    success, 1 on a failure, whose traceback it prints, and KSFT_SKIP on a
    skip, whose result line (skip_line and the reason) it prints."""
    sys.stdout.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        fn()
        code = 0
    except Skip as e:
        print('%s # SKIP %s' % (skip_line, e))
        code = KSFT_SKIP
    except BaseException:
        for line in traceback.format_exc().splitlines():
            print('# ' + line)
    sys.stdout.flush()
    os._exit(code)


def wait_child(pid, timeout):
    """The exit status of child pid, or None if it is still running after
    timeout seconds, when it is killed."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    # a killed test leaves nothing behind but what reset() removes; a
    # child that a kill does not end is stuck in the kernel: say so
    try:
        wait_for(lambda: os.waitpid(pid, os.WNOHANG)[0], 'the killed test',
                 timeout=60)
    except Failure:
        print('# the killed test is stuck in the kernel:')
        for line in task_stack(pid).splitlines():
            print('#   ' + line)
        raise
    return None


def run_one(i, fn):
    """Run test fn as test i; True if it did not fail."""
    def body():
        reset()
        fn()
        reset()
        if _undocumented_errnos:
            raise Failure('; '.join(sorted(set(_undocumented_errnos))))
    timeout = fn.timeout * timeout_scale()
    start = time.monotonic()
    code = wait_child(run_in_child(body, 'ok %d %s' % (i, fn.__name__)),
                      timeout)
    print('# %s: %.1f s (timeout %d s)' % (fn.__name__,
                                          time.monotonic() - start, timeout))
    if code == KSFT_SKIP:
        return True
    if code is None:
        print('# timed out')
    if code:
        # leave a clean tree for the next test if at all possible
        try:
            reset()
        except Exception:
            pass
    print('%sok %d %s' % ('' if code == 0 else 'not ', i, fn.__name__))
    return code == 0


def skip_all(reason):
    print('1..0 # SKIP ' + reason)
    sys.exit(KSFT_SKIP)


def main():
    """Run the registered tests; print KTAP; exit as kselftest expects."""
    if os.geteuid() != 0:
        skip_all('needs root')
    if not os.path.isdir(KDAMONDS):
        skip_all('no DAMON sysfs interface at ' + ADMIN)
    only = sys.argv[1:]
    tests = [t for t in _tests if not only or t.__name__ in only]
    print('TAP version 13')
    print('1..%d' % len(tests))
    failed = 0
    for i, fn in enumerate(tests, 1):
        if not run_one(i, fn):
            failed += 1
        sys.stdout.flush()
    print('# %d passed, %d failed' % (len(tests) - failed, failed))
    sys.exit(1 if failed else 0)

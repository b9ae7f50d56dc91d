#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of summarize.py, on the outputs of a recorded guest run.

testdata/summarize/good/ is what a passing `make check` guest left in its
out/ directory (a plain kernel, five programs: testdata/summarize/Makefile
says which).  Each test breaks one thing in a copy of it, the way a broken
interface or a broken harness would, and the summary must count a failure.
The good run itself must pass, so that every test can fail.  The kmemleak
tests add what the debug kernel's guest writes: its status and reports.  KERNEL_TREE names a kernel tree for its KTAP parser
(tools/testing/kunit); `make check` sets it.
"""

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import summarize  # noqa: E402

DATA = os.path.join(HERE, 'testdata', 'summarize')
GOOD = os.path.join(DATA, 'good')
# the selftests Makefile of the recorded run
MAKEFILE = os.path.join(DATA, 'Makefile')


def kernel_tree():
    tree = os.environ.get('KERNEL_TREE')
    if not tree:
        tree = subprocess.run([os.path.join(HERE, 'tree.sh'), 'ours'],
                              capture_output=True, text=True,
                              check=True).stdout.strip()
    return tree


class Run:
    """A copy of the good run, and a tree with its Makefile."""

    def __init__(self, drop_prog=None):
        self.dir = tempfile.mkdtemp(prefix='summarize-test-')
        self.out = os.path.join(self.dir, 'out')
        shutil.copytree(GOOD, self.out)
        self.tree = os.path.join(self.dir, 'tree')
        os.makedirs(self.tree + '/tools/testing/selftests/damon')
        os.symlink(os.path.join(kernel_tree(), 'tools/testing/kunit'),
                   self.tree + '/tools/testing/kunit')
        with open(MAKEFILE) as f:
            makefile = f.read()
        if drop_prog:
            makefile = re.sub(r'\b%s\b' % re.escape(drop_prog), '',
                              makefile)
        with open(self.tree + '/tools/testing/selftests/damon/Makefile',
                  'w') as f:
            f.write(makefile)
        self.vm_rc = 0
        self.flavor = 'plain'
        self.tests = []
        self.second = None
        self.second_vm_rc = 0

    def debug(self):
        """What the guests of a debug kernel add: a clean kmemleak."""
        self.flavor = 'debug'
        for where in (self.out, self.second):
            if where:
                self.write('kmemleak-status.txt', 'ok\n', where)
                self.write('kmemleak.txt', '', where)
                self.write('kmemleak-boot.txt', '', where)

    def split(self, prog):
        """Move prog to a second guest of the test kernel, as make check
        does with the fault programs on the debug kernel: its own out/,
        with the guest's logs and a TAP stream of prog alone."""
        self.second = os.path.join(self.dir, 'second')
        shutil.copytree(self.out, self.second)
        lines = self.read('kselftest.tap').splitlines(keepends=True)
        start = lines.index('# selftests: damon: %s\n' % prog) - 1
        end = next(i for i, line in enumerate(lines)
                   if re.match(r'^ok \d+ selftests: damon: %s$' %
                               re.escape(prog), line)) + 1
        block = lines[start:end]
        block[-1] = re.sub(r'^ok \d+', 'ok 1', block[-1])
        with open(os.path.join(self.second, 'kselftest.tap'), 'w') as f:
            f.write('TAP version 13\n1..1\n' + ''.join(block))
        rest = lines[:start] + lines[end:]
        plan = int(rest[1][3:])
        rest[1] = '1..%d\n' % (plan - 1)
        self.write('kselftest.tap', ''.join(rest))

    def path(self, name, where=None):
        return os.path.join(where or self.out, name)

    def read(self, name):
        with open(self.path(name)) as f:
            return f.read()

    def write(self, name, text, where=None):
        with open(self.path(name, where), 'w') as f:
            f.write(text)

    def edit(self, name, old, new, count=1):
        text = self.read(name)
        if isinstance(old, re.Pattern):
            text, n = old.subn(new, text, count=count)
        else:
            n = text.count(old)
            text = text.replace(old, new, count)
        if not n:
            raise AssertionError('%s: %r not found' % (name, old))
        self.write(name, text)

    def append(self, name, text):
        with open(self.path(name), 'a') as f:
            f.write(text)

    def summarize(self):
        argv = ['--tree', self.tree, '--out', self.out, '--flavor',
                self.flavor, '--vm-rc', str(self.vm_rc), '--series-rc', '0',
                '--harness-rc', '0']
        if self.second:
            argv += ['--second-out', self.second, '--second-vm-rc',
                     str(self.second_vm_rc)]
        argv += self.tests
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = summarize.main(argv)
        self.output = buf.getvalue()
        self.last = self.output.strip().splitlines()[-1]
        return rc

    def cleanup(self):
        shutil.rmtree(self.dir)


class SummarizeTest(unittest.TestCase):
    def setUp(self):
        self.run_ = Run()

    def tearDown(self):
        self.run_.cleanup()

    def assertFails(self, what, expect):
        """The summary fails, and a FAILED line matches expect."""
        rc = self.run_.summarize()
        self.assertEqual(rc, 1, '%s: passed\n%s' % (what,
                                                     self.run_.output))
        m = re.match(r'^(\d+) passed, (\d+) failed', self.run_.last)
        self.assertTrue(m and int(m.group(2)) > 0, self.run_.last)
        failed = [line for line in self.run_.output.splitlines()
                  if line.startswith('FAILED: ')]
        self.assertTrue(any(re.search(expect, line) for line in failed),
                        '%s: no FAILED line matches %r:\n%s' %
                        (what, expect, '\n'.join(failed)))

    # the baseline: without it, every test below could pass for nothing
    def test_good_run_passes(self):
        rc = self.run_.summarize()
        self.assertEqual(rc, 0, self.run_.output)
        m = re.match(r'^(\d+) passed, 0 failed(, \d+ skipped)?$',
                     self.run_.last)
        self.assertTrue(m, self.run_.last)
        # every kunit leaf and kselftest subtest counts
        self.assertGreater(int(m.group(1)), 100)

    def test_interface_absent(self):
        self.run_.write('interface.txt', 'absent\n')
        self.assertFails('interface absent',
                        'interface is not in the guest \\(absent\\)')

    def test_interface_file_missing(self):
        os.unlink(self.run_.path('interface.txt'))
        self.assertFails('no interface.txt',
                        'interface is not in the guest \\(unknown\\)')

    def test_programs_skip_without_interface(self):
        # what the kselftests printed on a kernel without the interface
        progs = summarize.makefile_vars(self.run_.tree)['TEST_PROGS']
        tap = ['TAP version 13', '1..%d' % len(progs)]
        for i, p in enumerate(progs, 1):
            tap += ['# timeout set to 1200', '# selftests: damon: ' + p,
                    '# 1..0 # SKIP no DAMON sysfs interface',
                    'ok %d selftests: damon: %s # SKIP' % (i, p)]
        self.run_.write('kselftest.tap', '\n'.join(tap) + '\n')
        self.assertFails('every program skipped',
                        'skipped \\(not allowed\\): no DAMON sysfs')

    def block(self, prog):
        """Where prog's output and result line are in kselftest.tap."""
        tap = self.run_.read('kselftest.tap')
        m = re.search(r'^# selftests: damon: %s\n(.*?)^((?:not )?ok (\d+) '
                      r'selftests: damon: %s[^\n]*\n)' % (re.escape(prog),
                                                         re.escape(prog)),
                      tap, re.M | re.S)
        self.assertTrue(m, prog)
        return tap, m

    def replace_block(self, prog, inner, result):
        tap, m = self.block(prog)
        self.run_.write('kselftest.tap', tap[:m.start()] +
                        '# selftests: damon: %s\n' % prog + inner +
                        result % int(m.group(3)) + '\n' + tap[m.end():])

    def set_result(self, prog, result):
        """Replace prog's result line by result, formatted with its number."""
        self.run_.edit('kselftest.tap', re.compile(
            r'^ok (\d+) selftests: damon: %s$' % re.escape(prog), re.M),
            lambda m: result % int(m.group(1)))

    def test_program_prints_no_tap(self):
        self.replace_block('sysfs_stress.py', '',
                           'ok %d selftests: damon: sysfs_stress.py')
        self.assertFails('a program without TAP',
                        'sysfs_stress.py: printed no TAP plan')

    def test_plan_with_missing_results(self):
        self.run_.edit('kselftest.tap',
                       re.compile(r'^# ok 2 .*\n', re.M), '')
        self.assertFails('a missing result',
                        'plan 1\\.\\.\\d+, \\d+ results')

    def test_plan_with_extra_results(self):
        self.run_.edit('kselftest.tap',
                       re.compile(r'^(# ok 2 .*\n)', re.M), r'\1\1')
        self.assertFails('a result twice',
                        'plan 1\\.\\.\\d+, \\d+ results')

    def test_program_bails_out(self):
        self.run_.edit('kselftest.tap', re.compile(r'^(# ok 2 .*\n)', re.M),
                       r'\1# Bail out! something broke\n')
        self.assertFails('a bail out',
                        'Bail out! something broke')

    def test_program_never_ran(self):
        tap, m = self.block('sysfs_stress.py')
        self.run_.write('kselftest.tap', tap[:m.start()] + tap[m.end():])
        self.assertFails('a program missing',
                        'sysfs_stress.py did not run')

    def test_program_not_in_makefile(self):
        self.run_.cleanup()
        self.run_ = Run(drop_prog='sysfs_stress.py')
        self.assertFails('a program the Makefile does not list',
                        'sysfs_stress.py ran but is not expected')

    def test_upstream_program_fails(self):
        self.set_result('sysfs.sh',
                        'not ok %d selftests: damon: sysfs.sh # exit=1')
        self.assertFails('an upstream test failing',
                        'sysfs.sh: exit status')

    def test_upstream_program_skip_not_allowed(self):
        self.set_result('sysfs.sh', 'ok %d selftests: damon: sysfs.sh # SKIP')
        self.assertFails('an upstream sysfs test skipping',
                        'sysfs.sh skipped \\(not allowed\\)')

    def test_program_timed_out(self):
        self.set_result('sysfs_stress.py',
                        'not ok %d selftests: damon: sysfs_stress.py '
                        '# TIMEOUT 1200 seconds')
        self.assertFails('a timeout',
                        'sysfs_stress.py: timed out')

    def test_program_failed_with_subtests_passing(self):
        self.set_result('sysfs_control.py',
                        'not ok %d selftests: damon: sysfs_control.py # exit=1')
        self.assertFails('a failing exit status',
                        'sysfs_control.py: exit status')

    def test_subtest_fails(self):
        self.run_.edit('kselftest.tap', re.compile(r'^# ok 3 ', re.M),
                       '# not ok 3 ')
        self.assertFails('a failing subtest',
                        'sysfs_tree.py: ')

    def test_subtest_skipped(self):
        self.run_.edit('kselftest.tap',
                       re.compile(r'^(# ok 3 \S+)$', re.M),
                       r'\1 # SKIP no cgroup2')
        self.assertFails('a skipped subtest',
                        'skipped \\(not allowed\\): no cgroup2')

    def test_damo_skip_allowed(self):
        self.replace_block(
            'damo_compat.py',
            '# 1..0 # SKIP damo not found (set DAMO to its executable)\n',
            'ok %d selftests: damon: damo_compat.py # SKIP')
        self.assertEqual(self.run_.summarize(), 0, self.run_.output)
        self.assertRegex(self.run_.last, r', \d+ skipped$')

    def test_other_program_skip_not_allowed(self):
        self.replace_block('damo_compat.py', '# 1..0 # SKIP needs root\n',
                           'ok %d selftests: damon: damo_compat.py # SKIP')
        self.assertFails('a skip for another reason',
                        'damo_compat.py skipped \\(not allowed\\): needs root')

    def test_kselftests_missing(self):
        os.unlink(self.run_.path('kselftest.tap'))
        self.assertFails('no kselftest.tap',
                        'kselftests did not run')

    def test_kselftests_did_not_finish(self):
        self.run_.write('kselftest-status.txt', 'did not finish in 2700 s\n')
        self.assertFails('the guest deadline',
                        'kselftests: did not finish')

    def test_kunit_suite_not_ok(self):
        self.run_.edit('boot-dmesg.txt',
                       re.compile(r'^(\[[ 0-9.]+\] )ok (\d+) damon-sysfs$',
                                  re.M), r'\1not ok \2 damon-sysfs')
        self.assertFails('a suite-level kunit not ok',
                        'kunit damon-sysfs$')

    def test_kunit_param_not_ok(self):
        # the first parameter line (eight spaces of indent, after the
        # one that follows the timestamp)
        self.run_.edit('boot-dmesg.txt',
                       re.compile(r'^(\[[ 0-9.]+\] {9})ok ', re.M),
                       r'\1not ok ')
        self.assertFails('a parameter-level kunit not ok',
                        'kunit damon-sysfs-common\\.\\w+\\.')

    def test_kunit_case_skipped(self):
        self.run_.edit('boot-dmesg.txt',
                       re.compile(r'^(\[[ 0-9.]+\] {5}ok \d+ \S+)$', re.M),
                       r'\1 # SKIP no reason')
        self.assertFails('a skipped kunit case',
                        'kunit \\S+ skipped \\(not allowed\\)')

    def test_kunit_suite_missing(self):
        self.run_.edit('boot-dmesg.txt', '# Subtest: damon-sysfs-schemes',
                       '# Subtest: something-else')
        self.run_.edit('boot-dmesg.txt',
                       re.compile(r'ok (\d+) damon-sysfs-schemes$', re.M),
                       r'ok \1 something-else')
        self.assertFails('a kunit suite missing',
                        'kunit suite damon-sysfs-schemes did not run')

    def test_kernel_log_missing(self):
        os.unlink(self.run_.path('boot-dmesg.txt'))
        os.unlink(self.run_.path('console.log'))
        self.assertFails('no kernel log',
                        'kunit: no kernel log')

    REPORTS = [
        'BUG: KASAN: slab-use-after-free in damon_sysfs_foo+0x1/0x2',
        'WARNING: CPU: 0 PID: 1 at mm/damon/sysfs.c:1 foo+0x1/0x2',
        'UBSAN: shift-out-of-bounds in mm/damon/core.c:1:2',
        'Oops: general protection fault, probably for non-canonical address',
        'Kernel panic - not syncing: Fatal exception',
        'kernel BUG at mm/damon/sysfs.c:12!',
        'Call Trace:',
        'WARNING: possible circular locking dependency detected',
        'WARNING: possible recursive locking detected',
        'WARNING: inconsistent lock state',
        'WARNING: suspicious RCU usage',
        'INFO: trying to register non-static key.',
        'turning off the locking correctness validator.',
        'INFO: lockdep is turned off.',
        'INFO: task python3:123 blocked for more than 60 seconds.',
        'watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [kdamond.0:99]',
        'rcu: INFO: rcu_sched self-detected stall on CPU',
        'ODEBUG: free active (active state 0) object: 0000 object type: '
        'timer_list',
        'list_add corruption. next->prev should be prev (0000), but was 0',
        'list_del corruption, 0000->next is LIST_POISON1 (dead000000000100)',
        'refcount_t: underflow; use-after-free.',
        'kobject: \'0\' (0000): is not initialized, yet kobject_put() is '
        'being called.',
        'kobject_add_internal failed for 0 with -EEXIST, don\'t try to '
        'register things with the same name in the same directory.',
        'sysfs: cannot create duplicate filename \'/kernel/mm/damon/x\'',
        'kmemleak: Kernel memory leak detector disabled',
    ]

    def test_each_kernel_report(self):
        dmesg = self.run_.read('dmesg.txt')
        for line in self.REPORTS:
            with self.subTest(report=line):
                self.run_.write('dmesg.txt',
                                dmesg + '[  123.456789] ' + line + '\n')
                self.assertFails(line,
                        'kernel reports in dmesg.txt')

    ENOMEM_KOBJECT = ('kobject: kobject_add_internal failed for 1 '
                      '(error: -12 parent: tried_regions)')

    def with_dmesg(self, *lines):
        dmesg = self.run_.read('dmesg.txt')
        self.run_.write('dmesg.txt', dmesg + ''.join(
            '[  123.456789] %s\n' % line for line in lines))

    def test_kobject_enomem_while_faults_armed_passes(self):
        self.with_dmesg('damon-selftests: fault injection armed',
                        self.ENOMEM_KOBJECT,
                        'damon-selftests: fault injection disarmed')
        self.assertEqual(self.run_.summarize(), 0, self.run_.output)

    def test_kobject_enomem_after_faults_disarmed(self):
        self.with_dmesg('damon-selftests: fault injection armed',
                        'damon-selftests: fault injection disarmed',
                        self.ENOMEM_KOBJECT)
        self.assertFails('an ENOMEM with no fault injected',
                        'kernel reports in dmesg.txt')

    def test_other_reports_while_faults_armed(self):
        dmesg = self.run_.read('dmesg.txt')
        for line in ('Call Trace:', 'kobject_add_internal failed for 0 '
                     '(error: -17 parent: regions)'):
            with self.subTest(report=line):
                self.run_.write('dmesg.txt', dmesg)
                self.with_dmesg('damon-selftests: fault injection armed',
                                line)
                self.assertFails(line, 'kernel reports in dmesg.txt')

    def test_kernel_report_on_console_only(self):
        # the guest died before writing dmesg.txt
        os.unlink(self.run_.path('dmesg.txt'))
        self.run_.append('console.log', '[  99.1] Call Trace:\n')
        self.assertFails('a report in the console log',
                        'kernel reports in console.log')

    def test_kmemleak_clean_passes(self):
        self.run_.debug()
        self.assertEqual(self.run_.summarize(), 0, self.run_.output)

    def test_kmemleak_leaks(self):
        self.run_.debug()
        self.run_.write('kmemleak.txt',
                        'unreferenced object 0xffff888 (size 64):\n'
                        '  backtrace:\n    damon_new_ctx+0x1/0x2\n')
        self.assertFails('a leak',
                        'kmemleak found leaks')

    def test_kmemleak_missing(self):
        self.run_.debug()
        self.run_.write('kmemleak-status.txt',
                        '/sys/kernel/debug/kmemleak missing\n')
        self.assertFails('kmemleak missing',
                        'kmemleak did not run: .*missing')

    def test_kmemleak_refused(self):
        self.run_.debug()
        self.run_.write('kmemleak-status.txt',
                        "'echo scan > /sys/kernel/debug/kmemleak' failed\n")
        self.assertFails('kmemleak refusing a scan',
                        'kmemleak did not run: .*failed')

    def test_kmemleak_disabled(self):
        self.run_.debug()
        self.run_.write('kmemleak-status.txt',
                        'kmemleak disabled itself (dmesg)\n')
        self.assertFails('kmemleak disabled',
                        'kmemleak did not run: kmemleak disabled')

    def test_kmemleak_never_ran_on_debug(self):
        self.run_.flavor = 'debug'
        self.assertFails('no kmemleak on the debug kernel',
                        'kmemleak did not run: no status')

    def test_kmemleak_report_file_missing(self):
        self.run_.debug()
        os.unlink(self.run_.path('kmemleak.txt'))
        self.assertFails('no kmemleak.txt',
                        'kmemleak: no report file')

    def test_kmemleak_boot_leak_in_damon(self):
        self.run_.debug()
        self.run_.write('kmemleak-boot.txt',
                        'unreferenced object 0xffff888 (size 64):\n'
                        '  backtrace:\n    damon_sysfs_test_foo+0x1/0x2\n')
        self.assertFails('a kunit leak in DAMON code',
                        'DAMON leaks at boot')

    # make check on the debug kernel runs the fault programs in a second
    # guest: what it ran and what it found count like the first's
    def test_two_guests_pass(self):
        self.run_.split('sysfs_stress.py')
        self.run_.debug()
        self.assertEqual(self.run_.summarize(), 0, self.run_.output)

    def test_second_guest_leaks(self):
        self.run_.split('sysfs_stress.py')
        self.run_.debug()
        self.run_.write('kmemleak.txt',
                        'unreferenced object 0xffff888 (size 64):\n',
                        self.run_.second)
        self.assertFails('a leak in the second guest',
                        'kmemleak found leaks')

    def test_second_guest_kmemleak_never_ran(self):
        self.run_.split('sysfs_stress.py')
        self.run_.debug()
        os.unlink(self.run_.path('kmemleak-status.txt', self.run_.second))
        self.assertFails('no kmemleak in the second guest',
                        'kmemleak did not run: no status')

    def test_second_guest_kernel_report(self):
        self.run_.split('sysfs_stress.py')
        with open(self.run_.path('dmesg.txt', self.run_.second), 'a') as f:
            f.write('[  99.1] BUG: KASAN: use-after-free\n')
        self.assertFails('a report in the second guest',
                        'kernel reports in dmesg.txt')

    def test_second_guest_without_tap(self):
        self.run_.split('sysfs_stress.py')
        os.unlink(self.run_.path('kselftest.tap', self.run_.second))
        self.assertFails('the second guest ran nothing',
                        'kselftests did not run .*second')

    def test_second_guest_program_missing(self):
        self.run_.split('sysfs_stress.py')
        self.run_.write('kselftest.tap', 'TAP version 13\n1..0\n',
                        self.run_.second)
        self.assertFails('a program of the second guest missing',
                        'sysfs_stress.py did not run')

    def test_second_guest_failed(self):
        self.run_.split('sysfs_stress.py')
        self.run_.second_vm_rc = 124
        self.assertFails('the second guest timing out',
                        'guest did not finish cleanly \\(rc 124, .*second')

    def test_vm_failed(self):
        self.run_.vm_rc = 124
        self.assertFails('a VM timeout',
                        'guest did not finish cleanly \\(rc 124')


if __name__ == '__main__':
    unittest.main()

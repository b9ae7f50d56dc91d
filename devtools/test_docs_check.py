# SPDX-License-Identifier: GPL-2.0
"""docs_check.py finds what it is there to find.  KERNEL_TREE names a tree
with our files laid over it (make check passes it); the tests copy its
documents and table and break them one way at a time."""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import docs_check  # noqa: E402

TREE = os.environ.get('KERNEL_TREE', '')


@unittest.skipUnless(TREE and os.path.isfile(os.path.join(TREE,
                                                          docs_check.TABLE)),
                     'KERNEL_TREE with our files is not set')
class DocsCheck(unittest.TestCase):
    def setUp(self):
        self.tree = tempfile.mkdtemp(prefix='docs-check-test-')
        for path in (docs_check.ABI, docs_check.USAGE, docs_check.TABLE):
            os.makedirs(os.path.join(self.tree, os.path.dirname(path)),
                        exist_ok=True)
            shutil.copy(os.path.join(TREE, path),
                        os.path.join(self.tree, path))

    def tearDown(self):
        shutil.rmtree(self.tree)

    def edit(self, path, old, new):
        full = os.path.join(self.tree, path)
        with open(full) as f:
            text = f.read()
        self.assertIn(old, text)
        with open(full, 'w') as f:
            f.write(text.replace(old, new, 1))

    def test_the_tree_is_clean(self):
        self.assertEqual(docs_check.check(self.tree), [])

    def test_an_errno_the_abi_entry_leaves_out(self):
        # the entry of memcg_path names ENOMEM once
        self.edit(docs_check.ABI, 'fails with\n\t\tENOMEM.', 'fails.')
        self.assertEqual(docs_check.check(self.tree), [
            'kdamonds/<K>/contexts/<C>/schemes/<S>/filters/<F>/memcg_path:'
            ' its ABI entry does not name ENOMEM'])

    def test_an_errno_new_in_the_table(self):
        self.edit(docs_check.TABLE, "K + 'refresh_ms': _rw('0'),",
                  "K + 'refresh_ms': _rw('0', NUMBER + ('EBUSY',)),")
        self.assertEqual(docs_check.check(self.tree), [
            'kdamonds/<K>/refresh_ms: its ABI entry does not name EBUSY'])

    def test_a_file_without_an_entry(self):
        self.edit(docs_check.ABI,
                  'What:\t\t/sys/kernel/mm/damon/admin/kdamonds/<K>/'
                  'refresh_ms\n',
                  'What:\t\t/sys/kernel/mm/damon/admin/kdamonds/<K>/'
                  'refresh_msec\n')
        self.assertEqual(docs_check.check(self.tree), [
            'kdamonds/<K>/refresh_ms: no entry in ' + docs_check.ABI,
            '/sys/kernel/mm/damon/admin/kdamonds/<K>/refresh_msec: an ABI'
            ' entry of no file of the tree'])

    def test_a_file_the_hierarchy_does_not_name(self):
        self.edit(docs_check.USAGE, 'pid_target,obsolete_target',
                  'pid_target')
        self.assertEqual(docs_check.check(self.tree), [
            'obsolete_target: not in the files hierarchy of ' +
            docs_check.USAGE])

    def test_what_lines_share_their_entry(self):
        # the entry of the files of core_filters/ and ops_filters/ that
        # work as those of filters/: ten What: lines, one text
        self.edit(docs_check.ABI, "'memcg_path' never fails\n\t\twith EBUSY "
                  "and fails with ENOMEM;", "'memcg_path' never fails;")
        self.assertEqual(docs_check.check(self.tree), [
            'kdamonds/<K>/contexts/<C>/schemes/<S>/%s/<F>/memcg_path: its'
            ' ABI entry does not name ENOMEM' % d
            for d in ('core_filters', 'ops_filters')])


if __name__ == '__main__':
    unittest.main()

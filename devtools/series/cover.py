#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fill the cover letter that git format-patch left in DIR from
devtools/series/cover-letter.txt: its first line is the subject, the rest
the body, where {base} names the tree the series applies to."""

import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    out, base = sys.argv[1:3]
    with open(os.path.join(HERE, 'cover-letter.txt')) as f:
        lines = f.read().split('\n')
    subject = lines[0]
    body = '\n'.join(lines[2:]).rstrip('\n').replace('{base}', base)
    cover = glob.glob(os.path.join(out, '0000-*'))[0]
    with open(cover) as f:
        text = f.read()
    text = text.replace('*** SUBJECT HERE ***', subject)
    text = text.replace('*** BLURB HERE ***', body)
    with open(cover, 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()

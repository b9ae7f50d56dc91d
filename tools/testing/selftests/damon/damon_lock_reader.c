// SPDX-License-Identifier: GPL-2.0
/*
 * Read FILE (a file whose read takes the interface's lock, like state) as
 * fast as possible for SECONDS, and print "reads N ebusy N gone N": how
 * many reads there were, how many failed with EBUSY, and how many found the
 * file removed (ENODEV on the open file, or ENOENT on opening it again: its
 * directory was being made anew).  Python is too slow to meet a lock that
 * is held for microseconds, or a directory while it is removed.
 *
 * Usage: damon_lock_reader FILE SECONDS
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[])
{
	unsigned long reads = 0, ebusy = 0, gone = 0;
	double end;
	char buf[64];
	int fd = -1;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE SECONDS\n", argv[0]);
		return 2;
	}
	end = now() + strtod(argv[2], NULL);
	while (now() < end) {
		if (fd < 0) {
			fd = open(argv[1], O_RDONLY);
			if (fd < 0 && errno == ENOENT) {
				gone++;
				continue;
			}
			if (fd < 0) {
				perror(argv[1]);
				return 1;
			}
		}
		reads++;
		if (pread(fd, buf, sizeof(buf), 0) >= 0)
			continue;
		if (errno == EBUSY) {
			ebusy++;
		} else if (errno == ENODEV) {
			gone++;
			close(fd);
			fd = -1;
		} else {
			perror("pread");
			return 1;
		}
	}
	printf("reads %lu ebusy %lu gone %lu\n", reads, ebusy, gone);
	return 0;
}

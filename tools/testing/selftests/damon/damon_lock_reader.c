// SPDX-License-Identifier: GPL-2.0
/*
 * Read FILE (a file whose read takes the interface's lock, like state) as
 * fast as possible for SECONDS, and print "reads N ebusy N": how many reads
 * there were and how many failed with EBUSY.  Python is too slow to meet
 * a lock that is held for microseconds.
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
	unsigned long reads = 0, ebusy = 0;
	double end;
	char buf[64];
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE SECONDS\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	end = now() + strtod(argv[2], NULL);
	while (now() < end) {
		reads++;
		if (pread(fd, buf, sizeof(buf), 0) >= 0)
			continue;
		if (errno != EBUSY) {
			perror("pread");
			return 1;
		}
		ebusy++;
	}
	printf("reads %lu ebusy %lu\n", reads, ebusy);
	return 0;
}

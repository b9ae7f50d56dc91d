// SPDX-License-Identifier: GPL-2.0
/*
 * A monitoring target: maps MIB mebibytes, prints "ready START END" (hex)
 * and then keeps writing to the first quarter of the mapping (hot) while the
 * rest stays untouched after the first pass (cold), until killed.
 *
 * Usage: damon_workload MIB [SECONDS]  (runs for SECONDS, forever if 0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char *argv[])
{
	size_t sz = (argc > 1 ? strtoul(argv[1], NULL, 0) : 4) << 20;
	long seconds = argc > 2 ? strtol(argv[2], NULL, 0) : 0;
	time_t end = time(NULL) + seconds;
	char *mem;
	size_t i;

	mem = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	/* atomics: the compiler must not drop or merge the accesses */
	for (i = 0; i < sz; i += 4096)
		__atomic_store_n(&mem[i], 1, __ATOMIC_RELAXED);
	printf("ready %lx %lx\n", (unsigned long)mem,
	       (unsigned long)mem + sz);
	fflush(stdout);
	while (!seconds || time(NULL) < end) {
		for (i = 0; i < sz / 4; i += 4096)
			__atomic_fetch_add(&mem[i], 1, __ATOMIC_RELAXED);
	}
	return 0;
}

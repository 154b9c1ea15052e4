#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H
/// Counts heap allocations (malloc, calloc, realloc, and the aligned allocators memalign,
/// aligned_alloc, posix_memalign, valloc, pvalloc) made while counting is on, process-wide.
/// The executable that links this module defines them itself, forwarding to glibc's __libc_* entry
/// points, so every allocation of the process passes through the counter.
void allocation_counter_start(void);
/// Stops counting and returns the allocations counted since the last start.
long allocation_counter_stop(void);
/// The same for the calling thread only (tests, which run beside other tests' threads).
void allocation_counter_start_thread(void);
long allocation_counter_stop_thread(void);
#endif

// Allocation counting by symbol interposition: an executable's own malloc takes precedence over
// libc's for the whole process (ELF symbol resolution), so defining malloc/calloc/realloc and the
// aligned allocators (memalign, aligned_alloc, posix_memalign, valloc, pvalloc) here and forwarding
// them to glibc's __libc_* functions sees every allocation, C++'s operator new and libgomp's aligned
// team buffers (one per FLANN search) included. free is left to glibc (one heap). Counting costs
// one relaxed load per call.
#include "AllocationCounter.h"
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static atomic_int counting = 0;
static atomic_long allocations = 0;
// The calling thread's own count (initial-exec TLS: reading it never allocates).
static _Thread_local int counting_thread __attribute__((tls_model("initial-exec"))) = 0;
static _Thread_local long thread_allocations __attribute__((tls_model("initial-exec"))) = 0;

static inline void count_one(void) {
    if (counting_thread) thread_allocations++;
    if (atomic_load_explicit(&counting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
    }
}

void *malloc(size_t size) { count_one(); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { count_one(); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { count_one(); return __libc_realloc(pointer, size); }
void *memalign(size_t alignment, size_t size) { count_one(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { count_one(); return __libc_memalign(alignment, size); }
void *valloc(size_t size) { count_one(); return __libc_valloc(size); }
void *pvalloc(size_t size) { count_one(); return __libc_pvalloc(size); }

// glibc's contract: EINVAL unless the alignment is a power of two multiple of sizeof(void *).
int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment == 0 || alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    count_one();
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

void allocation_counter_start(void) {
    atomic_store(&allocations, 0);
    atomic_store(&counting, 1);
}

long allocation_counter_stop(void) {
    atomic_store(&counting, 0);
    return atomic_load(&allocations);
}

void allocation_counter_start_thread(void) {
    thread_allocations = 0;
    counting_thread = 1;
}

long allocation_counter_stop_thread(void) {
    counting_thread = 0;
    return thread_allocations;
}

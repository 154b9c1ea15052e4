import CAllocationCounter
import Glibc
import Testing

/// The allocation counter sees the aligned allocators too (libgomp's per-search team buffer in FLANN
/// is a `memalign`; Swift's over-aligned objects use `posix_memalign`), not only malloc, calloc, realloc.
@Suite struct AllocationCounterTests {
    @Test func alignedAllocationsAreCounted() {
        var p: UnsafeMutableRawPointer? = nil
        allocation_counter_start_thread()
        let status = posix_memalign(&p, 64, 256)
        let q = aligned_alloc(64, 256)
        let refused = posix_memalign(&p, 3, 256)   // not a power of two: EINVAL, nothing allocated
        let counted = allocation_counter_stop_thread()
        free(p)
        free(q)
        #expect(status == 0 && q != nil && refused == EINVAL)
        #expect(counted == 2, "\(counted) allocations counted for posix_memalign + aligned_alloc")
    }
}

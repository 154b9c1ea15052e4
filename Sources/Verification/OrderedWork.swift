import Foundation

/// A deterministic parallel map: `body(i)` for i in 0..<count on `workers` threads, each thread taking
/// the next unclaimed i. The results come back in the order of i, so what a caller builds from them does
/// not depend on the schedule or the number of workers. The first error thrown (lowest i) is rethrown;
/// after an error no new i is started.
///
/// Each i must be independent (its own models and buffers): the fault sweep's cases are.
enum OrderedWork {
    static func map<T: Sendable>(_ count: Int, workers: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let state = State<T>(count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
            while let i = state.claim() {
                do { state.store(i, .success(try body(i))) } catch { state.store(i, .failure(error)) }
            }
        }
        return try state.results().map { try $0.get() }
    }

    /// The next index to claim and the results so far, behind a lock.
    private final class State<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0, failed = false
        private var slots: [Result<T, any Error>?]
        private let count: Int

        init(_ count: Int) {
            self.count = count
            slots = Array(repeating: nil, count: count)
        }

        func claim() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < count, !failed else { return nil }
            next += 1
            return next - 1
        }

        func store(_ i: Int, _ result: Result<T, any Error>) {
            lock.lock()
            defer { lock.unlock() }
            slots[i] = result
            if case .failure = result { failed = true }
        }

        /// Every result in order; after a failure, up to and including the first failure.
        func results() -> [Result<T, any Error>] {
            lock.lock()
            defer { lock.unlock() }
            var out: [Result<T, any Error>] = []
            for slot in slots {
                guard let slot else { break }
                out.append(slot)
                if case .failure = slot { break }
            }
            return out
        }
    }
}

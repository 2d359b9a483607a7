import Dispatch
import Foundation

/// A bounded concurrent map for work that is independent per item (reading and splitting a file,
/// parsing a statement): the results come back in input order, so what is built from them stays
/// deterministic. At most one thread per core; small inputs run on the calling thread.
enum Concurrent {
    static func map<T: Sendable, U: Sendable>(_ items: [T], minimumPerThread: Int = 32, _ transform: @escaping @Sendable (T) -> U) -> [U] {
        let n = items.count
        let threads = min(ProcessInfo.processInfo.activeProcessorCount, n / minimumPerThread)
        guard threads > 1 else { return items.map(transform) }
        // More chunks than threads, so a thread slowed by other work on the machine does not hold up the rest.
        let chunks = min(n, threads * 8)
        let results = UnsafeMutableBufferPointer<U>.allocate(capacity: n)
        defer { results.deallocate() }
        let slots = Slots(base: results.baseAddress.unsafelyUnwrapped)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            // Each index is written by exactly one chunk, and read only after all have finished.
            for k in (n * chunk / chunks)..<(n * (chunk + 1) / chunks) {
                (slots.base + k).initialize(to: transform(items[k]))
            }
        }
        let out = Array(results)
        _ = results.deinitialize()
        return out
    }

    /// The result buffer, shared by the chunks (each writes its own indexes).
    struct Slots<U>: @unchecked Sendable { let base: UnsafeMutablePointer<U> }
}

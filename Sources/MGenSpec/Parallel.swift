import Dispatch
import Foundation

/// Whether `count` pieces of work are worth spreading over threads: only with more than one core,
/// and enough pieces that starting threads costs less than it saves.
public func worthSpreading(_ count: Int) -> Bool {
    count >= 32 && ProcessInfo.processInfo.activeProcessorCount > 1
}

/// Maps `items` to results on every core, keeping the order. Loading and rendering specs are
/// independent per spec, so a chain of a thousand specs uses the whole machine.
public func parallelMap<Item: Sendable, Result: Sendable>(_ items: [Item], _ transform: @Sendable (Item) -> Result) -> [Result] {
    guard worthSpreading(items.count) else { return items.map(transform) }
    let workers = min(ProcessInfo.processInfo.activeProcessorCount, items.count)
    // One contiguous chunk per core, each mapped into an array of its own: a thread is woken once
    // per core, not once per few items, and no lock is taken per item (on a loaded machine each
    // hand-off parks and wakes a thread, which cost more wall time than uneven chunks).
    let size = (items.count + workers - 1) / workers
    let chunks = Slots<[Result]>(count: workers)
    func run(_ chunk: Int) {
        let range = chunk * size..<min(chunk * size + size, items.count)
        var out: [Result] = []
        out.reserveCapacity(range.count)
        for index in range { out.append(transform(items[index])) }
        chunks.set(chunk, out)
    }
    // Not `concurrentPerform`: after other work on the global queue it may judge the pool busy
    // and run every iteration on this thread. Each other chunk is a job of its own; the caller
    // maps the first.
    withoutActuallyEscaping(run) { run in
        let group = DispatchGroup()
        let shared = UncheckedSendable(run)
        for chunk in 1..<workers {
            DispatchQueue.global().async(group: group) { shared.value(chunk) }
        }
        run(0)
        group.wait()
    }
    return chunks.values().flatMap { $0 }
}

/// Jobs that run on the other cores while the caller goes on producing them (a pipeline stage);
/// `results()` waits for them all and returns their results in submission order. Few jobs run
/// inline, where starting threads would cost more than it saves.
///
/// Confined to the thread that creates it: `submitted` and `batch` are touched only by `submit` and
/// `results`, which its owner calls. It is deliberately not `Sendable`, so the compiler refuses to
/// hand it to another thread; the jobs share only `slots`, which are locked.
public final class Pipeline<Value: Sendable> {
    private let slots: Slots<Value>
    private let group = DispatchGroup()
    private let inline: Bool
    private var submitted = 0
    /// Jobs not yet handed to a thread: they go in batches (a few per core over the whole run),
    /// so that a thousand small jobs do not wake a thread a thousand — or a hundred — times.
    private var batch: [(Int, @Sendable () -> Value)] = []
    private let batchSize: Int

    /// `capacity`: at most how many jobs will be submitted.
    public init(capacity: Int) {
        slots = Slots(count: capacity)
        inline = !worthSpreading(capacity)
        batchSize = max(16, capacity / (4 * ProcessInfo.processInfo.activeProcessorCount))
    }

    public func submit(_ job: @escaping @Sendable () -> Value) {
        let index = submitted
        submitted += 1
        if inline { slots.set(index, job()); return }
        batch.append((index, job))
        if batch.count == batchSize { flush() }
    }

    private func flush() {
        guard !batch.isEmpty else { return }
        let jobs = batch
        batch.removeAll(keepingCapacity: true)
        DispatchQueue.global().async(group: group) { [slots] in
            slots.set(jobs.map { ($0.0, $0.1()) })
        }
    }

    public func results() -> [Value] {
        // The jobs not yet handed off run here: the caller would only wait for them.
        slots.set(batch.map { ($0.0, $0.1()) })
        batch.removeAll()
        group.wait()
        return slots.values()
    }
}

/// A closure that runs on other threads only while its caller waits for them.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One slot per item, each written by exactly one worker.
private final class Slots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) { lock.lock(); storage[index] = value; lock.unlock() }
    /// Several at once, under one lock.
    func set(_ values: [(Int, Value)]) {
        lock.lock()
        for (index, value) in values { storage[index] = value }
        lock.unlock()
    }
    /// The values, moved out (no copy of each; the slots are empty afterwards).
    func values() -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(storage.count)
        for i in storage.indices {
            if let value = storage[i].take() { values.append(value) }
        }
        return values
    }
}

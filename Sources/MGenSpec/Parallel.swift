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
    let slots = Slots<Result>(count: items.count)
    // Workers take the next few items as they go: a worker that starts late or runs slower (two
    // threads of one core) takes fewer, and all finish together.
    let next = Counter()
    func run() {
        while true {
            let start = next.take(8)
            guard start < items.count else { return }
            for index in start..<min(start + 8, items.count) { slots.set(index, transform(items[index])) }
        }
    }
    // Not `concurrentPerform`: after other work on the global queue it may judge the pool busy
    // and run every iteration on this thread. Each other worker is a job of its own.
    withoutActuallyEscaping(run) { run in
        let group = DispatchGroup()
        let shared = UncheckedSendable(run)
        for _ in 1..<workers {
            DispatchQueue.global().async(group: group) { shared.value() }
        }
        run()
        group.wait()
    }
    return slots.values()
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
    /// Jobs not yet handed to a thread: they go in batches, so that a thousand small jobs do not
    /// wake a thread a thousand times.
    private var batch: [(Int, @Sendable () -> Value)] = []
    private static var batchSize: Int { 16 }

    /// `capacity`: at most how many jobs will be submitted.
    public init(capacity: Int) {
        slots = Slots(count: capacity)
        inline = !worthSpreading(capacity)
    }

    public func submit(_ job: @escaping @Sendable () -> Value) {
        let index = submitted
        submitted += 1
        if inline { slots.set(index, job()); return }
        batch.append((index, job))
        if batch.count == Self.batchSize { flush() }
    }

    private func flush() {
        guard !batch.isEmpty else { return }
        let jobs = batch
        batch.removeAll(keepingCapacity: true)
        DispatchQueue.global().async(group: group) { [slots] in
            for (index, job) in jobs { slots.set(index, job()) }
        }
    }

    public func results() -> [Value] {
        flush()
        group.wait()
        return slots.values()
    }
}

/// A shared position in a list of work.
private final class Counter: @unchecked Sendable {  // `value` is guarded by `lock`
    private var value = 0
    private let lock = NSLock()
    /// Claims `count` items; returns the first.
    func take(_ count: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let start = value
        value += count
        return start
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

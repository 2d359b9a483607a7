import Dispatch
import Foundation

/// Maps `items` to results on every core, keeping the order. Loading and rendering specs are
/// independent per spec, so a chain of a thousand specs uses the whole machine.
public func parallelMap<Item: Sendable, Result: Sendable>(_ items: [Item], _ transform: @Sendable (Item) -> Result) -> [Result] {
    let workers = min(ProcessInfo.processInfo.activeProcessorCount, items.count)
    guard workers > 1, items.count >= 32 else { return items.map(transform) }
    let slots = Slots<Result>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        // Interleaved, so early and late specs (often of different sizes) are spread evenly.
        for index in stride(from: worker, to: items.count, by: workers) {
            slots.set(index, transform(items[index]))
        }
    }
    return slots.values()
}

/// Jobs that run on the other cores while the caller goes on producing them (a pipeline stage);
/// `results()` waits for them all and returns their results in submission order. Few jobs run
/// inline, where starting threads would cost more than it saves.
public final class Pipeline<Value: Sendable>: @unchecked Sendable {  // the slots are locked
    private let slots: Slots<Value>
    private let group = DispatchGroup()
    private let inline: Bool
    private var submitted = 0

    /// `capacity`: at most how many jobs will be submitted.
    public init(capacity: Int) {
        slots = Slots(count: capacity)
        inline = capacity < 32 || ProcessInfo.processInfo.activeProcessorCount < 2
    }

    public func submit(_ job: @escaping @Sendable () -> Value) {
        let index = submitted
        submitted += 1
        if inline { slots.set(index, job()); return }
        DispatchQueue.global().async(group: group) { [slots] in slots.set(index, job()) }
    }

    public func results() -> [Value] {
        group.wait()
        return slots.values()
    }
}

/// One slot per item, each written by exactly one worker.
private final class Slots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) { lock.lock(); storage[index] = value; lock.unlock() }
    func values() -> [Value] { storage.compactMap { $0 } }
}

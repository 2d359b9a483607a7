import HashTreeCollections

/// A persistent map as a shared base plus a short list of recent changes.
///
/// Every step of a migration keeps the state before it. With a hash trie alone, each change copies
/// a path of trie nodes that the step's state then keeps alive: a dozen node copies per migration,
/// most of the chain's time and memory. Here a change lands in `changes` (a few entries, cheap to
/// copy), and `commit()` folds them into the trie once per migration, one trie update per key.
struct LayeredMap<Value: Hashable & Sendable>: Hashable, Sendable {
    private var base: TreeDictionary<String, Value> = [:]
    /// The newest change of each key since the last commit; nil marks a removal.
    private var changes: [(key: String, value: Value?)] = []

    /// Beyond this many changes, lookups would cost more than a commit saves.
    private static var commitThreshold: Int { 24 }

    init() {}

    subscript(key: String) -> Value? {
        get {
            for change in changes where sameKey(change.key, key) { return change.value }
            return base[key]
        }
        set {
            if let i = changes.firstIndex(where: { sameKey($0.key, key) }) {
                changes[i].value = newValue
            } else {
                changes.append((key, newValue))
                if changes.count > Self.commitThreshold { commit() }
            }
        }
    }

    subscript(key: String, default defaultValue: @autoclosure () -> Value) -> Value {
        get { self[key] ?? defaultValue() }
        set { self[key] = newValue }
    }

    @discardableResult
    mutating func removeValue(forKey key: String) -> Value? {
        let old = self[key]
        if old != nil { self[key] = nil }
        return old
    }

    var keys: [String] {
        var keys = Set(base.keys)
        for change in changes {
            if change.value == nil { keys.remove(change.key) } else { keys.insert(change.key) }
        }
        return Array(keys)
    }

    /// Folds the changes into the shared trie.
    mutating func commit() {
        guard !changes.isEmpty else { return }
        for change in changes { base[change.key] = change.value }
        changes.removeAll(keepingCapacity: false)
    }

    private var committed: TreeDictionary<String, Value> {
        var copy = self
        copy.commit()
        return copy.base
    }

    static func == (a: LayeredMap, b: LayeredMap) -> Bool { a.committed == b.committed }
    func hash(into hasher: inout Hasher) { hasher.combine(committed) }
}

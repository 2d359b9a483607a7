import HashTreeCollections

/// The columns of a table, in order, with a lookup by name.
///
/// Every step of a chain keeps the schema before it, so a change to a table must not copy all of
/// its columns: with an array, 20,000 `add_column`s on one table copied 200 million columns and
/// kept most of them alive (quadratic time and memory). A table of up to `smallLimit` columns is
/// an array (the usual table: nothing to hash). A wider one is a pair of persistent hash tries,
/// position → column and name → first position, shared by the states of every step, plus a
/// short tail of columns appended since the tries were last extended: appending copies only the
/// tail (the tries take it in once per `smallLimit` columns), removing the last column only
/// shortens the list (trie entries past the end are ignored), and changing one column copies one
/// path of the trie. Removing a column from the middle rebuilds the tries, as an array would have
/// copied the columns after it.
public struct ColumnList: Hashable, Sendable, RandomAccessCollection, MutableCollection, RangeReplaceableCollection,
    ExpressibleByArrayLiteral {
    /// Columns are boxed: a trie node or a tail copied for a change then costs one retain per
    /// entry, not one per field of a column.
    private struct Large: Sendable {
        /// Positions 0..<baseCount are the list's first columns; entries beyond are stale.
        var slots = TreeDictionary<Int, Box<Column>>()
        /// A name's first position, when it is below `baseCount` and still holds that name.
        var positions = TreeDictionary<String, Int>()
        var baseCount = 0
        /// The columns after the first `baseCount`.
        var tail: [Box<Column>] = []

        var count: Int { baseCount + tail.count }

        func column(at i: Int) -> Column {
            if i >= baseCount { return tail[i - baseCount].value }
            guard let box = slots[i] else { preconditionFailure("column position \(i) out of range") }
            return box.value
        }

        func firstIndex(named name: String) -> Int? {
            if let p = positions[name], p < baseCount, slots[p]?.value.name == name { return p }
            return tail.firstIndex { $0.value.name == name }.map { $0 + baseCount }
        }

        /// Moves the tail into the tries.
        mutating func fold() {
            for (k, box) in tail.enumerated() {
                let i = baseCount + k
                slots[i] = box
                // A name already at a live position keeps its first one.
                if let p = positions[box.value.name], p < i, slots[p]?.value.name == box.value.name { continue }
                positions[box.value.name] = i
            }
            baseCount += tail.count
            tail.removeAll()
        }
    }

    private enum Storage: Sendable {
        case small([Column])
        case large(Large)
    }

    private var storage: Storage

    /// Up to this many columns a table keeps an array; the length of a wide table's tail.
    static let smallLimit = 32

    public init() { storage = .small([]) }
    public init(arrayLiteral elements: Column...) { self.init(elements) }

    public init<S: Sequence>(_ elements: S) where S.Element == Column {
        let array = Array(elements)
        guard array.count > Self.smallLimit else { storage = .small(array); return }
        var large = Large()
        large.tail = array.map { Box($0) }
        large.fold()
        storage = .large(large)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case let .small(array): array.count
        case let .large(large): large.count
        }
    }

    public subscript(position: Int) -> Column {
        get {
            switch storage {
            case let .small(array): array[position]
            case let .large(large): large.column(at: position)
            }
        }
        set {
            switch storage {
            case var .small(array):
                storage = .small([]) // the array stays uniquely referenced: changed in place
                array[position] = newValue
                storage = .small(array)
            case var .large(large):
                storage = .small([])
                if position >= large.baseCount {
                    large.tail[position - large.baseCount] = Box(newValue)
                } else {
                    let old = large.column(at: position)
                    large.slots[position] = Box(newValue)
                    if old.name != newValue.name {
                        if large.positions[old.name] == position { large.positions[old.name] = nil }
                        if large.firstIndex(named: newValue.name).map({ $0 > position }) ?? true { large.positions[newValue.name] = position }
                    }
                }
                storage = .large(large)
            }
        }
    }

    /// The position of the first column of this name.
    public func firstIndex(named name: String) -> Int? {
        switch storage {
        case let .small(array): array.firstIndex { $0.name == name }
        case let .large(large): large.firstIndex(named: name)
        }
    }

    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C) where C.Element == Column {
        switch storage {
        case var .small(array):
            storage = .small([])
            array.replaceSubrange(subrange, with: newElements)
            self = array.count > Self.smallLimit ? ColumnList(array) : ColumnList(small: array)
        case var .large(large):
            // Appending and removing at the end, what a chain does nearly always, touch only the
            // tail, or move the end of the tries.
            guard subrange.upperBound == large.count else {
                var array = Array(self)
                array.replaceSubrange(subrange, with: newElements)
                self = ColumnList(array)
                return
            }
            storage = .small([])
            var remove = subrange.count
            let fromTail = Swift.min(remove, large.tail.count)
            large.tail.removeLast(fromTail)
            remove -= fromTail
            large.baseCount -= remove
            for column in newElements {
                large.tail.append(Box(column))
                if large.tail.count >= Self.smallLimit { large.fold() }
            }
            self = large.count > Self.smallLimit ? ColumnList(large: large) : ColumnList(small: (0..<large.count).map(large.column(at:)))
        }
    }

    private init(small: [Column]) { storage = .small(small) }
    private init(large: Large) { storage = .large(large) }

    /// Removes every column of this name (a table has at most one).
    public mutating func remove(named name: String) {
        while let i = firstIndex(named: name) { remove(at: i) }
    }

    public static func == (a: ColumnList, b: ColumnList) -> Bool { a.count == b.count && a.elementsEqual(b) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for column in self { hasher.combine(column) }
    }
}

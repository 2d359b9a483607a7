import HashTreeCollections

/// The columns of a table, in order, with a lookup by name.
///
/// Every step of a chain keeps the schema before it, so a change to a table must not copy all of
/// its columns: with an array, 20,000 `add_column`s on one table copied 200 million columns and
/// kept most of them alive (quadratic time and memory). A table of up to `smallLimit` columns is
/// an array (the usual table: nothing to hash); a wider one is a pair of persistent hash tries,
/// position → column and name → position, so appending, changing one column or removing the last
/// copies a few trie nodes, and the states of earlier steps share the rest. Removing a column
/// from the middle rebuilds the positions after it (as an array would have copied them).
public struct ColumnList: Hashable, Sendable, RandomAccessCollection, MutableCollection, RangeReplaceableCollection,
    ExpressibleByArrayLiteral {
    private enum Storage: Sendable {
        case small([Column])
        /// Positions 0..<count, and each name's first position.
        case large(TreeDictionary<Int, Column>, TreeDictionary<String, Int>)
    }

    private var storage: Storage

    /// Beyond this many columns a table keeps its columns in tries.
    static let smallLimit = 32

    public init() { storage = .small([]) }
    public init(arrayLiteral elements: Column...) { self.init(elements) }

    public init<S: Sequence>(_ elements: S) where S.Element == Column {
        let array = Array(elements)
        storage = .small(array)
        if array.count > Self.smallLimit { storage = Self.large(array) }
    }

    private static func large(_ array: [Column]) -> Storage {
        var slots = TreeDictionary<Int, Column>()
        var positions = TreeDictionary<String, Int>()
        for (i, column) in array.enumerated() {
            slots[i] = column
            if positions[column.name] == nil { positions[column.name] = i }
        }
        return .large(slots, positions)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case let .small(array): array.count
        case let .large(slots, _): slots.count
        }
    }

    public subscript(position: Int) -> Column {
        get {
            switch storage {
            case let .small(array): return array[position]
            case let .large(slots, _):
                guard let column = slots[position] else { preconditionFailure("column position \(position) out of range") }
                return column
            }
        }
        set {
            switch storage {
            case var .small(array):
                storage = .small([]) // the array stays uniquely referenced: changed in place
                array[position] = newValue
                storage = .small(array)
            case .large(var slots, var positions):
                storage = .small([])
                guard let old = slots.updateValue(newValue, forKey: position) else { preconditionFailure("column position \(position) out of range") }
                if old.name != newValue.name {
                    if positions[old.name] == position { positions[old.name] = nil }
                    if positions[newValue.name].map({ $0 > position }) ?? true { positions[newValue.name] = position }
                }
                storage = .large(slots, positions)
            }
        }
    }

    /// The position of the first column of this name.
    public func firstIndex(named name: String) -> Int? {
        switch storage {
        case let .small(array): array.firstIndex { $0.name == name }
        case let .large(_, positions): positions[name]
        }
    }

    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C) where C.Element == Column {
        switch storage {
        case var .small(array):
            storage = .small([])
            array.replaceSubrange(subrange, with: newElements)
            storage = array.count > Self.smallLimit ? Self.large(array) : .small(array)
        case .large(var slots, var positions):
            // Appending and removing at the end, what a chain does nearly always, touch only the
            // columns concerned.
            if subrange.upperBound == slots.count {
                storage = .small([])
                for i in subrange {
                    if let old = slots.removeValue(forKey: i), positions[old.name] == i { positions[old.name] = nil }
                }
                var i = subrange.lowerBound
                for column in newElements {
                    slots[i] = column
                    if positions[column.name] == nil { positions[column.name] = i }
                    i += 1
                }
                // (A removed column that held its name's entry was that name's first: nothing
                // before it needs the entry.)
                storage = slots.count > Self.smallLimit ? .large(slots, positions) : .small((0..<slots.count).compactMap { slots[$0] })
            } else {
                var array = Array(self)
                array.replaceSubrange(subrange, with: newElements)
                self = ColumnList(array)
            }
        }
    }

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

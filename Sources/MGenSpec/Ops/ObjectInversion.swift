/// Spec 1.1: the derived downs of views, functions, triggers, extensions and sequences. A drop
/// recreates the object as the state before it holds it; a replace restores the previous body.
extension ObjectChange {
    public func inverse(in before: SchemaState) -> [Operation]? {
        switch self {
        case let .create(object):
            return [.object(.drop(kind: object.kind, name: object.name))]
        case let .replace(object):
            guard let old = before.object(object.kind, object.name) else { return nil }
            return [.object(.replace(old))]
        case let .drop(kind, name):
            guard let old = before.object(kind, name) else { return nil }
            return [.object(.create(old))]
        case let .alterSequence(alter):
            guard case let .sequence(old)? = before.object(.sequence, alter.name) else { return nil }
            var back = SequenceOptions()
            var reset: Set<String> = []
            let o = old.options
            for name in alter.set.setNames + alter.reset.sorted() {
                switch name {
                case "increment": if let v = o.increment { back.increment = v } else { reset.insert(name) }
                case "min_value": if let v = o.minValue { back.minValue = v } else { reset.insert(name) }
                case "max_value": if let v = o.maxValue { back.maxValue = v } else { reset.insert(name) }
                case "cache": if let v = o.cache { back.cache = v } else { reset.insert(name) }
                case "cycle": if let v = o.cycle { back.cycle = v } else { reset.insert(name) }
                default: break
                }
            }
            return [.object(.alterSequence(SequenceAlter(name: alter.name, set: back, reset: reset)))]
        case .refresh:
            // Recomputing the rows changes no structure: nothing to undo.
            return []
        // spec 1.1: schemas
        case let .renameSchema(name, to):
            return [.object(.renameSchema(name: to, to: name))]
        }
    }

    /// Why the change loses data, if it does.
    public func dataLoss(in before: SchemaState) -> String? {
        switch self {
        case let .drop(.sequence, name):
            return "drop_sequence \(name): the down recreates it at its start value"
        case let .drop(.extension, name):
            return "drop_extension \(name): the down installs it again, without what was stored in its objects"
        default:
            return nil
        }
    }
}

/// A JSON reader for libpg_query's parse trees, straight from the C buffer into the
/// `[String: Any]` nodes PostgresReader walks: objects as `[String: Any]`, arrays as `[Any]`,
/// strings, `Int` (or `Double` for a fraction), `Bool`. Foundation's JSONSerialization builds an
/// intermediate tree and boxes every number in NSNumber; on a folder of thousands of migrations
/// that was a third of `mgen lint`'s time. Malformed input gives nil, never a crash.
struct ParseTreeJSON {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    /// The document in a NUL-terminated buffer (what libpg_query returns).
    static func parse(_ text: UnsafePointer<CChar>) -> [String: Any]? {
        let count = strlenBytes(text)
        return text.withMemoryRebound(to: UInt8.self, capacity: count) { pointer in
            var reader = ParseTreeJSON(bytes: UnsafeBufferPointer(start: pointer, count: count))
            guard let value = reader.value(depth: 0) as? [String: Any] else { return nil }
            reader.skipBlanks()
            return reader.i == count ? value : nil
        }
    }

    static func strlenBytes(_ text: UnsafePointer<CChar>) -> Int {
        var n = 0
        while text[n] != 0 { n += 1 }
        return n
    }

    /// Parse trees nest deeply (expressions), but not this deep: a bound keeps a hostile input
    /// from exhausting the stack.
    static let maxDepth = 2000

    mutating func skipBlanks() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func value(depth: Int) -> Any? {
        guard depth < Self.maxDepth else { return nil }
        skipBlanks()
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case 0x7B: // {
            i += 1
            var object: [String: Any] = [:]
            skipBlanks()
            if i < bytes.count, bytes[i] == 0x7D { i += 1; return object }
            while true {
                skipBlanks()
                guard i < bytes.count, bytes[i] == 0x22, let key = string() else { return nil }
                skipBlanks()
                guard i < bytes.count, bytes[i] == 0x3A else { return nil }
                i += 1
                guard let item = value(depth: depth + 1) else { return nil }
                object[key] = item
                skipBlanks()
                guard i < bytes.count else { return nil }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x7D { i += 1; return object }
                return nil
            }
        case 0x5B: // [
            i += 1
            var array: [Any] = []
            skipBlanks()
            if i < bytes.count, bytes[i] == 0x5D { i += 1; return array }
            while true {
                guard let item = value(depth: depth + 1) else { return nil }
                array.append(item)
                skipBlanks()
                guard i < bytes.count else { return nil }
                if bytes[i] == 0x2C { i += 1; continue }
                if bytes[i] == 0x5D { i += 1; return array }
                return nil
            }
        case 0x22: return string()
        case 0x74: return literal("true", true)
        case 0x66: return literal("false", false)
        case 0x6E: return literal("null", Optional<Int>.none as Any)
        default: return number()
        }
    }

    mutating func literal(_ word: StaticString, _ result: Any) -> Any? {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count else { return nil }
        for k in 0..<count where bytes[i + k] != word.utf8Start[k] { return nil }
        i += count
        return result
    }

    mutating func number() -> Any? {
        let start = i
        var fraction = false
        while i < bytes.count {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 || c == 0x2D || c == 0x2B { i += 1; continue }
            if c == 0x2E || c == 0x65 || c == 0x45 { fraction = true; i += 1; continue }
            break
        }
        guard i > start else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if !fraction, let int = Int(text) { return int }
        return Double(text)
    }

    /// A string at `i` (on its opening quote); escapes decoded.
    mutating func string() -> String? {
        i += 1
        let start = i
        while i < bytes.count, bytes[i] != 0x22, bytes[i] != 0x5C { i += 1 }
        guard i < bytes.count else { return nil }
        if bytes[i] == 0x22 {
            defer { i += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        }
        // With escapes: collect the bytes.
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x22 { i += 1; return String(decoding: out, as: UTF8.self) }
            guard c == 0x5C else { out.append(c); i += 1; continue }
            guard i + 1 < bytes.count else { return nil }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case 0x22, 0x5C, 0x2F: out.append(e)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard var scalar = hex4() else { return nil }
                // A surrogate pair: \uD83D\uDE00.
                if scalar >= 0xD800, scalar < 0xDC00, i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                    i += 2
                    guard let low = hex4(), low >= 0xDC00, low < 0xE000 else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default: return nil
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: return nil
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file, or nil when it cannot be read. Plain open/read into one array: a chain of
/// a thousand specs is a thousand small files, and Foundation's `Data` path costs more per file.
public func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var capacity = 4096
    while true {
        let count = bytes.count
        var failed = false
        bytes.append(contentsOf: repeatElement(0, count: capacity - count))
        let got = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            while true {
                let n = read(fd, base + count, capacity - count)
                if n < 0, errno == EINTR { continue }
                if n < 0 { failed = true }
                return max(n, 0)
            }
        }
        if failed { return nil }
        bytes.removeLast(capacity - count - got)
        if got == 0 { return bytes }
        if bytes.count == capacity { capacity *= 2 }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file, or nil when it cannot be read. Plain open/fstat/read into one array of the
/// file's size: a chain of a thousand specs is a thousand small files, and Foundation's `Data`
/// path costs more per file.
public func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return nil }
    // One byte more than the size, so a file that grew meanwhile shows as a short last read.
    var size = max(Int(info.st_size), 0) + 1
    var bytes = [UInt8](repeating: 0, count: size)
    var filled = 0
    while true {
        let n = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return -1 }
            return read(fd, base + filled, size - filled)
        }
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        filled += n
        // Fewer bytes than asked of a regular file is its end: no second read to learn it.
        if filled < size, info.st_mode & S_IFMT == S_IFREG { break }
        if filled == size {
            size *= 2
            bytes.append(contentsOf: repeatElement(0, count: size - filled))
        }
    }
    bytes.removeLast(bytes.count - filled)
    return bytes
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The largest spec file mgen reads (docs/spec.md, "Files"). Far above any hand-written spec (a
/// spec of 20,000 operations is about 5 MB), and small enough that a wrong path cannot make mgen
/// read gigabytes into memory.
public let maximumSpecFileSize = 16 << 20

/// Why a file could not be read.
public enum ReadFileError: Error, Sendable, Equatable {
    /// open/fstat/read failed with this errno.
    case system(Int32)
    /// Not a regular file (after following symlinks): a FIFO, a device, a socket, a folder.
    case notRegular(kind: String)
    case tooLarge(size: Int, limit: Int)

    public var message: String {
        switch self {
        case let .system(code): String(cString: strerror(code))
        case let .notRegular(kind): "it is \(kind), not a regular file"
        case let .tooLarge(size, limit): "it is \(size) bytes, more than the \(limit) bytes a spec may have"
        }
    }
}

/// The bytes of a regular file of at most `limit` bytes. Plain open/fstat/read into one array of
/// the file's size: a chain of a thousand specs is a thousand small files, and Foundation's `Data`
/// path costs more per file. FIFOs, devices (a symlink to /dev/zero) and sockets are refused
/// before any read, so none can hang the process or fill its memory; O_NONBLOCK keeps the open of
/// a FIFO without a writer from waiting.
public func readFile(_ path: String, limit: Int = maximumSpecFileSize) throws(ReadFileError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw .system(errno) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw .system(errno) }
    let kind = info.st_mode & S_IFMT
    guard kind == S_IFREG else {
        switch kind {
        case S_IFDIR: throw .notRegular(kind: "a folder")
        case S_IFIFO: throw .notRegular(kind: "a FIFO (named pipe)")
        case S_IFCHR, S_IFBLK: throw .notRegular(kind: "a device")
        case S_IFSOCK: throw .notRegular(kind: "a socket")
        default: throw .notRegular(kind: "a special file")
        }
    }
    let statSize = max(Int(info.st_size), 0)
    guard statSize <= limit else { throw .tooLarge(size: statSize, limit: limit) }
    // One byte more than the size, so a file that grew meanwhile shows as a short last read.
    var size = statSize + 1
    var bytes = [UInt8](repeating: 0, count: size)
    var filled = 0
    while true {
        let n = bytes.withUnsafeMutableBufferPointer { buffer -> Int in
            guard let base = buffer.baseAddress else { return -1 }
            return read(fd, base + filled, size - filled)
        }
        if n < 0 { if errno == EINTR { continue }; throw .system(errno) }
        if n == 0 { break }
        filled += n
        if filled > limit { throw .tooLarge(size: filled, limit: limit) }
        // Fewer bytes than asked of a regular file is its end: no second read to learn it.
        if filled < size { break }
        size = min(size * 2, limit + 1)
        bytes.append(contentsOf: repeatElement(0, count: size - filled))
    }
    bytes.removeLast(bytes.count - filled)
    return bytes
}

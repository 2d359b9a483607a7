import Foundation

/// Writes to a temporary file beside the target, then renames it into place, so a reader (or a
/// crash) never sees half a file. Plain write(2): no fsync per file, which made writing a
/// thousand migrations take seconds; these are source files, committed to version control.
public func writeAtomically(_ text: String, to path: String, makeFolder: Bool = true) throws(DiagnosticError) {
    let folder = (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).mgen-\(getpid()).tmp"
    func failure(_ what: String) -> DiagnosticError {
        let reason = String(cString: strerror(errno))
        unlink(temporary)
        return DiagnosticError(Diagnostic("cannot write file: \(what): \(reason)", object: path))
    }
    if makeFolder, !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw DiagnosticError(Diagnostic("cannot create folder: \(error.localizedDescription)", object: folder))
        }
    }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw failure("open") }
    let bytes = Array(text.utf8)
    let total = bytes.count
    var written = 0
    while written < total {
        let offset = written
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + offset }, total - offset) }
        if n < 0 { close(fd); throw failure("write") }
        written += n
    }
    guard close(fd) == 0 else { throw failure("close") }
    guard rename(temporary, path) == 0 else { throw failure("rename") }
}

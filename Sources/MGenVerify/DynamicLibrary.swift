import Foundation
import MGenSpec

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A C client library opened with dlopen when a database URL first needs it (libpq, MariaDB
/// Connector/C): building mgen needs neither, and a start of mgen does not pay for loading them.
struct DynamicLibrary {
    let dialect: Dialect
    let name: String
    let package: String
    private let handle: UnsafeMutableRawPointer

    /// Opens the first of `files` that loads; the error names the Debian `package` to install.
    init(dialect: Dialect, files: [String], package: String) throws {
        self.dialect = dialect
        self.name = files.first ?? "the client library"
        self.package = package
        guard let handle = files.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
            throw DatabaseError(dialect: dialect, message: "\(name) is not installed: apt-get install \(package)")
        }
        self.handle = handle
    }

    /// A function of the library, as the C type the caller declares for it.
    func symbol<T>(_ symbol: String, _: T.Type) throws -> T {
        guard let pointer = dlsym(handle, symbol) else {
            throw DatabaseError(dialect: dialect, message: "\(name) has no symbol \(symbol); install a current \(package)")
        }
        return unsafeBitCast(pointer, to: T.self)
    }

    /// A loader run once per process, its failure remembered too.
    static func once<Library>(_ dialect: Dialect, _ load: () throws -> Library) -> Result<Library, DatabaseError> {
        do { return .success(try load()) } catch let error as DatabaseError { return .failure(error) } catch {
            return .failure(DatabaseError(dialect: dialect, message: "\(error)"))
        }
    }
}

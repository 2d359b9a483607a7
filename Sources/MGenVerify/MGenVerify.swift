// MGenVerify: real databases for mgen.
//
// - `Database` and its three clients (SQLite via libsqlite3, PostgreSQL via libpq, MySQL/MariaDB via
//   MariaDB Connector/C loaded at run time), opened from a `DatabaseURL` with `open(_:)`.
// - `withScratchDatabase(_:_:)`: a uniquely named throwaway database, dropped afterwards.
// - `introspect(_:exclude:)`: the schema of the current database as a `SchemaSnapshot`.
// - `diff(_:_:)` / `SnapshotDiff`: what differs between two snapshots, as readable lines.
import Foundation

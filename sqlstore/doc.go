// Package sqlstore implements every capability's Store over database/sql, on
// SQLite (modernc.org/sqlite, pure Go: the laptop install needs no C
// toolchain) and PostgreSQL (pgx).
//
// One DB is one database: a region's, or the global directory's. A Router
// maps markets to their region's DB, and every store method picks its
// database from the market or the ID of the object it touches, so a
// market's rows can only ever be written to its own region.
//
// Queries are written once, in SQL both engines accept, with ? placeholders.
// The dialect seam is two methods: rebinding placeholders and translating
// driver errors into loopshop's sentinels. Migrations are written once too,
// rendered per engine, with an override per engine for the few changes that
// cannot be (see migrationSources in migrate.go for how to write one). Two
// things are done differently per engine in Go, each in one place and
// switched on DB.Engine: product search (FTS5 against tsvector) and the job
// queue's FOR UPDATE SKIP LOCKED.
package sqlstore

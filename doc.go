// Package loopshop holds what every capability of the platform shares: the
// one error type, with the kinds the HTTP layer maps to status codes, and the
// opaque identifiers that carry the market their object belongs to.
//
// Capabilities live in their own packages (identity, catalog, …), each with
// its types, a Service holding the business rules and the narrow Store it
// needs; sqlstore implements every Store on SQLite and PostgreSQL.
package loopshop

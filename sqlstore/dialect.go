package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/loopshop/loopshop"
)

// dialect is the whole of what differs between the engines at run time.
type dialect interface {
	// rebind turns the ? placeholders of shared SQL into the engine's own.
	rebind(query string) string
	// translate maps driver errors to loopshop's sentinels, keeping the
	// driver's text for the log.
	translate(err error) error
}

// ErrCheckViolation is returned when a write breaks a CHECK constraint: the
// database's backstop for an invariant the code should have kept.
var ErrCheckViolation = &loopshop.Error{Code: loopshop.ECONFLICT, Message: "the write would break a database constraint"}

func translateCommon(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return loopshop.ErrNotFound
	}
	return err
}

type sqliteDialect struct{}

func (sqliteDialect) rebind(query string) string { return query }

func (sqliteDialect) translate(err error) error {
	if err == nil {
		return nil
	}
	var e *sqlite.Error
	if errors.As(err, &e) {
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w (%v)", loopshop.ErrAlreadyExists, err)
		case sqlite3.SQLITE_CONSTRAINT_CHECK:
			return fmt.Errorf("%w (%v)", ErrCheckViolation, err)
		}
	}
	return translateCommon(err)
}

type postgresDialect struct{}

// rebind replaces each ? outside quotes with $1, $2, … Shared SQL never
// uses ? as an operator (PostgreSQL's JSON operators), so this is enough.
func (postgresDialect) rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	inQuote := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func (postgresDialect) translate(err error) error {
	if err == nil {
		return nil
	}
	var e *pgconn.PgError
	if errors.As(err, &e) {
		switch e.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w (%v)", loopshop.ErrAlreadyExists, err)
		case "23514": // check_violation
			return fmt.Errorf("%w (%v)", ErrCheckViolation, err)
		}
	}
	return translateCommon(err)
}

func isNotFound(err error) bool { return errors.Is(err, loopshop.ErrNotFound) }

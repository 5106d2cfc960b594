package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/loopshop/loopshop/sqlstore"
	"github.com/loopshop/loopshop/sqlstore/sqltest"
)

// Both engines run one source per migration, but overrides are written
// twice and a shared file can still mean different things to each engine.
// So the schemas they reach are read back from each engine's catalog and
// compared, at the newest version and at every version on the way back
// down to nothing: tables and views, columns (name, type class, NOT NULL,
// default), primary keys, unique constraints, foreign keys, CHECK
// constraints (by the columns and literals they name: the engines print
// the same condition differently), indexes (name, keys, unique, predicate)
// and triggers.
func TestSchemasMatchAcrossEngines(t *testing.T) {
	for _, schema := range []string{sqlstore.RegionSchema, sqlstore.DirectorySchema} {
		t.Run(schema, func(t *testing.T) {
			ctx := context.Background()
			dbs := map[string]*sqlstore.DB{}
			for _, engine := range sqltest.Engines {
				dbs[engine] = sqltest.DB(t, engine, schema)
			}
			lastDiff := ""
			for {
				versions := map[string]int64{}
				models := map[string]dbSchema{}
				for engine, db := range dbs {
					cur, _, err := db.MigrationVersion(ctx, schema)
					if err != nil {
						t.Fatal(err)
					}
					versions[engine] = cur
					m, err := readSchema(ctx, db)
					if err != nil {
						t.Fatalf("%s: %v", engine, err)
					}
					if err := removeByDesign(m, engine, schema, cur); err != nil {
						t.Errorf("%s at version %d: %v", engine, cur, err)
					}
					models[engine] = m
				}
				v := versions[sqlstore.SQLite]
				if versions[sqlstore.Postgres] != v {
					t.Fatalf("versions differ: %v", versions)
				}
				diff := cmp.Diff(models[sqlstore.SQLite], models[sqlstore.Postgres], cmpopts.EquateEmpty())
				switch {
				case diff != "" && diff == lastDiff:
					// The migration making the difference is older still.
					t.Errorf("at version %d the schemas differ as above", v)
				case diff != "":
					t.Errorf("at version %d the schemas differ (-sqlite +postgres):\n%s", v, diff)
				}
				lastDiff = diff
				if v == 0 {
					break
				}
				for _, db := range dbs {
					if err := db.MigrateDownTo(ctx, schema, v-1); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

// byDesign lists what one engine's schema has and the other's has not, on
// purpose, from the version that makes it on. Each must be there, so that
// the list stays true.
var byDesign = []struct {
	engine  string // "" for both
	schema  string // "" for both
	from    int64
	kind    string // table, column, index or trigger
	table   string
	name    string // of the column, index or trigger
	because string
}{
	// goose's own bookkeeping, made by goose in each dialect's DDL (an
	// AUTOINCREMENT key on SQLite, a serial on PostgreSQL), not by a
	// migration.
	{"", "", 0, "table", "goose_db_version", "", "goose's version table"},

	// Product search (00003) is FTS5 on SQLite: an external-content index
	// with the shadow tables FTS5 keeps it in (no _content: the content
	// is the products table), and triggers keeping it in step.
	{sqlstore.SQLite, sqlstore.RegionSchema, 3, "table", "products_fts", "", "FTS5 index of product search"},
	{sqlstore.SQLite, sqlstore.RegionSchema, 3, "table", "products_fts_config", "", "FTS5 shadow table"},
	{sqlstore.SQLite, sqlstore.RegionSchema, 3, "table", "products_fts_data", "", "FTS5 shadow table"},
	{sqlstore.SQLite, sqlstore.RegionSchema, 3, "table", "products_fts_docsize", "", "FTS5 shadow table"},
	{sqlstore.SQLite, sqlstore.RegionSchema, 3, "table", "products_fts_idx", "", "FTS5 shadow table"},
	{sqlstore.SQLite, sqlstore.RegionSchema, 3, "trigger", "products", "products_fts_insert", "keeps products_fts in step"},
	{sqlstore.SQLite, sqlstore.RegionSchema, 3, "trigger", "products", "products_fts_delete", "keeps products_fts in step"},
	{sqlstore.SQLite, sqlstore.RegionSchema, 3, "trigger", "products", "products_fts_update", "keeps products_fts in step"},
	// On PostgreSQL it is a generated tsvector column, which PostgreSQL
	// keeps up to date itself, and a GIN index over it.
	{sqlstore.Postgres, sqlstore.RegionSchema, 3, "column", "products", "search", "tsvector of product search"},
	{sqlstore.Postgres, sqlstore.RegionSchema, 3, "index", "products", "products_search", "GIN index of product search"},
}

// removeByDesign takes the objects byDesign lists for engine out of m.
func removeByDesign(m dbSchema, engine, schema string, version int64) error {
	var missing []string
	for _, d := range byDesign {
		if d.engine != "" && d.engine != engine || d.schema != "" && d.schema != schema || version < d.from {
			continue
		}
		tb := m[d.table]
		found := tb != nil
		switch d.kind {
		case "table":
			delete(m, d.table)
		case "column":
			found = found && slices.ContainsFunc(tb.Columns, func(c column) bool { return c.Name == d.name })
			if found {
				tb.Columns = slices.DeleteFunc(tb.Columns, func(c column) bool { return c.Name == d.name })
			}
		case "index":
			_, found = tb.Indexes[d.name]
			delete(tb.Indexes, d.name)
		case "trigger":
			found = found && slices.Contains(tb.Triggers, d.name)
			if found {
				tb.Triggers = slices.DeleteFunc(tb.Triggers, func(s string) bool { return s == d.name })
			}
		default:
			return fmt.Errorf("byDesign: unknown kind %q", d.kind)
		}
		if !found {
			missing = append(missing, fmt.Sprintf("%s %s %s (%s)", d.kind, d.table, d.name, d.because))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("byDesign lists what the schema has not: %s", strings.Join(missing, "; "))
	}
	return nil
}

// dbSchema is a database's schema, by table, in terms both engines share.
type dbSchema map[string]*table

type table struct {
	View        bool
	Columns     []column // in order
	PrimaryKey  []string
	Uniques     []string // constraints' columns, comma-separated, sorted
	ForeignKeys []string // "cols -> table(cols) on delete …", sorted
	Checks      []string // checkFingerprint of each, sorted
	Indexes     map[string]index
	Triggers    []string // sorted
}

type column struct {
	Name    string
	Type    string // typeClass
	NotNull bool
	Default string // normalized by normExpr
}

type index struct {
	Keys   []string // columns or normalized expressions
	Unique bool
	Where  string // normalized predicate of a partial index
}

func readSchema(ctx context.Context, db *sqlstore.DB) (dbSchema, error) {
	var m dbSchema
	var err error
	if db.Engine() == sqlstore.SQLite {
		m, err = readSQLiteSchema(ctx, db)
	} else {
		m, err = readPostgresSchema(ctx, db)
	}
	if err != nil {
		return nil, err
	}
	for _, tb := range m {
		slices.Sort(tb.Uniques)
		slices.Sort(tb.ForeignKeys)
		slices.Sort(tb.Checks)
		slices.Sort(tb.Triggers)
	}
	return m, nil
}

// typeClass names a column's declared type in terms both engines share.
// Each engine's names are its own: a TIMESTAMP column on PostgreSQL (no
// time zone) or a TIMESTAMPTZ on SQLite (which its driver would not read as
// a time) is no "time".
func typeClass(engine, declared string) string {
	names := map[string]map[string]string{
		sqlstore.SQLite: {
			"TEXT": "text", "INTEGER": "integer", "BIGINT": "bigint", "BOOLEAN": "boolean",
			"TIMESTAMP": "time", "BLOB": "bytes",
		},
		sqlstore.Postgres: {
			"text": "text", "integer": "integer", "bigint": "bigint", "boolean": "boolean",
			"timestamp with time zone": "time", "bytea": "bytes",
		},
	}
	if c, ok := names[engine][declared]; ok {
		return c
	}
	return engine + " " + declared
}

// pgFKActions spell pg_constraint's foreign key actions as SQLite's
// PRAGMA foreign_key_list does.
var pgFKActions = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

func foreignKey(cols, refTable, refCols, onDelete, onUpdate string) string {
	return fmt.Sprintf("(%s) -> %s(%s) on delete %s on update %s", cols, refTable, refCols, onDelete, onUpdate)
}

// SQLite.

func readSQLiteSchema(ctx context.Context, db *sqlstore.DB) (dbSchema, error) {
	q := db.Read()
	m := dbSchema{}
	type object struct{ kind, name, table, sql string }
	var objects []object
	// Names starting sqlite_ are SQLite's own (sqlite_sequence of goose's
	// AUTOINCREMENT, the autoindexes of constraints, compared as such).
	err := q.Query(ctx, `SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY type DESC, name`, nil, func(rows *sql.Rows) error {
		var o object
		if err := rows.Scan(&o.kind, &o.name, &o.table, &o.sql); err != nil {
			return err
		}
		objects = append(objects, o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	indexSQL := map[string]string{}
	for _, o := range objects {
		switch o.kind {
		case "table", "view":
			m[o.name] = &table{View: o.kind == "view", Indexes: map[string]index{}}
		case "index":
			indexSQL[o.name] = o.sql
		}
	}
	for _, o := range objects {
		tb := m[o.table]
		switch {
		case o.kind == "trigger":
			tb.Triggers = append(tb.Triggers, o.name)
		case o.kind == "table" || o.kind == "view":
			if err := readSQLiteTable(ctx, db, o.name, o.sql, tb, indexSQL); err != nil {
				return nil, fmt.Errorf("table %s: %w", o.name, err)
			}
		}
	}
	return m, nil
}

func readSQLiteTable(ctx context.Context, db *sqlstore.DB, name, createSQL string, tb *table, indexSQL map[string]string) error {
	q := db.Read()
	type pkCol struct {
		pos  int
		name string
	}
	var pk []pkCol
	var colNames []string
	err := q.Query(ctx, `SELECT name, type, "notnull", COALESCE(dflt_value, ''), pk FROM pragma_table_info(?) ORDER BY cid`, []any{name}, func(rows *sql.Rows) error {
		var c column
		var declared, dflt string
		var pos int
		if err := rows.Scan(&c.Name, &declared, &c.NotNull, &dflt, &pos); err != nil {
			return err
		}
		c.Type = typeClass(sqlstore.SQLite, declared)
		c.Default = normExpr(dflt)
		if pos > 0 {
			// SQLite lets a primary key other than an INTEGER one hold
			// NULL unless it says NOT NULL; PostgreSQL never does, and
			// loopshop never writes one.
			c.NotNull = true
			pk = append(pk, pkCol{pos, c.Name})
		}
		tb.Columns = append(tb.Columns, c)
		colNames = append(colNames, c.Name)
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(pk, func(a, b pkCol) int { return a.pos - b.pos })
	for _, c := range pk {
		tb.PrimaryKey = append(tb.PrimaryKey, c.name)
	}
	if tb.View {
		tb.Columns = nil
		return nil
	}
	tb.Checks = checks(createSQL, colNames)

	type fkCol struct{ table, from, to, onUpdate, onDelete string }
	fks := map[int][]fkCol{}
	var fkIDs []int
	err = q.Query(ctx, `SELECT id, "table", "from", COALESCE("to", ''), on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, []any{name}, func(rows *sql.Rows) error {
		var id int
		var c fkCol
		if err := rows.Scan(&id, &c.table, &c.from, &c.to, &c.onUpdate, &c.onDelete); err != nil {
			return err
		}
		if _, ok := fks[id]; !ok {
			fkIDs = append(fkIDs, id)
		}
		fks[id] = append(fks[id], c)
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range fkIDs {
		var from, to []string
		for _, c := range fks[id] {
			from, to = append(from, c.from), append(to, c.to)
		}
		c := fks[id][0]
		if c.to == "" {
			// REFERENCES t without columns: t's primary key.
			to = nil
			err := q.Query(ctx, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, []any{c.table}, func(rows *sql.Rows) error {
				var col string
				err := rows.Scan(&col)
				to = append(to, col)
				return err
			})
			if err != nil {
				return err
			}
		}
		tb.ForeignKeys = append(tb.ForeignKeys, foreignKey(strings.Join(from, ","), c.table, strings.Join(to, ","), c.onDelete, c.onUpdate))
	}

	type idx struct {
		name, origin string
		unique       bool
	}
	var idxs []idx
	err = q.Query(ctx, `SELECT name, "unique", origin FROM pragma_index_list(?)`, []any{name}, func(rows *sql.Rows) error {
		var i idx
		if err := rows.Scan(&i.name, &i.unique, &i.origin); err != nil {
			return err
		}
		idxs = append(idxs, i)
		return nil
	})
	if err != nil {
		return err
	}
	for _, i := range idxs {
		var cols []string
		err := q.Query(ctx, `SELECT COALESCE(name, '') FROM pragma_index_info(?) ORDER BY seqno`, []any{i.name}, func(rows *sql.Rows) error {
			var c string
			if err := rows.Scan(&c); err != nil {
				return err
			}
			cols = append(cols, c)
			return nil
		})
		if err != nil {
			return err
		}
		switch i.origin {
		case "pk": // compared as the primary key
		case "u":
			tb.Uniques = append(tb.Uniques, strings.Join(cols, ","))
		default:
			keys, where, err := sqliteIndexSQL(indexSQL[i.name])
			if err != nil {
				return fmt.Errorf("index %s: %w", i.name, err)
			}
			tb.Indexes[i.name] = index{Keys: keys, Unique: i.unique, Where: where}
		}
	}
	return nil
}

// sqliteIndexSQL returns the normalized keys and predicate of a CREATE
// INDEX statement.
func sqliteIndexSQL(create string) (keys []string, where string, err error) {
	toks := sqlTokens(create)
	open := slices.Index(toks, "(")
	if open < 0 {
		return nil, "", fmt.Errorf("no key list in %q", create)
	}
	depth, start := 0, open+1
	for i := open; i < len(toks); i++ {
		switch toks[i] {
		case "(":
			depth++
		case ")":
			depth--
		}
		if depth == 1 && toks[i] == "," || depth == 0 {
			keys = append(keys, normTokens(toks[start:i]))
			start = i + 1
		}
		if depth == 0 {
			if start < len(toks) && toks[start] == "where" {
				where = normTokens(toks[start+1:])
			}
			return keys, where, nil
		}
	}
	return nil, "", fmt.Errorf("unbalanced key list in %q", create)
}

// PostgreSQL.

func readPostgresSchema(ctx context.Context, db *sqlstore.DB) (dbSchema, error) {
	q := db.Read()
	m := dbSchema{}
	err := q.Query(ctx, `SELECT table_name, table_type = 'VIEW' FROM information_schema.tables WHERE table_schema = current_schema()`, nil, func(rows *sql.Rows) error {
		var name string
		var view bool
		if err := rows.Scan(&name, &view); err != nil {
			return err
		}
		m[name] = &table{View: view, Indexes: map[string]index{}}
		return nil
	})
	if err != nil {
		return nil, err
	}
	colNames := map[string][]string{}
	err = q.Query(ctx, `
		SELECT table_name, column_name, data_type, is_nullable = 'NO', COALESCE(column_default, '')
		FROM information_schema.columns
		WHERE table_schema = current_schema()
		ORDER BY table_name, ordinal_position`, nil, func(rows *sql.Rows) error {
		var tname, declared, dflt string
		var c column
		if err := rows.Scan(&tname, &c.Name, &declared, &c.NotNull, &dflt); err != nil {
			return err
		}
		c.Type = typeClass(sqlstore.Postgres, declared)
		c.Default = normExpr(dflt)
		if tb := m[tname]; tb != nil && !tb.View {
			tb.Columns = append(tb.Columns, c)
		}
		colNames[tname] = append(colNames[tname], c.Name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Constraints, with their columns in key order.
	err = q.Query(ctx, `
		SELECT t.relname, con.contype::text,
			COALESCE((SELECT string_agg(a.attname, ',' ORDER BY k.ord)
				FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum), ''),
			COALESCE(f.relname, ''),
			COALESCE((SELECT string_agg(a.attname, ',' ORDER BY k.ord)
				FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
				JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum), ''),
			con.confdeltype::text, con.confupdtype::text, pg_get_constraintdef(con.oid)
		FROM pg_constraint con
		JOIN pg_class t ON t.oid = con.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		LEFT JOIN pg_class f ON f.oid = con.confrelid
		WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f', 'c')`, nil, func(rows *sql.Rows) error {
		var tname, kind, cols, ref, refCols, onDelete, onUpdate, def string
		if err := rows.Scan(&tname, &kind, &cols, &ref, &refCols, &onDelete, &onUpdate, &def); err != nil {
			return err
		}
		tb := m[tname]
		switch kind {
		case "p":
			tb.PrimaryKey = strings.Split(cols, ",")
		case "u":
			tb.Uniques = append(tb.Uniques, cols)
		case "f":
			tb.ForeignKeys = append(tb.ForeignKeys, foreignKey(cols, ref, refCols, pgFKActions[onDelete], pgFKActions[onUpdate]))
		case "c":
			tb.Checks = append(tb.Checks, checks(def, colNames[tname])...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Indexes other than those of primary keys and unique constraints,
	// compared as such above: a row per key.
	err = q.Query(ctx, `
		SELECT t.relname, i.relname, pg_get_indexdef(ix.indexrelid, k.n, true), ix.indisunique,
			COALESCE(pg_get_expr(ix.indpred, ix.indrelid, true), '')
		FROM pg_index ix
		JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		CROSS JOIN LATERAL generate_series(1, ix.indnkeyatts::int) AS k(n)
		WHERE n.nspname = current_schema()
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c
				WHERE c.conindid = ix.indexrelid AND c.conrelid = ix.indrelid AND c.contype IN ('p', 'u'))
		ORDER BY t.relname, i.relname, k.n`, nil, func(rows *sql.Rows) error {
		var tname, iname, key, where string
		var unique bool
		if err := rows.Scan(&tname, &iname, &key, &unique, &where); err != nil {
			return err
		}
		tb := m[tname]
		ix := tb.Indexes[iname]
		ix.Keys = append(ix.Keys, normExpr(key))
		ix.Unique, ix.Where = unique, normExpr(where)
		tb.Indexes[iname] = ix
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = q.Query(ctx, `
		SELECT c.relname, tg.tgname
		FROM pg_trigger tg
		JOIN pg_class c ON c.oid = tg.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND NOT tg.tgisinternal`, nil, func(rows *sql.Rows) error {
		var tname, name string
		if err := rows.Scan(&tname, &name); err != nil {
			return err
		}
		m[tname].Triggers = append(m[tname].Triggers, name)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Normalizing SQL text.

// sqlTokens splits SQL into lowercased words and numbers, string literals
// (quotes kept), identifiers that were quoted (quotes dropped), "::" and
// single punctuation characters, leaving out spaces and comments.
func sqlTokens(s string) []string {
	var toks []string
	word := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return toks
			}
			i += end + 4
		case c == '\'':
			j := i + 1
			for j < len(s) {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			toks = append(toks, s[i:min(j+1, len(s))])
			i = j + 1
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				j = len(s) - i - 1
			}
			toks = append(toks, strings.ToLower(s[i+1:i+1+j]))
			i += j + 2
		case word(c):
			j := i
			for j < len(s) && word(s[j]) {
				j++
			}
			toks = append(toks, strings.ToLower(s[i:j]))
			i = j
		case strings.HasPrefix(s[i:], "::"):
			toks = append(toks, "::")
			i += 2
		default:
			toks = append(toks, string(c))
			i++
		}
	}
	return toks
}

// normExpr normalizes an expression as each engine prints it (a default,
// an index key or predicate): its tokens, lowercased, without parentheses
// or PostgreSQL's casts, so that "(kind <> 'live'::text)" reads as
// "kind <> 'live'" does.
func normExpr(s string) string { return normTokens(sqlTokens(s)) }

func normTokens(toks []string) string {
	var out []string
	for i := 0; i < len(toks); i++ {
		switch t := toks[i]; t {
		case "::":
			i++ // and the type's name
		case "(", ")":
		default:
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

// checks returns a fingerprint of each CHECK constraint in SQL text (a
// CREATE TABLE statement, or PostgreSQL's printed constraint): the set of
// columns (of cols) and literals it names, sorted. The engines print the
// same condition differently (PostgreSQL writes IN as = ANY (ARRAY[…]) and
// BETWEEN as two comparisons), but not with other columns or values.
func checks(text string, cols []string) []string {
	toks := sqlTokens(text)
	var out []string
	for i := 0; i+1 < len(toks); i++ {
		if toks[i] != "check" || toks[i+1] != "(" {
			continue
		}
		seen := map[string]bool{}
		depth := 0
		for j := i + 1; j < len(toks); j++ {
			t := toks[j]
			switch {
			case t == "(":
				depth++
			case t == ")":
				depth--
			case t[0] == '\'' || t[0] >= '0' && t[0] <= '9' || slices.Contains(cols, t):
				seen[t] = true
			}
			if depth == 0 {
				i = j
				break
			}
		}
		keys := make([]string, 0, len(seen))
		for k := range seen {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		out = append(out, strings.Join(keys, " "))
	}
	return out
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps prepared statements of a SQLite pool by their SQL.
// SQLite compiles every statement it is given; without a cache, parsing
// and planning the same few dozen statements took a fifth of checkout's
// CPU. database/sql prepares a cached statement once per connection and
// reuses it inside transactions (Tx.StmtContext). PostgreSQL needs none:
// pgx caches statements itself.
//
// Statements built with a varying number of placeholders (IN lists) would
// fill it without end, so it stops taking new ones at maxStmts.
//
// Preparing needs a connection of the pool. The SQLite writer pool has
// one, which a transaction holds while it runs, so a statement first seen
// inside a transaction runs unprepared and is prepared once the
// transaction has let go of the connection (preparePending).
type stmtCache struct {
	db      *sql.DB
	mu      sync.RWMutex
	m       map[string]*sql.Stmt
	pending map[string]bool
}

const maxStmts = 512

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the prepared statement of query, or nil when the caller
// should run the query unprepared: the cache is full, or the statement is
// new and inTx (it is prepared later, by preparePending).
func (c *stmtCache) get(ctx context.Context, query string, inTx bool) (*sql.Stmt, error) {
	c.mu.RLock()
	st, ok := c.m[query]
	n := len(c.m) + len(c.pending)
	c.mu.RUnlock()
	if ok || n >= maxStmts {
		return st, nil
	}
	if inTx {
		c.mu.Lock()
		c.pending[query] = true
		c.mu.Unlock()
		return nil, nil
	}
	// Prepare without the lock: preparing waits for a connection, which
	// a transaction that needs the lock may be holding.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return c.put(query, st), nil
}

// put caches st for query, or keeps the one another goroutine cached
// first and closes st.
func (c *stmtCache) put(query string, st *sql.Stmt) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok {
		st.Close()
		return old
	}
	c.m[query] = st
	return st
}

// preparePending prepares the statements transactions met for the first
// time. A statement that fails to prepare is dropped: it runs unprepared,
// and reports its error, when it next runs.
func (c *stmtCache) preparePending(ctx context.Context) {
	c.mu.Lock()
	var queries []string
	for query := range c.pending {
		if _, ok := c.m[query]; !ok {
			queries = append(queries, query)
		}
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, query := range queries {
		if st, err := c.db.PrepareContext(ctx, query); err == nil {
			c.put(query, st)
		}
	}
}

func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for q, st := range c.m {
		err = errors.Join(err, st.Close())
		delete(c.m, q)
	}
	return err
}

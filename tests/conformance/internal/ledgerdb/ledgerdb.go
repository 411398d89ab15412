// Package ledgerdb prepares the real PostgreSQL the conformance suite queries: a fresh database per run, migrated
// by the project's own migrate CLI, a login role that is a member of ledger_reader (how the datasource is meant to
// connect), and seeded rows inserted with plain SQL.
package ledgerdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// AdminURL is the server the suite may create databases on: LEDGER_TEST_ADMIN_URL (set by `npm test` after it
// starts a throwaway server), else DATABASE_URL. Empty when neither is set.
func AdminURL() string {
	if u := os.Getenv("LEDGER_TEST_ADMIN_URL"); u != "" {
		return u
	}
	return os.Getenv("DATABASE_URL")
}

// Server is a PostgreSQL server reachable over TCP.
type Server struct {
	AdminURL string
	Host     string
	Port     int
}

// Ledger is the suite's databases on the server: a migrated ledger, an empty database (for "schema missing"), and
// a read-only login role.
type Ledger struct {
	Server
	Database      string
	EmptyDatabase string
	Reader        string
	ReaderPass    string
	// URL connects to the ledger as the admin (for inserts).
	URL string
}

func randomSuffix() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ParseServer reads host and port from an admin URL.
func ParseServer(adminURL string) (Server, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return Server{}, fmt.Errorf("database URL: %w", err)
	}
	host := u.Hostname()
	if host == "" {
		host = "127.0.0.1"
	}
	port := 5432
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return Server{}, fmt.Errorf("database URL port: %w", err)
		}
	}
	return Server{AdminURL: adminURL, Host: host, Port: port}, nil
}

// WithDatabase returns the URL with another database name.
func WithDatabase(rawURL, database string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Path = "/" + database
	return u.String()
}

func exec1(ctx context.Context, connURL, sql string) error {
	conn, err := pgx.Connect(ctx, connURL)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(context.Background()) }()
	_, err = conn.Exec(ctx, sql)
	return err
}

// Create makes the databases and role, and migrates the ledger with `node --import tsx src/ledger/cli/migrate.ts`
// run from root. Call Drop when done.
func Create(ctx context.Context, adminURL, root string) (*Ledger, error) {
	server, err := ParseServer(adminURL)
	if err != nil {
		return nil, err
	}
	suffix := randomSuffix()
	l := &Ledger{
		Server:        server,
		Database:      "conformance_" + suffix,
		EmptyDatabase: "conformance_empty_" + suffix,
	}
	for _, db := range []string{l.Database, l.EmptyDatabase} {
		if err := exec1(ctx, adminURL, "CREATE DATABASE "+pgx.Identifier{db}.Sanitize()); err != nil {
			_ = l.Drop(context.Background())
			return nil, fmt.Errorf("create database %s on %s (the URL must allow CREATE DATABASE): %w", db, redact(adminURL), err)
		}
	}
	l.URL = WithDatabase(adminURL, l.Database)

	began := time.Now()
	cmd := exec.CommandContext(ctx, "node", "--import", "tsx", "src/ledger/cli/migrate.ts")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "DATABASE_URL="+l.URL)
	if out, err := cmd.CombinedOutput(); err != nil {
		_ = l.Drop(context.Background())
		return nil, fmt.Errorf("migrate (node --import tsx src/ledger/cli/migrate.ts in %s) failed after %s: %w\n%s", root, time.Since(began).Round(time.Millisecond), err, out)
	}

	// The datasource's own login: a member of ledger_reader, as docs/ledger.md recommends.
	l.Reader = "conformance_reader_" + suffix
	l.ReaderPass = "pw-" + randomSuffix()
	createRole := fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s' IN ROLE ledger_reader", pgx.Identifier{l.Reader}.Sanitize(), l.ReaderPass)
	if err := exec1(ctx, l.URL, createRole); err != nil {
		_ = l.Drop(context.Background())
		return nil, fmt.Errorf("create the read-only login role: %w", err)
	}
	return l, nil
}

// Drop removes what Create made.
func (l *Ledger) Drop(ctx context.Context) error {
	var errs []error
	for _, db := range []string{l.Database, l.EmptyDatabase} {
		if db != "" {
			if err := exec1(ctx, l.AdminURL, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)"); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if l.Reader != "" {
		if err := exec1(ctx, l.AdminURL, "DROP ROLE IF EXISTS "+pgx.Identifier{l.Reader}.Sanitize()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Event is one ledger_events row; nil pointers are NULL.
type Event struct {
	OccurredAt     time.Time
	Kind           string
	JobID          *string
	WorkerID       *string
	Mode           *string
	Agent          *string
	TraceID        *string
	SpanID         *string
	ParentSpanID   *string
	Name           *string
	Status         *string
	DurationMs     *float64
	TokensIn       *int32
	TokensOut      *int32
	CostUSD        *float64
	ConversationID *string
	Value          *float64
	Payload        map[string]any
}

// S returns a pointer to s (for Event fields).
func S(s string) *string { return &s }

// F returns a pointer to f.
func F(f float64) *float64 { return &f }

// I returns a pointer to i.
func I(i int32) *int32 { return &i }

// Insert appends events with plain SQL (seq and recorded_at take their defaults).
func Insert(ctx context.Context, connURL string, events []Event) error {
	conn, err := pgx.Connect(ctx, connURL)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close(context.Background()) }()
	batch := &pgx.Batch{}
	for _, e := range events {
		payload := e.Payload
		if payload == nil {
			payload = map[string]any{}
		}
		batch.Queue(`INSERT INTO ledger_events (occurred_at, kind, job_id, worker_id, mode, agent, trace_id, span_id,
  parent_span_id, name, status, duration_ms, tokens_in, tokens_out, cost_usd, conversation_id, value, payload)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			e.OccurredAt, e.Kind, e.JobID, e.WorkerID, e.Mode, e.Agent, e.TraceID, e.SpanID, e.ParentSpanID, e.Name,
			e.Status, e.DurationMs, e.TokensIn, e.TokensOut, e.CostUSD, e.ConversationID, e.Value, payload)
	}
	return conn.SendBatch(ctx, batch).Close()
}

// ClosedPort returns a loopback TCP port nothing listens on.
func ClosedPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, l.Close()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "***")
	}
	return strings.ReplaceAll(u.String(), "%2A%2A%2A", "***")
}

// Package conformance proves the built backend (dist/datasource/gpx_ledger_<os>_<arch>) against the code Grafana
// uses to launch and call backend plugins: hashicorp/go-plugin with Grafana's client configuration, the
// grafana-plugin-sdk-go pluginv2 clients and conversions, the SDK's Arrow reader, grafana/dataplane's sdata readers,
// and data.FrameToJSON. See docs/conformance.md.
package conformance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/grafanahost"
	"github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/ledgerdb"
)

var (
	repoRoot   string
	executable string

	pluginOnce   sync.Once
	sharedPlugin *grafanahost.Plugin
	pluginErr    error

	ledgerOnce sync.Once
	ledger     *ledgerdb.Ledger
	ledgerErr  error

	skipsMu sync.Mutex
	skips   = map[string]bool{}
)

// noteSkip records why a check did not run, for the summary printed after the run (plain `go test` hides skips).
func noteSkip(reason string) {
	skipsMu.Lock()
	defer skipsMu.Unlock()
	skips[reason] = true
}

func TestMain(m *testing.M) {
	repoRoot = os.Getenv("LEDGER_ROOT")
	if repoRoot == "" {
		repoRoot, _ = filepath.Abs(filepath.Join("..", ".."))
	}
	executable = filepath.Join(repoRoot, "dist", "datasource", fmt.Sprintf("gpx_ledger_%s_%s", runtime.GOOS, runtime.GOARCH))
	if override := os.Getenv("LEDGER_PLUGIN_EXECUTABLE"); override != "" {
		executable = override // another build of the backend, e.g. one made outside dist/
	}
	code := m.Run()

	if len(skips) > 0 {
		reasons := make([]string, 0, len(skips))
		for r := range skips {
			reasons = append(reasons, r)
		}
		slices.Sort(reasons)
		fmt.Printf("conformance: checks skipped (npm test fails on any skip in CI):\n  %s\n", strings.Join(reasons, "\n  "))
	}

	// Stop the shared process as Grafana stops plugins, and hold the whole run's log to the same rules as the
	// lifecycle test: a failure here fails the run.
	if sharedPlugin != nil {
		took := sharedPlugin.Kill()
		if testing.Verbose() {
			fmt.Printf("conformance: shared plugin process stopped by go-plugin Kill in %s; %d stderr lines\n", took, len(sharedPlugin.Logs.RawStderr()))
		}
		if problems := shutdownProblems(sharedPlugin, took); len(problems) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: the shared plugin process (used by every test) did not stop or log as Grafana needs:\n  %s\n%s\n",
				strings.Join(problems, "\n  "), sharedPlugin.Logs.Dump())
			code = 1
		}
		if problems := logProblems(sharedPlugin); len(problems) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: the shared plugin process logged lines Grafana cannot parse:\n  %s\n", strings.Join(problems, "\n  "))
			code = 1
		}
	}
	if ledger != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := ledger.Drop(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "warning: could not drop the conformance databases: %v\n", err)
		}
		cancel()
	}
	os.Exit(code)
}

// requireExecutable fails with what to do when the build output is missing.
func requireExecutable(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(executable); err != nil {
		t.Fatalf("%s is missing: run `npm run build` first (`npm test` builds before it runs this suite); LEDGER_ROOT=%s", executable, repoRoot)
	}
}

// plugin is the one process most tests share, launched as Grafana launches it (Grafana 12.4+ environment: host
// variables not forwarded).
func plugin(t testing.TB) *grafanahost.Plugin {
	t.Helper()
	requireExecutable(t)
	pluginOnce.Do(func() {
		sharedPlugin, pluginErr = grafanahost.Launch(grafanahost.Options{Executable: executable})
	})
	if pluginErr != nil {
		t.Fatalf("launch: %v", pluginErr)
	}
	if sharedPlugin.Exited() {
		t.Fatalf("the shared plugin process has exited\n%s", sharedPlugin.Logs.Dump())
	}
	return sharedPlugin
}

// seededLedger is the run's ledger database, created and seeded once. Without a database URL the test is skipped
// when running by hand, and fails in CI.
func seededLedger(t testing.TB) *ledgerdb.Ledger {
	t.Helper()
	admin := ledgerdb.AdminURL()
	if admin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but no database is: npm test exports LEDGER_TEST_ADMIN_URL; set DATABASE_URL to a PostgreSQL URL where the suite may create databases")
		}
		noteSkip("no database")
		t.Skip("no database: set DATABASE_URL to a PostgreSQL URL where the suite may create databases (e.g. postgres://postgres:secret@127.0.0.1:5432/postgres), or run `npm test`, which starts one")
	}
	ledgerOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		ledger, ledgerErr = ledgerdb.Create(ctx, admin, repoRoot)
		if ledgerErr == nil {
			ledgerErr = ledgerdb.Insert(ctx, ledger.URL, seedEvents())
		}
	})
	if ledgerErr != nil {
		t.Fatalf("preparing the ledger database: %v", ledgerErr)
	}
	return ledger
}

// datasource is the Ledger datasource pointing at the seeded ledger as its read-only role.
func datasource(t testing.TB) grafanahost.Datasource {
	l := seededLedger(t)
	return grafanahost.Datasource{
		ID:       7,
		UID:      "ledger-conformance",
		Name:     "Ledger",
		Host:     l.Host,
		Port:     l.Port,
		User:     l.Reader,
		Password: l.ReaderPass,
		Database: l.Database,
		// Budgets so that the budget metrics have something to compare with (README, Configuration).
		JSONData: map[string]any{"connectTimeoutMs": 3000, "tokenBudgetDaily": 100_000, "costBudgetDailyUsd": 25},
	}
}

func ctxFor(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

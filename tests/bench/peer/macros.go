package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/gtime"
	"github.com/grafana/grafana-plugin-sdk-go/data/sqlutil"
)

// The SDK's sqlutil parses macros (sqlutil.Interpolate) but its default macros are generic, not PostgreSQL's, and
// sqlds/grafana-postgresql-datasource keep theirs internal. These are a minimal faithful copy of the PostgreSQL
// datasource's expansions (pkg/tsdb/grafana-postgresql-datasource/macros.go) for the macros the peer's SQL uses.
var postgresMacros = sqlutil.Macros{
	"timeFilter": func(q *sqlutil.Query, args []string) (string, error) {
		if len(args) != 1 {
			return "", fmt.Errorf("$__timeFilter takes one column, got %d", len(args))
		}
		return fmt.Sprintf("%s BETWEEN '%s' AND '%s'", args[0], rfc(q.TimeRange.From), rfc(q.TimeRange.To)), nil
	},
	"timeFrom": func(q *sqlutil.Query, _ []string) (string, error) { return "'" + rfc(q.TimeRange.From) + "'", nil },
	"timeTo":   func(q *sqlutil.Query, _ []string) (string, error) { return "'" + rfc(q.TimeRange.To) + "'", nil },
	"timeGroup": func(q *sqlutil.Query, args []string) (string, error) {
		return timeGroup(q, args)
	},
	"timeGroupAlias": func(q *sqlutil.Query, args []string) (string, error) {
		group, err := timeGroup(q, args)
		return group + ` AS "time"`, err
	},
	"interval": func(q *sqlutil.Query, _ []string) (string, error) { return gtime.FormatInterval(q.Interval), nil },
	"interval_ms": func(q *sqlutil.Query, _ []string) (string, error) {
		return strconv.FormatInt(q.Interval.Milliseconds(), 10), nil
	},
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// timeGroup: `floor(extract(epoch from col)/s)*s` for an interval `$__interval` or a duration like `5m`.
func timeGroup(q *sqlutil.Query, args []string) (string, error) {
	if len(args) < 2 {
		return "", fmt.Errorf("$__timeGroup takes a column and an interval, got %d arguments", len(args))
	}
	spec := strings.Trim(args[1], `'"`)
	interval := q.Interval
	if spec != "$__interval" {
		parsed, err := gtime.ParseInterval(spec)
		if err != nil {
			return "", fmt.Errorf("$__timeGroup interval %q: %w", spec, err)
		}
		interval = parsed
	}
	s := interval.Seconds()
	return fmt.Sprintf("floor(extract(epoch from %s)/%v)*%v", args[0], s, s), nil
}

// interpolate expands the macros for one query (its range and the interval Grafana computed for the panel).
func interpolate(text string, q backend.DataQuery) (string, error) {
	query := &sqlutil.Query{RawSQL: text, TimeRange: q.TimeRange, Interval: q.Interval, MaxDataPoints: q.MaxDataPoints}
	// Longer macro names are expanded first, so $__timeGroup sees its `$__interval` argument before $__interval does.
	return sqlutil.Interpolate(query, postgresMacros)
}

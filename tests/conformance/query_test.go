package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	fc "github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/framecheck"
	"github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/grafanahost"
	"github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/ledgerdb"
)

// queryCase is one row of the QueryData table: a query as a panel, Explore, a variable, an annotation or an alert
// rule sends it, and what Grafana must get back.
type queryCase struct {
	name  string
	query map[string]any
	// from/to default to the seeded window; interval to 1 h.
	from, to time.Time
	interval time.Duration
	headers  map[string]string
	expect   fc.Expect
}

var (
	hour       = time.Hour
	t0, t1, t2 = base, base.Add(hour), base.Add(2 * hour)
	hourly     = []time.Time{t0, t1, t2}
	perHour    = 3600.0     // seconds in a bucket: rate = count / perHour
	perRange   = 3 * 3600.0 // seconds in the window: instant rate = count / perRange
)

func labels(kv ...string) data.Labels {
	l := data.Labels{}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return l
}

func intp(n int) *int { return &n }

// queryCases is the table. Add a row when the query engine learns something.
func queryCases() []queryCase {
	ts := func(series ...fc.Series) fc.Expect {
		return fc.Expect{Kind: fc.TimeSeries, FrameType: data.FrameTypeTimeSeriesMulti, Range: &window, Step: hour, Series: series}
	}
	num := func(series ...fc.Series) fc.Expect {
		return fc.Expect{Kind: fc.Numeric, FrameType: data.FrameTypeNumericMulti, Series: series}
	}
	completed := func(l data.Labels, values ...any) fc.Series {
		return fc.Series{Name: "job.completed", Labels: l, Times: hourly, Values: fc.V(values...)}
	}
	instant := func(l data.Labels, v float64) fc.Series {
		return fc.Series{Name: "job.completed", Labels: l, Values: fc.V(v)}
	}
	quarterHours := fc.Steps(base, 15*time.Minute, 12)
	emptyFrom := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

	return []queryCase{
		// metrics: time series (timeseries-multi), every group-by dimension
		{name: "metrics/count/by mode", query: metricsQuery("count", "timeseries", "mode"),
			expect: ts(completed(labels("mode", "genius"), 5, 0, 0), completed(labels("mode", "mechanic"), 2, 0, 1))},
		{name: "metrics/count/no group-by", query: metricsQuery("count", "timeseries"),
			expect: ts(completed(labels(), 7, 0, 1))},
		{name: "metrics/count/by agent (null agent labelled)", query: metricsQuery("count", "timeseries", "agent"),
			expect: ts(completed(labels("agent", "claude"), 3, 0, 0), completed(labels("agent", "codex"), 3, 0, 1), completed(labels("agent", "(none)"), 1, 0, 0))},
		{name: "metrics/count/by worker", query: metricsQuery("count", "timeseries", "worker"),
			expect: ts(completed(labels("worker", "worker-1"), 4, 0, 0), completed(labels("worker", "worker-2"), 3, 0, 1))},
		{name: "metrics/count/by mode and agent", query: metricsQuery("count", "timeseries", "mode", "agent"),
			expect: ts(
				completed(labels("mode", "genius", "agent", "claude"), 3, 0, 0),
				completed(labels("mode", "genius", "agent", "codex"), 1, 0, 0),
				completed(labels("mode", "genius", "agent", "(none)"), 1, 0, 0),
				completed(labels("mode", "mechanic", "agent", "codex"), 2, 0, 1))},
		{name: "metrics/rate/by mode", query: metricsQuery("rate", "timeseries", "mode"),
			expect: ts(completed(labels("mode", "genius"), 5/perHour, 0.0, 0.0), completed(labels("mode", "mechanic"), 2/perHour, 0.0, 1/perHour))},
		{name: "metrics/count/filter mode=genius by agent",
			query:  withFilters(metricsQuery("count", "timeseries", "agent"), map[string]any{"key": "mode", "operator": "=", "value": "genius"}),
			expect: ts(completed(labels("agent", "claude"), 3, 0, 0), completed(labels("agent", "codex"), 1, 0, 0), completed(labels("agent", "(none)"), 1, 0, 0))},
		{name: "metrics/count/filter worker in list",
			query:  withFilters(metricsQuery("count", "timeseries", "mode"), map[string]any{"key": "worker", "operator": "in", "value": []string{"worker-2"}}),
			expect: ts(completed(labels("mode", "genius"), 3, 0, 0), completed(labels("mode", "mechanic"), 0, 0, 1))},
		{name: "metrics/count/15 min buckets", query: metricsQuery("count", "timeseries", "mode"), interval: 15 * time.Minute,
			expect: fc.Expect{Kind: fc.TimeSeries, FrameType: data.FrameTypeTimeSeriesMulti, Range: &window, Step: 15 * time.Minute, Series: []fc.Series{
				{Name: "job.completed", Labels: labels("mode", "genius"), Times: quarterHours, Values: fc.V(2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)},
				{Name: "job.completed", Labels: labels("mode", "mechanic"), Times: quarterHours, Values: fc.V(0, 0, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0)},
			}}},
		{name: "metrics/count/legend template sets the display name", query: withField(metricsQuery("count", "timeseries", "mode"), "legend", "{{mode}} jobs"),
			expect: func() fc.Expect {
				e := ts(completed(labels("mode", "genius"), 5, 0, 0), completed(labels("mode", "mechanic"), 2, 0, 1))
				e.Extra = displayNames("genius jobs", "mechanic jobs")
				return e
			}()},
		{name: "metrics/count/no data in range", query: metricsQuery("count", "timeseries", "mode"), from: emptyFrom, to: emptyFrom.Add(3 * hour),
			expect: fc.Expect{Kind: fc.TimeSeries, FrameType: data.FrameTypeTimeSeriesMulti, NoData: true}},
		{name: "metrics/count/dashboard request headers", query: metricsQuery("count", "timeseries", "mode"), headers: grafanahost.BrowserHeaders(),
			expect: ts(completed(labels("mode", "genius"), 5, 0, 0), completed(labels("mode", "mechanic"), 2, 0, 1))},

		// daylight saving: hour buckets are hours of the time line (none repeated, none merged), day buckets are the
		// local calendar's days (the autumn Sunday lasts 25 hours)
		{name: "metrics/count/Europe-Berlin spring night, 1 h", query: inBerlin(metricsQuery("count", "timeseries")),
			from: springNight, to: springNight.Add(6 * hour),
			expect: dstExpect(springNight, 6, hour, fc.Steps(springNight, hour, 6), 0, 0, 3, 4, 0, 0)},
		{name: "metrics/count/Europe-Berlin autumn night, 1 h", query: inBerlin(metricsQuery("count", "timeseries")),
			from: autumnNight, to: autumnNight.Add(6 * hour),
			expect: dstExpect(autumnNight, 6, hour, fc.Steps(autumnNight, hour, 6), 0, 0, 7, 10, 1, 0)},
		{name: "metrics/count/Europe-Berlin autumn days, 1 d", query: inBerlin(metricsQuery("count", "timeseries")),
			from: autumnNight.Add(-24 * hour), to: autumnNight.Add(49 * hour), interval: 24 * hour,
			expect: dstExpect(autumnNight.Add(-24*hour), 73, 0,
				[]time.Time{autumnNight.Add(-24 * hour), autumnNight, autumnNight.Add(25 * hour)}, 0, 18, 0)},

		// metrics: instant values (numeric-multi), what alert rules and stat panels use
		{name: "metrics/instant count by mode", query: metricsQuery("count", "instant", "mode"),
			expect: num(instant(labels("mode", "genius"), 5), instant(labels("mode", "mechanic"), 3))},
		{name: "metrics/instant rate by mode", query: metricsQuery("rate", "instant", "mode"),
			expect: num(instant(labels("mode", "genius"), 5/perRange), instant(labels("mode", "mechanic"), 3/perRange))},
		{name: "metrics/instant count no group-by", query: metricsQuery("count", "instant"),
			expect: num(instant(labels(), 8))},
		{name: "metrics/instant no data in range", query: metricsQuery("count", "instant", "mode"), from: emptyFrom, to: emptyFrom.Add(3 * hour),
			expect: fc.Expect{Kind: fc.Numeric, FrameType: data.FrameTypeNumericMulti, NoData: true}},

		// alert rule evaluation: the same queries with ngalert's headers
		{name: "alerting/instant count by worker", query: metricsQuery("count", "instant", "worker"), headers: grafanahost.AlertingHeaders("rule-failures"),
			expect: num(instant(labels("worker", "worker-1"), 4), instant(labels("worker", "worker-2"), 4))},
		{name: "alerting/time series by mode", query: metricsQuery("count", "timeseries", "mode"), headers: grafanahost.AlertingHeaders("rule-throughput"),
			expect: ts(completed(labels("mode", "genius"), 5, 0, 0), completed(labels("mode", "mechanic"), 2, 0, 1))},

		// metrics: table format (long: time, dimensions, value)
		{name: "metrics/table by mode", query: metricsQuery("count", "table", "mode"),
			expect: fc.Expect{Kind: fc.Table, Range: &window, Table: &fc.TableExpect{
				Columns: []fc.Column{{Name: "time", Type: "time"}, {Name: "mode", Type: "string"}, {Name: "job.completed", Type: "number"}},
				Rows: [][]any{
					{t0, "genius", 5}, {t1, "genius", 0}, {t2, "genius", 0},
					{t0, "mechanic", 2}, {t1, "mechanic", 0}, {t2, "mechanic", 1},
				},
			}}},

		// logs (Explore): log-lines frames
		{name: "logs/all events in range", query: map[string]any{"queryType": "logs"},
			expect: fc.Expect{Kind: fc.Logs, Range: &window, MinRows: 1, Extra: atMostRows(inWindowTotal())}},
		{name: "logs/filter kind=job.completed",
			query:  map[string]any{"queryType": "logs", "filters": []any{map[string]any{"key": "kind", "operator": "=", "value": "job.completed"}}},
			expect: fc.Expect{Kind: fc.Logs, Range: &window, Rows: intp(inWindowByKind["job.completed"])}},
		{name: "logs/limit", query: map[string]any{"queryType": "logs", "limit": 3},
			expect: fc.Expect{Kind: fc.Logs, Range: &window, Rows: intp(3)}},
		{name: "logs/search", query: map[string]any{"queryType": "logs", "search": "read_file"},
			expect: fc.Expect{Kind: fc.Logs, Range: &window, MinRows: 1, Extra: atMostRows(inWindowTotal() - 1)}},

		// jobs listing (table panels): one row per job of the jobs state table, empty values as nulls
		{name: "jobs/over a minute, slowest first", query: map[string]any{"queryType": "jobs", "sortBy": "duration_ms",
			"jobConditions": []any{map[string]any{"field": "duration_ms", "operator": ">=", "value": 60_000}}},
			expect: fc.Expect{Kind: fc.Table, Table: &fc.TableExpect{Columns: jobColumns(), Rows: completedJobRows(), Ordered: true}}},
		{name: "jobs/failed, values it never had are empty", query: map[string]any{"queryType": "jobs",
			"filters": []any{map[string]any{"key": "status", "operator": "=", "value": "failed"}}},
			expect: fc.Expect{Kind: fc.Table, Table: &fc.TableExpect{Columns: jobColumns(), Rows: [][]any{
				{"job-9", "failed", "mechanic", "codex", "worker-2", "timeout", at(140 * time.Minute), nil, failedAt, nil, nil, 0, nil, nil, 0, 0, nil},
			}}}},

		// traces (Explore trace view)
		{name: "traces/by trace id", query: map[string]any{"queryType": "traces", "traceId": traceID},
			expect: traceExpect()},
		{name: "traces/by job id", query: map[string]any{"queryType": "traces", "traceId": "job-0"},
			expect: traceExpect()},

		// raw SQL with Grafana's macros
		{name: "sql/table",
			query: map[string]any{"queryType": "sql", "sqlFormat": "table", "rawSql": "SELECT kind, count(*) AS n FROM ledger_events WHERE $__timeFilter(occurred_at) GROUP BY kind ORDER BY kind"},
			expect: fc.Expect{Kind: fc.Table, Table: &fc.TableExpect{
				Columns: []fc.Column{{Name: "kind", Type: "string"}, {Name: "n", Type: "number"}},
				Rows:    kindRows(), Ordered: true,
			}}},
		{name: "sql/nulls, NaN and infinities",
			query: map[string]any{"queryType": "sql", "sqlFormat": "table", "rawSql": "SELECT 1 AS id, NULL::float8 AS missing, 'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, '-Infinity'::float8 AS neginf, 2.5::float8 AS x"},
			expect: fc.Expect{Kind: fc.Table, Table: &fc.TableExpect{
				Columns: []fc.Column{{Name: "id", Type: "number"}, {Name: "missing", Type: "number"}, {Name: "nan", Type: "number"}, {Name: "inf", Type: "number"}, {Name: "neginf", Type: "number"}, {Name: "x", Type: "number"}},
				Rows:    [][]any{{1, nil, math.NaN(), math.Inf(1), math.Inf(-1), 2.5}},
			}}},
		{name: "sql/time series",
			query: map[string]any{"queryType": "sql", "sqlFormat": "timeseries",
				"rawSql": "SELECT $__timeGroup(occurred_at, '1h') AS time, mode, count(*)::float8 AS completed FROM ledger_events WHERE kind = 'job.completed' AND $__timeFilter(occurred_at) GROUP BY 1, 2 ORDER BY 1"},
			expect: fc.Expect{Kind: fc.TimeSeries, Range: &window, Series: []fc.Series{
				{Labels: labels("mode", "genius"), Times: []time.Time{t0}, Values: fc.V(5)},
				{Labels: labels("mode", "mechanic"), Times: []time.Time{t0, t2}, Values: fc.V(2, 1)},
			}}},

		// template variables and annotations
		{name: "variables/mode values in range", query: map[string]any{"queryType": "variables", "dimension": "mode"},
			expect: fc.Expect{Kind: fc.Variables, Values: []string{"genius", "mechanic"}}},
		{name: "annotations/escalations and failures", query: map[string]any{"queryType": "annotations", "annotationSources": []string{"escalation", "job.failed"}},
			expect: fc.Expect{Kind: fc.Annotations, Range: &window, Times: []time.Time{escalationAt, failedAt}}},
	}
}

// jobColumns: the jobs listing's fields (docs/queries.md, "Jobs").
func jobColumns() []fc.Column {
	columns := []fc.Column{}
	for _, name := range []string{"job", "status", "mode", "agent", "worker", "error_type"} {
		columns = append(columns, fc.Column{Name: name, Type: "string"})
	}
	for _, name := range []string{"created", "claimed", "finished"} {
		columns = append(columns, fc.Column{Name: name, Type: "time"})
	}
	for _, name := range []string{"duration_ms", "queue_ms", "tokens_used", "token_cap", "token_cap_used", "cost_usd", "attempts"} {
		columns = append(columns, fc.Column{Name: name, Type: "number"})
	}
	return append(columns, fc.Column{Name: "trace_id", Type: "string"})
}

// completedJobRows: the completions of the window, all 60 s long, so ties sort by job id (descending as the sort).
// Only job-0 was created, claimed and traced; the others are known from their completion alone.
func completedJobRows() [][]any {
	var rows [][]any
	for i := len(completions) - 1; i >= 0; i-- {
		c := completions[i]
		var agent any
		if c.agent != "" {
			agent = c.agent
		}
		// created: the job's earliest event (job-5's escalation comes after its completion)
		row := []any{c.job, "completed", c.mode, agent, c.worker, nil, at(c.at), nil, at(c.at), 60_000, nil, 0, nil, nil, 0, 0, nil}
		if c.job == "job-0" {
			row = []any{"job-0", "completed", "genius", "claude", "worker-1", nil, at(time.Minute), at(2 * time.Minute), at(5 * time.Minute), 60_000, 60_000, 1250, nil, nil, 0.0125, 1, traceID}
		}
		rows = append(rows, row)
	}
	return rows
}

func metricsQuery(aggregation, format string, groupBy ...string) map[string]any {
	if groupBy == nil {
		groupBy = []string{}
	}
	return map[string]any{"queryType": "metrics", "metric": "job.completed", "aggregation": aggregation, "format": format, "groupBy": groupBy}
}

func inBerlin(q map[string]any) map[string]any { return withField(q, "timezone", "Europe/Berlin") }

// dstExpect: one job.completed series over [from, from+hours) with these bucket starts and values; step 0 when the
// buckets are not all equally long.
func dstExpect(from time.Time, hours int, step time.Duration, times []time.Time, values ...any) fc.Expect {
	r := backend.TimeRange{From: from, To: from.Add(time.Duration(hours) * time.Hour)}
	return fc.Expect{Kind: fc.TimeSeries, FrameType: data.FrameTypeTimeSeriesMulti, Range: &r, Step: step,
		Series: []fc.Series{{Name: "job.completed", Labels: labels(), Times: times, Values: fc.V(values...)}}}
}

func withFilters(q map[string]any, filters ...map[string]any) map[string]any {
	q["filters"] = filters
	return q
}

func withField(q map[string]any, key string, value any) map[string]any {
	q[key] = value
	return q
}

func kindRows() [][]any {
	kinds := []string{"agent.loop", "budget.exceeded", "conversation.message", "error", "escalation", "insight", "job.claimed", "job.completed", "job.created", "job.failed", "llm.call", "tool.call", "worker.heartbeat"}
	rows := make([][]any, len(kinds))
	for i, k := range kinds {
		rows[i] = []any{k, inWindowByKind[k]}
	}
	return rows
}

// traceExpect: the seed's "Trace Context" (process-job → agent-loop → llm-call / tool-execution). A span event's
// occurred_at is the span's end, so each span starts duration_ms earlier.
func traceExpect() fc.Expect {
	return fc.Expect{Kind: fc.Trace, Trace: &fc.TraceExpect{TraceID: traceID, RootOperation: "process-job", Spans: []fc.Span{
		{SpanID: jobSpan, OperationName: "process-job"},
		{SpanID: loopSpan, ParentSpanID: jobSpan, ParentIsRoot: true, OperationName: "agent-loop", Start: loopEnd.Add(-90 * time.Second), Duration: 90 * time.Second},
		{SpanID: llmSpan, ParentSpanID: loopSpan, OperationName: "llm-call", Start: llmAt.Add(-1200 * time.Millisecond), Duration: 1200 * time.Millisecond},
		{SpanID: toolSpan, ParentSpanID: loopSpan, OperationName: "tool-execution", Start: toolAt.Add(-35 * time.Millisecond), Duration: 35 * time.Millisecond},
	}}}
}

func atMostRows(n int) func(data.Frames) error {
	return func(frames data.Frames) error {
		rows := 0
		for _, f := range frames {
			rows += f.Rows()
		}
		if rows > n {
			return fmt.Errorf("%d rows, but only %d events match", rows, n)
		}
		return nil
	}
}

// displayNames checks the series display names (field config displayNameFromDS) the legend template produced.
func displayNames(want ...string) func(data.Frames) error {
	return func(frames data.Frames) error {
		var got []string
		for _, f := range frames {
			for _, field := range f.Fields {
				if field.Type().Numeric() {
					if field.Config == nil || field.Config.DisplayNameFromDS == "" {
						return fmt.Errorf("value field %q %s has no displayNameFromDS", field.Name, field.Labels)
					}
					got = append(got, field.Config.DisplayNameFromDS)
				}
			}
		}
		if strings.Join(sorted(got), "|") != strings.Join(sorted(want), "|") {
			return fmt.Errorf("display names %q, want %q", got, want)
		}
		return nil
	}
}

// runQueries sends one QueryData request and decodes it as Grafana does; a whole-call failure or an undecodable
// response fails the test.
func runQueries(t *testing.T, p *grafanahost.Plugin, req *backend.QueryDataRequest) *backend.QueryDataResponse {
	t.Helper()
	refIDs := make([]string, len(req.Queries))
	for i, q := range req.Queries {
		refIDs[i] = q.RefID
	}
	ctx := ctxFor(t, 60*time.Second)
	protoResp, err := p.QueryData(ctx, req)
	if err != nil {
		t.Fatalf("QueryData failed as a whole (Grafana fails every query of the request): %v", err)
	}
	resp, err := fc.Decode(protoResp, refIDs...)
	if err != nil {
		t.Fatalf("response Grafana cannot take: %v", err)
	}
	return resp
}

func TestQueryData(t *testing.T) { checkQueryData(t, plugin(t)) }

// checkQueryData runs the QueryData table against plugin p (also run in the root without glibc).
func checkQueryData(t *testing.T, p *grafanahost.Plugin) {
	ds := datasource(t)
	for _, tc := range queryCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := grafanahost.Query{RefID: "A", Model: tc.query, From: tc.from, To: tc.to, Interval: tc.interval, MaxDataPoints: 1000}
			if q.From.IsZero() {
				q.From, q.To = window.From, window.To
			}
			if q.Interval == 0 {
				q.Interval = hour
			}
			resp := runQueries(t, p, ds.QueryDataRequest(tc.headers, q))
			res := resp.Responses["A"]
			if err := fc.Check(res, "A", tc.expect); err != nil {
				t.Errorf("%v\nquery: %s", err, mustJSON(tc.query))
			}
		})
	}
}

// TestQueryTypesCovered keeps the table honest: every query type of the contract (src/contract/query.ts) has rows.
func TestQueryTypesCovered(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot, "src", "contract", "query.ts"))
	if err != nil {
		t.Fatalf("reading the query contract: %v", err)
	}
	m := regexp.MustCompile(`QUERY_TYPES\s*=\s*\[([^\]]*)\]`).FindSubmatch(src)
	if m == nil {
		t.Fatal("QUERY_TYPES not found in src/contract/query.ts")
	}
	covered := map[string]bool{}
	for _, tc := range queryCases() {
		if qt, ok := tc.query["queryType"].(string); ok {
			covered[qt] = true
		}
	}
	for _, qt := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(m[1], -1) {
		if !covered[string(qt[1])] {
			t.Errorf("query type %q has no row in the conformance QueryData table (query_test.go)", qt[1])
		}
	}
}

// TestQueryErrors: every bad query fails alone, with a status, an error source and a message a user can act on,
// next to a good query that still succeeds.
func TestQueryErrors(t *testing.T) {
	p := plugin(t)
	ds := datasource(t)
	good := grafanahost.Query{RefID: "OK", Model: metricsQuery("count", "instant", "mode"), From: window.From, To: window.To, Interval: hour}
	bad := func(refID string, model map[string]any) grafanahost.Query {
		return grafanahost.Query{RefID: refID, Model: model, From: window.From, To: window.To, Interval: hour}
	}
	inverted := bad("INVERTED", metricsQuery("count", "timeseries"))
	inverted.From, inverted.To = window.To, window.From
	req := ds.QueryDataRequest(nil,
		good,
		bad("UNKNOWN_METRIC", map[string]any{"queryType": "metrics", "metric": "no.such.metric"}),
		bad("BAD_AGGREGATION", map[string]any{"queryType": "metrics", "metric": "job.completed", "aggregation": "p95"}),
		bad("BAD_DIMENSION", metricsQuery("count", "timeseries", "tool")),
		bad("UNKNOWN_TYPE", map[string]any{"queryType": "no-such-type"}),
		bad("NOT_JSON", nil),
		inverted,
	)
	for i := range req.Queries {
		if req.Queries[i].RefID == "NOT_JSON" {
			req.Queries[i].JSON = []byte(`{"queryType": "metrics", not json`)
		}
	}
	resp := runQueries(t, p, req)

	if err := fc.Check(resp.Responses["OK"], "OK", fc.Expect{Kind: fc.Numeric, Series: []fc.Series{
		{Labels: labels("mode", "genius"), Values: fc.V(5)}, {Labels: labels("mode", "mechanic"), Values: fc.V(3)},
	}}); err != nil {
		t.Errorf("the good query next to bad ones: %v", err)
	}
	userError := func(contains ...string) fc.ErrorExpect {
		return fc.ErrorExpect{Status: backend.StatusBadRequest, Source: backend.ErrorSourceDownstream, Contains: contains}
	}
	for refID, exp := range map[string]fc.ErrorExpect{
		"UNKNOWN_METRIC":  userError(`unknown metric "no.such.metric"`),
		"BAD_AGGREGATION": userError("p95"),
		"BAD_DIMENSION":   userError(`"tool"`),
		"UNKNOWN_TYPE":    userError("queryType"),
		"NOT_JSON":        userError("not valid JSON"),
		"INVERTED":        userError("time range"),
	} {
		if err := fc.CheckError(resp.Responses[refID], exp); err != nil {
			t.Errorf("%s: %v", refID, err)
		}
	}
}

// TestQueryDatabaseErrors: a datasource that cannot reach its database fails each query with a downstream error
// that says why, and never shows the password.
func TestQueryDatabaseErrors(t *testing.T) {
	p := plugin(t)
	ds := datasource(t)
	closed := closedPort(t)

	unreachable := ds
	unreachable.UID, unreachable.Port = "ledger-query-unreachable", closed
	wrongPassword := ds
	wrongPassword.UID, wrongPassword.Password = "ledger-query-bad-password", "definitely-not-the-password"
	badSettings := ds
	badSettings.UID, badSettings.JSONData = "ledger-query-bad-settings", map[string]any{"maxOpenConns": "lots"}

	cases := []struct {
		name string
		ds   grafanahost.Datasource
		exp  fc.ErrorExpect
	}{
		{"unreachable", unreachable, fc.ErrorExpect{Source: backend.ErrorSourceDownstream, Contains: []string{fmt.Sprintf("127.0.0.1:%d", closed)}, NotContains: []string{ds.Password}}},
		{"wrong password", wrongPassword, fc.ErrorExpect{Source: backend.ErrorSourceDownstream, Contains: []string{"authentication failed"}, NotContains: []string{"definitely-not-the-password"}}},
		{"invalid settings", badSettings, fc.ErrorExpect{Status: backend.StatusBadRequest, Source: backend.ErrorSourceDownstream, Contains: []string{"maxOpenConns"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			began := time.Now()
			resp := runQueries(t, p, tc.ds.QueryDataRequest(nil,
				grafanahost.Query{RefID: "A", Model: metricsQuery("count", "timeseries", "mode"), From: window.From, To: window.To, Interval: hour},
				grafanahost.Query{RefID: "B", Model: metricsQuery("count", "instant"), From: window.From, To: window.To, Interval: hour},
			))
			for _, refID := range []string{"A", "B"} {
				res := resp.Responses[refID]
				if err := fc.CheckError(res, tc.exp); err != nil {
					t.Errorf("%s: %v", refID, err)
				} else {
					t.Logf("%s: status %d, %s: %v", refID, res.Status, res.ErrorSource, res.Error)
				}
			}
			if took := time.Since(began); took > 10*time.Second {
				t.Errorf("took %s; a dead database must fail the panel quickly", took)
			}
		})
	}
}

// TestQueryDataCatalog runs every metric of the catalog the backend serves (resource "metrics") with each of its
// aggregations in each format it declares, and grouped by each of its dimensions, and holds every answer to the
// contract of its format. It grows with the catalog without anyone editing this file.
func TestQueryDataCatalog(t *testing.T) {
	p := plugin(t)
	ds := datasource(t)
	catalog := metricsCatalog(t, p, ds)
	type sweep struct {
		name  string
		model map[string]any
		kind  fc.Kind
	}
	kindOf := map[string]fc.Kind{"timeseries": fc.TimeSeries, "instant": fc.Numeric, "table": fc.Table}
	var all []sweep
	for _, m := range catalog {
		formats := m.Formats
		if len(formats) == 0 {
			formats = []string{"timeseries", "instant", "table"}
		}
		for _, agg := range m.Aggregations {
			for _, format := range formats {
				all = append(all, sweep{fmt.Sprintf("%s/%s/%s", m.ID, agg, format),
					map[string]any{"queryType": "metrics", "metric": m.ID, "aggregation": agg, "format": format, "groupBy": []string{}}, kindOf[format]})
			}
		}
		for _, dim := range m.Dimensions {
			for _, format := range formats {
				if format == "table" {
					continue
				}
				all = append(all, sweep{fmt.Sprintf("%s/%s/%s/by %s", m.ID, m.DefaultAggregation, format, dim),
					map[string]any{"queryType": "metrics", "metric": m.ID, "aggregation": m.DefaultAggregation, "format": format, "groupBy": []string{dim}}, kindOf[format]})
			}
		}
	}
	t.Logf("%d metrics, %d queries", len(catalog), len(all))
	const batch = 40 // queries per QueryData request, like a busy dashboard
	for start := 0; start < len(all); start += batch {
		chunk := all[start:min(start+batch, len(all))]
		queries := make([]grafanahost.Query, len(chunk))
		for i, s := range chunk {
			queries[i] = grafanahost.Query{RefID: fmt.Sprintf("Q%d", start+i), Model: s.model, From: window.From, To: window.To, Interval: 10 * time.Minute, MaxDataPoints: 1000}
		}
		resp := runQueries(t, p, ds.QueryDataRequest(nil, queries...))
		for i, s := range chunk {
			refID := queries[i].RefID
			t.Run(s.name, func(t *testing.T) {
				res := resp.Responses[refID]
				if err := fc.Check(res, refID, fc.Expect{Kind: s.kind, Range: &window, EitherData: true}); err != nil {
					t.Errorf("%v\nquery: %s", err, mustJSON(s.model))
				}
			})
		}
	}
}

type catalogMetric struct {
	ID                 string   `json:"id"`
	Aggregations       []string `json:"aggregations"`
	DefaultAggregation string   `json:"defaultAggregation"`
	Dimensions         []string `json:"dimensions"`
	// Formats the metric supports; "now" metrics have no time series. All three when absent.
	Formats []string `json:"formats"`
}

func metricsCatalog(t *testing.T, p *grafanahost.Plugin, ds grafanahost.Datasource) []catalogMetric {
	t.Helper()
	res, err := p.CallResource(ctxFor(t, 10*time.Second), &backend.CallResourceRequest{PluginContext: ds.PluginContext(), Path: "metrics", Method: "GET", URL: "metrics"})
	if err != nil || res.Status != 200 {
		t.Fatalf("GET resources/metrics: %v (status %v)", err, res)
	}
	var body struct {
		Metrics []catalogMetric `json:"metrics"`
	}
	if err := json.Unmarshal(res.Body, &body); err != nil || len(body.Metrics) == 0 {
		t.Fatalf("metrics catalog: %v: %s", err, res.Body)
	}
	return body.Metrics
}

func closedPort(t *testing.T) int {
	t.Helper()
	port, err := ledgerdb.ClosedPort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

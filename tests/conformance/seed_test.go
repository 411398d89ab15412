package conformance

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	db "github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/ledgerdb"
)

// The seeded ledger. Every expectation in the QueryData table is derived from these rows by hand, so a wrong
// number in a response is a wrong number, not a snapshot that drifted.

// base is the start of the query window the tables use: 2026-11-20T00:00:00Z, three hours long.
var base = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

var window = backend.TimeRange{From: base, To: base.Add(3 * time.Hour)}

func at(d time.Duration) time.Time { return base.Add(d) }

type completion struct {
	job, mode, agent, worker string
	at                       time.Duration
}

// Eight completions inside the window: five genius jobs and two mechanic jobs in the first hour, one mechanic job in
// the third. job-4 has no agent (its label is "(none)").
var completions = []completion{
	{"job-0", "genius", "claude", "worker-1", 5 * time.Minute},
	{"job-1", "genius", "claude", "worker-1", 10 * time.Minute},
	{"job-2", "genius", "claude", "worker-2", 15 * time.Minute},
	{"job-3", "genius", "codex", "worker-2", 20 * time.Minute},
	{"job-4", "genius", "", "worker-2", 25 * time.Minute},
	{"job-5", "mechanic", "codex", "worker-1", 30 * time.Minute},
	{"job-6", "mechanic", "codex", "worker-1", 40 * time.Minute},
	{"job-7", "mechanic", "codex", "worker-2", 2*time.Hour + time.Minute},
}

// Outside the window: they must never be counted (and "reviewer" must never be offered as a mode value).
var outsideCompletions = []completion{
	{"job-8", "genius", "claude", "worker-1", -30 * time.Minute},
	{"job-10", "reviewer", "claude", "worker-3", 3*time.Hour + 30*time.Minute},
}

// Daylight-saving nights in Europe/Berlin, far outside the window. Spring 2026-03-29: 02:00 CET jumps to 03:00 CEST
// at 01:00Z, so local 02:xx never happens. Autumn 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00Z, so local
// 02:xx happens twice, at 00:xxZ and again at 01:xxZ.
var (
	springNight = time.Date(2026, 3, 28, 22, 0, 0, 0, time.UTC)  // local midnight, CET
	autumnNight = time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC) // local midnight, CEST
)

// dstCompletions are the completions of those nights: 3 at 01:xx CET and 4 at 03:xx CEST in spring; 7 in the
// first 02:xx (CEST), 10 in the second (CET) and 1 at 03:30 CET in autumn.
func dstCompletions() []time.Time {
	var out []time.Time
	add := func(start time.Time, n int) {
		for i := 0; i < n; i++ {
			out = append(out, start.Add(time.Duration(i*5+2)*time.Minute))
		}
	}
	add(springNight.Add(2*time.Hour), 3)
	add(springNight.Add(3*time.Hour), 4)
	add(autumnNight.Add(2*time.Hour), 7)
	add(autumnNight.Add(3*time.Hour), 10)
	add(autumnNight.Add(4*time.Hour+30*time.Minute), 1)
	return out
}

// The trace of job-0 (docs/ledger.md): the job span named by job.claimed → agent loop → one LLM call and one tool
// call.
const (
	traceID  = "trace-job-0"
	jobSpan  = "span-job-0"
	loopSpan = "span-loop-0"
	llmSpan  = "span-llm-0"
	toolSpan = "span-tool-0"
)

var (
	loopEnd      = at(4 * time.Minute) // the loop ran 90 s, inside the attempt (claimed at +2 min, completed at +5 min)
	llmAt        = at(3 * time.Minute)
	toolAt       = at(3*time.Minute + 10*time.Second)
	escalationAt = at(90 * time.Minute)
	failedAt     = at(150 * time.Minute)
)

// inWindowByKind counts the seeded events inside the window per kind.
var inWindowByKind = map[string]int{
	"job.completed": 8, "job.created": 1, "job.claimed": 1, "agent.loop": 1, "llm.call": 1, "tool.call": 1,
	"conversation.message": 1, "worker.heartbeat": 1, "escalation": 1, "job.failed": 1, "error": 1,
	"budget.exceeded": 1, "insight": 1,
}

func inWindowTotal() int {
	n := 0
	for _, c := range inWindowByKind {
		n += c
	}
	return n
}

func seedEvents() []db.Event {
	var events []db.Event
	for _, c := range append(append([]completion(nil), completions...), outsideCompletions...) {
		e := db.Event{OccurredAt: at(c.at), Kind: "job.completed", JobID: db.S(c.job), WorkerID: db.S(c.worker), Mode: db.S(c.mode), DurationMs: db.F(60_000), Status: db.S("completed")}
		if c.agent != "" {
			e.Agent = db.S(c.agent)
		}
		events = append(events, e)
	}
	for i, t := range dstCompletions() {
		events = append(events, db.Event{OccurredAt: t, Kind: "job.completed", JobID: db.S(fmt.Sprintf("dst-%d", i)), Mode: db.S("genius"), DurationMs: db.F(60_000), Status: db.S("completed")})
	}
	// job-0 is traced the way a worker writes it: every event of the attempt carries the trace id, and a span
	// event's occurred_at is the END of the span (docs/ledger.md), its duration_ms the length.
	job0 := func(e db.Event) db.Event {
		e.JobID, e.Mode, e.Agent, e.WorkerID, e.TraceID = db.S("job-0"), db.S("genius"), db.S("claude"), db.S("worker-1"), db.S(traceID)
		return e
	}
	for i := range events {
		if *events[i].JobID == "job-0" {
			events[i].TraceID = db.S(traceID)
		}
	}
	events = append(events,
		job0(db.Event{OccurredAt: at(time.Minute), Kind: "job.created"}),
		job0(db.Event{OccurredAt: at(2 * time.Minute), Kind: "job.claimed", SpanID: db.S(jobSpan)}),
		job0(db.Event{OccurredAt: loopEnd, Kind: "agent.loop", SpanID: db.S(loopSpan), ParentSpanID: db.S(jobSpan), Name: db.S("agent-loop"), DurationMs: db.F(90_000)}),
		job0(db.Event{OccurredAt: llmAt, Kind: "llm.call", SpanID: db.S(llmSpan), ParentSpanID: db.S(loopSpan), Name: db.S("claude-sonnet-4"), DurationMs: db.F(1200), TokensIn: db.I(1000), TokensOut: db.I(250), CostUSD: db.F(0.0125), Status: db.S("ok")}),
		job0(db.Event{OccurredAt: toolAt, Kind: "tool.call", SpanID: db.S(toolSpan), ParentSpanID: db.S(loopSpan), Name: db.S("read_file"), DurationMs: db.F(35), Status: db.S("ok"), Payload: map[string]any{"path": "src/main.go"}}),
		job0(db.Event{OccurredAt: at(3*time.Minute + 20*time.Second), Kind: "conversation.message", ConversationID: db.S("conv-0"), Name: db.S("assistant"), Payload: map[string]any{"text": "Patched the failing test."}}),
		db.Event{OccurredAt: at(4 * time.Minute), Kind: "worker.heartbeat", WorkerID: db.S("worker-1")},
		db.Event{OccurredAt: escalationAt, Kind: "escalation", JobID: db.S("job-5"), Mode: db.S("mechanic"), Agent: db.S("codex"), Name: db.S("needs_review"), Payload: map[string]any{"reason": "tests keep failing"}},
		db.Event{OccurredAt: at(140 * time.Minute), Kind: "budget.exceeded", JobID: db.S("job-9"), Mode: db.S("mechanic"), Value: db.F(50_000)},
		db.Event{OccurredAt: at(149 * time.Minute), Kind: "error", JobID: db.S("job-9"), Mode: db.S("mechanic"), WorkerID: db.S("worker-2"), Name: db.S("ECONNRESET")},
		db.Event{OccurredAt: failedAt, Kind: "job.failed", JobID: db.S("job-9"), Mode: db.S("mechanic"), WorkerID: db.S("worker-2"), Agent: db.S("codex"), Name: db.S("timeout"), Status: db.S("failed")},
		db.Event{OccurredAt: at(160 * time.Minute), Kind: "insight", Name: db.S("flaky-test"), Value: db.F(0.8)},
	)
	return events
}

package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	fc "github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/framecheck"
	"github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/grafanahost"
	db "github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/ledgerdb"
)

// TestStreamRefusals holds today and later: channels the plugin does not know are NOT_FOUND, and clients may not
// publish into the ledger through Grafana Live.
func TestStreamRefusals(t *testing.T) {
	p := plugin(t)
	ds := datasource(t)
	ctx := ctxFor(t, 10*time.Second)
	sub, err := p.SubscribeStream(ctx, &backend.SubscribeStreamRequest{PluginContext: ds.PluginContext(), Path: "no/such/channel"})
	if err != nil {
		t.Fatalf("SubscribeStream: %v", err)
	}
	if sub.Status != backend.SubscribeStreamStatusNotFound {
		t.Errorf("SubscribeStream to an unknown path: %d, want NOT_FOUND (1)", sub.Status)
	}
	pub, err := p.PublishStream(ctx, &backend.PublishStreamRequest{PluginContext: ds.PluginContext(), Path: "no/such/channel", Data: json.RawMessage(`{"x":1}`)})
	if err != nil {
		t.Fatalf("PublishStream: %v", err)
	}
	if pub.Status != backend.PublishStreamStatusPermissionDenied {
		t.Errorf("PublishStream: %d, want PERMISSION_DENIED (2)", pub.Status)
	}
}

// TestStreaming follows Grafana Live for each kind of live query (a metrics panel and the Explore logs tail):
// QueryData returns a frame whose meta.channel is ds/<uid>/<path>; Grafana calls SubscribeStream(path), then
// RunStream(path), and publishes each packet's JSON to the browser, where StreamingDataFrame replaces its schema when
// a packet has one and appends `data` otherwise. A kind is skipped while its live query returns no channel.
func TestStreaming(t *testing.T) { checkStreaming(t, plugin(t)) }

// checkStreaming runs TestStreaming against plugin p (also run in the root without glibc).
func checkStreaming(t *testing.T, p *grafanahost.Plugin) {
	ds := datasource(t)
	l := seededLedger(t)
	// Rows inserted here are told apart by a marker, so one subtest never sees another's row.
	marker := fmt.Sprintf("live-%d", time.Now().UnixNano())
	cases := []struct {
		name  string
		model map[string]any
	}{
		{"metrics panel", map[string]any{"queryType": "metrics", "metric": "job.completed", "aggregation": "count", "format": "timeseries",
			"groupBy": []string{"mode"}, "filters": []any{map[string]any{"key": "agent", "operator": "=", "value": marker + "-metrics"}}, "live": true}},
		{"logs tail", map[string]any{"queryType": "logs", "live": true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			streamOne(t, p, ds, l.URL, tc.model, marker+"-"+strings.Fields(tc.name)[0])
		})
	}
}

func streamOne(t *testing.T, p *grafanahost.Plugin, ds grafanahost.Datasource, ledgerURL string, model map[string]any, marker string) {
	now := time.Now().UTC()
	resp := runQueries(t, p, ds.QueryDataRequest(grafanahost.BrowserHeaders(), grafanahost.Query{RefID: "A", Model: model, From: now.Add(-time.Hour), To: now, Interval: time.Minute, MaxDataPoints: 1000}))
	res := resp.Responses["A"]
	var channel string
	if res.Error == nil {
		for _, f := range res.Frames {
			if f.Meta != nil && f.Meta.Channel != "" {
				channel = f.Meta.Channel
				break
			}
		}
	}
	if channel == "" {
		t.Fatalf("the live %s query answered without a meta.channel frame (error: %v): Grafana would never subscribe", model["queryType"], res.Error)
	}
	t.Logf("channel %s for %s", channel, mustJSON(model))

	prefix := "ds/" + ds.UID + "/"
	if !strings.HasPrefix(channel, prefix) || len(channel) == len(prefix) {
		t.Fatalf("meta.channel %q: want %s<path>", channel, prefix)
	}
	path := strings.TrimPrefix(channel, prefix)

	// The frontend subscribes with the address only (no data), so the path alone must identify the stream.
	ctx := ctxFor(t, 60*time.Second)
	sub, err := p.SubscribeStream(ctx, &backend.SubscribeStreamRequest{PluginContext: ds.PluginContext(), Path: path})
	if err != nil {
		t.Fatalf("SubscribeStream: %v", err)
	}
	if sub.Status != backend.SubscribeStreamStatusOK {
		t.Fatalf("SubscribeStream(%q): %d, want OK (0)", path, sub.Status)
	}
	live := &liveFrame{}
	if sub.InitialData != nil && len(sub.InitialData.Data()) > 0 {
		if err := live.push(sub.InitialData.Data()); err != nil {
			t.Fatalf("SubscribeStream initial data: %v", err)
		}
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	packets := make(chan []byte, 100)
	runErr := make(chan error, 1)
	go func() {
		runErr <- p.RunStream(runCtx, &backend.RunStreamRequest{PluginContext: ds.PluginContext(), Path: path}, func(b []byte) error {
			packets <- append([]byte(nil), b...)
			return nil
		})
	}()

	// Let the stream start (it may send its first packet at once), then append a row the way a worker would.
	initial := drain(packets, time.Second)
	for _, b := range initial {
		if err := live.push(b); err != nil {
			t.Fatalf("packet before the insert: %v", err)
		}
	}
	if live.carries(marker, time.Now().Add(-time.Minute)) {
		t.Fatalf("the stream shows the marker %q before it was inserted", marker)
	}
	insertedAt := time.Now().UTC()
	row := db.Event{OccurredAt: insertedAt, Kind: "job.completed", JobID: db.S(marker), Mode: db.S("genius"), Agent: db.S(marker), WorkerID: db.S("worker-1")}
	if err := db.Insert(ctx, ledgerURL, []db.Event{row}); err != nil {
		t.Fatalf("insert: %v", err)
	}
	deadline := time.After(15 * time.Second)
	got := 0
wait:
	for {
		select {
		case b := <-packets:
			got++
			if err := live.push(b); err != nil {
				t.Fatalf("packet %d after the insert: %v", got, err)
			}
			if live.carries(marker, insertedAt.Add(-time.Minute)) {
				t.Logf("the inserted row arrived %s after the insert, in packet %d after it (%d before); packet: %.300s", time.Since(insertedAt).Round(time.Millisecond), got, len(initial), b)
				break wait
			}
		case err := <-runErr:
			t.Fatalf("RunStream ended before the new row arrived: %v", err)
		case <-deadline:
			t.Fatalf("no packet carried the row inserted at %s within 15 s (%d packets after the insert, %d before)", insertedAt.Format(time.RFC3339Nano), got, len(initial))
		}
	}
	if f := live.frame; f != nil {
		if err := fc.CheckJSON(f); err != nil {
			t.Errorf("the streamed frame: %v", err)
		}
		// A streamed frame that claims a data plane type must be one.
		var kind fc.Kind
		switch {
		case f.Meta == nil:
		case f.Meta.Type.IsTimeSeries():
			kind = fc.TimeSeries
		case f.Meta.Type.IsNumeric():
			kind = fc.Numeric
		case f.Meta.Type == data.FrameTypeLogLines:
			kind = fc.Logs
		}
		if kind != "" {
			res := backend.DataResponse{Status: backend.StatusOK, Frames: data.Frames{f}}
			if err := fc.Check(res, f.RefID, fc.Expect{Kind: kind, EitherData: true}); err != nil {
				t.Errorf("the streamed frame says it is %s: %v", f.Meta.Type, err)
			}
		}
	}

	// Grafana cancels RunStream when the last subscriber leaves.
	stop()
	select {
	case err := <-runErr:
		if err != nil && !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "Canceled") {
			t.Errorf("RunStream ended with %v after cancellation", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("RunStream did not end within 5 s of cancellation")
	}
}

// liveFrame mimics the browser's StreamingDataFrame for what the test needs.
type liveFrame struct {
	mu    sync.Mutex
	frame *data.Frame
}

func (lf *liveFrame) push(b []byte) error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("a stream packet is published to the browser as-is and must be frame JSON: %w: %.300s", err, b)
	}
	if _, ok := doc["schema"]; ok {
		var f data.Frame
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("frame JSON with a schema does not read as a frame: %w: %.300s", err, b)
		}
		lf.frame = &f
	} else if _, ok := doc["data"]; ok {
		if lf.frame == nil {
			return fmt.Errorf("a data-only packet before any schema (the browser cannot place it): %.300s", b)
		}
		if err := data.AppendJSONData(lf.frame, b); err != nil {
			return fmt.Errorf("data-only packet does not fit the schema: %w: %.300s", err, b)
		}
	} else {
		return fmt.Errorf("packet has neither schema nor data: %.300s", b)
	}
	for _, field := range lf.frame.Fields {
		if !field.Type().Time() {
			continue
		}
		for i := 0; i < field.Len(); i++ {
			if v, ok := field.ConcreteAt(i); ok {
				if t := v.(time.Time); t.Before(time.Now().Add(-48*time.Hour)) || t.After(time.Now().Add(5*time.Minute)) {
					return fmt.Errorf("streamed time %s is not near now (wrong unit?)", t.UTC().Format(time.RFC3339Nano))
				}
			}
		}
	}
	return nil
}

// carries reports whether the frame shows the marked row: a string or JSON cell containing the marker (log lines),
// or a positive number at or after since (a count over a query filtered to the marker).
func (lf *liveFrame) carries(marker string, since time.Time) bool {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if lf.frame == nil {
		return false
	}
	var timeField *data.Field
	for _, f := range lf.frame.Fields {
		if f.Type().Time() && timeField == nil {
			timeField = f
		}
		for row := 0; row < f.Len(); row++ {
			switch v, _ := f.ConcreteAt(row); x := v.(type) {
			case string:
				if strings.Contains(x, marker) {
					return true
				}
			case json.RawMessage:
				if strings.Contains(string(x), marker) {
					return true
				}
			}
		}
	}
	if timeField == nil {
		return false
	}
	for row := 0; row < timeField.Len(); row++ {
		if v, ok := timeField.ConcreteAt(row); !ok || v.(time.Time).Before(since) {
			continue
		}
		for _, f := range lf.frame.Fields {
			if f.Type().Numeric() {
				if x, _ := f.NullableFloatAt(row); x != nil && *x > 0 {
					return true
				}
			}
		}
	}
	return false
}

func drain(ch <-chan []byte, d time.Duration) [][]byte {
	var out [][]byte
	timeout := time.After(d)
	for {
		select {
		case b := <-ch:
			out = append(out, b)
		case <-timeout:
			return out
		}
	}
}

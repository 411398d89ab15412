package framecheck

// Tests of the suite itself: the checks the conformance tests run on every response must accept frames Grafana's
// own Go code writes, and must reject each way a frame can be broken. If one of these starts passing a broken
// frame, the suite has stopped being able to fail.

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/grafana/dataplane/sdata/numeric"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

var (
	t0    = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	times = []time.Time{t0, t0.Add(time.Hour), t0.Add(2 * time.Hour)}
)

// response wraps encoded frames as the plugin would send them for refId A.
func response(frames ...[]byte) *pluginv2.QueryDataResponse {
	return &pluginv2.QueryDataResponse{Responses: map[string]*pluginv2.DataResponse{"A": {Frames: frames, Status: 200}}}
}

func marshal(t *testing.T, frames ...*data.Frame) [][]byte {
	t.Helper()
	out := make([][]byte, len(frames))
	for i, f := range frames {
		f.RefID = "A"
		b, err := f.MarshalArrow()
		if err != nil {
			t.Fatalf("MarshalArrow: %v", err)
		}
		out[i] = b
	}
	return out
}

// goodTimeSeries is a timeseries-multi response built with grafana/dataplane's own writer.
func goodTimeSeries(t *testing.T) [][]byte {
	t.Helper()
	mf, err := timeseries.NewMultiFrame("A", timeseries.MultiFrameVersionLatest)
	if err != nil {
		t.Fatal(err)
	}
	if err := mf.AddSeries("job.completed", data.Labels{"mode": "genius"}, times, []float64{5, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if err := mf.AddSeries("job.completed", data.Labels{"mode": "mechanic"}, times, []float64{2, 0, 1}); err != nil {
		t.Fatal(err)
	}
	return marshal(t, mf.Frames()...)
}

var wantSeries = Expect{Kind: TimeSeries, FrameType: data.FrameTypeTimeSeriesMulti, Step: time.Hour,
	Range: &backend.TimeRange{From: t0, To: t0.Add(3 * time.Hour)},
	Series: []Series{
		{Name: "job.completed", Labels: data.Labels{"mode": "genius"}, Times: times, Values: V(5, 0, 0)},
		{Name: "job.completed", Labels: data.Labels{"mode": "mechanic"}, Times: times, Values: V(2, 0, 1)},
	}}

func decodeAndCheck(t *testing.T, resp *pluginv2.QueryDataResponse, exp Expect) error {
	t.Helper()
	decoded, err := Decode(resp, "A")
	if err != nil {
		return err
	}
	return Check(decoded.Responses["A"], "A", exp)
}

func mustPass(t *testing.T, resp *pluginv2.QueryDataResponse, exp Expect) {
	t.Helper()
	if err := decodeAndCheck(t, resp, exp); err != nil {
		t.Fatalf("a correct response was rejected: %v", err)
	}
}

func mustFail(t *testing.T, resp *pluginv2.QueryDataResponse, exp Expect, says string) {
	t.Helper()
	err := decodeAndCheck(t, resp, exp)
	if err == nil {
		t.Fatal("a broken response passed the checks: the suite cannot fail on it")
	}
	if !strings.Contains(err.Error(), says) {
		t.Fatalf("rejected, but not for the expected reason (want %q): %v", says, err)
	}
	t.Logf("rejected as expected: %.300s", err)
}

func TestAcceptsWhatGrafanaWrites(t *testing.T) {
	t.Run("timeseries-multi", func(t *testing.T) { mustPass(t, response(goodTimeSeries(t)...), wantSeries) })
	t.Run("numeric-multi", func(t *testing.T) {
		nf, _ := numeric.NewMultiFrame("A", numeric.MultiFrameVersionLatest)
		_ = nf.AddMetric("job.completed", data.Labels{"mode": "genius"}, 5.0)
		_ = nf.AddMetric("job.completed", data.Labels{"mode": "mechanic"}, 3.0)
		mustPass(t, response(marshal(t, nf.Frames()...)...), Expect{Kind: Numeric, Series: []Series{
			{Labels: data.Labels{"mode": "genius"}, Values: V(5)}, {Labels: data.Labels{"mode": "mechanic"}, Values: V(3)},
		}})
	})
	t.Run("no data", func(t *testing.T) {
		mf, _ := timeseries.NewMultiFrame("A", timeseries.MultiFrameVersionLatest)
		mustPass(t, response(marshal(t, mf.Frames()...)...), Expect{Kind: TimeSeries, NoData: true})
	})
	t.Run("table with nulls, NaN and infinities", func(t *testing.T) {
		f := data.NewFrame("t",
			data.NewField("time", nil, []time.Time{t0.Add(1500 * time.Microsecond)}), // sub-millisecond: JSON nanos
			data.NewField("missing", nil, []*float64{nil}),
			data.NewField("nan", nil, []float64{math.NaN()}),
			data.NewField("inf", nil, []*float64{ptr(math.Inf(1))}),
			data.NewField("neginf", nil, []float64{math.Inf(-1)}),
			data.NewField("name", data.Labels{"k": "v"}, []*string{nil}),
			data.NewField("json", nil, []json.RawMessage{json.RawMessage(`{"a":[1,2]}`)}),
		)
		mustPass(t, response(marshal(t, f)...), Expect{Kind: Table, Table: &TableExpect{Rows: [][]any{
			{t0.Add(1500 * time.Microsecond), nil, math.NaN(), math.Inf(1), math.Inf(-1), nil, `{"a":[1,2]}`},
		}}})
	})
	t.Run("logs", func(t *testing.T) {
		f := data.NewFrame("logs",
			data.NewField("timestamp", nil, times),
			data.NewField("body", nil, []string{"a", "b", "c"}),
			data.NewField("severity", nil, []string{"info", "error", "info"}),
			data.NewField("id", nil, []string{"1", "2", "3"}),
			data.NewField("labels", nil, []json.RawMessage{json.RawMessage(`{"kind":"x"}`), json.RawMessage(`{}`), json.RawMessage(`{"mode":"genius"}`)}),
		).SetMeta(&data.FrameMeta{Type: data.FrameTypeLogLines, PreferredVisualization: data.VisTypeLogs})
		mustPass(t, response(marshal(t, f)...), Expect{Kind: Logs, Rows: intPtr(3)})
	})
	t.Run("trace", func(t *testing.T) {
		mustPass(t, response(marshal(t, traceFrame(float64(t0.UnixMilli())))...), Expect{Kind: Trace, Trace: &TraceExpect{TraceID: "tr", Spans: []Span{
			{SpanID: "root"}, {SpanID: "child", ParentSpanID: "root", Start: t0, Duration: 1200 * time.Millisecond},
		}}})
	})
}

func TestRejectsBrokenFrames(t *testing.T) {
	t.Run("Arrow stream format instead of the file format", func(t *testing.T) {
		good := goodTimeSeries(t)
		mustFail(t, response(toStreamFormat(t, good[0]), good[1]), wantSeries, "stream")
	})
	t.Run("millisecond timestamps", func(t *testing.T) {
		b := rawFrame(t, &arrow.TimestampType{Unit: arrow.Millisecond}, func(bld array.Builder) {
			for _, ts := range times {
				bld.(*array.TimestampBuilder).Append(arrow.Timestamp(ts.UnixMilli()))
			}
		})
		// The SDK alone decodes this without complaint and shows January 1970: that is why the suite checks bytes.
		f, err := data.UnmarshalArrowFrame(b)
		if err != nil {
			t.Fatalf("the SDK rejects ms timestamps after all (update this test): %v", err)
		}
		if year := f.Fields[0].At(0).(time.Time).UTC().Year(); year != 1970 {
			t.Fatalf("the SDK read a ms timestamp as %d; expected the 1970 misreading", year)
		}
		mustFail(t, response(b), wantSeries, "timestamp unit is ms")
	})
	t.Run("milliseconds written into a nanosecond column", func(t *testing.T) {
		b := rawFrame(t, &arrow.TimestampType{Unit: arrow.Nanosecond}, func(bld array.Builder) {
			for _, ts := range times {
				bld.(*array.TimestampBuilder).Append(arrow.Timestamp(ts.UnixMilli()))
			}
		})
		mustFail(t, response(b), wantSeries, "holding milliseconds")
	})
	t.Run("dictionary-encoded string column", func(t *testing.T) {
		mem := memory.NewGoAllocator()
		dt := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
		schema := arrow.NewSchema([]arrow.Field{{Name: "mode", Type: dt}}, metadata(`{"type":"table","typeVersion":[0,0]}`))
		bld := array.NewDictionaryBuilder(mem, dt).(*array.BinaryDictionaryBuilder)
		for _, s := range []string{"genius", "mechanic", "genius"} {
			if err := bld.AppendString(s); err != nil {
				t.Fatal(err)
			}
		}
		col := bld.NewArray()
		mustFail(t, response(fileBytes(t, schema, col)), Expect{Kind: Table}, "dictionary")
	})
	t.Run("nulls in a field declared non-nullable", func(t *testing.T) {
		mem := memory.NewGoAllocator()
		schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Float64, Nullable: false}}, metadata(`{}`))
		bld := array.NewFloat64Builder(mem)
		bld.Append(1)
		bld.AppendNull()
		mustFail(t, response(fileBytes(t, schema, bld.NewArray())), Expect{Kind: Table}, "non-nullable")
	})
	t.Run("unknown key in frame meta", func(t *testing.T) {
		f := data.NewFrame("x", data.NewField("v", nil, []float64{1})).SetMeta(&data.FrameMeta{Custom: map[string]any{"ok": true}})
		b := marshal(t, f)[0]
		b = replaceMeta(t, b, `{"typeVersion":[0,0],"custom":{"ok":true},"legend":"lost on the way"}`)
		mustFail(t, response(b), Expect{Kind: Table}, "unknown field")
	})
	t.Run("typeVersion as a string", func(t *testing.T) {
		b := replaceMeta(t, goodTimeSeries(t)[0], `{"type":"timeseries-multi","typeVersion":"0.1"}`)
		mustFail(t, response(b), wantSeries, "rejects the response")
	})
	t.Run("label values that are not strings", func(t *testing.T) {
		mem := memory.NewGoAllocator()
		fieldMD := arrow.NewMetadata([]string{"name", "labels"}, []string{"v", `{"worker":7}`})
		schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Float64, Metadata: fieldMD}}, metadata(`{}`))
		bld := array.NewFloat64Builder(mem)
		bld.Append(1)
		mustFail(t, response(fileBytes(t, schema, bld.NewArray())), Expect{Kind: Table}, "labels must be a JSON object of strings")
	})
	t.Run("missing status", func(t *testing.T) {
		resp := response(goodTimeSeries(t)...)
		resp.Responses["A"].Status = 0
		mustFail(t, resp, wantSeries, "always set DataResponse.status")
	})
	t.Run("missing refId", func(t *testing.T) {
		resp := response(goodTimeSeries(t)...)
		resp.Responses["B"] = resp.Responses["A"]
		delete(resp.Responses, "A")
		mustFail(t, resp, wantSeries, "want one per query refId")
	})
	t.Run("time series without typeVersion", func(t *testing.T) {
		frames := goodTimeSeries(t)
		for i := range frames {
			frames[i] = replaceMeta(t, frames[i], `{"type":"timeseries-multi"}`)
		}
		mustFail(t, response(frames...), wantSeries, "typeVersion 0.0")
	})
	t.Run("unsorted time", func(t *testing.T) {
		f := data.NewFrame("", data.NewField("time", nil, []time.Time{times[1], times[0]}), data.NewField("v", nil, []float64{1, 2})).
			SetMeta(&data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}})
		mustFail(t, response(marshal(t, f)...), Expect{Kind: TimeSeries}, "unsorted")
	})
	t.Run("two series with the same labels", func(t *testing.T) {
		mf, _ := timeseries.NewMultiFrame("A", timeseries.MultiFrameVersionLatest)
		_ = mf.AddSeries("v", data.Labels{"mode": "genius"}, times, []float64{1, 2, 3})
		_ = mf.AddSeries("v", data.Labels{"mode": "genius"}, times, []float64{1, 2, 3})
		mustFail(t, response(marshal(t, mf.Frames()...)...), Expect{Kind: TimeSeries}, "duplicate")
	})
	t.Run("nullable time field in a time series", func(t *testing.T) {
		t1 := times[0]
		f := data.NewFrame("", data.NewField("time", nil, []*time.Time{&t1}), data.NewField("v", nil, []float64{1})).
			SetMeta(&data.FrameMeta{Type: data.FrameTypeTimeSeriesMulti, TypeVersion: data.FrameTypeVersion{0, 1}})
		mustFail(t, response(marshal(t, f)...), Expect{Kind: TimeSeries}, "time")
	})
	t.Run("numeric value with two rows", func(t *testing.T) {
		f := data.NewFrame("", data.NewField("v", data.Labels{"a": "b"}, []float64{1, 2})).
			SetMeta(&data.FrameMeta{Type: data.FrameTypeNumericMulti, TypeVersion: data.FrameTypeVersion{0, 1}})
		mustFail(t, response(marshal(t, f)...), Expect{Kind: Numeric}, "at most one")
	})
	t.Run("wrong value", func(t *testing.T) {
		exp := wantSeries
		exp.Series = append([]Series(nil), wantSeries.Series...)
		exp.Series[0].Values = V(4, 0, 0)
		mustFail(t, response(goodTimeSeries(t)...), exp, "values [5 0 0], want [4 0 0]")
	})
	t.Run("a point outside the query range", func(t *testing.T) {
		exp := wantSeries
		exp.Range = &backend.TimeRange{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}
		mustFail(t, response(goodTimeSeries(t)...), exp, "outside the query range")
	})
	t.Run("logs frame Explore would show as a table", func(t *testing.T) {
		f := data.NewFrame("logs", data.NewField("timestamp", nil, times), data.NewField("body", nil, []string{"a", "b", "c"})).
			SetMeta(&data.FrameMeta{Type: data.FrameTypeLogLines})
		mustFail(t, response(marshal(t, f)...), Expect{Kind: Logs}, "preferredVisualisationType")
	})
	t.Run("trace start times in nanoseconds", func(t *testing.T) {
		mustFail(t, response(marshal(t, traceFrame(float64(t0.UnixNano())))...), Expect{Kind: Trace}, "not epoch milliseconds")
	})
	t.Run("error without an error source", func(t *testing.T) {
		resp := &pluginv2.QueryDataResponse{Responses: map[string]*pluginv2.DataResponse{"A": {Status: 400, Error: "bad", ErrorSource: "user"}}}
		if _, err := Decode(resp, "A"); err == nil || !strings.Contains(err.Error(), "errorSource") {
			t.Fatalf("an invalid errorSource passed: %v", err)
		}
	})
	t.Run("error reported with status 200", func(t *testing.T) {
		resp := &pluginv2.QueryDataResponse{Responses: map[string]*pluginv2.DataResponse{"A": {Status: 200, Error: "bad", ErrorSource: "plugin"}}}
		if _, err := Decode(resp, "A"); err == nil {
			t.Fatal("an error with status 200 passed")
		}
	})
	t.Run("error expectations", func(t *testing.T) {
		res := backend.DataResponse{Status: backend.StatusInternal, Error: errorString("boom"), ErrorSource: backend.ErrorSourcePlugin}
		if err := CheckError(res, ErrorExpect{Status: backend.StatusBadRequest, Source: backend.ErrorSourceDownstream, Contains: []string{"metric"}}); err == nil {
			t.Fatal("a 500 plugin error passed as a 400 downstream error")
		}
	})
}

type errorString string

func (e errorString) Error() string { return string(e) }

func ptr[T any](v T) *T { return &v }

func intPtr(n int) *int { return &n }

func traceFrame(start float64) *data.Frame {
	return data.NewFrame("trace",
		data.NewField("traceID", nil, []string{"tr", "tr"}),
		data.NewField("spanID", nil, []string{"root", "child"}),
		data.NewField("parentSpanID", nil, []*string{nil, ptr("root")}),
		data.NewField("operationName", nil, []string{"process-job", "llm-call"}),
		data.NewField("serviceName", nil, []string{"ledger", "ledger"}),
		data.NewField("startTime", nil, []float64{start, start}),
		data.NewField("duration", nil, []float64{5000, 1200}),
		data.NewField("tags", nil, []json.RawMessage{json.RawMessage(`[]`), json.RawMessage(`[{"key":"error","value":false}]`)}),
	).SetMeta(&data.FrameMeta{PreferredVisualization: data.VisTypeTrace})
}

func metadata(meta string) *arrow.Metadata {
	md := arrow.NewMetadata([]string{"name", "refId", "meta"}, []string{"", "A", meta})
	return &md
}

func fileBytes(t *testing.T, schema *arrow.Schema, cols ...arrow.Array) []byte {
	t.Helper()
	rec := array.NewRecordBatch(schema, cols, int64(cols[0].Len()))
	var buf bytes.Buffer
	w, err := ipc.NewFileWriter(&buf, ipc.WithSchema(schema), ipc.WithAllocator(memory.NewGoAllocator()))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawFrame writes a timeseries-multi frame whose time column has the given Arrow type.
func rawFrame(t *testing.T, timeType arrow.DataType, fill func(array.Builder)) []byte {
	t.Helper()
	mem := memory.NewGoAllocator()
	valueMD := arrow.NewMetadata([]string{"name", "labels"}, []string{"job.completed", `{"mode":"genius"}`})
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: timeType},
		{Name: "job.completed", Type: arrow.PrimitiveTypes.Float64, Metadata: valueMD},
	}, metadata(`{"type":"timeseries-multi","typeVersion":[0,1]}`))
	tb := array.NewBuilder(mem, timeType)
	fill(tb)
	vb := array.NewFloat64Builder(mem)
	vb.AppendValues([]float64{5, 0, 0}, nil)
	return fileBytes(t, schema, tb.NewArray(), vb.NewArray())
}

// toStreamFormat re-encodes an Arrow file as the Arrow stream format (what apache-arrow JS writes by default).
func toStreamFormat(t *testing.T, file []byte) []byte {
	t.Helper()
	r, err := ipc.NewFileReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(r.Schema()))
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.RecordBatchAt(i)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// replaceMeta rewrites the schema metadata key "meta" of an encoded frame.
func replaceMeta(t *testing.T, file []byte, meta string) []byte {
	t.Helper()
	r, err := ipc.NewFileReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	md := r.Schema().Metadata()
	keys, values := append([]string(nil), md.Keys()...), append([]string(nil), md.Values()...)
	found := false
	for i, k := range keys {
		if k == "meta" {
			values[i], found = meta, true
		}
	}
	if !found {
		keys, values = append(keys, "meta"), append(values, meta)
	}
	newMD := arrow.NewMetadata(keys, values)
	schema := arrow.NewSchema(r.Schema().Fields(), &newMD)
	var cols []arrow.Array
	for i := 0; i < r.NumRecords(); i++ {
		rec, err := r.RecordBatchAt(i)
		if err != nil {
			t.Fatal(err)
		}
		cols = rec.Columns()
	}
	return fileBytes(t, schema, cols...)
}

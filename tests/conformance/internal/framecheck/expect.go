package framecheck

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Kind is the shape a response must have.
type Kind string

// The kinds of response the Ledger datasource serves.
const (
	// TimeSeries is a data-plane time series (timeseries-multi/-wide/-long), read with sdata/timeseries the way
	// server-side expressions read it.
	TimeSeries Kind = "time series"
	// Numeric is a data-plane numeric response (numeric-multi/-wide/-long): one value per series, for alert rules.
	Numeric Kind = "numeric"
	// Table is a plain table frame (raw SQL, the metrics table format).
	Table Kind = "table"
	// Logs is a data-plane log-lines frame that Explore shows as logs.
	Logs Kind = "logs"
	// Trace is a trace frame Explore shows in its trace view.
	Trace Kind = "trace"
	// Annotations are frames Grafana turns into annotations (time, timeEnd, title, text, tags).
	Annotations Kind = "annotations"
	// Variables are frames Grafana turns into template variable values (text/value or the first string field).
	Variables Kind = "variables"
)

// Expect is what one query's response must be.
type Expect struct {
	Kind Kind
	// FrameType, when set, is the meta.type every frame must carry (e.g. timeseries-multi).
	FrameType data.FrameType
	// NoData: a data-plane "no data" response (one typed frame without fields).
	NoData bool
	// EitherData accepts data and "no data" alike (for sweeps whose results depend on what is seeded).
	EitherData bool
	// Series is the exact set of series of a TimeSeries or Numeric response, matched by labels (and name when set).
	Series []Series
	// Range: every time value must lie in [From, To).
	Range *backend.TimeRange
	// Step: consecutive points of a time series are exactly this far apart.
	Step time.Duration
	// Table describes a Table response.
	Table *TableExpect
	// Rows, when not nil, is the total number of rows over all frames (logs lines, spans, annotations).
	Rows *int
	// MinRows is a lower bound on the total number of rows.
	MinRows int
	// Trace describes a Trace response.
	Trace *TraceExpect
	// Values are the exact variable values (any order) of a Variables response.
	Values []string
	// Times are the exact start times (any order) of an Annotations response.
	Times []time.Time
	// Extra runs further checks on the decoded frames.
	Extra func(frames data.Frames) error
}

// Series is one expected series.
type Series struct {
	// Name of the value field; not checked when empty.
	Name   string
	Labels data.Labels
	// Times of the points (time series only); not checked when nil.
	Times []time.Time
	// Values; nil entries are nulls. A numeric series has one.
	Values []*float64
}

// V builds series values: numbers (any Go number type) and nil for nulls.
func V(values ...any) []*float64 {
	out := make([]*float64, len(values))
	for i, v := range values {
		var f float64
		switch x := v.(type) {
		case nil:
			continue
		case float64:
			f = x
		case int:
			f = float64(x)
		case int64:
			f = float64(x)
		default:
			panic(fmt.Sprintf("framecheck.V: unsupported value %T", v))
		}
		out[i] = &f
	}
	return out
}

// Steps returns n times, step apart, from start.
func Steps(start time.Time, step time.Duration, n int) []time.Time {
	out := make([]time.Time, n)
	for i := range out {
		out[i] = start.Add(time.Duration(i) * step)
	}
	return out
}

// TableExpect describes a table frame: its columns and its rows.
type TableExpect struct {
	// Columns are the fields in order: name and frontend type (time, number, string, boolean, other).
	Columns []Column
	// Rows are the expected rows; values are time.Time, float64 (any number), string, bool or nil. In any order
	// unless Ordered.
	Rows    [][]any
	Ordered bool
}

// Column is one expected table field.
type Column struct {
	Name string
	Type string
}

// TraceExpect describes a trace.
type TraceExpect struct {
	// TraceID every span must have.
	TraceID string
	// RootOperation, when set: the trace has exactly one root span, with this operation name.
	RootOperation string
	// Spans that must be in the trace (it may hold more when MoreSpans).
	Spans     []Span
	MoreSpans bool
}

// Span is one expected span; zero values are not checked.
type Span struct {
	SpanID, ParentSpanID, OperationName, ServiceName string
	// ParentIsRoot: the span's parent is the trace's root span (whose id the backend makes up).
	ParentIsRoot bool
	Start        time.Time
	Duration     time.Duration
}

// Check validates one refId's response against the contract for its kind and against exp. The response must be a
// success (status 200, no error): failures are checked with CheckError.
func Check(res backend.DataResponse, refID string, exp Expect) error {
	if res.Error != nil || res.Status != backend.StatusOK {
		return fmt.Errorf("query failed: status %d, error source %q: %v", res.Status, res.ErrorSource, res.Error)
	}
	frames := res.Frames
	var errs []error
	for i, frame := range frames {
		if frame == nil {
			errs = append(errs, fmt.Errorf("frame %d is nil", i))
			continue
		}
		if frame.RefID != refID {
			errs = append(errs, fmt.Errorf("frame %d has refId %q, want %q", i, frame.RefID, refID))
		}
		if err := CheckJSON(frame); err != nil {
			errs = append(errs, fmt.Errorf("frame %d as the browser gets it (data.FrameToJSON): %w", i, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}

	var err error
	switch exp.Kind {
	case TimeSeries:
		err = checkTimeSeries(frames, exp)
	case Numeric:
		err = checkNumeric(frames, exp)
	case Table:
		err = checkTable(frames, exp)
	case Logs:
		err = checkLogs(frames, exp)
	case Trace:
		err = checkTrace(frames, exp)
	case Annotations:
		err = checkAnnotations(frames, exp)
	case Variables:
		err = checkVariables(frames, exp)
	default:
		err = fmt.Errorf("framecheck: unknown kind %q", exp.Kind)
	}
	if err != nil {
		return fmt.Errorf("%s response: %w", exp.Kind, err)
	}
	if exp.Rows != nil || exp.MinRows > 0 {
		rows := 0
		for _, f := range frames {
			rows += f.Rows()
		}
		if exp.Rows != nil && rows != *exp.Rows {
			return fmt.Errorf("%d rows, want %d", rows, *exp.Rows)
		}
		if rows < exp.MinRows {
			return fmt.Errorf("%d rows, want at least %d", rows, exp.MinRows)
		}
	}
	if exp.Extra != nil {
		return exp.Extra(frames)
	}
	return nil
}

// ErrorExpect is how a failed query must be reported.
type ErrorExpect struct {
	Status backend.Status
	Source backend.ErrorSource
	// Contains are substrings the error message must have (the message is what the user reads in the panel).
	Contains []string
	// NotContains are substrings it must not have (secrets, stack traces).
	NotContains []string
}

// CheckError validates a per-query failure.
func CheckError(res backend.DataResponse, exp ErrorExpect) error {
	if res.Error == nil {
		return fmt.Errorf("query succeeded with status %d, want an error with status %d", res.Status, exp.Status)
	}
	var errs []error
	if exp.Status != 0 && res.Status != exp.Status {
		errs = append(errs, fmt.Errorf("status %d, want %d (error: %v)", res.Status, exp.Status, res.Error))
	}
	if exp.Source != "" && res.ErrorSource != exp.Source {
		errs = append(errs, fmt.Errorf("error source %q, want %q (error: %v)", res.ErrorSource, exp.Source, res.Error))
	}
	msg := res.Error.Error()
	for _, s := range exp.Contains {
		if !strings.Contains(msg, s) {
			errs = append(errs, fmt.Errorf("error %q does not say %q", msg, s))
		}
	}
	for _, s := range exp.NotContains {
		if strings.Contains(msg, s) {
			errs = append(errs, fmt.Errorf("error %q must not contain %q", msg, s))
		}
	}
	if strings.Contains(msg, "\n    at ") {
		errs = append(errs, fmt.Errorf("error %q carries a stack trace", msg))
	}
	for i, frame := range res.Frames {
		if err := CheckJSON(frame); err != nil {
			errs = append(errs, fmt.Errorf("frame %d sent with the error: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func samePtrFloat(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return sameFloat(*a, *b)
}

func fmtValues(v []*float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		if x == nil {
			parts[i] = "null"
		} else {
			parts[i] = fmt.Sprint(*x)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func fmtTimes(ts []time.Time) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.UTC().Format(time.RFC3339Nano)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func inRange(t time.Time, r *backend.TimeRange) bool {
	return r == nil || (!t.Before(r.From) && t.Before(r.To))
}

// sameSet compares two string multisets.
func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

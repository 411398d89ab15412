package framecheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/grafana/dataplane/sdata"
	"github.com/grafana/dataplane/sdata/numeric"
	"github.com/grafana/dataplane/sdata/reader"
	"github.com/grafana/dataplane/sdata/timeseries"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// dataplaneType checks what Grafana's server-side expressions check before they take the data-plane path
// (pkg/expr/dataplane.go shouldUseDataplane): a typed first frame with a non-zero version that sdata can read.
// A version sdata does not know is only a warning there; here it is an error, so a typo cannot slip through.
func dataplaneType(frames data.Frames, exp Expect) (data.FrameType, error) {
	if len(frames) == 0 {
		return "", errors.New("no frames: even \"no data\" is one typed frame without fields")
	}
	var errs []error
	for i, f := range frames {
		switch {
		case f.Meta == nil || f.Meta.Type == "":
			errs = append(errs, fmt.Errorf("frame %d has no meta.type; server-side expressions then fall back to guessing", i))
		case f.Meta.TypeVersion.IsZero():
			errs = append(errs, fmt.Errorf("frame %d has meta.typeVersion 0.0: server-side expressions ignore the type", i))
		case exp.FrameType != "" && f.Meta.Type != exp.FrameType:
			errs = append(errs, fmt.Errorf("frame %d has meta.type %q, want %q", i, f.Meta.Type, exp.FrameType))
		case f.Meta.Type != frames[0].Meta.Type || f.Meta.TypeVersion != frames[0].Meta.TypeVersion:
			errs = append(errs, fmt.Errorf("frame %d is %s %s, frame 0 is %s %s", i, f.Meta.Type, f.Meta.TypeVersion, frames[0].Meta.Type, frames[0].Meta.TypeVersion))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	t, err := reader.CanReadBasedOnMeta(frames)
	if err != nil {
		return t, fmt.Errorf("grafana/dataplane cannot read it: %w", err)
	}
	return t, nil
}

func remainderError(frames data.Frames, ignored []sdata.FrameFieldIndex) error {
	if len(ignored) == 0 {
		return nil
	}
	parts := make([]string, 0, len(ignored))
	for _, r := range ignored {
		name := "?"
		if r.FrameIdx < len(frames) && r.FieldIdx >= 0 && r.FieldIdx < len(frames[r.FrameIdx].Fields) {
			name = frames[r.FrameIdx].Fields[r.FieldIdx].Name
		}
		parts = append(parts, fmt.Sprintf("frame %d field %d %q (%s)", r.FrameIdx, r.FieldIdx, name, r.Reason))
	}
	return fmt.Errorf("alerting would silently ignore data: %s", strings.Join(parts, "; "))
}

func checkTimeSeries(frames data.Frames, exp Expect) error {
	t, err := dataplaneType(frames, exp)
	if err != nil {
		return err
	}
	if !t.IsTimeSeries() {
		return fmt.Errorf("meta.type %q is not a time series type", t)
	}
	cr, err := timeseries.CollectionReaderFromFrames(frames)
	if err != nil {
		return fmt.Errorf("sdata/timeseries: %w", err)
	}
	c, err := cr.GetCollection(true)
	if err != nil {
		return fmt.Errorf("sdata/timeseries (with data validation: sorted times, unique series): %w", err)
	}
	if c.Warning != nil {
		return fmt.Errorf("sdata/timeseries warning: %w", c.Warning)
	}
	if err := remainderError(frames, c.RemainderIndices); err != nil {
		return err
	}
	if !exp.EitherData && exp.NoData != c.NoData() {
		return fmt.Errorf("no-data response: %v, want %v (%d series)", c.NoData(), exp.NoData, len(c.Refs))
	}
	var errs []error
	got := make([]Series, 0, len(c.Refs))
	seen := map[string]bool{}
	for i, ref := range c.Refs {
		labels := ref.GetLabels().String()
		if seen[labels] {
			errs = append(errs, fmt.Errorf("series %d: another series has the same labels %s; alerting needs every series to be identified by its labels", i, labels))
		}
		seen[labels] = true
		if ref.TimeField.Type() != data.FieldTypeTime {
			errs = append(errs, fmt.Errorf("series %d: time field is %s, want non-nullable time", i, ref.TimeField.Type()))
		}
		n, err := ref.Len()
		if err != nil {
			errs = append(errs, fmt.Errorf("series %d: %w", i, err))
			continue
		}
		s := Series{Name: ref.GetMetricName(), Labels: ref.GetLabels()}
		for p := 0; p < n; p++ {
			ts, v, err := ref.NullableFloat64Point(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("series %d point %d: server-side expressions cannot read it as a float: %w", i, p, err))
				break
			}
			if !inRange(ts, exp.Range) {
				errs = append(errs, fmt.Errorf("series %s point %d at %s is outside the query range %s – %s", labels, p, ts.UTC().Format(time.RFC3339Nano), exp.Range.From.UTC().Format(time.RFC3339), exp.Range.To.UTC().Format(time.RFC3339)))
			}
			if p > 0 {
				prev := s.Times[p-1]
				if !ts.After(prev) {
					errs = append(errs, fmt.Errorf("series %s point %d: time %s does not increase", labels, p, ts.UTC().Format(time.RFC3339Nano)))
				} else if exp.Step != 0 && ts.Sub(prev) != exp.Step {
					errs = append(errs, fmt.Errorf("series %s point %d: %s after the previous point, want %s", labels, p, ts.Sub(prev), exp.Step))
				}
			}
			s.Times = append(s.Times, ts)
			s.Values = append(s.Values, v)
		}
		got = append(got, s)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if exp.Series != nil {
		return compareSeries(got, exp.Series, true)
	}
	return nil
}

func checkNumeric(frames data.Frames, exp Expect) error {
	t, err := dataplaneType(frames, exp)
	if err != nil {
		return err
	}
	if !t.IsNumeric() {
		return fmt.Errorf("meta.type %q is not a numeric type", t)
	}
	cr, err := numeric.CollectionReaderFromFrames(frames)
	if err != nil {
		return fmt.Errorf("sdata/numeric: %w", err)
	}
	c, err := cr.GetCollection(false) // sdata implements only the schema validation for numeric data
	if err != nil {
		return fmt.Errorf("sdata/numeric: %w", err)
	}
	if c.Warning != nil {
		return fmt.Errorf("sdata/numeric warning: %w", c.Warning)
	}
	if !exp.EitherData && exp.NoData != c.NoData() {
		return fmt.Errorf("no-data response: %v, want %v (%d values)", c.NoData(), exp.NoData, len(c.Refs))
	}
	var errs []error
	if t == data.FrameTypeNumericMulti && !c.NoData() {
		for i, f := range frames {
			if idx := f.TypeIndices(data.FieldTypeTime, data.FieldTypeNullableTime); len(idx) > 0 {
				errs = append(errs, fmt.Errorf("frame %d of a numeric response has a time field", i))
			}
			if n := len(f.TypeIndices(sdata.ValidValueFields()...)); n != 1 {
				errs = append(errs, fmt.Errorf("frame %d has %d numeric fields; numeric-multi has exactly one per frame", i, n))
			}
			if f.Rows() > 1 {
				errs = append(errs, fmt.Errorf("frame %d has %d rows; a numeric value has at most one", i, f.Rows()))
			}
		}
	}
	got := make([]Series, 0, len(c.Refs))
	seen := map[string]bool{}
	for i, ref := range c.Refs {
		labels := ref.GetLabels().String()
		if seen[labels] {
			errs = append(errs, fmt.Errorf("value %d: another value has the same labels %s; alerting needs every value identified by its labels", i, labels))
		}
		seen[labels] = true
		v, empty, err := ref.NullableFloat64Value()
		if err != nil {
			errs = append(errs, fmt.Errorf("value %d %s: server-side expressions cannot read it as a float: %w", i, labels, err))
			continue
		}
		if empty {
			errs = append(errs, fmt.Errorf("value %d %s: the field has no row", i, labels))
			continue
		}
		got = append(got, Series{Name: ref.GetMetricName(), Labels: ref.GetLabels(), Values: []*float64{v}})
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if exp.Series != nil {
		return compareSeries(got, exp.Series, false)
	}
	return nil
}

func compareSeries(got, want []Series, withTimes bool) error {
	var errs []error
	used := make([]bool, len(got))
	for _, w := range want {
		found := -1
		for i, g := range got {
			if !used[i] && g.Labels.Equals(w.Labels) && (w.Name == "" || w.Name == g.Name) {
				found = i
				break
			}
		}
		if found < 0 {
			errs = append(errs, fmt.Errorf("missing series %s %s", w.Name, w.Labels))
			continue
		}
		used[found] = true
		g := got[found]
		if withTimes && w.Times != nil && (len(g.Times) != len(w.Times) || !slices.EqualFunc(g.Times, w.Times, time.Time.Equal)) {
			errs = append(errs, fmt.Errorf("series %s times %s, want %s", w.Labels, fmtTimes(g.Times), fmtTimes(w.Times)))
		}
		if w.Values != nil && (len(g.Values) != len(w.Values) || !slices.EqualFunc(g.Values, w.Values, samePtrFloat)) {
			errs = append(errs, fmt.Errorf("series %s values %s, want %s", w.Labels, fmtValues(g.Values), fmtValues(w.Values)))
		}
	}
	for i, g := range got {
		if !used[i] {
			errs = append(errs, fmt.Errorf("unexpected series %s %s values %s", g.Name, g.Labels, fmtValues(g.Values)))
		}
	}
	return errors.Join(errs...)
}

// cell normalises a field value for comparison: time.Time, float64, string, bool, JSON text, or nil.
func cell(f *data.Field, row int) any {
	v, ok := f.ConcreteAt(row)
	if !ok {
		return nil
	}
	if f.Type().Numeric() {
		p, err := f.NullableFloatAt(row)
		if err != nil || p == nil {
			return nil
		}
		return *p
	}
	switch x := v.(type) {
	case json.RawMessage:
		return string(x)
	case time.Time:
		return x.UTC()
	}
	return v
}

func sameCell(got, want any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w)
	case int:
		g, ok := got.(float64)
		return ok && sameFloat(g, float64(w))
	case int64:
		g, ok := got.(float64)
		return ok && sameFloat(g, float64(w))
	case float64:
		g, ok := got.(float64)
		return ok && sameFloat(g, w)
	default:
		return got == want
	}
}

func fmtRow(row []any) string {
	parts := make([]string, len(row))
	for i, v := range row {
		switch x := v.(type) {
		case time.Time:
			parts[i] = x.UTC().Format(time.RFC3339Nano)
		case nil:
			parts[i] = "null"
		default:
			parts[i] = fmt.Sprintf("%v", x)
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func checkTable(frames data.Frames, exp Expect) error {
	if len(frames) != 1 {
		return fmt.Errorf("%d frames, want one table frame", len(frames))
	}
	frame := frames[0]
	if frame.Meta != nil && frame.Meta.Type != "" && frame.Meta.Type != data.FrameTypeTable && exp.FrameType == "" {
		return fmt.Errorf("a table frame typed %q", frame.Meta.Type)
	}
	if exp.FrameType != "" && (frame.Meta == nil || frame.Meta.Type != exp.FrameType) {
		return fmt.Errorf("meta.type is not %q", exp.FrameType)
	}
	if _, err := frame.RowLen(); err != nil {
		return err
	}
	var errs []error
	for i, f := range frame.Fields {
		if f.Type().Time() {
			for r := 0; r < f.Len(); r++ {
				if t, ok := f.ConcreteAt(r); ok && !inRange(t.(time.Time), exp.Range) {
					errs = append(errs, fmt.Errorf("field %d %q row %d: %s is outside the query range", i, f.Name, r, t.(time.Time).UTC().Format(time.RFC3339Nano)))
				}
			}
		}
	}
	te := exp.Table
	if te == nil {
		return errors.Join(errs...)
	}
	if te.Columns != nil {
		got := make([]Column, len(frame.Fields))
		for i, f := range frame.Fields {
			got[i] = Column{Name: f.Name, Type: FrontendType(f.Type())}
		}
		if !slices.Equal(got, te.Columns) {
			errs = append(errs, fmt.Errorf("columns %v, want %v", got, te.Columns))
		}
	}
	if te.Rows != nil {
		rows := make([][]any, frame.Rows())
		for r := range rows {
			for _, f := range frame.Fields {
				rows[r] = append(rows[r], cell(f, r))
			}
		}
		errs = append(errs, compareRows(rows, te.Rows, te.Ordered)...)
	}
	return errors.Join(errs...)
}

func compareRows(got, want [][]any, ordered bool) []error {
	match := func(g, w []any) bool {
		return len(g) == len(w) && slices.EqualFunc(g, w, sameCell)
	}
	if len(got) != len(want) {
		gs := make([]string, len(got))
		for i, r := range got {
			gs[i] = fmtRow(r)
		}
		return []error{fmt.Errorf("%d rows, want %d; got %s", len(got), len(want), strings.Join(gs, " "))}
	}
	var errs []error
	used := make([]bool, len(got))
	for i, w := range want {
		if ordered {
			if !match(got[i], w) {
				errs = append(errs, fmt.Errorf("row %d is %s, want %s", i, fmtRow(got[i]), fmtRow(w)))
			}
			continue
		}
		found := false
		for j, g := range got {
			if !used[j] && match(g, w) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			errs = append(errs, fmt.Errorf("missing row %s", fmtRow(w)))
		}
	}
	for j, g := range got {
		if !ordered && !used[j] && len(errs) > 0 {
			errs = append(errs, fmt.Errorf("unexpected row %s", fmtRow(g)))
		}
	}
	return errs
}

func fieldByName(f *data.Frame, name string) (*data.Field, int) {
	for i, field := range f.Fields {
		if field.Name == name {
			return field, i
		}
	}
	return nil, -1
}

// checkLogs holds log frames to the data plane logs contract (grafana/dataplane docs/contract/logs.md, log-lines
// v0.0) and to what Explore needs to show them as logs.
func checkLogs(frames data.Frames, exp Expect) error {
	if len(frames) == 0 {
		return errors.New("no frames")
	}
	var errs []error
	for i, f := range frames {
		where := fmt.Sprintf("frame %d", i)
		if f.Meta == nil || f.Meta.Type != data.FrameTypeLogLines {
			errs = append(errs, fmt.Errorf("%s: meta.type must be %q", where, data.FrameTypeLogLines))
		}
		if f.Meta == nil || f.Meta.PreferredVisualization != data.VisTypeLogs {
			errs = append(errs, fmt.Errorf("%s: meta.preferredVisualisationType must be %q (else Explore shows a table)", where, data.VisTypeLogs))
		}
		times := f.TypeIndices(data.FieldTypeTime, data.FieldTypeNullableTime)
		if len(times) == 0 || f.Fields[times[0]].Name != "timestamp" || f.Fields[times[0]].Type() != data.FieldTypeTime {
			errs = append(errs, fmt.Errorf("%s: the first time field must be a non-nullable time field named \"timestamp\"", where))
		} else {
			ts := f.Fields[times[0]]
			for r := 0; r < ts.Len(); r++ {
				if t := ts.At(r).(time.Time); !inRange(t, exp.Range) {
					errs = append(errs, fmt.Errorf("%s row %d: timestamp %s is outside the query range", where, r, t.UTC().Format(time.RFC3339Nano)))
				}
			}
		}
		strs := f.TypeIndices(data.FieldTypeString, data.FieldTypeNullableString)
		if len(strs) == 0 || f.Fields[strs[0]].Name != "body" || f.Fields[strs[0]].Type() != data.FieldTypeString {
			errs = append(errs, fmt.Errorf("%s: the first string field must be a non-nullable string field named \"body\"", where))
		}
		if sev, _ := fieldByName(f, "severity"); sev != nil && sev.Type() != data.FieldTypeString && sev.Type() != data.FieldTypeNullableString {
			errs = append(errs, fmt.Errorf("%s: severity must be a string field, is %s", where, sev.Type()))
		}
		if id, _ := fieldByName(f, "id"); id != nil {
			if id.Type() != data.FieldTypeString {
				errs = append(errs, fmt.Errorf("%s: id must be a non-nullable string field, is %s", where, id.Type()))
			} else {
				seen := map[string]bool{}
				for r := 0; r < id.Len(); r++ {
					v := id.At(r).(string)
					if v == "" || seen[v] {
						errs = append(errs, fmt.Errorf("%s row %d: id %q is empty or repeated; Explore deduplicates by it", where, r, v))
						break
					}
					seen[v] = true
				}
			}
		}
		if labels, _ := fieldByName(f, "labels"); labels != nil {
			if labels.Type() != data.FieldTypeJSON && labels.Type() != data.FieldTypeNullableJSON {
				errs = append(errs, fmt.Errorf("%s: labels must be a JSON field (Arrow Binary), is %s", where, labels.Type()))
			} else {
				for r := 0; r < labels.Len(); r++ {
					v, ok := labels.ConcreteAt(r)
					if !ok {
						continue
					}
					var m map[string]string
					if err := strictUnmarshal(v.(json.RawMessage), &m); err != nil {
						errs = append(errs, fmt.Errorf("%s row %d: labels must be a JSON object of strings: %v (%s)", where, r, err, v))
						break
					}
				}
			}
		}
	}
	return errors.Join(errs...)
}

// checkTrace holds a trace frame to what Grafana's trace view reads (packages/grafana-data types/trace.ts,
// TraceSpanRow): one row per span, times in epoch milliseconds.
func checkTrace(frames data.Frames, exp Expect) error {
	if len(frames) != 1 {
		return fmt.Errorf("%d frames, want one trace frame", len(frames))
	}
	f := frames[0]
	var errs []error
	if f.Meta == nil || f.Meta.PreferredVisualization != data.VisTypeTrace {
		errs = append(errs, fmt.Errorf("meta.preferredVisualisationType must be %q", data.VisTypeTrace))
	}
	want := map[string][]data.FieldType{
		"traceID":       {data.FieldTypeString},
		"spanID":        {data.FieldTypeString},
		"parentSpanID":  {data.FieldTypeString, data.FieldTypeNullableString},
		"operationName": {data.FieldTypeString},
		"serviceName":   {data.FieldTypeString},
		"startTime":     {data.FieldTypeFloat64, data.FieldTypeInt64},
		"duration":      {data.FieldTypeFloat64, data.FieldTypeInt64},
	}
	optional := map[string][]data.FieldType{
		"serviceTags":   {data.FieldTypeJSON, data.FieldTypeNullableJSON},
		"tags":          {data.FieldTypeJSON, data.FieldTypeNullableJSON},
		"logs":          {data.FieldTypeJSON, data.FieldTypeNullableJSON},
		"references":    {data.FieldTypeJSON, data.FieldTypeNullableJSON},
		"warnings":      {data.FieldTypeJSON, data.FieldTypeNullableJSON},
		"stackTraces":   {data.FieldTypeJSON, data.FieldTypeNullableJSON},
		"kind":          {data.FieldTypeString, data.FieldTypeNullableString},
		"statusCode":    {data.FieldTypeInt64, data.FieldTypeNullableInt64, data.FieldTypeFloat64, data.FieldTypeNullableFloat64},
		"statusMessage": {data.FieldTypeString, data.FieldTypeNullableString},
	}
	for name, types := range want {
		field, _ := fieldByName(f, name)
		if field == nil {
			errs = append(errs, fmt.Errorf("missing field %q", name))
		} else if !slices.Contains(types, field.Type()) {
			errs = append(errs, fmt.Errorf("field %q is %s, want one of %v", name, field.Type(), types))
		}
	}
	for name, types := range optional {
		if field, _ := fieldByName(f, name); field != nil && !slices.Contains(types, field.Type()) {
			errs = append(errs, fmt.Errorf("field %q is %s, want one of %v", name, field.Type(), types))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	str := func(name string, r int) string {
		field, _ := fieldByName(f, name)
		if v, ok := field.ConcreteAt(r); ok {
			return v.(string)
		}
		return ""
	}
	num := func(name string, r int) float64 {
		field, _ := fieldByName(f, name)
		p, _ := field.NullableFloatAt(r)
		if p == nil {
			return -1
		}
		return *p
	}
	spans := map[string]int{}
	roots := 0
	rootID, rootOp := "", ""
	for r := 0; r < f.Rows(); r++ {
		id := str("spanID", r)
		if id == "" || spans[id] > 0 {
			errs = append(errs, fmt.Errorf("row %d: spanID %q is empty or repeated", r, id))
		}
		spans[id] = r + 1
		if exp.Trace != nil && exp.Trace.TraceID != "" && str("traceID", r) != exp.Trace.TraceID {
			errs = append(errs, fmt.Errorf("row %d: traceID %q, want %q", r, str("traceID", r), exp.Trace.TraceID))
		}
		start := num("startTime", r)
		if start < 946684800000 || start > 7258118400000 { // 2000 … 2200 in epoch ms
			errs = append(errs, fmt.Errorf("row %d: startTime %v is not epoch milliseconds", r, start))
		} else if exp.Range != nil && !inRange(time.UnixMilli(int64(start)), exp.Range) {
			errs = append(errs, fmt.Errorf("row %d: startTime %v is outside the query range", r, start))
		}
		if d := num("duration", r); d < 0 {
			errs = append(errs, fmt.Errorf("row %d: duration %v", r, d))
		}
	}
	for r := 0; r < f.Rows(); r++ {
		parent := str("parentSpanID", r)
		if parent == "" {
			roots++
			rootID, rootOp = str("spanID", r), str("operationName", r)
		} else if spans[parent] == 0 {
			errs = append(errs, fmt.Errorf("row %d: parentSpanID %q is not a span of the trace (the trace view would show an orphan)", r, parent))
		}
	}
	if f.Rows() > 0 && roots == 0 {
		errs = append(errs, errors.New("no root span (every span has a parent)"))
	}
	if exp.Trace != nil && exp.Trace.RootOperation != "" && (roots != 1 || rootOp != exp.Trace.RootOperation) {
		errs = append(errs, fmt.Errorf("%d root spans (last %q), want exactly one %q: the trace view shows a single tree", roots, rootOp, exp.Trace.RootOperation))
	}
	if exp.Trace != nil {
		for _, s := range exp.Trace.Spans {
			r := spans[s.SpanID] - 1
			if r < 0 {
				errs = append(errs, fmt.Errorf("missing span %q", s.SpanID))
				continue
			}
			if s.ParentIsRoot && (str("parentSpanID", r) == "" || str("parentSpanID", r) != rootID) {
				errs = append(errs, fmt.Errorf("span %q: parent %q, want the root span %q", s.SpanID, str("parentSpanID", r), rootID))
			}
			if s.ParentSpanID != "" && str("parentSpanID", r) != s.ParentSpanID {
				errs = append(errs, fmt.Errorf("span %q: parent %q, want %q", s.SpanID, str("parentSpanID", r), s.ParentSpanID))
			}
			if s.OperationName != "" && str("operationName", r) != s.OperationName {
				errs = append(errs, fmt.Errorf("span %q: operationName %q, want %q", s.SpanID, str("operationName", r), s.OperationName))
			}
			if s.ServiceName != "" && str("serviceName", r) != s.ServiceName {
				errs = append(errs, fmt.Errorf("span %q: serviceName %q, want %q", s.SpanID, str("serviceName", r), s.ServiceName))
			}
			if !s.Start.IsZero() && !sameFloat(num("startTime", r), float64(s.Start.UnixNano())/1e6) {
				errs = append(errs, fmt.Errorf("span %q: startTime %v ms, want %v", s.SpanID, num("startTime", r), float64(s.Start.UnixNano())/1e6))
			}
			if s.Duration != 0 && !sameFloat(num("duration", r), float64(s.Duration)/float64(time.Millisecond)) {
				errs = append(errs, fmt.Errorf("span %q: duration %v ms, want %v", s.SpanID, num("duration", r), s.Duration))
			}
		}
		if !exp.Trace.MoreSpans && len(exp.Trace.Spans) > 0 && f.Rows() != len(exp.Trace.Spans) {
			errs = append(errs, fmt.Errorf("%d spans, want %d", f.Rows(), len(exp.Trace.Spans)))
		}
	}
	return errors.Join(errs...)
}

// checkAnnotations holds frames to what Grafana turns into annotations: a `time` field (and optional `timeEnd`),
// with `text` and/or `title`.
func checkAnnotations(frames data.Frames, exp Expect) error {
	var errs []error
	var times []time.Time
	for i, f := range frames {
		tf, _ := fieldByName(f, "time")
		if tf == nil || !tf.Type().Time() {
			errs = append(errs, fmt.Errorf("frame %d: no time field named \"time\"", i))
			continue
		}
		text, _ := fieldByName(f, "text")
		title, _ := fieldByName(f, "title")
		if text == nil && title == nil {
			errs = append(errs, fmt.Errorf("frame %d: neither a \"text\" nor a \"title\" field", i))
		}
		for _, sf := range []*data.Field{text, title} {
			if sf != nil && FrontendType(sf.Type()) != "string" {
				errs = append(errs, fmt.Errorf("frame %d: %q must be a string field, is %s", i, sf.Name, sf.Type()))
			}
		}
		end, _ := fieldByName(f, "timeEnd")
		if end != nil && !end.Type().Time() {
			errs = append(errs, fmt.Errorf("frame %d: timeEnd must be a time field, is %s", i, end.Type()))
		}
		for r := 0; r < tf.Len(); r++ {
			v, ok := tf.ConcreteAt(r)
			if !ok {
				errs = append(errs, fmt.Errorf("frame %d row %d: annotation without a time", i, r))
				continue
			}
			t := v.(time.Time)
			times = append(times, t)
			if !inRange(t, exp.Range) {
				errs = append(errs, fmt.Errorf("frame %d row %d: %s is outside the query range", i, r, t.UTC().Format(time.RFC3339Nano)))
			}
			if end != nil {
				if e, ok := end.ConcreteAt(r); ok && e.(time.Time).Before(t) {
					errs = append(errs, fmt.Errorf("frame %d row %d: timeEnd before time", i, r))
				}
			}
		}
	}
	if exp.Times != nil {
		g := make([]string, len(times))
		for i, t := range times {
			g[i] = t.UTC().Format(time.RFC3339Nano)
		}
		w := make([]string, len(exp.Times))
		for i, t := range exp.Times {
			w[i] = t.UTC().Format(time.RFC3339Nano)
		}
		if !sameSet(g, w) {
			errs = append(errs, fmt.Errorf("annotation times %v, want %v", g, w))
		}
	}
	return errors.Join(errs...)
}

// checkVariables holds frames to what Grafana reads as template variable values: a "text" field (with an optional
// "value" of the same length), or else the first string field.
func checkVariables(frames data.Frames, exp Expect) error {
	if len(frames) == 0 {
		return errors.New("no frames")
	}
	var values []string
	for i, f := range frames {
		field, _ := fieldByName(f, "text")
		if field == nil {
			if idx := f.TypeIndices(data.FieldTypeString, data.FieldTypeNullableString); len(idx) > 0 {
				field = f.Fields[idx[0]]
			}
		}
		if field == nil || FrontendType(field.Type()) != "string" {
			return fmt.Errorf("frame %d: no string field for the variable values", i)
		}
		for r := 0; r < field.Len(); r++ {
			v, ok := field.ConcreteAt(r)
			if !ok {
				return fmt.Errorf("frame %d row %d: null variable value", i, r)
			}
			values = append(values, v.(string))
		}
	}
	if exp.Values != nil && !sameSet(values, exp.Values) {
		return fmt.Errorf("values %q, want %q", values, exp.Values)
	}
	return nil
}

package framecheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// frameJSON is the shape data.FrameToJSON writes: what /api/ds/query returns to the browser for each frame.
type frameJSON struct {
	Schema struct {
		Name   string          `json:"name"`
		RefID  string          `json:"refId"`
		Meta   json.RawMessage `json:"meta"`
		Fields []struct {
			Name     string `json:"name"`
			Type     string `json:"type"`
			TypeInfo struct {
				Frame    string `json:"frame"`
				Nullable bool   `json:"nullable"`
			} `json:"typeInfo"`
			Labels map[string]string `json:"labels"`
			Config json.RawMessage   `json:"config"`
		} `json:"fields"`
	} `json:"schema"`
	Data struct {
		Values   [][]json.RawMessage `json:"values"`
		Entities []*struct {
			NaN    []int `json:"NaN"`
			Inf    []int `json:"Inf"`
			NegInf []int `json:"NegInf"`
		} `json:"entities"`
		Nanos [][]int64 `json:"nanos"`
	} `json:"data"`
}

// FrontendType is the field type the browser sees (schema.fields[].type): time, number, string, boolean, enum,
// other.
func FrontendType(t data.FieldType) string {
	switch {
	case t.Time():
		return "time"
	case t == data.FieldTypeEnum || t == data.FieldTypeNullableEnum:
		return "enum"
	case t.Numeric():
		return "number"
	case t == data.FieldTypeString || t == data.FieldTypeNullableString:
		return "string"
	case t == data.FieldTypeBool || t == data.FieldTypeNullableBool:
		return "boolean"
	default:
		return "other"
	}
}

// CheckJSON converts the frame with data.FrameToJSON, as Grafana's HTTP API does, and checks that the browser gets
// the same frame: field names and types, labels, time values as epoch milliseconds (plus `nanos` for sub-ms parts),
// nulls as null, NaN/±Inf as null with an `entities` entry, and that reading the JSON back gives the frame again.
func CheckJSON(frame *data.Frame) error {
	b, err := data.FrameToJSON(frame, data.IncludeAll)
	if err != nil {
		return fmt.Errorf("data.FrameToJSON: %w", err)
	}
	var doc frameJSON
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("FrameToJSON output is not the expected document: %w", err)
	}
	var errs []error
	if doc.Schema.RefID != frame.RefID {
		errs = append(errs, fmt.Errorf("JSON refId %q, frame refId %q", doc.Schema.RefID, frame.RefID))
	}
	if len(doc.Schema.Fields) != len(frame.Fields) {
		return fmt.Errorf("JSON schema has %d fields, frame has %d", len(doc.Schema.Fields), len(frame.Fields))
	}
	if len(frame.Fields) > 0 && len(doc.Data.Values) != len(frame.Fields) {
		return fmt.Errorf("JSON data has %d value columns, frame has %d fields", len(doc.Data.Values), len(frame.Fields))
	}
	for i, field := range frame.Fields {
		js := doc.Schema.Fields[i]
		where := fmt.Sprintf("field %d %q", i, field.Name)
		if js.Name != field.Name {
			errs = append(errs, fmt.Errorf("%s: JSON name %q", where, js.Name))
		}
		if want := FrontendType(field.Type()); js.Type != want {
			errs = append(errs, fmt.Errorf("%s: JSON type %q, want %q", where, js.Type, want))
		}
		itemType := strings.TrimPrefix(field.Type().ItemTypeString(), "*")
		if js.TypeInfo.Frame != itemType || js.TypeInfo.Nullable != field.Nullable() {
			errs = append(errs, fmt.Errorf("%s: JSON typeInfo %+v, want frame %q nullable %v", where, js.TypeInfo, itemType, field.Nullable()))
		}
		if !labelsEqual(js.Labels, field.Labels) {
			errs = append(errs, fmt.Errorf("%s: JSON labels %v, frame labels %v", where, js.Labels, field.Labels))
		}
		errs = append(errs, checkJSONValues(where, field, doc, i)...)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}

	var back data.Frame
	if err := json.Unmarshal(b, &back); err != nil {
		return fmt.Errorf("the frame's JSON does not read back into a frame: %w", err)
	}
	if diff := cmp.Diff(frame, &back, data.FrameTestCompareOptions()...); diff != "" {
		return fmt.Errorf("frame changed on its way through JSON (-arrow +json):\n%s", diff)
	}
	return nil
}

func labelsEqual(a map[string]string, b data.Labels) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

func entityRows(doc frameJSON, field int) (nan, inf, negInf []int) {
	if field < len(doc.Data.Entities) && doc.Data.Entities[field] != nil {
		e := doc.Data.Entities[field]
		return e.NaN, e.Inf, e.NegInf
	}
	return nil, nil, nil
}

func checkJSONValues(where string, field *data.Field, doc frameJSON, fi int) []error {
	var errs []error
	values := doc.Data.Values[fi]
	if len(values) != field.Len() {
		return []error{fmt.Errorf("%s: JSON has %d values, frame %d", where, len(values), field.Len())}
	}
	nan, inf, negInf := entityRows(doc, fi)
	var nanos []int64
	if fi < len(doc.Data.Nanos) {
		nanos = doc.Data.Nanos[fi]
	}
	for row := 0; row < field.Len(); row++ {
		raw := values[row]
		isNull := bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
		v, ok := field.ConcreteAt(row)
		if !ok {
			if !isNull {
				errs = append(errs, fmt.Errorf("%s row %d: null in the frame, %s in JSON", where, row, raw))
			}
			if slices.Contains(nan, row) || slices.Contains(inf, row) || slices.Contains(negInf, row) {
				errs = append(errs, fmt.Errorf("%s row %d: a null is listed in entities (the browser would show NaN/Inf)", where, row))
			}
			continue
		}
		switch x := v.(type) {
		case time.Time:
			var ms int64
			if err := json.Unmarshal(raw, &ms); err != nil {
				errs = append(errs, fmt.Errorf("%s row %d: time is %s in JSON, want epoch milliseconds", where, row, raw))
				continue
			}
			if ms != x.UnixMilli() {
				errs = append(errs, fmt.Errorf("%s row %d: JSON time %d ms, frame %s (%d ms)", where, row, ms, x.UTC().Format(time.RFC3339Nano), x.UnixMilli()))
			}
			sub := x.Sub(x.Truncate(time.Millisecond)).Nanoseconds()
			var gotSub int64
			if row < len(nanos) {
				gotSub = nanos[row]
			}
			if sub != gotSub {
				errs = append(errs, fmt.Errorf("%s row %d: sub-millisecond part %d ns, JSON nanos %d", where, row, sub, gotSub))
			}
		case float64, float32:
			f := toFloat(x)
			switch {
			case math.IsNaN(f):
				if !isNull || !slices.Contains(nan, row) {
					errs = append(errs, fmt.Errorf("%s row %d: NaN must be null in values and listed in entities.NaN; JSON %s, entities.NaN %v", where, row, raw, nan))
				}
			case math.IsInf(f, 1):
				if !isNull || !slices.Contains(inf, row) {
					errs = append(errs, fmt.Errorf("%s row %d: +Inf must be null and listed in entities.Inf; JSON %s, entities.Inf %v", where, row, raw, inf))
				}
			case math.IsInf(f, -1):
				if !isNull || !slices.Contains(negInf, row) {
					errs = append(errs, fmt.Errorf("%s row %d: -Inf must be null and listed in entities.NegInf; JSON %s, entities.NegInf %v", where, row, raw, negInf))
				}
			default:
				var got float64
				if err := json.Unmarshal(raw, &got); err != nil || !sameFloat(got, f) {
					errs = append(errs, fmt.Errorf("%s row %d: JSON %s, frame %v", where, row, raw, f))
				}
			}
		case string:
			var got string
			if err := json.Unmarshal(raw, &got); err != nil || got != x {
				errs = append(errs, fmt.Errorf("%s row %d: JSON %s, frame %q", where, row, raw, x))
			}
		case bool:
			var got bool
			if err := json.Unmarshal(raw, &got); err != nil || got != x {
				errs = append(errs, fmt.Errorf("%s row %d: JSON %s, frame %v", where, row, raw, x))
			}
		case json.RawMessage:
			if !jsonEqual(raw, x) {
				errs = append(errs, fmt.Errorf("%s row %d: JSON %s, frame %s", where, row, raw, x))
			}
		default:
			if isNull {
				errs = append(errs, fmt.Errorf("%s row %d: value %v is null in JSON", where, row, x))
			}
		}
	}
	return errs
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	}
	return math.NaN()
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return cmp.Equal(x, y)
}

package framecheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

var (
	arrowFileMagic   = []byte("ARROW1\x00\x00")
	arrowFileTrailer = []byte("ARROW1")
	// Ledger data never predates this; an earlier time in a ns column means ms or seconds were written as ns.
	earliestPlausibleTime = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
)

// CheckArrowFrame checks one encoded frame at the byte level, before the SDK sees it. The SDK's reader is lenient
// where Grafana then misbehaves silently: it reads any timestamp unit as nanoseconds (a millisecond column shows
// 1970), zero-fills nulls of a field declared non-nullable, and drops unknown meta keys. So this insists on what
// the protocol requires (grafana-plugin-protocol.md §4): an Arrow IPC *file*, only the types Grafana decodes, ns
// timestamps, honest nullability, and frame/field metadata that decodes strictly into the SDK's types.
func CheckArrowFrame(b []byte, refID string) error {
	if len(b) < len(arrowFileMagic)+len(arrowFileTrailer) || !bytes.HasPrefix(b, arrowFileMagic) || !bytes.HasSuffix(b, arrowFileTrailer) {
		head := b[:min(len(b), 8)]
		hint := ""
		if bytes.HasPrefix(b, []byte{0xff, 0xff, 0xff, 0xff}) {
			hint = " (this is the Arrow IPC *stream* format: apache-arrow's tableToIPC defaults to it; Grafana reads only the file format)"
		}
		return fmt.Errorf("frame is not an Arrow IPC file: it must start with ARROW1\\0\\0 and end with ARROW1, starts with % x%s", head, hint)
	}
	reader, err := ipc.NewFileReader(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("Arrow file reader: %w", err)
	}
	defer func() { _ = reader.Close() }()
	schema := reader.Schema()
	var errs []error

	md := schema.Metadata()
	if got, ok := metadataValue(md, "refId"); !ok || (refID != "" && got != refID) {
		errs = append(errs, fmt.Errorf("schema metadata refId is %q (present: %v), want %q", got, ok, refID))
	}
	if _, ok := metadataValue(md, "name"); !ok {
		errs = append(errs, errors.New("schema metadata has no name key (the SDK always writes one, possibly empty)"))
	}
	if metaJSON, ok := metadataValue(md, "meta"); ok {
		var meta data.FrameMeta
		if err := strictUnmarshal([]byte(metaJSON), &meta); err != nil {
			errs = append(errs, fmt.Errorf("frame meta does not decode strictly into the SDK's FrameMeta (unknown keys are dropped before the browser sees them; wrong types fail the whole response): %w; meta=%s", err, metaJSON))
		}
	}

	for i, field := range schema.Fields() {
		if err := checkArrowField(field); err != nil {
			errs = append(errs, fmt.Errorf("field %d %q: %w", i, field.Name, err))
		}
	}

	for r := 0; r < reader.NumRecords(); r++ {
		record, err := reader.RecordBatchAt(r)
		if err != nil {
			errs = append(errs, fmt.Errorf("record batch %d: %w", r, err))
			continue
		}
		for i, field := range schema.Fields() {
			if err := checkArrowColumn(field, record.Column(i)); err != nil {
				errs = append(errs, fmt.Errorf("field %d %q, record batch %d: %w", i, field.Name, r, err))
			}
		}
	}
	return errors.Join(errs...)
}

func metadataValue(md arrow.Metadata, key string) (string, bool) {
	i := md.FindKey(key)
	if i < 0 {
		return "", false
	}
	return md.Values()[i], true
}

func checkArrowField(field arrow.Field) error {
	var errs []error
	switch dt := field.Type.(type) {
	case *arrow.StringType, *arrow.BinaryType, *arrow.BooleanType,
		*arrow.Int8Type, *arrow.Int16Type, *arrow.Int32Type, *arrow.Int64Type,
		*arrow.Uint8Type, *arrow.Uint16Type, *arrow.Uint32Type, *arrow.Uint64Type,
		*arrow.Float32Type, *arrow.Float64Type:
	case *arrow.TimestampType:
		if dt.Unit != arrow.Nanosecond {
			errs = append(errs, fmt.Errorf("timestamp unit is %s; Grafana reads every timestamp as nanoseconds, so it must be Timestamp(NANOSECOND)", dt.Unit))
		}
	case *arrow.DictionaryType:
		errs = append(errs, fmt.Errorf("type %s: Grafana cannot decode dictionary-encoded columns (apache-arrow infers them for strings); use Utf8", dt))
	default:
		errs = append(errs, fmt.Errorf("type %s is not one Grafana's SDK decodes (Utf8, Binary, Bool, Int/Uint 8-64, Float32/64, Timestamp(ns))", field.Type))
	}
	if labels, ok := metadataValue(field.Metadata, "labels"); ok && labels != "" {
		var l map[string]string
		if err := strictUnmarshal([]byte(labels), &l); err != nil {
			errs = append(errs, fmt.Errorf("labels must be a JSON object of strings: %w; labels=%s", err, labels))
		}
	}
	if config, ok := metadataValue(field.Metadata, "config"); ok && config != "" {
		var fc data.FieldConfig
		if err := strictUnmarshal([]byte(config), &fc); err != nil {
			errs = append(errs, fmt.Errorf("config does not decode strictly into the SDK's FieldConfig: %w; config=%s", err, config))
		}
	}
	if tstype, ok := metadataValue(field.Metadata, "tstype"); ok {
		switch tstype {
		case "time", "number", "boolean", "string", "other", "enum":
		default:
			errs = append(errs, fmt.Errorf("tstype %q is not a frontend field type", tstype))
		}
	}
	return errors.Join(errs...)
}

func checkArrowColumn(field arrow.Field, col arrow.Array) error {
	if col.NullN() > 0 && !field.Nullable {
		return fmt.Errorf("%d null(s) in a field declared non-nullable: Grafana ignores the validity bitmap and shows zero values", col.NullN())
	}
	switch c := col.(type) {
	case *array.Timestamp:
		for i := 0; i < c.Len(); i++ {
			if c.IsNull(i) {
				continue
			}
			t := time.Unix(0, int64(c.Value(i))).UTC()
			if t.Before(earliestPlausibleTime) {
				return fmt.Errorf("row %d is %s: a nanosecond column holding milliseconds or seconds", i, t.Format(time.RFC3339Nano))
			}
		}
	case *array.Binary:
		for i := 0; i < c.Len(); i++ {
			if !c.IsNull(i) && !json.Valid(c.Value(i)) {
				return fmt.Errorf("row %d is not valid JSON (Binary columns are json.RawMessage in Grafana): %q", i, c.Value(i))
			}
		}
	}
	return nil
}

// strictUnmarshal decodes like encoding/json but refuses keys the target type does not have.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

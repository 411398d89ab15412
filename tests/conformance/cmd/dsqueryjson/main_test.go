package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"google.golang.org/protobuf/proto"
)

// The oracle: a frame the SDK wrote as Arrow and the same frame as the SDK wrote it in JSON (its own golden files,
// copied unchanged into tests/fixtures/grafana-sdk). It holds every field type, nulls, NaN, +Inf and -Inf, times
// with nanoseconds, labels, field config and frame meta.
const fixtures = "../../../fixtures/grafana-sdk"

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return b
}

// decodeJSON keeps numbers as written, so that int64 and float values compare without rounding.
func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	decoder := json.NewDecoder(bytes.NewReader(b))
	decoder.UseNumber()
	var v any
	if err := decoder.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// sameNumber compares JSON numbers by value: the golden file went through a formatter that writes 3.4028235e38 for
// the SDK's 3.4028235e+38.
var sameNumber = cmp.Comparer(func(a, b json.Number) bool {
	x, _, errX := big.ParseFloat(string(a), 10, 256, big.ToNearestEven)
	y, _, errY := big.ParseFloat(string(b), 10, 256, big.ToNearestEven)
	return errX == nil && errY == nil && x.Cmp(y) == 0
})

// withoutNullMinMax drops `"min": null` and `"max": null` from the field configs of a frame's JSON. The golden JSON
// was written from the frame built in Go, where min and max are NaN (written as null); the Arrow file carries the
// same nulls, and unmarshalling a null leaves the SDK's *ConfFloat64 nil, which its JSON omits. So Grafana's answer,
// which goes through Arrow, never has them.
func withoutNullMinMax(frame any) any {
	for _, field := range frame.(map[string]any)["schema"].(map[string]any)["fields"].([]any) {
		if config, ok := field.(map[string]any)["config"].(map[string]any); ok {
			for _, key := range []string{"min", "max"} {
				if value, present := config[key]; present && value == nil {
					delete(config, key)
				}
			}
		}
	}
	return frame
}

// noRefIDFrame is an Arrow frame whose refId is empty, as a plugin may send it.
func noRefIDFrame(t *testing.T) []byte {
	t.Helper()
	frame := data.NewFrame("count", data.NewField("value", nil, []float64{1, 2}))
	b, err := frame.MarshalArrow()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func marshalResponse(t *testing.T, responses map[string]*pluginv2.DataResponse) []byte {
	t.Helper()
	b, err := proto.Marshal(&pluginv2.QueryDataResponse{Responses: responses})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFramesAreWrittenAsTheSDKWritesThem(t *testing.T) {
	status, body, err := Answer(marshalResponse(t, map[string]*pluginv2.DataResponse{
		"A": {Frames: [][]byte{readFixture(t, "all_types.golden.arrow")}, Status: 200},
	}))
	if err != nil || status != 200 {
		t.Fatalf("status %d, error %v", status, err)
	}
	if !bytes.HasSuffix(body, []byte("}\n")) || bytes.Count(body, []byte("\n")) != 1 {
		t.Fatalf("the body is one JSON document ended by the encoder's newline: %q", body[max(0, len(body)-20):])
	}
	answer := decodeJSON(t, body).(map[string]any)
	result := answer["results"].(map[string]any)["A"].(map[string]any)
	if result["status"] != json.Number("200") {
		t.Errorf("status of A: %v", result["status"])
	}
	frames := result["frames"].([]any)
	if len(frames) != 1 {
		t.Fatalf("frames of A: %d", len(frames))
	}
	if diff := cmp.Diff(withoutNullMinMax(decodeJSON(t, readFixture(t, "all_types.golden.json"))), frames[0], sameNumber); diff != "" {
		t.Errorf("frame differs from the SDK's golden JSON (-golden +hop):\n%s", diff)
	}
}

func TestAFailedQueryMakesTheAnswer400AndKeepsTheOthers(t *testing.T) {
	status, body, err := Answer(marshalResponse(t, map[string]*pluginv2.DataResponse{
		"A": {Frames: [][]byte{noRefIDFrame(t)}, Status: 200},
		"B": {Error: `unknown metric "nope"`, Status: 400, ErrorSource: "downstream"},
	}))
	if err != nil || status != 400 {
		t.Fatalf("status %d (want 400, as pkg/api/ds_query.go answers when one query failed), error %v", status, err)
	}
	results := decodeJSON(t, body).(map[string]any)["results"].(map[string]any)
	// frames is [] rather than absent: the SDK's FromProto gives every response a frame slice.
	want := map[string]any{
		"error":       `unknown metric "nope"`,
		"errorSource": "downstream",
		"status":      json.Number("400"),
		"frames":      []any{},
	}
	if diff := cmp.Diff(want, results["B"]); diff != "" {
		t.Errorf("failed result (-want +got):\n%s", diff)
	}
	frame := results["A"].(map[string]any)["frames"].([]any)[0].(map[string]any)
	if refID := frame["schema"].(map[string]any)["refId"]; refID != "A" {
		t.Errorf("a frame without refId takes its response's (pkg/plugins/manager/client/client.go): got %v", refID)
	}
}

func TestServeAnswersEveryLineInOrder(t *testing.T) {
	ok := marshalResponse(t, map[string]*pluginv2.DataResponse{"A": {Frames: [][]byte{noRefIDFrame(t)}, Status: 200}})
	failed := marshalResponse(t, map[string]*pluginv2.DataResponse{"A": {Error: "boom", Status: 500}})
	input := strings.Join([]string{
		base64.StdEncoding.EncodeToString(ok),
		"not base64!",
		base64.StdEncoding.EncodeToString(failed),
		base64.StdEncoding.EncodeToString([]byte{0xff, 0xff}), // not a QueryDataResponse
	}, "\n") + "\n"
	var out, errs bytes.Buffer
	if err := serve(strings.NewReader(input), &out, &errs); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 answer lines, got %d:\n%s", len(lines), out.String())
	}
	for i, prefix := range []string{`200 {"results":{"A":{"status":200,"frames":[`, `500 {"message":"Query data error"}`, `400 {"results":{"A":{"error":"boom","errorSource":"","status":500,"frames":[]}}}`, `500 {"message":"Query data error"}`} {
		if !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("line %d: want prefix %s, got %s", i+1, prefix, lines[i])
		}
	}
	if got := strings.Count(errs.String(), "dsqueryjson:"); got != 2 {
		t.Errorf("want the two unreadable answers explained on stderr, got:\n%s", errs.String())
	}
}

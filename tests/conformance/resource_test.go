package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

type resourceCase struct {
	name   string
	method string
	path   string
	query  string
	status int
	check  func(body map[string]any) error
}

func resourceCases() []resourceCase {
	rangeQuery := fmt.Sprintf("from=%d&to=%d", window.From.UnixMilli(), window.To.UnixMilli())
	return []resourceCase{
		{name: "metrics catalog", method: "GET", path: "metrics", status: 200, check: func(b map[string]any) error {
			metrics, _ := b["metrics"].([]any)
			if len(metrics) == 0 {
				return fmt.Errorf("no metrics: %v", b)
			}
			found := false
			for _, m := range metrics {
				m, _ := m.(map[string]any)
				aggs, _ := m["aggregations"].([]any)
				if m["id"] == nil || len(aggs) == 0 || !slices.Contains(aggs, m["defaultAggregation"]) {
					return fmt.Errorf("catalog entry without id, aggregations or a default among them: %v", m)
				}
				found = found || m["id"] == "job.completed"
			}
			if !found {
				return fmt.Errorf("job.completed is not in the catalog")
			}
			return nil
		}},
		{name: "unknown path", method: "GET", path: "no/such/route", status: 404, check: hasError},
		{name: "write method", method: "POST", path: "metrics", status: 405, check: hasError},
		{name: "dimension values", method: "GET", path: "dimensions/mode/values", query: rangeQuery, status: 200, check: func(b map[string]any) error {
			values, _ := b["values"].([]any)
			got := make([]string, len(values))
			for i, v := range values {
				got[i], _ = v.(string)
			}
			if b["dimension"] != "mode" || !sameStrings(got, []string{"genius", "mechanic"}) {
				return fmt.Errorf("want mode values genius and mechanic in the window, got %v", b)
			}
			return nil
		}},
		{name: "sql schema", method: "GET", path: "sql/schema", status: 200, check: func(b map[string]any) error {
			tables, _ := b["tables"].([]any)
			for _, tb := range tables {
				if tb, _ := tb.(map[string]any); tb["name"] == "ledger_events" {
					return nil
				}
			}
			return fmt.Errorf("ledger_events is not among the tables: %v", b)
		}},
		{name: "job detail", method: "GET", path: "jobs/job-0", status: 200, check: func(b map[string]any) error {
			job, _ := b["job"].(map[string]any)
			if job["id"] != "job-0" || job["status"] != "completed" || job["mode"] != "genius" || job["workerId"] != "worker-1" {
				return fmt.Errorf("job-0 should be a completed genius job on worker-1: %v", job)
			}
			return nil
		}},
		{name: "unknown job", method: "GET", path: "jobs/no-such-job", status: 404, check: hasError},
	}
}

func hasError(b map[string]any) error {
	if msg, _ := b["error"].(string); msg == "" {
		return fmt.Errorf("error bodies are {\"error\": \"…\"}, got %v", b)
	}
	return nil
}

func sameStrings(a, b []string) bool {
	return strings.Join(sorted(a), "\x00") == strings.Join(sorted(b), "\x00")
}

// TestCallResource: resource calls as Grafana's /api/datasources/uid/<uid>/resources/<path> makes them (path
// without a leading slash, url with the raw query, forwarded headers), answered as Grafana's HTTP response sender
// writes them (status and headers from the first message).
func TestCallResource(t *testing.T) {
	p := plugin(t)
	ds := datasource(t)
	for _, tc := range resourceCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := tc.path
			if tc.query != "" {
				url += "?" + tc.query
			}
			req := &backend.CallResourceRequest{
				PluginContext: ds.PluginContext(),
				Path:          tc.path,
				Method:        tc.method,
				URL:           url,
				Headers: map[string][]string{
					"Accept":           {"application/json, text/plain, */*"},
					"X-Grafana-Org-Id": {"1"},
					"X-Forwarded-For":  {"127.0.0.1"},
				},
			}
			if tc.method != "GET" {
				req.Body = []byte(`{}`)
				req.Headers["Content-Type"] = []string{"application/json"}
			}
			res, err := p.CallResource(ctxFor(t, 15*time.Second), req)
			if err != nil {
				t.Fatalf("CallResource failed as a call (Grafana answers 500 \"Failed to call resource\"): %v", err)
			}
			if res.Messages == 0 {
				t.Fatal("the stream ended without a message")
			}
			var body map[string]any
			jsonErr := json.Unmarshal(res.Body, &body)
			if res.Status != tc.status {
				t.Errorf("status %d, want %d: %s", res.Status, tc.status, res.Body)
			}
			contentType := headerValue(res.Headers, "Content-Type")
			if !strings.HasPrefix(contentType, "application/json") {
				t.Errorf("Content-Type %q, want application/json (headers %v)", contentType, res.Headers)
			}
			if jsonErr != nil {
				t.Fatalf("body is not a JSON object: %v: %.300s", jsonErr, res.Body)
			}
			if tc.check != nil {
				if err := tc.check(body); err != nil {
					t.Error(err)
				}
			}
			if res.Status == http.StatusMethodNotAllowed && headerValue(res.Headers, "Allow") == "" {
				t.Errorf("405 without an Allow header (RFC 9110 §15.5.6: a 405 lists the allowed methods)")
			}
		})
	}
}

// headerValue looks a header up the way Grafana's response writer will see it (it canonicalises keys on write).
func headerValue(headers map[string][]string, name string) string {
	for k, v := range headers {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

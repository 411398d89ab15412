package conformance

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/grafanahost"
)

// TestCollectMetrics: Grafana serves the payload unchanged at /api/plugins/<id>/metrics for Prometheus to scrape,
// so it must be valid Prometheus text exposition, and count the requests the plugin handled.
func TestCollectMetrics(t *testing.T) {
	p := plugin(t)
	ds := datasource(t)
	ctx := ctxFor(t, 30*time.Second)

	// One request of each kind first, so their counters exist whatever order the tests ran in.
	if _, err := p.CheckHealth(ctx, &backend.CheckHealthRequest{PluginContext: ds.PluginContext()}); err != nil {
		t.Fatalf("CheckHealth: %v", err)
	}
	if _, err := p.CallResource(ctx, &backend.CallResourceRequest{PluginContext: ds.PluginContext(), Path: "metrics", Method: "GET", URL: "metrics"}); err != nil {
		t.Fatalf("CallResource: %v", err)
	}
	runQueries(t, p, ds.QueryDataRequest(nil, grafanahost.Query{RefID: "A", Model: metricsQuery("count", "instant"), From: window.From, To: window.To, Interval: hour}))

	res, err := p.CollectMetrics(ctx)
	if err != nil {
		t.Fatalf("CollectMetrics: %v", err)
	}
	if len(res.PrometheusMetrics) == 0 {
		t.Fatal("CollectMetrics returned no metrics")
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(res.PrometheusMetrics))
	if err != nil {
		t.Fatalf("not valid Prometheus text exposition: %v\n%.2000s", err, res.PrometheusMetrics)
	}
	t.Logf("%d metric families", len(families))

	requests := families["ledger_plugin_requests_total"]
	if requests == nil || requests.GetType() != dto.MetricType_COUNTER {
		t.Fatalf("no counter ledger_plugin_requests_total; families: %v", familyNames(families))
	}
	byEndpoint := map[string]float64{}
	for _, m := range requests.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "endpoint" {
				byEndpoint[l.GetValue()] += m.GetCounter().GetValue()
			}
		}
	}
	for _, endpoint := range []string{"queryData", "checkHealth", "callResource"} {
		if byEndpoint[endpoint] < 1 {
			t.Errorf("ledger_plugin_requests_total{endpoint=%q} is %v after such a request (all: %v)", endpoint, byEndpoint[endpoint], byEndpoint)
		}
	}
	if d := families["ledger_plugin_request_duration_seconds"]; d == nil || d.GetType() != dto.MetricType_HISTOGRAM {
		t.Errorf("no histogram ledger_plugin_request_duration_seconds")
	}
	processMetric := false
	for name := range families {
		processMetric = processMetric || strings.HasPrefix(name, "ledger_plugin_process_")
	}
	if !processMetric {
		t.Errorf("no process metrics (ledger_plugin_process_*); families: %v", familyNames(families))
	}
}

func familyNames(families map[string]*dto.MetricFamily) []string {
	names := make([]string, 0, len(families))
	for n := range families {
		names = append(names, n)
	}
	return sorted(names)
}

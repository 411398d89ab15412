package grafanahost

import (
	"encoding/json"
	"maps"
	"net"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/useragent"
)

// Datasource is a Ledger datasource as saved in Grafana (src/contract/settings.ts): `url` is host:port, `user`,
// jsonData {database, sslmode, …}, secureJsonData {password}.
type Datasource struct {
	ID       int64
	UID      string
	Name     string
	Host     string
	Port     int
	User     string
	Password string
	Database string
	// JSONData is merged over {database, sslmode: "disable"}.
	JSONData map[string]any
	Updated  time.Time
}

// PluginContext is what Grafana sends with every call about this datasource.
func (d Datasource) PluginContext() backend.PluginContext {
	jsonData := map[string]any{"database": d.Database, "sslmode": "disable"}
	maps.Copy(jsonData, d.JSONData)
	raw, _ := json.Marshal(jsonData)
	secure := map[string]string{}
	if d.Password != "" {
		secure["password"] = d.Password
	}
	updated := d.Updated
	if updated.IsZero() {
		updated = time.UnixMilli(1_764_000_000_000)
	}
	ua, _ := useragent.New("12.4.0", "linux", "amd64")
	return backend.PluginContext{
		OrgID:         1,
		PluginID:      PluginID,
		PluginVersion: "0.1.0",
		User:          &backend.User{Login: "admin", Name: "Admin", Email: "admin@example.com", Role: "Admin"},
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			ID:                      d.ID,
			UID:                     d.UID,
			Type:                    PluginID,
			Name:                    d.Name,
			URL:                     d.hostPort(),
			User:                    d.User,
			JSONData:                raw,
			DecryptedSecureJSONData: secure,
			Updated:                 updated,
			APIVersion:              "v0alpha1",
		},
		GrafanaConfig: backend.NewGrafanaCfg(map[string]string{
			"GF_APP_URL":                   "http://localhost:3000/",
			"GF_CONCURRENT_QUERY_COUNT":    "4",
			"GF_USER_FACING_DEFAULT_ERROR": "Please inspect the Grafana server log for details.",
			"GF_SQL_ROW_LIMIT":             "1000000",
		}),
		UserAgent: ua,
	}
}

func (d Datasource) hostPort() string {
	return net.JoinHostPort(d.Host, strconv.Itoa(d.Port))
}

// Query is a query as a panel sends it to /api/ds/query; Grafana's query service turns it into a DataQuery whose
// JSON is the whole object (refId, datasource, intervalMs, maxDataPoints, queryType and the model's own fields).
type Query struct {
	RefID         string
	Model         map[string]any
	From, To      time.Time
	Interval      time.Duration
	MaxDataPoints int64
}

// DataQuery converts q the way pkg/services/query parseMetricRequest does.
func (q Query) DataQuery(datasourceUID string) backend.DataQuery {
	interval := q.Interval
	if interval == 0 {
		interval = time.Second
	}
	maxDataPoints := q.MaxDataPoints
	if maxDataPoints == 0 {
		maxDataPoints = 100
	}
	model := map[string]any{
		"refId":         q.RefID,
		"datasource":    map[string]any{"type": PluginID, "uid": datasourceUID},
		"intervalMs":    interval.Milliseconds(),
		"maxDataPoints": maxDataPoints,
	}
	maps.Copy(model, q.Model)
	raw, _ := json.Marshal(model)
	queryType, _ := q.Model["queryType"].(string)
	return backend.DataQuery{
		RefID:         q.RefID,
		QueryType:     queryType,
		MaxDataPoints: maxDataPoints,
		Interval:      interval,
		TimeRange:     backend.TimeRange{From: q.From, To: q.To},
		JSON:          raw,
	}
}

// QueryDataRequest builds a request for the datasource. Headers are what Grafana forwards (http_-prefixed browser
// headers) or what alerting sets (FromAlert, X-Rule-Uid, …).
func (d Datasource) QueryDataRequest(headers map[string]string, queries ...Query) *backend.QueryDataRequest {
	req := &backend.QueryDataRequest{PluginContext: d.PluginContext(), Headers: map[string]string{}}
	maps.Copy(req.Headers, headers)
	for _, q := range queries {
		req.Queries = append(req.Queries, q.DataQuery(d.UID))
	}
	return req
}

// AlertingHeaders are the headers Grafana's alert evaluation adds to QueryData (ngalert eval.go).
func AlertingHeaders(ruleUID string) map[string]string {
	return map[string]string{
		"FromAlert":        "true",
		"X-Cache-Skip":     "true",
		"X-Rule-Uid":       ruleUID,
		"X-Grafana-Org-Id": "1",
	}
}

// BrowserHeaders are headers a dashboard request forwards (http_ prefix, as pluginclient does).
func BrowserHeaders() map[string]string {
	return map[string]string{
		"http_X-Grafana-Org-Id": "1",
		"http_X-Dashboard-Uid":  "ledger-overview",
		"http_X-Panel-Id":       "2",
	}
}

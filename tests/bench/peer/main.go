// Command peer is the benchmarks' fair peer (issue #14): a Grafana backend datasource for plain SQL on the ledger
// database, built the way Grafana's own SQL datasources are: served with the plugin SDK (datasource.Manage over
// go-plugin), each query `{rawSql, format}` run through database/sql on pgx, the rows made a frame by the SDK's
// sqlutil.FrameFromRows, a numeric "time" column turned into timestamps, and a long time series turned wide with
// data.LongToWide, as grafana-postgresql-datasource's sqleng does. Macros: see macros.go.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/data/sqlutil"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// rowLimit is Grafana's default for SQL datasources ([dataproxy] row_limit).
const rowLimit = 1_000_000

type settings struct {
	Database     string `json:"database"`
	SSLMode      string `json:"sslmode"`
	MaxOpenConns int    `json:"maxOpenConns"`
}

type peer struct{ db *sql.DB }

func newPeer(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	var js settings
	if err := json.Unmarshal(s.JSONData, &js); err != nil {
		return nil, fmt.Errorf("jsonData: %w", err)
	}
	if js.SSLMode == "" {
		js.SSLMode = "require"
	}
	dsn := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(s.User, s.DecryptedSecureJSONData["password"]),
		Host:     s.URL,
		Path:     "/" + js.Database,
		RawQuery: "sslmode=" + url.QueryEscape(js.SSLMode),
	}
	db, err := sql.Open("pgx", dsn.String())
	if err != nil {
		return nil, err
	}
	// Grafana's PostgreSQL datasource defaults: 100 open and idle connections, 4 h lifetime.
	open := js.MaxOpenConns
	if open <= 0 {
		open = 100
	}
	db.SetMaxOpenConns(open)
	db.SetMaxIdleConns(open)
	db.SetConnMaxLifetime(4 * time.Hour)
	return &peer{db: db}, nil
}

func (p *peer) Dispose() { _ = p.db.Close() }

type queryModel struct {
	RawSQL string `json:"rawSql"`
	Format string `json:"format"`
}

func (p *peer) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	response := backend.NewQueryDataResponse()
	// Grafana's sqleng runs a request's queries concurrently, one goroutine each.
	type answer struct {
		refID string
		res   backend.DataResponse
	}
	answers := make(chan answer, len(req.Queries))
	for _, q := range req.Queries {
		go func(q backend.DataQuery) { answers <- answer{q.RefID, p.query(ctx, q)} }(q)
	}
	for range req.Queries {
		a := <-answers
		response.Responses[a.refID] = a.res
	}
	return response, nil
}

func (p *peer) query(ctx context.Context, q backend.DataQuery) backend.DataResponse {
	var model queryModel
	if err := json.Unmarshal(q.JSON, &model); err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, "query json: "+err.Error())
	}
	text, err := interpolate(model.RawSQL, q)
	if err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, err.Error())
	}
	rows, err := p.db.QueryContext(ctx, text)
	if err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, err.Error())
	}
	defer rows.Close()
	frame, err := sqlutil.FrameFromRows(rows, rowLimit)
	if err != nil {
		return backend.ErrDataResponse(backend.StatusInternal, err.Error())
	}
	if err := timeColumnToTime(frame); err != nil {
		return backend.ErrDataResponse(backend.StatusInternal, err.Error())
	}
	frame.Meta = &data.FrameMeta{ExecutedQueryString: text}
	// sqleng answers no rows with the empty frame as it is: LongToWide rejects a frame without rows
	if model.Format == "time_series" && frame.Rows() > 0 && frame.TimeSeriesSchema().Type == data.TimeSeriesTypeLong {
		wide, err := data.LongToWide(frame, nil)
		if err != nil {
			return backend.ErrDataResponse(backend.StatusInternal, err.Error())
		}
		frame = wide
	}
	return backend.DataResponse{Frames: data.Frames{frame}}
}

// timeColumnToTime converts a numeric column named "time" (epoch seconds, what $__timeGroupAlias yields) into
// timestamps, as sqleng's ConvertSqlTimeColumnToEpochMs does.
func timeColumnToTime(frame *data.Frame) error {
	for i, field := range frame.Fields {
		if field.Name != "time" {
			continue
		}
		var seconds func(row int) (float64, bool)
		switch field.Type() {
		case data.FieldTypeFloat64:
			seconds = func(row int) (float64, bool) { return field.At(row).(float64), true }
		case data.FieldTypeNullableFloat64:
			seconds = func(row int) (float64, bool) {
				v := field.At(row).(*float64)
				if v == nil {
					return 0, false
				}
				return *v, true
			}
		default:
			return nil
		}
		times := make([]*time.Time, field.Len())
		for row := range times {
			if s, ok := seconds(row); ok {
				t := time.UnixMilli(int64(s * 1000)).UTC()
				times[row] = &t
			}
		}
		frame.Fields[i] = data.NewField("time", field.Labels, times)
	}
	return nil
}

func main() {
	if err := datasource.Manage("bench-peer-postgres", newPeer, datasource.ManageOpts{}); err != nil {
		backend.Logger.Error("peer stopped", "error", err.Error())
		os.Exit(1)
	}
}

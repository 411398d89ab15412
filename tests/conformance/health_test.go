package conformance

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/grafanahost"
)

// TestCheckHealth is "Save & test": GET /api/datasources/uid/<uid>/health answers 200 only for OK, and decodes
// jsonDetails into a map (anything but a JSON object is an HTTP 500 there).
func TestCheckHealth(t *testing.T) { checkHealth(t, plugin(t)) }

// checkHealth runs the checks of TestCheckHealth against plugin p (also run in the root without glibc).
func checkHealth(t *testing.T, p *grafanahost.Plugin) {
	ds := datasource(t)
	l := seededLedger(t)

	admin, _ := url.Parse(l.AdminURL)
	adminPassword, _ := admin.User.Password()
	asOwner := ds
	asOwner.UID, asOwner.User, asOwner.Password = "ledger-owner", admin.User.Username(), adminPassword
	unreachable := ds
	unreachable.UID, unreachable.Port = "ledger-unreachable", closedPort(t)
	wrongPassword := ds
	wrongPassword.UID, wrongPassword.Password = "ledger-bad-password", "definitely-not-the-password"
	noSchema := ds
	noSchema.UID, noSchema.Database = "ledger-empty", l.EmptyDatabase
	badSettings := ds
	badSettings.UID, badSettings.JSONData = "ledger-bad-settings", map[string]any{"maxOpenConns": "lots"}

	type detailsCheck func(map[string]any) error
	cases := []struct {
		name    string
		ds      grafanahost.Datasource
		status  backend.HealthStatus
		says    []*regexp.Regexp
		details detailsCheck
	}{
		{"healthy, read-only role", ds, backend.HealthStatusOk,
			[]*regexp.Regexp{regexp.MustCompile(`Connected to PostgreSQL \d+`), regexp.MustCompile(`ledger schema v\d+`)},
			func(d map[string]any) error {
				if _, ok := d["schemaVersion"].(float64); !ok {
					return fmt.Errorf("details.schemaVersion is not a number: %v", d["schemaVersion"])
				}
				if d["readOnlyRole"] != true {
					return fmt.Errorf("details.readOnlyRole is %v for a member of ledger_reader", d["readOnlyRole"])
				}
				return nil
			}},
		{"healthy, but the user can write", asOwner, backend.HealthStatusOk,
			[]*regexp.Regexp{regexp.MustCompile(`Connected to PostgreSQL`), regexp.MustCompile(`can write`)},
			func(d map[string]any) error {
				if d["readOnlyRole"] != false {
					return fmt.Errorf("details.readOnlyRole is %v for the schema owner", d["readOnlyRole"])
				}
				return nil
			}},
		{"database unreachable", unreachable, backend.HealthStatusError,
			[]*regexp.Regexp{regexp.MustCompile(regexp.QuoteMeta(fmt.Sprintf("127.0.0.1:%d", unreachable.Port))), regexp.MustCompile(`(?i)cannot reach|refused`)}, nil},
		{"wrong password", wrongPassword, backend.HealthStatusError,
			[]*regexp.Regexp{regexp.MustCompile(`authentication failed`), regexp.MustCompile(regexp.QuoteMeta(ds.User))}, nil},
		{"schema missing", noSchema, backend.HealthStatusError,
			[]*regexp.Regexp{regexp.MustCompile(`schema is not installed`), regexp.MustCompile(`migrat`)}, nil},
		{"invalid settings", badSettings, backend.HealthStatusError,
			[]*regexp.Regexp{regexp.MustCompile(`maxOpenConns`)}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			began := time.Now()
			res, err := p.CheckHealth(ctxFor(t, 30*time.Second), &backend.CheckHealthRequest{PluginContext: tc.ds.PluginContext()})
			if err != nil {
				t.Fatalf("CheckHealth failed as a call (Grafana answers HTTP 500): %v", err)
			}
			t.Logf("%s in %s: %s", res.Status, time.Since(began).Round(time.Millisecond), res.Message)
			if res.Status != tc.status {
				t.Errorf("status %s, want %s: %s", res.Status, tc.status, res.Message)
			}
			for _, re := range tc.says {
				if !re.MatchString(res.Message) {
					t.Errorf("message %q does not match %s", res.Message, re)
				}
			}
			for _, secret := range []string{tc.ds.Password, ds.Password, "definitely-not-the-password"} {
				if secret != "" && strings.Contains(res.Message+string(res.JSONDetails), secret) {
					t.Errorf("the health result shows a password: %q %s", res.Message, res.JSONDetails)
				}
			}
			var details map[string]any
			if len(res.JSONDetails) > 0 {
				if err := json.Unmarshal(res.JSONDetails, &details); err != nil {
					t.Errorf("jsonDetails is not a JSON object (Grafana answers HTTP 500 \"Failed to unmarshal detailed response\"): %v: %s", err, res.JSONDetails)
				}
			}
			if tc.details != nil {
				if err := tc.details(details); err != nil {
					t.Errorf("%v (details %s)", err, res.JSONDetails)
				}
			}
			if took := time.Since(began); took > 10*time.Second {
				t.Errorf("took %s; Save & test must answer quickly (connectTimeoutMs is 3000)", took)
			}
		})
	}
}

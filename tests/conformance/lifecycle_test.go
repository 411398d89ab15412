package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/grafanahost"
)

// go-plugin parses @timestamp with "2006-01-02T15:04:05.000000Z07:00"; anything else turns the line into raw text.
var hclogTimestamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$`)

// shutdownProblems lists what went wrong when go-plugin's Kill stopped the process (Grafana's grpcPlugin.Stop).
func shutdownProblems(p *grafanahost.Plugin, took time.Duration) []string {
	var problems []string
	if took >= 2*time.Second {
		problems = append(problems, fmt.Sprintf("Kill took %s: go-plugin waited its 2 s grace period and then SIGKILLed the process", took))
	}
	if found := p.Logs.Find("failed to exit gracefully"); len(found) > 0 {
		problems = append(problems, fmt.Sprintf("go-plugin logged %q", found[0].Message))
	}
	for _, e := range p.Logs.Find("plugin process exited") {
		if e.Level == hclog.Error {
			problems = append(problems, fmt.Sprintf("the process exited with an error (Grafana logs it at ERROR): %v", e.Args["error"]))
		}
	}
	if err := syscall.Kill(p.Pid, 0); !errors.Is(err, syscall.ESRCH) {
		problems = append(problems, fmt.Sprintf("process %d still exists after Kill returned (signal 0: %v)", p.Pid, err))
	}
	if !p.Exited() {
		problems = append(problems, "go-plugin does not report the process as exited")
	}
	if p.Addr != nil && p.Addr.Network() == "unix" {
		if _, err := os.Stat(p.Addr.String()); err == nil {
			problems = append(problems, fmt.Sprintf("the unix socket %s was left behind", p.Addr.String()))
		}
	}
	return problems
}

// logProblems lists plugin stderr lines that Grafana would not log as structured lines at their own level.
func logProblems(p *grafanahost.Plugin) []string {
	var problems []string
	raw := p.Logs.RawStderr()
	for i, line := range raw {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			problems = append(problems, fmt.Sprintf("stderr line %d is not JSON (Grafana logs it verbatim at DEBUG): %q", i, line))
			continue
		}
		ts, _ := entry["@timestamp"].(string)
		if _, has := entry["@timestamp"]; has && !hclogTimestamp.MatchString(ts) {
			problems = append(problems, fmt.Sprintf("stderr line %d: @timestamp %q does not have go-plugin's 6-digit layout", i, ts))
		}
		level, _ := entry["@level"].(string)
		if hclog.LevelFromString(level) == hclog.NoLevel || level != strings.ToLower(level) {
			problems = append(problems, fmt.Sprintf("stderr line %d: @level %q is not an hclog level (trace, debug, info, warn, error)", i, level))
		}
		if msg, _ := entry["@message"].(string); msg == "" {
			problems = append(problems, fmt.Sprintf("stderr line %d has no @message", i))
		}
	}
	entries := p.Logs.PluginEntries(p.Executable)
	for _, e := range entries {
		if !e.ParsedFromJSON() {
			problems = append(problems, fmt.Sprintf("go-plugin did not recognise a plugin line as hclog JSON; Grafana logs it as raw text at %s: %q", e.Level, e.Message))
		}
		if strings.Contains(e.Message, "uncaught exception") || strings.Contains(e.Message, "unhandled promise rejection") || strings.HasPrefix(e.Message, "panic: ") {
			problems = append(problems, fmt.Sprintf("the plugin crashed: %s", e))
		}
	}
	if len(entries) != len(raw) {
		problems = append(problems, fmt.Sprintf("%d stderr lines became %d log entries", len(raw), len(entries)))
	}
	return problems
}

func TestHandshakeAndPing(t *testing.T) {
	p := plugin(t)
	t.Logf("spawn to connected client: %s", p.Started)

	if v := p.NegotiatedVersion(); v != 2 {
		t.Errorf("negotiated protocol version %d, Grafana needs 2", v)
	}
	if proto := p.Protocol(); proto != goplugin.ProtocolGRPC {
		t.Errorf("protocol %q, Grafana allows only grpc", proto)
	}
	if p.Addr == nil || p.Addr.Network() != "unix" {
		t.Fatalf("handshake address %v: want a unix socket", p.Addr)
	}
	info, err := os.Stat(p.Addr.String())
	if err != nil {
		t.Fatalf("socket from the handshake line: %v", err)
	}
	if info.Mode()&os.ModeSocket == 0 || info.Mode().Perm() != 0o600 {
		t.Errorf("socket %s has mode %s, want a socket readable by its owner only (0600): any local user could query the ledger otherwise", p.Addr, info.Mode())
	}
	if err := p.Ping(); err != nil {
		t.Errorf("go-plugin Ping (grpc.health.v1 Check for service \"plugin\"): %v", err)
	}
	if p.Exited() {
		t.Error("process exited after the handshake")
	}
}

// TestLifecycle launches a second process the way Grafana before 12.4 does (its whole environment forwarded),
// checks that it ignores SIGINT (it shares Grafana's process group), and stops it as Grafana stops plugins.
func TestLifecycle(t *testing.T) {
	requireExecutable(t)
	p, err := grafanahost.Launch(grafanahost.Options{Executable: executable, ForwardHostEnv: true})
	if err != nil {
		t.Fatalf("launch with the host environment forwarded: %v", err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			p.Kill()
		}
	})
	if err := p.Ping(); err != nil {
		t.Fatalf("Ping: %v", err)
	}

	// A Ctrl-C in Grafana's terminal reaches the plugin too; go-plugin servers ignore SIGINT.
	if err := syscall.Kill(p.Pid, syscall.SIGINT); err != nil {
		t.Fatalf("SIGINT: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	if p.Exited() {
		t.Fatalf("the plugin exited on SIGINT; Grafana would restart it and fail in-flight queries\n%s", p.Logs.Dump())
	}
	if err := p.Ping(); err != nil {
		t.Fatalf("Ping after SIGINT: %v", err)
	}

	// Work that needs no database, so the process has something to log and to clean up.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := p.CallResource(ctx, &backend.CallResourceRequest{PluginContext: grafanahost.Datasource{UID: "x", Host: "127.0.0.1", Port: 1, Database: "x"}.PluginContext(), Path: "metrics", Method: "GET", URL: "metrics"}); err != nil {
		t.Errorf("CallResource: %v", err)
	}
	if _, err := p.CollectMetrics(ctx); err != nil {
		t.Errorf("CollectMetrics: %v", err)
	}

	took := p.Kill()
	killed = true
	t.Logf("go-plugin Kill took %s", took)
	for _, problem := range shutdownProblems(p, took) {
		t.Error(problem)
	}
	for _, problem := range logProblems(p) {
		t.Error(problem)
	}

	// Plugin lines arrive parsed, with their own level (not everything at DEBUG).
	levels := map[hclog.Level]int{}
	for _, e := range p.Logs.PluginEntries(p.Executable) {
		levels[e.Level]++
	}
	if levels[hclog.Info] == 0 {
		t.Errorf("no plugin line arrived at INFO (levels seen: %v); Grafana would hide start/stop lines at DEBUG", levels)
	}
	if started := p.Logs.Find("plugin started"); len(started) < 2 {
		t.Errorf("want go-plugin's and the plugin's own \"plugin started\" lines, got %v", started)
	}
	if t.Failed() {
		t.Log(p.Logs.Dump())
	}
}

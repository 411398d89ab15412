// Package grafanahost launches the Ledger backend the way Grafana's plugin manager does and calls it through the
// clients Grafana itself uses.
//
// The client configuration mirrors grafana/grafana pkg/plugins/backendplugin/grpcplugin/client.go (process mode):
// hashicorp/go-plugin's client, the SDK's handshake (protocol 2, cookie grafana_plugin_type=datasource), gRPC as
// the only allowed protocol, and the versioned plugin set Grafana dispenses from (diagnostics, resource, data,
// stream, admission, conversion). Calls go through the dispensed grafana-plugin-sdk-go grpcplugin clients and the
// SDK's backend.ToProto/FromProto conversions, as Grafana's ClientV2 (client_v2.go) does.
package grafanahost

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// PluginID is the id of the nested datasource (src/datasource/plugin.json).
const PluginID = "aicodeteam-ledger-datasource"

// Handshake is Grafana's handshake config: it is built from the SDK's constants, exactly as Grafana builds it.
var Handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  grpcplugin.ProtocolVersion,
	MagicCookieKey:   grpcplugin.MagicCookieKey,
	MagicCookieValue: grpcplugin.MagicCookieValue,
}

// VersionedPlugins is the plugin set Grafana offers: protocol version 2 only. Grafana's set also holds its internal
// renderer plugin, which a datasource never serves and which lives outside the SDK.
func VersionedPlugins() map[int]goplugin.PluginSet {
	return map[int]goplugin.PluginSet{
		grpcplugin.ProtocolVersion: {
			"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
			"resource":    &grpcplugin.ResourceGRPCPlugin{},
			"data":        &grpcplugin.DataGRPCPlugin{},
			"stream":      &grpcplugin.StreamGRPCPlugin{},
			"admission":   &grpcplugin.AdmissionGRPCPlugin{},
			"conversion":  &grpcplugin.ConversionGRPCPlugin{},
		},
	}
}

// GrafanaEnv is the environment Grafana's plugin manager builds for a plugin (pkg/plugins/envvars): its own
// variables only. go-plugin appends the cookie, PLUGIN_MIN_PORT/MAX_PORT and PLUGIN_PROTOCOL_VERSIONS itself.
func GrafanaEnv() []string {
	return []string{
		"GF_VERSION=12.4.0",
		"GF_EDITION=Open Source",
		"GF_PLUGIN_VERSION=0.1.0",
	}
}

// Options says how to launch the plugin.
type Options struct {
	// Executable is the plugin binary (dist/datasource/gpx_ledger_linux_amd64).
	Executable string
	// Env is what Grafana puts in cmd.Env; GrafanaEnv() when nil.
	Env []string
	// ForwardHostEnv appends this process's whole environment, as Grafana does by default before 12.4. When false
	// (Grafana 12.4+ with pluginsSkipHostEnvVars) the plugin sees only Env and go-plugin's variables.
	ForwardHostEnv bool
	// StartTimeout bounds the wait for the handshake line (go-plugin's default is 1 minute).
	StartTimeout time.Duration
	// Wrapper, when set, runs Executable through this command (tests/support/glibc-free-root.sh run …), which
	// enters the root file system Root and execs it there; Executable is then a path inside Root, and so is the
	// handshake's socket, which the host reaches under Root.
	Wrapper []string
	Root    string
}

// Plugin is a running plugin process and the clients Grafana would use to call it.
type Plugin struct {
	client *goplugin.Client
	rpc    goplugin.ClientProtocol

	Data        grpcplugin.DataClient
	Diagnostics grpcplugin.DiagnosticsClient
	Resource    grpcplugin.ResourceClient
	Stream      grpcplugin.StreamClient

	// Logs holds every line go-plugin logged for this process (its own, and the plugin's stderr as it parsed it).
	Logs *LogStore
	// Pid of the plugin process.
	Pid int
	// Addr is the address from the handshake line (a unix socket for our backend).
	Addr net.Addr
	// Started is how long Start took: spawn, handshake line, gRPC dial.
	Started time.Duration
	// Executable that was launched.
	Executable string
}

// Launch starts the plugin as Grafana does and dispenses Grafana's clients.
func Launch(opts Options) (*Plugin, error) {
	env := opts.Env
	if env == nil {
		env = GrafanaEnv()
	}
	logs := newLogStore()
	cmd := exec.Command(opts.Executable)
	cmd.Env = env
	startTimeout := opts.StartTimeout
	if startTimeout == 0 {
		startTimeout = 30 * time.Second
	}
	config := &goplugin.ClientConfig{
		Cmd:              cmd,
		HandshakeConfig:  Handshake,
		VersionedPlugins: VersionedPlugins(),
		SkipHostEnv:      !opts.ForwardHostEnv,
		Logger:           logs.logger(""),
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		StartTimeout:     startTimeout,
		// Grafana leaves Stderr unset (discarded); we keep the raw lines to show them when a test fails.
		Stderr: logs.rawStderr(),
	}
	if len(opts.Wrapper) > 0 {
		config.Cmd, config.RunnerFunc = nil, wrappedRunnerFunc(opts.Wrapper, opts.Root, cmd)
	}
	client := goplugin.NewClient(config)
	began := time.Now()
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("go-plugin could not start %s: %w\n%s", opts.Executable, err, logs.Dump())
	}
	p := &Plugin{client: client, rpc: rpc, Logs: logs, Started: time.Since(began), Executable: opts.Executable}
	if cfg := client.ReattachConfig(); cfg != nil {
		p.Pid = cfg.Pid
		p.Addr = cfg.Addr
	}
	// Grafana (grpc_plugin.go Start) refuses anything below protocol 2, then dispenses every client (client_v2.go).
	if client.NegotiatedVersion() < 2 {
		client.Kill()
		return nil, errors.New("plugin protocol version not supported")
	}
	raw := map[string]any{}
	for _, name := range []string{"diagnostics", "resource", "data", "admission", "conversion", "stream"} {
		dispensed, err := rpc.Dispense(name)
		if err != nil {
			client.Kill()
			return nil, fmt.Errorf("dispense %s: %w", name, err)
		}
		raw[name] = dispensed
	}
	p.Diagnostics, _ = raw["diagnostics"].(grpcplugin.DiagnosticsClient)
	p.Resource, _ = raw["resource"].(grpcplugin.ResourceClient)
	p.Data, _ = raw["data"].(grpcplugin.DataClient)
	p.Stream, _ = raw["stream"].(grpcplugin.StreamClient)
	if p.Data == nil || p.Diagnostics == nil || p.Resource == nil || p.Stream == nil {
		client.Kill()
		return nil, errors.New("a pluginv2 client could not be dispensed")
	}
	return p, nil
}

// NegotiatedVersion is the app protocol version go-plugin agreed with the plugin.
func (p *Plugin) NegotiatedVersion() int { return p.client.NegotiatedVersion() }

// Protocol is the RPC protocol from the handshake line.
func (p *Plugin) Protocol() goplugin.Protocol { return p.client.Protocol() }

// Ping is go-plugin's health check (grpc.health.v1 Check for service "plugin").
func (p *Plugin) Ping() error { return p.rpc.Ping() }

// Exited reports whether the process has exited (Grafana's process manager polls this every second).
func (p *Plugin) Exited() bool { return p.client.Exited() }

// Kill stops the plugin as Grafana's grpcPlugin.Stop does (go-plugin Kill: GRPCController.Shutdown, close the
// connection, wait up to 2 s, then SIGKILL) and returns how long it took.
func (p *Plugin) Kill() time.Duration {
	began := time.Now()
	p.client.Kill()
	return time.Since(began)
}

// QueryData sends the request as Grafana's ClientV2.QueryData does and returns the raw protobuf response; decode it
// with backend.FromProto().QueryDataResponse (framecheck.Decode does, plus checks of its own).
func (p *Plugin) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*pluginv2.QueryDataResponse, error) {
	return p.Data.QueryData(ctx, backend.ToProto().QueryDataRequest(req))
}

// CheckHealth mirrors ClientV2.CheckHealth, including its mapping of UNIMPLEMENTED.
func (p *Plugin) CheckHealth(ctx context.Context, req *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	protoResp, err := p.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{
		PluginContext: backend.ToProto().PluginContext(req.PluginContext),
		Headers:       req.Headers,
	})
	if err != nil {
		if status.Code(err) == codes.Unimplemented {
			return &backend.CheckHealthResult{Status: backend.HealthStatusUnknown, Message: "Health check not implemented"}, nil
		}
		return nil, err
	}
	return backend.FromProto().CheckHealthResponse(protoResp), nil
}

// CollectMetrics mirrors ClientV2.CollectMetrics: Grafana fills only the plugin id.
func (p *Plugin) CollectMetrics(ctx context.Context) (*backend.CollectMetricsResult, error) {
	req := &backend.CollectMetricsRequest{PluginContext: backend.PluginContext{PluginID: PluginID}}
	protoResp, err := p.Diagnostics.CollectMetrics(ctx, backend.ToProto().CollectMetricsRequest(req))
	if err != nil {
		if status.Code(err) == codes.Unimplemented {
			return &backend.CollectMetricsResult{}, nil
		}
		return nil, err
	}
	return backend.FromProto().CollectMetricsResponse(protoResp), nil
}

// ResourceResponse is a CallResource stream as Grafana's HTTP response sender writes it: status code and headers
// from the first message, every message's body appended.
type ResourceResponse struct {
	Status   int
	Headers  map[string][]string
	Body     []byte
	Messages int
}

// CallResource mirrors ClientV2.CallResource and collects the stream.
func (p *Plugin) CallResource(ctx context.Context, req *backend.CallResourceRequest) (*ResourceResponse, error) {
	stream, err := p.Resource.CallResource(ctx, backend.ToProto().CallResourceRequest(req))
	if err != nil {
		return nil, fmt.Errorf("Failed to call resource: %w", err)
	}
	out := &ResourceResponse{}
	for {
		protoResp, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("failed to receive call resource response: %w", err)
		}
		resp := backend.FromProto().CallResourceResponse(protoResp)
		if out.Messages == 0 {
			out.Status = resp.Status
			out.Headers = resp.Headers
		}
		out.Messages++
		out.Body = append(out.Body, resp.Body...)
	}
}

// SubscribeStream mirrors ClientV2.SubscribeStream.
func (p *Plugin) SubscribeStream(ctx context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	protoResp, err := p.Stream.SubscribeStream(ctx, backend.ToProto().SubscribeStreamRequest(req))
	if err != nil {
		return nil, err
	}
	return backend.FromProto().SubscribeStreamResponse(protoResp), nil
}

// PublishStream mirrors ClientV2.PublishStream.
func (p *Plugin) PublishStream(ctx context.Context, req *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	protoResp, err := p.Stream.PublishStream(ctx, backend.ToProto().PublishStreamRequest(req))
	if err != nil {
		return nil, err
	}
	return backend.FromProto().PublishStreamResponse(protoResp), nil
}

// RunStream mirrors ClientV2.RunStream: every packet's data is JSON that Grafana publishes to the Live channel
// as-is (sender.SendJSON). onPacket sees each one; the call ends when ctx is cancelled or the plugin ends it.
func (p *Plugin) RunStream(ctx context.Context, req *backend.RunStreamRequest, onPacket func(json []byte) error) error {
	stream, err := p.Stream.RunStream(ctx, backend.ToProto().RunStreamRequest(req))
	if err != nil {
		return fmt.Errorf("Failed to call resource: %w", err)
	}
	for {
		packet, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("error running stream: %w", err)
		}
		if err := onPacket(packet.Data); err != nil {
			return err
		}
	}
}

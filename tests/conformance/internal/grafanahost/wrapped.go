package grafanahost

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin/runner"
)

// wrappedRunner runs the plugin command through a wrapper that enters a root file system (tests/support/
// glibc-free-root.sh) and translates the unix socket the handshake names, a path inside that root, to the host's
// view of it. Everything else is go-plugin's own process-mode behaviour: stdout for the handshake, stderr to the
// logger, Wait on the process, Kill with SIGKILL. The wrapper execs the plugin, so the process is the plugin's.
type wrappedRunner struct {
	cmd    *exec.Cmd
	root   string
	stdout io.ReadCloser
	stderr io.ReadCloser
}

// wrappedRunnerFunc is a go-plugin RunnerFunc that runs plugin (Grafana's command and environment) through
// wrapper, with the variables go-plugin adds to its own command spec.
func wrappedRunnerFunc(wrapper []string, root string, plugin *exec.Cmd) func(hclog.Logger, *exec.Cmd, string) (runner.Runner, error) {
	return func(_ hclog.Logger, spec *exec.Cmd, _ string) (runner.Runner, error) {
		args := append(append([]string{}, wrapper[1:]...), plugin.Path)
		wrapped := exec.Command(wrapper[0], append(args, plugin.Args[1:]...)...)
		// go-plugin adds PLUGIN_UNIX_SOCKET_DIR (a host directory) for custom runners; Grafana never sets it.
		for _, kv := range append(append([]string{}, plugin.Env...), spec.Env...) {
			if !strings.HasPrefix(kv, "PLUGIN_UNIX_SOCKET_DIR=") {
				wrapped.Env = append(wrapped.Env, kv)
			}
		}
		wrapped.Stdin = spec.Stdin
		stdout, err := wrapped.StdoutPipe()
		if err != nil {
			return nil, err
		}
		stderr, err := wrapped.StderrPipe()
		if err != nil {
			return nil, err
		}
		return &wrappedRunner{cmd: wrapped, root: root, stdout: stdout, stderr: stderr}, nil
	}
}

func (r *wrappedRunner) Start(context.Context) error     { return r.cmd.Start() }
func (r *wrappedRunner) Wait(context.Context) error      { return r.cmd.Wait() }
func (r *wrappedRunner) Stdout() io.ReadCloser           { return r.stdout }
func (r *wrappedRunner) Stderr() io.ReadCloser           { return r.stderr }
func (r *wrappedRunner) Name() string                    { return r.cmd.Args[len(r.cmd.Args)-1] }
func (r *wrappedRunner) Diagnose(context.Context) string { return "launched through " + r.cmd.Path }

func (r *wrappedRunner) ID() string {
	if r.cmd.Process == nil {
		return ""
	}
	return fmt.Sprint(r.cmd.Process.Pid)
}

func (r *wrappedRunner) Kill(context.Context) error {
	if r.cmd.Process == nil {
		return nil
	}
	if err := r.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

// PluginToHost maps the socket path inside the root to the same file seen from the host.
func (r *wrappedRunner) PluginToHost(network, addr string) (string, string, error) {
	if network == "unix" {
		return network, filepath.Join(r.root, addr), nil
	}
	return network, addr, nil
}

func (r *wrappedRunner) HostToPlugin(network, addr string) (string, string, error) {
	return network, addr, nil
}

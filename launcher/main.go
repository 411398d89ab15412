// Command launcher is gpx_ledger_linux_<arch>, the file Grafana executes for the Ledger datasource.
//
// The backend is a Node single executable linked against glibc, which Grafana's default (Alpine, musl) image does
// not have. This launcher is a static binary (CGO_ENABLED=0), so it starts on any Linux; it replaces itself
// (execve, not a child process) with the glibc loader shipped beside it, which runs the Node executable with the
// shared objects shipped beside it and none of the host's. The process id, environment, stdin/stdout/stderr
// (go-plugin's handshake line), signals and exit code are therefore the Node process's own.
//
// Layout, relative to this file (written by scripts/build-backend.mjs):
//
//	runtime/linux_<arch>/ld_linux_<arch>   glibc's loader, named so that Grafana's zip extractor marks it executable
//	runtime/linux_<arch>/lib/              libc, libm, libstdc++, ... (exactly what Node needs)
//	runtime/linux_<arch>/gpx_ledger_node   the Node single executable (read by the loader; needs no exec bit)
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

// command is the loader's path and its argv: the loader runs the Node executable with only our libraries.
func command(self string, args []string) (string, []string) {
	dir := filepath.Join(filepath.Dir(self), "runtime", "linux_"+runtime.GOARCH)
	loader := filepath.Join(dir, "ld_linux_"+runtime.GOARCH)
	argv := []string{loader, "--library-path", filepath.Join(dir, "lib"), filepath.Join(dir, "gpx_ledger_node")}
	return loader, append(argv, args...)
}

// selfPath is this file's real path: /proc/self/exe, or argv[0] where /proc is not mounted (Grafana passes an
// absolute path).
func selfPath() (string, error) {
	if self, err := os.Executable(); err == nil {
		return filepath.EvalSymlinks(self)
	}
	if filepath.IsAbs(os.Args[0]) {
		return filepath.EvalSymlinks(os.Args[0])
	}
	return "", errors.New("cannot tell where this executable is: /proc/self/exe is unreadable and argv[0] is not an absolute path")
}

// fail writes one hclog JSON line, which go-plugin parses and Grafana logs at error level, and exits 1.
func fail(message string) {
	line, _ := json.Marshal(map[string]string{
		"@level":     "error",
		"@message":   message,
		"@module":    "gpx_ledger.launcher",
		"@timestamp": time.Now().Format("2006-01-02T15:04:05.000000Z07:00"),
	})
	fmt.Fprintln(os.Stderr, string(line))
	os.Exit(1)
}

func main() {
	self, err := selfPath()
	if err != nil {
		fail(err.Error())
	}
	loader, argv := command(self, os.Args[1:])
	err = syscall.Exec(loader, argv, os.Environ())
	// Exec returns only when it failed.
	fail(fmt.Sprintf("cannot start the backend's bundled runtime %s: %v (is the plugin folder complete, and not on a noexec mount?)", loader, err))
}

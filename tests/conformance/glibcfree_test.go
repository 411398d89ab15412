package conformance

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aicodeteam/ledger-for-grafana/tests/conformance/internal/grafanahost"
)

// TestGlibcFreeRoot (#17) runs the health, QueryData and streaming checks against gpx_ledger_linux_<arch> started
// by go-plugin inside a root file system that holds no C library (tests/support/glibc-free-root.sh: a static busybox,
// /etc/hosts, the plugin folder read-only where Grafana's image has it), as on Grafana's default Alpine/musl image.
// arm64 runs under qemu-aarch64-static, registered in a binfmt_misc instance of the test's own user namespace.
// Skipped outside CI where the root cannot be entered (no unshare, busybox-static or qemu-user-static).
func TestGlibcFreeRoot(t *testing.T) {
	requireExecutable(t)
	script := filepath.Join(repoRoot, "tests", "support", "glibc-free-root.sh")
	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			if arch == "arm64" && runtime.GOARCH != "arm64" {
				if _, err := os.Stat("/usr/bin/qemu-aarch64-static"); err != nil {
					skipOrFail(t, "qemu-aarch64-static is not installed (Debian package qemu-user-static)")
				}
			}
			root := t.TempDir()
			if out, err := exec.Command(script, "create", root).CombinedOutput(); err != nil {
				skipOrFail(t, "cannot make the root without glibc: "+string(out))
			}
			timeout := 30 * time.Second
			if arch != runtime.GOARCH {
				timeout = 2 * time.Minute // emulated: every step is far slower
			}
			p, err := grafanahost.Launch(grafanahost.Options{
				Executable:   "/var/lib/grafana/plugins/aicodeteam-ledger-app/datasource/gpx_ledger_linux_" + arch,
				Wrapper:      []string{script, "run", root, arch, filepath.Join(repoRoot, "dist")},
				Root:         root,
				StartTimeout: timeout,
			})
			if err != nil {
				t.Fatalf("launch in the root without glibc: %v", err)
			}
			t.Cleanup(func() {
				p.Kill()
				if problems := logProblems(p); len(problems) > 0 {
					t.Errorf("the plugin logged lines Grafana cannot parse: %v", problems)
				}
			})
			if err := p.Ping(); err != nil {
				t.Fatalf("go-plugin Ping: %v", err)
			}
			t.Run("CheckHealth", func(t *testing.T) { checkHealth(t, p) })
			t.Run("QueryData", func(t *testing.T) { checkQueryData(t, p) })
			t.Run("Streaming", func(t *testing.T) { checkStreaming(t, p) })
		})
	}
}

// skipOrFail skips a check that this machine cannot run, except in CI, where every check must run.
func skipOrFail(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(reason)
	}
	noteSkip(reason)
	t.Skip(reason)
}

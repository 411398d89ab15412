package grafanahost

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
)

// LogEntry is one call go-plugin made on the host's logger. Grafana hands go-plugin a logger of the same shape
// (grpcplugin/log_wrapper.go), so these are exactly the calls that reach Grafana's log.
type LogEntry struct {
	// Logger is the hclog name: "" for go-plugin's own lines, the executable's base name for the plugin's stderr,
	// "stdio" for the stdio service (Grafana discards that one).
	Logger  string
	Level   hclog.Level
	Message string
	Args    map[string]any
}

// ParsedFromJSON says whether go-plugin parsed the plugin's stderr line as hclog JSON: it adds a `timestamp`
// argument only then. Raw text lines arrive as the whole line at DEBUG without it.
func (e LogEntry) ParsedFromJSON() bool {
	_, ok := e.Args["timestamp"]
	return ok
}

func (e LogEntry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s", strings.ToUpper(e.Level.String()), e.Logger, e.Message)
	for k, v := range e.Args {
		fmt.Fprintf(&b, " %s=%v", k, v)
	}
	return b.String()
}

// LogStore records what go-plugin logged, and the raw stderr lines it read from the plugin.
type LogStore struct {
	mu      sync.Mutex
	entries []LogEntry
	text    bytes.Buffer // hclog's own rendering, for failure messages
	sink    hclog.Logger
	raw     lockedBuffer
}

func newLogStore() *LogStore {
	s := &LogStore{}
	s.sink = hclog.New(&hclog.LoggerOptions{Name: "grafana", Level: hclog.Trace, Output: &lockedWriter{mu: &s.mu, w: &s.text}, TimeFormat: time.RFC3339Nano})
	return s
}

func (s *LogStore) add(name string, level hclog.Level, msg string, args []any) {
	entry := LogEntry{Logger: name, Level: level, Message: msg, Args: map[string]any{}}
	for i := 0; i+1 < len(args); i += 2 {
		entry.Args[fmt.Sprint(args[i])] = args[i+1]
	}
	if len(args)%2 == 1 {
		entry.Args["EXTRA_VALUE_AT_END"] = args[len(args)-1]
	}
	s.mu.Lock()
	s.entries = append(s.entries, entry)
	s.mu.Unlock()
	sink := s.sink
	if name != "" {
		sink = sink.Named(name)
	}
	sink.Log(level, msg, args...)
}

// Entries returns a copy of everything logged so far.
func (s *LogStore) Entries() []LogEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LogEntry(nil), s.entries...)
}

// PluginEntries are the lines that came from the plugin's stderr (logged under the executable's base name).
func (s *LogStore) PluginEntries(executable string) []LogEntry {
	name := filepath.Base(executable)
	var out []LogEntry
	for _, e := range s.Entries() {
		if e.Logger == name {
			out = append(out, e)
		}
	}
	return out
}

// Find returns the entries whose message contains text.
func (s *LogStore) Find(text string) []LogEntry {
	var out []LogEntry
	for _, e := range s.Entries() {
		if strings.Contains(e.Message, text) {
			out = append(out, e)
		}
	}
	return out
}

// RawStderr returns the plugin's stderr lines as go-plugin read them.
func (s *LogStore) RawStderr() []string {
	text := strings.TrimRight(s.raw.String(), "\n")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// Dump renders the log for a failure message.
func (s *LogStore) Dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "go-plugin log:\n" + s.text.String()
}

func (s *LogStore) rawStderr() io.Writer { return &s.raw }

func (s *LogStore) logger(name string) hclog.Logger { return &recorder{store: s, name: name} }

// recorder is an hclog.Logger that records every call, like Grafana's logWrapper forwards every call.
type recorder struct {
	store   *LogStore
	name    string
	implied []any
}

func (r *recorder) Log(level hclog.Level, msg string, args ...any) {
	r.store.add(r.name, level, msg, append(append([]any(nil), r.implied...), args...))
}
func (r *recorder) Trace(msg string, args ...any) { r.Log(hclog.Trace, msg, args...) }
func (r *recorder) Debug(msg string, args ...any) { r.Log(hclog.Debug, msg, args...) }
func (r *recorder) Info(msg string, args ...any)  { r.Log(hclog.Info, msg, args...) }
func (r *recorder) Warn(msg string, args ...any)  { r.Log(hclog.Warn, msg, args...) }
func (r *recorder) Error(msg string, args ...any) { r.Log(hclog.Error, msg, args...) }
func (r *recorder) IsTrace() bool                 { return true }
func (r *recorder) IsDebug() bool                 { return true }
func (r *recorder) IsInfo() bool                  { return true }
func (r *recorder) IsWarn() bool                  { return true }
func (r *recorder) IsError() bool                 { return true }
func (r *recorder) ImpliedArgs() []any            { return r.implied }
func (r *recorder) With(args ...any) hclog.Logger {
	return &recorder{store: r.store, name: r.name, implied: append(append([]any(nil), r.implied...), args...)}
}
func (r *recorder) Name() string { return r.name }
func (r *recorder) Named(name string) hclog.Logger {
	if r.name != "" {
		name = r.name + "." + name
	}
	return &recorder{store: r.store, name: name, implied: r.implied}
}
func (r *recorder) ResetNamed(name string) hclog.Logger {
	return &recorder{store: r.store, name: name, implied: r.implied}
}
func (r *recorder) SetLevel(hclog.Level)  {}
func (r *recorder) GetLevel() hclog.Level { return hclog.Trace }
func (r *recorder) StandardLogger(*hclog.StandardLoggerOptions) *log.Logger {
	return log.New(io.Discard, "", 0)
}
func (r *recorder) StandardWriter(*hclog.StandardLoggerOptions) io.Writer { return io.Discard }

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

// Write is called by hclog while LogStore.add does not hold mu.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

package log

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/goslo/goslo/reqctx"
)

// The lines of the benchmarks; testdata/bench.py times oslo.log writing
// the same ones:
//
//	go test -run '^$' -bench . -benchmem ./log
//	/usr/bin/python3 log/testdata/bench.py

var benchCtx = reqctx.With(context.Background(), &reqctx.RequestContext{
	RequestID: "req-6d8a4a4e-5f4b-4a3c-9d40-0b1c9f1e7d21", UserID: "8c1a4e5b9d2f4c7e", ProjectID: "42fe9b3c",
	IsAdminProject: true,
})

const benchMsg = "10.0.0.1 \"GET /v2.1/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.0412"

func benchHandler(b *testing.B, mod func(*settings)) *Handler {
	b.Helper()
	s := defaultSettings()
	s.logFile = filepath.Join(b.TempDir(), "bench.log")
	if mod != nil {
		mod(&s)
	}
	lt, _ := parseLevels(false, s.levels)
	lt.apply()
	h, err := build(s, "nova", "unknown", outputEnv{})
	if err != nil {
		b.Fatal(err)
	}
	if old := active.Swap(h); old != nil {
		old.Close()
	}
	b.Cleanup(func() { h.Close() })
	return h
}

// BenchmarkDisabledDebug is a debug line with debug off: it must cost
// no allocation.
func BenchmarkDisabledDebug(b *testing.B) {
	benchHandler(b, nil)
	l := Get("nova.api.openstack.wsgi")
	b.ReportAllocs()
	for b.Loop() {
		l.DebugContext(benchCtx, "Calling method", "method", "index")
	}
}

// BenchmarkContextLineFile is an INFO line with a request context,
// formatted by the default logging_context_format_string and appended
// to the log file.
func BenchmarkContextLineFile(b *testing.B) {
	benchHandler(b, nil)
	l := Get("nova.api.openstack.requestlog")
	b.ReportAllocs()
	for b.Loop() {
		l.InfoContext(benchCtx, benchMsg)
	}
}

// BenchmarkJSONLineFile is the same line with use_json.
func BenchmarkJSONLineFile(b *testing.B) {
	benchHandler(b, func(s *settings) { s.useJSON = true })
	l := Get("nova.api.openstack.requestlog")
	b.ReportAllocs()
	for b.Loop() {
		l.InfoContext(benchCtx, benchMsg)
	}
}

func TestDisabledDebugAllocatesNothing(t *testing.T) {
	mustLevels(t, false, nil)
	l := Get("nova.alloc")
	ctx := benchCtx
	n := testing.AllocsPerRun(1000, func() {
		l.DebugContext(ctx, "Calling method", "method", "index")
		l.Debug("plain")
		l.LogAttrs(ctx, slog.LevelDebug, "attrs", slog.Int("n", 5))
	})
	if n != 0 {
		t.Errorf("a disabled debug line allocates %v times", n)
	}
}

// BenchmarkFormatContextLine is the formatting of the context line alone,
// without the write to the file.
func BenchmarkFormatContextLine(b *testing.B) {
	tf, err := newTextFormatter(defaultSettings().formats, "nova", "unknown")
	if err != nil {
		b.Fatal(err)
	}
	h := &handler{node: getNode("nova.api.openstack.requestlog"), named: true}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		r := slog.NewRecord(time.Now(), slog.LevelInfo, benchMsg, 0)
		e := getRec(benchCtx, h, r)
		buf = tf.format(buf[:0], e, false)
		putRec(e)
	}
}

// BenchmarkContextLineFileParallel is BenchmarkContextLineFile from as
// many goroutines as GOMAXPROCS, as the requests of a loaded service
// log their access lines: the file output's lock is contended.
func BenchmarkContextLineFileParallel(b *testing.B) {
	benchHandler(b, nil)
	l := Get("nova.api.openstack.wsgi")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.InfoContext(benchCtx, benchMsg)
		}
	})
}

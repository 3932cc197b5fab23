package log

import (
	"context"
	"errors"
	"fmt"
	stdlog "log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goslo/goslo/reqctx"
)

// TestAttributes checks how attributes follow the message.
func TestAttributes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.log")
	h := fileHandler(t, path, func(s *settings) {
		s.formats.dflt = "%(name)s|%(instance)s%(resource)s|%(message)s"
		s.formats.context = "%(name)s|%(request_id)s|%(user_identity)s|%(message)s"
	}, nil)
	l := slog.New(h)
	rc := &reqctx.RequestContext{RequestID: "req-x", UserID: "u"}
	ctx := reqctx.With(context.Background(), rc)
	type stringer struct{ fmt.Stringer }
	for _, f := range []func(){
		func() { l.Info("plain") },
		func() {
			l.Info("kinds", "s", "two words", "empty", "", "n", 3, "f", 1.5, "b", true, "d", time.Second, "q", `a"b`)
		},
		func() { l.With("a", 1).WithGroup("g").With("b", 2).Info("groups", "c", 3, slog.Group("h", "d", 4)) },
		func() { l.WithGroup("empty").Info("no attributes") },
		func() { l.Info("inline", slog.Group("", "x", 1), slog.Attr{}) },
		func() { l.Info("error value", "err", errors.New("disk full")) },
		func() { l.Info("specials", Instance("i-1"), Resource("volume", "v-1"), "k", "v") },
		func() { l.With(InstanceUUID("i-2")).Info("special in With") },
		func() { l.WithGroup("g").Info("not special in a group", Instance("i-3")) },
		func() { l.Info("context attribute", slog.Any(KeyContext, rc)) },
		func() { l.InfoContext(ctx, "context of ctx") },
		func() { l.With(KeyLogger, "nova.named").Info("named by attribute") },
		func() { l.Info("unicode", "k", "żółw") },
	} {
		f()
	}
	h.Close()
	want := []string{
		"root||plain",
		`root||kinds s="two words" empty="" n=3 f=1.5 b=true d=1s q="a\"b"`,
		"root||groups a=1 g.b=2 g.c=3 g.h.d=4",
		"root||no attributes",
		"root||inline x=1",
		"root||error value err=\"disk full\"",
		"root|[instance: i-1] [volume-v-1] |specials k=v",
		"root|[instance: i-2] |special in With",
		"root||not special in a group g.instance.uuid=i-3",
		"root|req-x|u - - - - -|context attribute",
		"root|req-x|u - - - - -|context of ctx",
		"nova.named||named by attribute",
		"root||unicode k=żółw",
	}
	got := readLines(t, path)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSetupTwice: a second Setup replaces and closes the first.
func TestSetupTwice(t *testing.T) {
	dir := t.TempDir()
	conf1, _ := loadConf(t, "[DEFAULT]\nlog_file = "+filepath.Join(dir, "1.log")+"\n")
	h1 := setup(t, conf1)
	conf2, _ := loadConf(t, "[DEFAULT]\nlog_file = "+filepath.Join(dir, "2.log")+"\n")
	h2 := setup(t, conf2)
	if err := h1.Reopen(); err == nil {
		t.Error("the first handler is still open")
	}
	stdlog.Print("from package log")
	Get("x").Info("from Get")
	h2.Close()
	if got := readLines(t, filepath.Join(dir, "1.log")); len(got) != 0 {
		t.Errorf("1.log = %q", got)
	}
	got := strings.Join(readLines(t, filepath.Join(dir, "2.log")), "\n")
	for _, want := range []string{"INFO root [-] from package log", "INFO x [-] from Get"} {
		if !strings.Contains(got, want) {
			t.Errorf("2.log lacks %q:\n%s", want, got)
		}
	}
}

// TestConcurrent logs from many goroutines while the file is moved and
// reopened, and levels change: no line is lost or mixed (and -race has
// its say).
func TestConcurrent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.log")
	h := fileHandler(t, path, nil, func(fo *fileOutput) { fo.statEvery = time.Millisecond })
	const goroutines, lines = 8, 300
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := slog.New(h).With("g", g)
			for i := range lines {
				l.Info(fmt.Sprintf("line %03d", i))
			}
		}()
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			os.Rename(path, fmt.Sprintf("%s.%d", path, n))
			h.Reopen()
			mustLevels(t, n%2 == 0, nil)
		}
	}()
	wg.Wait()
	close(stop)
	<-done
	h.Close()
	seen := map[string]bool{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		for _, l := range readLines(t, filepath.Join(dir, e.Name())) {
			if !strings.HasPrefix(l, "line ") || len(l) != len("line 000 g=0") {
				t.Fatalf("mixed line %q", l)
			}
			seen[l] = true
		}
	}
	if len(seen) != goroutines*lines {
		t.Errorf("%d distinct lines, want %d", len(seen), goroutines*lines)
	}
}

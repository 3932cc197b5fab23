package config

import (
	"path/filepath"
	"testing"
)

// BenchmarkGet is the hot path: reading a typed value.
func BenchmarkGet(b *testing.B) {
	c := quiet(New())
	workers := &Opt[int]{Name: "workers", Default: 4}
	hosts := &Opt[[]string]{Name: "hosts", Default: []string{"a", "b"}}
	name := &Opt[string]{Name: "name", Default: "x"}
	if err := c.Register(workers, hosts, name); err != nil {
		b.Fatal(err)
	}
	if err := c.Load(nil, noFiles); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n += workers.Get(c) + len(hosts.Get(c)) + len(name.Get(c))
	}
	if n == 0 {
		b.Fatal("no values")
	}
}

// BenchmarkGetParallel reads from every P at once, as request handlers do.
func BenchmarkGetParallel(b *testing.B) {
	c := quiet(New())
	workers := &Opt[int]{Name: "workers", Default: 4}
	if err := c.Register(workers); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		n := 0
		for pb.Next() {
			n += workers.Get(c)
		}
		_ = n
	})
}

// BenchmarkLoadNovaConf is a whole Load of nova.conf's sample with a
// hundred options registered.
func BenchmarkLoadNovaConf(b *testing.B) {
	c := quiet(New())
	for i := range 100 {
		if err := c.Register(&Opt[string]{Name: "opt" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Default: "$state_path/x"}); err != nil {
			b.Fatal(err)
		}
	}
	if err := c.Register(&Opt[string]{Name: "state_path", Default: "/var/lib/nova"}); err != nil {
		b.Fatal(err)
	}
	file, _ := filepath.Abs("../internal/ini/testdata/nova.conf")
	args := []string{"--config-file", file}
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Load(args, noFiles); err != nil {
			b.Fatal(err)
		}
	}
}

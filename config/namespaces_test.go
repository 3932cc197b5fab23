package config_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/goslo/goslo/config"
)

var hookedOpt = &config.Opt[int]{Name: "hooked", Default: 1, Help: "Changed by a defaults hook."}

func init() {
	config.RegisterNamespace("goslo.hooked", func() []config.GroupOpts { return config.ByGroup(hookedOpt) })
	config.RegisterNamespaceDefaults("goslo.hooked", func() { hookedOpt.Default = 42 })
}

func TestNamespaces(t *testing.T) {
	names := config.Namespaces()
	if !slices.IsSorted(names) || !slices.Contains(names, "goslo.test") || !slices.Contains(names, "goslo.hooked") {
		t.Errorf("Namespaces() = %v", names)
	}
	nss, err := config.ListOpts("goslo.hooked", "goslo.hooked")
	if err != nil {
		t.Fatal(err)
	}
	if len(nss) != 1 {
		t.Fatalf("a namespace named twice is listed %d times", len(nss))
	}
	var b strings.Builder
	if err := config.WriteSample(&b, nss, config.SampleOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "#hooked = 42\n") {
		t.Errorf("the defaults hook did not run before listing:\n%s", b.String())
	}
}

func TestByGroup(t *testing.T) {
	a := &config.Opt[int]{Name: "a"}
	b := &config.Opt[int]{Name: "b", Group: "g"}
	c := &config.Opt[int]{Name: "c", Group: "DEFAULT"}
	got := config.ByGroup(a, b, c)
	if len(got) != 2 || got[0].Group.Name != "" || len(got[0].Opts) != 2 || got[1].Group.Name != "g" || len(got[1].Opts) != 1 {
		t.Errorf("ByGroup = %+v", got)
	}
}

func TestRegisterNamespacePanics(t *testing.T) {
	for name, register := range map[string]func(){
		"twice":   func() { config.RegisterNamespace("goslo.test", listTest) },
		"no name": func() { config.RegisterNamespace("", listTest) },
		"no list": func() { config.RegisterNamespace("goslo.nil", nil) },
		"no hook": func() { config.RegisterNamespaceDefaults("goslo.test", nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			register()
		})
	}
}

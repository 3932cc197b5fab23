package log

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/goslo/goslo/config"
)

// TestSampleAgainstOsloConfigGenerator generates the sample of the
// oslo.log namespace and compares it with oslo-config-generator's: the
// same names, deprecated names, defaults, types, choices and help.
func TestSampleAgainstOsloConfigGenerator(t *testing.T) {
	needPython(t)
	want, err := exec.Command(pythonPath, "-c",
		"import sys; from oslo_config import generator; generator.main(['--namespace', 'oslo.log'])").Output()
	if err != nil {
		t.Skipf("oslo-config-generator failed: %v", err)
	}
	nss, err := config.ListOpts("oslo.log")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := config.WriteSample(&got, nss, config.SampleOptions{}); err != nil {
		t.Fatal(err)
	}
	// The one difference: default_log_levels is mutable in goslo.
	note := "(list value)\n# Note: This option can be changed without restarting.\n#default_log_levels"
	wantText := strings.Replace(string(want), "(list value)\n#default_log_levels", note, 1)
	if wantText == string(want) {
		t.Fatal("oslo's sample has no default_log_levels option")
	}
	if d := cmp.Diff(wantText, got.String()); d != "" {
		t.Errorf("sample (-oslo +goslo):\n%s", d)
	}
}

package objects_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/goslo/goslo/objects"
)

// FuzzFromJSON feeds arbitrary bytes to the primitive decoder: it must not
// panic, must return one of the package's errors for bad input, its fast
// path must agree with the reference path, and what it writes back must
// read back to the same primitive. The registry is the conformance one
// plus Kitchen, so that every field type (a set of strings among them) is
// within reach.
func FuzzFromJSON(f *testing.F) {
	cases, _ := filepath.Glob(filepath.Join(oracleDir, "cases", "*.json"))
	for _, c := range cases {
		if b, err := os.ReadFile(c); err == nil {
			f.Add(b)
		}
	}
	g := &gen{r: rand.New(rand.NewPCG(1, 1))}
	for i := 0; i < 50; i++ {
		f.Add([]byte(g.primitive()))
	}
	reg := kitchenRegistry()
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := reg.FromJSON(data)
		ref, refErr := reg.LoadReference(data)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("FromJSON error %v, reference path error %v", err, refErr)
		}
		if err != nil {
			checkError(t, err)
			return
		}
		out, err := obj.ToJSON("")
		refOut, refErr := ref.ToJSON("")
		if !bytes.Equal(out, refOut) || (err == nil) != (refErr == nil) {
			t.Fatalf("fast and reference paths differ:\n %s (%v)\n %s (%v)", out, err, refOut, refErr)
		}
		for _, target := range []string{"1.0", "1.1", "1.2", "0.9", "1.2.5", "x"} {
			if _, err := obj.ToJSON(target); err != nil {
				checkError(t, err)
			}
		}
		_ = obj.Changed()
		_ = obj.String()
		_ = obj.Clone() // versions reset to the class's, as oslo's copy does
		if err != nil {
			checkError(t, err)
			return
		}
		back, err := reg.FromJSON(out)
		if err != nil {
			return // e.g. a year before 1000, written unpadded as oslo does
		}
		again, err := back.ToJSON("")
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("writing is not stable:\n %s\n %s (%v)", out, again, err)
		}
	})
}

// checkError fails unless err is one of the package's error types.
func checkError(t *testing.T, err error) {
	t.Helper()
	var (
		e1 *objects.UnsupportedObjectError
		e2 *objects.IncompatibleVersionError
		e3 *objects.InvalidTargetVersionError
		e4 *objects.VersionError
		e5 *objects.FieldError
		e6 *objects.PrimitiveError
		e7 *objects.ActionError
	)
	if !errors.As(err, &e1) && !errors.As(err, &e2) && !errors.As(err, &e3) && !errors.As(err, &e4) &&
		!errors.As(err, &e5) && !errors.As(err, &e6) && !errors.As(err, &e7) {
		t.Fatalf("error of an unexpected type %T: %v", err, err)
	}
	if err.Error() == "" {
		t.Fatal("empty error message")
	}
}

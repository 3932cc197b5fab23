package objects_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goslo/goslo/objects"
)

// FuzzFromJSON feeds arbitrary bytes to the primitive decoder: it must not
// panic, must return one of the package's errors for bad input (for bytes
// that are not UTF-8, a PrimitiveError naming the first such byte), its
// fast path must agree with the reference path, and what it writes back
// must read back to the same primitive. Input that is not UTF-8 is also
// read without that check and given to FromPrimitive, the way strings that
// are not UTF-8 can still come in from Go: writing that object, reading
// and writing it again must give the same text. The registry is the
// conformance one plus Kitchen, so that every field type (a set of strings
// among them) is within reach.
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
		if !utf8.Valid(data) {
			checkNotUTF8(t, reg, data)
			return
		}
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

// checkNotUTF8 checks FromJSON on data that is not UTF-8, and then writes
// and reads what FromPrimitive makes of it.
func checkNotUTF8(t *testing.T, reg *objects.Registry, data []byte) {
	t.Helper()
	bad := 0
	for r, size := utf8.DecodeRune(data); r != utf8.RuneError || size != 1; r, size = utf8.DecodeRune(data[bad:]) {
		bad += size
	}
	var pe *objects.PrimitiveError
	if _, err := reg.FromJSON(data); !errors.As(err, &pe) || !strings.Contains(err.Error(), fmt.Sprintf("at offset %d", bad)) {
		t.Fatalf("FromJSON of bytes not UTF-8 (at %d) gave %v", bad, err)
	}
	if _, ok := reg.LoadFast(data); ok {
		t.Fatal("the fast path read bytes that are not UTF-8")
	}
	p, err := objects.DecodeLenient(data)
	if err != nil {
		return
	}
	obj, err := reg.FromPrimitive(p)
	if err != nil {
		checkError(t, err)
		return
	}
	out, err := obj.ToJSON("")
	if err != nil {
		checkError(t, err)
		return
	}
	if !utf8.Valid(out) {
		t.Fatalf("ToJSON wrote bytes that are not UTF-8: %q", out)
	}
	back, err := reg.FromJSON(out)
	if err != nil {
		return // e.g. a year before 1000, written unpadded as oslo does
	}
	if again, err := back.ToJSON(""); err != nil || !bytes.Equal(out, again) {
		t.Fatalf("writing is not stable:\n %q\n %q (%v)", out, again, err)
	}
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

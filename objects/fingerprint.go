package objects

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// Fingerprint returns "VERSION-HASH" for the class, oslo's
// ObjectVersionChecker hash: HASH covers what needs a version bump when it
// changes, the fields (name, type, nullable, default, read-only) and a
// list class's child versions. The hash is goslo's own (it does not equal
// Python's, which hashes Python reprs).
func (c *Class) Fingerprint() string {
	var b strings.Builder
	idx := slices.Clone(c.byName)
	if idx == nil { // not registered: sort here
		for i := range c.Fields {
			idx = append(idx, i)
		}
		slices.SortFunc(idx, func(x, y int) int { return compareStrings(c.Fields[x].Name, c.Fields[y].Name) })
	}
	b.WriteString("fields:")
	for _, i := range idx {
		f := c.Fields[i]
		fmt.Fprintf(&b, "\n%s:%s nullable=%t read_only=%t default=", f.Name, f.Type, f.Nullable, f.ReadOnly)
		if f.Default == nil {
			b.WriteString("<unspecified>")
		} else {
			b.WriteString(pyRepr(f.Default))
		}
	}
	if c.List || len(c.ChildVersions) > 0 {
		pairs := slices.Clone(c.ChildVersions)
		slices.SortFunc(pairs, func(x, y [2]string) int { return compareStrings(x[0], y[0]) })
		b.WriteString("\nchild_versions:")
		for _, p := range pairs {
			fmt.Fprintf(&b, " %s=%s", p[0], p[1])
		}
	}
	sum := md5.Sum([]byte(b.String()))
	return c.Version + "-" + hex.EncodeToString(sum[:])
}

// Fingerprints returns the fingerprint of the newest class of every
// registered name.
func (r *Registry) Fingerprints() map[string]string {
	classes := *r.classes.Load()
	out := make(map[string]string, len(classes))
	for name, list := range classes {
		out[name] = list[0].Fingerprint()
	}
	return out
}

// CheckFingerprints compares the registry's fingerprints with the ones a
// project recorded (ObjectVersionChecker.test_hashes). A project keeps the
// table in a test:
//
//	var objectData = map[string]string{"Flavor": "1.1-...", ...}
//
//	func TestObjectVersions(t *testing.T) {
//		if err := registry.CheckFingerprints(objectData); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// so that changing an object's fields without bumping its version fails.
// The error names every object that differs, and ends with the current
// table to paste once the versions are bumped.
func (r *Registry) CheckFingerprints(want map[string]string) error {
	got := r.Fingerprints()
	var diffs []string
	for _, name := range sortedKeys(mergeKeys(got, want)) {
		g, w := got[name], want[name]
		switch {
		case g == w:
		case w == "":
			diffs = append(diffs, fmt.Sprintf("%s: new object %s has no recorded fingerprint", name, g))
		case g == "":
			diffs = append(diffs, fmt.Sprintf("%s: recorded as %s but not registered", name, w))
		case versionOf(g) == versionOf(w):
			diffs = append(diffs, fmt.Sprintf("%s: fingerprint changed from %s to %s without a version bump", name, w, g))
		default:
			diffs = append(diffs, fmt.Sprintf("%s: version changed, fingerprint %s, recorded %s", name, g, w))
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("objects: some objects have changed; bump their versions, then record the new fingerprints:\n")
	for _, d := range diffs {
		b.WriteString("  " + d + "\n")
	}
	b.WriteString("current fingerprints:\n")
	for _, name := range sortedKeys(got) {
		fmt.Fprintf(&b, "\t%q: %q,\n", name, got[name])
	}
	return fmt.Errorf("%s", b.String())
}

func mergeKeys(a, b map[string]string) map[string]string {
	m := make(map[string]string, len(a)+len(b))
	for k := range a {
		m[k] = ""
	}
	for k := range b {
		m[k] = ""
	}
	return m
}

func versionOf(fp string) string {
	v, _, _ := strings.Cut(fp, "-")
	return v
}

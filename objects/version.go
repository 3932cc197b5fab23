package objects

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Version is an object version such as "1.3" as oslo compares them when it
// backports: the dot-separated parts are integers compared in order, and a
// longer version is newer than its prefix ("1.2.5" is between "1.2" and
// "1.3"; "1.3.0" is newer than "1.3").
type Version string

// versionTuple is oslo_utils.versionutils.convert_version_to_tuple: every
// dot-separated part goes through Python's int().
func versionTuple(v string) ([]int64, error) {
	return appendVersionTuple(make([]int64, 0, strings.Count(v, ".")+1), v)
}

// appendVersionTuple appends the parts of v to t.
func appendVersionTuple(t []int64, v string) ([]int64, error) {
	for rest, more := v, true; more; {
		var p string
		p, rest, more = strings.Cut(rest, ".")
		n, err := pyParseInt(p)
		if err != nil {
			return nil, &VersionError{Version: v, Err: err}
		}
		t = append(t, n)
	}
	return t, nil
}

func compareTuples(a, b []int64) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// Compare compares v with w part by part; it returns -1, 0 or +1, and an
// error when either is not a dotted list of integers.
func (v Version) Compare(w Version) (int, error) {
	var abuf, bbuf [4]int64 // a MakeCompatible hook compares on every backport: no allocation
	a, err := appendVersionTuple(abuf[:0], string(v))
	if err != nil {
		return 0, err
	}
	b, err := appendVersionTuple(bbuf[:0], string(w))
	if err != nil {
		return 0, err
	}
	return compareTuples(a, b), nil
}

// Before reports whether v is older than w, the test a MakeCompatible hook
// does ("if target < (1, 1): drop the field"). A malformed w never
// compares as newer, so Before returns false.
func (v Version) Before(w string) bool {
	c, err := v.Compare(Version(w))
	return err == nil && c < 0
}

// String returns v as written.
func (v Version) String() string { return string(v) }

// pep440 is a version parsed by the rules of PEP 440, which oslo uses
// (through packaging.version) to decide whether a registered class can load
// a primitive of another version.
type pep440 struct {
	epoch   int64
	release []int64
	pre     *pepPart // nil: no pre-release
	post    *int64
	dev     *int64
	local   []string // nil: no local part
}

type pepPart struct {
	letter string
	n      int64
}

var pep440Re = regexp.MustCompile(`(?i)^\s*v?(?:(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)` +
	`([-_\.]?(a|b|c|rc|alpha|beta|pre|preview)[-_\.]?([0-9]+)?)?` +
	`((?:-([0-9]+))|(?:[-_\.]?(post|rev|r)[-_\.]?([0-9]+)?))?` +
	`([-_\.]?(dev)[-_\.]?([0-9]+)?)?)` +
	`(?:\+([a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$`)

func parsePEP440(s string) (*pep440, error) {
	m := pep440Re.FindStringSubmatch(s)
	if m == nil {
		return nil, &VersionError{Version: s, Err: fmt.Errorf("invalid version")}
	}
	num := func(x string) int64 {
		if x == "" {
			return 0
		}
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 1<<63 - 1
		}
		return n
	}
	v := &pep440{epoch: num(m[1])}
	for _, p := range strings.Split(m[2], ".") {
		v.release = append(v.release, num(p))
	}
	if m[4] != "" {
		l := strings.ToLower(m[4])
		switch l {
		case "alpha":
			l = "a"
		case "beta":
			l = "b"
		case "c", "pre", "preview":
			l = "rc"
		}
		v.pre = &pepPart{letter: l, n: num(m[5])}
	}
	if m[6] != "" {
		n := num(m[7])
		if m[7] == "" {
			n = num(m[9])
		}
		v.post = &n
	}
	if m[10] != "" {
		n := num(m[12])
		v.dev = &n
	}
	if m[13] != "" {
		v.local = strings.FieldsFunc(strings.ToLower(m[13]), func(r rune) bool {
			return r == '-' || r == '_' || r == '.'
		})
	}
	return v, nil
}

// cmp3 compares optional values where "absent" sorts as -inf (lowAbsent)
// or +inf.
func cmpOpt(a, b *int64, lowAbsent bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if lowAbsent {
			return -1
		}
		return 1
	case b == nil:
		if lowAbsent {
			return 1
		}
		return -1
	}
	return cmpInt(*a, *b)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// preKey ranks the pre-release of v: a version with only a dev part sorts
// before every pre-release, a final release after all of them.
func (v *pep440) preRank() (rank int, p pepPart) {
	switch {
	case v.pre == nil && v.post == nil && v.dev != nil:
		return -1, p
	case v.pre == nil:
		return 1, p
	}
	return 0, *v.pre
}

func (v *pep440) compare(w *pep440) int {
	if c := cmpInt(v.epoch, w.epoch); c != 0 {
		return c
	}
	trim := func(r []int64) []int64 {
		for len(r) > 0 && r[len(r)-1] == 0 {
			r = r[:len(r)-1]
		}
		return r
	}
	if c := compareTuples(trim(v.release), trim(w.release)); c != 0 {
		return c
	}
	vr, vp := v.preRank()
	wr, wp := w.preRank()
	if c := cmpInt(int64(vr), int64(wr)); c != 0 {
		return c
	}
	if vr == 0 {
		if c := strings.Compare(vp.letter, wp.letter); c != 0 {
			return c
		}
		if c := cmpInt(vp.n, wp.n); c != 0 {
			return c
		}
	}
	if c := cmpOpt(v.post, w.post, true); c != 0 {
		return c
	}
	if c := cmpOpt(v.dev, w.dev, false); c != 0 {
		return c
	}
	return compareLocal(v.local, w.local)
}

// compareLocal orders local version labels: none first, then segment by
// segment with numbers above words.
func compareLocal(a, b []string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		an, aerr := strconv.ParseInt(a[i], 10, 64)
		bn, berr := strconv.ParseInt(b[i], 10, 64)
		var c int
		switch {
		case aerr == nil && berr == nil:
			c = cmpInt(an, bn)
		case aerr == nil:
			c = 1
		case berr == nil:
			c = -1
		default:
			c = strings.Compare(a[i], b[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmpInt(int64(len(a)), int64(len(b)))
}

// isCompatible is oslo_utils.versionutils.is_compatible(requested, current)
// with same_major: the major versions are equal and current >= requested.
func isCompatible(requested, current string) (bool, error) {
	r, err := parsePEP440(requested)
	if err != nil {
		return false, err
	}
	c, err := parsePEP440(current)
	if err != nil {
		return false, err
	}
	if r.release[0] != c.release[0] {
		return false, nil
	}
	return c.compare(r) >= 0, nil
}

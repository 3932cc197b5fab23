package py

import "testing"

// BenchmarkAppendFormat is a logging line's typical conversions: a plain
// %s, a padded %s, a %d and a %.3f.
func BenchmarkAppendFormat(b *testing.B) {
	pieces, err := ParseFormat("%(asctime)s %(process)d %(levelname)-8s %(name)s %(relativeCreated).3f")
	if err != nil {
		b.Fatal(err)
	}
	vals := []Value{Str("2026-11-25 10:00:00.123"), Int(12345), Str("INFO"), Str("nova.api"), Float(1234.5678)}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for i, p := range pieces {
			buf = append(buf, p.Lit...)
			buf = AppendFormat(buf, vals[i], p.Spec)
		}
	}
}

func BenchmarkAppendFloatRepr(b *testing.B) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendFloatRepr(buf[:0], 1700000000.1234567)
	}
}

func BenchmarkAppendJSONString(b *testing.B) {
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendJSONString(buf[:0], "GET /v2.1/servers?name=żółw HTTP/1.1 \"status\": 200")
	}
}

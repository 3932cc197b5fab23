package wsgi

import (
	"testing"
	"time"
)

// FuzzLogFormat: any wsgi_log_format either fails to compile with an
// error or formats every record without panicking.
func FuzzLogFormat(f *testing.F) {
	for _, s := range logFormats {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, format string) {
		lf, err := compileLogFormat(format, false)
		if err != nil {
			return
		}
		for i := range logRecords {
			lf.appendLine(nil, &logRecords[i])
		}
		rec := accessRecord{clientPort: -1, bodyLength: -1 << 62, wall: -time.Hour, status: 999}
		lf.appendLine(nil, &rec)
	})
}

// FuzzCipherList: any [ssl] ciphers value gives suites or an error, the
// same each time, never a panic.
func FuzzCipherList(f *testing.F) {
	for _, s := range cipherLists {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, list string) {
		ids, _, err := parseCiphers(list)
		ids2, _, err2 := parseCiphers(list)
		if (err == nil) != (err2 == nil) || len(ids) != len(ids2) {
			t.Fatalf("not deterministic: %v %v", err, err2)
		}
		if err == nil && len(ids) == 0 {
			t.Fatal("no error and no suite")
		}
	})
}

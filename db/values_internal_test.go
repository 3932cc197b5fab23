package db

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, us int) time.Time {
		return time.Date(y, mo, d, h, mi, s, us*1000, time.UTC)
	}
	for _, tc := range []struct {
		in   string
		want time.Time
		bad  bool
	}{
		// timeLayout, what TimeArg writes: parseStored reads it.
		{in: "2024-02-29 23:59:58.123456", want: utc(2024, 2, 29, 23, 59, 58, 123456)},
		{in: "0001-01-01 00:00:00.000000", want: utc(1, 1, 1, 0, 0, 0, 0)},
		{in: "2023-12-31 00:00:00.000001", want: utc(2023, 12, 31, 0, 0, 0, 1)},
		// The same width but not a time: refused, as time.Parse refuses it.
		{in: "2023-02-29 00:00:00.000000", bad: true},
		{in: "2023-04-31 00:00:00.000000", bad: true},
		{in: "2023-13-01 00:00:00.000000", bad: true},
		{in: "2023-00-01 00:00:00.000000", bad: true},
		{in: "2023-01-01 24:00:00.000000", bad: true},
		{in: "2023-01-01 00:60:00.000000", bad: true},
		{in: "2023-01-01 00:00:60.000000", bad: true},
		{in: "2023-01-0a 00:00:00.000000", bad: true},
		{in: "2023-01-01 00:00:00.00000x", bad: true},
		// The other forms a column may hold.
		{in: "2024-02-29 23:59:58", want: utc(2024, 2, 29, 23, 59, 58, 0)}, // CURRENT_TIMESTAMP
		{in: "2024-02-29 23:59:58.5", want: utc(2024, 2, 29, 23, 59, 58, 500000)},
		{in: "2024-02-29T23:59:58.123456", want: utc(2024, 2, 29, 23, 59, 58, 123456)},
		{in: "2024-02-29T23:59:58Z", want: utc(2024, 2, 29, 23, 59, 58, 0)},
		{in: "2024-02-29 23:59:58+01:00", want: utc(2024, 2, 29, 22, 59, 58, 0)},
		{in: "2024-02-29T23:59:58.25-05:30", want: utc(2024, 3, 1, 5, 29, 58, 250000)},
		{in: "2024-02-29 23:59", want: utc(2024, 2, 29, 23, 59, 0, 0)},
		{in: "2024-02-29T23:59", want: utc(2024, 2, 29, 23, 59, 0, 0)},
		{in: "2024-02-29", want: utc(2024, 2, 29, 0, 0, 0, 0)},
		{in: "2024-02-29 23:59:58.123456 +0100 CET", want: utc(2024, 2, 29, 22, 59, 58, 123456)},
		{in: "2024-02-29 23:59:58.123456 +0000 UTC m=+0.000123", want: utc(2024, 2, 29, 23, 59, 58, 123456)},
		{in: "yesterday", bad: true},
		{in: "", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok, err := parseTime(tc.in)
			if tc.bad {
				if err == nil {
					t.Fatalf("parseTime(%q) = %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || !ok || !got.Equal(tc.want) || got.Location() != time.UTC {
				t.Fatalf("parseTime(%q) = %v, %v, %v; want %v in UTC", tc.in, got, ok, err, tc.want)
			}
		})
	}
}

func BenchmarkParseTime(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, _, err := parseTime("2024-02-29 23:59:58.123456"); err != nil {
			b.Fatal(err)
		}
	}
}

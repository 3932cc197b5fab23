package objects

import (
	"testing"
	"time"
)

// TestUTCSeconds: the fast path reads and writes the usual spelling of a
// UTC time from Unix seconds, with its own calendar arithmetic; it must
// agree with parseISOTime and appendISOTime (the time package's calendar)
// on every day of the years 1..9999 that it samples, and leave every
// other spelling to parseISOTime.
func TestUTCSeconds(t *testing.T) {
	first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400
	last := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Unix() / 86400
	days := []int64{first, first + 1, last - 1, last, 0, -1}
	for d := first; d <= last; d += 97 { // 97 is prime to 7, 30, 365 and 146097
		days = append(days, d)
	}
	for _, y := range []int{1, 4, 100, 400, 1600, 1700, 1899, 1900, 1969, 1970, 2000, 2024, 2100, 9996, 9999} {
		for d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
			days = append(days, d.Unix()/86400)
		}
	}
	for i, d := range days {
		secs := d*86400 + int64(i*7919%86400) // a second of the day
		want := time.Unix(secs, 0).In(time.UTC)
		text := string(appendISOTime(nil, want))
		if got := string(appendUTCSeconds(nil, secs)); got != text {
			t.Fatalf("appendUTCSeconds(%d) = %s, appendISOTime gives %s", secs, got, text)
		}
		for _, s := range []string{text, text[:len(text)-1]} { // with Z and without a zone
			got, ok := utcSeconds(s)
			ref, err := parseISOTime(s)
			if want.Year() < 1000 { // written unpadded: not the usual spelling
				if ok {
					t.Fatalf("utcSeconds(%q) = %d, want it left to parseISOTime", s, got)
				}
				continue
			}
			if !ok || got != secs || err != nil || !ref.Equal(want) {
				t.Fatalf("utcSeconds(%q) = %d, %v; want %d (parseISOTime: %v, %v)", s, got, ok, secs, ref, err)
			}
		}
	}
	for _, s := range []string{
		"2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2024-04-31T00:00:00Z",
		"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z", "0000-01-01T00:00:00Z",
		"2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z",
		"2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00.5Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00z",
		"2024-1-01T00:00:00Z", "2024-01-01T00:00:0xZ", "+024-01-01T00:00:00Z", "2024-01-01",
	} {
		if got, ok := utcSeconds(s); ok {
			ref, err := parseISOTime(s)
			t.Errorf("utcSeconds(%q) = %d, want it left to parseISOTime (which gives %v, %v)", s, got, ref, err)
		}
	}
	if got, ok := utcSeconds("2024-02-29T23:59:59Z"); !ok || got != time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC).Unix() {
		t.Errorf("utcSeconds(a leap day) = %d, %v", got, ok)
	}
}

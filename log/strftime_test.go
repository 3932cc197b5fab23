package log

import (
	"testing"
	"time"
)

func TestStrftimeAgainstPython(t *testing.T) {
	formats := []string{
		DefaultLogDateFormat, "%Y-%m-%dT%H:%M:%S%z", "%d/%b/%Y:%H:%M:%S %z", "%a %A %b %B %h",
		"%c", "%x %X", "%D %F %T %R %r", "%C %y %g %G %V %u %w %U %W %j", "%e|%k|%l|%I|%p|%P",
		"%s", "%Z", "%%", "%n%t", "100%", "%Q %q %J", "%-d %-m %-H %_d %_H %05d %10Y %^a %^B %#p %#Z",
		"%Ey %Od %EY %OH", "%3d %3e %1H", "", "plain text", "%", "%-", "%5", "%E", "%Ex", "%+Y %+10Y",
		"%^p %#a %#b %10A|%-10A|%010B", "%0e %-e %_m %_y", "%_5m %-10d %^10b %010p %#10A %#c %^c %Ec %_Y %-y",
		"%10c|%-10D|%^x|%012T|%_3j|%-j|%#P|%^P|%10%|%_s|%^Z|%10z|%-z|%_z|%5n|%3t", "%G-W%V-%u %k%l",
	}
	stamps := []float64{1700000000, 0, 951782400, 1709251199, 1609459200, 1735689599, 1234567890.987,
		946684800, 1104537600, 1230768000, 4102444800}
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"}
	var req [][]any
	for _, f := range formats {
		for _, ts := range stamps {
			for _, z := range zones {
				req = append(req, []any{f, ts, z})
			}
		}
	}
	var resp []any
	runPython(t, "testdata/strftime.py", req, &resp)
	fails := 0
	for i, r := range req {
		want, ok := resp[i].(string)
		if !ok {
			continue // Python refused; nothing to compare
		}
		loc, err := time.LoadLocation(r[2].(string))
		if err != nil {
			t.Fatal(err)
		}
		ts := r[1].(float64)
		tm := time.Unix(int64(ts), 0).In(loc)
		got := string(compileDateFormat(r[0].(string)).format(nil, tm))
		if got != want {
			fails++
			if fails < 30 {
				t.Errorf("strftime(%q, %v, %s) = %q, Python %q", r[0], ts, r[2], got, want)
			}
		}
	}
	if fails > 0 {
		t.Errorf("%d of %d differ", fails, len(req))
	}
}

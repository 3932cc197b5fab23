package db

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

type retryCase struct {
	RetryInterval    float64 `json:"retry_interval"`
	MaxRetries       int     `json:"max_retries"`
	IncRetryInterval bool    `json:"inc_retry_interval"`
	MaxRetryInterval float64 `json:"max_retry_interval"`
	Error            string  `json:"error"`
	FailTimes        int     `json:"fail_times"`
}

type retryOutcome struct {
	Calls  int       `json:"calls"`
	Sleeps []float64 `json:"sleeps"`
	Raised *string   `json:"raised"`
}

// runRetry runs retry with the case's policy and error, recording the
// waits instead of waiting.
func runRetry(c retryCase) retryOutcome {
	secs := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	p := RetryPolicy{Interval: secs(c.RetryInterval), MaxRetries: c.MaxRetries, IncInterval: c.IncRetryInterval,
		MaxInterval: secs(c.MaxRetryInterval)}
	var out retryOutcome
	sleep := func(_ context.Context, d time.Duration) error {
		out.Sleeps = append(out.Sleeps, d.Seconds())
		return nil
	}
	inner := errors.New("inner")
	err := retry(context.Background(), p, func(context.Context) error {
		out.Calls++
		if out.Calls > c.FailTimes {
			return nil
		}
		switch c.Error {
		case "connection":
			return &Error{Kind: ErrDisconnect}
		case "deadlock":
			return &Error{Kind: ErrDeadlock}
		case "request":
			return RetryRequest(inner)
		}
		return errors.New("other")
	}, sleep)
	if err != nil {
		// The names of oslo's exceptions for what retry returned.
		name := "ValueError"
		switch {
		case errors.Is(err, ErrDisconnect):
			name = "DBConnectionError"
		case errors.Is(err, ErrDeadlock):
			name = "DBDeadlock"
		case err == inner:
			name = "ValueError"
		}
		out.Raised = &name
	}
	return out
}

// TestRetryScheduleAgainstOslo runs the same failures through Retry and
// through oslo.db's wrap_db_retry (its time.sleep recorded) and compares
// the number of calls, the waits and the outcome. Deadlock waits are
// random after the first (jitter), so they are checked against their
// bounds.
func TestRetryScheduleAgainstOslo(t *testing.T) {
	if out, err := exec.Command("/usr/bin/python3", "-c", "import oslo_db.api").CombinedOutput(); err != nil {
		t.Skipf("/usr/bin/python3 cannot import oslo_db (%v: %s): install python3-oslo.db", err, bytes.TrimSpace(out))
	}
	var cases []retryCase
	for _, e := range []string{"connection", "deadlock", "request", "other"} {
		for _, maxRetries := range []int{0, 1, 3, 6} {
			for _, fail := range []int{0, 1, 3, 10} {
				for _, inc := range []bool{true, false} {
					for _, iv := range [][2]float64{{1, 10}, {0.5, 3}, {2, 1}, {0, 5}} {
						cases = append(cases, retryCase{RetryInterval: iv[0], MaxRetries: maxRetries, IncRetryInterval: inc,
							MaxRetryInterval: iv[1], Error: e, FailTimes: fail})
					}
				}
			}
		}
	}
	in, _ := json.Marshal(cases)
	cmd := exec.Command("/usr/bin/python3", "testdata/oracle/retry.py")
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	var want []retryOutcome
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		got := runRetry(c)
		w := want[i]
		bad := got.Calls != w.Calls || len(got.Sleeps) != len(w.Sleeps) || (got.Raised == nil) != (w.Raised == nil) ||
			(got.Raised != nil && *got.Raised != *w.Raised)
		for j := 0; !bad && j < len(got.Sleeps); j++ {
			if c.Error == "deadlock" && c.IncRetryInterval && j > 0 {
				// Jitter: within [0, min(interval·2^j, max)].
				limit := c.RetryInterval * float64(int(1)<<j)
				if limit > c.MaxRetryInterval {
					limit = c.MaxRetryInterval
				}
				bad = got.Sleeps[j] < 0 || got.Sleeps[j] > limit+1e-9 || w.Sleeps[j] > limit+1e-9
				continue
			}
			bad = got.Sleeps[j]-w.Sleeps[j] > 1e-9 || w.Sleeps[j]-got.Sleeps[j] > 1e-9
		}
		if bad {
			t.Errorf("%+v:\n goslo %+v\n oslo  %+v", c, show(got), show(w))
		}
	}
}

func show(o retryOutcome) any {
	r := "<nil>"
	if o.Raised != nil {
		r = *o.Raised
	}
	return struct {
		Calls  int
		Sleeps []float64
		Raised string
	}{o.Calls, o.Sleeps, r}
}

// TestRetryUnlimited: -1 retries until it succeeds (the option's help;
// oslo.db 12's wrap_db_retry does not retry at all with -1).
func TestRetryUnlimited(t *testing.T) {
	got := runRetry(retryCase{RetryInterval: 0, MaxRetries: -1, Error: "deadlock", FailTimes: 50})
	if got.Calls != 51 || got.Raised != nil {
		t.Errorf("%+v", show(got))
	}
}

// TestRetryStopsWithContext: a wait ends with the context, and Retry
// returns the context's error with the last failure.
func TestRetryStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	err := Retry(ctx, RetryPolicy{Interval: time.Hour, MaxRetries: -1}, func(context.Context) error {
		calls++
		cancel()
		return &Error{Kind: ErrDeadlock}
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrDeadlock) || calls != 1 {
		t.Errorf("err %v after %d calls", err, calls)
	}
}

func TestRetryPolicySwitches(t *testing.T) {
	p := RetryPolicy{MaxRetries: 3, NoDeadlock: true}
	calls := 0
	err := Retry(context.Background(), p, func(context.Context) error { calls++; return &Error{Kind: ErrDeadlock} })
	if calls != 1 || !errors.Is(err, ErrDeadlock) {
		t.Errorf("NoDeadlock: %d calls, %v", calls, err)
	}
	calls = 0
	special := errors.New("special")
	p = RetryPolicy{MaxRetries: 3, Checker: func(err error) bool { return errors.Is(err, special) }}
	err = Retry(context.Background(), p, func(context.Context) error { calls++; return special })
	if calls != 4 || err != special {
		t.Errorf("Checker: %d calls, %v", calls, err)
	}
	calls = 0
	err = Retry(context.Background(), RetryPolicy{MaxRetries: 3}, func(context.Context) error {
		calls++
		return &Error{Kind: ErrCommitUnknown}
	})
	if calls != 1 {
		t.Errorf("a commit of unknown outcome was retried: %d calls, %v", calls, err)
	}
}

// TestClassifyPostgreSQLCodes checks the SQLSTATEs (the live tests
// produce the common ones for real).
func TestClassifyPostgreSQLCodes(t *testing.T) {
	tests := []struct {
		code string
		want error
	}{
		{"40P01", ErrDeadlock}, {"40001", ErrDeadlock}, {"23505", ErrDuplicate}, {"23503", ErrReference},
		{"08006", ErrDisconnect}, {"08001", ErrDisconnect}, {"57P01", ErrDisconnect}, {"57P03", ErrDisconnect},
		{"53300", ErrDisconnect}, {"42P01", nil}, {"23502", nil}, {"22001", nil},
	}
	for _, tc := range tests {
		err := classify(&pgconn.PgError{Code: tc.code, Message: "x", Detail: "Key (host, \"binary\")=(a, b) already exists."})
		var de *Error
		isDB := errors.As(err, &de)
		switch {
		case tc.want == nil && isDB:
			t.Errorf("%s classified as %v", tc.code, de.Kind)
		case tc.want != nil && (!isDB || de.Kind != tc.want):
			t.Errorf("%s: %v, want %v", tc.code, err, tc.want)
		}
		if tc.code == "23505" && (len(de.Columns) != 2 || de.Columns[1] != "binary") {
			t.Errorf("duplicate columns %q", de.Columns)
		}
	}
	for _, err := range []error{context.Canceled, context.DeadlineExceeded, errors.New("syntax error")} {
		if got := classify(err); got != err {
			t.Errorf("classify(%v) = %v", err, got)
		}
	}
}

package middleware

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// acceptInputs are hand-picked Accept values: the grammar's corners.
var acceptInputs = []string{
	"", "*/*", "text/html", "application/json", "text/plain", "TEXT/HTML", "text/*", "*/json",
	"text/html;q=0", "text/html;q=0.5, application/json", "text/html;Q=0.5,application/json;q=0.6",
	"application/json;q=1.000", "application/json;q=1.0001", "text/html;q=2", "text/html;q=0.",
	"text/html;q=.5", "text/html; q=0.5", "text/html ;q=0.5", "text/html;q=0.5;ext=1", "text/html;q=0.5;ext",
	"text/html;q=0.5;ext=\"quoted, with comma\"", "text/html;level=1", "text/html;level=1, text/plain",
	"text/html;level=\"a\\\"b\"", "text/html;level=", "text/html;=1", ",text/html", ",,text/html,,",
	"text/html, ,application/json", "text/html,", "text/html, ", " text/html", "text/html ",
	"garbage", "text", "text/", "/html", "text/html/x", "text/html;q=0.1x", "text/plain;q=0,*/*",
	"text/plain;q=0, text/*;q=0.5, */*;q=0.1", "*/*;q=0.1, application/json;q=0.1", "image/png",
	"text/html;charset=utf-8;q=0.9, application/json;q=0.9", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	"application/json, text/html;q=0.9", "text/*;level=1", "*/*;level=1", "text/html;q=0.000", "text/html;q=0.001",
	"text/html\t;\tq=0.5", "text/html;q=1, text/html;q=0", "text/html;q=0, text/html", "ünï/côde", "text/html;x=ü",
	"application/json;q=0.3, text/html;q=0.3, text/plain;q=0.3", "a/b;c=\"unterminated", "text/html;q=0.5 , text/plain",
}

func TestAcceptMatchesWebOb(t *testing.T) {
	needOracle(t)
	inputs := append([]string{}, acceptInputs...)
	// Generated values from the grammar's pieces.
	rng := rand.New(rand.NewSource(7))
	pieces := []string{"text", "html", "plain", "application", "json", "*", "/", ";", ",", " ", "\t",
		"q=", "Q=", "0", "1", ".", "5", "level=1", "\"x\"", "=", "x"}
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for n := rng.Intn(12); n >= 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		inputs = append(inputs, b.String())
	}
	var in bytes.Buffer
	for _, v := range inputs {
		j, _ := json.Marshal(v)
		in.Write(j)
		in.WriteByte('\n')
	}
	cmd := exec.Command(python, "-X", "utf8", "testdata/accept.py")
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("accept.py: %v\n%s", err, stderr.String())
	}
	type answer struct {
		Valid  bool     `json:"valid"`
		Exc    []string `json:"exc"`
		Health []string `json:"health"`
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	i, failures := 0, 0
	for ; sc.Scan(); i++ {
		var want answer
		if err := json.Unmarshal(sc.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		v := inputs[i]
		_, valid := parseAccept(v)
		got := answer{Valid: valid,
			Exc:    acceptableOffers(v, true, []string{"text/html", "application/json"}),
			Health: acceptableOffers(v, true, healthcheckOffers)}
		if want.Exc == nil {
			want.Exc = []string{}
		}
		if want.Health == nil {
			want.Health = []string{}
		}
		if got.Exc == nil {
			got.Exc = []string{}
		}
		if got.Health == nil {
			got.Health = []string{}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			failures++
			if failures <= 20 {
				t.Errorf("Accept %q: differs from WebOb (-webob +goslo):\n%s", v, diff)
			}
		}
	}
	if i != len(inputs) {
		t.Fatalf("accept.py answered %d of %d", i, len(inputs))
	}
	if failures > 0 {
		t.Errorf("%d of %d Accept values differ", failures, len(inputs))
	}
}

// No Accept header accepts every offer, in order.
func TestAcceptNoHeader(t *testing.T) {
	got := acceptableOffers("", false, healthcheckOffers)
	if !cmp.Equal(got, healthcheckOffers) {
		t.Errorf("got %q", got)
	}
}

package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/goslo/goslo/examples/compute-api/api"
)

// TestViewsAreMapJSON checks that each server document is written as
// json.Marshal writes it as a map (the views are structs for speed):
// keys in sorted order, null where a value is None, the same escaping.
func TestViewsAreMapJSON(t *testing.T) {
	h, _ := newAPI(t)
	plain := createServer(t, h, "p1", "plain")
	w := do(h, "POST", "/v2.1/servers", `{"server": {"name": "full <&> \"q\" \\ \u2028 é", "flavorRef": "2", "accessIPv4": "10.0.0.1",
		"metadata": {"b": "2", "a": "<1>"}, "description": "d\u2028"}}`, as("p1"), mv("2.2"))
	expect(t, w, http.StatusAccepted)
	full := get(t, doc(t, w), "server", "id").(string)
	expect(t, do(h, "PUT", "/v2.1/servers/"+plain, `{"server": {"name": "renamed"}}`, as("p1")), http.StatusOK)
	for _, path := range []string{
		"/v2.1/servers", "/v2.1/servers?limit=1", "/v2.1/servers?name=none", "/v2.1/servers?limit=1&name=a%3Cb", "/v2.1/servers/detail", "/v2.1/servers/detail?limit=1",
		"/v2.1/servers/" + plain, "/v2.1/servers/" + full,
	} {
		for _, version := range []string{"2.1", "2.2"} {
			t.Run(path+"@"+version, func(t *testing.T) {
				w := do(h, "GET", path, "", as("p1"), mv(version))
				expect(t, w, http.StatusOK)
				dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
				dec.UseNumber()
				var m map[string]any
				if err := dec.Decode(&m); err != nil {
					t.Fatal(err)
				}
				want, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(w.Body.Bytes(), want) {
					t.Errorf("body\n%s\nis not json.Marshal of its map\n%s", w.Body, want)
				}
			})
		}
	}
}

// TestAppendJSONString checks the API's JSON string writer against
// json.Marshal: every ASCII character, alone and among others, and
// strings that it leaves to json.Marshal.
func TestAppendJSONString(t *testing.T) {
	cases := []string{"", "plain", "a<b>&c", "q\"b\\s", "\x00\x1f\x7f", "tab\tnl\nff\fbs\b", "é", "\u2028\u2029", "bad \xff utf-8"}
	for c := range 0x80 {
		cases = append(cases, string(rune(c)), "x"+string(rune(c))+"y")
	}
	for _, s := range cases {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := api.AppendJSONString([]byte("prefix"), s); string(got) != "prefix"+string(want) {
			t.Errorf("%q: %s, want %s", s, got[6:], want)
		}
	}
}

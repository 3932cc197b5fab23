package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
)

// TestViewsAreMapJSON checks that each server document is written as
// json.Marshal writes it as a map (the views are structs for speed):
// keys in sorted order, null where a value is None, the same escaping.
func TestViewsAreMapJSON(t *testing.T) {
	h, _ := newAPI(t)
	plain := createServer(t, h, "p1", "plain")
	w := do(h, "POST", "/v2.1/servers", `{"server": {"name": "full <&>", "flavorRef": "2", "accessIPv4": "10.0.0.1",
		"metadata": {"b": "2", "a": "<1>"}, "description": "d\u2028"}}`, as("p1"), mv("2.2"))
	expect(t, w, http.StatusAccepted)
	full := get(t, doc(t, w), "server", "id").(string)
	expect(t, do(h, "PUT", "/v2.1/servers/"+plain, `{"server": {"name": "renamed"}}`, as("p1")), http.StatusOK)
	for _, path := range []string{
		"/v2.1/servers", "/v2.1/servers?limit=1", "/v2.1/servers/detail", "/v2.1/servers/detail?limit=1",
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

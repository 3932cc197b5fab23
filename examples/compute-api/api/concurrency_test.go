package api_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestConcurrentUpdates sends two updates of one server at once, many
// times: each gets 200 or 409 (the store's compare-and-swap refused the
// one that read the server before the other saved it), and no update that
// was acknowledged is lost: the server holds every change answered 200,
// and when both were, the later answer shows both changes.
func TestConcurrentUpdates(t *testing.T) {
	h, _ := newAPI(t)
	const rounds = 40
	outcomes := map[string]int{}
	for round := range rounds {
		id := createServer(t, h, "p1", "before")
		bodies := []string{`{"server": {"name": "after"}}`, `{"server": {"accessIPv4": "192.0.2.7"}}`}
		answers := make([]*httptest.ResponseRecorder, len(bodies))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, body := range bodies {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				answers[i] = do(h, "PUT", "/v2.1/servers/"+id, body, as("p1"))
			}()
		}
		close(start)
		wg.Wait()

		w := do(h, "GET", "/v2.1/servers/"+id, "", as("p1"))
		expect(t, w, http.StatusOK)
		final := get(t, doc(t, w), "server").(map[string]any)
		changed := []func(map[string]any) bool{
			func(s map[string]any) bool { return s["name"] == "after" },
			func(s map[string]any) bool { return s["accessIPv4"] == "192.0.2.7" },
		}
		ok := 0
		var both bool
		for i, a := range answers {
			switch a.Code {
			case http.StatusOK:
				ok++
				if !changed[i](final) {
					t.Errorf("round %d: update %d was answered 200 but is lost: %v", round, i, final)
				}
				s := get(t, doc(t, a), "server").(map[string]any)
				both = both || changed[0](s) && changed[1](s)
			case http.StatusConflict:
				checkFault(t, a, http.StatusConflict)
				if changed[i](final) {
					t.Errorf("round %d: update %d was refused (409) but applied: %v", round, i, final)
				}
			default:
				t.Fatalf("round %d: update %d: status %d: %s", round, i, a.Code, a.Body)
			}
		}
		switch {
		case ok == 2 && !both:
			t.Errorf("round %d: both updates answered 200, neither answer shows both changes (one overwrote a stale read)", round)
		case ok == 0:
			t.Errorf("round %d: both updates refused", round)
		}
		outcomes[map[int]string{1: "one 409", 2: "both 200"}[ok]]++
	}
	t.Logf("%d rounds: %v", rounds, outcomes)
}

package reqctx_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/goslo/goslo/reqctx"
)

func Example() {
	h := http.Header{}
	h.Set("X-User-Id", "8c1a")
	h.Set("X-Project-Id", "42fe")
	h.Set("X-Roles", "admin, member")
	h.Set("X-Auth-Token", "gAAAAAB...")

	rc := reqctx.FromHeaders(h)
	rc.RequestID = "req-6d8a4a4e-5f4b-4a3c-9d40-0b1c9f1e7d21"
	ctx := reqctx.With(context.Background(), rc)

	got := reqctx.From(ctx)
	v := got.LoggingValues()
	fmt.Println(got.UserIdentity())
	fmt.Println(v["request_id"], v["roles"], v["auth_token"])
	// Output:
	// 8c1a 42fe - - -
	// req-6d8a4a4e-5f4b-4a3c-9d40-0b1c9f1e7d21 [admin member] ***
}

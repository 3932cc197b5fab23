package api

import (
	"net/http"
	"strings"

	"github.com/goslo/goslo/reqctx"
)

// NoAuth is nova's noauth2 filter for a service without keystone: it
// takes the caller from X-User-Id and X-Project-Id (or an X-Auth-Token of
// the form "user:project"), roles from X-Roles, and makes the caller an
// admin when the user is "admin" or has the admin role. It keeps the
// request id the request_id filter already put in the context.
func NoAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The names are canonical: the header is read without
		// canonicalising them at each request, as Header.Get would.
		user, project := first(r.Header, "X-User-Id"), first(r.Header, "X-Project-Id")
		if tok := first(r.Header, "X-Auth-Token"); tok != "" && user == "" && project == "" {
			user, project, _ = strings.Cut(tok, ":")
		}
		if user == "" {
			user = "default"
		}
		if project == "" {
			project = user
		}
		// The request_id filter made this request's context; fill it in
		// rather than copy it (it is a kilobyte).
		rc := reqctx.From(r.Context())
		ctx := r.Context()
		if rc == nil {
			rc = reqctx.New()
			ctx = reqctx.With(ctx, rc)
		}
		rc.UserID, rc.ProjectID = user, project
		rc.Roles = nil
		for role := range strings.SplitSeq(first(r.Header, "X-Roles"), ",") {
			if role = strings.TrimSpace(role); role != "" {
				rc.Roles = append(rc.Roles, role)
			}
		}
		rc.IsAdmin = user == "admin"
		for _, role := range rc.Roles {
			rc.IsAdmin = rc.IsAdmin || role == "admin"
		}
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// first is h.Get(name) for a canonical name.
func first(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

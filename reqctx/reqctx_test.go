package reqctx

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestNewRequestID(t *testing.T) {
	re := regexp.MustCompile(`^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id := NewRequestID()
		if !re.MatchString(id) {
			t.Fatalf("NewRequestID() = %q, want req-<uuid4>", id)
		}
		if seen[id] {
			t.Fatalf("NewRequestID() repeated %q", id)
		}
		seen[id] = true
	}
	if rc := New(); !re.MatchString(rc.RequestID) || !rc.IsAdminProject {
		t.Errorf("New() = %+v, want a request id and IsAdminProject", rc)
	}
}

func TestWithFrom(t *testing.T) {
	if From(context.Background()) != nil {
		t.Error("From(empty) != nil")
	}
	rc := &RequestContext{RequestID: "req-1"}
	ctx := With(context.Background(), rc)
	if got := From(ctx); got != rc {
		t.Errorf("From(With(rc)) = %p, want %p", got, rc)
	}
	inner := &RequestContext{RequestID: "req-2"}
	if got := From(With(ctx, inner)); got != inner {
		t.Errorf("inner context not found")
	}
	if got := From(ctx); got != rc {
		t.Errorf("outer context changed")
	}
}

// A Holder is what With returns: From finds its context, every other
// value and the cancellation are the parent's.
func TestHolder(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	rc := &RequestContext{RequestID: "req-1"}
	var h Holder
	ctx := h.Init(parent, rc)
	if got := From(ctx); got != rc {
		t.Errorf("From = %v, want the held context", got)
	}
	if got := ctx.Value(key{}); got != "v" {
		t.Errorf("parent's value = %v", got)
	}
	inner := &RequestContext{RequestID: "req-2"}
	if got := From(With(ctx, inner)); got != inner {
		t.Errorf("From of a With over a Holder = %v, want the inner context", got)
	}
	child, stop := context.WithCancel(ctx)
	defer stop()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("cancelling the parent did not reach a child of the Holder")
	}
	if ctx.Err() != context.Canceled {
		t.Errorf("Err = %v", ctx.Err())
	}
}

func TestGlobalID(t *testing.T) {
	for _, tc := range []struct {
		rc   RequestContext
		want string
	}{
		{RequestContext{RequestID: "req-a"}, "req-a"},
		{RequestContext{RequestID: "req-a", GlobalRequestID: "req-g"}, "req-g"},
	} {
		if got := tc.rc.GlobalID(); got != tc.want {
			t.Errorf("GlobalID(%+v) = %q, want %q", tc.rc, got, tc.want)
		}
	}
}

// python returns the path of a Python that has oslo.context, or skips.
func python(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import oslo_context").Run(); err != nil {
		t.Skipf("skipping comparison with oslo.context: %s cannot import oslo_context (%v); install python3-oslo.context", py, err)
	}
	return py
}

// kwargs is the Python RequestContext(**kwargs) equivalent of rc.
func kwargs(rc *RequestContext) map[string]any {
	kw := map[string]any{
		"is_admin": rc.IsAdmin, "read_only": rc.ReadOnly, "show_deleted": rc.ShowDeleted,
		"is_admin_project": rc.IsAdminProject,
	}
	str := map[string]string{
		"request_id": rc.RequestID, "global_request_id": rc.GlobalRequestID,
		"user_id": rc.UserID, "project_id": rc.ProjectID, "domain_id": rc.DomainID,
		"user_domain_id": rc.UserDomainID, "project_domain_id": rc.ProjectDomainID,
		"user_name": rc.UserName, "project_name": rc.ProjectName, "domain_name": rc.DomainName,
		"user_domain_name": rc.UserDomainName, "project_domain_name": rc.ProjectDomainName,
		"system_scope": rc.SystemScope, "resource_uuid": rc.ResourceUUID, "auth_token": rc.AuthToken,
	}
	for k, v := range str {
		if v != "" {
			kw[k] = v
		}
	}
	if rc.Roles != nil {
		kw["roles"] = rc.Roles
	}
	return kw
}

func TestAgainstOsloContext(t *testing.T) {
	py := python(t)
	contexts := []*RequestContext{
		{RequestID: "req-1", IsAdminProject: true},
		{RequestID: "req-2", GlobalRequestID: "req-g", UserID: "u", ProjectID: "p", DomainID: "d",
			UserDomainID: "ud", ProjectDomainID: "pd", UserName: "alice", ProjectName: "demo",
			DomainName: "Default", UserDomainName: "udn", ProjectDomainName: "pdn", SystemScope: "all",
			Roles: []string{"admin", "member"}, IsAdmin: true, ReadOnly: true, ShowDeleted: true,
			ResourceUUID: "6f0c", AuthToken: "secret-token"},
		{RequestID: "req-3", UserID: "u", Roles: []string{}, IsAdminProject: false},
		{RequestID: "req-4", ProjectID: "p", AuthToken: "t"},
	}
	headers := []http.Header{
		{},
		{"X-User-Id": {"u1"}, "X-User": {"old"}, "X-Tenant": {"t1"}, "X-Roles": {" admin , reader"},
			"X-Auth-Token": {"tok"}, "X-User-Name": {"bob"}, "X-Tenant-Name": {"tn"},
			"X-Is-Admin-Project": {"False"}, "Openstack-System-Scope": {"all"}},
		{"X-User": {"u2"}, "X-Tenant-Id": {"t2"}, "X-Tenant": {"t3"}, "X-Role": {"r1,r2"},
			"X-Storage-Token": {"st"}, "X-Project-Domain-Id": {"pd"}, "X-User-Domain-Name": {"udn"}},
		{"X-Project-Id": {"p"}, "X-Roles": {""}, "X-Role": {"ignored"}, "X-Is-Admin-Project": {"TRUE"}},
	}
	var req struct {
		Contexts []map[string]any    `json:"contexts"`
		Environs []map[string]string `json:"environs"`
	}
	for _, rc := range contexts {
		req.Contexts = append(req.Contexts, kwargs(rc))
	}
	for _, h := range headers {
		env := map[string]string{}
		for k, v := range h {
			env["HTTP_"+strings.ToUpper(strings.ReplaceAll(k, "-", "_"))] = v[0]
		}
		req.Environs = append(req.Environs, env)
	}
	in, _ := json.Marshal(req)
	cmd := exec.Command(py, "testdata/oracle.py")
	cmd.Stdin = bytes.NewReader(in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	type answer struct {
		ToDict   map[string]any `json:"to_dict"`
		Logging  map[string]any `json:"logging"`
		GlobalID string         `json:"global_id"`
	}
	var resp struct {
		Contexts []answer `json:"contexts"`
		Environs []answer `json:"environs"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatalf("oracle answer: %v", err)
	}
	roundTrip := func(m map[string]any) map[string]any {
		b, _ := json.Marshal(m)
		var r map[string]any
		json.Unmarshal(b, &r)
		return r
	}
	check := func(t *testing.T, rc *RequestContext, want answer) {
		if d := cmp.Diff(want.ToDict, roundTrip(rc.ToDict())); d != "" {
			t.Errorf("ToDict (-oslo +goslo):\n%s", d)
		}
		if d := cmp.Diff(want.Logging, roundTrip(rc.LoggingValues())); d != "" {
			t.Errorf("LoggingValues (-oslo +goslo):\n%s", d)
		}
		if rc.GlobalID() != want.GlobalID {
			t.Errorf("GlobalID = %q, oslo %q", rc.GlobalID(), want.GlobalID)
		}
		keys := LoggingKeys()
		if len(keys) != len(want.Logging) {
			t.Errorf("LoggingKeys has %d keys, oslo's logging values %d", len(keys), len(want.Logging))
		}
	}
	for i, rc := range contexts {
		t.Run("context/"+rc.RequestID, func(t *testing.T) { check(t, rc, resp.Contexts[i]) })
	}
	for i, h := range headers {
		t.Run("headers/"+string(rune('0'+i)), func(t *testing.T) {
			rc := FromHeaders(h)
			rc.RequestID = "req-fixed"
			check(t, rc, resp.Environs[i])
		})
	}
}

// TestLoggingKeysOrder checks the order against oslo's dictionary, which
// JSON log lines follow.
func TestLoggingKeysOrder(t *testing.T) {
	py := python(t)
	out, err := exec.Command(py, "-c", `
import json
from oslo_context import context
print(json.dumps(list(context.RequestContext(overwrite=False).get_logging_values())))`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, LoggingKeys()); d != "" {
		t.Errorf("LoggingKeys (-oslo +goslo):\n%s", d)
	}
}

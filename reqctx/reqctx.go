package reqctx

import (
	"context"
	"crypto/rand"
	"net/http"
	"strings"
)

// RequestContext is what a service knows about the request it is serving:
// who makes it (user, project, domain, roles), under which ids it is
// logged, and flags that change how it is served. It is oslo.context's
// RequestContext. The empty string stands for Python's None: a field that
// is not known.
//
// Build one with New (or FromHeaders), fill it in, then carry it with
// With; treat it as read-only once it is in a context.Context, since log
// lines read it from other goroutines.
type RequestContext struct {
	RequestID       string // this service's id of the request: req-<uuid4>
	GlobalRequestID string // the id the first service gave the request, passed along by the others

	UserID            string
	ProjectID         string
	DomainID          string
	UserDomainID      string
	ProjectDomainID   string
	UserName          string
	ProjectName       string
	DomainName        string
	UserDomainName    string
	ProjectDomainName string
	SystemScope       string // "all" or a service id for system-scoped tokens
	Roles             []string

	IsAdmin        bool
	IsAdminProject bool // oslo's default is true: New sets it
	ReadOnly       bool
	ShowDeleted    bool
	ResourceUUID   string // the resource the request is about; logged as the instance

	// AuthToken and ServiceToken are credentials: never logged, shown as
	// *** by LoggingValues.
	AuthToken    string
	ServiceToken string

	ServiceUserID            string
	ServiceUserName          string
	ServiceUserDomainID      string
	ServiceUserDomainName    string
	ServiceProjectID         string
	ServiceProjectName       string
	ServiceProjectDomainID   string
	ServiceProjectDomainName string
	ServiceRoles             []string
}

// NewRequestID returns a new request id, "req-" and a random (version
// 4) UUID, as oslo.context's generate_request_id.
func NewRequestID() string {
	var u [16]byte
	return NewRequestIDIn(&u)
}

// NewRequestIDIn is NewRequestID with its random bytes (from
// crypto/rand, as uuid.New) put in u, memory the caller already has, so
// that the id's string is its only allocation (the request_id middleware
// calls it for every request).
func NewRequestIDIn(u *[16]byte) string {
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant RFC 4122
	const hexd = "0123456789abcdef"
	var b [40]byte
	copy(b[:], "req-")
	j := 4
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b[j] = '-'
			j++
		}
		b[j], b[j+1] = hexd[c>>4], hexd[c&15]
		j += 2
	}
	return string(b[:])
}

// New returns a context with a new request id and oslo's defaults
// (IsAdminProject true), as RequestContext() does in Python.
func New() *RequestContext {
	return &RequestContext{RequestID: NewRequestID(), IsAdminProject: true}
}

// NewAdmin returns an administrator context that belongs to no user or
// project, for work a service does on its own behalf (periodic tasks):
// oslo.context's get_admin_context.
func NewAdmin(showDeleted bool) *RequestContext {
	rc := New()
	rc.IsAdmin = true
	rc.ShowDeleted = showDeleted
	return rc
}

type ctxKey struct{}

// With returns a copy of ctx that carries rc. Log lines made with the
// returned context show rc's request id and user identity.
func With(ctx context.Context, rc *RequestContext) context.Context {
	return context.WithValue(ctx, ctxKey{}, rc)
}

// Holder is a context.Context that carries a RequestContext, as With's
// result does, for code that allocates it together with other state of a
// request (the request_id middleware allocates the RequestContext, this
// and the request in one piece): With costs an allocation of its own.
// The zero Holder is not a context; Init it.
type Holder struct {
	context.Context
	rc *RequestContext
}

// Init makes h parent with rc, as With(parent, rc) would be, and returns
// it. h must not be in use by another request.
func (h *Holder) Init(parent context.Context, rc *RequestContext) context.Context {
	h.Context, h.rc = parent, rc
	return h
}

// Value implements context.Context: rc for From, the parent's values
// for any other key.
func (h *Holder) Value(key any) any {
	if key == (ctxKey{}) {
		return h.rc
	}
	return h.Context.Value(key)
}

// From returns the request context ctx carries, or nil.
func From(ctx context.Context) *RequestContext {
	if ctx == nil {
		return nil
	}
	rc, _ := ctx.Value(ctxKey{}).(*RequestContext)
	return rc
}

// GlobalID is the id to pass on to other services: the global request id
// when there is one, else this request's id (oslo's global_id).
func (rc *RequestContext) GlobalID() string {
	if rc.GlobalRequestID != "" {
		return rc.GlobalRequestID
	}
	return rc.RequestID
}

// UserIdentity is the user identity of oslo's to_dict: user, project,
// domain, user domain and project domain ids, "-" for each one unknown.
// (Log lines use the logging_user_identity_format option instead.)
func (rc *RequestContext) UserIdentity() string {
	return dash(rc.UserID) + " " + dash(rc.ProjectID) + " " + dash(rc.DomainID) + " " +
		dash(rc.UserDomainID) + " " + dash(rc.ProjectDomainID)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// none is Python's None for an unknown string field.
func none(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func roles(r []string) []string {
	if r == nil {
		return []string{}
	}
	return r
}

// ToDict returns oslo's to_dict: the context's attributes under oslo's
// keys, nil for unknown ones. It includes the auth token; log with
// LoggingValues instead.
func (rc *RequestContext) ToDict() map[string]any {
	return map[string]any{
		"user":              none(rc.UserID),
		"project_id":        none(rc.ProjectID),
		"system_scope":      none(rc.SystemScope),
		"project":           none(rc.ProjectID),
		"domain":            none(rc.DomainID),
		"user_domain":       none(rc.UserDomainID),
		"project_domain":    none(rc.ProjectDomainID),
		"is_admin":          rc.IsAdmin,
		"read_only":         rc.ReadOnly,
		"show_deleted":      rc.ShowDeleted,
		"auth_token":        none(rc.AuthToken),
		"request_id":        none(rc.RequestID),
		"global_request_id": none(rc.GlobalRequestID),
		"resource_uuid":     none(rc.ResourceUUID),
		"roles":             roles(rc.Roles),
		"user_identity":     rc.UserIdentity(),
		"is_admin_project":  rc.IsAdminProject,
	}
}

// loggingKeys is the order of oslo's get_logging_values dictionary, which
// JSON log lines keep.
var loggingKeys = []string{
	"user_name", "project_name", "domain_name", "user_domain_name", "project_domain_name",
	"user", "project_id", "system_scope", "project", "domain", "user_domain", "project_domain",
	"is_admin", "read_only", "show_deleted", "auth_token", "request_id", "global_request_id",
	"resource_uuid", "roles", "user_identity", "is_admin_project",
}

// LoggingKeys returns the keys of LoggingValues in oslo's order.
func LoggingKeys() []string { return append([]string(nil), loggingKeys...) }

// LoggingValues returns what oslo's get_logging_values returns: ToDict
// plus the user, project and domain names, with the auth token replaced
// by "***" (nil when there is none). These are the fields a log format
// string can name, and the "context" object of JSON log lines.
func (rc *RequestContext) LoggingValues() map[string]any {
	m := rc.ToDict()
	m["user_name"] = none(rc.UserName)
	m["project_name"] = none(rc.ProjectName)
	m["domain_name"] = none(rc.DomainName)
	m["user_domain_name"] = none(rc.UserDomainName)
	m["project_domain_name"] = none(rc.ProjectDomainName)
	if rc.AuthToken != "" {
		m["auth_token"] = "***"
	}
	return m
}

// headerFields lists, for each field FromHeaders fills, the headers it is
// read from, first present wins: the headers keystonemiddleware's
// auth_token sets (oslo.context's _ENVIRON_HEADERS).
var headerFields = []struct {
	headers []string
	field   func(*RequestContext) *string
}{
	{[]string{"X-Auth-Token", "X-Storage-Token"}, func(r *RequestContext) *string { return &r.AuthToken }},
	{[]string{"X-User-Id", "X-User"}, func(r *RequestContext) *string { return &r.UserID }},
	{[]string{"X-Project-Id", "X-Tenant-Id", "X-Tenant"}, func(r *RequestContext) *string { return &r.ProjectID }},
	{[]string{"X-Domain-Id"}, func(r *RequestContext) *string { return &r.DomainID }},
	{[]string{"Openstack-System-Scope"}, func(r *RequestContext) *string { return &r.SystemScope }},
	{[]string{"X-User-Domain-Id"}, func(r *RequestContext) *string { return &r.UserDomainID }},
	{[]string{"X-Project-Domain-Id"}, func(r *RequestContext) *string { return &r.ProjectDomainID }},
	{[]string{"X-User-Name"}, func(r *RequestContext) *string { return &r.UserName }},
	{[]string{"X-Project-Name", "X-Tenant-Name"}, func(r *RequestContext) *string { return &r.ProjectName }},
	{[]string{"X-User-Domain-Name"}, func(r *RequestContext) *string { return &r.UserDomainName }},
	{[]string{"X-Project-Domain-Name"}, func(r *RequestContext) *string { return &r.ProjectDomainName }},
	{[]string{"X-Service-Token"}, func(r *RequestContext) *string { return &r.ServiceToken }},
	{[]string{"X-Service-User-Id"}, func(r *RequestContext) *string { return &r.ServiceUserID }},
	{[]string{"X-Service-User-Name"}, func(r *RequestContext) *string { return &r.ServiceUserName }},
	{[]string{"X-Service-User-Domain-Id"}, func(r *RequestContext) *string { return &r.ServiceUserDomainID }},
	{[]string{"X-Service-User-Domain-Name"}, func(r *RequestContext) *string { return &r.ServiceUserDomainName }},
	{[]string{"X-Service-Project-Id"}, func(r *RequestContext) *string { return &r.ServiceProjectID }},
	{[]string{"X-Service-Project-Name"}, func(r *RequestContext) *string { return &r.ServiceProjectName }},
	{[]string{"X-Service-Project-Domain-Id"}, func(r *RequestContext) *string { return &r.ServiceProjectDomainID }},
	{[]string{"X-Service-Project-Domain-Name"}, func(r *RequestContext) *string { return &r.ServiceProjectDomainName }},
}

// FromHeaders builds a context from the identity headers that
// keystonemiddleware's auth_token filter (or a no-auth filter) sets on a
// request, as oslo.context's from_environ: X-User-Id, X-Project-Id,
// X-Roles, X-Auth-Token, ... It gets a new request id; the request_id
// middleware's id, when there is one, should replace it.
func FromHeaders(h http.Header) *RequestContext {
	rc := New()
	for _, f := range headerFields {
		for _, name := range f.headers {
			if v, ok := h[http.CanonicalHeaderKey(name)]; ok && len(v) > 0 {
				*f.field(rc) = v[0]
				break
			}
		}
	}
	rc.Roles = splitRoles(h, "X-Roles", "X-Role")
	rc.ServiceRoles = splitRoles(h, "X-Service-Roles")
	if v, ok := h[http.CanonicalHeaderKey("X-Is-Admin-Project")]; ok && len(v) > 0 {
		rc.IsAdminProject = strings.ToLower(v[0]) == "true"
	}
	return rc
}

func splitRoles(h http.Header, names ...string) []string {
	for _, name := range names {
		v, ok := h[http.CanonicalHeaderKey(name)]
		if !ok || len(v) == 0 {
			continue
		}
		if v[0] == "" {
			return []string{}
		}
		parts := strings.Split(v[0], ",")
		for i, p := range parts {
			parts[i] = strings.TrimSpace(p)
		}
		return parts
	}
	return []string{}
}

package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/goslo/goslo/examples/compute-api/resources"
	"github.com/goslo/goslo/middleware"
	"github.com/goslo/goslo/objects"
)

// statuses are the statuses a server can have.
var statuses = []string{resources.StatusBuild, resources.StatusActive, resources.StatusError, resources.StatusDeleted}

// descriptionVersion is the microversion that adds a server's description.
var descriptionVersion = Version{2, 2}

// briefFields are the fields a server shows in a list without details:
// {"id": uuid, "links": [self, bookmark], "name": name} (appendBriefList
// writes it).
var briefFields = []string{"uuid", "name"}

// serverDetail is a server with its details. Views are structs rather
// than maps because encoding/json writes a struct without sorting or
// boxing anything; their fields are in the order json.Marshal wrote the
// maps' keys, so the bytes are the same.
type serverDetail struct {
	AccessIPv4 string `json:"accessIPv4"`
	Created    any    `json:"created"`
	// Description is shown from microversion 2.2: nil hides it, a pointer
	// to nil shows null.
	Description *any              `json:"description,omitempty"`
	Flavor      flavorRef         `json:"flavor"`
	ID          string            `json:"id"`
	Links       []link            `json:"links"`
	Metadata    map[string]string `json:"metadata"`
	Name        string            `json:"name"`
	Status      string            `json:"status"`
	TenantID    string            `json:"tenant_id"`
	Updated     any               `json:"updated"`
	UserID      string            `json:"user_id"`
}

// flavorRef is the flavor of a server's details.
type flavorRef struct {
	ID    string `json:"id"`
	Links []link `json:"links"`
}

// serverView is a server with its details.
func serverView(r *http.Request, s *objects.Object) serverDetail {
	return serverViewAt(r, middleware.ApplicationURL(r), s)
}

// serverViewAt is serverView with the application URL computed once per
// request.
func serverViewAt(r *http.Request, base string, s *objects.Object) serverDetail {
	id := str(s, "uuid")
	fid := strconv.FormatInt(num(s, "flavor_id"), 10)
	meta, _ := objects.Get[map[string]string](s, "metadata")
	if meta == nil {
		meta = map[string]string{}
	}
	ip := ""
	if a, err := s.Get("access_ip_v4"); err == nil && a != nil {
		ip = fmt.Sprint(a)
	}
	v := serverDetail{
		AccessIPv4: ip,
		Created:    stamp(s, "created_at"),
		Flavor:     flavorRef{ID: fid, Links: []link{{Rel: "bookmark", Href: base + "/flavors/" + fid}}},
		ID:         id,
		Links:      linksAt(base, "servers", id),
		Metadata:   meta,
		Name:       str(s, "name"),
		Status:     str(s, "status"),
		TenantID:   str(s, "project_id"),
		// nova shows the creation time until the first update.
		Updated: stamp(s, "updated_at"),
		UserID:  str(s, "user_id"),
	}
	if v.Updated == nil {
		v.Updated = v.Created
	}
	if RequestVersion(r.Context()).AtLeast(descriptionVersion) {
		d := nullable(s, "description")
		v.Description = &d
	}
	return v
}

// serverList is a page of servers with details, with a next link when
// it is full.
type serverList struct {
	Servers []serverDetail `json:"servers"`
	Links   []link         `json:"servers_links,omitempty"`
}

func (a *API) listServers(detail bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		qv := r.URL.Query()
		q, ok := pageOf(w, qv)
		if !ok {
			return
		}
		rc := requestContext(r)
		q.Project = rc.ProjectID
		if rc.IsAdmin && qv.Get("all_tenants") != "" {
			q.Project = ""
		}
		q.Filters = map[string]string{}
		for _, k := range []string{"name", "status"} {
			if v := qv.Get(k); v != "" {
				q.Filters[k] = v
			}
		}
		if st, ok := q.Filters["status"]; ok && !slices.Contains(statuses, st) {
			// No server has a status that does not exist (nova answers an
			// empty list too).
			writeJSON(w, http.StatusOK, map[string]any{"servers": []any{}})
			return
		}
		if !detail {
			q.Fields = briefFields
		}
		list, err := a.store.ListServers(r.Context(), q)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				fault(w, http.StatusBadRequest, fmt.Sprintf("marker [%s] not found", q.Marker))
				return
			}
			a.storeError(w, r, err, "Server")
			return
		}
		base := middleware.ApplicationURL(r)
		var next []link
		if q.Limit > 0 && len(list) == q.Limit {
			next = nextLinkAt(base, qv, collection("servers", detail), q, str(list[len(list)-1], "uuid"))
		}
		if !detail {
			buf := bodyBuffers.Get().(*[]byte)
			*buf = appendBriefList((*buf)[:0], base, list, next)
			writeBody(w, http.StatusOK, *buf)
			if cap(*buf) <= maxPooledBody {
				bodyBuffers.Put(buf)
			}
			return
		}
		doc := serverList{Servers: make([]serverDetail, len(list)), Links: next}
		for i, s := range list {
			doc.Servers[i] = serverViewAt(r, base, s)
		}
		writeJSON(w, http.StatusOK, doc)
	}
}

// bodyBuffers hold the bodies of brief lists between requests: the
// ResponseWriter has copied a body when Write returns.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooledBody is the largest buffer kept in bodyBuffers (a page of
// 1000 servers is not kept for the next page of 10).
const maxPooledBody = 64 << 10

// appendBriefList appends a page of servers without details (and its
// next link) with the bytes json.Marshal writes for it as a map, without
// reflection: it is the list clients poll most.
func appendBriefList(b []byte, base string, list []*objects.Object, next []link) []byte {
	b = append(b, `{"servers":[`...)
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		id := str(s, "uuid")
		b = append(b, `{"id":`...)
		b = appendJSONString(b, id)
		b = append(b, `,"links":[{"href":`...)
		b = appendJSONJoin(b, base, "/v2.1/servers/", id)
		b = append(b, `,"rel":"self"},{"href":`...)
		b = appendJSONJoin(b, base, "/servers/", id)
		b = append(b, `,"rel":"bookmark"}],"name":`...)
		b = appendJSONString(b, str(s, "name"))
		b = append(b, '}')
	}
	b = append(b, ']')
	if len(next) > 0 {
		b = append(b, `,"servers_links":[`...)
		for i, l := range next {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"href":`...)
			b = appendJSONString(b, l.Href)
			b = append(b, `,"rel":`...)
			b = appendJSONString(b, l.Rel)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// scope is the project whose servers a request may act on by id: its
// own, or every project for an admin (nova's admin_or_owner rule).
func scope(r *http.Request) string {
	rc := requestContext(r)
	if rc.IsAdmin {
		return ""
	}
	return rc.ProjectID
}

func (a *API) showServer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s, err := a.store.GetServer(r.Context(), scope(r), id)
	if err != nil {
		a.storeError(w, r, err, "Instance "+id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"server": serverView(r, s)})
}

// checkKeys refuses keys the schema of this microversion does not know.
func checkKeys(w http.ResponseWriter, r *http.Request, body map[string]any, allowed ...string) bool {
	if RequestVersion(r.Context()).AtLeast(descriptionVersion) {
		allowed = append(allowed, "description")
	}
	for k := range body {
		known := false
		for _, a := range allowed {
			known = known || k == a
		}
		if !known {
			fault(w, http.StatusBadRequest, fmt.Sprintf("Additional properties are not allowed ('%s' was unexpected)", k))
			return false
		}
	}
	return true
}

func validName(w http.ResponseWriter, body map[string]any, required bool) bool {
	v, present := body["name"]
	if !present {
		if required {
			fault(w, http.StatusBadRequest, "Invalid input for field/attribute server. 'name' is a required property")
			return false
		}
		return true
	}
	name, ok := v.(string)
	if !ok || strings.TrimSpace(name) == "" || len(name) > 255 || !printable(name, false) {
		fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for field/attribute name. Value: %v. The name must be 1 to 255 characters and not only spaces.", v))
		return false
	}
	return true
}

func (a *API) createServer(w http.ResponseWriter, r *http.Request) {
	body, ok := decode(w, r, "server")
	if !ok || !checkKeys(w, r, body, "name", "flavorRef", "imageRef", "metadata", "accessIPv4") || !validName(w, body, true) {
		return
	}
	ref := fmt.Sprint(body["flavorRef"])
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		ref = ref[i+1:] // a flavor link
	}
	fid, err := strconv.ParseInt(ref, 10, 64)
	if _, present := body["flavorRef"]; !present || err != nil {
		fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid flavorRef provided: %v", body["flavorRef"]))
		return
	}
	if _, err := a.store.GetFlavor(r.Context(), fid); err != nil {
		if errors.Is(err, ErrNotFound) {
			fault(w, http.StatusBadRequest, fmt.Sprintf("Flavor %d could not be found.", fid))
			return
		}
		a.storeError(w, r, err, "Flavor")
		return
	}
	if !validMetadata(w, body) || !validDescription(w, body, 255) {
		return
	}
	rc := requestContext(r)
	s := resources.Server.New()
	// The store fills created_at and updated_at.
	for f, v := range map[string]any{"uuid": uuid.NewString(), "status": resources.StatusBuild,
		"project_id": rc.ProjectID, "user_id": rc.UserID, "flavor_id": fid} {
		if err := s.Set(f, v); err != nil {
			a.storeError(w, r, err, "Server")
			return
		}
	}
	if !setFields(w, s, body, map[string]string{"name": "name", "metadata": "metadata", "accessIPv4": "access_ip_v4", "description": "description"}) {
		return
	}
	if err := a.store.CreateServer(r.Context(), s); err != nil {
		a.storeError(w, r, err, "Server")
		return
	}
	w.Header().Set("Location", middleware.ApplicationURL(r)+"/v2.1/servers/"+str(s, "uuid"))
	writeJSON(w, http.StatusAccepted, map[string]any{"server": serverView(r, s)})
}

// maxMetadataItems is the metadata_items quota.
const maxMetadataItems = 128

// validMetadata checks a server's metadata as nova's schema does: an
// object of at most 128 items whose keys are 1 to 255 characters and
// whose values are strings of at most 255.
func validMetadata(w http.ResponseWriter, body map[string]any) bool {
	v, ok := body["metadata"]
	if !ok {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for field/attribute metadata. Value: %v. It is not an object.", v))
		return false
	}
	for k, item := range m {
		s, ok := item.(string)
		if !ok || k == "" || len(k) > 255 || len(s) > 255 || !printable(k, false) || !printable(s, false) {
			fault(w, http.StatusBadRequest, fmt.Sprintf("Invalid input for field/attribute metadata. Value: %v. Keys must be 1 to 255 characters and values strings of at most 255.", v))
			return false
		}
	}
	if len(m) > maxMetadataItems {
		fault(w, http.StatusForbidden, fmt.Sprintf("Quota exceeded for metadata_items: Requested %d, but already used 0 of %d metadata_items", len(m), maxMetadataItems))
		return false
	}
	return true
}

func (a *API) updateServer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	body, ok := decode(w, r, "server")
	if !ok || !checkKeys(w, r, body, "name", "accessIPv4") || !validName(w, body, false) || !validDescription(w, body, 255) {
		return
	}
	s, err := a.store.GetServer(r.Context(), scope(r), id)
	if err != nil {
		a.storeError(w, r, err, "Instance "+id)
		return
	}
	if !setFields(w, s, body, map[string]string{"name": "name", "accessIPv4": "access_ip_v4", "description": "description"}) {
		return
	}
	if err := a.store.UpdateServer(r.Context(), s); err != nil {
		a.storeError(w, r, err, "Instance "+id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"server": serverView(r, s)})
}

func (a *API) deleteServer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.store.DeleteServer(r.Context(), scope(r), id); err != nil {
		a.storeError(w, r, err, "Instance "+id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

package log

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/goslo/goslo/reqctx"
)

// The comparison with oslo.log: the same records, with the same values
// (time, pid, source), rendered by the real ContextFormatter,
// ColorHandler and JSONFormatter (testdata/oracle.py) and by goslo; the
// whole lines must be equal.

type oRecord struct {
	Name         string            `json:"name"`
	Level        int               `json:"level"`
	Msg          string            `json:"msg"`
	NS           int64             `json:"ns"`
	Pathname     string            `json:"pathname"`
	Lineno       int               `json:"lineno"`
	Func         string            `json:"func"`
	Named        bool              `json:"named"`
	Context      map[string]any    `json:"context"`
	Instance     any               `json:"instance,omitempty"`
	InstanceUUID *string           `json:"instance_uuid,omitempty"`
	Resource     map[string]string `json:"resource,omitempty"`
	Exc          []string          `json:"exc,omitempty"`
	Extra        [][2]any          `json:"extra,omitempty"`
	Output       string            `json:"output"`
}

type oCase struct {
	Conf     map[string]any `json:"conf"`
	Product  string         `json:"product"`
	TZ       string         `json:"tz"`
	PID      int            `json:"pid"`
	Hostname string         `json:"hostname"`
	Start    float64        `json:"start"`
	Records  []oRecord      `json:"records"`
}

// rcFromKwargs builds the RequestContext of Python RequestContext(**kw).
func rcFromKwargs(kw map[string]any) *reqctx.RequestContext {
	if kw == nil {
		return nil
	}
	rc := &reqctx.RequestContext{IsAdminProject: true}
	str := func(k string) string { s, _ := kw[k].(string); return s }
	b := func(k string) bool { v, _ := kw[k].(bool); return v }
	rc.RequestID = str("request_id")
	rc.GlobalRequestID = str("global_request_id")
	rc.UserID, rc.ProjectID, rc.DomainID = str("user_id"), str("project_id"), str("domain_id")
	rc.UserDomainID, rc.ProjectDomainID = str("user_domain_id"), str("project_domain_id")
	rc.UserName, rc.ProjectName, rc.DomainName = str("user_name"), str("project_name"), str("domain_name")
	rc.UserDomainName, rc.ProjectDomainName = str("user_domain_name"), str("project_domain_name")
	rc.SystemScope, rc.ResourceUUID, rc.AuthToken = str("system_scope"), str("resource_uuid"), str("auth_token")
	rc.IsAdmin, rc.ReadOnly, rc.ShowDeleted = b("is_admin"), b("read_only"), b("show_deleted")
	if v, ok := kw["is_admin_project"].(bool); ok {
		rc.IsAdminProject = v
	}
	if roles, ok := kw["roles"].([]string); ok {
		rc.Roles = roles
	}
	return rc
}

func attrOf(k string, v any) slog.Attr {
	switch v := v.(type) {
	case map[string]any:
		var as []any
		for _, kk := range sortedKeys(v) {
			as = append(as, attrOf(kk, v[kk]))
		}
		return slog.Group(k, as...)
	case [][2]any:
		var as []any
		for _, kv := range v {
			as = append(as, attrOf(kv[0].(string), kv[1]))
		}
		return slog.Group(k, as...)
	}
	return slog.Any(k, v)
}

func sortedKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

// renderGo renders a case's records with goslo.
func renderGo(t *testing.T, c oCase) []string {
	t.Helper()
	s := defaultSettings()
	applyConf(&s, c.Conf)
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		t.Fatal(err)
	}
	tf, err := newTextFormatter(s.formats, c.Product, "unknown")
	if err != nil {
		t.Fatalf("newTextFormatter: %v", err)
	}
	tf.loc, tf.pid, tf.thread, tf.start = loc, c.PID, c.PID, c.Start
	jf := newJSONFormatter(c.Hostname, s.formats.dateFormat)
	jf.tf.loc, jf.tf.pid, jf.tf.thread, jf.tf.start = loc, c.PID, c.PID, c.Start
	var out []string
	for _, o := range c.Records {
		h := &handler{node: getNode(o.Name), named: o.Named}
		r := slog.NewRecord(time.Unix(0, o.NS), slogLevel(o.Level), o.Msg, 0)
		if rc := rcFromKwargs(o.Context); rc != nil {
			r.AddAttrs(slog.Any(KeyContext, rc))
		}
		switch inst := o.Instance.(type) {
		case string:
			r.AddAttrs(slog.String(KeyInstance, inst))
		case map[string]any:
			r.AddAttrs(attrOf(KeyInstance, inst))
		}
		if o.InstanceUUID != nil {
			r.AddAttrs(InstanceUUID(*o.InstanceUUID))
		}
		if o.Resource != nil {
			var as []any
			for _, k := range []string{"name", "type", "id"} {
				if v, ok := o.Resource[k]; ok {
					as = append(as, slog.String(k, v))
				}
			}
			r.AddAttrs(slog.Group(KeyResource, as...))
		}
		if o.Exc != nil {
			text := o.Exc[0]
			if o.Exc[1] != "" {
				text += ": " + o.Exc[1]
			}
			r.AddAttrs(Exception(errors.New(text)))
		}
		for _, kv := range o.Extra {
			r.AddAttrs(attrOf(kv[0].(string), kv[1]))
		}
		var e rec
		e.init(context.Background(), h, &r)
		e.src = &frame{pathname: o.Pathname, lineno: o.Lineno, funcName: o.Func}
		e.src.filename = o.Pathname[strings.LastIndexByte(o.Pathname, '/')+1:]
		e.src.module = strings.TrimSuffix(e.src.filename, ".py")
		switch o.Output {
		case "json":
			out = append(out, string(jf.format(nil, &e)))
		default:
			out = append(out, string(tf.format(nil, &e, o.Output == "stream")))
		}
	}
	return out
}

// defaultSettings are the settings of the options' defaults.
func defaultSettings() settings {
	return settings{
		facility: "LOG_USER", rotation: "none", intervalType: "days", interval: 1, maxCount: 30,
		maxSizeMB: 200, levels: DefaultLogLevels(), rateExcept: "CRITICAL",
		formats: formatOpts{
			context:         contextFormatOpt.Default.(string),
			dflt:            defaultFormatOpt.Default.(string),
			debugSuffix:     debugSuffixOpt.Default.(string),
			exceptionPrefix: exceptionPrefixOpt.Default.(string),
			userIdentity:    userIdentityFormatOpt.Default.(string),
			instance:        instanceFormatOpt.Default.(string),
			instanceUUID:    instanceUUIDFormatOpt.Default.(string),
			dateFormat:      DefaultLogDateFormat,
		},
	}
}

func applyConf(s *settings, conf map[string]any) {
	for k, v := range conf {
		str, _ := v.(string)
		switch k {
		case "logging_context_format_string":
			s.formats.context = str
		case "logging_default_format_string":
			s.formats.dflt = str
		case "logging_debug_format_suffix":
			s.formats.debugSuffix = str
		case "logging_exception_prefix":
			s.formats.exceptionPrefix = str
		case "logging_user_identity_format":
			s.formats.userIdentity = str
		case "instance_format":
			s.formats.instance = str
		case "instance_uuid_format":
			s.formats.instanceUUID = str
		case "log_date_format":
			s.formats.dateFormat = str
		default:
			panic("applyConf: " + k)
		}
	}
}

func strp(s string) *string { return &s }

// comparisonCases are the records and configurations compared.
func comparisonCases() []oCase {
	const ns = 1700000000123456789
	base := func(name string, level int, msg string) oRecord {
		return oRecord{Name: name, Level: level, Msg: msg, NS: ns, Pathname: "/opt/stack/nova/nova/api/wsgi.py",
			Lineno: 123, Func: "__call__", Named: true, Output: "text"}
	}
	minimal := map[string]any{"request_id": "req-6d8a4a4e-5f4b-4a3c-9d40-0b1c9f1e7d21"}
	full := map[string]any{"request_id": "req-1", "global_request_id": "req-g", "user_id": "u1",
		"project_id": "p1", "domain_id": "d1", "user_domain_id": "ud", "project_domain_id": "pd",
		"user_name": "alice", "project_name": "demo", "system_scope": "all", "roles": []string{"admin", "reader"},
		"is_admin": true, "auth_token": "tok-secret", "resource_uuid": "res-9"}
	with := func(r oRecord, f func(*oRecord)) oRecord { f(&r); return r }

	records := []oRecord{
		base("nova.api", 20, "no context"),
		with(base("nova.api", 20, "minimal context"), func(r *oRecord) { r.Context = minimal }),
		with(base("nova.api", 20, "full context"), func(r *oRecord) { r.Context = full }),
		base("nova.compute.manager", 10, "debug without context"),
		with(base("nova.compute.manager", 10, "debug with context"), func(r *oRecord) { r.Context = full }),
		base("nova", 5, "trace"),
		base("nova", 30, "warning"),
		base("nova", 40, "error"),
		base("nova", 50, "critical"),
		base("nova", 25, "custom level"),
		with(base("nova.api", 40, "failed"), func(r *oRecord) { r.Exc = []string{"ValueError", "boom"} }),
		with(base("nova.api", 40, "failed in context"), func(r *oRecord) {
			r.Exc = []string{"RuntimeError", "line one\nline two"}
			r.Context = full
		}),
		with(base("nova.api", 20, "info with exception"), func(r *oRecord) { r.Exc = []string{"LookupError", "k"} }),
		with(base("nova.api", 30, "warning with empty exception"), func(r *oRecord) { r.Exc = []string{"ValueError", ""} }),
		with(base("nova.api", 10, "debug with exception"), func(r *oRecord) { r.Exc = []string{"OSError", "disk"} }),
		with(base("nova.compute", 20, "instance uuid"), func(r *oRecord) { r.InstanceUUID = strp("4d1f-aa") }),
		with(base("nova.compute", 20, "instance dict"), func(r *oRecord) {
			r.Instance = map[string]any{"uuid": "7e2b", "name": "vm1"}
		}),
		with(base("nova.compute", 20, "instance string"), func(r *oRecord) { r.Instance = "raw-instance " }),
		with(base("nova.compute", 20, "resource uuid from the context"), func(r *oRecord) { r.Context = full }),
		with(base("nova.compute", 20, "both"), func(r *oRecord) {
			r.Context = full
			r.InstanceUUID = strp("over-res")
		}),
		with(base("cinder.volume", 20, "resource type"), func(r *oRecord) {
			r.Resource = map[string]string{"type": "volume", "id": "v-1"}
		}),
		with(base("cinder.volume", 20, "resource name"), func(r *oRecord) {
			r.Resource = map[string]string{"name": "volume-x"}
		}),
		base("nova", 20, "unicode: żółw 🐢 \u00e9\t tab % percent %(x)s"),
		with(base("nova", 20, "time on a whole second"), func(r *oRecord) { r.NS = 1700000000000000000 }),
		with(base("nova", 20, "early millisecond"), func(r *oRecord) { r.NS = 1700000000004999999 }),
		with(base("root", 30, "root logger"), func(r *oRecord) { r.Named = false }),
	}
	streams := []oRecord{}
	for _, r := range records[:14] {
		if r.Level == 25 {
			continue // oslo's ColorHandler has no colour for it: KeyError
		}
		r.Output = "stream"
		streams = append(streams, r)
	}
	jsonRecords := []oRecord{}
	for _, r := range records {
		r.Output = "json"
		jsonRecords = append(jsonRecords, r)
	}
	jsonRecords = append(jsonRecords,
		with(base("nova.api", 20, "extras"), func(r *oRecord) {
			r.Output = "json"
			r.Extra = [][2]any{{"zeta", "last"}, {"count", 3}, {"ratio", 0.25}, {"flag", true},
				{"nested", map[string]any{"a": "1", "b": 2}}, {"alpha", "first"}}
		}),
		with(base("nova.api", 20, "extras with context"), func(r *oRecord) {
			r.Output = "json"
			r.Context = full
			r.Extra = [][2]any{{"k", "v"}}
		}),
	)
	all := append(append(append([]oRecord{}, records...), streams...), jsonRecords...)
	mk := func(tz string, conf map[string]any, recs []oRecord) oCase {
		return oCase{Conf: conf, Product: "nova", TZ: tz, PID: 4242, Hostname: "compute-1.example",
			Start: 1699999990.5, Records: recs}
	}
	custom := "%(asctime)s|%(isotime)s|%(created)f|%(msecs)d|%(relativeCreated)d|%(levelno)s|" +
		"%(levelname)-8s|%(name)s|%(process)d|%(thread)d|%(threadName)s|%(processName)s|%(filename)s|" +
		"%(module)s|%(funcName)s|%(lineno)d|%(pathname)s|[%(request_id)s %(global_request_id)s " +
		"%(user_name)s %(project_name)s %(domain_name)s %(user)s %(project)s %(roles)s %(is_admin)s " +
		"%(read_only)d %(auth_token)s %(resource_uuid)s %(user_identity)s]|%(instance)s%(resource)s" +
		"%(color)s|%(version)s|%(message)s|%(msg)r|%(name)10.4s|%(lineno)+06d|%(created)12.3e|%(msecs)g"
	customDefault := "%(asctime)s %(levelname)s %(name)s %(project)s %(version)s [-] %(resource)s%(instance)s" +
		"%(message)s %(user_name)s%(project_name)s%(global_request_id)s %(color)s%(relativeCreated).1f %(isotime)s"
	var textExtras []oRecord
	for _, r := range jsonRecords {
		if !r.Named {
			continue // extra_keys exists for the adapter's records only
		}
		r.Output = "text"
		textExtras = append(textExtras, r)
	}
	return []oCase{
		mk("UTC", map[string]any{
			// Attributes change %(message)s (they follow it): compare the
			// other fields of records that have some.
			"logging_context_format_string": "%(levelname)s %(extra_keys)s %(msg)s %(project)s",
			"logging_default_format_string": "%(levelname)s %(extra_keys)s %(msg)s %(project)s",
		}, textExtras),
		mk("UTC", map[string]any{}, all),
		mk("Europe/Berlin", map[string]any{}, all),
		mk("America/New_York", map[string]any{
			"logging_context_format_string": custom,
			"logging_default_format_string": customDefault,
			"log_date_format":               "%d/%b/%Y:%H:%M:%S %z (%a %j)",
		}, all),
		mk("Asia/Kolkata", map[string]any{
			"logging_user_identity_format":  "%(user_name)s/%(project_name)s admin=%(is_admin)s %(roles)s %(tenant)s %(read_only)s %(user_identity)s",
			"logging_exception_prefix":      "%(isotime)s EXC %(levelname)s %(name)s %(user_identity)s %(instance)s| ",
			"logging_debug_format_suffix":   "",
			"instance_format":               "[inst %(uuid)s %(name)s] ",
			"instance_uuid_format":          "<%(uuid)s> ",
			"logging_context_format_string": "%(asctime)s %(levelname)s [%(request_id)s %(user_identity)s] %(error_summary)s %(instance)s%(message)s",
			"log_date_format":               "%Y-%m-%dT%H:%M:%S",
		}, all),
		mk("UTC", map[string]any{
			"logging_debug_format_suffix":   "{%(module)s.%(funcName)s:%(lineno)d}",
			"logging_default_format_string": "%(levelname)s %(error_summary)-12s %(message)s",
			"logging_exception_prefix":      "!! %(asctime)s %(process)d ",
			"log_date_format":               "%H:%M:%S",
		}, all),
		mk("Europe/Berlin", map[string]any{"log_date_format": ""}, all),
	}
}

func TestCompareWithOsloLog(t *testing.T) {
	cases := comparisonCases()
	var want [][]any
	runPython(t, "testdata/oracle.py", map[string]any{"cases": cases}, &want)
	n, fails := 0, 0
	for i, c := range cases {
		got := renderGo(t, c)
		for j, o := range c.Records {
			n++
			w, ok := want[i][j].(string)
			if !ok {
				t.Errorf("case %d (%s) record %q (%s): oslo.log failed: %v", i, c.TZ, o.Msg, o.Output, want[i][j])
				fails++
				continue
			}
			if got[j] != w {
				fails++
				t.Errorf("case %d (%s) record %q (%s):\ngoslo: %q\noslo:  %q", i, c.TZ, o.Msg, o.Output, got[j], w)
			}
		}
	}
	t.Logf("%d lines compared, %d differ", n, fails)
}

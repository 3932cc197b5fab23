package middleware

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validGlobalID = "req-12345678-1234-4234-8234-123456789abc"

func TestDifferentialRequestID(t *testing.T) {
	runDifferential(t, []oCase{
		{Name: "new id", Filters: []oFilter{{Name: "request_id"}}},
		{Name: "incoming id is global", Filters: []oFilter{{Name: "request_id"}},
			Request: oRequest{Headers: hdrs("X-Openstack-Request-Id", validGlobalID)}},
		{Name: "incoming bad id ignored", Filters: []oFilter{{Name: "request_id"}},
			Request: oRequest{Headers: hdrs("X-Openstack-Request-Id", "req-abc")}},
		{Name: "incoming upper case id ignored", Filters: []oFilter{{Name: "request_id"}},
			Request: oRequest{Headers: hdrs("X-Openstack-Request-Id", strings.ToUpper(validGlobalID))}},
		{Name: "two incoming ids", Filters: []oFilter{{Name: "request_id"}},
			Request: oRequest{Headers: hdrs("X-Openstack-Request-Id", validGlobalID, "X-Openstack-Request-Id", validGlobalID)}},
		{Name: "app sets its own id", Filters: []oFilter{{Name: "request_id"}},
			App: oApp{Headers: hdrs("X-OpenStack-Request-ID", "req-00000000-0000-4000-8000-000000000000")}},
		{Name: "error response gets id", Filters: []oFilter{{Name: "request_id"}},
			App: oApp{Status: 404, Body: "nope", Headers: hdrs("Content-Type", "text/plain")}},
		{Name: "around catch_errors", Filters: []oFilter{{Name: "request_id"}, {Name: "catch_errors"}},
			App: oApp{Raise: true}},
	})
}

func TestDifferentialCorrelationID(t *testing.T) {
	runDifferential(t, []oCase{
		{Name: "new", Filters: []oFilter{{Name: "correlation_id"}}},
		{Name: "kept", Filters: []oFilter{{Name: "correlation_id"}},
			Request: oRequest{Headers: hdrs("X-Correlation-Id", "my-correlation")}},
		{Name: "empty replaced", Filters: []oFilter{{Name: "correlation_id"}},
			Request: oRequest{Headers: hdrs("X-Correlation-Id", "")}},
	})
}

func TestDifferentialCatchErrors(t *testing.T) {
	runDifferential(t, []oCase{
		{Name: "no error", Filters: []oFilter{{Name: "catch_errors"}},
			App: oApp{Body: "fine", Headers: hdrs("Content-Type", "text/plain")}},
		{Name: "panic text", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true}},
		{Name: "panic html", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Headers: hdrs("Accept", "text/html")}},
		{Name: "panic json", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Headers: hdrs("Accept", "application/json")}},
		{Name: "panic any", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Headers: hdrs("Accept", "*/*")}},
		{Name: "panic json preferred", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Headers: hdrs("Accept", "text/html;q=0.5, application/json")}},
		{Name: "panic html refused", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Headers: hdrs("Accept", "text/html;q=0, */*;q=0.1")}},
		{Name: "panic invalid accept", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Headers: hdrs("Accept", "garbage")}},
		{Name: "panic empty accept", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Headers: hdrs("Accept", "")}},
		{Name: "panic head", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Method: "HEAD"}},
		{Name: "tokens masked", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Path: "/v2.1/servers?limit=1&x=%20y", Headers: hdrs("X-Auth-Token", "secret",
				"X-Service-Token", "other", "X-Subject-Token", "s3", "X-Foo-Bar-Token", "kept", "Accept", "application/json")}},
		{Name: "post", Filters: []oFilter{{Name: "catch_errors"}}, App: oApp{Raise: true},
			Request: oRequest{Method: "POST", Body: str("{}"), Headers: hdrs("Content-Type", "application/json")}},
	})
}

func TestDifferentialSizeLimit(t *testing.T) {
	post := func(n int, chunked bool, hs ...string) oRequest {
		return oRequest{Method: "POST", Body: str("x"), BodyRepeat: n, Chunked: chunked, Headers: hdrs(hs...)}
	}
	sl := []oFilter{{Name: "sizelimit"}}
	read := oApp{ReadBody: true, Headers: hdrs("Content-Type", "text/plain")}
	runDifferential(t, []oCase{
		{Name: "small", Filters: sl, App: read, Request: post(100, false)},
		{Name: "at limit", Filters: sl, App: read, Request: post(114688, false)},
		{Name: "over limit", Filters: sl, App: read, Request: post(114689, false)},
		{Name: "over limit html", Filters: sl, App: read, Request: post(200000, false, "Accept", "text/html")},
		{Name: "over limit json", Filters: sl, App: read, Request: post(200000, false, "Accept", "application/json")},
		{Name: "chunked small", Filters: sl, App: read, Request: post(1000, true)},
		{Name: "chunked at limit", Filters: sl, App: read, Request: post(114688, true)},
		{Name: "chunked over limit", Filters: sl, App: read, Request: post(114689, true)},
		{Name: "chunked huge json", Filters: sl, App: read, Request: post(1<<20, true, "Accept", "application/json")},
		{Name: "chunked over limit unread", Filters: sl, App: oApp{Body: "ok", Headers: hdrs("Content-Type", "text/plain")},
			Request: post(200000, true)},
		{Name: "head over limit", Filters: sl, App: read, Request: oRequest{Method: "HEAD", Body: str("x"), BodyRepeat: 200000}},
		{Name: "conf limit", Conf: "[oslo_middleware]\nmax_request_body_size = 10\n", Filters: sl, App: read, Request: post(11, false)},
		{Name: "conf limit chunked", Conf: "[oslo_middleware]\nmax_request_body_size = 10\n", Filters: sl, App: read, Request: post(11, true)},
		{Name: "deprecated name", Conf: "[DEFAULT]\nosapi_max_request_body_size = 5\n", Filters: sl, App: read, Request: post(6, false)},
		{Name: "local beats conf", Conf: "[oslo_middleware]\nmax_request_body_size = 10\n",
			Filters: []oFilter{{Name: "sizelimit", Local: map[string]string{"max_request_body_size": "1000"}}},
			App:     read, Request: post(500, false)},
		{Name: "local limit", Filters: []oFilter{{Name: "sizelimit", Local: map[string]string{"max_request_body_size": "3"}}},
			App: read, Request: post(4, false)},
		{Name: "global conf limit", Global: map[string]string{"max_request_body_size": "3"}, Filters: sl,
			App: read, Request: post(4, false)},
		{Name: "bad local", Filters: []oFilter{{Name: "sizelimit", Local: map[string]string{"max_request_body_size": "big"}}},
			App: read, Request: post(4, false), Variants: []string{"service"}},
		{Name: "with request id", Filters: []oFilter{{Name: "request_id"}, {Name: "sizelimit"}}, App: read,
			Request: post(200000, true)},
	})
}

func TestDifferentialHTTPProxyToWSGI(t *testing.T) {
	on := "[oslo_middleware]\nenable_proxy_headers_parsing = true\n"
	p := []oFilter{{Name: "http_proxy_to_wsgi"}}
	rq := func(kv ...string) oRequest { return oRequest{Headers: hdrs(kv...)} }
	runDifferential(t, []oCase{
		{Name: "off by default", Filters: p, Request: rq("X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com")},
		{Name: "x-forwarded", Conf: on, Filters: p, Request: rq("X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com")},
		{Name: "x-forwarded port", Conf: on, Filters: p, Request: rq("X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com:8443")},
		{Name: "default port dropped", Conf: on, Filters: p, Request: rq("X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com:443")},
		{Name: "ipv6 host", Conf: on, Filters: p, Request: rq("X-Forwarded-Host", "[2001:db8::1]")},
		{Name: "ipv6 host port", Conf: on, Filters: p, Request: rq("X-Forwarded-Host", "[2001:db8::1]:8080")},
		{Name: "prefix", Conf: on, Filters: p, Request: rq("X-Forwarded-Proto", "https", "X-Forwarded-Host", "api.example.com",
			"X-Forwarded-Prefix", "/compute")},
		{Name: "prefix and script name", Conf: on, Filters: p, Request: oRequest{ScriptName: "/v2.1",
			Headers: hdrs("X-Forwarded-Prefix", "/compute")}},
		{Name: "prefix quoted", Conf: on, Filters: p, Request: rq("X-Forwarded-Prefix", "/a b/ü")},
		{Name: "for", Conf: on, Filters: p, Request: rq("X-Forwarded-For", "203.0.113.7")},
		{Name: "lists kept whole", Conf: on, Filters: p, Request: rq("X-Forwarded-Proto", "https, http",
			"X-Forwarded-For", "203.0.113.7, 10.0.0.1")},
		{Name: "repeated", Conf: on, Filters: p, Request: rq("X-Forwarded-Host", "a.example", "X-Forwarded-Host", "b.example")},
		{Name: "forwarded", Conf: on, Filters: p, Request: rq("Forwarded", "for=192.0.2.60;proto=https;host=api.example.com")},
		{Name: "forwarded first proxy", Conf: on, Filters: p, Request: rq("Forwarded",
			"for=192.0.2.60;proto=http;by=203.0.113.43, for=198.51.100.17;proto=https;host=b")},
		{Name: "forwarded beats x-forwarded", Conf: on, Filters: p, Request: rq("Forwarded", "proto=https",
			"X-Forwarded-Host", "ignored.example", "X-Forwarded-Prefix", "/p")},
		{Name: "forwarded case and blanks", Conf: on, Filters: p, Request: rq("Forwarded", " Proto = https ; HOST= h.example:8080 ")},
		{Name: "forwarded quotes kept", Conf: on, Filters: p, Request: rq("Forwarded", `for="[2001:db8::1]:4711";host="q.example"`)},
		{Name: "forwarded garbage", Conf: on, Filters: p, Request: rq("Forwarded", ";;==,,;")},
		{Name: "forwarded no equals", Conf: on, Filters: p, Request: rq("Forwarded", "proto;host")},
		{Name: "forwarded empty", Conf: on, Filters: p, Request: rq("Forwarded", "", "X-Forwarded-Proto", "https")},
		{Name: "forwarded later key wins", Conf: on, Filters: p, Request: rq("Forwarded", "proto=http;proto=https")},
		{Name: "local enables", Filters: []oFilter{{Name: "http_proxy_to_wsgi", Local: map[string]string{"enable_proxy_headers_parsing": "True"}}},
			Request: rq("X-Forwarded-Proto", "https")},
		{Name: "local disables", Conf: on, Filters: []oFilter{{Name: "http_proxy_to_wsgi", Local: map[string]string{"enable_proxy_headers_parsing": "false"}}},
			Request: rq("X-Forwarded-Proto", "https")},
		{Name: "bad local", Filters: []oFilter{{Name: "http_proxy_to_wsgi", Local: map[string]string{"enable_proxy_headers_parsing": "maybe"}}},
			Request: rq("X-Forwarded-Proto", "https"), Variants: []string{"service"}},
		{Name: "ssl filter", Filters: []oFilter{{Name: "ssl"}}, Request: rq("X-Forwarded-Proto", "https")},
		{Name: "ssl filter other header", Conf: "[oslo_middleware]\nsecure_proxy_ssl_header = X-Scheme\n",
			Filters: []oFilter{{Name: "ssl"}}, Request: rq("X-Scheme", "https", "X-Forwarded-Proto", "ftp")},
	})
}

func TestDifferentialCORS(t *testing.T) {
	one := map[string]string{"allowed_origin": "http://valid.example.com"}
	cf := []oFilter{{Name: "cors", Local: one}}
	preflight := func(kv ...string) oRequest { return oRequest{Method: "OPTIONS", Headers: hdrs(kv...)} }
	get := func(kv ...string) oRequest { return oRequest{Headers: hdrs(kv...)} }
	conf := `[cors]
allowed_origin = http://a.example,http://b.example:8080
allow_credentials = false
expose_headers = X-Auth-Token,X-OpenStack-Request-ID
max_age = 0
allow_methods = GET,PUT,POST
allow_headers = X-Auth-Token,X-Custom

[cors.additional]
allowed_origin = http://c.example
max_age = 60
allow_headers = X-Other
`
	// oslo's factory wants allowed_origin or oslo_config_project in the
	// section: these read the conf through the project only.
	viaConf := []oFilter{{Name: "cors", Local: map[string]string{}}}
	projectOnly := []string{"project"}
	runDifferential(t, []oCase{
		{Name: "actual allowed", Filters: cf, Request: get("Origin", "http://valid.example.com")},
		{Name: "actual no origin", Filters: cf},
		{Name: "actual other origin", Filters: cf, Request: get("Origin", "http://evil.example.com")},
		{Name: "actual trailing slash", Filters: cf, Request: get("Origin", "http://valid.example.com/")},
		{Name: "actual vary appended", Filters: cf, App: oApp{Headers: hdrs("Vary", "Accept")},
			Request: get("Origin", "http://valid.example.com")},
		{Name: "actual last vary wins", Filters: cf, App: oApp{Headers: hdrs("Vary", "Accept", "Vary", "X")},
			Request: get("Origin", "http://valid.example.com")},
		{Name: "actual app sets origin", Filters: cf, App: oApp{Headers: hdrs("Access-Control-Allow-Origin", "http://x")},
			Request: get("Origin", "http://valid.example.com")},
		{Name: "actual error status", Filters: cf, App: oApp{Status: 500, Body: "err", Headers: hdrs("Content-Type", "text/plain")},
			Request: get("Origin", "http://valid.example.com")},
		{Name: "preflight", Filters: cf, Request: preflight("Origin", "http://valid.example.com",
			"Access-Control-Request-Method", "GET")},
		{Name: "preflight app 404 replaced", Filters: cf, App: oApp{Status: 404, Body: "not found",
			Headers: hdrs("Content-Type", "text/plain", "X-App", "1")},
			Request: preflight("Origin", "http://valid.example.com", "Access-Control-Request-Method", "GET")},
		{Name: "preflight app 204 kept", Filters: cf, App: oApp{Status: 204, Headers: hdrs("X-App", "1", "Vary", "Accept")},
			Request: preflight("Origin", "http://valid.example.com", "Access-Control-Request-Method", "GET")},
		{Name: "preflight no origin, 404 still replaced", Filters: cf, App: oApp{Status: 404, Body: "nf"},
			Request: preflight("Access-Control-Request-Method", "GET")},
		{Name: "preflight bad origin", Filters: cf, App: oApp{Status: 405},
			Request: preflight("Origin", "http://evil.example", "Access-Control-Request-Method", "GET")},
		{Name: "preflight no method", Filters: cf, Request: preflight("Origin", "http://valid.example.com")},
		{Name: "preflight method not allowed", Filters: cf, Request: preflight("Origin", "http://valid.example.com",
			"Access-Control-Request-Method", "CONNECT")},
		{Name: "preflight method case", Filters: cf, Request: preflight("Origin", "http://valid.example.com",
			"Access-Control-Request-Method", "get")},
		{Name: "preflight simple headers", Filters: cf, Request: preflight("Origin", "http://valid.example.com",
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type, ACCEPT,,Cache-Control ")},
		{Name: "preflight header refused", Filters: cf, Request: preflight("Origin", "http://valid.example.com",
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "X-Auth-Token")},
		{Name: "preflight app sets origin", Filters: cf, App: oApp{Status: 404, Headers: hdrs("Access-Control-Allow-Origin", "*")},
			Request: preflight("Origin", "http://valid.example.com", "Access-Control-Request-Method", "GET")},
		{Name: "preflight with request id inside", Filters: []oFilter{{Name: "cors", Local: one}, {Name: "request_id"}},
			App: oApp{Status: 404}, Request: preflight("Origin", "http://valid.example.com", "Access-Control-Request-Method", "GET")},
		{Name: "preflight with request id outside", Filters: []oFilter{{Name: "request_id"}, {Name: "cors", Local: one}},
			App: oApp{Status: 404}, Request: preflight("Origin", "http://valid.example.com", "Access-Control-Request-Method", "GET")},
		{Name: "wildcard actual", Filters: []oFilter{{Name: "cors", Local: map[string]string{"allowed_origin": "*"}}},
			Request: get("Origin", "http://any.example")},
		{Name: "wildcard preflight", Filters: []oFilter{{Name: "cors", Local: map[string]string{"allowed_origin": "*"}}},
			Request: preflight("Origin", "http://any.example", "Access-Control-Request-Method", "DELETE")},
		{Name: "wildcard and exact", Filters: []oFilter{{Name: "cors", Local: map[string]string{"allowed_origin": "http://a.example,*"}}},
			Request: get("Origin", "http://a.example")},
		{Name: "empty origin", Filters: []oFilter{{Name: "cors", Local: map[string]string{"allowed_origin": "*"}}},
			Request: get("Origin", "")},
		{Name: "local options", Filters: []oFilter{{Name: "cors", Local: map[string]string{"allowed_origin": "http://a.example",
			"allow_credentials": "false", "expose_headers": "X-A,X-B", "max_age": "10", "allow_methods": "GET",
			"allow_headers": "X-Auth-Token"}}},
			Request: preflight("Origin", "http://a.example", "Access-Control-Request-Method", "GET",
				"Access-Control-Request-Headers", "x-auth-token")},
		{Name: "local options actual", Filters: []oFilter{{Name: "cors", Local: map[string]string{"allowed_origin": "http://a.example",
			"allow_credentials": "false", "expose_headers": "X-A,X-B"}}},
			Request: get("Origin", "http://a.example")},
		{Name: "conf actual", Conf: conf, Filters: viaConf, Variants: projectOnly, Request: get("Origin", "http://b.example:8080")},
		{Name: "conf preflight", Conf: conf, Filters: viaConf, Variants: projectOnly, Request: preflight("Origin", "http://a.example",
			"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "X-Custom")},
		{Name: "conf preflight method refused", Conf: conf, Filters: viaConf, Variants: projectOnly, Request: preflight("Origin", "http://a.example",
			"Access-Control-Request-Method", "DELETE")},
		{Name: "conf subsection", Conf: conf, Filters: viaConf, Variants: projectOnly, Request: preflight("Origin", "http://c.example",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "X-Other")},
		{Name: "conf subsection inherits", Conf: conf, Filters: viaConf, Variants: projectOnly, Request: get("Origin", "http://c.example")},
		{Name: "conf subsection header refused", Conf: conf, Filters: viaConf, Variants: projectOnly, Request: preflight("Origin", "http://c.example",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "X-Custom")},
		{Name: "duplicate origin", Filters: []oFilter{{Name: "cors", Local: map[string]string{"allowed_origin": "http://a.example,http://a.example"}}},
			Request: get("Origin", "http://a.example")},
		{Name: "no allowed_origin", Filters: []oFilter{{Name: "cors", NoProject: true}}, Variants: []string{"project"}},
	})
}

func TestDifferentialHealthcheck(t *testing.T) {
	dir := t.TempDir()
	disabled := filepath.Join(dir, "disabled")
	if err := os.WriteFile(disabled, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	absent := filepath.Join(dir, "absent")
	app := func(local map[string]string, kv ...string) (oApp, oRequest) {
		return oApp{Healthcheck: local}, oRequest{Headers: hdrs(kv...)}
	}
	byFile := map[string]string{"backends": "disable_by_file", "disable_by_file_path": disabled}
	byFileOK := map[string]string{"backends": "disable_by_file", "disable_by_file_path": absent}
	cases := []oCase{}
	add := func(name string, local map[string]string, method string, kv ...string) {
		a, r := app(local, kv...)
		r.Method = method
		cases = append(cases, oCase{Name: name, App: a, Request: r})
	}
	add("no backends", map[string]string{}, "GET")
	add("no backends json", map[string]string{}, "GET", "Accept", "application/json")
	add("no backends html", map[string]string{}, "GET", "Accept", "text/html")
	add("ok text", byFileOK, "GET")
	add("ok json", byFileOK, "GET", "Accept", "application/json")
	add("ok html", byFileOK, "GET", "Accept", "text/html")
	add("disabled text", byFile, "GET")
	add("disabled json", byFile, "GET", "Accept", "application/json")
	add("disabled html", byFile, "GET", "Accept", "text/html")
	add("disabled head", byFile, "HEAD")
	add("ok head", byFileOK, "HEAD")
	add("any accept", byFile, "GET", "Accept", "*/*")
	add("browser accept", byFile, "GET", "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	add("json preferred", byFile, "GET", "Accept", "text/plain;q=0.2, application/json;q=0.9")
	add("none acceptable", byFile, "GET", "Accept", "image/png")
	add("invalid accept", byFile, "GET", "Accept", "text/html;q=2")
	add("empty accept", byFile, "GET", "Accept", "")
	add("text wildcard", byFile, "GET", "Accept", "text/*")
	add("params on range", byFile, "GET", "Accept", "text/plain;level=1, text/html")
	add("no path configured", map[string]string{"backends": "disable_by_file"}, "GET", "Accept", "application/json")
	add("two backends", map[string]string{"backends": "disable_by_file,disable_by_files_ports",
		"disable_by_file_path": absent}, "GET")
	add("unknown backend", map[string]string{"backends": "nope,disable_by_file", "disable_by_file_path": disabled}, "GET")
	add("backend twice", map[string]string{"backends": "disable_by_file,disable_by_file", "disable_by_file_path": disabled}, "GET",
		"Accept", "text/html")
	add("ports other port", map[string]string{"backends": "disable_by_files_ports",
		"disable_by_file_paths": "1:" + disabled}, "GET")
	add("bad ports", map[string]string{"backends": "disable_by_files_ports", "disable_by_file_paths": "abc"}, "GET")
	add("bad detailed", map[string]string{"detailed": "sure"}, "GET")
	cases = append(cases,
		oCase{Name: "conf backends", Conf: "[healthcheck]\nbackends = disable_by_file\ndisable_by_file_path = " + disabled + "\n",
			App: oApp{Healthcheck: map[string]string{}}},
		oCase{Name: "filter passes other paths", Filters: []oFilter{{Name: "healthcheck", Local: byFile}},
			Request: oRequest{Path: "/v1/items"}},
		oCase{Name: "filter answers its path", Filters: []oFilter{{Name: "healthcheck", Local: byFile}},
			Request: oRequest{Path: "/healthcheck"}},
		oCase{Name: "filter path and script name", Filters: []oFilter{{Name: "healthcheck", Local: map[string]string{"path": "/api/health"}}},
			Request: oRequest{Path: "/health", ScriptName: "/api"}},
		oCase{Name: "filter path query", Filters: []oFilter{{Name: "healthcheck"}},
			Request: oRequest{Path: "/healthcheck?x=1", Headers: hdrs("Accept", "application/json")}},
		oCase{Name: "filter trailing slash", Filters: []oFilter{{Name: "healthcheck"}},
			Request: oRequest{Path: "/healthcheck/"}},
		oCase{Name: "filter quoted path", Filters: []oFilter{{Name: "healthcheck", Local: map[string]string{"path": "/health%20check"}}},
			Request: oRequest{Path: "/health%20check"}},
		oCase{Name: "filter unquoted path never matches", Filters: []oFilter{{Name: "healthcheck", Local: map[string]string{"path": "/health check"}}},
			Request: oRequest{Path: "/health%20check"}},
		oCase{Name: "filter encoded slash", Filters: []oFilter{{Name: "healthcheck", Local: map[string]string{"path": "/a/b"}}},
			Request: oRequest{Path: "/a%2Fb"}},
	)
	// disable_by_files_ports checks the port the request came in on:
	// {{PORT}} is the test server's.
	cases = append(cases,
		oCase{Name: "this port disabled", App: oApp{Healthcheck: map[string]string{"backends": "disable_by_files_ports",
			"disable_by_file_paths": "1:" + absent + ", {{PORT}}:" + disabled}}},
		oCase{Name: "this port enabled", App: oApp{Healthcheck: map[string]string{"backends": "disable_by_files_ports",
			"disable_by_file_paths": "{{PORT}}:" + absent}}, Request: oRequest{Headers: hdrs("Accept", "application/json")}},
	)
	runDifferential(t, cases)
}

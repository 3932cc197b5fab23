// Package reqctx is the request context of an OpenStack-style service:
// oslo.context's RequestContext, carried in a context.Context.
//
// The middleware of a service (request_id, the auth_token or no-auth
// filter) builds one per request and attaches it; handlers and the code
// they call read it back; every log line made with that context.Context
// shows its request id and user identity (see package log):
//
//	rc := reqctx.FromHeaders(r.Header) // X-User-Id, X-Project-Id, X-Roles, ...
//	rc.RequestID = requestID            // the id the request_id middleware chose
//	ctx := reqctx.With(r.Context(), rc)
//	...
//	if rc := reqctx.From(ctx); rc != nil && rc.IsAdmin { ... }
//
// Field names are Go's; ToDict and LoggingValues return oslo's keys
// ("user", "project_id", "request_id", ...) with the values oslo.context
// returns, including "***" for a present auth token: the token itself is
// never part of a log line.
//
// oslo.context also keeps the last context created in a thread-local
// store that logging falls back to; Go has no such thing and goslo does
// not imitate it: a log line shows the context of the context.Context it
// is made with, or none.
package reqctx

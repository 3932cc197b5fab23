// Package py holds the few Python built-ins whose exact behaviour goslo
// must reproduce in more than one package: repr() of str and float, the
// string escaping of json.dumps with ensure_ascii, printf-style formatting
// with a mapping ("%(name)s" % values), and int() and float() of a str.
//
// oslo.log formats its lines with logging format strings, eventlet writes
// its access log with wsgi_log_format, oslo.config quotes values with
// repr() in its messages and json.dumps() in its sample files,
// oslo.versionedobjects stringifies values with str(), and webob renders
// JSON error bodies: operators compare those texts with what the Python
// services wrote, so they must match character for character. oslo.config
// and oslo.versionedobjects read numbers with int() and float(), which
// accept what strconv does not ("1_000", Arabic-Indic digits, "Infinity").
// The code is hand-written because no Go library reproduces Python's
// corner cases (repr(1e16) is "1e+16", "%#.1g" % 1e10 is "1.e+10", ascii()
// escapes U+00E9 as \xe9), and it lives here so that there is one copy of
// each.
//
// Each caller keeps its own field names, type checks and error messages:
// ParseFormat reports a *FormatError with the position and the character
// involved, ParseInt and ParseFloat report ErrSyntax or ErrRange, and the
// caller words its own message from them.
package py

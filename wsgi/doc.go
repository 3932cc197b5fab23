// Package wsgi is the HTTP server of a service: oslo_service.wsgi on
// net/http.
package wsgi

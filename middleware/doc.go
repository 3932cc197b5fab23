// Package middleware is oslo.middleware for net/http.
package middleware

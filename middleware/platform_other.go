//go:build !unix

package middleware

import "runtime"

// platformString names the platform.
func platformString() string { return runtime.GOOS + "-" + runtime.GOARCH }

//go:build unix

package middleware

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// platformString is Python's platform.platform() as far as the kernel
// tells it: "Linux-6.1.0-13-amd64-x86_64".
func platformString() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return runtime.GOOS + "-" + runtime.GOARCH
	}
	return unix.ByteSliceToString(u.Sysname[:]) + "-" + unix.ByteSliceToString(u.Release[:]) + "-" +
		unix.ByteSliceToString(u.Machine[:])
}

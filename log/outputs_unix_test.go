//go:build unix

package log

import "syscall"

// syscallParseRights returns the descriptors of an SCM_RIGHTS message.
func syscallParseRights(oob []byte) ([]int, error) {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, err
	}
	return syscall.ParseUnixRights(&msgs[0])
}

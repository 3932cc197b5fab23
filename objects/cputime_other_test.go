//go:build !unix

package objects_test

import (
	"testing"
	"time"
)

func processCPU() time.Duration               { return 0 }
func reportCPU(b *testing.B, _ time.Duration) {}

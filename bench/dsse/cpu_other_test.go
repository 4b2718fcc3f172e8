//go:build !unix

package dsse_test

import "time"

// cpuTime is not measured on this platform; benchmarks then report no
// cpu-ns/op.
func cpuTime() time.Duration { return 0 }

// Package cputime reads the CPU time of the current process, for
// benchmarks that report what an operation costs in CPU (kernel included)
// rather than in wall time.
package cputime

import (
	"syscall"
	"time"
)

// Process is the user and system CPU time of this process so far.
func Process() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

//go:build !linux && !windows

package techniques

import "time"

// threadID is not known on this OS.
func threadID() int { return -1 }

// lowerPriority does nothing here: only Linux lowers priorities so far.
func lowerPriority(int) error { return nil }

// threadCPU is not measured on this OS.
func threadCPU() (time.Duration, bool) { return 0, false }

//go:build !linux

package techniques

// threadID is not known on this OS.
func threadID() int { return -1 }

// lowerPriority does nothing here: only Linux lowers priorities so far.
func lowerPriority(int) error { return nil }

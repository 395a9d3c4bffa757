//go:build !linux

package techniques

// threadID is not known on this OS.
func threadID() int { return -1 }

package techniques

import (
	"time"

	"golang.org/x/sys/windows"
)

// threadID returns the OS thread ID of the caller (GetCurrentThreadId).
func threadID() int { return int(windows.GetCurrentThreadId()) }

// lowerPriority does nothing on Windows so far: only Linux lowers the
// workers' priority.
func lowerPriority(int) error { return nil }

// threadCPU is not measured on Windows: GetThreadTimes counts in scheduler
// ticks (about 15.6 ms), too coarse for a burst of a few milliseconds.
func threadCPU() (time.Duration, bool) { return 0, false }

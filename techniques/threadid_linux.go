package techniques

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"concurrencylab/techniques/child"
)

// threadID returns the OS thread ID of the caller (gettid).
func threadID() int { return syscall.Gettid() }

// lowerPriority lowers the priority of OS thread tid to child.Nice. On Linux
// priority belongs to each thread, so only that thread gives way.
func lowerPriority(tid int) error {
	return syscall.Setpriority(syscall.PRIO_PROCESS, tid, child.Nice)
}

// threadCPU returns the CPU time the calling OS thread has used so far
// (clock_gettime with CLOCK_THREAD_CPUTIME_ID): time it spent running on a
// core, not time it waited for one. It means something only to a goroutine
// locked to its thread (runtime.LockOSThread).
func threadCPU() (time.Duration, bool) {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}

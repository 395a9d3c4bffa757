package techniques

import (
	"syscall"
	"time"
	"unsafe"
)

// threadID returns the OS thread ID of the caller (gettid).
func threadID() int { return syscall.Gettid() }

// lowerPriority lowers the priority of OS thread tid to workNice. On Linux
// priority belongs to each thread, so only that thread gives way.
func lowerPriority(tid int) error {
	return syscall.Setpriority(syscall.PRIO_PROCESS, tid, workNice)
}

// threadCPU returns the CPU time the calling OS thread has used so far
// (clock_gettime with CLOCK_THREAD_CPUTIME_ID): time it spent running on a
// core, not time it waited for one. It means something only to a goroutine
// locked to its thread (runtime.LockOSThread).
func threadCPU() (time.Duration, bool) {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}

package techniques

import "syscall"

// threadID returns the OS thread ID of the caller (gettid).
func threadID() int { return syscall.Gettid() }

// lowerPriority lowers the priority of OS thread tid to workNice. On Linux
// priority belongs to each thread, so only that thread gives way.
func lowerPriority(tid int) error {
	return syscall.Setpriority(syscall.PRIO_PROCESS, tid, workNice)
}

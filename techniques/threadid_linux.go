package techniques

import "syscall"

// threadID returns the OS thread ID of the caller (gettid).
func threadID() int { return syscall.Gettid() }

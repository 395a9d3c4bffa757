package xray

import (
	"syscall"
	"time"
)

// blockInSyscall stays in one system call for d: long enough for the
// runtime to take its P away.
func blockInSyscall(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Nanosleep(&ts, nil)
}

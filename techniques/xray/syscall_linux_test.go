package xray

import (
	"syscall"
	"time"
)

// blockInSyscall stays in one system call for d, often long enough for
// the runtime to take its P away (it may leave it a while when other Ps
// are idle).
func blockInSyscall(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	syscall.Nanosleep(&ts, nil)
}

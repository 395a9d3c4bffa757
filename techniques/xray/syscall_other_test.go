//go:build !linux

package xray

import "time"

// blockInSyscall sleeps for d; on Linux, it stays in one system call.
func blockInSyscall(d time.Duration) { time.Sleep(d) }

//go:build !linux && !windows

package child

import "syscall"

// giveWay does nothing here: only Linux (per thread) and Windows (at the
// child's start) lower a child's priority.
func giveWay() error { return nil }

// childAttr asks for nothing special here.
func childAttr() *syscall.SysProcAttr { return nil }

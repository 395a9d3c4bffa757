//go:build !linux && !windows

package child

import (
	"os"
	"syscall"
)

// giveWay does nothing here: only Linux (per thread) and Windows (at the
// child's start) lower a child's priority.
func giveWay() error { return nil }

// quit asks the child's Go runtime to print every goroutine's stack and exit.
func quit(p *os.Process) error { return p.Signal(syscall.SIGQUIT) }

// childAttr asks for nothing special here.
func childAttr() *syscall.SysProcAttr { return nil }

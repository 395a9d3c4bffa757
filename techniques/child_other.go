//go:build !linux && !windows

package techniques

import "syscall"

// yieldToWindow does nothing here: only Linux (per thread) and Windows (at
// the child's start) lower its priority.
func yieldToWindow() error { return nil }

// childAttr asks for nothing special here.
func childAttr() *syscall.SysProcAttr { return nil }

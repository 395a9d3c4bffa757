//go:build !linux && !windows

package techniques

import "syscall"

// yieldToWindow does nothing here: only Linux lowers the priority so far.
func yieldToWindow() error { return nil }

// childAttr asks for nothing special here.
func childAttr() *syscall.SysProcAttr { return nil }

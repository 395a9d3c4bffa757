package techniques

import "syscall"

// belowNormalPriorityClass is Windows' BELOW_NORMAL_PRIORITY_CLASS: the
// child's threads give way to the window's when the cores are busy, as
// nice 10 does on Linux.
const belowNormalPriorityClass = 0x00004000

// yieldToWindow does nothing here: the child was started below normal
// priority, and its threads inherit it.
func yieldToWindow() error { return nil }

// childAttr starts the child below normal priority.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: belowNormalPriorityClass}
}

package techniques

import "syscall"

// belowNormalPriorityClass is Windows' BELOW_NORMAL_PRIORITY_CLASS: the
// child's threads give way to the window's when the cores are busy. It is
// stricter than nice 10 on Linux: Windows runs the higher priority first,
// so the child gets no steady share while the window's threads keep every
// core busy, only the occasional boost Windows gives a starved thread.
const belowNormalPriorityClass = 0x00004000

// yieldToWindow does nothing here: the child was started below normal
// priority, and its threads inherit it.
func yieldToWindow() error { return nil }

// childAttr starts the child below normal priority.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: belowNormalPriorityClass}
}

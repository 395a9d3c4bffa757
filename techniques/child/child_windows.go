package child

import (
	"os"
	"syscall"
)

// belowNormalPriorityClass is Windows' BELOW_NORMAL_PRIORITY_CLASS. It is
// stricter than nice 10 on Linux: Windows runs the higher priority first,
// so a child gets no steady share while the window keeps every core busy.
const belowNormalPriorityClass = 0x00004000

// giveWay does nothing here: the child started below normal priority, and
// its threads inherit it.
func giveWay() error { return nil }

// quit kills the child: Windows has no signal that makes Go print its stacks.
func quit(p *os.Process) error { return p.Kill() }

// childAttr starts the child below normal priority.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: belowNormalPriorityClass}
}

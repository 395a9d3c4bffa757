package techniques

import (
	"os"
	"strconv"
	"syscall"
)

// workNice is the priority of work that gives way to the window — a child
// process, the threads panel's workers — on Linux's scale from -20 (first)
// to 19 (last); the window runs at 0. The work's threads then get
// about a tenth of a core against one busy thread of the window's, and all
// of the CPU the window leaves idle: the window stays quick to answer, and
// the work is slowed only while the window draws.
const workNice = 10

// yieldToWindow lowers the priority of every thread of this process to
// workNice. On Linux, priority belongs to each thread, and a new thread
// takes its creator's: once every thread is lowered, all the threads the
// process starts later are too. Two passes catch a thread started during
// the first.
func yieldToWindow() error {
	var err error
	for range 2 {
		tasks, rerr := os.ReadDir("/proc/self/task")
		if rerr != nil {
			return rerr
		}
		for _, t := range tasks {
			if tid, convErr := strconv.Atoi(t.Name()); convErr == nil {
				if serr := syscall.Setpriority(syscall.PRIO_PROCESS, tid, workNice); serr != nil {
					err = serr
				}
			}
		}
	}
	return err
}

// childAttr makes the kernel kill the child if the app dies first, so a
// crashed or killed app leaves no work running behind it.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

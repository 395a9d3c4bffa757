package techniques

import (
	"os"
	"strconv"
	"syscall"
)

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

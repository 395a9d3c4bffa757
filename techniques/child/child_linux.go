package child

import (
	"os"
	"strconv"
	"syscall"
)

// Nice is the priority of work that gives way to the app's window (a child
// process, the threads panel's workers) on Linux's scale from -20 (first)
// to 19 (last); the window runs at 0. Such work gets about a tenth of a
// core against a busy thread of the window's, and all the CPU it leaves idle.
const Nice = 10

// giveWay lowers every thread of this process to Nice. On Linux priority
// belongs to each thread, and a new thread takes its creator's, so the
// threads started later are lowered too. A second pass catches a thread
// started during the first.
func giveWay() error {
	var err error
	for range 2 {
		tasks, rerr := os.ReadDir("/proc/self/task")
		if rerr != nil {
			return rerr
		}
		for _, t := range tasks {
			if tid, convErr := strconv.Atoi(t.Name()); convErr == nil {
				if serr := syscall.Setpriority(syscall.PRIO_PROCESS, tid, Nice); serr != nil {
					err = serr
				}
			}
		}
	}
	return err
}

// quit asks the child's Go runtime to print every goroutine's stack and exit.
func quit(p *os.Process) error { return p.Signal(syscall.SIGQUIT) }

// childAttr makes the kernel kill the child if the app dies first, so a
// crashed or killed app leaves no work running behind it.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

package techniques

import (
	"context"
	"fmt"
	"runtime"

	"concurrencylab/techniques/child"
)

// RunInChild runs the tasks in a child process: this same program,
// started again with GOMAXPROCS=1 (and, on Linux, pinned to one core) for
// OneCPU, and with every CPU otherwise. So the limit is real, not simulated
// by the live app changing its own GOMAXPROCS, and CPU-bound work never
// competes with the window for the app's own Go scheduler. The child
// records an execution trace, from which each task's states are read.
func RunInChild(ctx context.Context, mode Mode, w Work) (RunResult, error) {
	procs := runtime.NumCPU()
	if mode == OneCPU {
		procs = 1
	}
	var r RunResult
	traced, err := overviewJob.Run(ctx, overviewSpec{Mode: mode, Work: w}, child.Options{Procs: procs, Task: "overview child"}, func(report RunResult) error {
		r = report
		return nil
	})
	if err == nil && r.Tasks == nil {
		err = fmt.Errorf("the %s child process reported nothing", mode)
	}
	if err != nil {
		return r, err
	}
	// The trace replaces the clock's start and end with what the runtime
	// recorded: when each task's goroutine ran, and when it was ready but
	// had no P to run on.
	if tasks, runnable, terr := taskStates(ctx, traced, len(r.Tasks)); terr == nil {
		for i := range r.Tasks {
			r.Tasks[i].Segments = tasks[i]
		}
		r.Traced, r.Runnable = true, runnable
	}
	return r, ctx.Err()
}

type overviewSpec struct {
	Mode Mode
	Work Work
}

// overviewJob is RunInChild's work, in the child.
var overviewJob = child.Register("overview", func(ctx context.Context, s overviewSpec, report func(RunResult) error) error {
	if s.Work.N < 1 || s.Work.N > 1000 {
		return fmt.Errorf("bad number of tasks: %d", s.Work.N)
	}
	pinned := -1
	if s.Mode == OneCPU && CanPin {
		core, err := pinToOneCore()
		if err != nil {
			return err
		}
		pinned = core
	}
	r, err := RunTasks(ctx, s.Mode, s.Work)
	if err != nil {
		return err
	}
	r.Pinned = pinned
	// Read the affinity back after the run: it covers every thread the
	// runtime started meanwhile.
	if cores, err := allowedCores(); err == nil {
		r.Cores = cores
	}
	return report(r)
})

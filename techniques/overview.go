package techniques

import (
	"context"
	"crypto/sha256"
	"fmt"
	"runtime"
	"runtime/trace"
	"sync"
	"time"
)

// TaskKind is what the tasks of the overview do.
type TaskKind string

// The kinds of task.
const (
	CPUBound TaskKind = "cpu"      // real computation: hashing
	Blocking TaskKind = "blocking" // waiting, as on a disk or a network (simulated with a sleep)
)

// Mode is how the overview runs its tasks. Each mode runs in a child
// process of its own (RunInChild), so its limits are real and the app's
// window does not share them.
type Mode string

// The modes.
const (
	// Sequential: one goroutine does the tasks one after another.
	Sequential Mode = "sequential"
	// OneCPU: a goroutine per task, with GOMAXPROCS=1 — at most one goroutine
	// executes Go code at any instant. GOMAXPROCS does not choose cores: on
	// Linux the child's threads are also pinned to one core, so the whole
	// process, the runtime's own threads included, shares that core.
	// Elsewhere it is only "one goroutine at a time".
	OneCPU Mode = "concurrent-1cpu"
	// Parallel: a goroutine per task, with GOMAXPROCS = every CPU the app may use.
	Parallel Mode = "parallel"
)

// Segment is a stretch of a task's life in one state. From a child's
// execution trace, the state is the runtime's own: StateRunning (executing
// Go code, holding a P), StateRunnable (ready, not running: waiting for a
// P, or for the goroutine's locked thread to wake and take one),
// StateBlocked or StateSyscall. Without a trace it is StateUntraced: the
// task's start and end by the clock, with nothing known in between.
type Segment struct {
	From, To time.Duration // since the run began
	State    string
}

// StateUntraced marks a task's span measured only by the clock.
const StateUntraced = "untraced"

// TaskTrace is the measured life of one task.
type TaskTrace struct {
	Task     int
	Segments []Segment
	// RunQueue is how long the task's OS thread waited, ready, in the
	// kernel's run queue for a core (Linux's schedstat); valid if RunQueueKnown.
	RunQueue      time.Duration
	RunQueueKnown bool
}

// RunResult is one run of the overview.
type RunResult struct {
	Mode  Mode
	Kind  TaskKind
	Wall  time.Duration
	Procs int // GOMAXPROCS of the process that ran the tasks
	// Cores is how many cores the process's threads were allowed to run on,
	// read back from the kernel after the run (Linux); 0 where not known.
	Cores int
	// Pinned is the core the process was pinned to (OneCPU on Linux), or -1.
	Pinned int
	Tasks  []TaskTrace
	// Traced is true when the Segments come from the child's execution
	// trace; Runnable (the tasks' total time ready but without a P) is
	// measured only then.
	Traced   bool
	Runnable time.Duration
}

// RunQueue is the tasks' total time waiting in the kernel's run queue, and
// whether it was measured for every task.
func (r RunResult) RunQueue() (time.Duration, bool) {
	var total time.Duration
	for _, t := range r.Tasks {
		if !t.RunQueueKnown {
			return 0, false
		}
		total += t.RunQueue
	}
	return total, len(r.Tasks) > 0
}

// chunkHashes is the unit of CPU work: a fixed number of hashes, about a
// millisecond. A CPU-bound task is a number of chunks, checking between
// them whether the run was cancelled.
const chunkHashes = 4000

// cpuTask hashes chunks times.
func cpuTask(ctx context.Context, chunks int) {
	for range chunks {
		if ctx.Err() != nil {
			return
		}
		spinHashes(chunkHashes)
	}
}

// spinHashes hashes n times: real CPU work, each hash of the one before,
// so it cannot be split between cores.
func spinHashes(n int) {
	sum := sha256.Sum256([]byte("chunk"))
	for range n {
		sum = sha256.Sum256(sum[:])
	}
}

// minChunk floors a measured chunk time. A clock can be coarser than a
// chunk (Windows' can tick every 15.6 ms) and measure 0: dividing by that
// would panic.
const minChunk = 10 * time.Microsecond

// Calibrate measures the time of one chunk of CPU work: the best of five
// tries, each timing as many chunks as fit in 10 ms, so even a coarse clock
// ticks at least once during a try.
func Calibrate() time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 5 {
		n, t := 0, time.Now()
		for time.Since(t) < 10*time.Millisecond {
			spinHashes(chunkHashes)
			n++
		}
		best = min(best, time.Since(t)/time.Duration(n))
	}
	return max(best, minChunk)
}

// chunksFor is how many chunks of per each make length: at least one, and
// never a division by a zero duration.
func chunksFor(length, per time.Duration) int {
	return max(int(length/max(per, minChunk)), 1)
}

func blockingTask(ctx context.Context, length time.Duration) {
	sleepCtx(ctx, length) // the simulated wait: the goroutine is parked, its P free for another
}

// Work sizes the tasks of a run.
type Work struct {
	Kind     TaskKind
	N        int           // how many tasks
	Length   time.Duration // how long each blocks (Blocking)
	Chunks   int           // how many chunks of hashing each does (CPUBound): the same work in every mode
	PerChunk time.Duration // the calibrated time of a chunk
}

// NewWork sizes n tasks of about length each, calibrating the CPU work on
// this machine once so that every mode does exactly the same work.
func NewWork(kind TaskKind, n int, length time.Duration) Work {
	per := Calibrate()
	return Work{Kind: kind, N: n, Length: length, Chunks: chunksFor(length, per), PerChunk: per}
}

// runRegion and taskRegion name the trace regions of a run and of each
// task: the parent reads the child's trace by them (taskStates).
const runRegion = "overview run"

func taskRegion(i int) string { return fmt.Sprintf("overview task %d", i) }

// RunTasks runs the tasks in this process, one after another (Sequential)
// or a goroutine each (any other mode; how many execute at once is up to
// GOMAXPROCS). Each task's segment is its start and end by the clock; the
// states in between come from the execution trace (RunInChild).
func RunTasks(ctx context.Context, mode Mode, w Work) (RunResult, error) {
	traces := make([]TaskTrace, w.N)
	defer trace.StartRegion(ctx, runRegion).End()
	start := time.Now()
	task := func(i int) {
		traces[i] = measureTask(ctx, i, start, func() {
			if w.Kind == CPUBound {
				cpuTask(ctx, w.Chunks)
			} else {
				blockingTask(ctx, w.Length)
			}
		})
	}
	if mode == Sequential {
		// One goroutine does every task, one after another.
		for i := range w.N {
			task(i)
		}
	} else {
		// A goroutine per task: at most GOMAXPROCS of them execute Go code at once.
		var wg sync.WaitGroup
		for i := range w.N {
			wg.Go(func() { task(i) })
		}
		wg.Wait()
	}
	return RunResult{Mode: mode, Kind: w.Kind, Wall: time.Since(start), Procs: runtime.GOMAXPROCS(0), Pinned: -1, Tasks: traces}, ctx.Err()
}

// Speedup is how many times faster than base a run was.
func Speedup(base, run time.Duration) float64 {
	if run <= 0 {
		return 0
	}
	return float64(base) / float64(run)
}

// RunningAtOnce is how long two or more of the run's tasks were running at
// the same instant, summed over pairs: the parallelism the trace saw.
func RunningAtOnce(r RunResult) time.Duration { return atOnce(r, StateRunning) }

// atOnce is how long, summed over each pair of tasks, two tasks were in
// state at the same instant.
func atOnce(r RunResult, state string) time.Duration {
	var total time.Duration
	for i, a := range r.Tasks {
		for _, b := range r.Tasks[i+1:] {
			for _, sa := range a.Segments {
				for _, sb := range b.Segments {
					if sa.State == state && sb.State == state {
						total += max(0, min(sa.To, sb.To)-max(sa.From, sb.From))
					}
				}
			}
		}
	}
	return total
}

package techniques

import (
	"context"
	"crypto/sha256"
	"fmt"
	"runtime"
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

// Mode is how the overview runs its tasks.
type Mode string

// The modes.
const (
	Sequential Mode = "sequential"      // one after another, on one goroutine
	OneCPU     Mode = "concurrent-1cpu" // a goroutine each, in a child process with GOMAXPROCS=1
	Parallel   Mode = "parallel"        // a goroutine each, on every CPU
)

// Segment is a stretch of a task's life, measured: running on a CPU, or
// ready but waiting for one (a CPU-bound task on a busy CPU), or blocked.
type Segment struct {
	From, To time.Duration // since the run began
	State    string        // "running", "waiting" or "blocked"
}

// TaskTrace is the measured life of one task.
type TaskTrace struct {
	Task     int
	Segments []Segment
}

// RunResult is one run of the overview.
type RunResult struct {
	Mode  Mode
	Kind  TaskKind
	Wall  time.Duration
	Procs int // GOMAXPROCS of the process that ran the tasks
	Tasks []TaskTrace
}

// chunk is the unit of CPU work: a fixed number of hashes. Timing each chunk
// shows when a task ran and when it was kept off the CPU.
const chunkHashes = 4000

// cpuTask hashes in chunks (each about perChunk of CPU time), recording each
// chunk's wall time. A chunk that took much longer than the calibrated time
// was interrupted: the extra is time spent waiting for a CPU.
func cpuTask(ctx context.Context, start time.Time, chunks int, perChunk time.Duration) []Segment {
	var segs []Segment
	for range chunks {
		if ctx.Err() != nil {
			break
		}
		from := time.Since(start)
		spinHashes(chunkHashes)
		to := time.Since(start)
		if extra := (to - from) - perChunk; extra > perChunk/2 {
			segs = appendSegment(segs, Segment{from, from + perChunk, "running"})
			segs = appendSegment(segs, Segment{from + perChunk, to, "waiting"})
		} else {
			segs = appendSegment(segs, Segment{from, to, "running"})
		}
	}
	return segs
}

// appendSegment merges s into the last segment when they touch and agree.
func appendSegment(segs []Segment, s Segment) []Segment {
	if n := len(segs); n > 0 && segs[n-1].State == s.State && s.From-segs[n-1].To < 200*time.Microsecond {
		segs[n-1].To = s.To
		return segs
	}
	// A gap between chunks is time off the CPU too.
	if n := len(segs); n > 0 && s.From-segs[n-1].To >= 200*time.Microsecond {
		segs = append(segs, Segment{segs[n-1].To, s.From, "waiting"})
	}
	return append(segs, s)
}

// spinHashes hashes n times: about a millisecond of real CPU work for a chunk.
func spinHashes(n int) {
	sum := sha256.Sum256([]byte("chunk"))
	for range n {
		sum = sha256.Sum256(sum[:])
	}
}

// Calibrate measures the wall time of one chunk of CPU work on an idle CPU.
func Calibrate() time.Duration {
	best := time.Hour
	for range 20 {
		t := time.Now()
		spinHashes(chunkHashes)
		best = min(best, time.Since(t))
	}
	return best
}

func blockingTask(ctx context.Context, start time.Time, length time.Duration) []Segment {
	from := time.Since(start)
	sleepCtx(ctx, length) // the simulated wait: the goroutine is parked, the CPU is free
	return []Segment{{from, time.Since(start), "blocked"}}
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
	return Work{Kind: kind, N: n, Length: length, Chunks: max(int(length/per), 1), PerChunk: per}
}

// RunTasks runs the tasks in this process, one after another (Sequential)
// or a goroutine each (any other mode; how many run at once is up to
// GOMAXPROCS). It returns what each task did, measured.
func RunTasks(ctx context.Context, mode Mode, w Work) (RunResult, error) {
	start := time.Now()
	traces := make([]TaskTrace, w.N)
	run := func(i int) {
		traces[i].Task = i
		if w.Kind == CPUBound {
			traces[i].Segments = cpuTask(ctx, start, w.Chunks, w.PerChunk)
		} else {
			traces[i].Segments = blockingTask(ctx, start, w.Length)
		}
	}
	if mode == Sequential {
		for i := range w.N {
			run(i)
		}
	} else {
		var wg sync.WaitGroup
		for i := range w.N {
			wg.Go(func() { run(i) })
		}
		wg.Wait()
	}
	return RunResult{Mode: mode, Kind: w.Kind, Wall: time.Since(start), Procs: runtime.GOMAXPROCS(0), Tasks: traces}, ctx.Err()
}

// RunInChild runs the tasks in a child process (InChild): this same program,
// started again with GOMAXPROCS=1 for OneCPU and with every CPU otherwise.
// So one CPU is real, not simulated by the live app changing its own
// GOMAXPROCS, and CPU-bound work never competes with the window for the
// app's own Go scheduler.
func RunInChild(ctx context.Context, mode Mode, w Work) (RunResult, error) {
	procs := runtime.NumCPU()
	if mode == OneCPU {
		procs = 1
	}
	var r RunResult
	_, err := InChild(ctx, "overview", overviewSpec{Mode: mode, Work: w}, ChildOptions{Procs: procs}, func(report RunResult) error {
		r = report
		return nil
	})
	if err == nil && r.Tasks == nil {
		err = fmt.Errorf("the %s child process reported nothing", mode)
	}
	return r, err
}

type overviewSpec struct {
	Mode Mode
	Work Work
}

// overviewJob is RunInChild's work, in the child.
func overviewJob(ctx context.Context, s overviewSpec, report func(any) error) error {
	if s.Work.N < 1 || s.Work.N > 1000 {
		return fmt.Errorf("bad number of tasks: %d", s.Work.N)
	}
	r, err := RunTasks(ctx, s.Mode, s.Work)
	if err != nil {
		return err
	}
	return report(r)
}

// Speedup is how many times faster than base a run was.
func Speedup(base, run time.Duration) float64 {
	if run <= 0 {
		return 0
	}
	return float64(base) / float64(run)
}

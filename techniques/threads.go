package techniques

import (
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
)

// ThreadLine is one line printed by a worker of RunThreads.
type ThreadLine struct {
	Worker   int           // 0-based
	ThreadID int           // the OS thread the worker runs on; -1 where the OS does not say
	Line     int           // 0-based, per worker
	Began    time.Duration // when the worker started working on this line, since the run started
	Worked   time.Duration // when its CPU work for the line ended (then it waits)
	At       time.Duration // when it printed the line
	// CPU is the CPU time the worker's thread spent from Began to Worked:
	// the time it really ran on a core, without the time it waited for one.
	// -1 where it was not measured.
	CPU time.Duration
}

func (l ThreadLine) String() string {
	if l.ThreadID < 0 { // not known on this OS: show no made-up number
		return fmt.Sprintf("worker %d prints line %d", l.Worker, l.Line)
	}
	return fmt.Sprintf("worker %d (thread %d) prints line %d", l.Worker, l.ThreadID, l.Line)
}

// ThreadsConfig sizes RunThreads.
type ThreadsConfig struct {
	Workers int           // how many workers, each on its own OS thread
	Lines   int           // lines each worker prints
	Work    time.Duration // real CPU work done before each line
	Pause   time.Duration // then a sleep, as if waiting for I/O, so the threads leave CPU to others
}

// RunThreads starts cfg.Workers goroutines, locks each to its own OS thread
// (runtime.LockOSThread), and lets each print cfg.Lines lines with real work
// between them. They are concurrent, not necessarily parallel: a locked
// thread runs Go code only while it holds one of the GOMAXPROCS Ps, so at
// most min(cores, GOMAXPROCS) compute at once. The schedulers, the kernel's
// and Go's, choose the order of the lines: it changes from run to run.
//
// print is called for every line, under a lock: never concurrently. RunThreads
// returns when every worker has finished, or early if ctx is cancelled.
func RunThreads(ctx context.Context, cfg ThreadsConfig, print func(ThreadLine)) error {
	start := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range cfg.Workers {
		wg.Go(func() {
			// The goroutine keeps this OS thread to itself until it returns;
			// the runtime then ends the thread, as it was locked.
			runtime.LockOSThread()
			tid := threadID()
			// A thread has a priority, which a goroutine does not: these
			// give way to the window's drawing when the CPUs are busy (on
			// Linux). The thread ends with the worker, so no other goroutine
			// inherits it.
			lowerPriority(tid)
			for line := range cfg.Lines {
				if ctx.Err() != nil {
					return
				}
				began := time.Since(start)
				cpuBefore, ok := threadCPU() // this goroutine's own, as it is locked to the thread
				spin(cfg.Work)
				cpuAfter, _ := threadCPU()
				worked := time.Since(start)
				cpu := time.Duration(-1)
				if ok {
					cpu = cpuAfter - cpuBefore
				}
				time.Sleep(cfg.Pause)
				mu.Lock()
				print(ThreadLine{Worker: w, ThreadID: tid, Line: line, Began: began, Worked: worked, At: time.Since(start), CPU: cpu})
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// RunThreadsSequentially does the same work with no threads at all: one
// worker after another, on the calling goroutine. Called from a UI event
// handler, it freezes the window for the whole run.
func RunThreadsSequentially(ctx context.Context, cfg ThreadsConfig, print func(ThreadLine)) error {
	start := time.Now()
	tid := threadID()
	for w := range cfg.Workers {
		for line := range cfg.Lines {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			began := time.Since(start)
			spin(cfg.Work)
			worked := time.Since(start)
			time.Sleep(cfg.Pause)
			print(ThreadLine{Worker: w, ThreadID: tid, Line: line, Began: began, Worked: worked, At: time.Since(start), CPU: -1})
		}
	}
	return nil
}

// spin hashes until d has passed on the wall clock: real work, not sleep.
// A thread that waits for a core meanwhile does less of it.
func spin(d time.Duration) {
	sum := sha256.Sum256([]byte("spin"))
	for deadline := time.Now().Add(d); time.Now().Before(deadline); {
		for range 64 {
			sum = sha256.Sum256(sum[:])
		}
	}
}

// MostAtOnce is the largest number of workers that were in their bursts of
// work (from Began to Worked) at the same moment of the wall clock. Two at
// once is overlap in time; it is parallel only if they had a core each,
// which at most min(cores, GOMAXPROCS) can have: see CoresBusy.
func MostAtOnce(lines []ThreadLine) int {
	type edge struct {
		at    time.Duration
		delta int
	}
	var edges []edge
	for _, l := range lines {
		if l.Worked > l.Began {
			edges = append(edges, edge{l.Began, +1}, edge{l.Worked, -1})
		}
	}
	// In time order; at a tie an end comes first, so touching spans do not count.
	slices.SortFunc(edges, func(a, b edge) int {
		if a.at != b.at {
			return cmp.Compare(a.at, b.at)
		}
		return a.delta - b.delta
	})
	most, now := 0, 0
	for _, e := range edges {
		now += e.delta
		most = max(most, now)
	}
	return most
}

// CoresBusy is the CPU time the workers' threads spent in their bursts of
// work, divided by the wall-clock time during which at least one burst was
// under way: how many cores, on average, computed for them while any did.
// Above 1, two or more threads were running on cores at the same moment:
// parallelism, measured. ok is false if CPU time was not measured.
func CoresBusy(lines []ThreadLine) (cores float64, ok bool) {
	type span struct{ from, to time.Duration }
	var spans []span
	var cpu time.Duration
	for _, l := range lines {
		if l.CPU < 0 {
			return 0, false
		}
		cpu += l.CPU
		if l.Worked > l.Began {
			spans = append(spans, span{l.Began, l.Worked})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	var wall, end time.Duration // end: where the spans seen so far stop
	for _, s := range spans {
		if s.from > end {
			end = s.from
		}
		if s.to > end {
			wall += s.to - end
			end = s.to
		}
	}
	if wall == 0 {
		return 0, false
	}
	return cpu.Seconds() / wall.Seconds(), true
}

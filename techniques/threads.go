package techniques

import (
	"context"
	"crypto/sha256"
	"fmt"
	"runtime"
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
}

func (l ThreadLine) String() string {
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
// between them. The order in which the lines come out is up to the
// operating system's scheduler, so it changes from run to run.
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
			// give way to the window's drawing when the CPUs are busy. The
			// thread ends with the worker, so no other goroutine inherits it.
			lowerPriority(tid)
			for line := range cfg.Lines {
				if ctx.Err() != nil {
					return
				}
				began := time.Since(start)
				spin(cfg.Work)
				worked := time.Since(start)
				time.Sleep(cfg.Pause)
				mu.Lock()
				print(ThreadLine{Worker: w, ThreadID: tid, Line: line, Began: began, Worked: worked, At: time.Since(start)})
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
			print(ThreadLine{Worker: w, ThreadID: tid, Line: line, Began: began, Worked: worked, At: time.Since(start)})
		}
	}
	return nil
}

// spin keeps a CPU busy for about d, hashing: real work, not sleep.
func spin(d time.Duration) {
	sum := sha256.Sum256([]byte("spin"))
	for deadline := time.Now().Add(d); time.Now().Before(deadline); {
		for range 64 {
			sum = sha256.Sum256(sum[:])
		}
	}
}

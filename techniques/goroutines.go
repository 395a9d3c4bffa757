package techniques

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

// TaskTimes gives task i of n a duration spread evenly up to longest:
// task 0 takes longest/n, the last task takes longest.
func TaskTimes(n int, longest time.Duration) []time.Duration {
	d := make([]time.Duration, n)
	for i := range d {
		d[i] = longest * time.Duration(i+1) / time.Duration(n)
	}
	return d
}

// StartAndSleep is the article's program: start n tasks with `go task(i)`,
// then sleep and hope they are done. It returns the tasks that printed
// before the sleep was over; when main returns, a real program ends and
// the others never print. (Here they are still waited for, silently, so no
// goroutine outlives the call.)
func StartAndSleep(ctx context.Context, n int, longest, sleep time.Duration) ([]int, error) {
	var mu sync.Mutex
	var printed []int
	over := false
	var wg sync.WaitGroup
	for i, d := range TaskTimes(n, longest) {
		wg.Go(func() {
			if !sleepCtx(ctx, d) {
				return
			}
			mu.Lock()
			if !over { // the program has not ended yet: the line appears
				printed = append(printed, i)
			}
			mu.Unlock()
		})
	}
	sleepCtx(ctx, sleep) // a guess at how long the tasks take
	// The sleep orders nothing between the tasks' writes and this read:
	// only the mutex does. Without it, this read would be a data race even
	// if every task had finished in time.
	mu.Lock()
	over = true
	got := printed
	mu.Unlock()
	wg.Wait()
	return got, ctx.Err()
}

// StartAndWait starts the same tasks and waits for exactly as long as they
// take, with a WaitGroup: every task prints.
func StartAndWait(ctx context.Context, n int, longest time.Duration) ([]int, error) {
	var mu sync.Mutex
	var printed []int
	var wg sync.WaitGroup
	for i, d := range TaskTimes(n, longest) {
		wg.Go(func() {
			if !sleepCtx(ctx, d) {
				return
			}
			mu.Lock()
			printed = append(printed, i)
			mu.Unlock()
		})
	}
	// Wait returns when the last task is done: no guessing. By Go's memory
	// model each wg.Done (at the end of a wg.Go task) happens before Wait
	// returns, so every task's writes are visible from here on.
	wg.Wait()
	return printed, ctx.Err()
}

// sleepCtx sleeps for d or until ctx is done, and reports whether it slept fully.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Kind is what Park starts: goroutines, or goroutines each locked to an OS thread.
type Kind int

// The kinds of Park.
const (
	Goroutines Kind = iota
	Threads
)

func (k Kind) String() string {
	if k == Threads {
		return "OS threads"
	}
	return "goroutines"
}

// MaxThreads caps how many OS threads Park starts. The Go runtime kills the
// whole process when it passes 10,000 threads (debug.SetMaxThreads), and
// each thread reserves its own stack: 5,000 shows the cost with room to spare.
const MaxThreads = 5000

// MaxGoroutines caps how many goroutines Park starts.
const MaxGoroutines = 2_000_000

// ErrTooMany is returned by Park for a count that will not fit.
var ErrTooMany = errors.New("too many")

// CheckFits refuses n units of kind when n times the cost of one, measured
// or estimated, would take more than half the available memory.
func CheckFits(kind Kind, n int, bytesEach, available uint64) error {
	limit := MaxGoroutines
	if kind == Threads {
		limit = MaxThreads
	}
	if n < 1 || n > limit {
		return fmt.Errorf("%w: %d %v; from 1 to %d", ErrTooMany, n, kind, limit)
	}
	if need := uint64(n) * bytesEach; available > 0 && need > available/2 {
		return fmt.Errorf("%w: %d %v would need about %d MB at %d bytes each; only %d MB are available",
			ErrTooMany, n, kind, need>>20, bytesEach, available>>20)
	}
	return nil
}

// Parked is a crowd of parked goroutines or threads started by Park. Its
// owner must call Release.
type Parked struct {
	Kind    Kind
	N       int
	Took    time.Duration // time to start them all, until each has run up to its wait
	Before  Usage         // just before, with the heap collected and free memory returned to the OS
	Started Usage         // the moment the last one started
	After   Usage         // with all of them parked, collected and settled the same way as Before
	batches []*parkedBatch
}

// parkedBatch is up to batchSize of the parked, with their own release:
// Release lets them go a batch at a time, so that a hundred thousand
// goroutines do not all become runnable at once and queue ahead of every
// other goroutine of the program (a window's, say) in the scheduler.
type parkedBatch struct {
	release chan struct{}
	wg      sync.WaitGroup
}

const batchSize = 1024

// Park starts n goroutines (kind Goroutines) or n goroutines locked to OS
// threads of their own (kind Threads), all parked on one channel, and
// measures what they cost. progress (never called concurrently) is told how
// many have started, now and then. If ctx is cancelled, the ones started
// so far are released and Park returns the context's error.
func Park(ctx context.Context, kind Kind, n int, progress func(started int)) (*Parked, error) {
	if err := CheckFits(kind, n, 0, 0); err != nil {
		return nil, err
	}
	// Start from memory that is all in use: collect, and hand every free
	// page back to the OS. Otherwise the crowd could fill pages freed
	// earlier (its growth reads too low), or the runtime could return
	// pages in the background while the crowd starts (lower still, even
	// below zero when a bigger crowd was just released).
	debug.FreeOSMemory()
	p := &Parked{Kind: kind, N: n, Before: Measure()}
	start := time.Now()
	started := make(chan struct{}, 1024)
	// A goroutine is started when it has run, not when go returns: count
	// the time until each has reached its wait, as for a thread.
	var ready sync.WaitGroup
	ready.Add(n)
	for first := 0; first < n; first += batchSize {
		if ctx.Err() != nil {
			p.Release()
			return nil, ctx.Err()
		}
		if progress != nil {
			progress(first)
		}
		// Let others have the CPU now and then: spawning in a tight loop
		// would keep a processor from, say, a window's event loop.
		runtime.Gosched()
		b := &parkedBatch{release: make(chan struct{})}
		p.batches = append(p.batches, b)
		for range min(batchSize, n-first) {
			b.wg.Go(func() {
				if kind == Threads {
					// Keep an OS thread to ourselves: while we are parked, the
					// runtime must start another thread for everyone else.
					runtime.LockOSThread()
					started <- struct{}{}
				}
				ready.Done()
				<-b.release
			})
			if kind == Threads {
				<-started // one at a time: the thread exists before we count it
			}
		}
	}
	ready.Wait()
	p.Took = time.Since(start)
	if progress != nil {
		progress(n)
	}
	p.Started = Measure()
	p.After = settle(p.Started)
	return p, nil
}

// settle collects garbage and returns free memory to the OS until the
// stacks stop shrinking, then measures. A goroutine may start above 2 KiB
// (Usage.StartStack), and each collection halves a stack that uses under a
// quarter of itself: measured at once, the figures would depend on how many
// collections happened to run while the crowd started.
func settle(u Usage) Usage {
	for range 4 { // each collection halves a stack once at most
		debug.FreeOSMemory()
		next := Measure()
		if next.Stacks >= u.Stacks {
			return next
		}
		u = next
	}
	return u
}

// VirtualEach is the address space each unit reserved: for an OS thread,
// mostly the system stack the C library maps for it (8 MiB by default on
// Linux), which counts in RSS only as far as it is touched. The runtime
// reserves its heap in 64 MiB steps, so for a small crowd of goroutines
// the figure says little.
func (p *Parked) VirtualEach() uint64 {
	if p.After.Virtual <= p.Before.Virtual {
		return 0
	}
	return (p.After.Virtual - p.Before.Virtual) / uint64(p.N)
}

// BytesEach is the resident memory each unit added.
func (p *Parked) BytesEach() uint64 {
	if p.After.RSS <= p.Before.RSS {
		return 0
	}
	return (p.After.RSS - p.Before.RSS) / uint64(p.N)
}

// StackBytesEach is the goroutine stack memory each unit added, by the runtime's count.
func (p *Parked) StackBytesEach() uint64 {
	if p.After.Stacks <= p.Before.Stacks {
		return 0
	}
	return (p.After.Stacks - p.Before.Stacks) / uint64(p.N)
}

// StartedStackBytesEach is the same count taken the moment the last one
// started (Started), before the collections that shrink idle stacks: what
// they started with.
func (p *Parked) StartedStackBytesEach() uint64 {
	if p.Started.Stacks <= p.Before.Stacks {
		return 0
	}
	return (p.Started.Stacks - p.Before.Stacks) / uint64(p.N)
}

// Release lets every parked goroutine return, a batch at a time, and waits
// for them. Locked threads end with their goroutines. It is safe to call
// more than once.
func (p *Parked) Release() {
	for _, b := range p.batches {
		select {
		case <-b.release:
		default:
			close(b.release)
		}
		b.wg.Wait()
	}
}

package techniques

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Strategy is a way of sharing one counter between many goroutines.
type Strategy int

// The strategies of the race experiment.
const (
	// Unsynchronized reads the counter, lets other goroutines run, then
	// writes back what it read plus or minus one. Each read and each write
	// is atomic on its own, so there is no data race for the race detector
	// to report — yet updates are lost, because another goroutine can write
	// between our read and our write. That gap is the race condition.
	Unsynchronized Strategy = iota
	// Mutex holds a sync.Mutex around the read–modify–write.
	Mutex
	// Atomic does the read–modify–write as one atomic instruction.
	Atomic
	// Owner gives the counter to one goroutine; the others send it +1 or -1
	// over a channel. Nothing is shared, so nothing can race.
	Owner
)

// Strategies lists every strategy, in the order the panel shows them.
var Strategies = []Strategy{Unsynchronized, Mutex, Atomic, Owner}

func (s Strategy) String() string {
	switch s {
	case Unsynchronized:
		return "unsynchronized"
	case Mutex:
		return "sync.Mutex"
	case Atomic:
		return "sync/atomic"
	case Owner:
		return "owner goroutine"
	}
	return fmt.Sprintf("Strategy(%d)", int(s))
}

// The largest run the panel offers: 100,000 incrementers and as many
// decrementers, 10,000 updates each.
const (
	MaxPairs   = 100_000
	MaxUpdates = 10_000
)

// RaceConfig sizes one run of the experiment.
type RaceConfig struct {
	Pairs   int // incrementing goroutines, and as many decrementing ones
	Updates int // updates each goroutine makes
}

// RaceResult is what one run found.
type RaceResult struct {
	Strategy Strategy
	Final    int64 // 0 unless updates were lost
	Took     time.Duration
	Lost     *LostUpdate // one lost update as it happened; nil if none was seen
}

// LostUpdate records one read–modify–write that overwrote another
// goroutine's write: the interleaving of a race condition, as it happened.
type LostUpdate struct {
	Worker     int   // the goroutine whose write destroyed another's
	Read       int64 // the value it read
	Wrote      int64 // the value it wrote back
	Other      int   // the goroutine whose update was lost
	OtherWrote int64 // what that goroutine had written in between
}

func (l LostUpdate) String() string {
	return fmt.Sprintf("goroutine %d read %d; goroutine %d then wrote %d; goroutine %d wrote %d over it — that update is lost",
		l.Worker, l.Read, l.Other, l.OtherWrote, l.Worker, l.Wrote)
}

// RunStrategies runs the experiment once with each strategy in turn, and
// calls each with every result as it comes; an error from each stops it.
func RunStrategies(ctx context.Context, cfg RaceConfig, each func(RaceResult) error) error {
	for _, s := range Strategies {
		r, err := RunRace(ctx, s, cfg)
		if err != nil {
			return err
		}
		if err := each(r); err != nil {
			return err
		}
	}
	return nil
}

// RunRace starts cfg.Pairs goroutines that add one and as many that subtract
// one, cfg.Updates times each, on a counter that starts at 0, shared with
// strategy s. It waits for all of them and returns the final value, which
// should be 0. Cancelling ctx makes the goroutines stop early.
func RunRace(ctx context.Context, s Strategy, cfg RaceConfig) (RaceResult, error) {
	if cfg.Pairs < 1 || cfg.Updates < 1 {
		return RaceResult{}, fmt.Errorf("pairs and updates must be at least 1, got %d and %d", cfg.Pairs, cfg.Updates)
	}
	var c counter
	switch s {
	case Unsynchronized:
		c = &splitCounter{}
	case Mutex:
		c = &mutexCounter{}
	case Atomic:
		c = &atomicCounter{}
	case Owner:
		oc := newOwnerCounter()
		defer oc.stop()
		c = oc
	default:
		return RaceResult{}, fmt.Errorf("unknown strategy %d", s)
	}

	start := time.Now()
	var wg sync.WaitGroup
	for i := range 2 * cfg.Pairs {
		delta := int64(1)
		if i%2 == 1 {
			delta = -1
		}
		wg.Go(func() {
			for range cfg.Updates {
				if ctx.Err() != nil {
					return
				}
				c.add(i, delta)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return RaceResult{}, err
	}
	r := RaceResult{Strategy: s, Final: c.value(), Took: time.Since(start)}
	if sc, ok := c.(*splitCounter); ok {
		r.Lost = sc.firstLost()
	}
	return r, nil
}

// counter is a shared integer that worker goroutines update.
type counter interface {
	add(worker int, delta int64)
	value() int64
}

// splitCounter reads and writes in two separate steps.
type splitCounter struct {
	n      atomic.Int64
	writes atomic.Int64 // how many writes so far: tells us if someone wrote in our gap
	last   atomic.Int64 // the last writer and its value, packed: worker<<32 | uint32(value)

	once sync.Once
	lost *LostUpdate
}

func (c *splitCounter) add(worker int, delta int64) {
	before := c.writes.Load()
	v := c.n.Load() // read…
	runtime.Gosched()
	c.n.Store(v + delta) // …then write, perhaps over someone else's write
	last := c.last.Swap(int64(worker)<<32 | int64(uint32(int32(v+delta))))
	if c.writes.Add(1) != before+1 {
		// Someone wrote between our read and our write: their update is gone.
		c.once.Do(func() {
			c.lost = &LostUpdate{Worker: worker, Read: v, Wrote: v + delta,
				Other: int(last >> 32), OtherWrote: int64(int32(uint32(last)))}
		})
	}
}

func (c *splitCounter) value() int64 { return c.n.Load() }

// firstLost returns the first lost update seen. Call it once the workers
// have finished: their WaitGroup makes the write to lost visible.
func (c *splitCounter) firstLost() *LostUpdate { return c.lost }

type mutexCounter struct {
	mu sync.Mutex
	n  int64
}

func (c *mutexCounter) add(_ int, delta int64) {
	c.mu.Lock()
	c.n += delta // only one goroutine at a time gets here
	c.mu.Unlock()
}

func (c *mutexCounter) value() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) add(_ int, delta int64) { c.n.Add(delta) }
func (c *atomicCounter) value() int64           { return c.n.Load() }

// ownerCounter's value lives on one goroutine; everyone else sends it work.
type ownerCounter struct {
	updates chan int64
	reads   chan chan int64
	done    chan struct{}
}

func newOwnerCounter() *ownerCounter {
	c := &ownerCounter{updates: make(chan int64, 1024), reads: make(chan chan int64), done: make(chan struct{})}
	go func() {
		var n int64 // owned by this goroutine alone
		for {
			select {
			case d := <-c.updates:
				n += d
			case reply := <-c.reads:
				// Drain what is queued first, so a read sees every update sent before it.
				for len(c.updates) > 0 {
					n += <-c.updates
				}
				reply <- n
			case <-c.done:
				return
			}
		}
	}()
	return c
}

func (c *ownerCounter) add(_ int, delta int64) { c.updates <- delta }

func (c *ownerCounter) value() int64 {
	reply := make(chan int64)
	c.reads <- reply
	return <-reply
}

func (c *ownerCounter) stop() { close(c.done) }

// RaceHistogram runs every strategy runs times and reports the final values
// of each, calling progress (never concurrently) after each run.
func RaceHistogram(ctx context.Context, cfg RaceConfig, runs int, progress func(done, total int)) (map[Strategy][]int64, error) {
	out := map[Strategy][]int64{}
	total := runs * len(Strategies)
	for i := range runs {
		for j, s := range Strategies {
			r, err := RunRace(ctx, s, cfg)
			if err != nil {
				return nil, err
			}
			out[s] = append(out[s], r.Final)
			if progress != nil {
				progress(i*len(Strategies)+j+1, total)
			}
		}
	}
	return out, nil
}

// Bin counts values into bins of equal width between their minimum and
// maximum; all-equal values make one bin. It returns each bin's lower edge
// and count.
func Bin(values []int64, bins int) (edges []int64, counts []int) {
	if len(values) == 0 || bins < 1 {
		return nil, nil
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	width := (hi - lo + int64(bins)) / int64(bins) // ceiling, at least 1
	if hi == lo {
		return []int64{lo}, []int{len(values)}
	}
	n := int((hi-lo)/width) + 1
	edges, counts = make([]int64, n), make([]int, n)
	for i := range edges {
		edges[i] = lo + int64(i)*width
	}
	for _, v := range values {
		counts[(v-lo)/width]++
	}
	return edges, counts
}

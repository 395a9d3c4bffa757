package techniques

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Strategy is a way of sharing one counter between many goroutines.
type Strategy int

// The strategies of the race experiment.
const (
	// PlainIncrement does n += delta on an ordinary variable: read, add,
	// write back. Goroutines access one variable, some write, and nothing (a
	// lock, a channel, an atomic) orders their accesses: a data race under
	// the Go memory model, which the race detector reports. Builds with the
	// detector skip it (see [RaceDetector]).
	PlainIncrement Strategy = iota
	// LoadYieldStore reads the counter with an atomic load, lets other
	// goroutines run, then writes back what it read plus or minus one with
	// an atomic write. Every access is atomic, so there is no data race for
	// the race detector to report — yet updates are lost, because another
	// goroutine can write between our read and our write. That is a race
	// condition: a wrong result that depends on the interleaving.
	LoadYieldStore
	// Mutex holds a sync.Mutex around the read–modify–write.
	Mutex
	// Atomic does the read–modify–write as one indivisible atomic operation.
	Atomic
	// Owner gives the counter to one goroutine; the others send it +1 or -1
	// over a channel. Only the owner touches the count, and a channel is
	// safe to share, so nothing can race.
	Owner
	// SingleProc is LoadYieldStore with GOMAXPROCS=1: one goroutine executes
	// Go code at a time, as one thread runs Python under its global
	// interpreter lock. Updates are still lost: a switch can fall between a
	// read and its write. The yield puts one there every time; without it
	// that is rarer (the scheduler preempts after 10 ms, at almost any
	// instruction), not impossible. Nor does it make plain n += 1 race-free.
	SingleProc
)

// Strategies lists every strategy, in the order the panel shows them.
var Strategies = []Strategy{PlainIncrement, LoadYieldStore, Mutex, Atomic, Owner, SingleProc}

func (s Strategy) String() string {
	switch s {
	case PlainIncrement:
		return "plain n += 1 (data race)"
	case LoadYieldStore:
		return "atomic load, yield, atomic store"
	case Mutex:
		return "sync.Mutex"
	case Atomic:
		return "sync/atomic Add"
	case Owner:
		return "owner goroutine"
	case SingleProc:
		return "load, yield, store at GOMAXPROCS=1"
	}
	return fmt.Sprintf("Strategy(%d)", int(s))
}

// The largest run the panel offers: 100,000 incrementers and as many
// decrementers, 10,000 updates each. Each half of a tally (below) must hold
// MaxPairs*MaxUpdates.
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
	// NotRun, if not empty, says why the strategy did not run; then nothing
	// else was measured.
	NotRun string
	Final  int64 // the counter's value at the end; 0 is right
	// LostUps and LostDowns count the +1s and the −1s missing from the
	// final value: made, but overwritten. Final = LostDowns − LostUps, so
	// losses of both kinds can cancel to a final 0.
	LostUps, LostDowns int64
	Took               time.Duration
	Procs              int        // GOMAXPROCS during the run
	Overwrite          *Overwrite // for LoadYieldStore and SingleProc: one write overwritten, as it happened
}

// Lost is how many updates the run lost.
func (r RaceResult) Lost() int64 { return r.LostUps + r.LostDowns }

// Overwrite is one read–modify–write that landed on another goroutine's
// write it had not read: the interleaving of a race condition, as it
// happened. It is taken from the goroutine's own read and from what its
// swap replaced, so it is exact.
type Overwrite struct {
	Worker     int   // the goroutine that wrote over another's write
	Read       int64 // the value it read
	Wrote      int64 // the value it wrote back
	Other      int   // the goroutine whose write it overwrote, the last one made after its read
	OtherWrote int64 // what that goroutine had written
}

func (o Overwrite) String() string {
	return fmt.Sprintf("goroutine %d read %d and yielded; goroutine %d then wrote %d; goroutine %d wrote %d over it, so the counter no longer held goroutine %d's update.",
		o.Worker, o.Read, o.Other, o.OtherWrote, o.Worker, o.Wrote, o.Other)
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

// checkRaceConfig keeps a run, and a child process's work, to what the
// panel allows.
func checkRaceConfig(cfg RaceConfig) error {
	if cfg.Pairs < 1 || cfg.Pairs > MaxPairs || cfg.Updates < 1 || cfg.Updates > MaxUpdates {
		return fmt.Errorf("pairs must be 1 to %d and updates 1 to %d, got %d and %d", MaxPairs, MaxUpdates, cfg.Pairs, cfg.Updates)
	}
	return nil
}

// procsMu makes runs that change GOMAXPROCS, which is one per process, take turns.
var procsMu sync.Mutex

// RunRace starts cfg.Pairs goroutines that add one and as many that subtract
// one, cfg.Updates times each, on a counter that starts at 0, shared with
// strategy s. It waits for all of them and returns the final value, which
// should be 0, and how many updates were lost. Cancelling ctx makes the
// goroutines stop early. SingleProc sets GOMAXPROCS to 1 for the run, for
// the whole process, and restores it after.
func RunRace(ctx context.Context, s Strategy, cfg RaceConfig) (RaceResult, error) {
	if err := checkRaceConfig(cfg); err != nil {
		return RaceResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return RaceResult{}, err
	}
	var c counter
	switch s {
	case PlainIncrement:
		if RaceDetector {
			return RaceResult{Strategy: s, NotRun: "not run: this binary was built with the race detector, which would report this data race"}, nil
		}
		if strconv.IntSize < 64 {
			// The tally below is exact only if a racy read returns some whole
			// write, which Go promises for values no wider than a machine word.
			return RaceResult{Strategy: s, NotRun: "not run: on a 32-bit machine its 64-bit tally could be torn"}, nil
		}
		c = &plainCounter{}
	case LoadYieldStore:
		c = newSplitCounter()
	case SingleProc:
		procsMu.Lock()
		defer procsMu.Unlock()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		c = newSplitCounter()
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

	r := RaceResult{Strategy: s, Procs: runtime.GOMAXPROCS(0)}
	start := time.Now()
	if err := hammer(ctx, c, cfg); err != nil {
		return RaceResult{}, err
	}
	r.Took = time.Since(start)
	t := c.tally()
	r.Final = t.value()
	made := int64(cfg.Pairs) * int64(cfg.Updates) // +1s made, and as many −1s
	r.LostUps, r.LostDowns = made-t.ups(), made-t.downs()
	if sc, ok := c.(*splitCounter); ok {
		r.Overwrite = sc.overwrite()
	}
	return r, nil
}

// hammer starts cfg.Pairs goroutines that add one to c and as many that
// subtract one, cfg.Updates times each, and waits for them all.
func hammer(ctx context.Context, c counter, cfg RaceConfig) error {
	var wg sync.WaitGroup
	// Hold them all at the start line, then let them go together: otherwise
	// each of the first would be done before the next one began.
	start := make(chan struct{})
	for i := range 2 * cfg.Pairs {
		delta := int64(1)
		if i%2 == 1 {
			delta = -1
		}
		wg.Go(func() {
			<-start
			for range cfg.Updates {
				if ctx.Err() != nil {
					return
				}
				c.add(i, delta)
			}
		})
	}
	close(start)
	wg.Wait()
	return ctx.Err()
}

// A tally is a counter's value kept as two counts packed in one uint64: the
// +1s it has taken in (high half) and the −1s (low half); the value is
// their difference. An update still reads the whole tally and writes it
// back, so a write over another's carries that one's count away with its
// value: the tally left at the end counts exactly the updates that
// survived, and the rest were lost. (The final value alone cannot: a lost
// +1 and a lost −1 cancel.)
type tally uint64

// step is what one update adds to a tally.
func step(delta int64) tally {
	if delta > 0 {
		return 1 << 32
	}
	return 1
}

func (t tally) ups() int64   { return int64(t >> 32) }
func (t tally) downs() int64 { return int64(uint32(t)) }
func (t tally) value() int64 { return t.ups() - t.downs() }

// counter is a shared integer that worker goroutines update.
type counter interface {
	add(worker int, delta int64)
	tally() tally // call once the workers are done
}

// plainCounter is the data race: n += 1 with no synchronization at all.
type plainCounter struct{ n tally }

func (c *plainCounter) add(_ int, delta int64) {
	c.n += step(delta) // read, add, write: another goroutine's write can land in between
}

func (c *plainCounter) tally() tally { return c.n }

// splitCounter reads and writes in two separate steps, each atomic. Each
// write installs a new, never-changed record, so the write it replaces is
// known exactly: Swap stores our record and hands back the one it replaced,
// in one step.
type splitCounter struct {
	last atomic.Pointer[write] // the write that set the counter's current value

	overwrites atomic.Int64 // writes that landed on a write their goroutine had not read
	shown      *Overwrite   // one of them: the one whose goroutine counted the first
}

// write is one goroutine's write to the counter.
type write struct {
	n  tally
	by int // the goroutine that wrote it; -1 for the starting 0
}

func newSplitCounter() *splitCounter {
	c := &splitCounter{}
	c.last.Store(&write{by: -1})
	return c
}

func (c *splitCounter) add(worker int, delta int64) {
	read := c.read()                 // read…
	runtime.Gosched()                // …let other goroutines run…
	c.writeBack(worker, read, delta) // …then write, perhaps over a write made since our read
}

func (c *splitCounter) read() *write { return c.last.Load() }

// writeBack writes what was read plus delta. Swap writes exactly as Store
// would; it also hands back the write it replaced.
func (c *splitCounter) writeBack(worker int, read *write, delta int64) {
	mine := &write{n: read.n + step(delta), by: worker}
	if replaced := c.last.Swap(mine); replaced != read && c.overwrites.Add(1) == 1 {
		// Someone wrote after our read, and we just wrote over it. No record
		// is reused while we hold it (the garbage collector frees only what
		// nothing points to), so a different pointer is a different write,
		// even if the value is the same (a +1 and a −1 in between).
		c.shown = &Overwrite{Worker: worker, Read: read.n.value(), Wrote: mine.n.value(),
			Other: replaced.by, OtherWrote: replaced.n.value()}
	}
}

func (c *splitCounter) tally() tally { return c.last.Load().n }

// overwrite returns one overwrite seen, or nil. Call it once the workers
// have finished: their WaitGroup makes the write to shown visible.
func (c *splitCounter) overwrite() *Overwrite { return c.shown }

type mutexCounter struct {
	mu sync.Mutex
	n  tally
}

func (c *mutexCounter) add(_ int, delta int64) {
	c.mu.Lock()
	c.n += step(delta) // only one goroutine at a time gets here
	c.mu.Unlock()
}

func (c *mutexCounter) tally() tally {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

type atomicCounter struct{ n atomic.Uint64 }

func (c *atomicCounter) add(_ int, delta int64) { c.n.Add(uint64(step(delta))) } // read, add, write as one operation
func (c *atomicCounter) tally() tally           { return tally(c.n.Load()) }

// ownerCounter's value lives on one goroutine; everyone else sends it work.
type ownerCounter struct {
	updates chan int64
	reads   chan chan tally
	done    chan struct{}
}

func newOwnerCounter() *ownerCounter {
	c := &ownerCounter{updates: make(chan int64, 1024), reads: make(chan chan tally), done: make(chan struct{})}
	go func() {
		var n tally // owned by this goroutine alone
		for {
			select {
			case d := <-c.updates:
				n += step(d)
			case reply := <-c.reads:
				// Drain what is queued first, so a read sees every update sent before it.
				for len(c.updates) > 0 {
					n += step(<-c.updates)
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

func (c *ownerCounter) tally() tally {
	reply := make(chan tally)
	c.reads <- reply
	return <-reply
}

func (c *ownerCounter) stop() { close(c.done) }

// RaceHistogram runs every strategy runs times and returns the results of
// each, calling progress (never concurrently) after each run. Strategies
// that do not run in this build are left out.
func RaceHistogram(ctx context.Context, cfg RaceConfig, runs int, progress func(done, total int)) (map[Strategy][]RaceSample, error) {
	out := map[Strategy][]RaceSample{}
	total := runs * len(Strategies)
	for i := range runs {
		for j, s := range Strategies {
			r, err := RunRace(ctx, s, cfg)
			if err != nil {
				return nil, err
			}
			if r.NotRun == "" {
				out[s] = append(out[s], RaceSample{Final: r.Final, Lost: r.Lost()})
			}
			if progress != nil {
				progress(i*len(Strategies)+j+1, total)
			}
		}
	}
	return out, nil
}

// RaceSample is one run of a strategy, for the histogram.
type RaceSample struct {
	Final int64 // the final value
	Lost  int64 // updates lost
}

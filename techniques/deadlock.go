package techniques

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// The dining philosophers: N philosophers sit at a round table with one fork
// between each pair of neighbours. A philosopher thinks, then eats, which
// takes both forks beside them: their left fork and their right one (the
// left fork of the next philosopher). Each philosopher is a goroutine; each
// fork is a lock.
//
// If every philosopher takes their left fork and then waits for their
// right one, and all of them take the left fork before any takes the right,
// each waits for a fork the next one holds and will never let go of: a
// cycle of waits, a deadlock. The forks are [WatchedLock]s of a [WaitGraph]
// (deadlock_graph.go), which records who waits for whom and catches the
// cycle the moment it closes.

// Dining is a way for the philosophers to pick up their forks.
type Dining int

// The ways to dine: the one that deadlocks, and three fixes.
const (
	// LeftThenRight takes the left fork, then the right one. All the
	// philosophers can hold their left fork at once, each waiting for the
	// next: a cycle, so a deadlock.
	LeftThenRight Dining = iota
	// Ordered numbers the forks and takes the lower-numbered one first.
	// The last philosopher's forks are the last one and fork 0: they reach
	// for fork 0 first, like the first philosopher. A goroutine then waits
	// only for a lock numbered above every lock it holds, so a chain of
	// waits climbs the numbers and can never come back round: no cycle.
	// It works only as one order over all the locks, kept on every path
	// that takes two of them: one place that takes them the other way
	// round can close a cycle again.
	Ordered
	// Backoff takes the left fork, then waits for the right one only for a
	// while. If the right fork does not come, it puts the left one down,
	// waits a random time, and tries again. A cycle of waits can still
	// form, but a timeout breaks it. The random back-off matters: without
	// it, the philosophers could all retry in step, forever (a livelock).
	// With it a livelock is unlikely, not impossible, and nothing stops one
	// philosopher from losing every time (starvation): no deadlock, but no
	// promise of progress either.
	Backoff
	// Arbiter has one goroutine, the arbiter, hand out forks: a philosopher
	// asks for both, and the arbiter grants them only when both are free,
	// both at once. Nobody ever holds one fork while waiting for another.
	// It is a single server, not the "waiter" semaphore that lets at most
	// N-1 philosophers reach for forks. Every meal waits on this one
	// goroutine, and a philosopher whose neighbours take turns eating may
	// never find both forks free (starvation).
	Arbiter
)

// DiningWays lists the ways, in the order the panel shows them.
var DiningWays = []Dining{LeftThenRight, Ordered, Backoff, Arbiter}

func (d Dining) String() string {
	switch d {
	case LeftThenRight:
		return "left fork, then right"
	case Ordered:
		return "lock ordering"
	case Backoff:
		return "timeout and back off"
	case Arbiter:
		return "one arbiter goroutine"
	}
	return fmt.Sprintf("Dining(%d)", int(d))
}

// The limits of a dinner.
const (
	MaxPhilosophers = 12
	MaxMealTime     = time.Second // for thinking and for eating
)

// DiningConfig sets a dinner.
type DiningConfig struct {
	Philosophers int           // 2 to MaxPhilosophers, as many forks
	Think        time.Duration // each thinks a random time from 0 to this before each meal
	Eat          time.Duration // each meal takes this long, with both forks held
	// Reach is how long a philosopher holding their first fork takes to
	// reach for the second: the window in which a neighbour can take it.
	// In a program, the work done between taking one lock and the next.
	Reach time.Duration
	// LeftFirst makes the worst timing happen: before reaching for their
	// second fork the first time, each philosopher waits until all of them
	// hold their first. With LeftThenRight that is a deadlock every time.
	// It applies to LeftThenRight and Backoff, whose first forks are all
	// different; with the others some philosophers want the same first
	// fork, so they could never all hold one.
	LeftFirst bool
}

func (c DiningConfig) check() error {
	switch {
	case c.Philosophers < 2 || c.Philosophers > MaxPhilosophers:
		return fmt.Errorf("philosophers must be 2 to %d, got %d", MaxPhilosophers, c.Philosophers)
	case c.Think < 0 || c.Think > MaxMealTime || c.Eat < 0 || c.Eat > MaxMealTime || c.Reach < 0 || c.Reach > MaxMealTime:
		return fmt.Errorf("think, eat and reach times must be 0 to %v", MaxMealTime)
	}
	return nil
}

// DiningResult is what a dinner served.
type DiningResult struct {
	Way   Dining
	Meals []int64 // by philosopher
	Took  time.Duration
}

// Total is the number of meals eaten.
func (r DiningResult) Total() int64 {
	var n int64
	for _, m := range r.Meals {
		n += m
	}
	return n
}

// Dine seats cfg.Philosophers at the table, with forks that are locks of
// g, and lets them think and eat the given way until ctx is done. Then
// every philosopher stops — even one stuck in a deadlock, since the forks'
// waits end with ctx — and Dine returns the meals eaten. Watch
// g.Deadlocked() to learn of a deadlock as it happens.
func Dine(ctx context.Context, cfg DiningConfig, way Dining, g *WaitGraph) (DiningResult, error) {
	if err := cfg.check(); err != nil {
		return DiningResult{Way: way}, err
	}
	t := &table{cfg: cfg, meals: make([]atomic.Int64, cfg.Philosophers)}
	for range cfg.Philosophers {
		t.forks = append(t.forks, g.NewLock())
	}
	if cfg.LeftFirst && (way == LeftThenRight || way == Backoff) {
		t.holding = newBarrier(cfg.Philosophers)
	}

	began := time.Now()
	var wg sync.WaitGroup
	if way == Arbiter {
		t.ask, t.done = make(chan request), make(chan int)
		wg.Go(func() { t.arbitrate(ctx) })
	}
	for i := range cfg.Philosophers {
		wg.Go(func() { t.philosopher(ctx, i, way) })
	}
	wg.Wait()

	r := DiningResult{Way: way, Took: time.Since(began)}
	for i := range t.meals {
		r.Meals = append(r.Meals, t.meals[i].Load())
	}
	return r, nil
}

// table is one dinner: its forks, and what the philosophers share.
type table struct {
	cfg     DiningConfig
	forks   []*WatchedLock
	meals   []atomic.Int64 // by philosopher
	holding *barrier       // LeftFirst: everyone holds their first fork
	ask     chan request   // Arbiter: to the arbiter
	done    chan int       // Arbiter: a philosopher has put both forks down
}

// philosopher i thinks and eats until ctx is done.
func (t *table) philosopher(ctx context.Context, i int, way Dining) {
	n := len(t.forks)
	left, right := t.forks[i], t.forks[(i+1)%n]
	for {
		if !pause(ctx, rand.N(t.cfg.Think+1)) {
			return
		}
		var got bool
		switch way {
		case LeftThenRight:
			got = t.leftThenRight(ctx, i, left, right)
		case Ordered:
			// The lower-numbered fork first. Only the last philosopher,
			// whose right fork is fork 0, reaches right first.
			first, second := left, right
			if second.ID() < first.ID() {
				first, second = second, first
			}
			got = t.leftThenRight(ctx, i, first, second)
		case Backoff:
			got = t.backoff(ctx, i, left, right)
		case Arbiter:
			got = t.fromArbiter(ctx, i, left, right)
		}
		if !got {
			return // ctx is done
		}
		ate := pause(ctx, t.cfg.Eat)
		right.Unlock()
		left.Unlock()
		if way == Arbiter {
			select {
			case t.done <- i: // the arbiter may hand these forks on
			case <-ctx.Done():
			}
		}
		if !ate {
			return
		}
		t.meals[i].Add(1)
	}
}

// leftThenRight takes first, then second, waiting as long as it takes.
// It reports false, holding nothing, if ctx ends the wait.
func (t *table) leftThenRight(ctx context.Context, i int, first, second *WatchedLock) bool {
	if first.Lock(ctx, i) != nil {
		return false
	}
	if t.holding != nil && !t.holding.arrive(ctx) || !pause(ctx, t.cfg.Reach) {
		first.Unlock()
		return false
	}
	if second.Lock(ctx, i) != nil {
		first.Unlock() // a deadlocked philosopher lets go only when ctx ends
		return false
	}
	return true
}

// backoff takes the left fork, then waits a while for the right one; if it
// does not come, it puts the left fork down, waits a random time, and
// tries again.
func (t *table) backoff(ctx context.Context, i int, left, right *WatchedLock) bool {
	// A neighbour holding our right fork while they eat lets go within
	// one meal: wait about that long before deciding they never will.
	patience := t.cfg.Eat + time.Millisecond
	for {
		if left.Lock(ctx, i) != nil {
			return false
		}
		if t.holding != nil && !t.holding.arrive(ctx) || !pause(ctx, t.cfg.Reach) {
			left.Unlock()
			return false
		}
		got, err := right.LockTimeout(ctx, i, patience)
		if got {
			return true
		}
		left.Unlock() // give way: the neighbour waiting for it can eat
		if err != nil || !pause(ctx, rand.N(patience)) {
			return false
		}
	}
}

// request is a philosopher asking the arbiter for both forks; granted is
// closed when they may take them.
type request struct {
	who     int
	granted chan struct{}
}

// fromArbiter asks the arbiter for both forks, and takes them when it says
// so. They are free by then, so the locks never wait.
func (t *table) fromArbiter(ctx context.Context, i int, left, right *WatchedLock) bool {
	r := request{who: i, granted: make(chan struct{})}
	select {
	case t.ask <- r:
	case <-ctx.Done():
		return false
	}
	select {
	case <-r.granted:
	case <-ctx.Done():
		return false
	}
	if left.Lock(ctx, i) != nil {
		return false
	}
	// The same reach as the other ways, so the meals per second compare.
	if !pause(ctx, t.cfg.Reach) || right.Lock(ctx, i) != nil {
		left.Unlock()
		return false
	}
	return true
}

// arbitrate is the arbiter: the one goroutine that knows which forks are in
// use, so no lock guards that knowledge. It looks at the waiting
// philosophers in the order they asked and grants each whose forks are both
// free. That is not first come, first served: a later request can be
// granted past an earlier one still waiting, which may then wait forever.
// Granting strictly in order would be fair, and leave forks idle.
func (t *table) arbitrate(ctx context.Context) {
	n := len(t.forks)
	inUse := make([]bool, n)
	var waiting []request
	for {
		select {
		case r := <-t.ask:
			waiting = append(waiting, r)
		case i := <-t.done:
			inUse[i], inUse[(i+1)%n] = false, false
		case <-ctx.Done():
			return
		}
		still := waiting[:0]
		for _, r := range waiting {
			left, right := r.who, (r.who+1)%n
			if inUse[left] || inUse[right] {
				still = append(still, r)
				continue
			}
			inUse[left], inUse[right] = true, true
			close(r.granted)
		}
		waiting = still
	}
}

// pause waits d, or until ctx is done; it reports whether ctx is still live.
// A zero wait does not touch a timer: thinking for no time is no pause at all.
func pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	return sleepCtx(ctx, d)
}

// barrier lets goroutines wait until n of them have arrived.
type barrier struct {
	missing atomic.Int32
	all     chan struct{}
}

func newBarrier(n int) *barrier {
	b := &barrier{all: make(chan struct{})}
	b.missing.Store(int32(n))
	return b
}

// arrive waits for the others, the first time each goroutine calls it;
// later calls return at once. It reports false if ctx ended the wait.
func (b *barrier) arrive(ctx context.Context) bool {
	select {
	case <-b.all:
		return true
	default:
	}
	if b.missing.Add(-1) == 0 {
		close(b.all)
	}
	select {
	case <-b.all:
		return true
	case <-ctx.Done():
		return false
	}
}

package techniques

import (
	"context"
	"slices"
	"sync"
	"time"
)

// The machinery of the deadlock lesson (deadlock.go): locks that report to a
// wait-for graph, and the search for a cycle in it.
//
// A wait-for graph has an edge "goroutine G waits for lock L, which goroutine
// H holds". If the edges close a cycle — G waits for H, who waits for …, who
// waits for G — and none of the waits can time out, no goroutine of the
// cycle can ever go on: that is a deadlock. (Here the waits also end when
// the caller's context does: a way out from outside the cycle, which a
// plain mutex does not have.) The graph lives in a [WaitGraph] value that
// the locks share; there is no global state.
//
// Checking at every change has a price: every lock operation takes the
// graph's own mutex and searches it. Right for a lesson; a busy program
// would rather dump its goroutines (SIGQUIT) when it seems stuck.

// WaitFor is one edge of the graph: Waiter waits for Lock, which Holder
// holds. Holder is -1 if the lock's holder is not recorded yet. Timed is
// true if the wait gives up after a while.
type WaitFor struct {
	Waiter, Lock, Holder int
	Timed                bool
}

// DeadlockFound is a cycle of untimed waits, and when it was found.
type DeadlockFound struct {
	Cycle []WaitFor     // in order: Cycle[i].Holder is Cycle[i+1].Waiter
	After time.Duration // since the graph was made
}

// GraphState is a copy of the graph at one moment, for drawing.
type GraphState struct {
	Holders []int     // by lock: the goroutine holding it, or -1
	Waits   []WaitFor // every goroutine that waits, by waiter
	Cycle   []WaitFor // a cycle of the graph now, if any
	// Deadlock is the first cycle of untimed waits found, which stays found.
	Deadlock *DeadlockFound
	// TimedCycles counts the cycles that formed with a timed wait in them:
	// each was broken when a wait timed out.
	TimedCycles int
	Version     uint64 // grows with every change
}

// WaitGraph records which goroutine holds each of its locks and which lock
// each goroutine waits for, and checks for a cycle at every change: a
// deadlock is caught the moment its last edge is added. Goroutines are
// named by small integers the caller chooses. Safe for concurrent use.
type WaitGraph struct {
	mu       sync.Mutex
	start    time.Time
	holders  []int           // by lock
	waits    map[int]WaitFor // by waiting goroutine; Holder is filled in when read
	inCycle  bool
	state    GraphState
	deadlock chan struct{} // closed at the first deadlock
}

// NewWaitGraph returns an empty graph; its clock for [DeadlockFound.After] starts now.
func NewWaitGraph() *WaitGraph {
	return &WaitGraph{start: time.Now(), waits: map[int]WaitFor{}, deadlock: make(chan struct{})}
}

// Deadlocked is closed when the graph first finds a cycle of untimed waits.
func (g *WaitGraph) Deadlocked() <-chan struct{} { return g.deadlock }

// Snapshot returns a copy of the graph as it is now.
func (g *WaitGraph) Snapshot() GraphState {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.state
	s.Holders = slices.Clone(g.holders)
	s.Waits = g.edges()
	s.Cycle = slices.Clone(s.Cycle)
	return s
}

// NewLock returns a lock recorded in g.
func (g *WaitGraph) NewLock() *WatchedLock {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.holders = append(g.holders, -1)
	return &WatchedLock{g: g, id: len(g.holders) - 1, token: make(chan struct{}, 1)}
}

// edges lists the waits, each with its lock's holder, by waiter. g.mu is held.
func (g *WaitGraph) edges() []WaitFor {
	out := make([]WaitFor, 0, len(g.waits))
	for _, w := range g.waits {
		w.Holder = g.holders[w.Lock]
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b WaitFor) int { return a.Waiter - b.Waiter })
	return out
}

// changed looks for a cycle after an edge was added or removed. g.mu is held.
//
// A deadlock is a cycle of untimed waits, so it is searched for among the
// untimed edges alone: a search of all the edges could meet a cycle with a
// timed wait first, stop there, and miss a deadlock beside it.
func (g *WaitGraph) changed() {
	g.state.Version++
	edges := g.edges()
	untimed := slices.DeleteFunc(slices.Clone(edges), func(w WaitFor) bool { return w.Timed })
	deadlock := FindCycle(untimed)
	cycle := deadlock
	if cycle == nil {
		cycle = FindCycle(edges) // one with a timed wait in it, if any
	}
	g.state.Cycle = cycle
	if deadlock != nil && g.state.Deadlock == nil {
		g.state.Deadlock = &DeadlockFound{Cycle: deadlock, After: time.Since(g.start)}
		close(g.deadlock)
	}
	if cycle != nil && deadlock == nil && !g.inCycle {
		g.state.TimedCycles++
	}
	g.inCycle = cycle != nil
}

func (g *WaitGraph) waiting(who, lock int, timed bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.waits[who] = WaitFor{Waiter: who, Lock: lock, Holder: -1, Timed: timed}
	g.changed()
}

func (g *WaitGraph) stopWaiting(who int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.waits, who)
	g.changed()
}

func (g *WaitGraph) acquired(who, lock int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.waits, who)
	g.holders[lock] = who
	g.changed()
}

func (g *WaitGraph) released(lock int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.holders[lock] = -1
	g.changed()
}

// WatchedLock is a mutex that reports to its graph, and whose waits can be
// cancelled with a context: a channel with room for one token, where
// holding the lock means having put the token in. A sync.Mutex cannot be
// waited for with a context. Each method names the goroutine calling it.
type WatchedLock struct {
	g     *WaitGraph
	id    int
	token chan struct{}
}

// ID is the lock's number in its graph, from 0.
func (l *WatchedLock) ID() int { return l.id }

// Lock waits until who holds the lock, or until ctx is done. The graph
// records the wait just before it begins, and the holder only once it
// holds the lock (Unlock forgets it before letting go): an edge from a
// lock to its holder is always true, so a cycle the graph finds really
// exists at that moment, not pieced together from moments apart. (One
// exception: a wait that ctx has just ended is forgotten a moment later,
// so only as a run is cancelled could a cycle through it be stale.)
func (l *WatchedLock) Lock(ctx context.Context, who int) error {
	_, err := l.lock(ctx, who, nil)
	return err
}

// LockTimeout is Lock that gives up after d, returning false.
func (l *WatchedLock) LockTimeout(ctx context.Context, who int, d time.Duration) (bool, error) {
	t := time.NewTimer(d)
	defer t.Stop()
	return l.lock(ctx, who, t.C)
}

func (l *WatchedLock) lock(ctx context.Context, who int, timeout <-chan time.Time) (bool, error) {
	select {
	case l.token <- struct{}{}: // free: no wait to record
		l.g.acquired(who, l.id)
		return true, nil
	default:
	}
	l.g.waiting(who, l.id, timeout != nil)
	select {
	case l.token <- struct{}{}:
		l.g.acquired(who, l.id)
		return true, nil
	case <-timeout:
		l.g.stopWaiting(who)
		return false, nil
	case <-ctx.Done():
		l.g.stopWaiting(who)
		return false, ctx.Err()
	}
}

// Unlock releases the lock. The graph forgets the holder first, so it never
// shows a holder that has already let go.
func (l *WatchedLock) Unlock() {
	l.g.released(l.id)
	select {
	case <-l.token:
	default:
		panic("techniques: Unlock of an unlocked Lock")
	}
}

// FindCycle returns a cycle of the wait-for graph given by its edges, or
// nil. The cycle starts at its lowest-numbered goroutine. Edges whose holder
// is unknown (-1) lead nowhere.
func FindCycle(edges []WaitFor) []WaitFor {
	out := map[int][]WaitFor{} // goroutine → the edges leaving it
	var from []int
	for _, e := range edges {
		if e.Holder < 0 {
			continue
		}
		if _, seen := out[e.Waiter]; !seen {
			from = append(from, e.Waiter)
		}
		out[e.Waiter] = append(out[e.Waiter], e)
	}
	slices.Sort(from)

	// Depth-first search: a goroutine still on the path when it is reached
	// again closes a cycle; the path from it to here is the cycle.
	const (
		unseen = iota
		onPath
		done
	)
	color := map[int]int{}
	var path []WaitFor
	var visit func(g int) []WaitFor
	visit = func(g int) []WaitFor {
		color[g] = onPath
		for _, e := range out[g] {
			switch color[e.Holder] {
			case onPath:
				i := slices.IndexFunc(path, func(p WaitFor) bool { return p.Waiter == e.Holder })
				if i < 0 { // the edge loops on g itself: g waits for a lock it holds
					i = len(path)
				}
				return rotate(append(slices.Clone(path[i:]), e))
			case unseen:
				path = append(path, e)
				if c := visit(e.Holder); c != nil {
					return c
				}
				path = path[:len(path)-1]
			}
		}
		color[g] = done
		return nil
	}
	for _, g := range from {
		if color[g] == unseen {
			if c := visit(g); c != nil {
				return c
			}
		}
	}
	return nil
}

// rotate starts the cycle at its lowest-numbered goroutine.
func rotate(cycle []WaitFor) []WaitFor {
	low := 0
	for i, e := range cycle {
		if e.Waiter < cycle[low].Waiter {
			low = i
		}
	}
	return slices.Concat(cycle[low:], cycle[:low])
}

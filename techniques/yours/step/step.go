// Package step is what an edit of a scheduler program may use of the
// stepping runtime (techniques/scheduler_step.go): the goroutine handle G,
// whose calls let the scheduler in, the lock, and the programs' shared
// state, with exported fields so that interpreted code can reach them.
// Its symbols for the interpreter are generated into package symbols.
package step

import (
	"sync/atomic"

	"concurrencylab/techniques"
)

// G is one goroutine of a stepped program: g.Checkpoint() is where the
// scheduler may switch to another goroutine; g.Lock and g.Unlock lock and
// unlock a Lock, waiting while another goroutine holds it.
type G = techniques.G

// Lock is the programs' lock: it blocks as a sync.Mutex does, and the
// stepping runtime sees who holds it and who waits.
type Lock = techniques.Lock

// Account is a balance guarded by its own lock: touch Balance only while
// holding Mu.
type Account struct {
	ID      int // 1 for a, 2 for b: an order to lock them in
	Mu      Lock
	Balance int
}

// Counter is the lost-update programs' shared counter. Its value is reached
// only through its methods, each a switch point (see G.Switch): the
// scheduler may switch goroutines before every Load, Store and Add, as the
// Go scheduler could, whether or not a checkpoint stands there.
type Counter struct {
	n  atomic.Int64
	Mu Lock // for a version that locks around its steps
}

// Load reads the counter.
func (c *Counter) Load(g *G) int64 { g.Switch(); return c.n.Load() }

// Store writes v to the counter, over whatever it held.
func (c *Counter) Store(g *G, v int64) { g.Switch(); c.n.Store(v) }

// Add adds d to the counter in one indivisible step, as atomic.Int64.Add.
func (c *Counter) Add(g *G, d int64) { g.Switch(); c.n.Add(d) }

// Value is the counter, for the lab once the goroutines are done.
func (c *Counter) Value() int64 { return c.n.Load() }

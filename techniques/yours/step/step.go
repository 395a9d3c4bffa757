// Package step is what an edit of a scheduler program may use of the
// stepping runtime (techniques/scheduler_step.go): the goroutine handle G,
// whose calls let the scheduler in, the lock, and the programs' shared
// state, with exported fields so that interpreted code can reach them.
// Its symbols for the interpreter are generated into package symbols.
package step

import "concurrencylab/techniques"

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

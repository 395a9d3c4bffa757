// Package sched is the scheduler panel's transfer as one function you can
// edit. "Check it" runs your Transfer in a child process, interpreted by
// yaegi, under every schedule of its switch points (each g.Checkpoint()
// and each g.Lock), as "Try every schedule" does for the board's programs,
// and counts the schedules that deadlock, that end with wrong balances or
// a data race, and that end right. Stepping your version by hand on the
// board is not possible: the board steps the compiled programs only.
//
// The interpreter knows Go as it was before 1.21: no range over an
// integer, no min or max.
package sched

import "concurrencylab/techniques/yours/step"

// Transfer moves 10 from one account to the other, holding both locks.
// Goroutine 1 calls Transfer(g, a, b), goroutine 2 Transfer(g, b, a): each
// locks its source account first, so each can end up holding one lock and
// waiting for the other's, forever. Make it deadlock-free, with both
// transfers done: a = 100, b = 100.
//
// The scheduler may switch goroutines at each g.Checkpoint() and before
// each g.Lock: leaving a checkpoint out does not take those switches away.
// Keep Transfer's signature, and touch a Balance only while holding its
// account's Mu: code between two switches runs as one step, so the checker
// sees a data race only as a Balance both goroutines change with no one
// lock held in every step that changes it. Lock with g.Lock, an account's
// Mu or a step.Lock of your own: sync, sync/atomic and channels are
// refused, as the scheduler cannot see a goroutine wait on them.
func Transfer(g *step.G, from, to *step.Account) {
	g.Checkpoint()
	g.Lock(&from.Mu)
	g.Checkpoint()
	g.Lock(&to.Mu)
	from.Balance -= 10
	to.Balance += 10
	g.Unlock(&to.Mu)
	g.Unlock(&from.Mu)
}

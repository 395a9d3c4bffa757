package techniques

// You are the scheduler: small real Go programs whose goroutines stop at
// checkpoints. In the panel a goroutine waits at each g.Checkpoint() until
// you pick it, then runs alone to its next one. A real run has no such
// stops: on several cores goroutines run at the same time, and the Go
// scheduler may preempt one at almost any instruction. The checkpoints
// sit between the steps whose order changes the outcome, so every outcome
// a real run of these programs can reach, you can reach by picking; a
// real run just reaches some of them rarely.
//
// The programs' locks and channel (g.Lock, g.Send, g.Receive) block just as
// sync.Mutex and an unbuffered channel do; they go through g so that a
// goroutine blocked on them shows as blocked, and ends when the run is
// cancelled. The machinery is in scheduler_step.go.

import (
	"fmt"
	"sync/atomic"
)

// Counter is the shared state of the lost-update programs.
type Counter struct {
	// Atomic, so there is no data race: an update lost here is lost to the
	// interleaving alone. With a plain int, counter++ could lose updates
	// too, and would be a data race, which the race detector reports.
	counter atomic.Int64
	mu      Lock
}

// addOne adds one to the counter in the three steps counter++ stands for:
// load, add, store. A switch between its load and its store lets the other
// goroutine's update be overwritten. Real code increments in one
// indivisible step, s.counter.Add(1), or holds a lock across all three.
func addOne(g *G, s *Counter) {
	g.Checkpoint()
	v := s.counter.Load() // load
	g.Checkpoint("v", v)
	v = v + 1 // add
	g.Checkpoint("v", v)
	s.counter.Store(v) // store
}

// addOneLocked is addOne inside a lock: while one goroutine is between Lock
// and Unlock, the other waits at Lock, so the three steps cannot interleave.
func addOneLocked(g *G, s *Counter) {
	g.Checkpoint()
	g.Lock(&s.mu)
	g.Checkpoint()
	v := s.counter.Load() // load
	g.Checkpoint("v", v)
	v = v + 1 // add
	g.Checkpoint("v", v)
	s.counter.Store(v) // store
	g.Checkpoint()
	g.Unlock(&s.mu)
}

// Purse is the shared state of the check-then-act program.
type Purse struct {
	balance atomic.Int64
}

// withdraw80 checks that the balance covers 80, then takes it. Between the
// check and the act another withdrawal can pass the same check. The fix
// makes the two one step: a lock held across both, or a CompareAndSwap of
// the balance checked, retried if another withdrawal changed it meanwhile.
func withdraw80(g *G, s *Purse) {
	g.Checkpoint()
	if s.balance.Load() >= 80 { // check
		g.Checkpoint()
		s.balance.Add(-80) // act
	}
}

// Bank is the shared state of the transfer programs: two accounts, each
// with its own lock.
type Bank struct {
	a, b Account
}

// Account is a balance guarded by its own lock.
type Account struct {
	id      int
	mu      Lock
	balance int // guarded by mu
}

// transfer moves 10 between two accounts, holding both locks. Goroutine 1
// transfers from a to b and goroutine 2 from b to a, so each locks the
// accounts in the opposite order: each can end up holding one lock and
// waiting for the other's, forever.
func transfer(g *G, from, to *Account) {
	g.Checkpoint()
	g.Lock(&from.mu)
	g.Checkpoint()
	g.Lock(&to.mu)
	from.balance -= 10
	to.balance += 10
	g.Unlock(&to.mu)
	g.Unlock(&from.mu)
}

// orderedTransfer is the fix: every goroutine locks the two accounts in one
// global order, by id, whatever the direction of the transfer. Whoever
// holds the first lock can always get the second, so no cycle of waiting
// can form.
func orderedTransfer(g *G, from, to *Account) {
	first, second := from, to
	if to.id < from.id { // lower id first
		first, second = to, from
	}
	g.Checkpoint()
	g.Lock(&first.mu)
	g.Checkpoint()
	g.Lock(&second.mu)
	from.balance -= 10
	to.balance += 10
	g.Unlock(&second.mu)
	g.Unlock(&first.mu)
}

// Handoff is the shared state of the channel program.
type Handoff struct {
	ch       *Chan
	received int
}

// send sends 42 on an unbuffered channel: it waits there until a receiver
// takes the value. An unbuffered channel is a meeting point.
func send(g *G, s *Handoff) {
	g.Checkpoint()
	g.Send(s.ch, 42)
}

// receive waits on the channel until a sender brings a value.
func receive(g *G, s *Handoff) {
	g.Checkpoint()
	v := g.Receive(s.ch)
	g.Checkpoint()
	s.received = v
}

// OverwriteSchedule is the overwrite the race panel records, replayed on
// the lost-update program: goroutine 1 loads; goroutine 2 loads, adds and
// stores; goroutine 1 adds and stores over goroutine 2's update.
func OverwriteSchedule() []int { return []int{1, 2, 2, 2, 1, 1} }

// Programs returns the programs to play scheduler with, in the panel's order.
func Programs() []*Program {
	ps := []*Program{
		program("Lost update",
			"Two goroutines each add one to counter, in three steps: load, add, store.",
			func() *Counter { return new(Counter) },
			func(s *Counter) []Var { return []Var{{"counter", fmt.Sprint(s.counter.Load())}} },
			func(s *Counter) string { return fmt.Sprintf("counter = %d", s.counter.Load()) },
			[]int{1, 2, 1, 2, 1, 2}, // both load 0, both store 1
			gor("addOne", addOne), gor("addOne", addOne)).
			challenge("Make the counter end at 1 after two increments", func(s Snapshot, c *Counter, p *Program) bool {
				return s.Outcome == "counter = 1"
			}, "").
			challenge("Make the counter end at 2", func(s Snapshot, c *Counter, p *Program) bool {
				return s.Outcome == "counter = 2"
			}, "").Program,
		program("With a mutex",
			"The same increments, each inside mu.Lock() and mu.Unlock().",
			func() *Counter { return &Counter{mu: Lock{Name: "mu"}} },
			func(s *Counter) []Var {
				return []Var{{"counter", fmt.Sprint(s.counter.Load())}, {"mu", holder(&s.mu)}}
			},
			func(s *Counter) string { return fmt.Sprintf("counter = %d", s.counter.Load()) },
			[]int{1, 2, 1, 1, 1, 1, 2, 2, 2, 2, 2}, // 2 tries the lock while 1 holds it
			gor("addOneLocked", addOneLocked), gor("addOneLocked", addOneLocked)).
			challenge("Get both goroutines between Lock and Unlock at once", func(s Snapshot, c *Counter, p *Program) bool {
				return p.between(s.Goroutines[0], "g.Lock(", "g.Unlock(") && p.between(s.Goroutines[1], "g.Lock(", "g.Unlock(")
			}, "Impossible: a goroutine that reaches Lock while the other holds mu is blocked, and a blocked goroutine cannot be picked until Unlock. Only one goroutine is ever between Lock and Unlock, whatever you pick.").
			challenge("Block a goroutine on the lock", func(s Snapshot, c *Counter, p *Program) bool {
				for _, g := range s.Goroutines {
					if g.State == Blocked {
						return true
					}
				}
				return false
			}, "").Program,
		program("Check then act",
			"Two withdrawals of 80 from one account holding 100; each checks the balance first.",
			func() *Purse { a := new(Purse); a.balance.Store(100); return a },
			func(s *Purse) []Var { return []Var{{"balance", fmt.Sprint(s.balance.Load())}} },
			func(s *Purse) string { return fmt.Sprintf("balance = %d", s.balance.Load()) },
			[]int{1, 2, 1, 2}, // both pass the check before either takes the money
			gor("withdraw80", withdraw80), gor("withdraw80", withdraw80)).
			challenge("Overdraw the account", func(s Snapshot, a *Purse, p *Program) bool {
				return a.balance.Load() < 0
			}, "").Program,
		program("Deadlock",
			"Goroutine 1 transfers from a to b, goroutine 2 from b to a: each locks its source account first.",
			newBank, bankVars, bankOutcome,
			[]int{1, 2, 1, 2}, // each holds one lock and waits for the other
			gor("transfer", func(g *G, s *Bank) { transfer(g, &s.a, &s.b) }),
			gor("transfer", func(g *G, s *Bank) { transfer(g, &s.b, &s.a) })).
			challenge("Deadlock the transfers", func(s Snapshot, b *Bank, p *Program) bool {
				return s.Outcome == Deadlock
			}, "").Program,
		program("Ordered locks",
			"The same transfers, but each locks the account with the lower id first: a, then b.",
			newBank, bankVars, bankOutcome,
			[]int{1, 2, 1, 2, 2}, // 2 waits for a while 1 holds it
			gor("orderedTransfer", func(g *G, s *Bank) { orderedTransfer(g, &s.a, &s.b) }),
			gor("orderedTransfer", func(g *G, s *Bank) { orderedTransfer(g, &s.b, &s.a) })).
			challenge("Deadlock the ordered version", func(s Snapshot, b *Bank, p *Program) bool {
				return s.Outcome == Deadlock
			}, "Impossible: both goroutines lock a first. Whoever holds a can always get b, since b is only ever locked by a goroutine that already holds a. A deadlock needs a cycle — each goroutine holding a lock the other waits for — and one global order leaves no cycle to close.").Program,
		program("Unbuffered channel",
			"One goroutine sends 42 on an unbuffered channel, the other receives it.",
			func() *Handoff { return &Handoff{ch: NewChan("ch")} },
			func(s *Handoff) []Var { return []Var{{"received", fmt.Sprint(s.received)}} },
			func(s *Handoff) string { return fmt.Sprintf("received = %d", s.received) },
			[]int{1, 2, 1, 2},
			gor("send", send), gor("receive", receive)).
			challenge("Make the sender wait for the receiver", func(s Snapshot, h *Handoff, p *Program) bool {
				return s.Goroutines[0].State == Blocked
			}, "").
			challenge("Make the receiver wait for the sender", func(s Snapshot, h *Handoff, p *Program) bool {
				return s.Goroutines[1].State == Blocked
			}, "").Program,
	}
	for _, p := range ps {
		var funcs []string
		for _, g := range p.Goroutines {
			funcs = append(funcs, g.Func)
		}
		l, err := listings(funcs...)
		if err != nil {
			panic(err) // scheduler.go is embedded: a missing function is a bug of this file
		}
		p.listings = l
	}
	return ps
}

func newBank() *Bank {
	b := &Bank{}
	b.a.id, b.b.id = 1, 2
	b.a.mu.Name, b.b.mu.Name = "a.mu", "b.mu"
	b.a.balance, b.b.balance = 100, 100
	return b
}

func bankVars(s *Bank) []Var {
	return []Var{{"a.balance", fmt.Sprint(s.a.balance)}, {"a.mu", holder(&s.a.mu)},
		{"b.balance", fmt.Sprint(s.b.balance)}, {"b.mu", holder(&s.b.mu)}}
}

func bankOutcome(s *Bank) string {
	return fmt.Sprintf("both transfers done: a = %d, b = %d", s.a.balance, s.b.balance)
}

// holder says who holds m, for the board.
func holder(m *Lock) string {
	if m.holder == nil {
		return "unlocked"
	}
	return fmt.Sprintf("held by goroutine %d", m.holder.ID)
}

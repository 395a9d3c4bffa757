package techniques

// The plumbing of the stepping runtime that scheduler.go's programs run on:
// how a goroutine parks at a checkpoint, how the scheduler hands the one
// turn to the goroutine it picked, and how a lock or a channel blocks. The
// lessons themselves are in scheduler.go.

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// GoroutineState is what a goroutine of a stepped program is doing.
type GoroutineState int

const (
	Ready   GoroutineState = iota // paused at a checkpoint: the scheduler may pick it
	Blocked                       // waiting for a lock or a channel: it cannot be picked
	Done                          // its function has returned
)

func (s GoroutineState) String() string {
	return [...]string{"ready", "blocked", "done"}[s]
}

// ErrNotPickable is returned by Step for a goroutine that is blocked or done.
var ErrNotPickable = errors.New("that goroutine cannot run now")

// Var is a named value the board shows: a shared variable or a goroutine's local.
type Var struct{ Name, Value string }

// Lock is the programs' lock. Like a sync.Mutex, a goroutine that finds it
// held waits until it is free. Unlike one, it remembers which goroutine
// locked it, for the board (a sync.Mutex has no owner: any goroutine may
// unlock it), gives up waiting when the run is cancelled, and in a free run
// notices a deadlock (see lockFree). A free run hands it to its waiters in
// arrival order, which a sync.Mutex does only in starvation mode, once a
// waiter has waited over a millisecond; otherwise a goroutine arriving at
// Lock may take it first. With two goroutines, at most one waits, so the
// order changes nothing here.
type Lock struct {
	Name    string
	holder  *G
	waiters []*G // free runs: in arrival order
}

// Chan is the programs' unbuffered channel of ints: a send waits until a
// receiver takes the value, a receive until a sender brings one.
type Chan struct {
	Name    string
	ch      chan int // free runs
	full    bool     // stepped runs: a sender has left a value
	value   int
	waiting bool // stepped runs: a receiver is waiting
}

// NewChan makes an unbuffered channel.
func NewChan(name string) *Chan { return &Chan{Name: name, ch: make(chan int)} }

// G is one goroutine of a program, as its function sees it: the calls that
// let the scheduler in (Checkpoint, Lock, Send, Receive) go through it.
type G struct {
	ID   int // 1, 2, …: as the board numbers them
	run  *Run
	fn   string
	body func(*G)

	// Stepped runs. Only the goroutine holding the turn, or the scheduler
	// between turns, touches these: the channels order every access.
	resume  chan struct{}
	state   GoroutineState
	line    int           // the source line it will run next, or is blocked at
	blocked func() bool   // while blocked: still blocked?
	why     func() string // while blocked: on what
	locals  []Var
	parked  bool    // it has done nothing through g since its last checkpoint
	holds   []*Lock // the locks it holds
	// stepLocks are the locks it held at some moment of its current step,
	// from its last switch point to now (see WatchSteps).
	stepLocks []*Lock

	// Free runs, under run.mu.
	wake     chan struct{}
	waitsFor *Lock
}

// Checkpoint is where the scheduler may switch goroutines. In a stepped run
// the goroutine parks here until the learner picks it; in a free run it does
// nothing, and the Go scheduler switches wherever it likes. Its arguments,
// pairs of a name and a value, are locals for the board to show.
func (g *G) Checkpoint(locals ...any) {
	if !g.run.stepped {
		return
	}
	_, _, line, _ := runtime.Caller(1)
	g.line = g.run.prog.nextLine(g.fn, line)
	for i := 0; i+1 < len(locals); i += 2 {
		g.local(fmt.Sprint(locals[i]), fmt.Sprint(locals[i+1]))
	}
	g.state = Ready
	g.pause()
	g.parked = true
}

// Switch is a checkpoint unless the goroutine is at one already: nothing
// was done through g since the last. The shared state of an edited program
// (package step) calls it before every access, so that the edit cannot
// leave out a switch the Go scheduler could make there.
func (g *G) Switch() {
	if g.run.stepped && !g.parked {
		g.Checkpoint()
	}
	g.parked = false
}

func (g *G) local(name, value string) {
	for i := range g.locals {
		if g.locals[i].Name == name {
			g.locals[i].Value = value
			return
		}
	}
	g.locals = append(g.locals, Var{name, value})
}

// Lock locks m, waiting while another goroutine holds it.
func (g *G) Lock(m *Lock) {
	if !g.run.stepped {
		g.lockFree(m)
		return
	}
	if g.run.prog.switchAtLock {
		g.Switch() // an edited program may not hide a switch before a Lock
	}
	g.parked = false
	_, _, line, _ := runtime.Caller(1)
	for m.holder != nil {
		// Held: this goroutine cannot be picked until the holder unlocks.
		g.block(line, func() bool { return m.holder != nil },
			func() string { return fmt.Sprintf("waits for %s, held by goroutine %d", m.Name, m.holder.ID) })
	}
	m.holder = g
	g.holds, g.stepLocks = append(g.holds, m), append(g.stepLocks, m)
}

// Unlock unlocks m.
func (g *G) Unlock(m *Lock) {
	if !g.run.stepped {
		g.unlockFree(m)
		return
	}
	g.parked = false
	m.holder = nil
	if i := slices.Index(g.holds, m); i >= 0 {
		g.holds = slices.Delete(g.holds, i, i+1)
	}
}

// Send sends v on c, and waits until a receiver has taken it.
func (g *G) Send(c *Chan, v int) {
	if !g.run.stepped {
		select {
		case c.ch <- v:
		case <-g.run.ctx.Done():
			runtime.Goexit()
		}
		return
	}
	g.parked = false
	_, _, line, _ := runtime.Caller(1)
	c.full, c.value = true, v
	if c.waiting {
		return // a receiver was already waiting: it takes the value, and the sender goes on
	}
	g.block(line, func() bool { return c.full },
		func() string { return fmt.Sprintf("waits on %s <- %d for a receiver", c.Name, v) })
}

// Receive receives a value from c, waiting until a sender brings one.
func (g *G) Receive(c *Chan) int {
	if !g.run.stepped {
		select {
		case v := <-c.ch:
			return v
		case <-g.run.ctx.Done():
			runtime.Goexit()
		}
	}
	g.parked = false
	_, _, line, _ := runtime.Caller(1)
	if !c.full {
		c.waiting = true
		g.block(line, func() bool { return !c.full },
			func() string { return fmt.Sprintf("waits on <-%s for a sender", c.Name) })
		c.waiting = false
	}
	c.full = false // taken: a sender waiting for this can go on
	return c.value
}

// block parks g as blocked at line until the scheduler picks it, which it
// does only once blocked() is false.
func (g *G) block(line int, blocked func() bool, why func() string) {
	g.line, g.state, g.blocked, g.why = line, Blocked, blocked, why
	g.pause()
	g.blocked, g.why = nil, nil
}

// pause hands the turn back to the scheduler and waits to be picked again.
// A cancelled run ends the goroutine here, wherever it is parked.
func (g *G) pause() {
	r := g.run
	g.endStep()
	select {
	case r.stopped <- g:
	case <-r.ctx.Done():
		runtime.Goexit()
	}
	select {
	case <-g.resume:
	case <-r.ctx.Done():
		runtime.Goexit()
	}
}

// endStep ends g's step as it hands back the turn: a program that watches
// its steps sees what this one did, and the next starts with the locks g
// holds now.
func (g *G) endStep() {
	if f := g.run.prog.afterStep; f != nil {
		f(g, g.stepLocks, g.run.shared)
	}
	g.stepLocks = append(g.stepLocks[:0], g.holds...)
}

func (g *G) pickable() bool {
	return g.state == Ready || g.state == Blocked && !g.blocked()
}

// lockFree is Lock in a free run: a real wait, on a channel, that a cancel
// ends, and that notices when it closes a cycle of goroutines each waiting
// for a lock the next one holds — a deadlock, which ends the run. A
// sync.Mutex notices nothing: its goroutines would stay blocked for ever,
// and Go's runtime reports a deadlock only once every goroutine of the
// process is blocked.
func (g *G) lockFree(m *Lock) {
	r := g.run
	r.mu.Lock()
	if m.holder == nil {
		m.holder = g
		r.mu.Unlock()
		return
	}
	g.waitsFor = m
	// At most one visit per goroutine: a chain that leads into a cycle
	// without g (a deadlock caught before) would otherwise loop for ever.
	h := m.holder
	for range len(r.gs) {
		if h == nil || h.waitsFor == nil {
			break
		}
		if h == g {
			r.deadlocked = true
			r.cancel()
			break
		}
		h = h.waitsFor.holder
	}
	m.waiters = append(m.waiters, g)
	r.mu.Unlock()
	select {
	case <-g.wake: // unlockFree handed us the lock
	case <-r.ctx.Done():
		runtime.Goexit()
	}
}

func (g *G) unlockFree(m *Lock) {
	r := g.run
	r.mu.Lock()
	defer r.mu.Unlock()
	m.holder = nil
	if len(m.waiters) > 0 {
		next := m.waiters[0]
		m.waiters = m.waiters[1:]
		m.holder, next.waitsFor = next, nil
		next.wake <- struct{}{} // buffered: never blocks
	}
}

// Run is one run of a program, stepped or free. A stepped run's goroutines
// run one at a time, only when Step picks them. Close ends every goroutine
// of the run, wherever it is parked or blocked.
type Run struct {
	prog    *Program
	shared  any
	ctx     context.Context
	cancel  context.CancelFunc
	stepped bool
	gs      []*G
	stopped chan *G // stepped: the goroutine holding the turn has paused, blocked or ended
	wg      sync.WaitGroup
	steps   []int // the schedule so far: the IDs picked, in order

	mu         sync.Mutex // free runs: the locks' state
	deadlocked bool
}

// Start begins a stepped run of p: each goroutine is started and runs to its
// first checkpoint, then waits to be picked.
func (p *Program) Start(ctx context.Context) (*Run, error) {
	r := p.newRun(ctx, true)
	for _, g := range r.gs {
		r.wg.Add(1)
		go g.main()
		if err := r.wait(); err != nil { // one at a time, even at the start
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

// Replay starts a fresh stepped run of p and plays schedule on it: the same
// picks give the same run, so this is how undo and restart work.
func (p *Program) Replay(ctx context.Context, schedule []int) (*Run, error) {
	r, err := p.Start(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range schedule {
		if err := r.Step(id); err != nil {
			r.Close()
			return nil, fmt.Errorf("replaying %v: goroutine %d: %w", schedule, id, err)
		}
	}
	return r, nil
}

func (p *Program) newRun(ctx context.Context, stepped bool) *Run {
	ctx, cancel := context.WithCancel(ctx)
	r := &Run{prog: p, shared: p.newShared(), ctx: ctx, cancel: cancel, stepped: stepped, stopped: make(chan *G)}
	for i, gr := range p.Goroutines {
		g := &G{ID: i + 1, run: r, fn: gr.Func, resume: make(chan struct{}), wake: make(chan struct{}, 1)}
		body, shared := gr.body, r.shared
		g.body = func(g *G) { body(g, shared) }
		r.gs = append(r.gs, g)
	}
	return r
}

func (g *G) main() {
	defer g.run.wg.Done()
	g.body(g) // a cancelled run leaves it with runtime.Goexit, skipping what follows
	if g.run.stepped {
		g.endStep()
		g.state, g.line = Done, 0
		select {
		case g.run.stopped <- g:
		case <-g.run.ctx.Done():
		}
	}
}

// wait waits until the goroutine holding the turn gives it back.
func (r *Run) wait() error {
	select {
	case <-r.stopped:
		return nil
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
}

// Step gives the turn to goroutine id (1, 2, …), which runs until its next
// checkpoint, until it blocks, or to its end; Step returns then. No other
// goroutine of the run moves meanwhile.
func (r *Run) Step(id int) error {
	if id < 1 || id > len(r.gs) || !r.gs[id-1].pickable() {
		return ErrNotPickable
	}
	g := r.gs[id-1]
	r.steps = append(r.steps, id)
	select {
	case g.resume <- struct{}{}:
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	return r.wait()
}

// Close ends the run: every goroutine still parked or blocked exits. It
// waits for them.
func (r *Run) Close() {
	r.cancel()
	r.wg.Wait()
}

// GoroutineView is one goroutine as the board shows it.
type GoroutineView struct {
	ID      int
	Func    string         // its function, in scheduler.go
	State   GoroutineState // Ready also for a goroutine whose lock or channel is ready now
	Line    int            // the line of scheduler.go it runs next, or waits at; 0 when done
	Waiting string         // while blocked: on what, and who holds it
	Locals  []Var
}

// Snapshot is the whole board between two steps.
type Snapshot struct {
	Goroutines []GoroutineView
	Shared     []Var
	Schedule   []int  // the goroutines picked so far, in order
	Outcome    string // once no goroutine can run: the program's outcome, or Deadlock
}

// Deadlock is the outcome of a run in which goroutines are left that can
// never run again.
const Deadlock = "deadlock"

// Snapshot describes the run now. Call it between steps.
func (r *Run) Snapshot() Snapshot {
	s := Snapshot{Shared: r.prog.sharedVars(r.shared), Schedule: append([]int{}, r.steps...)}
	done, pickable := 0, 0
	for _, g := range r.gs {
		v := GoroutineView{ID: g.ID, Func: g.fn, State: g.state, Line: g.line, Locals: slices.Clone(g.locals)}
		switch {
		case g.state == Done:
			done++
		case g.pickable():
			v.State = Ready
			pickable++
		default:
			v.Waiting = g.why()
		}
		s.Goroutines = append(s.Goroutines, v)
	}
	switch {
	case done == len(r.gs):
		s.Outcome = r.prog.outcome(r.shared)
	case pickable == 0:
		s.Outcome = Deadlock
	}
	return s
}

// Initial is the board before the first pick, known without running
// anything: every goroutine ready at the line after its first checkpoint.
func (p *Program) Initial() Snapshot {
	s := Snapshot{Shared: p.sharedVars(p.newShared()), Schedule: []int{}}
	for i, gr := range p.Goroutines {
		l := p.listings[gr.Func]
		line := 0
		for n, text := range l.Lines {
			if strings.Contains(text, "g.Checkpoint(") {
				line = p.nextLine(gr.Func, l.First+n)
				break
			}
		}
		s.Goroutines = append(s.Goroutines, GoroutineView{ID: i + 1, Func: gr.Func, State: Ready, Line: line})
	}
	return s
}

// Outcome is one distinct end of a program, with how many schedules reach
// it and one of them.
type Outcome struct {
	Outcome   string
	Schedules int
	Example   []int
}

// MaxPicks bounds a schedule's length for EverySchedule. The programs'
// schedules end in a dozen picks; one that goes on past MaxPicks is a
// goroutine in a loop that waits for the other (spinning on a flag), which the
// scheduler, trying every choice, can pick again and again for ever.
const MaxPicks = 100

// ErrEndless is EverySchedule's error for a program whose schedules need
// not end, and so cannot all be tried.
var ErrEndless = errors.New("a schedule that need not end")

// EverySchedule runs p under every schedule of its checkpoints — every order
// in which its goroutines can take their steps from one checkpoint to the
// next — each for real on fresh goroutines, and counts the schedules that
// reach each outcome. The counts depend on where the checkpoints are (one
// more checkpoint, and there are more schedules), and every schedule counts
// once however likely it is: they are not probabilities. progress, if not
// nil, is called after each schedule, never concurrently.
func (p *Program) EverySchedule(ctx context.Context, progress func(schedules int)) ([]Outcome, error) {
	var found []Outcome
	total := 0
	var walk func(prefix []int) error
	walk = func(prefix []int) error {
		r, err := p.Replay(ctx, prefix)
		if err != nil {
			return err
		}
		s := r.Snapshot()
		r.Close()
		if s.Outcome != "" {
			i := slices.IndexFunc(found, func(o Outcome) bool { return o.Outcome == s.Outcome })
			if i < 0 {
				found = append(found, Outcome{Outcome: s.Outcome, Example: prefix})
				i = len(found) - 1
			}
			found[i].Schedules++
			total++
			if progress != nil {
				progress(total)
			}
			return nil
		}
		if len(prefix) >= MaxPicks {
			return fmt.Errorf("%w: the schedule %s … has %d picks and has not ended. A goroutine that loops until the other has moved (spinning on a flag, with a switch point in the loop) can be picked again and again while the other never is. Go's scheduler would run the other in time; here every choice is tried, that one too, so there is no end to the schedules to try. Wait with g.Lock instead: it parks the goroutine until the lock is free",
				ErrEndless, strings.Trim(fmt.Sprint(prefix[:10]), "[]"), len(prefix))
		}
		for _, g := range s.Goroutines {
			if g.State == Ready {
				if err := walk(append(slices.Clone(prefix), g.ID)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return found, walk(nil)
}

// FreeRuns runs p n times with every checkpoint a no-op: its goroutines are
// released together, and the Go scheduler runs them as it likes, in
// parallel or one after the other. It counts the runs that reach each
// outcome. progress, if not nil, is called after each run, never
// concurrently.
func (p *Program) FreeRuns(ctx context.Context, n int, progress func(runs int)) (map[string]int, error) {
	counts := map[string]int{}
	for i := range n {
		if err := ctx.Err(); err != nil {
			return counts, err
		}
		r := p.newRun(ctx, false)
		start := make(chan struct{})
		for _, g := range r.gs {
			r.wg.Add(1)
			go func() {
				<-start // released together, so that they can overlap
				g.main()
			}()
		}
		close(start)
		r.wg.Wait()
		r.cancel()
		if r.deadlocked {
			counts[Deadlock]++
		} else if ctx.Err() == nil {
			counts[p.outcome(r.shared)]++
		}
		if progress != nil {
			progress(i + 1)
		}
	}
	return counts, ctx.Err()
}

// Listing is the source of one goroutine's function, as scheduler.go has it.
type Listing struct {
	First int      // the file line of Lines[0]
	Lines []string // from the func line to its closing brace
}

// Listing returns the source of the function goroutine id (1, 2, …) runs.
func (p *Program) Listing(id int) Listing { return p.listings[p.Goroutines[id-1].Func] }

// nextLine is the first line after line, in fn's listing, that holds code:
// the line a goroutine paused at a checkpoint on line runs next.
func (p *Program) nextLine(fn string, line int) int {
	l := p.listings[fn]
	for n := line + 1; n < l.First+len(l.Lines); n++ {
		t := strings.TrimSpace(l.Lines[n-l.First])
		if t != "" && !strings.HasPrefix(t, "//") {
			return n
		}
	}
	return line
}

// listings reads the functions' sources from the embedded scheduler.go.
func listings(funcs ...string) (map[string]Listing, error) {
	src, err := Source("scheduler.go")
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "scheduler.go", src, 0)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(src, "\n")
	out := map[string]Listing{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !slices.Contains(funcs, fn.Name.Name) {
			continue
		}
		first, last := fset.Position(fn.Pos()).Line, fset.Position(fn.End()).Line
		out[fn.Name.Name] = Listing{First: first, Lines: lines[first-1 : last]}
	}
	for _, name := range funcs {
		if _, ok := out[name]; !ok {
			return nil, fmt.Errorf("scheduler.go has no function %s", name)
		}
	}
	return out, nil
}

// Program is a small program of two goroutines over shared state, to be
// stepped or run free.
type Program struct {
	Name       string
	Story      string // what it does, in a sentence
	Goroutines []Goroutine
	Challenges []Challenge
	Demo       []int // a schedule that shows the program's point

	newShared  func() any
	sharedVars func(any) []Var
	outcome    func(any) string
	listings   map[string]Listing
	// switchAtLock makes every g.Lock a checkpoint too, unless the
	// goroutine is already at one (see EditedProgram).
	switchAtLock bool
	afterStep    func(g *G, locks []*Lock, shared any) // see WatchSteps
}

// Goroutine is one goroutine of a program: the function it runs.
type Goroutine struct {
	Func string // its name in scheduler.go, for the listing
	body func(g *G, shared any)
}

// Challenge is a goal for the learner who picks the goroutines.
type Challenge struct {
	Goal       string
	Impossible string // if not empty, no schedule meets the goal, and why
	met        func(Snapshot, any, *Program) bool
}

func gor[S any](fn string, body func(*G, *S)) Goroutine {
	return Goroutine{Func: fn, body: func(g *G, s any) { body(g, s.(*S)) }}
}

func program[S any](name, story string, newShared func() *S, vars func(*S) []Var, outcome func(*S) string,
	demo []int, gs ...Goroutine) *typedProgram[S] {
	return &typedProgram[S]{&Program{Name: name, Story: story, Goroutines: gs, Demo: demo,
		newShared:  func() any { return newShared() },
		sharedVars: func(s any) []Var { return vars(s.(*S)) },
		outcome:    func(s any) string { return outcome(s.(*S)) }}}
}

// EditedProgram is a program whose goroutines run functions written outside
// scheduler.go (a learner's edit, interpreted in a child process). It has
// no listings, so it is not for the board: EverySchedule runs it. Each
// goroutine i runs bodies[i].
//
// Its g.Lock is a checkpoint too, unless nothing was done through g since
// the last one. A real goroutine can be switched out just before any Lock:
// an edit that left out the checkpoint between two Locks must not hide the
// schedules that deadlock. Other code between checkpoints still runs as
// one step, so the search cannot see a data race there, except what the
// program's WatchSteps sees at the end of each step.
func EditedProgram[S any](name string, newShared func() *S, vars func(*S) []Var, outcome func(*S) string, bodies ...func(*G, *S)) *Program {
	var gs []Goroutine
	for i, b := range bodies {
		gs = append(gs, gor(fmt.Sprintf("goroutine %d", i+1), b))
	}
	p := program(name, "", newShared, vars, outcome, nil, gs...).Program
	p.switchAtLock = true
	return p
}

// WatchSteps has f called at the end of each step of a stepped run of p,
// by the goroutine g that took the step, before any other moves: locks are
// those g held at some moment of the step. An edited program uses it to see
// what each step wrote, and under which locks, where its own code cannot
// be made to switch.
func WatchSteps[S any](p *Program, f func(g *G, locks []*Lock, shared *S)) {
	p.afterStep = func(g *G, locks []*Lock, shared any) { f(g, locks, shared.(*S)) }
}

// typedProgram lets Programs add challenges that read the typed shared state.
type typedProgram[S any] struct{ *Program }

func (p *typedProgram[S]) challenge(goal string, met func(Snapshot, *S, *Program) bool, impossible string) *typedProgram[S] {
	p.Challenges = append(p.Challenges, Challenge{Goal: goal, Impossible: impossible,
		met: func(s Snapshot, shared any, p *Program) bool { return met(s, shared.(*S), p) }})
	return p
}

// between reports whether goroutine g is past the line of its function
// holding from, and not past the line holding to: inside the section they
// enclose, judged by the source line alone.
func (p *Program) between(g GoroutineView, from, to string) bool {
	l := p.listings[g.Func]
	at := func(text string) int {
		for i, line := range l.Lines {
			if strings.Contains(line, text) {
				return l.First + i
			}
		}
		return -1
	}
	return g.State != Done && g.Line > at(from) && g.Line <= at(to)
}

// Met reports, for each of the program's challenges, whether the run meets
// it now. Call it between steps.
func (r *Run) Met() []bool {
	s := r.Snapshot()
	met := make([]bool, len(r.prog.Challenges))
	for i, c := range r.prog.Challenges {
		met[i] = c.met(s, r.shared, r.prog)
	}
	return met
}

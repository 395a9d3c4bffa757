package yours

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"

	"concurrencylab/techniques"
	"concurrencylab/techniques/child"
	"concurrencylab/techniques/yours/step"
)

// SchedulerTemplate and CounterTemplate are the editable sources of two of
// the scheduler panel's programs, each one self-contained function:
// Deadlock's transfer, which locks its source account first (Transfer),
// and Lost update's addOne, which loads, adds and stores (AddOne). They
// are also compiled into the app, as package sched.
var (
	//go:embed sched/transfer.go
	SchedulerTemplate string
	//go:embed sched/addone.go
	CounterTemplate string
)

// SchedulerEdit is one program of the scheduler panel that can be edited.
type SchedulerEdit struct {
	Program  string // the board's program it rewrites
	Func     string // the function to edit
	Sig      string // its signature, in Go
	Template string
	Right    string // the outcome of a schedule that ends right
	Wrong    string // what a schedule that ends otherwise does, as a verb phrase
	Calls    string // how the goroutines call Func
	Switches string // where the scheduler may switch goroutines
	Unseen   string // what the checker cannot see
}

// SchedulerEdits are the scheduler panel's editable programs.
var SchedulerEdits = []SchedulerEdit{
	{"Deadlock", "Transfer", "func(g *step.G, from, to *step.Account)", SchedulerTemplate,
		TransferRight, "end with wrong balances or a data race", "goroutine 1 calling Transfer(g, a, b) and goroutine 2 Transfer(g, b, a)",
		"each g.Checkpoint() and each g.Lock",
		"What runs between two switch points runs as one step, so a data race is seen only as a Balance both goroutines change with no one lock held in every step that changes it (counted as going wrong); a read without the lock, or a write outside it in a step that takes or releases it, is not seen. " +
			"Only Transfer(g, a, b) and Transfer(g, b, a) run, never a transfer from an account to itself, which would lock its Mu twice and wait for ever (a step.Lock, like a sync.Mutex, is not reentrant)."},
	{"Lost update", "AddOne", "func(g *step.G, s *step.Counter)", CounterTemplate,
		CounterRight, "lose an update", "both goroutines calling AddOne(g, counter)",
		"each g.Checkpoint(), each g.Lock, and each Load, Store and Add of the counter",
		"The counter is reached only through its methods, each a switch point, so no access to it runs hidden inside another step; a variable of your own that both goroutines share is not, and a data race on it is not seen."},
}

// edit is the program spec asks to check.
func (spec SchedulerSpec) edit() SchedulerEdit {
	for _, e := range SchedulerEdits {
		if e.Func == spec.Func {
			return e
		}
	}
	return SchedulerEditOf(spec.Source)
}

// SchedulerEditOf is the edit whose function src defines: the program it
// rewrites. A source that does not parse, or defines none, is the first.
func SchedulerEditOf(src string) SchedulerEdit {
	f, err := parser.ParseFile(token.NewFileSet(), "yours.go", src, parser.SkipObjectResolution)
	if err == nil {
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
				for _, e := range SchedulerEdits {
					if fn.Name.Name == e.Func {
						return e
					}
				}
			}
		}
	}
	return SchedulerEdits[0]
}

type (
	transferFunc = func(g *step.G, from, to *step.Account)
	addOneFunc   = func(g *step.G, s *step.Counter)
)

// bank is the transfers' shared state: a and b, 100 each, and the
// transfer of this run (see freshly).
type bank struct {
	a, b     step.Account
	transfer transferFunc
	wa, wb   writes // what the steps wrote to a and b (see watch)
	race     string // the first data race seen, if any
}

// writes is what is known of the steps that changed one balance.
type writes struct {
	last    int          // the balance after the last step
	by      [3]bool      // the goroutines (1, 2) whose steps changed it
	locks   []*step.Lock // the locks held at some moment of every such step
	changed bool
}

// watch sees, at the end of each step, which balances the step changed,
// and under which locks (the lockset idea of Eraser, the race detector of
// Savage et al.): a balance both goroutines changed with no one lock held in
// every step that changed it was written with no lock ordering the writes,
// a data race, whatever the balances come to. A read is not seen, nor a
// write outside the lock in a step that takes or releases it.
func (s *bank) watch(g *step.G, locks []*step.Lock) {
	for _, x := range []struct {
		name string
		acc  *step.Account
		w    *writes
	}{{"a", &s.a, &s.wa}, {"b", &s.b, &s.wb}} {
		if x.acc.Balance == x.w.last {
			continue
		}
		x.w.last, x.w.by[g.ID] = x.acc.Balance, true
		if !x.w.changed {
			x.w.locks, x.w.changed = slices.Clone(locks), true
		} else {
			x.w.locks = slices.DeleteFunc(x.w.locks, func(m *step.Lock) bool { return !slices.Contains(locks, m) })
		}
		if x.w.by[1] && x.w.by[2] && len(x.w.locks) == 0 && s.race == "" {
			s.race = fmt.Sprintf("%s.Balance changed by both goroutines with no lock held in every step that changed it", x.name)
		}
	}
}

// tally is the counter programs' shared state: the counter, and the addOne
// of this run.
type tally struct {
	c      step.Counter
	addOne addOneFunc
}

// TransferRight and CounterRight are the outcomes of a schedule that ends
// right: both transfers done, every balance back where it was; both
// increments kept.
const (
	TransferRight = "both transfers done: a = 100, b = 100"
	CounterRight  = "counter = 2"
)

// TransferProgram is the scheduler panel's Deadlock program with transfer
// in place of its own: goroutine 1 moves 10 from a to b, goroutine 2 from
// b to a. Like every edited program, its g.Lock is a switch point too (see
// techniques.EditedProgram).
func TransferProgram(transfer transferFunc) *techniques.Program {
	return transferProgram(func() transferFunc { return transfer })
}

// transferProgram is TransferProgram with a transfer made anew for each
// run: newTransfer is called as the run starts.
func transferProgram(newTransfer func() transferFunc) *techniques.Program {
	p := techniques.EditedProgram("Deadlock, your version",
		func() *bank {
			b := &bank{transfer: newTransfer()}
			b.a.ID, b.b.ID = 1, 2
			b.a.Mu.Name, b.b.Mu.Name = "a.Mu", "b.Mu"
			b.a.Balance, b.b.Balance = 100, 100
			b.wa.last, b.wb.last = 100, 100
			return b
		},
		func(s *bank) []techniques.Var {
			return []techniques.Var{{Name: "a.Balance", Value: fmt.Sprint(s.a.Balance)}, {Name: "b.Balance", Value: fmt.Sprint(s.b.Balance)}}
		},
		func(s *bank) string {
			if s.race != "" {
				return "a data race: " + s.race
			}
			return fmt.Sprintf("both transfers done: a = %d, b = %d", s.a.Balance, s.b.Balance)
		},
		func(g *step.G, s *bank) { s.transfer(g, &s.a, &s.b) },
		func(g *step.G, s *bank) { s.transfer(g, &s.b, &s.a) })
	techniques.WatchSteps(p, func(g *step.G, locks []*step.Lock, s *bank) { s.watch(g, locks) })
	return p
}

// CounterProgram is the scheduler panel's Lost update program with addOne
// in place of its own: two goroutines each add one to a counter at 0.
func CounterProgram(addOne addOneFunc) *techniques.Program {
	return counterProgram(func() addOneFunc { return addOne })
}

// counterProgram is CounterProgram with an addOne made anew for each run.
func counterProgram(newAddOne func() addOneFunc) *techniques.Program {
	return techniques.EditedProgram("Lost update, your version",
		func() *tally { return &tally{c: step.Counter{Mu: step.Lock{Name: "Mu"}}, addOne: newAddOne()} },
		func(s *tally) []techniques.Var {
			return []techniques.Var{{Name: "counter", Value: fmt.Sprint(s.c.Value())}}
		},
		func(s *tally) string { return fmt.Sprintf("counter = %d", s.c.Value()) },
		func(g *step.G, s *tally) { s.addOne(g, &s.c) },
		func(g *step.G, s *tally) { s.addOne(g, &s.c) })
}

// SchedulerSpec is one request to check an edit of a scheduler program.
type SchedulerSpec struct {
	Source string // defines the Func of one of SchedulerEdits
	Func   string // that Func; "": the one Source defines (SchedulerEditOf)
	Limits Limits // zero: DefaultLimits
	Task   string // as RaceSpec.Task
}

// SchedulerOutcome is what trying every schedule of an edit found.
type SchedulerOutcome struct {
	Edit     SchedulerEdit
	Outcomes []techniques.Outcome // each distinct end, with its schedules and one of them
	Output   string               // what the edit printed, its first 4 KiB
	Trace    []byte
}

// Schedules is how many schedules were tried: every one of the edit's.
func (o SchedulerOutcome) Schedules() int {
	n := 0
	for _, x := range o.Outcomes {
		n += x.Schedules
	}
	return n
}

// count is how many schedules end in outcome.
func (o SchedulerOutcome) count(outcome string) int {
	for _, x := range o.Outcomes {
		if x.Outcome == outcome {
			return x.Schedules
		}
	}
	return 0
}

// Deadlocks, Right and Wrong count the schedules that deadlock, that end
// right (Edit.Right), and that end otherwise.
func (o SchedulerOutcome) Deadlocks() int { return o.count(techniques.Deadlock) }
func (o SchedulerOutcome) Right() int     { return o.count(o.Edit.Right) }
func (o SchedulerOutcome) Wrong() int     { return o.Schedules() - o.Deadlocks() - o.Right() }

// Solved reports whether no schedule went wrong.
func (o SchedulerOutcome) Solved() bool { return o.Schedules() > 0 && o.Right() == o.Schedules() }

// Verdict says in a sentence what the checker found.
func (o SchedulerOutcome) Verdict() string {
	n := o.Schedules()
	if n == 0 {
		return "not run"
	}
	if o.Solved() {
		return fmt.Sprintf("solved: all %d schedules end with %s, none deadlocks", n, o.Edit.Right)
	}
	// One schedule of each way to go wrong, to try on the board, where the
	// edit kept the original's checkpoints.
	deadlock, wrong := "", ""
	for _, x := range o.Outcomes {
		switch {
		case x.Outcome == techniques.Deadlock:
			deadlock = fmt.Sprintf(" (e.g. picking %s)", scheduleText(x.Example))
		case x.Outcome != o.Edit.Right && wrong == "":
			wrong = fmt.Sprintf(" (e.g. picking %s: %s)", scheduleText(x.Example), x.Outcome)
		}
	}
	return fmt.Sprintf("not solved: of %d schedules, %d deadlock%s, %d %s%s, %d end right with %s",
		n, o.Deadlocks(), deadlock, o.Wrong(), o.Edit.Wrong, wrong, o.Right(), o.Edit.Right)
}

// Checked says what the checker tried, and what it cannot see.
func (o SchedulerOutcome) Checked() string {
	return "Checked: every schedule of your version's switch points — every order in which the two goroutines can take their steps from one switch point to the next, the switch points being " + o.Edit.Switches + " — " +
		"each run for real, from a fresh start (your package-level variables too), interpreted, on the stepping runtime, " + o.Edit.Calls + ". " +
		"The counts are of orders, not chances, and they do not depend on the interpreter's speed: only one of the two goroutines moves at a time (a goroutine your version starts itself is not stepped). " +
		o.Edit.Unseen
}

func scheduleText(s []int) string {
	var ids []string
	for _, id := range s {
		ids = append(ids, fmt.Sprint(id))
	}
	if len(ids) == 0 {
		return "no pick"
	}
	return strings.Join(ids, " ")
}

// steppedOnly refuses, in an edit of a scheduler program, the ways two
// goroutines can meet that the stepping runtime cannot see: package sync
// (a Mutex, a WaitGroup), channels, and package sync/atomic. The scheduler
// hands the turn to one goroutine and waits until it reaches a switch
// point; one that waits instead on a sync.Mutex held by the other, parked,
// never gets there, and the check would run into its time limit calling a
// right version a deadlock. An atomic operation is no switch point, so the
// orders around it would not all be tried. A step.Lock, locked with g.Lock,
// and the counter's methods are what the scheduler sees.
func steppedOnly(src string) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "yours.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil // Check has said why
	}
	var p *Problem
	ast.Inspect(f, func(n ast.Node) bool {
		what := ""
		switch n := n.(type) {
		case *ast.ImportSpec:
			if path := strings.Trim(n.Path.Value, "`\""); path == "sync" || path == "sync/atomic" {
				what = fmt.Sprintf("import %q", path)
			}
		case *ast.ChanType, *ast.SendStmt, *ast.SelectStmt:
			what = "a channel"
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				what = "a channel"
			}
		}
		if what != "" && p == nil {
			p = &Problem{Kind: Refused, Line: fset.Position(n.Pos()).Line, Msg: what + " is not allowed here: the scheduler switches goroutines only at its switch points, and cannot see a goroutine wait on a sync.Mutex, a WaitGroup or a channel (it would wait for that goroutine for ever), nor switch at an atomic operation of yours. " +
				"Lock a step.Lock with g.Lock (one for all: var mu step.Lock at package level), or use the counter's Add."}
		}
		return p == nil
	})
	if p != nil {
		return p
	}
	return nil
}

type schedulerReport struct {
	Outcomes []techniques.Outcome
	Output   string
}

// RunScheduler interprets spec.Source's function (Transfer or AddOne, see
// SchedulerEditOf) in a child process and runs its program under every
// schedule, as the panel's "Try every schedule" does. An edit that is
// refused, does not compile, panics or hits a limit returns a [*Problem];
// cancelling ctx kills the child at once.
func RunScheduler(ctx context.Context, spec SchedulerSpec) (SchedulerOutcome, error) {
	out := SchedulerOutcome{Edit: spec.edit()}
	if err := Check(spec.Source, StepPackage); err != nil {
		return out, err
	}
	if err := steppedOnly(spec.Source); err != nil {
		return out, err
	}
	if spec.Limits == (Limits{}) {
		spec.Limits = DefaultLimits
	}
	traced, err := runEdit(ctx, schedulerJob, spec, spec.Limits, spec.Task,
		" (every checkpoint more multiplies the schedules: try fewer)", func(r schedulerReport) error {
			out.Outcomes, out.Output = r.Outcomes, r.Output
			return nil
		})
	if err != nil {
		return out, err
	}
	out.Trace = traced
	return out, nil
}

var schedulerJob = child.Register("yours-scheduler", func(ctx context.Context, spec SchedulerSpec, report func(schedulerReport) error) error {
	var printed bytes.Buffer
	var p *techniques.Program
	switch e := spec.edit(); e.Func {
	case "Transfer":
		p = transferProgram(freshly(load[transferFunc](spec.Source, spec.Limits, "sched", e.Func, e.Sig, &printed), spec.Source, e.Func, &printed))
	case "AddOne":
		p = counterProgram(freshly(load[addOneFunc](spec.Source, spec.Limits, "sched", e.Func, e.Sig, &printed), spec.Source, e.Func, &printed))
	default:
		return errors.New("no program to check") // unreachable: spec.edit returns one of them
	}
	outcomes, err := p.EverySchedule(ctx, nil)
	if errors.Is(err, techniques.ErrEndless) {
		stop(&Problem{Kind: Failed, Msg: err.Error()})
	}
	if err != nil {
		return err
	}
	return report(schedulerReport{Outcomes: outcomes, Output: printedHead(&printed)})
})

// freshly returns first, then, at each later call, src's function name
// interpreted anew: each run of the program starts, as a real program does,
// with the edit's package-level variables new. Kept from one schedule to the
// next, a lock the edit declares at package level (var mu step.Lock) would
// still be held by a goroutine of an earlier run, ended mid-schedule, and a
// right version would be counted as deadlocking.
func freshly[F any](first F, src, name string, printed *bytes.Buffer) func() F {
	used := false
	return func() F {
		if !used {
			used = true
			return first
		}
		fn, err := compile(src, "sched", name, printed)
		if err != nil { // it compiled once: it compiles again
			stop(&Problem{Kind: Failed, Msg: err.Error()})
		}
		return fn.Interface().(F)
	}
}

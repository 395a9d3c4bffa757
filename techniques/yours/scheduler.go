package yours

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"strings"

	"concurrencylab/techniques"
	"concurrencylab/techniques/child"
	"concurrencylab/techniques/yours/step"
)

// SchedulerTemplate is the editable source of the scheduler panel's
// Deadlock program: transfer, which locks its source account first, as one
// self-contained function, Transfer. It is also compiled into the app, as
// package sched.
//
//go:embed sched/transfer.go
var SchedulerTemplate string

// transferFunc is Transfer's type.
type transferFunc = func(g *step.G, from, to *step.Account)

// bank is the transfers' shared state: a and b, 100 each.
type bank struct{ a, b step.Account }

// TransferRight is the outcome of a transfer program whose schedules all
// end well: both transfers done, every balance back where it was.
const TransferRight = "both transfers done: a = 100, b = 100"

// TransferProgram is the scheduler panel's Deadlock program with transfer
// in place of its own: goroutine 1 moves 10 from a to b, goroutine 2 from
// b to a. Like every edited program, its g.Lock is a switch point too (see
// techniques.EditedProgram).
func TransferProgram(transfer transferFunc) *techniques.Program {
	return techniques.EditedProgram("Deadlock, your version",
		func() *bank {
			b := &bank{}
			b.a.ID, b.b.ID = 1, 2
			b.a.Mu.Name, b.b.Mu.Name = "a.Mu", "b.Mu"
			b.a.Balance, b.b.Balance = 100, 100
			return b
		},
		func(s *bank) []techniques.Var {
			return []techniques.Var{{Name: "a.Balance", Value: fmt.Sprint(s.a.Balance)}, {Name: "b.Balance", Value: fmt.Sprint(s.b.Balance)}}
		},
		func(s *bank) string {
			return fmt.Sprintf("both transfers done: a = %d, b = %d", s.a.Balance, s.b.Balance)
		},
		func(g *step.G, s *bank) { transfer(g, &s.a, &s.b) },
		func(g *step.G, s *bank) { transfer(g, &s.b, &s.a) })
}

// SchedulerSpec is one request to check an edit of [SchedulerTemplate].
type SchedulerSpec struct {
	Source string
	Limits Limits // zero: DefaultLimits
	Task   string // as RaceSpec.Task
}

// SchedulerOutcome is what trying every schedule of an edit found.
type SchedulerOutcome struct {
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
// with both transfers done and the balances back at 100, and that end
// otherwise (both done, other balances).
func (o SchedulerOutcome) Deadlocks() int { return o.count(techniques.Deadlock) }
func (o SchedulerOutcome) Right() int     { return o.count(TransferRight) }
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
		return fmt.Sprintf("solved: all %d schedules end with %s, none deadlocks", n, TransferRight)
	}
	// One schedule of each way to go wrong, to try on the board's Deadlock
	// program where the edit kept its checkpoints.
	deadlock, wrong := "", ""
	for _, x := range o.Outcomes {
		switch {
		case x.Outcome == techniques.Deadlock:
			deadlock = fmt.Sprintf(" (e.g. picking %s)", scheduleText(x.Example))
		case x.Outcome != TransferRight && wrong == "":
			wrong = fmt.Sprintf(" (e.g. picking %s: %s)", scheduleText(x.Example), x.Outcome)
		}
	}
	return fmt.Sprintf("not solved: of %d schedules, %d deadlock%s, %d end with wrong balances%s, %d end right",
		n, o.Deadlocks(), deadlock, o.Wrong(), wrong, o.Right())
}

// Checked says what the checker tried, and what it cannot see.
func (o SchedulerOutcome) Checked() string {
	return "Checked: every schedule of your version's switch points — every order in which the two goroutines can take their steps from one g.Checkpoint() or g.Lock to the next — " +
		"each run for real, interpreted, on the stepping runtime, goroutine 1 calling Transfer(g, a, b) and goroutine 2 Transfer(g, b, a). " +
		"The counts are of orders, not chances, and they do not depend on the interpreter's speed: only one of the two goroutines moves at a time (a goroutine your version starts itself is not stepped). " +
		"What runs between two switch points runs as one step, so a data race there (a Balance touched without its lock) is not seen."
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

type schedulerReport struct {
	Outcomes []techniques.Outcome
	Output   string
}

// RunScheduler interprets spec.Source's Transfer in a child process and
// runs it under every schedule, as the panel's "Try every schedule" does.
// An edit that is refused, does not compile, panics or hits a limit
// returns a [*Problem]; cancelling ctx kills the child at once.
func RunScheduler(ctx context.Context, spec SchedulerSpec) (SchedulerOutcome, error) {
	var out SchedulerOutcome
	if err := Check(spec.Source); err != nil {
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
	transfer := load[transferFunc](spec.Source, spec.Limits, "sched", "Transfer", "func(g *step.G, from, to *step.Account)", &printed)
	outcomes, err := TransferProgram(transfer).EverySchedule(ctx, nil)
	if err != nil {
		return err
	}
	return report(schedulerReport{Outcomes: outcomes, Output: printedHead(&printed)})
})

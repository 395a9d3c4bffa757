package yours

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"concurrencylab/techniques"
	"concurrencylab/techniques/yours/sched"
	"concurrencylab/techniques/yours/step"
)

// transferBody is the template's body, to be replaced by a fix.
const transferBody = `	g.Checkpoint()
	g.Lock(&from.Mu)
	g.Checkpoint()
	g.Lock(&to.Mu)
`

func transferEdit(t *testing.T, body string) string {
	t.Helper()
	if !strings.Contains(SchedulerTemplate, transferBody) {
		t.Fatal("the template no longer holds the transfer's locking")
	}
	return strings.Replace(SchedulerTemplate, transferBody, body, 1)
}

const orderedLocks = `	first, second := from, to
	if to.ID < from.ID { // lower id first
		first, second = to, from
	}
	g.Checkpoint()
	g.Lock(&first.Mu)
	g.Checkpoint()
	g.Lock(&second.Mu)
	from.Balance -= 10
	to.Balance += 10
	g.Unlock(&second.Mu)
	g.Unlock(&first.Mu)
}

func unused(g *step.G, from, to *step.Account) {
	g.Lock(&from.Mu)
	g.Lock(&to.Mu)
`

// noCheckpoints leaves every checkpoint out: the Locks are switch points
// all the same, so it still deadlocks.
const noCheckpoints = `	g.Lock(&from.Mu)
	g.Lock(&to.Mu)
`

// globalTransfer holds one lock, declared at package level (globalLock),
// around both accounts' locks: only one transfer at a time, so no cycle.
const globalTransfer = `	g.Checkpoint()
	g.Lock(&mu)
	defer g.Unlock(&mu)
	g.Checkpoint()
	g.Lock(&from.Mu)
	g.Lock(&to.Mu)
`

// globalLock declares mu, a lock at package level, before the function.
func globalLock(src string) string {
	return strings.Replace(src, "\nfunc ", "\nvar mu step.Lock\n\nfunc ", 1)
}

// panelProgram is the scheduler panel's program of that name.
func panelProgram(name string) *techniques.Program {
	for _, p := range techniques.Programs() {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func sameOutcomes(a, b []techniques.Outcome) bool {
	return slices.EqualFunc(a, b, func(a, b techniques.Outcome) bool {
		return a.Outcome == b.Outcome && a.Schedules == b.Schedules && slices.Equal(a.Example, b.Example)
	})
}

func TestTransferEditedCountsAsThePanelsProgram(t *testing.T) {
	t.Parallel()
	want, err := panelProgram("Deadlock").EverySchedule(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := TransferProgram(sched.Transfer).EverySchedule(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	norm := func(os []techniques.Outcome) []techniques.Outcome {
		for i := range os {
			os[i].Outcome = strings.ReplaceAll(os[i].Outcome, "both transfers done: ", "")
		}
		return os
	}
	if !sameOutcomes(norm(got), norm(want)) {
		t.Errorf("the template compiled has outcomes %v, the panel's Deadlock program %v: want the same", got, want)
	}
	// Without checkpoints, each Lock is still a switch point.
	bare, err := TransferProgram(func(g *step.G, from, to *step.Account) {
		g.Lock(&from.Mu)
		g.Lock(&to.Mu)
		from.Balance -= 10
		to.Balance += 10
		g.Unlock(&to.Mu)
		g.Unlock(&from.Mu)
	}).EverySchedule(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if o := (SchedulerOutcome{Outcomes: bare}); o.Deadlocks() == 0 {
		t.Errorf("a transfer with no checkpoint: %s; want some schedules to deadlock", o.Verdict())
	}
}

func TestCounterEditedCountsAsThePanelsProgram(t *testing.T) {
	t.Parallel()
	want, err := panelProgram("Lost update").EverySchedule(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := CounterProgram(sched.AddOne).EverySchedule(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !sameOutcomes(got, want) {
		t.Errorf("the template compiled has outcomes %v, the panel's Lost update program %v: want the same", got, want)
	}
	// Without checkpoints, each Load and Store is still a switch point.
	bare, err := CounterProgram(func(g *step.G, s *step.Counter) { s.Store(g, s.Load(g)+1) }).EverySchedule(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if o := (SchedulerOutcome{Edit: SchedulerEdits[1], Outcomes: bare}); o.Wrong() == 0 {
		t.Errorf("an increment with no checkpoint: %s; want some schedules to lose an update", o.Verdict())
	}
}

// counterEdit replaces the template's load, add and store with body.
func counterEdit(t *testing.T, body string) string {
	t.Helper()
	const steps = `	g.Checkpoint()
	v := s.Load(g) // load
	g.Checkpoint("v", v)
	v = v + 1 // add
	g.Checkpoint("v", v)
	s.Store(g, v) // store
`
	if !strings.Contains(CounterTemplate, steps) {
		t.Fatal("the template no longer holds the three steps")
	}
	return strings.Replace(CounterTemplate, steps, body, 1)
}

func TestSchedulerCheckerJudgesTheCounter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		src    string
		solved bool
	}{
		{"the original loads, adds and stores", CounterTemplate, false},
		{"no checkpoints", counterEdit(t, "\tv := s.Load(g)\n\ts.Store(g, v+1)\n"), false},
		{"one atomic add", counterEdit(t, "\tg.Checkpoint()\n\ts.Add(g, 1)\n"), true},
		{"a lock around the steps", counterEdit(t, "\tg.Checkpoint()\n\tg.Lock(&s.Mu)\n\tv := s.Load(g)\n\tg.Checkpoint()\n\ts.Store(g, v+1)\n\tg.Unlock(&s.Mu)\n"), true},
		{"a lock only around the store", counterEdit(t, "\tg.Checkpoint()\n\tv := s.Load(g)\n\tg.Lock(&s.Mu)\n\ts.Store(g, v+1)\n\tg.Unlock(&s.Mu)\n"), false},
		{"a global lock around the steps", globalLock(counterEdit(t, "\tg.Checkpoint()\n\tg.Lock(&mu)\n\tv := s.Load(g)\n\tg.Checkpoint()\n\ts.Store(g, v+1)\n\tg.Unlock(&mu)\n")), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lim := DefaultLimits
			lim.Wall = time.Minute
			out, err := RunScheduler(context.Background(), SchedulerSpec{Source: tt.src, Limits: lim})
			if err != nil {
				t.Fatal(err)
			}
			if out.Edit.Func != "AddOne" || out.Solved() != tt.solved || out.Schedules() == 0 {
				t.Errorf("%s verdict %q: solved %v, want %v", out.Edit.Func, out.Verdict(), out.Solved(), tt.solved)
			}
			if !tt.solved && !strings.Contains(out.Verdict(), "lose an update (e.g. picking") {
				t.Errorf("verdict %q: want some schedules that lose an update", out.Verdict())
			}
		})
	}
}

// transferWith ends the transfer after body, which does the whole
// transfer; the template's own tail is left in a function never called.
func transferWith(t *testing.T, body string) string {
	t.Helper()
	return transferEdit(t, body+"}\n\nfunc unused(g *step.G, from, to *step.Account) {\n\tg.Lock(&from.Mu)\n\tg.Lock(&to.Mu)\n")
}

func TestSchedulerCheckerJudgesTheTransfer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		src    string
		solved bool
		wrong  string // if set, what the verdict says went wrong, instead of a deadlock
	}{
		{"the original locks its source first", SchedulerTemplate, false, ""},
		{"ordered locks", transferEdit(t, orderedLocks), true, ""},
		{"no checkpoints", transferEdit(t, noCheckpoints), false, ""},
		{"one global lock around both", globalLock(transferEdit(t, globalTransfer)), true, ""},
		{"one global lock alone", globalLock(transferWith(t, "\tg.Checkpoint()\n\tg.Lock(&mu)\n\tfrom.Balance -= 10\n\tto.Balance += 10\n\tg.Unlock(&mu)\n")), true, ""},
		{"one account locked at a time", transferWith(t, "\tg.Checkpoint()\n\tg.Lock(&from.Mu)\n\tfrom.Balance -= 10\n\tg.Unlock(&from.Mu)\n\tg.Lock(&to.Mu)\n\tto.Balance += 10\n\tg.Unlock(&to.Mu)\n"), true, ""},
		// Right balances in every schedule, as the steps have no switch
		// point inside them, but a data race in compiled Go.
		{"no locks at all", transferWith(t, "\tg.Checkpoint()\n\tfrom.Balance -= 10\n\tto.Balance += 10\n"), false, "a data race: "},
		{"only the source locked", transferWith(t, "\tg.Checkpoint()\n\tg.Lock(&from.Mu)\n\tfrom.Balance -= 10\n\tto.Balance += 10\n\tg.Unlock(&from.Mu)\n"), false, "a data race: a.Balance"},
		{"locks, but not around the balances", transferWith(t, "\tg.Checkpoint()\n\tg.Lock(&from.Mu)\n\tg.Unlock(&from.Mu)\n\tg.Checkpoint()\n\tfrom.Balance -= 10\n\tto.Balance += 10\n"), false, "a data race: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lim := DefaultLimits
			lim.Wall = time.Minute // a loaded machine: the verdict is the question here
			out, err := RunScheduler(context.Background(), SchedulerSpec{Source: tt.src, Limits: lim})
			if err != nil {
				t.Fatal(err)
			}
			if out.Solved() != tt.solved || out.Schedules() == 0 {
				t.Errorf("verdict %q: solved %v, want %v", out.Verdict(), out.Solved(), tt.solved)
			}
			if tt.wrong != "" && (out.Wrong() == 0 || !strings.Contains(out.Verdict(), tt.wrong)) {
				t.Errorf("verdict %q: want some schedules to end with %q", out.Verdict(), tt.wrong)
			}
			if !tt.solved && tt.wrong == "" && (out.Deadlocks() == 0 || !strings.Contains(out.Verdict(), "deadlock")) {
				t.Errorf("verdict %q: want some schedules deadlocked", out.Verdict())
			}
			if tt.solved && out.Right() != out.Schedules() {
				t.Errorf("verdict %q: want every schedule right", out.Verdict())
			}
		})
	}
}

func TestSchedulerEditsThatDoNotRunSayWhy(t *testing.T) {
	t.Parallel()
	// The line where the transfer's body, replaced below, begins.
	bodyLine := strings.Count(SchedulerTemplate[:strings.Index(SchedulerTemplate, transferBody)], "\n") + 1
	fast := Limits{Wall: 4 * time.Second, Memory: 512 << 20, Goroutines: 2000}
	if techniques.RaceDetector {
		fast.Wall = 8 * time.Second
	}
	tests := []struct {
		name string
		src  string
		kind Kind
		line int
		msg  string
	}{
		{"undefined name", transferEdit(t, "\tg.Lock(&form.Mu)\n\tg.Lock(&to.Mu)\n"), CompileError, bodyLine, "undefined: form"},
		{"wrong signature", "package sched\n\nfunc Transfer(a, b int) {}\n", CompileError, 0, "func(g *step.G, from, to *step.Account)"},
		{"os/exec", "package sched\n\nimport \"os/exec\"\n", Refused, 3, `"os/exec"`},
		{"a panic", transferEdit(t, "\tvar m map[int]int\n\tm[from.ID] = to.ID\n"), Panicked, 0, "nil map"},
		{"endless loop", transferEdit(t, "\tfor {\n\t}\n"), TimeLimit, 0, ""},
		// A right version in compiled Go, but the scheduler cannot see a
		// goroutine wait on a sync.Mutex or a channel.
		{"a sync.Mutex", "package sched\n\nimport (\n\t\"sync\"\n\n\t\"concurrencylab/techniques/yours/step\"\n)\n\nvar mu sync.Mutex\n\n" +
			"func Transfer(g *step.G, from, to *step.Account) {\n\tmu.Lock()\n\tdefer mu.Unlock()\n\tg.Lock(&from.Mu)\n\tg.Lock(&to.Mu)\n\tfrom.Balance -= 10\n\tto.Balance += 10\n\tg.Unlock(&to.Mu)\n\tg.Unlock(&from.Mu)\n}\n",
			Refused, 4, `import "sync" is not allowed here`},
		{"a channel as a lock", "package sched\n\nimport \"concurrencylab/techniques/yours/step\"\n\nvar sem = make(chan int, 1)\n\n" +
			"func Transfer(g *step.G, from, to *step.Account) {\n\tsem <- 1\n\tg.Lock(&from.Mu)\n\tg.Lock(&to.Mu)\n\tfrom.Balance -= 10\n\tto.Balance += 10\n\tg.Unlock(&to.Mu)\n\tg.Unlock(&from.Mu)\n\t<-sem\n}\n",
			Refused, 5, "a channel is not allowed here"},
		{"an atomic flag", "package sched\n\nimport (\n\t\"sync/atomic\"\n\n\t\"concurrencylab/techniques/yours/step\"\n)\n\nvar busy int32\n\n" +
			"func Transfer(g *step.G, from, to *step.Account) {\n\tfor !atomic.CompareAndSwapInt32(&busy, 0, 1) {\n\t\tg.Checkpoint()\n\t}\n\tfrom.Balance -= 10\n\tto.Balance += 10\n\tatomic.StoreInt32(&busy, 0)\n}\n",
			Refused, 4, `import "sync/atomic" is not allowed here`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := RunScheduler(context.Background(), SchedulerSpec{Source: tt.src, Limits: fast})
			p, ok := errors.AsType[*Problem](err)
			if !ok {
				t.Fatalf("got %v, want a *Problem of kind %q", err, tt.kind)
			}
			if p.Kind != tt.kind || (tt.line != 0 && p.Line != tt.line) || !strings.Contains(p.Msg, tt.msg) {
				t.Errorf("got %q (line %d), want %q at line %d saying %q", p, p.Line, tt.kind, tt.line, tt.msg)
			}
		})
	}
}

// spinLock waits in a loop, with a checkpoint in it, until a flag is
// down. (In compiled Go the flag is a data race; here the test and the set
// are one step.)
const spinLock = `	for busy {
		g.Checkpoint()
	}
	busy = true
	defer func() { busy = false }()
	g.Lock(&from.Mu)
	g.Lock(&to.Mu)
`

func TestSchedulerSaysASpinLocksSchedulesNeedNotEnd(t *testing.T) {
	t.Parallel()
	src := strings.Replace(transferEdit(t, spinLock), "\nfunc ", "\nvar busy bool\n\nfunc ", 1)
	lim := DefaultLimits
	lim.Wall = time.Minute
	out, err := RunScheduler(context.Background(), SchedulerSpec{Source: src, Limits: lim})
	p, ok := errors.AsType[*Problem](err)
	if !ok || p.Kind != Failed || !strings.Contains(p.Msg, "picks and has not ended") || !strings.Contains(p.Msg, "loops until the other has moved") {
		t.Errorf("a spin lock: %v (verdict %q); want a problem saying its schedules need not end", err, out.Verdict())
	}
}

func TestSchedulerChecksTheProgramAsked(t *testing.T) {
	t.Parallel()
	_, err := RunScheduler(context.Background(), SchedulerSpec{Source: SchedulerTemplate, Func: "AddOne"})
	if p, ok := errors.AsType[*Problem](err); !ok || p.Kind != CompileError || !strings.Contains(p.Msg, "AddOne") {
		t.Errorf("a Transfer checked as AddOne: %v; want a compile error naming AddOne", err)
	}
}

func TestSchedulerCancelKillsTheChildAtOnce(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := RunScheduler(ctx, SchedulerSpec{Source: transferEdit(t, "\tfor {\n\t}\n")})
		done <- err
	}()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the check went on after its context was cancelled")
	}
}

func ExampleRunScheduler() {
	out, err := RunScheduler(context.Background(), SchedulerSpec{Source: SchedulerTemplate})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Verdict())
	// Output: not solved: of 6 schedules, 4 deadlock (e.g. picking 1 2 1 2), 0 end with wrong balances or a data race, 2 end right with both transfers done: a = 100, b = 100
}

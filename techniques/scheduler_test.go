package techniques

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func programNamed(t *testing.T, name string) *Program {
	t.Helper()
	for _, p := range Programs() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no program %q", name)
	return nil
}

// everySchedule is p's outcomes over every schedule, or fails the test.
func everySchedule(t *testing.T, p *Program) []Outcome {
	t.Helper()
	outcomes, err := p.EverySchedule(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return outcomes
}

func counts(outcomes []Outcome) map[string]int {
	m := map[string]int{}
	for _, o := range outcomes {
		m[o.Outcome] = o.Schedules
	}
	return m
}

// TestEveryScheduleCountsByHand compares the search with counts derived by
// hand.
func TestEveryScheduleCountsByHand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		program string
		want    map[string]int
	}{
		// Lost update: each goroutine takes 3 steps (load, add, store), so a
		// schedule is a choice of which 3 of the 6 picks are goroutine 1's:
		// 6!/(3!·3!) = 20. The counter ends at 2 only if one goroutine loads
		// after the other has stored: all of 1 then all of 2, or the
		// reverse, 2 schedules. The other 18 lose an update.
		{"Lost update", map[string]int{"counter = 1": 18, "counter = 2": 2}},
		// Check then act: a withdrawal that passes its check takes 2 steps,
		// one that fails takes 1. If one goroutine checks after the other's
		// act, it fails: 1 1 2 and 2 2 1. The 4 interleavings of 2+2 steps
		// where both check first overdraw: 100 - 160 = -60.
		{"Check then act", map[string]int{"balance = 20": 2, "balance = -60": 4}},
		// Opposite orders: 2 steps each (lock the source; lock the other and
		// finish) unless blocked. 1 1 2 2 and 2 2 1 1 finish; the other 4
		// interleavings have each holding one lock, and each then blocks.
		{"Deadlock", map[string]int{"both transfers done: a = 100, b = 100": 2, Deadlock: 4}},
		// The fix: no schedule deadlocks.
		{"Ordered locks", map[string]int{"both transfers done: a = 100, b = 100": 0}},
		{"With a mutex", map[string]int{"counter = 2": 0}},
		{"Unbuffered channel", map[string]int{"received = 42": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.program, func(t *testing.T) {
			t.Parallel()
			got, err := programNamed(t, tt.program).EverySchedule(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			c := counts(got)
			if !slices.Equal(slices.Sorted(maps.Keys(c)), slices.Sorted(maps.Keys(tt.want))) {
				t.Fatalf("outcomes %v, want the outcomes of %v", c, tt.want)
			}
			for outcome, n := range tt.want {
				if n > 0 && c[outcome] != n { // 0: only one outcome, any number of schedules
					t.Errorf("%s: %d schedules, want %d", outcome, c[outcome], n)
				}
			}
		})
	}
}

// TestReplayIsDeterministic replays every program's demo schedule and one
// schedule of each outcome, on fresh goroutines each time: the board must
// be the same every time.
func TestReplayIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, p := range Programs() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			outcomes := everySchedule(t, p)
			schedules := [][]int{p.Demo}
			for _, o := range outcomes {
				schedules = append(schedules, o.Example)
			}
			for _, schedule := range schedules {
				var first Snapshot
				for i := range 20 {
					r, err := p.Replay(context.Background(), schedule)
					if err != nil {
						t.Fatal(err)
					}
					s := r.Snapshot()
					r.Close()
					if i == 0 {
						first = s
					} else if !reflect.DeepEqual(s, first) {
						t.Fatalf("replay %d of %v: %+v, first replay %+v", i, schedule, s, first)
					}
				}
				if first.Outcome == "" {
					t.Errorf("schedule %v does not end the program", schedule)
				}
			}
		})
	}
}

// TestInitialIsTheStart: the board shown before any goroutine exists is the
// one a run shows once started.
func TestInitialIsTheStart(t *testing.T) {
	t.Parallel()
	for _, p := range Programs() {
		r, err := p.Start(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got, want := p.Initial(), r.Snapshot()
		r.Close()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Initial() = %+v, a started run shows %+v", p.Name, got, want)
		}
	}
}

// TestDemoSchedulesShowTheBug checks that each demo schedule ends as the
// panel says it does.
func TestDemoSchedulesShowTheBug(t *testing.T) {
	t.Parallel()
	want := map[string]string{"Lost update": "counter = 1", "Check then act": "balance = -60", "Deadlock": Deadlock,
		"With a mutex": "counter = 2", "Ordered locks": "both transfers done: a = 100, b = 100", "Unbuffered channel": "received = 42"}
	for _, p := range Programs() {
		r, err := p.Replay(context.Background(), p.Demo)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if got := r.Snapshot().Outcome; got != want[p.Name] {
			t.Errorf("%s: demo ends with %q, want %q", p.Name, got, want[p.Name])
		}
		r.Close()
	}
	r, err := Programs()[0].Replay(context.Background(), OverwriteSchedule())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.Snapshot().Outcome; got != "counter = 1" {
		t.Errorf("the race panel's overwrite, replayed, ends with %q; want counter = 1", got)
	}
}

// probe is a program made for the test: three goroutines, each entering a
// section between checkpoints three times, with plain (unsynchronized)
// accesses to inside. If two goroutines ever ran between checkpoints at
// once, the race detector would report those accesses, and inside would
// read 2.
type probe struct {
	inside   int
	overlaps atomic.Int64
}

func probeBody(g *G, s *probe) {
	for range 3 {
		g.Checkpoint()
		s.inside++
		runtime.Gosched() // give another goroutine every chance to run now
		if s.inside != 1 {
			s.overlaps.Add(1)
		}
		s.inside--
	}
}

func TestOneGoroutineRunsBetweenCheckpoints(t *testing.T) {
	t.Parallel()
	var shared []*probe
	p := program("probe", "", func() *probe { s := new(probe); shared = append(shared, s); return s },
		func(*probe) []Var { return nil }, func(*probe) string { return "ended" }, nil,
		gor("probeBody", probeBody), gor("probeBody", probeBody), gor("probeBody", probeBody)).Program
	outcomes := everySchedule(t, p)
	// 9 steps, 3 per goroutine: 9!/(3!·3!·3!) = 1680 schedules.
	if c := counts(outcomes); c["ended"] != 1680 {
		t.Errorf("%v schedules, want 1680", c)
	}
	for _, s := range shared {
		if n := s.overlaps.Load(); n > 0 {
			t.Fatalf("two goroutines ran between checkpoints at once, %d times", n)
		}
	}
}

// TestCancelEndsEveryGoroutine cancels runs whose goroutines are parked at
// a checkpoint, blocked on a lock, or blocked on a channel; and free runs
// in flight. Not parallel: goleak would count other tests' goroutines.
func TestCancelEndsEveryGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, p := range Programs() {
		for _, n := range []int{0, 1, 2, len(p.Demo)} {
			t.Run(fmt.Sprintf("%s/after %d steps", p.Name, n), func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				r, err := p.Replay(ctx, p.Demo[:n])
				if err != nil {
					t.Fatal(err)
				}
				cancel() // not Close: the context alone must end them
				r.wg.Wait()
				if err := r.Step(1); err == nil {
					t.Error("a step after the cancel succeeded")
				}
			})
		}
		t.Run(p.Name+"/free runs", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			_, err := p.FreeRuns(ctx, 1_000_000, func(runs int) {
				if runs == 100 {
					cancel()
				}
			})
			if err == nil {
				t.Error("FreeRuns ran to its end despite the cancel")
			}
		})
	}
}

// TestFreeRunsReachOnlyScheduledOutcomes: whatever the Go scheduler does,
// a free run ends in an outcome that some schedule reaches.
func TestFreeRunsReachOnlyScheduledOutcomes(t *testing.T) {
	t.Parallel()
	for _, p := range Programs() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			outcomes := everySchedule(t, p)
			free, err := p.FreeRuns(context.Background(), 300, nil)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for outcome, n := range free {
				sum += n
				if _, ok := counts(outcomes)[outcome]; !ok {
					t.Errorf("a free run ended with %q, which no schedule reaches (%v)", outcome, counts(outcomes))
				}
			}
			if sum != 300 {
				t.Errorf("%d free runs counted, want 300", sum)
			}
		})
	}
}

// TestChallenges visits every state of every program, schedule by
// schedule: each possible challenge is met in some state; no impossible one
// in any.
func TestChallenges(t *testing.T) {
	t.Parallel()
	for _, p := range Programs() {
		met := make([]bool, len(p.Challenges))
		var walk func(prefix []int)
		walk = func(prefix []int) {
			r, err := p.Replay(context.Background(), prefix)
			if err != nil {
				t.Fatal(err)
			}
			for i, m := range r.Met() {
				met[i] = met[i] || m
			}
			s := r.Snapshot()
			r.Close()
			for _, g := range s.Goroutines {
				if g.State == Ready {
					walk(append(slices.Clone(prefix), g.ID))
				}
			}
		}
		walk(nil)
		for i, c := range p.Challenges {
			if (c.Impossible == "") != met[i] {
				t.Errorf("%s: %q met %v, marked impossible %v", p.Name, c.Goal, met[i], c.Impossible != "")
			}
		}
	}
}

func TestStepRefusesBlockedGoroutines(t *testing.T) {
	t.Parallel()
	p := programNamed(t, "With a mutex")
	r, err := p.Replay(context.Background(), []int{1, 2}) // 1 holds mu; 2 has blocked on it
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := r.Snapshot()
	if g := s.Goroutines[1]; g.State != Blocked || g.Waiting != "waits for mu, held by goroutine 1" {
		t.Errorf("goroutine 2: %v, %q; want blocked, waiting for mu held by goroutine 1", g.State, g.Waiting)
	}
	if err := r.Step(2); err != ErrNotPickable {
		t.Errorf("Step(2) = %v, want ErrNotPickable", err)
	}
}

func ExampleProgram_EverySchedule() {
	p := Programs()[0] // Lost update
	outcomes, _ := p.EverySchedule(context.Background(), nil)
	for _, o := range outcomes {
		fmt.Printf("%s: %d schedules, e.g. %v\n", o.Outcome, o.Schedules, o.Example)
	}
	// Output:
	// counter = 2: 2 schedules, e.g. [1 1 1 2 2 2]
	// counter = 1: 18 schedules, e.g. [1 1 2 1 2 2]
}

// TestFreeRunsCatchADeadlock forces the deadlock in free runs: each of two
// goroutines takes its first lock, and neither goes on until both have. The
// locks must see the cycle, end the run and count it; no goroutine may be
// left behind. A third goroutine that then waits for a lock held inside
// the cycle must not hang the lock's cycle check (which walks holders until
// it finds itself, and never would). Not parallel: goleak.
func TestFreeRunsCatchADeadlock(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	type locks struct {
		a, b Lock
		both sync.WaitGroup
	}
	cycle := func(first, second func(*locks) *Lock) func(*G, *locks) {
		return func(g *G, s *locks) {
			g.Lock(first(s))
			s.both.Done()
			s.both.Wait() // both hold their first lock now
			g.Lock(second(s))
			g.Unlock(second(s))
			g.Unlock(first(s))
		}
	}
	a := func(s *locks) *Lock { return &s.a }
	b := func(s *locks) *Lock { return &s.b }
	late := func(g *G, s *locks) {
		<-g.run.ctx.Done() // the other two have deadlocked, and the run is ending
		g.Lock(&s.a)
	}
	for _, tt := range []struct {
		name  string
		extra []Goroutine
		runs  int
	}{
		{"two goroutines in a cycle", nil, 20},
		{"and a latecomer waiting behind it", []Goroutine{gor("late", late)}, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			gs := append([]Goroutine{gor("ab", cycle(a, b)), gor("ba", cycle(b, a))}, tt.extra...)
			p := program(tt.name, "", func() *locks { s := new(locks); s.both.Add(2); return s },
				func(*locks) []Var { return nil }, func(*locks) string { return "all done" }, nil, gs...).Program
			type result struct {
				got map[string]int
				err error
			}
			done := make(chan result)
			go func() {
				got, err := p.FreeRuns(context.Background(), tt.runs, nil)
				done <- result{got, err}
			}()
			select {
			case r := <-done:
				if r.err != nil {
					t.Fatal(r.err)
				}
				if r.got[Deadlock] != tt.runs {
					t.Errorf("free runs %v, want %d deadlocks", r.got, tt.runs)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("FreeRuns hangs: the cycle check loops around a deadlock that does not include the goroutine checking")
			}
		})
	}
}

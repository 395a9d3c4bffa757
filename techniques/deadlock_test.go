package techniques

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// ring is the wait-for cycle of length n over goroutines from..from+n-1:
// goroutine g waits for lock g, held by the next one.
func ring(from, n int) []WaitFor {
	var out []WaitFor
	for i := range n {
		g := from + i
		out = append(out, WaitFor{Waiter: g, Lock: g, Holder: from + (i+1)%n})
	}
	return out
}

func TestFindCycle(t *testing.T) {
	t.Parallel()
	type test struct {
		name  string
		edges []WaitFor
		want  []int // the cycle's waiters, in order; nil for none
	}
	tests := []test{
		{"empty", nil, nil},
		{"one wait", []WaitFor{{Waiter: 0, Lock: 1, Holder: 1}}, nil},
		{"a chain", []WaitFor{{Waiter: 0, Lock: 1, Holder: 1}, {Waiter: 1, Lock: 2, Holder: 2}, {Waiter: 2, Lock: 3, Holder: 3}}, nil},
		{"holder unknown closes nothing", []WaitFor{{Waiter: 0, Lock: 0, Holder: 1}, {Waiter: 1, Lock: 1, Holder: -1}}, nil},
		{"two chains into one holder", []WaitFor{{Waiter: 0, Lock: 5, Holder: 2}, {Waiter: 1, Lock: 5, Holder: 2}, {Waiter: 2, Lock: 6, Holder: 3}}, nil},
		{"a lock it holds itself", []WaitFor{{Waiter: 4, Lock: 4, Holder: 4}}, []int{4}},
		{"a tail into a cycle of 2", append(ring(3, 2), WaitFor{Waiter: 0, Lock: 9, Holder: 3}), []int{3, 4}},
		{"rotated to its lowest goroutine", []WaitFor{{Waiter: 7, Lock: 0, Holder: 5}, {Waiter: 5, Lock: 1, Holder: 6}, {Waiter: 6, Lock: 2, Holder: 7}}, []int{5, 6, 7}},
		{"every philosopher but one holds left and waits", ring(0, MaxPhilosophers)[1:], nil},
	}
	for n := 2; n <= MaxPhilosophers; n++ {
		var want []int
		for i := range n {
			want = append(want, i)
		}
		tests = append(tests, test{fmt.Sprintf("a cycle of %d", n), ring(0, n), want})
		// The same cycle in the middle of more philosophers, the others
		// waiting on it from outside, in shuffled order.
		edges := append(ring(1, n), WaitFor{Waiter: 0, Lock: 99, Holder: 1}, WaitFor{Waiter: n + 1, Lock: 98, Holder: n})
		slices.Reverse(edges)
		var mid []int
		for i := range n {
			mid = append(mid, 1+i)
		}
		tests = append(tests, test{fmt.Sprintf("a cycle of %d among others", n), edges, mid})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cycle := FindCycle(tt.edges)
			var got []int
			for i, e := range cycle {
				got = append(got, e.Waiter)
				if next := cycle[(i+1)%len(cycle)]; e.Holder != next.Waiter {
					t.Errorf("edge %d: holder %d, but the next edge's waiter is %d", i, e.Holder, next.Waiter)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("FindCycle = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLeftThenRightDeadlocks forces the worst timing: with LeftFirst each
// philosopher, holding their left fork, waits at a barrier until all of them
// do, and only then reaches right. Every right fork is then someone's left
// fork, held: the cycle closes every time, and the graph must catch it.
func TestLeftThenRightDeadlocks(t *testing.T) {
	t.Parallel()
	for n := 2; n <= MaxPhilosophers; n += 5 {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			g := NewWaitGraph()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan DiningResult)
			go func() {
				r, err := Dine(ctx, DiningConfig{Philosophers: n, Eat: time.Millisecond, LeftFirst: true}, LeftThenRight, g)
				if err != nil {
					t.Error(err)
				}
				done <- r
			}()
			select {
			case <-g.Deadlocked():
			case <-time.After(10 * time.Second):
				t.Fatal("no deadlock detected in 10 s")
			}
			d := g.Snapshot().Deadlock
			if len(d.Cycle) != n {
				t.Errorf("cycle %v: want all %d philosophers", d.Cycle, n)
			}
			cancel() // the deadlocked philosophers must all come out
			if r := <-done; r.Total() != 0 {
				t.Errorf("%d meals eaten, want none: each held one fork from the start", r.Total())
			}
		})
	}
}

// TestFixesNeverDeadlock runs each fix at the worst settings for a while:
// no thinking, and a reach during which the first fork is held (with these
// settings LeftThenRight deadlocks within milliseconds, as the panel shows).
// The graph must never find a deadlock, and everyone eats.
func TestFixesNeverDeadlock(t *testing.T) {
	t.Parallel()
	for _, way := range []Dining{Ordered, Backoff, Arbiter} {
		for _, leftFirst := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v, left first %v", way, leftFirst), func(t *testing.T) {
				t.Parallel()
				g := NewWaitGraph()
				ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				defer cancel()
				r, err := Dine(ctx, DiningConfig{Philosophers: 5, Eat: time.Millisecond, Reach: time.Millisecond, LeftFirst: leftFirst}, way, g)
				if err != nil {
					t.Fatal(err)
				}
				s := g.Snapshot()
				if s.Deadlock != nil {
					t.Fatalf("deadlock: %v", s.Deadlock.Cycle)
				}
				if r.Total() == 0 {
					t.Errorf("no meal eaten in %v", r.Took)
				}
				if way == Ordered && s.TimedCycles > 0 {
					t.Errorf("%d cycles formed with lock ordering, want none", s.TimedCycles)
				}
				if way == Backoff && leftFirst && s.TimedCycles == 0 {
					t.Error("everyone held their left fork and waited for the right: the timed cycle was not seen")
				}
			})
		}
	}
}

// TestCancelLeavesNoGoroutine cancels dinners mid-run, deadlocked or not:
// Dine must return with every goroutine of it gone.
func TestCancelLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, way := range DiningWays {
		g := NewWaitGraph()
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		if _, err := Dine(ctx, DiningConfig{Philosophers: 5, Think: time.Millisecond, Eat: 2 * time.Millisecond, LeftFirst: true}, way, g); err != nil {
			t.Error(err)
		}
		cancel()
		if way == LeftThenRight && g.Snapshot().Deadlock == nil {
			t.Error("the broken way did not deadlock before the cancel")
		}
	}
}

func TestLockTimeoutGivesUp(t *testing.T) {
	t.Parallel()
	g := NewWaitGraph()
	l := g.NewLock()
	ctx := context.Background()
	if err := l.Lock(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got, err := l.LockTimeout(ctx, 1, 5*time.Millisecond); got || err != nil {
		t.Errorf("LockTimeout on a held lock = %v, %v; want false, nil", got, err)
	}
	if s := g.Snapshot(); len(s.Waits) != 0 || s.Holders[0] != 0 {
		t.Errorf("after the timeout: waits %v, holders %v; want none waiting, 0 holding", s.Waits, s.Holders)
	}
	l.Unlock()
	if got, _ := l.LockTimeout(ctx, 1, time.Millisecond); !got {
		t.Error("LockTimeout on a free lock failed")
	}
}

func TestDiningConfigLimits(t *testing.T) {
	t.Parallel()
	for _, cfg := range []DiningConfig{{Philosophers: 1}, {Philosophers: MaxPhilosophers + 1}, {Philosophers: 5, Eat: 2 * MaxMealTime}, {Philosophers: 5, Think: -1}} {
		if _, err := Dine(context.Background(), cfg, Ordered, NewWaitGraph()); err == nil {
			t.Errorf("Dine(%+v) ran; want an error", cfg)
		}
	}
}

func ExampleDine() {
	g := NewWaitGraph()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	go func() {
		<-g.Deadlocked() // the graph closes this the moment the cycle closes
		cancel()         // the philosophers' waits end with ctx: all of them return
	}()
	cfg := DiningConfig{Philosophers: 3, Eat: time.Millisecond, LeftFirst: true}
	r, _ := Dine(ctx, cfg, LeftThenRight, g)
	fmt.Println("meals:", r.Total())
	for _, e := range g.Snapshot().Deadlock.Cycle {
		fmt.Printf("philosopher %d waits for fork %d, held by philosopher %d\n", e.Waiter, e.Lock, e.Holder)
	}
	// Output:
	// meals: 0
	// philosopher 0 waits for fork 1, held by philosopher 1
	// philosopher 1 waits for fork 2, held by philosopher 2
	// philosopher 2 waits for fork 0, held by philosopher 0
}

// TestRuntimeDeadlockInChild deadlocks philosophers in a child process: the
// runtime's answer, its error or the dump SIGQUIT asks for, shows each of
// them asleep on a mutex and the child's main goroutine waiting for them.
func TestRuntimeDeadlockInChild(t *testing.T) {
	t.Parallel()
	const n = 3
	v, err := RuntimeDeadlock(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(v.Output, "[sync.Mutex.Lock]:"); got != n {
		t.Errorf("%d goroutines asleep on a mutex, want %d; output:\n%s", got, n, v.Output)
	}
	if !strings.Contains(v.Output, "[sync.WaitGroup.Wait]:") || !strings.Contains(v.Output, "deadlock_child.go:") {
		t.Errorf("the main goroutine's wait, or the job's own lines, are missing; output:\n%s", v.Output)
	}
	if first, _, _ := strings.Cut(v.Output, "\n"); v.Detected != strings.HasPrefix(first, "fatal error: all goroutines are asleep") {
		t.Errorf("detected %v, but the output begins %q", v.Detected, first)
	}
}

// TestRuntimeDetectorWithoutCgo backs what the panel says of Go's own
// detector: it stops a deadlocked program at once, unless the program links
// cgo (as this app must, for its window) or is built with -race (which
// links cgo too), and then it never fires.
func TestRuntimeDetectorWithoutCgo(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	program := `package main

import "sync"

func main() {
	var a, b sync.Mutex
	var holding, done sync.WaitGroup
	holding.Add(2)
	done.Go(func() { a.Lock(); holding.Done(); holding.Wait(); b.Lock() })
	done.Go(func() { b.Lock(); holding.Done(); holding.Wait(); a.Lock() })
	done.Wait()
}
`
	for _, tt := range []struct {
		name      string
		cgo, race bool // race: built with -race, which links cgo too
	}{{"plain", false, false}, {"cgo", true, false}, {"race", false, true}} {
		dir := t.TempDir()
		files := map[string]string{"go.mod": "module deadlock\n\ngo 1.25\n", "main.go": program}
		env := append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
		args := []string{"build", "-o", "deadlock"}
		if tt.cgo || tt.race {
			if _, err := exec.LookPath("gcc"); err != nil {
				continue
			}
			env = append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=")
		}
		if tt.cgo {
			files["cgo.go"] = "package main\n\nimport _ \"runtime/cgo\"\n"
		}
		if tt.race {
			args = append(args, "-race")
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		build := exec.Command(goTool, args...)
		build.Dir, build.Env = dir, env
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("building it (%s): %v\n%s", tt.name, err, out)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		out, err := exec.CommandContext(ctx, filepath.Join(dir, "deadlock")).CombinedOutput()
		timedOut := ctx.Err() != nil
		cancel()
		detected := strings.HasPrefix(string(out), "fatal error: all goroutines are asleep - deadlock!")
		if (tt.cgo || tt.race) && (detected || !timedOut) {
			t.Errorf("with %s: detected %v, still running after 3 s %v (%v); want undetected and running; output:\n%s", tt.name, detected, timedOut, err, out)
		}
		if !tt.cgo && !tt.race && (!detected || timedOut) {
			t.Errorf("without cgo: detected %v, still running after 3 s %v (%v); want it stopped with the fatal error; output:\n%s", detected, timedOut, err, out)
		}
	}
}

// TestDeadlockBesideATimedCycle closes a cycle of untimed waits while a
// cycle with timed waits already stands among other goroutines: the graph
// must call the untimed one a deadlock at once, not only once the timed
// cycle has broken (a search that stops at the first cycle it meets would
// find the timed one and look no further).
func TestDeadlockBesideATimedCycle(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	g := NewWaitGraph()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	locks := []*WatchedLock{g.NewLock(), g.NewLock(), g.NewLock(), g.NewLock()}
	for who, l := range locks {
		if err := l.Lock(ctx, who); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	waitUntil := func(what string, ok func(GraphState) bool) {
		t.Helper()
		for end := time.Now().Add(5 * time.Second); !ok(g.Snapshot()); time.Sleep(time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("no %s in 5 s: %+v", what, g.Snapshot())
			}
		}
	}
	// Goroutines 0 and 1 wait for each other's lock, timed (for longer
	// than the test): a cycle, but not a deadlock.
	wg.Go(func() { locks[1].LockTimeout(ctx, 0, time.Minute) })
	wg.Go(func() { locks[0].LockTimeout(ctx, 1, time.Minute) })
	waitUntil("timed cycle", func(s GraphState) bool { return s.TimedCycles == 1 })
	// Goroutines 2 and 3 wait for each other's lock with no timeout.
	wg.Go(func() { locks[3].Lock(ctx, 2) })
	wg.Go(func() { locks[2].Lock(ctx, 3) })
	select {
	case <-g.Deadlocked():
	case <-time.After(5 * time.Second):
		t.Fatalf("the untimed cycle of goroutines 2 and 3 was not called a deadlock: %+v", g.Snapshot())
	}
	var got []int
	for _, e := range g.Snapshot().Deadlock.Cycle {
		got = append(got, e.Waiter)
	}
	if !slices.Equal(got, []int{2, 3}) {
		t.Errorf("deadlock cycle of goroutines %v, want [2 3]", got)
	}
	cancel()
	wg.Wait()
	for _, l := range locks {
		l.Unlock()
	}
}

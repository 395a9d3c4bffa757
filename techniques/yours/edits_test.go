package yours

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"concurrencylab/techniques"
)

// goroutinesWaitGroup is the goroutines exercise solved: a WaitGroup.
const goroutinesWaitGroup = `package goroutines

import "sync"

func Run(n int, task func(i int)) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			task(i)
		}(i)
	}
	wg.Wait()
}
`

// goroutinesLongSleep waits for every task, by a sleep longer than any.
const goroutinesLongSleep = `package goroutines

import "time"

func Run(n int, task func(i int)) {
	for i := 0; i < n; i++ {
		go task(i)
	}
	time.Sleep(300 * time.Millisecond)
}
`

// goroutinesOneByOne calls the tasks one after another, on Run's own
// goroutine: every task ends before Run returns, and Run returns just
// after the last, but it takes the sum of the tasks' times, not the
// longest.
const goroutinesOneByOne = `package goroutines

func Run(n int, task func(i int)) {
	for i := 0; i < n; i++ {
		task(i)
	}
}
`

func TestGoroutinesCheckerJudgesTheWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		src    string
		solved bool
		cutOff bool // some run cut tasks off
		serial bool // some run took far longer than its longest task
	}{
		{"the original sleeps 100 ms", GoroutinesTemplate, false, true, false},
		{"a WaitGroup", goroutinesWaitGroup, true, false, false},
		{"a sleep longer than every task", goroutinesLongSleep, false, false, true},
		{"one task after another", goroutinesOneByOne, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check := GoroutinesCheck()
			out, err := RunGoroutines(context.Background(), GoroutinesSpec{Source: tt.src, Runs: check}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Runs) != len(check) {
				t.Fatalf("%d runs, want %d", len(out.Runs), len(check))
			}
			if solved := out.ExactRuns() == len(check); solved != tt.solved {
				t.Errorf("verdict %q: solved %v, want %v", out.Verdict(), solved, tt.solved)
			}
			cut := false
			for _, r := range out.Runs {
				cut = cut || !r.All()
			}
			if cut != tt.cutOff {
				t.Errorf("verdict %q: tasks cut off %v, want %v", out.Verdict(), cut, tt.cutOff)
			}
			serial := false
			for _, r := range out.Runs {
				serial = serial || r.Serial()
			}
			if serial != tt.serial {
				t.Errorf("verdict %q: a run took more than %v longer than its longest task %v, want %v", out.Verdict(), WaitMargin, serial, tt.serial)
			}
			if out.Compiled <= 0 || out.Interpreted <= 0 || !strings.Contains(out.SlowdownNote(), "×") {
				t.Errorf("the original took %v compiled and %v interpreted; want both measured", out.Compiled, out.Interpreted)
			}
		})
	}
}

// futuresCancelAndWait is the futures exercise solved as techniques.First
// does: cancel the losers, and wait for them.
const futuresCancelAndWait = `package futures

import (
	"context"
	"sync"
)

func First(ctx context.Context, tasks []func(context.Context) (string, error)) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan result, len(tasks)) // room for all: no send waits
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		go func(task func(context.Context) (string, error)) {
			defer wg.Done()
			v, err := task(ctx)
			results <- result{v, err}
		}(task)
	}
	var last error
	for i := 0; i < len(tasks); i++ {
		r := <-results
		if r.err == nil {
			cancel()
			wg.Wait()
			return r.v, nil
		}
		last = r.err
	}
	return "", last
}

type result struct {
	v   string
	err error
}
`

// futuresOneByOne calls the tasks one after another: nothing to cancel,
// nothing left, but not the quickest success, and losers never called.
const futuresOneByOne = `package futures

import (
	"context"
	"errors"
)

func First(ctx context.Context, tasks []func(context.Context) (string, error)) (string, error) {
	for _, task := range tasks {
		if v, err := task(ctx); err == nil {
			return v, nil
		}
	}
	return "", errors.New("every task failed")
}
`

func TestFuturesCheckerJudgesTheLosers(t *testing.T) {
	t.Parallel()
	buffered := strings.Replace(FuturesTemplate, "make(chan result)", "make(chan result, len(tasks))", 1)
	// Cancel, then return without waiting: the losers stop a moment after
	// First returns, not before.
	cancelNoWait := strings.Replace(buffered, "results := make(", "ctx, cancel := context.WithCancel(ctx)\n\tdefer cancel()\n\tresults := make(", 1)
	waitAll := strings.Replace(buffered, "return r.v, nil // the losers' results are never read", "for j := i + 1; j < len(tasks); j++ {\n\t\t\t\t<-results\n\t\t\t}\n\t\t\treturn r.v, nil", 1)
	if buffered == FuturesTemplate || waitAll == buffered || cancelNoWait == buffered {
		t.Fatal("the template no longer holds the lines these edits replace")
	}
	tests := []struct {
		name               string
		src                string
		solved             bool
		ranToEnd, outlived bool // in some run
		wrongValue         bool // in some run
	}{
		{"the original leaks", FuturesTemplate, false, true, true, false},
		{"cancel and wait", futuresCancelAndWait, true, false, false, false},
		{"room for every result, no cancel", buffered, false, true, true, false},
		{"no cancel, read every result", waitAll, false, true, false, false},
		{"cancel, and return without waiting", cancelNoWait, false, false, true, false},
		{"one task after another", futuresOneByOne, false, true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check := FuturesCheck()
			out, err := RunFutures(context.Background(), FuturesSpec{Source: tt.src, Runs: check}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Runs) != len(check) {
				t.Fatalf("%d runs, want %d", len(out.Runs), len(check))
			}
			if solved := out.CleanRuns() == len(check); solved != tt.solved {
				t.Errorf("verdict %q: solved %v, want %v", out.Verdict(), solved, tt.solved)
			}
			ran, outlived, wrong := false, false, false
			for _, r := range out.Runs {
				wrong = wrong || r.Value != r.Want || (r.Want == "" && r.Err == "") // as Clean: an error is right when every task fails
				ran = ran || r.RanToEnd > 0
				outlived = outlived || r.Running > 0 || r.Left > 0
			}
			if wrong != tt.wrongValue {
				t.Errorf("verdict %q: a wrong value %v, want %v", out.Verdict(), wrong, tt.wrongValue)
			}
			if ran != tt.ranToEnd || outlived != tt.outlived {
				t.Errorf("verdict %q: a loser ran to its end %v, something outlived First %v; want %v and %v", out.Verdict(), ran, outlived, tt.ranToEnd, tt.outlived)
			}
			if out.Compiled <= 0 || out.Interpreted <= 0 {
				t.Errorf("the original took %v compiled and %v interpreted; want both measured", out.Compiled, out.Interpreted)
			}
		})
	}
}

func TestEditsOfTheOtherPanelsThatDoNotRunSayWhy(t *testing.T) {
	t.Parallel()
	fast := Limits{Wall: 3 * time.Second, Memory: 512 << 20, Goroutines: 2000}
	one := []Tasks{{N: 2, Longest: 10 * time.Millisecond}}
	fetches := []Fetches{{Latencies: []time.Duration{10 * time.Millisecond}, Fails: []bool{false}, Panic: -1}}
	tests := []struct {
		name string
		run  func() error
		kind Kind
		line int
		msg  string
		racy bool // the edit has the data race it is about: under -race the detector ends the child first
	}{
		{"goroutines: undefined name", func() error {
			_, err := RunGoroutines(context.Background(), GoroutinesSpec{Source: "package goroutines\n\nfunc Run(n int, task func(i int)) {\n\ttask(m)\n}\n", Runs: one, Limits: fast}, nil)
			return err
		}, CompileError, 4, "undefined: m", false},
		{"goroutines: a task called twice", func() error {
			_, err := RunGoroutines(context.Background(), GoroutinesSpec{Source: "package goroutines\n\nfunc Run(n int, task func(i int)) {\n\ttask(0)\n\ttask(0)\n}\n", Runs: one, Limits: fast}, nil)
			return err
		}, Failed, 0, "task(0) was called twice", false},
		{"goroutines: the loop's variable read by the goroutines", func() error {
			src := "package goroutines\n\nimport \"sync\"\n\nfunc Run(n int, task func(i int)) {\n\tvar wg sync.WaitGroup\n\tfor i := 0; i < n; i++ {\n\t\twg.Go(func() { task(i) })\n\t}\n\twg.Wait()\n}\n"
			_, err := RunGoroutines(context.Background(), GoroutinesSpec{Source: src, Runs: one, Limits: fast}, nil)
			return err
		}, Failed, 0, "a for loop's variable is one for all its iterations", true},
		{"goroutines: a copy of the loop's variable read by wg.Go's func", func() error {
			src := "package goroutines\n\nimport \"sync\"\n\nfunc Run(n int, task func(i int)) {\n\tvar wg sync.WaitGroup\n\tfor i := 0; i < n; i++ {\n\t\ti := i\n\t\twg.Go(func() { task(i) })\n\t}\n\twg.Wait()\n}\n"
			_, err := RunGoroutines(context.Background(), GoroutinesSpec{Source: src, Runs: one, Limits: fast}, nil)
			return err
		}, Failed, 0, "shares even a copy made in the loop (i := i)", true},
		{"futures: wrong signature", func() error {
			_, err := RunFutures(context.Background(), FuturesSpec{Source: "package futures\n\nfunc First() string { return \"\" }\n", Runs: fetches, Limits: fast}, nil)
			return err
		}, CompileError, 0, "First must be func(ctx context.Context", false},
		{"futures: os/exec", func() error {
			_, err := RunFutures(context.Background(), FuturesSpec{Source: "package futures\n\nimport \"os/exec\"\n", Runs: fetches, Limits: fast}, nil)
			return err
		}, Refused, 3, `import "os/exec" is not allowed`, false},
		{"futures: a task panics", func() error {
			panics := fetches[0]
			panics.Panic = 0
			_, err := RunFutures(context.Background(), FuturesSpec{Source: FuturesTemplate, Runs: []Fetches{panics}, Limits: fast}, nil)
			return err
		}, Panicked, 0, "resource 0: a bug in the task", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.racy && techniques.RaceDetector {
				t.Skip("the edit's data race ends the child under the race detector")
			}
			t.Parallel()
			p, ok := errors.AsType[*Problem](tt.run())
			if !ok {
				t.Fatalf("want a *Problem of kind %q", tt.kind)
			}
			if p.Kind != tt.kind || (tt.line != 0 && p.Line != tt.line) || !strings.Contains(p.Msg, tt.msg) {
				t.Errorf("got %q (line %d), want %q at line %d saying %q", p, p.Line, tt.kind, tt.line, tt.msg)
			}
		})
	}
}

func TestCancelKillsTheChildOfTheOtherPanels(t *testing.T) {
	t.Parallel()
	runs := map[string]func(context.Context) error{
		"goroutines": func(ctx context.Context) error {
			_, err := RunGoroutines(ctx, GoroutinesSpec{Source: "package goroutines\n\nfunc Run(n int, task func(i int)) {\n\tfor {\n\t}\n}\n", Runs: []Tasks{{N: 1}}}, nil)
			return err
		},
		"futures": func(ctx context.Context) error {
			_, err := RunFutures(ctx, FuturesSpec{Source: "package futures\n\nimport \"context\"\n\nfunc First(ctx context.Context, tasks []func(context.Context) (string, error)) (string, error) {\n\tfor {\n\t}\n}\n",
				Runs: []Fetches{{Latencies: []time.Duration{0}, Fails: []bool{false}, Panic: -1}}}, nil)
			return err
		},
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- run(ctx) }()
			time.Sleep(500 * time.Millisecond)
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("got %v, want context.Canceled", err)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("the run went on after its context was cancelled")
			}
		})
	}
}

func TestFuturesVerdictCountsEveryRunThatIsNotClean(t *testing.T) {
	t.Parallel()
	clean := FuturesRun{Value: "resource #0", Want: "resource #0", Losers: 5, Cancelled: 5}
	tests := []struct {
		name string
		run  FuturesRun
		want string
	}{
		{"a wrong value", FuturesRun{Value: "resource #1", Want: "resource #0", Losers: 5, Cancelled: 5}, "a wrong result in 1,"},
		{"a loser never called", FuturesRun{Value: "resource #0", Want: "resource #0", Losers: 5, Cancelled: 4}, "(it ran to its end, or was never called) in 1,"},
		// Called twice: cancelled once, and once it ran to its end.
		{"a loser called twice", FuturesRun{Value: "resource #0", Want: "resource #0", Losers: 5, Cancelled: 5, RanToEnd: 1}, "(it ran to its end, or was never called) in 1,"},
		{"a task running when First returned", FuturesRun{Value: "resource #0", Want: "resource #0", Losers: 5, Cancelled: 5, Running: 1}, "outlived First in 1"},
		{"a goroutine left", FuturesRun{Value: "resource #0", Want: "resource #0", Losers: 5, Cancelled: 5, Left: 1}, "outlived First in 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := FuturesOutcome{Runs: []FuturesRun{clean, tt.run}}
			if got := out.Verdict(); out.CleanRuns() != 1 || !strings.Contains(got, "in 1 of 2 runs") || !strings.Contains(got, tt.want) {
				t.Errorf("%d clean; verdict %q, want in 1 of 2 runs, and %q", out.CleanRuns(), got, tt.want)
			}
		})
	}
}

// TestFuturesCheckerSaysWhyATaskIsCalledTwice: wg.Go(func() { task(ctx) })
// in a range loop is right since Go 1.22, but in the interpreter every
// goroutine reads the one loop variable: the verdict must say so, not only
// that the result was wrong.
func TestFuturesCheckerSaysWhyATaskIsCalledTwice(t *testing.T) {
	t.Parallel()
	if techniques.RaceDetector {
		// The goroutines read the loop's variable while the loop writes it:
		// a data race, for which the race detector fails the child.
		t.Skip("the edit has a data race: the race detector ends its child")
	}
	src := strings.Replace(futuresCancelAndWait, `		wg.Add(1)
		go func(task func(context.Context) (string, error)) {
			defer wg.Done()
			v, err := task(ctx)
			results <- result{v, err}
		}(task)`, `		wg.Go(func() {
			v, err := task(ctx)
			results <- result{v, err}
		})`, 1)
	if src == futuresCancelAndWait {
		t.Fatal("futuresCancelAndWait no longer holds the lines this edit replaces")
	}
	check := FuturesCheck()[:2]
	out, err := RunFutures(context.Background(), FuturesSpec{Source: src, Runs: check}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.CleanRuns() != 0 || !strings.Contains(out.Verdict(), "In 2, some task was called more than once: in the interpreter a for loop's variable is one for all its iterations") {
		t.Errorf("%d clean; verdict %q, want none, and why tasks were called more than once", out.CleanRuns(), out.Verdict())
	}
	if d := out.Runs[0].Describe(); !strings.Contains(d, "A task was called 6 times") {
		t.Errorf("the first run: %q, want the last task called 6 times", d)
	}
}

// futuresOnlySuccess waits for a success, and forgets that every task may
// fail: then it waits forever.
const futuresOnlySuccess = `package futures

import (
	"context"
	"sync"
)

func First(ctx context.Context, tasks []func(context.Context) (string, error)) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan result, len(tasks))
	var wg sync.WaitGroup
	for _, task := range tasks {
		wg.Add(1)
		go func(task func(context.Context) (string, error)) {
			defer wg.Done()
			v, err := task(ctx)
			results <- result{v, err}
		}(task)
	}
	for {
		r := <-results
		if r.err == nil {
			cancel()
			wg.Wait()
			return r.v, nil
		}
	}
}

type result struct {
	v   string
	err error
}
`

func TestFuturesCheckerHasARunWhereEveryTaskFails(t *testing.T) {
	t.Parallel()
	check := FuturesCheck()
	last := check[len(check)-1]
	for k, fails := range last.Fails {
		if !fails {
			t.Fatalf("in the checker's last run task %d succeeds, want every task to fail", k)
		}
	}
	lim := DefaultLimits
	lim.Wall = 10 * time.Second
	_, err := RunFutures(context.Background(), FuturesSpec{Source: futuresOnlySuccess, Runs: []Fetches{check[0], last}, Limits: lim}, nil)
	if p, ok := errors.AsType[*Problem](err); !ok || p.Kind != TimeLimit || !strings.Contains(p.Msg, "Every one of its goroutines was waiting for another") {
		t.Errorf("a First that waits for a success only: %v, want the time limit, with every goroutine waiting", err)
	}
}

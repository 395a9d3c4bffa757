package yours

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"concurrencylab/techniques"
	"concurrencylab/techniques/child"
	"concurrencylab/techniques/yours/futures"
)

// FuturesTemplate is the editable source of the futures panel's first-of
// done wrong (techniques.FirstNoCancel, unbuffered): it takes the first
// success and never cancels the losers, which leak. It is one
// self-contained function, First, also compiled into the app, as package
// futures, to measure how much slower the interpreter runs it.
//
//go:embed futures/first.go
var FuturesTemplate string

// Fetches are the tasks of one run of First: task i waits Latencies[i],
// or until its context is cancelled (then it returns the context's
// error); then it panics if i is Panic, fails if Fails[i], and otherwise
// returns "resource #i".
type Fetches struct {
	Latencies []time.Duration
	Fails     []bool
	Panic     int // -1: none
}

// FetchesOf are the tasks the futures panel fetches: n resources of cfg,
// the latencies and failures drawn from seed as techniques.FetchMany draws
// them.
func FetchesOf(n int, cfg techniques.FetchConfig, seed uint64) Fetches {
	f := Fetches{Latencies: make([]time.Duration, n), Fails: make([]bool, n), Panic: cfg.PanicID}
	for i := range n {
		rng := rand.New(rand.NewPCG(seed, uint64(i))) // as techniques.Fetch draws, one generator per fetch
		f.Latencies[i] = cfg.MinLatency
		if spread := cfg.MaxLatency - cfg.MinLatency; spread > 0 {
			f.Latencies[i] += time.Duration(rng.Int64N(int64(spread)))
		}
		f.Fails[i] = rng.Float64() < cfg.FailRate
	}
	return f
}

// quickest is the task that succeeds soonest, by its latency; -1 if every
// one fails.
func (f Fetches) quickest() int {
	best := -1
	for i, d := range f.Latencies {
		if !f.Fails[i] && i != f.Panic && (best < 0 || d < f.Latencies[best]) {
			best = i
		}
	}
	return best
}

// FuturesSpec is one request to run an edit of [FuturesTemplate].
type FuturesSpec struct {
	Source string
	Runs   []Fetches // one run of the edit for each, in order: 1 to MaxEditRuns
	Limits Limits    // zero: DefaultLimits
	Task   string    // as RaceSpec.Task
}

// Grace is how long after First returns its goroutines may take to end
// before the lab counts them as having outlived it.
const Grace = 100 * time.Millisecond

// FuturesRun is one run of an edit.
type FuturesRun struct {
	Value, Err string        // what First returned; Err is "" for no error
	Want       string        // the value of the quickest task to succeed, "" if every one fails
	Took       time.Duration // from First's call to its return
	// Losers are the tasks slower than the quickest to succeed: Cancelled of
	// them returned early because their context was cancelled, RanToEnd
	// waited out their whole latency.
	Losers, Cancelled, RanToEnd int
	// Running tasks outlived First: they had not returned when it did, or
	// were called after it returned. Grace after First returned (sooner, if
	// they were all gone), the child had Left goroutines more than just
	// before First was called: a goroutine that has done its last act for
	// First (a wg.Done) still takes a moment to exit.
	Running, Left int
	// MostCalls is the most times one task was called: 1 if each was called
	// once (or, 0, if none was).
	MostCalls int
}

// Clean reports whether First returned the quickest success's value (or,
// when every task failed, an error), every loser was called and returned
// early because its context was cancelled, no task outlived First, and no
// goroutine of the run was left Grace after First returned.
func (r FuturesRun) Clean() bool {
	right := r.Value == r.Want && (r.Want != "" || r.Err != "")
	return right && r.Cancelled == r.Losers && r.RanToEnd == 0 && r.Running == 0 && r.Left <= 0
}

// Describe says what the run found, in a sentence.
func (r FuturesRun) Describe() string {
	got := fmt.Sprintf("First returned %q", r.Value)
	if r.Err != "" {
		got = fmt.Sprintf("First returned the error %q", r.Err)
	}
	want := "every task failed"
	if r.Want != "" {
		want = fmt.Sprintf("the quickest task to succeed returns %q", r.Want)
	}
	return fmt.Sprintf("%s after %s (%s). Of the %d tasks slower than that one, %d were called and stopped when their context was cancelled, and %d ran to their end. "+
		"%d tasks were still running when First returned (or were called after it), and %s after First returned (sooner, once the child's goroutine count was back to where it was before First was called), the child process had %+d goroutines compared with just before First was called",
		got, durationText(r.Took), want, r.Losers, r.Cancelled, r.RanToEnd, r.Running, durationText(Grace), r.Left) + r.repeatedNote()
}

// loopVariable is the likely cause of a task called more than once.
const loopVariable = "in the interpreter a for loop's variable is one for all its iterations, and a func literal handed to wg.Go shares even a copy made in the loop (task := task), " +
	"so goroutines started in the loop that read it may all see its last value: start each with go func(task …) {…}(task), the task passed as an argument"

// repeatedNote says, if some task was called more than once, why that is
// likely; "" otherwise.
func (r FuturesRun) repeatedNote() string {
	if r.MostCalls <= 1 {
		return ""
	}
	return fmt.Sprintf(". A task was called %d times: %s", r.MostCalls, loopVariable)
}

// FuturesCheck are the checker's runs: 11 runs of 6 tasks, 40 ms to 790 ms
// long, 150 ms apart, the quickest a different task from one run to the
// next (tasks 0, 5, 4, 3, 2, 1, then 0 again); in every other run it
// fails, so the first to succeed is the second quickest, and in the last
// run every task fails, so First must return an error, not wait for a
// success that never comes. A loser not cancelled is still working Grace
// after the winner.
func FuturesCheck() []Fetches {
	const n = 6
	var runs []Fetches
	for r := range 10 {
		f := Fetches{Latencies: make([]time.Duration, n), Fails: make([]bool, n), Panic: -1}
		for k := range n {
			f.Latencies[k] = 40*time.Millisecond + time.Duration((k+r)%n)*150*time.Millisecond
			f.Fails[k] = r%2 == 1 && (k+r)%n == 0
		}
		runs = append(runs, f)
	}
	all := Fetches{Latencies: runs[0].Latencies, Fails: make([]bool, n), Panic: -1}
	for k := range all.Fails {
		all.Fails[k] = true
	}
	return append(runs, all)
}

// FuturesOutcome is what the runs of an edit found.
type FuturesOutcome struct {
	Runs                  []FuturesRun
	Compiled, Interpreted time.Duration // First's call in the original, on the first run's tasks (without a panic)
	Output                string
	Trace                 []byte
}

// Slowdown is as GoroutinesOutcome.Slowdown.
func (o FuturesOutcome) Slowdown() float64 { return slowdown(o.Compiled, o.Interpreted) }

// CleanRuns counts the runs that were clean.
func (o FuturesOutcome) CleanRuns() int {
	n := 0
	for _, r := range o.Runs {
		if r.Clean() {
			n++
		}
	}
	return n
}

// Verdict says in a sentence what the checker checked and found.
func (o FuturesOutcome) Verdict() string {
	if len(o.Runs) == 0 {
		return "not run"
	}
	if len(o.Runs) == 1 {
		return o.Runs[0].Describe()
	}
	wrong, ran, left, repeated := 0, 0, 0, 0
	for _, r := range o.Runs {
		if r.MostCalls > 1 {
			repeated++
		}
		if r.Value != r.Want || (r.Want == "" && r.Err == "") {
			wrong++
		}
		if r.Cancelled < r.Losers || r.RanToEnd > 0 { // as Clean: a loser called twice can be both
			ran++
		}
		if r.Running > 0 || r.Left > 0 {
			left++
		}
	}
	what := fmt.Sprintf("First returned the quickest success, every slower task was called and stopped when its context was cancelled, no task was still running when First returned, and %s after it the child had no more goroutines than before (where every task failed, the right result is an error)", durationText(Grace))
	if k := o.CleanRuns(); k < len(o.Runs) {
		s := fmt.Sprintf("in %d of %d runs %s. Not so in the others: a wrong result in %d, a slower task not stopped by cancelling (it ran to its end, or was never called) in %d, a task or goroutine that outlived First in %d",
			k, len(o.Runs), what, wrong, ran, left)
		if repeated > 0 {
			s += fmt.Sprintf(". In %d, some task was called more than once: %s", repeated, loopVariable)
		}
		return s
	}
	return fmt.Sprintf("in all %d runs %s", len(o.Runs), what)
}

// SlowdownNote says honestly, with this run's numbers, what the
// interpreter costs here.
func (o FuturesOutcome) SlowdownNote() string {
	if o.Slowdown() == 0 {
		return "Your version runs interpreted (yaegi), slower than compiled Go."
	}
	return fmt.Sprintf("Your version runs interpreted (yaegi). Measured in this run on the same tasks, the original took %s compiled and %s interpreted, %.2f× as long: "+
		"its time is the wait for the first task to succeed (or for every one to fail), a simulated latency the interpreter does not slow. Code that computes rather than waits runs many times slower interpreted.",
		durationText(o.Compiled), durationText(o.Interpreted), o.Slowdown())
}

// RunFutures runs spec.Source's First in a child process, once for each
// of spec.Runs, then, in another, the original on the first run's tasks
// compiled and interpreted, and calls onRun (may be nil) with each run as
// it ends. Errors are as RunRace's.
func RunFutures(ctx context.Context, spec FuturesSpec, onRun func(FuturesRun)) (FuturesOutcome, error) {
	var out FuturesOutcome
	if err := Check(spec.Source); err != nil {
		return out, err
	}
	if err := checkFetches(spec.Runs); err != nil {
		return out, err
	}
	if spec.Limits == (Limits{}) {
		spec.Limits = DefaultLimits
	}
	traced, err := runEdit(ctx, futuresJob, spec, spec.Limits, spec.Task, " (try fewer resources or shorter latencies)", func(r futuresReport) error {
		if r.Run != nil {
			out.Runs = append(out.Runs, *r.Run)
			if onRun != nil {
				onRun(*r.Run)
			}
		}
		out.Output = r.Output
		return nil
	})
	if err != nil {
		return out, err
	}
	out.Trace = traced
	sample := spec.Runs[0]
	sample.Panic = -1 // a panic would end the sample, not time it
	sctx, cancel := context.WithTimeout(ctx, DefaultLimits.Wall)
	defer cancel()
	if _, err := futuresSlowdownJob.Run(sctx, sample, child.Options{}, func(r futuresReport) error {
		out.Compiled, out.Interpreted = r.Compiled, r.Interpreted
		return nil
	}); err != nil {
		out.Compiled, out.Interpreted = 0, 0
	}
	return out, nil
}

func checkFetches(runs []Fetches) error {
	if len(runs) < 1 || len(runs) > MaxEditRuns {
		return fmt.Errorf("runs must be 1 to %d, got %d", MaxEditRuns, len(runs))
	}
	for _, f := range runs {
		if n := len(f.Latencies); n < 1 || n > 1000 || len(f.Fails) != n {
			return fmt.Errorf("a run needs 1 to 1000 tasks, each with a latency and whether it fails, got %d and %d", n, len(f.Fails))
		}
		for _, d := range f.Latencies {
			if d < 0 || d > 10*time.Second {
				return fmt.Errorf("a task's latency must be 0 to 10 s, got %s", d)
			}
		}
	}
	return nil
}

type futuresReport struct {
	Run                   *FuturesRun
	Output                string
	Compiled, Interpreted time.Duration
}

type firstFunc = func(context.Context, []func(context.Context) (string, error)) (string, error)

var futuresJob = child.Register("yours-futures", func(ctx context.Context, spec FuturesSpec, report func(futuresReport) error) error {
	if err := checkFetches(spec.Runs); err != nil {
		return err
	}
	var printed bytes.Buffer
	first := load[firstFunc](spec.Source, spec.Limits, "futures", "First",
		"func(ctx context.Context, tasks []func(context.Context) (string, error)) (string, error)", &printed)
	for _, f := range spec.Runs {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := runFetches(first, f)
		if err := report(futuresReport{Run: &r}); err != nil {
			return err
		}
	}
	return report(futuresReport{Output: printedHead(&printed)})
})

var futuresSlowdownJob = child.Register("yours-futures-slowdown", func(ctx context.Context, f Fetches, report func(futuresReport) error) error {
	if err := checkFetches([]Fetches{f}); err != nil {
		return err
	}
	c, i, err := timeSlowdown[firstFunc](FuturesTemplate, "futures", "First", futures.First, func(first firstFunc) time.Duration { return runFetches(first, f).Took })
	if err != nil {
		return err
	}
	return report(futuresReport{Compiled: c, Interpreted: i})
})

// runFetches calls first with f's tasks, counts the tasks running when
// first returned and the goroutines left Grace after, then waits for the tasks still working (up to a second
// more than the longest), so that they do not run into the next run, and
// counts how the losers ended.
func runFetches(first firstFunc, f Fetches) FuturesRun {
	n := len(f.Latencies)
	var mu sync.Mutex
	working, outlived := 0, 0
	returned := false // First has returned: a task called now outlives it
	ranToEnd := make([]bool, n)
	calls := make([]int, n)
	cancelled := make([]bool, n)
	tasks := make([]func(context.Context) (string, error), n)
	for i := range tasks {
		tasks[i] = func(ctx context.Context) (string, error) {
			mu.Lock()
			working++
			calls[i]++
			if returned {
				outlived++
			}
			mu.Unlock()
			defer func() {
				mu.Lock()
				working--
				mu.Unlock()
			}()
			t := time.NewTimer(f.Latencies[i])
			defer t.Stop()
			select {
			case <-ctx.Done():
				mu.Lock()
				cancelled[i] = true
				mu.Unlock()
				return "", ctx.Err()
			case <-t.C:
			}
			if i == f.Panic {
				panic(fmt.Sprintf("resource %d: a bug in the task", i))
			}
			mu.Lock()
			defer mu.Unlock()
			ranToEnd[i] = true
			if f.Fails[i] {
				return "", fmt.Errorf("resource %d: %w", i, techniques.ErrFetchFailed)
			}
			return fmt.Sprintf("resource #%d", i), nil
		}
	}
	before := runtime.NumGoroutine()
	start := time.Now()
	v, err := first(context.Background(), tasks) // cancelled only by First itself
	r := FuturesRun{Value: v, Took: time.Since(start)}
	mu.Lock()
	returned, outlived = true, working // the tasks First did not wait for
	mu.Unlock()
	if err != nil {
		r.Err = err.Error()
	}
	for deadline := time.Now().Add(Grace); runtime.NumGoroutine() > before && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	r.Left = runtime.NumGoroutine() - before
	longest := time.Duration(0)
	for _, d := range f.Latencies {
		longest = max(longest, d)
	}
	for deadline := time.Now().Add(longest + time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		mu.Lock()
		idle := working == 0
		mu.Unlock()
		if idle {
			break
		}
	}
	mu.Lock() // the tasks that have not returned by now never will
	defer mu.Unlock()
	r.Running = outlived
	for _, c := range calls {
		r.MostCalls = max(r.MostCalls, c)
	}
	winner := f.quickest()
	if winner >= 0 {
		r.Want = fmt.Sprintf("resource #%d", winner)
	}
	for i, d := range f.Latencies {
		if winner >= 0 && d > f.Latencies[winner] {
			r.Losers++
			if cancelled[i] {
				r.Cancelled++
			}
			if ranToEnd[i] {
				r.RanToEnd++
			}
		}
	}
	return r
}

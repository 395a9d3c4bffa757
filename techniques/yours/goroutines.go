package yours

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"sync"
	"time"

	"concurrencylab/techniques"
	"concurrencylab/techniques/child"
	"concurrencylab/techniques/yours/goroutines"
)

// GoroutinesTemplate is the editable source of the green threads panel's
// first program: start the tasks, then sleep a guessed 100 ms, as one
// self-contained function, Run. It is also compiled into the app, as
// package goroutines, to measure how much slower the interpreter runs it.
//
//go:embed goroutines/tasks.go
var GoroutinesTemplate string

// Tasks are the tasks of one run of Run: task i works for
// techniques.TaskTimes(N, Longest)[i], the panel's tasks.
type Tasks struct {
	N       int
	Longest time.Duration
}

// GoroutinesSpec is one request to run an edit of [GoroutinesTemplate].
type GoroutinesSpec struct {
	Source string
	Runs   []Tasks // one run of the edit for each, in order: 1 to MaxEditRuns
	Limits Limits  // zero: DefaultLimits
	Task   string  // as RaceSpec.Task: the runs as a trace task of this name
}

// MaxEditRuns is the most runs one request for the goroutines or futures
// panel may make.
const MaxEditRuns = 100

// GoroutinesRun is one run of an edit.
type GoroutinesRun struct {
	Tasks
	Ended     []int         // the tasks whose work ended before Run returned, in the order they ended
	Took      time.Duration // from Run's call to its return
	LastEnded time.Duration // when the last of Ended ended, from Run's call
}

// All reports whether every task's work ended before Run returned.
func (r GoroutinesRun) All() bool { return len(r.Ended) == r.N }

// Late is how long Run went on after the last task's work ended.
func (r GoroutinesRun) Late() time.Duration { return r.Took - r.LastEnded }

// Serial reports whether Run took more than WaitMargin longer than the
// longest task: the tasks did not all work at once (Run called them one
// after another, or a few at a time), so waiting for the last one to end
// took far longer than the tasks take.
func (r GoroutinesRun) Serial() bool { return r.Took > r.Longest+WaitMargin }

// WaitMargin is how soon after the last task ends Run must return for the
// checker to call its wait exact: far more than a WaitGroup or a channel
// takes, even interpreted on a busy machine, and less than the spread of
// the checker's runs, so no one sleep is right in all of them (see
// [GoroutinesCheck]).
const WaitMargin = 100 * time.Millisecond

// Exact reports whether every task ended before Run returned, Run returned
// within WaitMargin of the last, and the tasks worked at once (not
// Serial): Run took as long as its longest task, no more.
func (r GoroutinesRun) Exact() bool { return r.All() && r.Late() <= WaitMargin && !r.Serial() }

// Describe says what the run found, in a sentence.
func (r GoroutinesRun) Describe() string {
	if !r.All() {
		return fmt.Sprintf("%d of %d tasks ended before Run returned, after %s: %d were cut off", len(r.Ended), r.N, durationText(r.Took), r.N-len(r.Ended))
	}
	s := fmt.Sprintf("all %d tasks ended before Run returned; Run returned %s after the last one (%s in all, the longest task %s)", r.N, durationText(r.Late()), durationText(r.Took), durationText(r.Longest))
	if r.Serial() {
		s += ": the tasks did not all work at once"
	}
	return s
}

// GoroutinesCheck are the checker's runs: 20 runs of 10 tasks, the longest
// from 50 ms to 240 ms, 10 ms apart. A fixed sleep cuts tasks off in every
// run whose longest task is longer than the sleep, and returns late in every
// run whose longest task is more than WaitMargin shorter: it passes at most
// 11 of the 20.
func GoroutinesCheck() []Tasks {
	var runs []Tasks
	for i := range 20 {
		runs = append(runs, Tasks{N: 10, Longest: time.Duration(50+10*i) * time.Millisecond})
	}
	return runs
}

// GoroutinesOutcome is what the runs of an edit found.
type GoroutinesOutcome struct {
	Runs []GoroutinesRun
	// Compiled and Interpreted are how long the original's Run took on
	// the first run's tasks, in another child, compiled and interpreted.
	Compiled, Interpreted time.Duration
	Output                string // what the edit printed, its first 4 KiB
	Trace                 []byte // the child's execution trace, if GoroutinesSpec.Task was set
}

// Slowdown is how many times as long the original took interpreted as
// compiled, on this run; 0 if not measured.
func (o GoroutinesOutcome) Slowdown() float64 { return slowdown(o.Compiled, o.Interpreted) }

// ExactRuns counts the runs that were exact.
func (o GoroutinesOutcome) ExactRuns() int {
	n := 0
	for _, r := range o.Runs {
		if r.Exact() {
			n++
		}
	}
	return n
}

// Verdict says in a sentence what the checker checked and found.
func (o GoroutinesOutcome) Verdict() string {
	if len(o.Runs) == 0 {
		return "not run"
	}
	if len(o.Runs) == 1 {
		return o.Runs[0].Describe()
	}
	cut, late, serial := 0, 0, 0
	for _, r := range o.Runs {
		switch {
		case !r.All():
			cut++
		case r.Late() > WaitMargin:
			late++
		case r.Serial():
			serial++
		}
	}
	m := durationText(WaitMargin)
	what := fmt.Sprintf("every task ended before Run returned and Run returned within %s of the last one, and within %s of the longest task's time", m, m)
	if cut+late+serial == 0 {
		return fmt.Sprintf("in all %d runs %s", len(o.Runs), what)
	}
	return fmt.Sprintf("in %d of %d runs %s; in %d, tasks were cut off; in %d, Run returned more than %s after the last task ended; in %d, Run took more than %s longer than the longest task: the tasks did not all work at once",
		len(o.Runs)-cut-late-serial, len(o.Runs), what, cut, late, m, serial, m)
}

// SlowdownNote says honestly, with this run's numbers, what the
// interpreter costs here.
func (o GoroutinesOutcome) SlowdownNote() string {
	if o.Slowdown() == 0 {
		return "Your version runs interpreted (yaegi), slower than compiled Go."
	}
	return fmt.Sprintf("Your version runs interpreted (yaegi). Measured in this run on the same tasks, the original took %s compiled and %s interpreted (the quicker of two runs each), %.2f× as long: "+
		"its time is its 100 ms sleep, which the interpreter does not slow. Code that computes rather than waits runs many times slower interpreted.",
		durationText(o.Compiled), durationText(o.Interpreted), o.Slowdown())
}

// RunGoroutines runs spec.Source's Run in a child process, once for each
// of spec.Runs, then, in another, the original on the first run's tasks
// compiled and interpreted, and calls onRun (may be nil) with each run as
// it ends. Errors are as RunRace's.
func RunGoroutines(ctx context.Context, spec GoroutinesSpec, onRun func(GoroutinesRun)) (GoroutinesOutcome, error) {
	var out GoroutinesOutcome
	if err := Check(spec.Source); err != nil {
		return out, err
	}
	if err := checkTasks(spec.Runs); err != nil {
		return out, err
	}
	if spec.Limits == (Limits{}) {
		spec.Limits = DefaultLimits
	}
	traced, err := runEdit(ctx, goroutinesJob, spec, spec.Limits, spec.Task, "", func(r goroutinesReport) error {
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
	sctx, cancel := context.WithTimeout(ctx, DefaultLimits.Wall)
	defer cancel()
	if _, err := goroutinesSlowdownJob.Run(sctx, spec.Runs[0], child.Options{}, func(r goroutinesReport) error {
		out.Compiled, out.Interpreted = r.Compiled, r.Interpreted
		return nil
	}); err != nil {
		out.Compiled, out.Interpreted = 0, 0
	}
	return out, nil
}

func checkTasks(runs []Tasks) error {
	if len(runs) < 1 || len(runs) > MaxEditRuns {
		return fmt.Errorf("runs must be 1 to %d, got %d", MaxEditRuns, len(runs))
	}
	for _, t := range runs {
		if t.N < 1 || t.N > 1000 || t.Longest < 0 || t.Longest > 10*time.Second {
			return fmt.Errorf("a run needs 1 to 1000 tasks, the longest taking at most 10 s, got %d and %s", t.N, t.Longest)
		}
	}
	return nil
}

// goroutinesReport is one message from the child: a run, or, at the end,
// what the edit printed; from the slowdown child, the original's times.
type goroutinesReport struct {
	Run                   *GoroutinesRun
	Output                string
	Compiled, Interpreted time.Duration
}

var goroutinesJob = child.Register("yours-goroutines", func(ctx context.Context, spec GoroutinesSpec, report func(goroutinesReport) error) error {
	if err := checkTasks(spec.Runs); err != nil {
		return err
	}
	var printed bytes.Buffer
	run := load[func(int, func(int))](spec.Source, spec.Limits, "goroutines", "Run", "func(n int, task func(i int))", &printed)
	for _, tasks := range spec.Runs {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := runTasks(run, tasks)
		if err := report(goroutinesReport{Run: &r}); err != nil {
			return err
		}
	}
	return report(goroutinesReport{Output: printedHead(&printed)})
})

var goroutinesSlowdownJob = child.Register("yours-goroutines-slowdown", func(ctx context.Context, tasks Tasks, report func(goroutinesReport) error) error {
	if err := checkTasks([]Tasks{tasks}); err != nil {
		return err
	}
	c, i, err := timeSlowdown(GoroutinesTemplate, "goroutines", "Run", goroutines.Run, func(run func(int, func(int))) time.Duration {
		return min(runTasks(run, tasks).Took, runTasks(run, tasks).Took) // the quicker of two: the child runs at a low priority on a busy machine
	})
	if err != nil {
		return err
	}
	return report(goroutinesReport{Compiled: c, Interpreted: i})
})

// runTasks calls run with the tasks and records which of them ended
// before it returned. A task records its end only if Run has not returned:
// as a line printed before main returns. Then it waits for the tasks still
// working (up to a second more than the longest), so that they do not
// run into the next run.
func runTasks(run func(int, func(int)), tasks Tasks) GoroutinesRun {
	times := techniques.TaskTimes(tasks.N, tasks.Longest)
	r := GoroutinesRun{Tasks: tasks}
	var mu sync.Mutex
	called := make([]bool, tasks.N)
	over, working := false, 0
	start := time.Now()
	task := func(i int) {
		mu.Lock()
		if i < 0 || i >= tasks.N || called[i] {
			mu.Unlock()
			stop(&Problem{Kind: Failed, Msg: fmt.Sprintf("task(%d) was called twice or is out of range: call task(i) once for each i from 0 to %d. "+
				"In the interpreter a for loop's variable is one for all its iterations, and a func literal handed to wg.Go shares even a copy made in the loop (i := i): "+
				"a goroutine started in the loop that reads i may see a later value, even n; start it with go func(i int) {…}(i), i passed as an argument", i, tasks.N-1)})
		}
		called[i] = true
		working++
		mu.Unlock()
		time.Sleep(times[i]) // the task's work
		mu.Lock()
		if !over {
			r.Ended = append(r.Ended, i)
			r.LastEnded = time.Since(start)
		}
		working--
		mu.Unlock()
	}
	run(tasks.N, task)
	took := time.Since(start)
	mu.Lock()
	over, r.Took = true, took
	mu.Unlock()
	for deadline := time.Now().Add(tasks.Longest + time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		mu.Lock()
		idle := working == 0
		mu.Unlock()
		if idle {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return GoroutinesRun{Tasks: r.Tasks, Ended: r.Ended, Took: r.Took, LastEnded: r.LastEnded}
}

// durationText is d rounded for reading: to 1 µs under a millisecond, to
// 0.1 ms under a second.
func durationText(d time.Duration) string {
	if d < time.Millisecond {
		return d.Round(time.Microsecond).String()
	}
	if d < time.Second {
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

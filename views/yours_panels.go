package views

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques/yours"
)

// The goroutines and futures panels' "your version": as the race panel's
// (yours.go), the learner's edit of the panel's technique, run in a child
// process by an interpreter, shown in a line of the panel's own beside
// the original's results.

const (
	goroutinesYoursPref  = "yours.goroutines.source"
	goroutinesSolvedPref = "yours.goroutines.solved"
	futuresYoursPref     = "yours.futures.source"
	futuresSolvedPref    = "yours.futures.solved"
)

// goroutinesCheck and futuresCheck are the checkers' runs (a test may
// shorten them).
var (
	goroutinesCheck = yours.GoroutinesCheck
	futuresCheck    = yours.FuturesCheck
)

// goroutinesYours is the green threads panel's: Run, the program that
// starts the tasks and then sleeps.
type goroutinesYours struct {
	*editable
	v    *goroutinesView
	note *widget.Label // what the last run of the edit found
}

func newGoroutinesYours(v *goroutinesView) *goroutinesYours {
	y := &goroutinesYours{v: v, note: wrapped("Your version: edit Run, this program as one function, in the Code tab, then Run my version.")}
	y.editable = newEditable(&v.runs, yours.GoroutinesTemplate, "Run", "goroutines.go", goroutinesYoursPref,
		fmt.Sprintf("Edit Run, the program that starts the tasks and then sleeps a guessed 100 ms, and run your version with the panel's %d tasks and its longest task.", articleTasks),
		len(goroutinesCheck()))
	y.exercise, y.editable.run, y.editable.check = y.exerciseText, y.run, y.check
	return y
}

func (y *goroutinesYours) exerciseText() string {
	runs := goroutinesCheck()
	text := fmt.Sprintf("Exercise: replace the sleep with a wait exactly as long as the tasks take. "+
		"\"Check it\" runs your version %d times with %d tasks, the longest %d ms, then %d ms more each run up to %d ms, "+
		"and passes it if in every run every task ended before Run returned, and Run returned within %d ms of the last one and of the longest task's time (the tasks worked at once). "+
		"No one sleep can do that in every run; a sync.WaitGroup or a channel can (so could polling a count with short sleeps: the checker times the runs and cannot tell).",
		len(runs), runs[0].N, runs[0].Longest.Milliseconds(), (runs[1].Longest - runs[0].Longest).Milliseconds(),
		runs[len(runs)-1].Longest.Milliseconds(), yours.WaitMargin.Milliseconds())
	if fyne.CurrentApp().Preferences().Bool(goroutinesSolvedPref) {
		text += " Solved: a version of yours passed every run."
	}
	return text
}

func (y *goroutinesYours) run() error {
	tasks := yours.Tasks{N: articleTasks, Longest: time.Duration(y.v.longest.Value) * time.Millisecond}
	return y.start([]yours.Tasks{tasks}, nil)
}

func (y *goroutinesYours) check() error {
	return y.start(goroutinesCheck(), func(out yours.GoroutinesOutcome) {
		if out.ExactRuns() == len(out.Runs) && len(out.Runs) == len(goroutinesCheck()) {
			fyne.CurrentApp().Preferences().SetBool(goroutinesSolvedPref, true)
		}
	})
}

// start runs the edit once for each of runs; solved (may be nil) judges a
// run that ended, on the Fyne goroutine.
func (y *goroutinesYours) start(runs []yours.Tasks, solved func(yours.GoroutinesOutcome)) error {
	src := y.source()
	return y.runs.startTraced(func() error { y.clear(); return nil }, func(ctx context.Context) ([]byte, error) {
		done := 0
		clock := y.countdown(yours.DefaultLimits.Wall)
		defer clock.stop()
		out, err := yours.RunGoroutines(ctx, yours.GoroutinesSpec{Source: src, Runs: runs, Task: y.runs.task}, func(yours.GoroutinesRun) {
			if done++; done == len(runs) {
				clock.stop() // the edit's child is done: the interpreter's cost is measured next, under a limit of its own
			}
			if len(runs) > 1 && done%5 == 0 {
				n := done // the function runs later, on another goroutine
				clock.do(func() { y.setStatus(fmt.Sprintf("Checking: %d of %d runs…", n, len(runs)), 0) })
			}
		})
		clock.do(func() {
			y.show(out, err)
			if err == nil && solved != nil && src != yours.GoroutinesTemplate {
				solved(out)
			}
		})
		return out.Trace, err
	}, nil)
}

func (y *goroutinesYours) clear() {
	y.note.SetText("Running your version, interpreted, in a separate process…")
	y.setStatus("Running…", 0)
}

func (y *goroutinesYours) show(out yours.GoroutinesOutcome, err error) {
	if y.failed(y.note, err) {
		return
	}
	text := "Your version: " + out.Verdict() + ". " + out.SlowdownNote() + printed(out.Output)
	y.note.SetText(text)
	y.setStatus(text, 0)
	res := map[string]any{"verdict": out.Verdict(), "runs": len(out.Runs), "exact_runs": out.ExactRuns(), "slowdown": out.Slowdown(),
		"original_compiled_ms": ms(out.Compiled), "original_interpreted_ms": ms(out.Interpreted)}
	if n := len(out.Runs); n > 0 {
		r := out.Runs[n-1]
		res["tasks"], res["tasks_ended_before_return"], res["ms"], res["longest_task_ms"] = r.N, len(r.Ended), ms(r.Took), ms(r.Longest)
		if r.All() {
			res["ms_after_the_last_task"] = ms(r.Late())
		}
	}
	y.runs.setResult("yours", res)
}

// futuresYours is the futures panel's: First, the first-of that does not
// cancel its losers.
type futuresYours struct {
	*editable
	v    *futuresView
	note *widget.Label
}

func newFuturesYours(v *futuresView) *futuresYours {
	y := &futuresYours{v: v, note: wrapped("Your version: edit First, the first-of that never cancels its losers, in the Code tab, then Run my version.")}
	y.editable = newEditable(&v.runs, yours.FuturesTemplate, "First", "futures.go", futuresYoursPref,
		"Edit First, a first-of that never cancels its losers (FirstNoCancel, unbuffered), and run your version on the panel's resources, latencies and failures. "+
			"With \"the task of resource 0 panics\" ticked, that task panics in the goroutine that called it, which ends the process running your version unless that goroutine recovers.",
		len(futuresCheck()))
	y.exercise, y.editable.run, y.editable.check = y.exerciseText, y.run, y.check
	return y
}

func (y *futuresYours) exerciseText() string {
	runs := futuresCheck()
	text := fmt.Sprintf("Exercise: make First cancel the losers, and return only once they have stopped. "+
		"\"Check it\" runs it %d times on %d tasks, 40 to 790 ms, 150 ms apart (in every other run the quickest fails, in the last every task), "+
		"and passes it if in every run First returned the quickest success (an error when every task failed), every slower task was called and stopped by the cancel, none was running when First returned, "+
		"and within %d ms the process's goroutine count was back to where it was. "+
		"(A short sleep after the cancel can pass too, by luck: the checker cannot see how you waited.)",
		len(runs), len(runs[0].Latencies), yours.Grace.Milliseconds())
	if fyne.CurrentApp().Preferences().Bool(futuresSolvedPref) {
		text += " Solved: a version of yours passed every run."
	}
	return text
}

func (y *futuresYours) run() error {
	n, cfg, bad := y.v.config()
	if bad != nil {
		return bad
	}
	return y.start([]yours.Fetches{yours.FetchesOf(n, cfg, uint64(time.Now().UnixNano()))}, nil)
}

func (y *futuresYours) check() error {
	return y.start(futuresCheck(), func(out yours.FuturesOutcome) {
		if out.CleanRuns() == len(out.Runs) && len(out.Runs) == len(futuresCheck()) {
			fyne.CurrentApp().Preferences().SetBool(futuresSolvedPref, true)
		}
	})
}

func (y *futuresYours) start(runs []yours.Fetches, solved func(yours.FuturesOutcome)) error {
	src := y.source()
	return y.runs.startTraced(func() error { y.clear(); return nil }, func(ctx context.Context) ([]byte, error) {
		done := 0
		clock := y.countdown(yours.DefaultLimits.Wall)
		defer clock.stop()
		out, err := yours.RunFutures(ctx, yours.FuturesSpec{Source: src, Runs: runs, Task: y.runs.task}, func(yours.FuturesRun) {
			if done++; done == len(runs) {
				clock.stop() // the edit's child is done: the interpreter's cost is measured next, under a limit of its own
			}
			if len(runs) > 1 {
				n := done // the function runs later, on another goroutine
				clock.do(func() { y.setStatus(fmt.Sprintf("Checking: %d of %d runs…", n, len(runs)), 0) })
			}
		})
		clock.do(func() {
			y.show(out, err)
			if err == nil && solved != nil && src != yours.FuturesTemplate {
				solved(out)
			}
		})
		return out.Trace, err
	}, nil)
}

func (y *futuresYours) clear() {
	y.note.SetText("Running your version, interpreted, in a separate process…")
	y.setStatus("Running…", 0)
}

func (y *futuresYours) show(out yours.FuturesOutcome, err error) {
	if y.failed(y.note, err) {
		return
	}
	text := "Your version: " + out.Verdict() + ". " + out.SlowdownNote() + printed(out.Output)
	y.note.SetText(text)
	y.setStatus(text, 0)
	res := map[string]any{"verdict": out.Verdict(), "runs": len(out.Runs), "clean_runs": out.CleanRuns(), "slowdown": out.Slowdown(),
		"original_compiled_ms": ms(out.Compiled), "original_interpreted_ms": ms(out.Interpreted)}
	if n := len(out.Runs); n > 0 {
		r := out.Runs[n-1]
		res["value"], res["error"], res["quickest_success"], res["ms"] = r.Value, r.Err, r.Want, ms(r.Took)
		res["slower_tasks"], res["cancelled"], res["ran_to_their_end"] = r.Losers, r.Cancelled, r.RanToEnd
		res["tasks_running_when_first_returned"], res["goroutines_left_after_grace"] = r.Running, r.Left
	}
	y.runs.setResult("yours", res)
}

package views

import (
	"context"
	"errors"
	"fmt"
	"runtime/trace"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"github.com/sourcegraph/conc"
	"github.com/sourcegraph/conc/panics"
)

// A panel states what a run does; its runs decide whether it starts:
//
//	v.runs.start(prepare, work, done)       // work on a goroutine of the runs
//	v.runs.startTraced(prepare, work, done) // the same, for work done in a child process: it returns the child's trace
//	v.runs.block(prepare, work, done)       // work on the Fyne goroutine: the freeze
//
// A run is refused (ErrBusy, ErrFrozenInput) before anything of it runs.
// prepare (Fyne goroutine; may be nil) runs only once the run is accepted:
// it clears the last results, or returns an error (bad input) that cancels
// the run. work gets the run's context. done (Fyne goroutine; may be nil)
// gets work's error, then every watcher (watch) hears the end, once.

// ErrBusy is returned when a panel is asked to start a run while one is in flight.
var ErrBusy = errors.New("a run is already in progress: cancel it first (Esc)")

// ErrFrozenInput is returned for a run asked for just as a blocking run gave
// the window back: the clicks and keys made during the freeze queue up and
// arrive all at once when it thaws, and fifty impatient clicks on a blocking
// button must not become fifty more freezes.
var ErrFrozenInput = errors.New("ignored the clicks made while the window was frozen")

// RunChange is what a run's watchers hear: once when it starts (Busy), once
// when it ends, with its error and, if its work was done in a child
// process, the execution trace the child recorded (the app's own recorder
// cannot see into another process).
type RunChange struct {
	Busy  bool
	Err   error
	Trace []byte
}

// runs owns the goroutines of one panel. At most one run is in flight at a
// time; each has its own context, cancelled by Cancel, by leaving the panel
// or by closing the window. Its methods are called on the Fyne goroutine,
// except Cancel, Busy and Wait.
type runs struct {
	wg   conc.WaitGroup
	task string // each run is a runtime/trace task of this name, for the X-ray

	mu     sync.Mutex
	cancel context.CancelFunc // non-nil while a run is in flight

	watchers []func(RunChange)
	// before, if set, is called on the goroutine about to do a run's work,
	// before the run's task begins: it may wait (see Demo.BeforeEachRun).
	before func()
	freeze freezes
	// results is what the last run measured, set by the view as it shows
	// it (setResult), for --report and File → Export results….
	results results
}

// setResult records one value the current run measured, under a name a
// reader understands, as the panel shows it. Fyne goroutine; a new run
// forgets the last run's results.
func (r *runs) setResult(key string, value any) { r.results.set(key, value) }

// watch adds f to be called on the Fyne goroutine when a run starts and when it ends.
func (r *runs) watch(f func(RunChange)) { r.watchers = append(r.watchers, f) }

// start runs work on a new goroutine owned by r and returns at once. A
// panic in work becomes an error; it never takes the app down.
func (r *runs) start(prepare func() error, work func(context.Context) error, done func(error)) error {
	return r.startTraced(prepare, untraced(work), done)
}

// startTraced is start for work done in a child process, which returns
// the trace the child recorded.
func (r *runs) startTraced(prepare func() error, work func(context.Context) ([]byte, error), done func(error)) error {
	ctx, cancel, err := r.accept(prepare)
	if err != nil {
		return err
	}
	r.wg.Go(func() {
		r.beforeWork()
		traced, err := r.do(ctx, work)
		cancel()
		fyne.Do(func() { r.end(RunChange{Err: err, Trace: traced}, done) })
	})
	return nil
}

// block runs work on the calling goroutine, which is the Fyne goroutine: the
// wrong way, kept so the freeze can be seen. Nothing can be drawn, and no
// Cancel can be pressed, until work returns.
func (r *runs) block(prepare func() error, work func(context.Context) error, done func(error)) error {
	ctx, cancel, err := r.accept(prepare)
	if err != nil {
		return err
	}
	began := time.Now() // the window is frozen from here, waiting for beforeWork too
	r.beforeWork()
	_, err = r.do(ctx, untraced(work))
	cancel()
	r.freeze.ended(time.Since(began))
	r.end(RunChange{Err: err}, done)
	return nil
}

// accept refuses a run while one is in flight or just after a freeze;
// otherwise it prepares the run and marks it in flight.
func (r *runs) accept(prepare func() error) (context.Context, context.CancelFunc, error) {
	if r.freeze.thawing {
		return nil, nil, ErrFrozenInput
	}
	if r.Busy() {
		return nil, nil, ErrBusy
	}
	if prepare != nil {
		if err := prepare(); err != nil {
			return nil, nil, err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.mu.Lock()
	r.cancel = cancel
	r.mu.Unlock()
	r.results.reset()
	r.notify(RunChange{Busy: true})
	return ctx, cancel, nil
}

func (r *runs) beforeWork() {
	if r.before != nil {
		r.before()
	}
}

// do runs work as a runtime/trace task, turning a panic into an error.
func (r *runs) do(ctx context.Context, work func(context.Context) ([]byte, error)) (traced []byte, err error) {
	ctx, task := trace.NewTask(ctx, r.task)
	defer task.End()
	var c panics.Catcher
	c.Try(func() { traced, err = work(ctx) })
	if p := c.Recovered(); p != nil {
		return traced, fmt.Errorf("the workload panicked: %w", p.AsError())
	}
	return traced, err
}

func (r *runs) end(c RunChange, done func(error)) {
	r.results.ended(c.Err)
	r.mu.Lock()
	r.cancel = nil
	r.mu.Unlock()
	if done != nil {
		done(c.Err)
	}
	r.notify(c)
}

func (r *runs) notify(c RunChange) {
	for _, f := range r.watchers {
		f(c)
	}
}

// Cancel asks the run in flight, if any, to stop. It does not wait.
func (r *runs) Cancel() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

// Busy reports whether a run is in flight.
func (r *runs) Busy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cancel != nil
}

// Wait blocks until every goroutine started by r has returned. Tests use it
// before asserting on widgets. It must not be called on the Fyne goroutine.
func (r *runs) Wait() { r.wg.Wait() }

func untraced(work func(context.Context) error) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) { return nil, work(ctx) }
}

// freezes counts the blocking runs, and drops the input queued during
// one: from the end of a freeze until the event loop has polled again, the
// window is thawing. Fyne goroutine.
type freezes struct {
	count   int
	last    time.Duration // how long the last one held the window
	thawing bool
	// afterPoll, if set, replaces afterNextPoll: for tests.
	afterPoll func(f func())
}

func (f *freezes) ended(took time.Duration) {
	f.count++
	f.last = took
	f.thawing = true
	thawed := func() { f.thawing = false }
	if f.afterPoll != nil {
		f.afterPoll(thawed)
	} else {
		afterNextPoll(thawed)
	}
}

// afterNextPoll calls f on the Fyne goroutine once the event loop has
// polled for input again: by then, what queued up during a freeze has been
// delivered. Fyne ticks its animations right after each poll, so the second
// tick of an animation started now comes after a whole poll begun after now.
// Tests replace it: Fyne's test driver has no event loop.
var afterNextPoll = func(f func()) {
	ticks := 0
	var a *fyne.Animation
	a = &fyne.Animation{Duration: time.Second, RepeatCount: fyne.AnimationRepeatForever, Tick: func(float32) {
		if ticks++; ticks == 2 {
			a.Stop()
			f()
		}
	}}
	a.Start()
}

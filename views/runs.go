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

// ErrBusy is returned when a panel is asked to start a run while one is in flight.
var ErrBusy = errors.New("a run is already in progress: cancel it first (Esc)")

// ErrFrozenInput is returned for a run asked for just as a blocking run gave
// the window back: the clicks and keys made during the freeze queue up and
// arrive all at once when it thaws, and fifty impatient clicks on a blocking
// button must not become fifty more freezes.
var ErrFrozenInput = errors.New("ignored the clicks made while the window was frozen")

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

// runs owns the goroutines of one panel. At most one run is in flight at a time;
// each has its own context, cancelled by Cancel, by leaving the panel or by
// closing the window. Its methods are called on the Fyne goroutine, except Wait.
type runs struct {
	wg   conc.WaitGroup
	task string // each run is a runtime/trace task of this name, for the X-ray

	mu     sync.Mutex
	cancel context.CancelFunc // non-nil while a run is in flight
	traced []byte             // the execution trace of the last run, when it ran in a child process

	// busyChanged is called on the Fyne goroutine when a run starts or ends,
	// so the panel can switch its buttons between Run and Cancel.
	busyChanged []func(busy bool)
	// finished is called on the Fyne goroutine after each run ends, with its error.
	finished func(err error)
	// thawing is true from the end of a blocking run until the input made
	// during it has been delivered (and dropped).
	thawing bool
	freezes int           // how many blocking runs there have been
	froze   time.Duration // how long the last one held the window
	// afterPoll, if set, replaces afterNextPoll: for tests.
	afterPoll func(f func())
	// results is what the last run measured, set by the view as it shows it
	// (setResult), for --report and File → Export results….
	results results
}

// setResult records one value the current run measured, under a name a
// reader understands, as the panel shows it. Call it on the Fyne goroutine;
// a new run forgets the last run's results.
func (r *runs) setResult(key string, value any) { r.results.set(key, value) }

// refused says why a run asked for now would not start: ErrBusy or
// ErrFrozenInput, or nil. A panel asks before it clears its results for a
// new run, so a refused click never wipes what the user is looking at.
func (r *runs) refused() error {
	if r.thawing {
		return ErrFrozenInput
	}
	if r.Busy() {
		return ErrBusy
	}
	return nil
}

// start runs work on a new goroutine owned by r and returns at once. When work
// returns, done (if not nil) and then the finished hook run on the Fyne
// goroutine. A panic in work becomes an error; it never takes the app down.
// If a run is already in flight, start does nothing and returns ErrBusy;
// just after a blocking run, ErrFrozenInput.
func (r *runs) start(work func(ctx context.Context) error, done func(err error)) error {
	if r.thawing {
		return ErrFrozenInput
	}
	r.mu.Lock()
	if r.cancel != nil {
		r.mu.Unlock()
		return ErrBusy
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.traced = nil
	r.mu.Unlock()
	r.results.reset()
	r.setBusy(true)

	r.wg.Go(func() {
		ctx, task := trace.NewTask(ctx, r.task)
		err := safely(ctx, work)
		task.End()
		cancel()
		fyne.Do(func() { r.end(err, done) })
	})
	return nil
}

// block runs work on the calling goroutine, which is the Fyne goroutine: the
// wrong way, kept so the freeze can be seen. Nothing can be drawn, and no
// Cancel can be pressed, until work returns.
func (r *runs) block(work func(ctx context.Context) error, done func(err error)) error {
	if r.thawing {
		return ErrFrozenInput
	}
	r.mu.Lock()
	if r.cancel != nil {
		r.mu.Unlock()
		return ErrBusy
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.traced = nil
	r.mu.Unlock()
	r.results.reset()
	r.setBusy(true) // nothing can be drawn now, but the state stays consistent

	r.freezes++
	began := time.Now()
	ctx, task := trace.NewTask(ctx, r.task)
	err := safely(ctx, work)
	task.End()
	cancel()
	r.froze = time.Since(began)
	r.thawing = true
	thawed := func() { r.thawing = false }
	if r.afterPoll != nil {
		r.afterPoll(thawed)
	} else {
		afterNextPoll(thawed)
	}
	r.end(err, done)
	return nil
}

func (r *runs) end(err error, done func(error)) {
	r.results.ended(err)
	r.mu.Lock()
	r.cancel = nil
	r.mu.Unlock()
	if done != nil {
		done(err)
	}
	r.setBusy(false)
	if r.finished != nil {
		r.finished(err)
	}
}

// keepTrace keeps the execution trace of the run in flight, recorded by the
// child process that did its work: the X-ray reads it instead of the app's
// own recorder, which cannot see into another process. Any goroutine.
func (r *runs) keepTrace(traced []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.traced = traced
}

// takeTrace returns the trace keepTrace kept of the last run, if any, and forgets it.
func (r *runs) takeTrace() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	traced := r.traced
	r.traced = nil
	return traced
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

func (r *runs) onBusy(f func(busy bool)) { r.busyChanged = append(r.busyChanged, f) }

func (r *runs) setBusy(busy bool) {
	for _, f := range r.busyChanged {
		f(busy)
	}
}

// safely runs work and turns a panic into an error that carries its stack.
func safely(ctx context.Context, work func(context.Context) error) (err error) {
	var c panics.Catcher
	c.Try(func() { err = work(ctx) })
	if r := c.Recovered(); r != nil {
		return fmt.Errorf("the workload panicked: %w", r.AsError())
	}
	return err
}

package views

import (
	"time"

	"fyne.io/fyne/v2"
)

// Demo is a panel's live part: its widgets and the control of its primary demo,
// which the shell uses for --autorun, --blocking, Ctrl+R and Esc. All methods
// but Wait are called on the Fyne goroutine.
type Demo struct {
	// Content is what the Demo tab shows.
	Content fyne.CanvasObject

	runs     *runs
	streams  *streams     // long-lived pipelines the panel may run beside its runs, or nil
	primary  func() error // starts the primary demo off the Fyne goroutine, as its main button would
	blocking func() error // does the primary demo's work on the Fyne goroutine: the freeze
	changed  func(RunChange)
}

func newDemo(content fyne.CanvasObject, r *runs, primary, blocking func() error) *Demo {
	d := &Demo{Content: content, runs: r, primary: primary, blocking: blocking}
	r.watch(func(c RunChange) {
		if d.changed != nil {
			d.changed(c)
		}
	})
	return d
}

// Run starts the primary demo exactly as its main button would, and returns
// at once. It returns ErrBusy if a run is in flight.
func (d *Demo) Run() error { return d.primary() }

// RunBlocking does the primary demo's work on the calling (Fyne) goroutine, so
// the window freezes until it is done. It is the wrong way, kept to be felt.
func (d *Demo) RunBlocking() error { return d.blocking() }

// Cancel stops the run in flight, if any, and the panel's streams, without
// waiting for them.
func (d *Demo) Cancel() {
	d.runs.Cancel()
	if d.streams != nil {
		d.streams.Cancel()
	}
}

// Freezes counts the blocking runs so far, and says how long the last one
// froze the window.
func (d *Demo) Freezes() (int, time.Duration) { return d.runs.freeze.count, d.runs.freeze.last }

// Busy reports whether a run is in flight.
func (d *Demo) Busy() bool { return d.runs.Busy() }

// Wait blocks until every goroutine of the demo has returned, streams
// included: those run until Cancel. Never call it on the Fyne goroutine.
func (d *Demo) Wait() {
	d.runs.Wait()
	if d.streams != nil {
		d.streams.Wait()
	}
}

// OnChange sets f to be called on the Fyne goroutine when a run of this
// demo starts and when it ends, after the panel has shown how it ended.
// A later call replaces f.
func (d *Demo) OnChange(f func(RunChange)) { d.changed = f }

// Report returns what the last run measured, as the panel showed it: the
// --report file and File → Export results…. ok is false if no run has begun.
func (d *Demo) Report() (r Report, ok bool) {
	if !d.runs.results.hasRun() {
		return Report{}, false
	}
	return d.runs.results.report(d.runs.task), true
}

// LastRun says how the last run ended: whether one has ended since the
// panel was built, its error (nil if it succeeded) and how long it took.
func (d *Demo) LastRun() (ended bool, took time.Duration, err error) {
	return d.runs.results.last()
}

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

	open     func(id string) *Demo                     // the shell's navigation, if set: shows a panel, returns its demo
	schedule func(program string, schedule []int) bool // the scheduler panel's: shows a program after a schedule
	keys     func(name fyne.KeyName, mod fyne.KeyModifier) bool
	predict  *predictor // the question asked before Run, if any (SetPredictions)
	code     codeEditor // a panel whose technique the learner can edit (yours.go), or nil
}

// Key offers the panel a key the window received while it is shown: a
// typed key (mod 0) or a shortcut. It reports whether the panel used it.
func (d *Demo) Key(name fyne.KeyName, mod fyne.KeyModifier) bool {
	if d != nil && d.predict != nil && d.predict.dlg != nil {
		return d.predict.key(name, mod) // the question is on screen: its number keys
	}
	return d != nil && d.keys != nil && d.keys(name, mod)
}

// SetOpener lets the panel open another panel, as the navigation would:
// open shows the panel with that ID and returns its demo, or nil.
func (d *Demo) SetOpener(open func(id string) *Demo) { d.open = open }

// openSchedule opens the scheduler panel on program, after schedule.
func (d *Demo) openSchedule(program string, schedule []int) {
	if d.open == nil {
		return
	}
	if s := d.open("scheduler"); s != nil && s.schedule != nil {
		s.schedule(program, schedule)
	}
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
// at once. It returns ErrBusy if a run is in flight. With predictions set
// and asking on, it first shows the panel's question; the run starts once
// it is answered or skipped.
func (d *Demo) Run() error {
	if d.predict != nil {
		return d.predict.run(d)
	}
	return d.primary()
}

// RunBlocking does the primary demo's work on the calling (Fyne) goroutine, so
// the window freezes until it is done. It is the wrong way, kept to be felt.
func (d *Demo) RunBlocking() error { return d.blocking() }

// Cancel stops the run in flight, if any, and the panel's streams, without
// waiting for them.
func (d *Demo) Cancel() {
	if d.predict != nil {
		d.predict.dismiss() // a question still on screen: no run follows it
	}
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

// BeforeEachRun sets f to be called before each run's work begins, on the
// goroutine that does it. On a run's own goroutine f may wait (for the
// recorder to start, say) without holding up the window; a blocking run
// calls it on the Fyne goroutine, and its wait is part of the freeze.
func (d *Demo) BeforeEachRun(f func()) { d.runs.before = f }

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

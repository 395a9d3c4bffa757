package views

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
	"concurrencylab/techniques/yours"
)

// codeEditor is a panel whose technique the learner can edit and run: its
// Code tab gets Edit, Run my version and Reset.
type codeEditor interface {
	codeTab(src string) fyne.CanvasObject
	setCode(src string) error
}

// ErrNotEditable is SetCode's error on a panel with nothing to edit.
var ErrNotEditable = errors.New("this panel has no editable technique")

// CodeTab is what the Code tab shows: the technique's source, and, on a
// panel whose technique can be edited, the editor above it. Fyne goroutine.
func (d *Demo) CodeTab(src string) fyne.CanvasObject {
	if d == nil || d.code == nil {
		return NewCodeView(src)
	}
	return d.code.codeTab(src)
}

// SetCode makes src the learner's version of the panel's technique, as
// --code does: the primary demo then runs it after the original, and
// reports it as results.yours.
func (d *Demo) SetCode(src string) error {
	if d == nil || d.code == nil {
		return ErrNotEditable
	}
	return d.code.setCode(src)
}

// CodeTemplate returns the editable source of the panel's technique, what
// Edit starts from; ok is false if it has none.
func CodeTemplate(panelID string) (src string, ok bool) {
	switch panelID {
	case "race":
		return yours.RaceTemplate, true
	case "goroutines":
		return yours.GoroutinesTemplate, true
	case "futures":
		return yours.FuturesTemplate, true
	case "scheduler":
		return yours.SchedulerTemplate, true
	}
	return "", false
}

// CheckCode checks src as an edit of that panel's technique, as --code does
// before the window opens: its syntax and its imports.
func CheckCode(panelID, src string) error {
	if panelID == "scheduler" {
		return yours.Check(src, yours.StepPackage) // its programs run on the stepping runtime
	}
	return yours.Check(src)
}

// editable is what every panel with an editable technique shares: the
// learner's edit, kept across restarts until Reset, the Code tab's editor
// and buttons, and how the last run of the edit went. The panel's part
// (raceYours, goroutinesYours, futuresYours) runs the edit and shows it.
type editable struct {
	runs      *runs
	template  string // what Edit starts from
	fn        string // the function it must define, with the template's signature
	file      string // the technique file the Code tab shows beside the edit
	intro     string // above the buttons: what to edit, and how it runs
	pref      string // the preference that keeps the edit
	checkRuns int    // how many runs Check it makes
	// checkLabel, if set, is the Check button's text, for a checker that
	// counts something other than runs.
	checkLabel string
	exercise   func() string
	run        func() error // Run my version; nil: the panel has no such button
	check      func() error // Check it
	// limitsNote says the limits, if not DefaultLimits (see limits).
	limitsNote string
	// imports are the packages it may import, besides yours.Allowed.
	imports []string

	editing bool
	forced  string // the edit from --code, not saved: the primary demo runs it too

	// status shows, in the Code tab, how the last run of the edit went; a
	// new tab copies it.
	status   string
	line     int                           // the line the last problem concerns, from 1, or 0
	onStatus func(status string, line int) // shows a status in the Code tab last built
	onBusy   func(busy bool)               // enables its Run button
	onCode   func()                        // shows it the edit from --code
	editor   *goEditor                     // the Code tab's editor last built (editor.go)
}

// newEditable is an edit of template, which defines the function fn, kept
// in the preference pref. The panel sets run, check and exercise before its
// Code tab is built.
func newEditable(r *runs, template, fn, file, pref, intro string, checkRuns int) *editable {
	e := &editable{runs: r, template: template, fn: fn, file: file, pref: pref, intro: intro, checkRuns: checkRuns}
	r.watch(func(c RunChange) {
		if e.onBusy != nil {
			e.onBusy(c.Busy)
		}
	})
	return e
}

// source is the edit, or the original if there is none.
func (e *editable) source() string {
	if e.forced != "" {
		return e.forced
	}
	return fyne.CurrentApp().Preferences().StringWithFallback(e.pref, e.template)
}

func (e *editable) setCode(src string) error {
	if err := yours.Check(src, e.imports...); err != nil {
		return err
	}
	e.forced, e.editing = src, true
	if e.onCode != nil {
		e.onCode()
	}
	return nil
}

// codeTab is the panel's Code tab: its technique file as the panel runs
// it, and the editable function. It is built anew on each visit, from the
// state in e.
func (e *editable) codeTab(src string) fyne.CanvasObject {
	status := wrapped(e.status)
	editor := newGoEditor(e.template, e.fn)
	e.editor = editor
	entry := editor.entry
	loading := false // set while the text is set here, not typed
	load := func(src string) {
		loading = true
		entry.SetText(src)
		loading = false
	}
	load(e.source())
	editor.OnChanged = func(s string) {
		e.line = 0 // the editor cleared its mark: a new tab should not mark it again
		if loading {
			return
		}
		e.forced = "" // an edit typed here replaces one from --code
		fyne.CurrentApp().Preferences().SetString(e.pref, s)
	}
	if e.line > 0 {
		entry.CursorRow = e.line - 1 // the line the problem concerns
		editor.markProblem(e.line, e.status)
	}

	original := NewCodeView(src)
	center := container.NewStack(original, editor)
	edit := widget.NewButton("Edit", nil)
	run := widget.NewButton("Run my version", nil)
	run.Importance = widget.HighImportance
	reset := widget.NewButton("Reset to the original", nil)
	show := func() {
		editor.Hidden, original.Hidden = !e.editing, e.editing
		edit.SetText(map[bool]string{false: "Edit", true: "Show " + e.file}[e.editing])
		center.Refresh()
	}
	edit.OnTapped = func() { e.editing = !e.editing; show() }
	e.onCode = func() { load(e.source()); show() }
	reset.OnTapped = func() {
		e.forced = ""
		fyne.CurrentApp().Preferences().RemoveValue(e.pref)
		load(e.template)
	}
	e.onStatus = func(s string, line int) {
		status.SetText(s)
		if line > 0 && editor.Visible() {
			entry.CursorRow = line - 1
			entry.Refresh()
		}
		editor.markProblem(line, s)
	}
	run.OnTapped = func() {
		if err := e.run(); err != nil {
			e.setStatus("Not run: "+err.Error(), 0)
		}
	}
	label := e.checkLabel
	if label == "" {
		label = fmt.Sprintf("Check it: %d runs", e.checkRuns)
	}
	check := widget.NewButton(label, func() {
		if err := e.check(); err != nil {
			e.setStatus("Not run: "+err.Error(), 0)
		}
	})
	exercise := wrapped(e.exercise())
	e.onBusy = func(busy bool) { enable(!busy, run, check); exercise.SetText(e.exercise()) }
	enable(!e.runs.Busy(), run, check)
	if e.run == nil {
		run.Hide()
	}
	show()
	head := container.NewVBox(
		wrapped(e.intro+" It runs in a separate process, interpreted, with at most "+e.limits()+"; it may import only "+strings.Join(slices.Concat(yours.Allowed, e.imports), ", ")+"."),
		exercise, container.NewHBox(edit, run, check, reset), status)
	return container.NewBorder(head, nil, nil, nil, center)
}

// limits says the limits an edit runs under.
func (e *editable) limits() string {
	if e.limitsNote != "" {
		return e.limitsNote
	}
	l := yours.DefaultLimits
	return fmt.Sprintf("%s, %d MiB and %s goroutines", l.Wall, l.Memory>>20, grouped(l.Goroutines))
}

// setStatus keeps how the last run went, and shows it in the Code tab.
func (e *editable) setStatus(s string, line int) {
	e.status, e.line = s, line
	if e.onStatus != nil {
		e.onStatus(s, line)
	}
}

// failed shows, in note and the Code tab, why a run of the edit did not
// end well, and reports whether it did not; it records a problem as
// results.yours.
func (e *editable) failed(note *widget.Label, err error) bool {
	if p, ok := errors.AsType[*yours.Problem](err); ok {
		note.SetText("Your version did not run to its end: " + p.Error())
		e.setStatus(p.Error(), p.Line)
		e.runs.setResult("yours", map[string]any{"problem": string(p.Kind), "line": p.Line, "message": p.Msg})
		return true
	}
	if errors.Is(err, context.Canceled) {
		note.SetText("Your version was cancelled: its process was killed.")
		e.setStatus("Cancelled: the process running your version was killed.", 0)
		return true
	}
	if err != nil {
		note.SetText("Your version did not finish: " + err.Error())
		e.setStatus(err.Error(), 0)
		return true
	}
	return false
}

// printed is what an edit printed, as a line to add to its note.
func printed(output string) string {
	if output == "" {
		return ""
	}
	return "\nIt printed: " + firstLine(strings.TrimSpace(output))
}

// raceYoursPref keeps the learner's edit across restarts, until Reset.
const raceYoursPref = "yours.race.source"

// raceYours is the race panel's "your version": the learner's edit of the
// lossy counter, run in a child process by an interpreter, beside the
// panel's own rows.
type raceYours struct {
	*editable
	v    *raceView
	row  [4]*widget.Label // final, lost, time, verdict
	note *widget.Label    // the verdict in words, the problem, or the interpreter's cost
}

// yoursRowName names the learner's row in the race table.
const yoursRowName = "your version (interpreted)"

// newRaceYours shows the learner's version in row, the race table's last.
func newRaceYours(v *raceView, row []*widget.Label) *raceYours {
	y := &raceYours{v: v, note: wrapped("Your version: edit the lossy counter in the Code tab, then Run my version.")}
	y.editable = newEditable(&v.runs, yours.RaceTemplate, "Run", "race.go", raceYoursPref,
		"Edit Run, the lossy counter as one function, and run your version with the panel's inputs.", yoursCheckRuns)
	y.row = [4]*widget.Label(row)
	y.exercise, y.editable.run, y.editable.check = y.exerciseText, y.run, y.check
	y.limitsNote = limitsText()
	return y
}

func limitsText() string {
	l := yours.DefaultLimits
	return fmt.Sprintf("%s, %d MiB and %s goroutines (or, if more, twice the incrementers plus 1,000)", l.Wall, l.Memory>>20, grouped(l.Goroutines))
}

// run starts the edit once with the panel's inputs, as a run of the panel.
func (y *raceYours) run() error {
	cfg, bad := y.v.config()
	src := y.source()
	return y.v.runs.startTraced(func() error {
		if err := showInputError(y.v.message, bad); err != nil {
			return err
		}
		y.clear()
		return nil
	}, func(ctx context.Context) ([]byte, error) {
		return y.runIn(ctx, src, cfg)
	}, y.ended)
}

// The exercise's checker makes yoursCheckRuns runs of yoursCheckConfig:
// small runs, so that so many take seconds in the interpreter.
const yoursCheckRuns = 200

var yoursCheckConfig = techniques.RaceConfig{Pairs: 50, Updates: histogramUpdates}

// raceSolvedPref remembers that the exercise was solved.
const raceSolvedPref = "yours.race.solved"

func (y *raceYours) exerciseText() string {
	text := fmt.Sprintf("Exercise: make the counter exact, with a sync.Mutex, an atomic Add or an owner goroutine. "+
		"\"Check it\" runs your version %d times, %d incrementers and as many decrementers making %d updates each, and says in how many of those runs updates were lost.",
		yoursCheckRuns, yoursCheckConfig.Pairs, yoursCheckConfig.Updates)
	if fyne.CurrentApp().Preferences().Bool(raceSolvedPref) {
		text += " Solved: a version of yours lost no update in any of them (evidence, not proof: the checker counts updates, it cannot see how your code kept them)."
	}
	return text
}

// check runs the edit yoursCheckRuns times, as the exercise's checker.
func (y *raceYours) check() error {
	src := y.source()
	return y.v.runs.startTraced(func() error { y.clear(); return nil }, func(ctx context.Context) ([]byte, error) {
		done := 0
		clock := y.countdown(yours.RaceLimits(yoursCheckConfig).Wall)
		defer clock.stop()
		out, err := yours.RunRace(ctx, yours.RaceSpec{Source: src, Config: yoursCheckConfig, Runs: yoursCheckRuns, Task: y.v.runs.task}, func(r yours.RaceRun) {
			if done++; done == yoursCheckRuns {
				clock.stop() // the edit's child is done: the interpreter's cost is measured next, under a limit of its own
			}
			if done%20 == 0 {
				n := done // the function runs later, on another goroutine
				clock.do(func() { y.setStatus(fmt.Sprintf("Checking: %d of %d runs…", n, yoursCheckRuns), 0) })
			}
		})
		clock.do(func() {
			// The row is for a run with the panel's inputs: the checker's
			// small runs are told in the note below.
			endPending("—", y.row[:]...)
			y.showOutcome(out, err)
			if err == nil && len(out.Runs) == yoursCheckRuns && out.Lossy() == 0 && src != yours.RaceTemplate {
				fyne.CurrentApp().Preferences().SetBool(raceSolvedPref, true)
			}
		})
		return out.Trace, err
	}, y.ended)
}

// runIn runs src in a child process and shows it; off the Fyne goroutine.
func (y *raceYours) runIn(ctx context.Context, src string, cfg techniques.RaceConfig) ([]byte, error) {
	clock := y.countdown(yours.RaceLimits(cfg).Wall)
	defer clock.stop()
	out, err := yours.RunRace(ctx, yours.RaceSpec{Source: src, Config: cfg, Runs: 1, Task: y.v.runs.task}, func(r yours.RaceRun) {
		clock.stop() // the edit's child is done: the interpreter's cost is measured next, under a limit of its own
		clock.do(func() { y.showRun(r) })
	})
	clock.do(func() { y.showOutcome(out, err) })
	return out.Trace, err
}

func (y *raceYours) clear() {
	for _, c := range y.row {
		c.SetText("…")
		c.Importance = widget.MediumImportance
	}
	y.note.SetText("Running your version, interpreted, in a separate process…")
	y.setStatus("Running…", 0)
}

func (y *raceYours) ended(err error) {
	if err != nil {
		endPending("—", y.row[:]...)
	}
}

func (y *raceYours) showRun(r yours.RaceRun) {
	text, importance := "exact", widget.SuccessImportance
	switch {
	case r.Lost() > 0 && r.Final == 0:
		text, importance = "lost, cancelled to 0", widget.DangerImportance
	case r.Lost() > 0:
		text, importance = "updates lost", widget.DangerImportance
	}
	y.row[0].SetText(fmt.Sprint(r.Final))
	y.row[1].SetText(fmt.Sprint(r.Lost()))
	y.row[2].SetText(durationText(r.Took))
	y.row[3].Importance = importance
	y.row[3].SetText(text)
}

func (y *raceYours) showOutcome(out yours.RaceOutcome, err error) {
	if y.failed(y.note, err) {
		return
	}
	text := "Your version: " + out.Verdict() + ". " + out.SlowdownNote()
	switch {
	case len(out.Runs) == 1 && out.Lossy() == 0:
		text += " One exact run does not prove a fix: a race condition can lose nothing by luck. \"Check it\" runs it many times."
	case out.Lossy() == 0:
		text += " Many exact runs are evidence, not proof: code with a data race or a race condition can lose nothing by luck, and interpreted, with every step slower, goroutines interleave differently than compiled. " +
			"A fix is right by reasoning: every read–modify–write is one step (a lock around it, an atomic Add, a CompareAndSwap retried until no other write came between) or the counter has one owner, and Run reads it only after every goroutine is done. " +
			"For compiled Go, the race detector (go test -race) reports data races even in runs that lost nothing, though not a race condition made only of atomic operations, like the original's."
	}
	text += printed(out.Output)
	y.note.SetText(text)
	y.setStatus(text, 0)
	res := map[string]any{"verdict": out.Verdict(), "runs": len(out.Runs), "lossy_runs": out.Lossy(), "slowdown": out.Slowdown(),
		"original_compiled_ms": ms(out.Compiled), "original_interpreted_ms": ms(out.Interpreted)}
	if n := len(out.Runs); n > 0 {
		r := out.Runs[n-1]
		res["final"], res["lost"], res["ms"] = r.Final, r.Lost(), ms(r.Took)
	}
	y.v.runs.setResult("yours", res)
}

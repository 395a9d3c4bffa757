package views

import (
	"context"
	"errors"
	"fmt"
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
	if panelID == "race" {
		return yours.RaceTemplate, true
	}
	return "", false
}

// raceYoursPref keeps the learner's edit across restarts, until Reset.
const raceYoursPref = "yours.race.source"

// raceYours is the race panel's "your version": the learner's edit of the
// lossy counter, run in a child process by an interpreter, beside the
// panel's own rows.
type raceYours struct {
	v       *raceView
	row     [4]*widget.Label // final, lost, time, verdict
	note    *widget.Label    // the verdict in words, the problem, or the interpreter's cost
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

// yoursRowName names the learner's row in the race table.
const yoursRowName = "your version (interpreted)"

// newRaceYours shows the learner's version in row, the race table's last.
func newRaceYours(v *raceView, row []*widget.Label) *raceYours {
	y := &raceYours{v: v, note: wrapped("Your version: edit the lossy counter in the Code tab, then Run my version.")}
	y.row = [4]*widget.Label(row)
	v.runs.watch(func(c RunChange) {
		if y.onBusy != nil {
			y.onBusy(c.Busy)
		}
	})
	return y
}

// source is the edit, or the original if there is none.
func (y *raceYours) source() string {
	if y.forced != "" {
		return y.forced
	}
	return fyne.CurrentApp().Preferences().StringWithFallback(raceYoursPref, yours.RaceTemplate)
}

func (y *raceYours) setCode(src string) error {
	if err := yours.Check(src); err != nil {
		return err
	}
	y.forced, y.editing = src, true
	if y.onCode != nil {
		y.onCode()
	}
	return nil
}

// codeTab is the race panel's Code tab: race.go as the panel runs it, and
// the editable counter. It is built anew on each visit, from the state in y.
func (y *raceYours) codeTab(src string) fyne.CanvasObject {
	status := wrapped(y.status)
	editor := newGoEditor(yours.RaceTemplate, "Run")
	y.editor = editor
	entry := editor.entry
	loading := false // set while the text is set here, not typed
	load := func(src string) {
		loading = true
		entry.SetText(src)
		loading = false
	}
	load(y.source())
	editor.OnChanged = func(s string) {
		y.line = 0 // the editor cleared its mark: a new tab should not mark it again
		if loading {
			return
		}
		y.forced = "" // an edit typed here replaces one from --code
		fyne.CurrentApp().Preferences().SetString(raceYoursPref, s)
	}
	if y.line > 0 {
		entry.CursorRow = y.line - 1 // the line the problem concerns
		editor.markProblem(y.line, y.status)
	}

	original := NewCodeView(src)
	center := container.NewStack(original, editor)
	edit := widget.NewButton("Edit", nil)
	run := widget.NewButton("Run my version", nil)
	run.Importance = widget.HighImportance
	reset := widget.NewButton("Reset to the original", nil)
	show := func() {
		editor.Hidden, original.Hidden = !y.editing, y.editing
		edit.SetText(map[bool]string{false: "Edit", true: "Show race.go"}[y.editing])
		center.Refresh()
	}
	edit.OnTapped = func() { y.editing = !y.editing; show() }
	y.onCode = func() { load(y.source()); show() }
	reset.OnTapped = func() {
		y.forced = ""
		fyne.CurrentApp().Preferences().RemoveValue(raceYoursPref)
		load(yours.RaceTemplate)
	}
	y.onStatus = func(s string, line int) {
		status.SetText(s)
		if line > 0 && editor.Visible() {
			entry.CursorRow = line - 1
			entry.Refresh()
		}
		editor.markProblem(line, s)
	}
	run.OnTapped = func() {
		if err := y.run(); err != nil {
			y.setStatus("Not run: "+err.Error(), 0)
		}
	}
	check := widget.NewButton(fmt.Sprintf("Check it: %d runs", yoursCheckRuns), func() {
		if err := y.check(); err != nil {
			y.setStatus("Not run: "+err.Error(), 0)
		}
	})
	exercise := wrapped(y.exerciseText())
	y.onBusy = func(busy bool) { enable(!busy, run, check); exercise.SetText(y.exerciseText()) }
	enable(!y.v.runs.Busy(), run, check)
	show()
	head := container.NewVBox(
		wrapped("Edit Run, the lossy counter as one function, and run your version with the panel's inputs. "+
			"It runs in a separate process, interpreted, with at most "+limitsText()+"; it may import only "+strings.Join(yours.Allowed, ", ")+"."),
		exercise, container.NewHBox(edit, run, check, reset), status)
	return container.NewBorder(head, nil, nil, nil, center)
}

// setStatus keeps how the last run went, and shows it in the Code tab.
func (y *raceYours) setStatus(s string, line int) {
	y.status, y.line = s, line
	if y.onStatus != nil {
		y.onStatus(s, line)
	}
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
	text := fmt.Sprintf("Exercise: make the counter exact — with a sync.Mutex, with an atomic Add, with an owner goroutine. "+
		"\"Check it\" runs your version %d times, %d incrementers and as many decrementers making %d updates each, and says in how many updates were lost.",
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
				clock.do(func() { y.setStatus(fmt.Sprintf("Checking: %d of %d runs…", done, yoursCheckRuns), 0) })
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
	if p, ok := errors.AsType[*yours.Problem](err); ok {
		y.note.SetText("Your version did not run to its end: " + p.Error())
		y.setStatus(p.Error(), p.Line)
		y.v.runs.setResult("yours", map[string]any{"problem": string(p.Kind), "line": p.Line, "message": p.Msg})
		return
	}
	if errors.Is(err, context.Canceled) {
		y.note.SetText("Your version was cancelled: its process was killed.")
		y.setStatus("Cancelled: the process running your version was killed.", 0)
		return
	}
	if err != nil {
		y.note.SetText("Your version did not finish: " + err.Error())
		y.setStatus(err.Error(), 0)
		return
	}
	text := "Your version: " + out.Verdict() + ". " + out.SlowdownNote()
	switch {
	case len(out.Runs) == 1 && out.Lossy() == 0:
		text += " One exact run does not prove a fix: a race condition can lose nothing by luck. \"Check it\" runs it many times."
	case out.Lossy() == 0:
		text += " Many exact runs are evidence, not proof: code with a data race or a race condition can lose nothing by luck, and interpreted, with every step slower, goroutines interleave differently than compiled. " +
			"A fix is right by reasoning: every read–modify–write is one step (a lock around it, an atomic Add) or the counter has one owner, and Run reads it only after every goroutine is done. " +
			"For compiled Go, the race detector (go test -race) reports data races even in runs that lost nothing, though not a race condition made only of atomic operations, like the original's."
	}
	if out.Output != "" {
		text += "\nIt printed: " + firstLine(strings.TrimSpace(out.Output))
	}
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

package views

import (
	"context"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques/yours"
)

// The scheduler panel's "your version": the learner's edit of one of its
// programs (yours.SchedulerEdits: Deadlock's transfer, Lost update's
// addOne), checked in a child process, interpreted, under every schedule,
// as "Try every schedule" checks the compiled programs. The board cannot
// step an edit: it steps the compiled programs.

// schedulerYours is the panel's editable programs, one at a time in the
// Code tab, and the note under the board that says how the last check went.
type schedulerYours struct {
	v     *schedulerView
	edits []*schedulerEdit // as yours.SchedulerEdits
	cur   int              // the one the Code tab shows
	note  *widget.Label
	// onSwitch shows edit i in the Code tab last built, as its choice does.
	onSwitch func(i int)
}

// schedulerEdit is one editable program.
type schedulerEdit struct {
	*editable
	y      *schedulerYours
	edit   yours.SchedulerEdit
	solved string // the preference that remembers it solved
}

func newSchedulerYours(v *schedulerView) *schedulerYours {
	y := &schedulerYours{v: v, note: wrapped("Your version: edit Transfer (the Deadlock program) or AddOne (Lost update) in the Code tab, then Check it.")}
	for _, e := range yours.SchedulerEdits {
		s := &schedulerEdit{y: y, edit: e, solved: "yours.scheduler." + e.Func + ".solved"}
		s.editable = newEditable(&v.runs, e.Template, e.Func, "scheduler.go", "yours.scheduler."+e.Func+".source",
			fmt.Sprintf("Edit %s, the %s program's function. \"Check it\" runs your version under every schedule, as Try every schedule does (without its free runs), and counts the schedules that deadlock, that %s and that end right. "+
				"Your version cannot be stepped by hand: the board and its pick buttons run the compiled programs only.", e.Func, e.Program, e.Wrong), 0)
		s.checkLabel = "Check it: every schedule"
		s.imports = []string{yours.StepPackage}
		s.exercise, s.editable.check = s.exerciseText, s.check
		y.edits = append(y.edits, s)
	}
	return y
}

// current is the edit the Code tab shows, and --code set.
func (y *schedulerYours) current() *schedulerEdit { return y.edits[y.cur] }

// forced is the edit from --code, if any.
func (y *schedulerYours) forced() string { return y.current().forced }

// codeTab is the Code tab: a choice of program, and its editor.
func (y *schedulerYours) codeTab(src string) fyne.CanvasObject {
	var names []string
	for _, e := range y.edits {
		names = append(names, fmt.Sprintf("%s (%s)", e.edit.Func, e.edit.Program))
	}
	body := container.NewStack(y.current().codeTab(src))
	choose := widget.NewSelect(names, nil)
	choose.SetSelectedIndex(y.cur)
	choose.OnChanged = func(name string) {
		if i := slices.Index(names, name); i >= 0 && i != y.cur {
			y.cur = i
			body.Objects = []fyne.CanvasObject{y.current().codeTab(src)}
			body.Refresh()
		}
	}
	y.onSwitch = func(i int) { choose.SetSelectedIndex(i) }
	return container.NewBorder(container.NewHBox(widget.NewLabel("Edit:"), sized(320, 36, choose)), nil, nil, nil, body)
}

// setCode makes src, as --code gives it, the learner's version of the
// program whose function it defines.
func (y *schedulerYours) setCode(src string) error {
	e := yours.SchedulerEditOf(src)
	i := slices.IndexFunc(y.edits, func(s *schedulerEdit) bool { return s.edit.Func == e.Func })
	if err := y.edits[i].setCode(src); err != nil {
		return err
	}
	if y.onSwitch != nil && i != y.cur {
		y.onSwitch(i) // a Code tab is shown: it switches to the edit
	}
	y.cur = i
	return nil
}

// check checks the current edit: --code's run.
func (y *schedulerYours) check() error { return y.current().check() }

func (s *schedulerEdit) exerciseText() string {
	text := fmt.Sprintf("Exercise: make %s right in every schedule: none deadlocks, and every one ends with %s. "+
		"\"Check it\" tries every order in which the two goroutines can take their steps from one switch point to the next, and passes your version if no schedule goes wrong. "+
		"The switch points are %s: leaving a checkpoint out does not take the others away.",
		s.edit.Func, s.edit.Right, s.edit.Switches)
	if fyne.CurrentApp().Preferences().Bool(s.solved) {
		text += " Solved: a version of yours passed every schedule."
	}
	return text
}

// check tries every schedule of the edit, as the exercise's checker.
func (s *schedulerEdit) check() error {
	src := s.source()
	return s.runs.startTraced(func() error { s.clear(); return nil }, func(ctx context.Context) ([]byte, error) {
		clock := s.countdown(yours.DefaultLimits.Wall)
		defer clock.stop()
		out, err := yours.RunScheduler(ctx, yours.SchedulerSpec{Source: src, Func: s.edit.Func, Task: s.runs.task})
		clock.stop()
		clock.do(func() {
			s.show(out, err)
			if err == nil && out.Solved() && src != s.template {
				fyne.CurrentApp().Preferences().SetBool(s.solved, true)
			}
		})
		return out.Trace, err
	}, nil)
}

func (s *schedulerEdit) clear() {
	s.y.note.Importance = widget.MediumImportance
	s.y.note.SetText(fmt.Sprintf("Checking your %s under every schedule, interpreted, in a separate process…", s.edit.Func))
	s.setStatus("Checking…", 0)
}

func (s *schedulerEdit) show(out yours.SchedulerOutcome, err error) {
	note := s.y.note
	note.Importance = widget.MediumImportance
	if s.failed(note, err) {
		note.Importance = widget.DangerImportance
		note.Refresh()
		return
	}
	text := fmt.Sprintf("Your %s: %s. %s%s", s.edit.Func, out.Verdict(), out.Checked(), printed(out.Output))
	if out.Solved() {
		note.Importance = widget.SuccessImportance
	}
	note.SetText(text)
	s.setStatus(text, 0)
	if s.forced != "" { // --code: the verdict is what the screenshot is for
		s.y.v.scroll.ScrollToBottom()
	}
	s.runs.setResult("yours", map[string]any{"program": s.edit.Program, "function": s.edit.Func, "verdict": out.Verdict(), "solved": out.Solved(),
		"schedules": out.Schedules(), "deadlocks": out.Deadlocks(), "wrong": out.Wrong(), "right": out.Right()})
}

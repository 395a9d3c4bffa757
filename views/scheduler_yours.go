package views

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques/yours"
)

// The scheduler panel's "your version": the learner's edit of the
// Deadlock program's transfer, checked in a child process, interpreted,
// under every schedule, as "Try every schedule" checks the compiled
// programs. The board cannot step it: it steps the compiled programs.

const (
	schedulerYoursPref  = "yours.scheduler.source"
	schedulerSolvedPref = "yours.scheduler.solved"
)

// schedulerYours is the scheduler panel's: Transfer, which locks its
// source account first.
type schedulerYours struct {
	*editable
	v    *schedulerView
	note *widget.Label // what the last check of the edit found
}

func newSchedulerYours(v *schedulerView) *schedulerYours {
	y := &schedulerYours{v: v, note: wrapped("Your version: edit Transfer, the Deadlock program's transfer, in the Code tab, then Check it.")}
	y.editable = newEditable(&v.runs, yours.SchedulerTemplate, "Transfer", "scheduler.go", schedulerYoursPref,
		"Edit Transfer, the Deadlock program's transfer, which locks its source account first. \"Check it\" runs your version under every schedule, as Try every schedule does (without its free runs), and counts the schedules that deadlock, that end with wrong balances and that end right. "+
			"Your version cannot be stepped by hand: the board and its pick buttons run the compiled programs only.", 0)
	y.checkLabel = "Check it: every schedule"
	y.exercise, y.editable.check = y.exerciseText, y.check
	return y
}

func (y *schedulerYours) exerciseText() string {
	text := "Exercise: make the transfers deadlock-free: in every schedule both end, with a = 100 and b = 100. " +
		"\"Check it\" tries every order in which the two goroutines can take their steps from one g.Checkpoint() or g.Lock to the next — a Lock is a switch point even without a checkpoint before it — and passes your version if no schedule deadlocks or ends with other balances."
	if fyne.CurrentApp().Preferences().Bool(schedulerSolvedPref) {
		text += " Solved: a version of yours passed every schedule."
	}
	return text
}

// check tries every schedule of the edit, as the exercise's checker.
func (y *schedulerYours) check() error {
	src := y.source()
	return y.runs.startTraced(func() error { y.clear(); return nil }, func(ctx context.Context) ([]byte, error) {
		clock := y.countdown(yours.DefaultLimits.Wall)
		defer clock.stop()
		out, err := yours.RunScheduler(ctx, yours.SchedulerSpec{Source: src, Task: y.runs.task})
		clock.stop()
		clock.do(func() {
			y.show(out, err)
			if err == nil && out.Solved() && src != yours.SchedulerTemplate {
				fyne.CurrentApp().Preferences().SetBool(schedulerSolvedPref, true)
			}
		})
		return out.Trace, err
	}, nil)
}

func (y *schedulerYours) clear() {
	y.note.Importance = widget.MediumImportance
	y.note.SetText("Checking your version under every schedule, interpreted, in a separate process…")
	y.setStatus("Checking…", 0)
}

func (y *schedulerYours) show(out yours.SchedulerOutcome, err error) {
	y.note.Importance = widget.MediumImportance
	if y.failed(y.note, err) {
		y.note.Importance = widget.DangerImportance
		y.note.Refresh()
		return
	}
	text := "Your version: " + out.Verdict() + ". " + out.Checked() + printed(out.Output)
	if out.Solved() {
		y.note.Importance = widget.SuccessImportance
	}
	y.note.SetText(text)
	y.setStatus(text, 0)
	if y.forced != "" { // --code: the verdict is what the screenshot is for
		y.v.scroll.ScrollToBottom()
	}
	y.runs.setResult("yours", map[string]any{"verdict": out.Verdict(), "solved": out.Solved(), "schedules": out.Schedules(),
		"deadlocks": out.Deadlocks(), "wrong": out.Wrong(), "right": out.Right()})
}

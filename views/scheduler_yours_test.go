package views

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques/yours"
)

// schedulerOrdered is the transfer fixed: the lower id locked first.
var schedulerOrdered = strings.Replace(yours.SchedulerTemplate, "\tg.Checkpoint()\n\tg.Lock(&from.Mu)\n\tg.Checkpoint()\n\tg.Lock(&to.Mu)\n\tfrom.Balance -= 10\n\tto.Balance += 10\n\tg.Unlock(&to.Mu)\n\tg.Unlock(&from.Mu)\n",
	"\tfirst, second := from, to\n\tif to.ID < from.ID {\n\t\tfirst, second = to, from\n\t}\n\tg.Checkpoint()\n\tg.Lock(&first.Mu)\n\tg.Checkpoint()\n\tg.Lock(&second.Mu)\n\tfrom.Balance -= 10\n\tto.Balance += 10\n\tg.Unlock(&second.Mu)\n\tg.Unlock(&first.Mu)\n", 1)

// schedulerEndless spins in Transfer.
var schedulerEndless = strings.Replace(yours.SchedulerTemplate, "\tg.Checkpoint()\n\tg.Lock(&from.Mu)\n", "\tfor {\n\t}\n\tg.Lock(&from.Mu)\n", 1)

func TestSchedulerCodeCheckerJudgesEverySchedule(t *testing.T) {
	if schedulerOrdered == yours.SchedulerTemplate || schedulerEndless == yours.SchedulerTemplate {
		t.Fatal("the template no longer holds the transfer's locking")
	}
	v := newScheduler(t)
	tab, entry := openCode(t, v.demo)
	if entry.Text != yours.SchedulerTemplate {
		t.Fatalf("the editor starts from %q, want the template", entry.Text)
	}
	if b := findButton(t, tab, "Run my version"); b.Visible() {
		t.Error("Run my version is shown: the scheduler's edit can only be checked")
	}
	check := findButton(t, tab, "Check it: every schedule")
	test.Tap(check)
	v.runs.Wait()
	// As the panel's Deadlock program: 6 schedules, 4 of them deadlock.
	if want := "Your Transfer: not solved: of 6 schedules, 4 deadlock (e.g. picking 1 2 1 2), 0 end with wrong balances or a data race, 2 end right"; !strings.Contains(v.yours.note.Text, want) {
		t.Errorf("the original checked: %q, want %q", v.yours.note.Text, want)
	}
	if fyne.CurrentApp().Preferences().Bool(v.yours.edits[0].solved) {
		t.Error("the original was judged solved")
	}

	entry.SetText(schedulerOrdered)
	test.Tap(check)
	v.runs.Wait()
	if want := "solved: all 4 schedules end with both transfers done: a = 100, b = 100, none deadlocks"; !strings.Contains(v.yours.note.Text, want) {
		t.Errorf("the fix checked: %q, want %q", v.yours.note.Text, want)
	}
	if !fyne.CurrentApp().Preferences().Bool(v.yours.edits[0].solved) || !strings.Contains(v.yours.edits[0].exerciseText(), "Solved") {
		t.Error("a solved exercise was not remembered")
	}
	if again := newSchedulerView(); again.yours.edits[0].source() != schedulerOrdered {
		t.Error("a new scheduler panel lost the edit")
	}
}

// schedulerAtomicAdd is AddOne fixed: one indivisible step.
var schedulerAtomicAdd = strings.Replace(yours.CounterTemplate, "\tv := s.Load(g) // load\n\tg.Checkpoint(\"v\", v)\n\tv = v + 1 // add\n\tg.Checkpoint(\"v\", v)\n\ts.Store(g, v) // store\n",
	"\ts.Add(g, 1)\n", 1)

func TestSchedulerCodeEditsTheLostUpdateToo(t *testing.T) {
	if schedulerAtomicAdd == yours.CounterTemplate {
		t.Fatal("the template no longer holds the three steps")
	}
	v := newScheduler(t)
	tab, _ := openCode(t, v.demo)
	var choose *widget.Select
	visit(tab, func(o fyne.CanvasObject) {
		if s, ok := o.(*widget.Select); ok {
			choose = s
		}
	})
	if choose == nil {
		t.Fatal("the Code tab has no choice of program")
	}
	choose.SetSelectedIndex(1)
	test.Tap(findButton(t, tab, "Edit"))
	var entry *widget.Entry
	visit(tab, func(o fyne.CanvasObject) {
		if e, ok := o.(*goEditor); ok && e.Visible() {
			entry = &e.entry.Entry
		}
	})
	if entry == nil || entry.Text != yours.CounterTemplate {
		t.Fatal("choosing AddOne did not show its template in the editor")
	}
	check := findButton(t, tab, "Check it: every schedule")
	test.Tap(check)
	v.runs.Wait()
	// As the panel's Lost update program: 20 schedules, 18 of them lose an update.
	if want := "Your AddOne: not solved: of 20 schedules, 0 deadlock, 18 lose an update (e.g. picking"; !strings.Contains(v.yours.note.Text, want) {
		t.Errorf("the original checked: %q, want %q", v.yours.note.Text, want)
	}
	entry.SetText(schedulerAtomicAdd)
	test.Tap(check)
	v.runs.Wait()
	if want := "Your AddOne: solved: all 2 schedules end with counter = 2"; !strings.Contains(v.yours.note.Text, want) {
		t.Errorf("the atomic add checked: %q, want %q", v.yours.note.Text, want)
	}
	if !fyne.CurrentApp().Preferences().Bool(v.yours.edits[1].solved) || fyne.CurrentApp().Preferences().Bool(v.yours.edits[0].solved) {
		t.Error("want AddOne remembered solved, and Transfer not")
	}
}

func TestSchedulerCodeFlagChecksYourVersion(t *testing.T) {
	v := newScheduler(t)
	if err := v.demo.SetCode(schedulerOrdered); err != nil {
		t.Fatal(err)
	}
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.runs.Wait()
	rep, _ := v.demo.Report()
	mine, _ := rep.Results["yours"].(map[string]any)
	if mine["solved"] != true || mine["schedules"] != 4 || mine["deadlocks"] != 0 || mine["right"] != 4 {
		t.Errorf("results.yours = %v, want 4 schedules, all right", mine)
	}
	if v.programs[v.prog].Name != "Deadlock" {
		t.Errorf("the board shows %q, want the program the edit rewrites, Deadlock", v.programs[v.prog].Name)
	}
	if src, ok := CodeTemplate("scheduler"); !ok || src != yours.SchedulerTemplate {
		t.Error("--code-template scheduler does not print the template")
	}

	// An AddOne: the Lost update program, shown in the Code tab already open.
	w := newScheduler(t)
	tab, _ := openCode(t, w.demo)
	if err := w.demo.SetCode(schedulerAtomicAdd); err != nil {
		t.Fatal(err)
	}
	shown := false
	visit(tab, func(o fyne.CanvasObject) {
		if e, ok := o.(*goEditor); ok && e.Visible() && e.entry.Text == schedulerAtomicAdd {
			shown = true
		}
	})
	if !shown {
		t.Error("the open Code tab does not show the AddOne from --code")
	}
	if err := w.demo.Run(); err != nil {
		t.Fatal(err)
	}
	w.runs.Wait()
	rep, _ = w.demo.Report()
	mine, _ = rep.Results["yours"].(map[string]any)
	if mine["function"] != "AddOne" || mine["solved"] != true || mine["schedules"] != 2 {
		t.Errorf("results.yours = %v, want AddOne solved in 2 schedules", mine)
	}
	if w.programs[w.prog].Name != "Lost update" {
		t.Errorf("the board shows %q, want Lost update", w.programs[w.prog].Name)
	}
}

func TestSchedulerCodeCompileErrorNamesItsLine(t *testing.T) {
	v := newScheduler(t)
	tab, entry := openCode(t, v.demo)
	entry.SetText("package sched\n\nimport \"concurrencylab/techniques/yours/step\"\n\nfunc Transfer(g *step.G, from, to *step.Account) {\n\tg.Lock(&form.Mu)\n}\n")
	test.Tap(findButton(t, tab, "Check it: every schedule"))
	v.runs.Wait()
	if !strings.Contains(v.yours.current().status, "line 6") || !strings.Contains(v.yours.current().status, "undefined: form") {
		t.Errorf("status %q: want the compile error at line 6", v.yours.current().status)
	}
	if entry.CursorRow != 5 {
		t.Errorf("the editor's cursor is on row %d, want 5 (line 6)", entry.CursorRow)
	}
}

func TestSchedulerCodeCancelKillsAnEndlessLoopAndLeavesNoGoroutine(t *testing.T) {
	v := newScheduler(t)
	tab, entry := openCode(t, v.demo)
	before := runtime.NumGoroutine()
	entry.SetText(schedulerEndless)
	test.Tap(findButton(t, tab, "Check it: every schedule"))
	pid := schedulerChild(t)
	time.Sleep(500 * time.Millisecond) // the child has started and spins
	cancelled := time.Now()
	v.demo.Cancel() // as Esc does
	v.runs.Wait()
	if took := time.Since(cancelled); took > 2*time.Second { // a shared machine: looser than half a second
		t.Errorf("the check ended %v after Cancel", took)
	}
	if _, _, err := v.demo.LastRun(); !errors.Is(err, context.Canceled) {
		t.Errorf("the check ended with %v, want context.Canceled", err)
	}
	if !strings.Contains(v.yours.note.Text, "cancelled") {
		t.Errorf("note %q, want it to say the check was cancelled", v.yours.note.Text)
	}
	if pid > 0 && processExists(pid) {
		t.Errorf("the child %d is still there after the check ended", pid)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the check, %d before", n, before)
	}
}

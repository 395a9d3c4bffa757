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

// openCode shows a panel's Code tab and opens its editor.
func openCode(t *testing.T, d *Demo) (fyne.CanvasObject, *widget.Entry) {
	t.Helper()
	tab := d.CodeTab("package techniques\n")
	test.NewTempWindow(t, tab)
	test.Tap(findButton(t, tab, "Edit"))
	var entry *widget.Entry
	visit(tab, func(o fyne.CanvasObject) {
		if e, ok := o.(*goEditor); ok {
			entry = &e.entry.Entry
		}
	})
	if entry == nil || !entry.Visible() {
		t.Fatal("Edit showed no editor")
	}
	return tab, entry
}

// shorten makes a checker's runs those at the given indices, for the test.
func shorten[T any](t *testing.T, check *func() []T, indices ...int) {
	saved := *check
	*check = func() []T {
		var runs []T
		for _, i := range indices {
			runs = append(runs, saved()[i])
		}
		return runs
	}
	t.Cleanup(func() { *check = saved })
}

const goroutinesWaitGroup = "package goroutines\n\nimport \"sync\"\n\nfunc Run(n int, task func(i int)) {\n\tvar wg sync.WaitGroup\n\tfor i := 0; i < n; i++ {\n\t\twg.Add(1)\n\t\tgo func(i int) {\n\t\t\tdefer wg.Done()\n\t\t\ttask(i)\n\t\t}(i)\n\t}\n\twg.Wait()\n}\n"

func TestGoroutinesCodeCheckerJudgesTheWaitAndRemembersASolution(t *testing.T) {
	// The longest task 50 ms (the original's 100 ms sleep is exact), 150 ms
	// and 240 ms (the sleep cuts tasks off).
	shorten(t, &goroutinesCheck, 0, 10, 19)
	v := newGoroutines(t)
	tab, entry := openCode(t, v.demo)
	if entry.Text != yours.GoroutinesTemplate {
		t.Fatalf("the editor starts from %q, want the template", entry.Text)
	}
	check := findButton(t, tab, "Check it: 3 runs")
	test.Tap(check)
	v.runs.Wait()
	if want := " of 3 runs every task ended before Run returned and Run returned within 100ms of the last one, and within 100ms of the longest task's time; in 2, tasks were cut off"; !strings.Contains(v.yours.note.Text, want) {
		t.Errorf("the original checked: %q, want %q", v.yours.note.Text, want)
	}
	if fyne.CurrentApp().Preferences().Bool(goroutinesSolvedPref) {
		t.Error("the original was judged solved")
	}

	entry.SetText(goroutinesWaitGroup)
	test.Tap(check)
	v.runs.Wait()
	if want := "in all 3 runs every task ended"; !strings.Contains(v.yours.note.Text, want) {
		t.Errorf("the WaitGroup checked: %q, want %q", v.yours.note.Text, want)
	}
	if !fyne.CurrentApp().Preferences().Bool(goroutinesSolvedPref) || !strings.Contains(v.yours.exerciseText(), "Solved") {
		t.Error("a solved exercise was not remembered")
	}
	if again := newGoroutinesView(); again.yours.source() != goroutinesWaitGroup {
		t.Error("a new goroutines panel lost the edit")
	}
}

func TestGoroutinesCodeFlagRunsYourVersionWithThePanelsTasks(t *testing.T) {
	v := newGoroutines(t)
	v.longest.SetValue(50)
	if err := v.demo.SetCode(goroutinesWaitGroup); err != nil {
		t.Fatal(err)
	}
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.runs.Wait()
	rep, _ := v.demo.Report()
	mine, _ := rep.Results["yours"].(map[string]any)
	if mine["tasks_ended_before_return"] != articleTasks || mine["longest_task_ms"] != 50.0 || mine["slowdown"] == 0.0 {
		t.Errorf("results.yours = %v, want all %d tasks ended, the longest 50 ms, and a slowdown", mine, articleTasks)
	}
	if note := v.yours.note.Text; !strings.Contains(note, "all 10 tasks ended before Run returned") || !strings.Contains(note, "×") {
		t.Errorf("note %q: want every task ended, and the slowdown", note)
	}
	if fyne.CurrentApp().Preferences().String(goroutinesYoursPref) != "" {
		t.Error("--code overwrote the learner's saved edit")
	}
}

func TestGoroutinesCodeCompileErrorNamesItsLine(t *testing.T) {
	v := newGoroutines(t)
	tab, entry := openCode(t, v.demo)
	entry.SetText("package goroutines\n\nfunc Run(n int, task func(i int)) {\n\ttask(m)\n}\n")
	test.Tap(findButton(t, tab, "Run my version"))
	v.runs.Wait()
	if !strings.Contains(v.yours.status, "line 4") || !strings.Contains(v.yours.status, "undefined: m") {
		t.Errorf("status %q: want the compile error at line 4", v.yours.status)
	}
	if entry.CursorRow != 3 {
		t.Errorf("the editor's cursor is on row %d, want 3 (line 4)", entry.CursorRow)
	}
}

const futuresCancelAndWait = "package futures\n\nimport (\n\t\"context\"\n\t\"sync\"\n)\n\n" +
	"func First(ctx context.Context, tasks []func(context.Context) (string, error)) (string, error) {\n" +
	"\tctx, cancel := context.WithCancel(ctx)\n\tdefer cancel()\n\tresults := make(chan result, len(tasks))\n\tvar wg sync.WaitGroup\n" +
	"\tfor _, task := range tasks {\n\t\twg.Add(1)\n\t\tgo func(task func(context.Context) (string, error)) {\n\t\t\tdefer wg.Done()\n" +
	"\t\t\tv, err := task(ctx)\n\t\t\tresults <- result{v, err}\n\t\t}(task)\n\t}\n\tvar last error\n" +
	"\tfor i := 0; i < len(tasks); i++ {\n\t\tr := <-results\n\t\tif r.err == nil {\n\t\t\tcancel()\n\t\t\twg.Wait()\n\t\t\treturn r.v, nil\n\t\t}\n\t\tlast = r.err\n\t}\n\treturn \"\", last\n}\n\n" +
	"type result struct {\n\tv   string\n\terr error\n}\n"

func TestFuturesCodeCheckerJudgesTheLosersAndRemembersASolution(t *testing.T) {
	shorten(t, &futuresCheck, 0, 1)
	v := newFutures(t)
	tab, entry := openCode(t, v.demo)
	if entry.Text != yours.FuturesTemplate {
		t.Fatalf("the editor starts from %q, want the template", entry.Text)
	}
	check := findButton(t, tab, "Check it: 2 runs")
	test.Tap(check)
	v.runs.Wait()
	if want := "in 0 of 2 runs"; !strings.Contains(v.yours.note.Text, want) || fyne.CurrentApp().Preferences().Bool(futuresSolvedPref) {
		t.Errorf("the original checked: %q, want %q and not solved", v.yours.note.Text, want)
	}
	entry.SetText(futuresCancelAndWait)
	test.Tap(check)
	v.runs.Wait()
	if want := "in all 2 runs First returned the quickest success, every slower task was called and stopped when its context was cancelled"; !strings.Contains(v.yours.note.Text, want) {
		t.Errorf("the fix checked: %q, want %q", v.yours.note.Text, want)
	}
	if !fyne.CurrentApp().Preferences().Bool(futuresSolvedPref) || !strings.Contains(v.yours.exerciseText(), "Solved") {
		t.Error("a solved exercise was not remembered")
	}

	// Run my version: the panel's resources, reported.
	v.n.SetText("3")
	v.minLat.SetText("10")
	v.maxLat.SetText("200")
	test.Tap(findButton(t, tab, "Run my version"))
	v.runs.Wait()
	rep, _ := v.demo.Report()
	mine, _ := rep.Results["yours"].(map[string]any)
	if mine["value"] == "" || mine["value"] != mine["quickest_success"] || mine["tasks_running_when_first_returned"] != 0 {
		t.Errorf("results.yours = %v, want the quickest success and nothing left running", mine)
	}
}

func TestFuturesCodeCancelKillsAnEndlessLoopAndLeavesNoGoroutine(t *testing.T) {
	v := newFutures(t)
	tab, entry := openCode(t, v.demo)
	before := runtime.NumGoroutine()
	entry.SetText("package futures\n\nimport \"context\"\n\nfunc First(ctx context.Context, tasks []func(context.Context) (string, error)) (string, error) {\n\tfor {\n\t}\n}\n")
	test.Tap(findButton(t, tab, "Run my version"))
	time.Sleep(500 * time.Millisecond) // the child has started and spins
	cancelled := time.Now()
	v.demo.Cancel() // as Esc does
	v.runs.Wait()
	if took := time.Since(cancelled); took > 2*time.Second { // looser than the half second: a shared machine
		t.Errorf("the run ended %v after Cancel", took)
	}
	if _, _, err := v.demo.LastRun(); !errors.Is(err, context.Canceled) {
		t.Errorf("the run ended with %v, want context.Canceled", err)
	}
	if !strings.Contains(v.yours.note.Text, "cancelled") {
		t.Errorf("note %q, want it to say the run was cancelled", v.yours.note.Text)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the run, %d before", n, before)
	}
}

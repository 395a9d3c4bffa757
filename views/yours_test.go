package views

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
	"concurrencylab/techniques/yours"
)

// raceMutexFix is the template with a sync.Mutex around the read and the write.
func raceMutexFix(t *testing.T) string {
	t.Helper()
	const lossy = "v := n.Load()            // read…\n\t\t\t\truntime.Gosched()        // …let other goroutines run…\n\t\t\t\tn.Store(v + Step(delta))"
	if !strings.Contains(yours.RaceTemplate, lossy) {
		t.Fatal("the template no longer holds the lossy loop body")
	}
	return strings.Replace(yours.RaceTemplate, lossy, "mu.Lock()\n\t\t\t\tn.Store(n.Load() + Step(delta))\n\t\t\t\tmu.Unlock()", 1) + "\nvar mu sync.Mutex\n"
}

// openRaceCode shows the race panel's Code tab and opens its editor.
func openRaceCode(t *testing.T, v *raceView) (fyne.CanvasObject, *widget.Entry) {
	t.Helper()
	v.pairs.SetText("20")
	v.updates.SetText("20")
	return openCode(t, v.demo)
}

func TestRaceCodeRunMyVersionShowsYourRowAndKeepsTheEdit(t *testing.T) {
	v := newRace(t)
	tab, entry := openRaceCode(t, v)
	if entry.Text != yours.RaceTemplate {
		t.Fatalf("the editor starts from %q, want the template", entry.Text)
	}
	fix := raceMutexFix(t)
	entry.SetText(fix)
	test.Tap(findButton(t, tab, "Run my version"))
	v.runs.Wait()

	if r := v.yours.row; r[0].Text != "0" || r[1].Text != "0" || r[3].Text != "exact" {
		t.Errorf("your row: final %q, lost %q, verdict %q; want 0, 0, exact", r[0].Text, r[1].Text, r[3].Text)
	}
	if note := v.yours.note.Text; !strings.Contains(note, "interpreted") || !strings.Contains(note, "×") {
		t.Errorf("note %q: want the interpreter's slowdown, measured", note)
	}
	rep, _ := v.demo.Report()
	mine, _ := rep.Results["yours"].(map[string]any)
	if mine["lost"] != int64(0) || mine["slowdown"] == 0.0 {
		t.Errorf("results.yours = %v, want lost 0 and a slowdown", rep.Results["yours"])
	}

	// The edit outlives the panel, as it would a restart, until Reset.
	again := newRaceView()
	if again.yours.source() != fix {
		t.Error("a new race panel lost the edit")
	}
	test.Tap(findButton(t, tab, "Reset to the original"))
	if entry.Text != yours.RaceTemplate || again.yours.source() != yours.RaceTemplate {
		t.Error("Reset did not bring back the original")
	}
}

func TestRaceCodeOriginalLosesUpdatesInYourRow(t *testing.T) {
	v := newRace(t)
	tab, _ := openRaceCode(t, v)
	test.Tap(findButton(t, tab, "Run my version"))
	v.runs.Wait()
	if r := v.yours.row; r[1].Text == "0" || r[1].Text == "…" || r[3].Text == "exact" {
		t.Errorf("the original as your version: lost %q, verdict %q; want updates lost", r[1].Text, r[3].Text)
	}
}

func TestRaceCodeCompileErrorNamesAndMarksItsLine(t *testing.T) {
	v := newRace(t)
	tab, entry := openRaceCode(t, v)
	entry.SetText("package race\n\nfunc Run(pairs, updates int) uint64 {\n\treturn uint64(count)\n}\n")
	test.Tap(findButton(t, tab, "Run my version"))
	v.runs.Wait()
	if !strings.Contains(v.yours.status, "line 4") || !strings.Contains(v.yours.status, "undefined: count") {
		t.Errorf("status %q: want the compile error at line 4", v.yours.status)
	}
	if entry.CursorRow != 3 {
		t.Errorf("the editor's cursor is on row %d, want 3 (line 4)", entry.CursorRow)
	}
	if _, _, err := v.demo.LastRun(); !errors.As(err, new(*yours.Problem)) {
		t.Errorf("the run ended with %v, want the Problem", err)
	}
}

func TestRaceCodeFlagRunsYourVersionAfterTheOriginal(t *testing.T) {
	v := newRace(t)
	if err := v.demo.SetCode("package race\n\nimport \"os/exec\"\n"); err == nil || !strings.Contains(err.Error(), `"os/exec"`) {
		t.Errorf("SetCode with os/exec: %v, want it refused by name", err)
	}
	v.pairs.SetText("20")
	v.updates.SetText("20")
	if err := v.demo.SetCode(raceMutexFix(t)); err != nil {
		t.Fatal(err)
	}
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.runs.Wait()
	rep, _ := v.demo.Report()
	if _, ok := rep.Results["strategies"]; !ok {
		t.Error("the panel's own rows were not reported")
	}
	mine, _ := rep.Results["yours"].(map[string]any)
	if mine["lost"] != int64(0) || mine["verdict"] == nil {
		t.Errorf("results.yours = %v, want lost 0", rep.Results["yours"])
	}
	if fyne.CurrentApp().Preferences().String(raceYoursPref) != "" {
		t.Error("--code overwrote the learner's saved edit")
	}
}

func TestRaceCodeCheckerJudgesManyRunsAndRemembersASolution(t *testing.T) {
	saved := yoursCheckConfig
	yoursCheckConfig = techniques.RaceConfig{Pairs: 5, Updates: 10} // small: the interpreter is slow under -race
	t.Cleanup(func() { yoursCheckConfig = saved })
	v := newRace(t)
	tab, entry := openRaceCode(t, v)
	check := findButton(t, tab, fmt.Sprintf("Check it: %d runs", yoursCheckRuns))

	test.Tap(check) // the original
	v.runs.Wait()
	// Nearly every run loses some, but not surely every one: on a busy
	// machine one goroutine can do its ten updates before another starts.
	lossy := regexp.MustCompile(fmt.Sprintf(`lost updates in ([1-9][0-9]*) of %d runs`, yoursCheckRuns))
	if !lossy.MatchString(v.yours.note.Text) {
		t.Errorf("the original checked: %q, want lost updates in some of the %d runs", v.yours.note.Text, yoursCheckRuns)
	}
	if fyne.CurrentApp().Preferences().Bool(raceSolvedPref) {
		t.Error("the original counted as a solution")
	}

	entry.SetText(raceMutexFix(t))
	test.Tap(check)
	v.runs.Wait()
	if want := fmt.Sprintf("exact in all %d runs", yoursCheckRuns); !strings.Contains(v.yours.note.Text, want) {
		t.Errorf("the mutex fix checked: %q, want %q", v.yours.note.Text, want)
	}
	if !fyne.CurrentApp().Preferences().Bool(raceSolvedPref) || !strings.Contains(v.yours.exerciseText(), "Solved") {
		t.Error("a solved exercise was not remembered")
	}
}

func TestRaceCodeCancelKillsAnEndlessLoopAndLeavesNoGoroutine(t *testing.T) {
	v := newRace(t)
	tab, entry := openRaceCode(t, v)
	before := runtime.NumGoroutine()
	entry.SetText("package race\n\nfunc Run(pairs, updates int) uint64 {\n\tfor {\n\t}\n}\n")
	test.Tap(findButton(t, tab, "Run my version"))
	time.Sleep(500 * time.Millisecond) // the child has started and spins
	cancelled := time.Now()
	v.demo.Cancel() // as Esc does
	v.runs.Wait()
	// The issue asks for half a second; the bound here is looser, for a
	// shared, busy test machine. The kill itself is a SIGKILL.
	if took := time.Since(cancelled); took > 2*time.Second {
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

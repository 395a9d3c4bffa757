package views

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// predicting builds the coroutines panel (fast, and the same in every
// build) with its question, in a window of its own.
func predicting(t *testing.T, never bool) (*coroutinesView, *Predictions, fyne.Window) {
	a := test.NewTempApp(t)
	v := newCoroutinesView()
	win := test.NewTempWindow(t, widget.NewLabel(""))
	p := NewPredictions(a.Preferences(), win, never)
	v.demo.SetPredictions(p, "coroutines")
	win.SetContent(v.demo.Content)
	t.Cleanup(func() { v.demo.Wait(); v.stop() })
	return v, p, win
}

func TestPredictAskAnswerRunRevealTally(t *testing.T) {
	v, p, win := predicting(t, false)
	pr := v.demo.predict

	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	if pr.dlg == nil || v.demo.Busy() || v.out.Text() != "" {
		t.Fatalf("Run: question shown %t, busy %t, transcript %q; want the question and no run yet", pr.dlg != nil, v.demo.Busy(), v.out.Text())
	}
	if err := v.demo.Run(); err != nil || v.demo.Busy() { // Ctrl+R again while it is asked
		t.Fatalf("a second Run while asking: %v, busy %t", err, v.demo.Busy())
	}
	if win.Canvas().Focused() != pr.choices[0] {
		t.Fatal("the first choice does not have the focus: the keyboard cannot answer")
	}
	test.Type(win.Canvas().Focused(), "1") // "Unidentified": right
	v.demo.Wait()
	if pr.dlg != nil || v.out.Text() != articleSession {
		t.Fatalf("after answering: question still shown %t, transcript %q", pr.dlg != nil, v.out.Text())
	}
	if pr.shown == nil || !strings.HasPrefix(pr.result.Text, "Right.") ||
		!strings.Contains(pr.result.Text, `Measured: "Unidentified"`) || !strings.Contains(pr.why.Text, "resumes where it paused") {
		t.Errorf("reveal: shown %t, %q / %q", pr.shown != nil, pr.result.Text, pr.why.Text)
	}
	if r, a := p.Tally("coroutines"); r != 1 || a != 1 {
		t.Errorf("tally %d of %d, want 1 of 1", r, a)
	}

	if win.Canvas().Focused() == nil {
		t.Fatal("nothing has the focus in the reveal: Enter cannot close it")
	}
	win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if pr.shown != nil {
		t.Fatal("Enter did not close the reveal")
	}

	// A wrong answer, tapped: judged from the same measurement.
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	if pr.shown != nil {
		t.Error("the last reveal stays on screen while the next question is asked")
	}
	test.Tap(pr.choices[2]) // "Pika Pika"
	v.demo.Wait()
	if !strings.HasPrefix(pr.result.Text, "Not this time.") || !strings.Contains(pr.result.Text, `so: "Unidentified"`) {
		t.Errorf("reveal of a wrong guess: %q", pr.result.Text)
	}
	if r, a := p.Tally("coroutines"); r != 1 || a != 2 {
		t.Errorf("tally %d of %d, want 1 of 2", r, a)
	}
	if r, a := p.Total(); r != 1 || a != 2 || !strings.Contains(pr.tally.Text, "1 of 2 right on this panel") {
		t.Errorf("total %d of %d, tally line %q", r, a, pr.tally.Text)
	}
	resetBtn := findTappable(t, pr.rbox, "Reset answers")
	test.Tap(resetBtn)
	if r, a := p.Total(); r != 0 || a != 0 || !strings.Contains(pr.tally.Text, "0 of 0") {
		t.Errorf("after reset: %d of %d, %q", r, a, pr.tally.Text)
	}
}

func TestPredictSkip(t *testing.T) {
	for _, how := range []string{"Esc", "Skip button"} {
		t.Run(how, func(t *testing.T) {
			v, p, win := predicting(t, false)
			pr := v.demo.predict
			if err := v.demo.Run(); err != nil {
				t.Fatal(err)
			}
			if how == "Esc" {
				win.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			} else {
				test.Tap(findTappable(t, pr.box, "Skip: run without guessing (Esc)"))
			}
			v.demo.Wait()
			if pr.dlg != nil || v.out.Text() != articleSession {
				t.Fatalf("skipped: question shown %t, transcript %q; want the run, unasked", pr.dlg != nil, v.out.Text())
			}
			if pr.shown != nil {
				t.Errorf("a reveal after a skipped question: %q", pr.result.Text)
			}
			if _, a := p.Tally("coroutines"); a != 0 {
				t.Errorf("a skipped question was counted: %d asked", a)
			}
		})
	}
}

func TestPredictNumberKeyWithoutFocusAndCancel(t *testing.T) {
	v, _, win := predicting(t, false)
	pr := v.demo.predict
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Cancel() // Esc with nothing focused, or leaving the panel: no run follows
	if pr.dlg != nil || v.demo.Busy() {
		t.Fatalf("after Cancel: question shown %t, busy %t", pr.dlg != nil, v.demo.Busy())
	}
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	win.Canvas().Unfocus()
	if !v.demo.Key("1", 0) { // the shell hands the panel the keys nothing focused took
		t.Fatal("the number key was not taken while the question is shown")
	}
	v.demo.Wait()
	if !strings.HasPrefix(pr.result.Text, "Right.") {
		t.Errorf("reveal after key 1: %q", pr.result.Text)
	}
}

func TestPredictAskingOff(t *testing.T) {
	v, p, _ := predicting(t, false)
	item := p.MenuItem()
	if !item.Checked {
		t.Fatal("View → Ask before running is off by default")
	}
	item.Action() // the user turns it off
	if p.Asking() || item.Checked {
		t.Fatal("asking still on after the menu turned it off")
	}
	if NewPredictions(fyne.CurrentApp().Preferences(), nil, false).Asking() {
		t.Error("turning asking off was not kept in the preferences")
	}
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	v.demo.Wait()
	if v.demo.predict.dlg != nil || v.out.Text() != articleSession {
		t.Errorf("asking off: question shown %t, transcript %q", v.demo.predict.dlg != nil, v.out.Text())
	}
}

func TestPredictAutorunNeverAsks(t *testing.T) {
	v, p, _ := predicting(t, true)
	p.SetAsking(true)
	if p.Asking() {
		t.Fatal("--autorun asks")
	}
	if err := v.demo.Run(); err != nil {
		t.Fatal(err)
	}
	if v.demo.predict.dlg != nil {
		t.Fatal("--autorun showed a question")
	}
	v.demo.Wait()
	if v.out.Text() != articleSession {
		t.Errorf("--autorun did not run at once: %q", v.out.Text())
	}
}

// TestPredictJudges checks each question's answer follows what the run
// measured, whichever way it falls, and that no answer is judged from a run
// that did not measure it.
func TestPredictJudges(t *testing.T) {
	ids := map[string]bool{}
	for _, p := range Panels() {
		ids[p.ID] = true
	}
	for id, q := range questions {
		if !ids[id] || len(q.Choices) < 2 || len(q.Choices) > 9 {
			t.Errorf("question %q: panel known %t, %d choices", id, ids[id], len(q.Choices))
		}
		if _, _, _, ok := q.judge(runMeasure{Results: Results{}}); ok {
			t.Errorf("question %q judged from a run that measured nothing", id)
		}
	}
	strategies := func(lost int64) Results {
		return Results{"updates_made": int64(2_000_000), "strategies": []map[string]any{{"name": "plain n += 1 (data race)", "lost": lost}}}
	}
	modes := func(seq, one float64) Results {
		return Results{"modes": []map[string]any{{"name": "sequential", "kind": "cpu", "seconds": seq}, {"name": "concurrent-1cpu", "kind": "cpu", "seconds": one},
			{"name": "sequential", "kind": "blocking", "seconds": 9.0}}}
	}
	server := func(one, per float64) Results {
		return Results{"gomaxprocs": 2, "db_conns": 16, "latency_ms": 20.0, "modes": []map[string]any{{"name": "one at a time", "requests_per_s": one},
			{"name": "goroutine per connection", "requests_per_s": per, "most_on_database": 16}}}
	}
	settled := func(took time.Duration, ms ...float64) runMeasure {
		var rows []map[string]any
		for _, m := range ms {
			rows = append(rows, map[string]any{"settled_after_ms": m, "state": "resolved"})
		}
		return runMeasure{Results: Results{"futures": rows}, Took: took}
	}
	const threadsWay = "each worker on its own OS thread"
	// The threads question is about threads run side by side, not the blocking way.
	if _, _, _, ok := questions["threads"].judge(runMeasure{Results: Results{"way": "one after another on the UI goroutine",
		"output_switches": 9, "lines_printed": 100}}); ok {
		t.Error("threads: judged a run of the blocking way")
	}
	tests := []struct {
		id    string
		m     runMeasure
		right int
		value string
	}{
		{"race", runMeasure{Results: strategies(0)}, 0, "0 of 2,000,000"},
		{"race", runMeasure{Results: strategies(100)}, 1, "(0.005%)"},
		{"race", runMeasure{Results: strategies(456_827)}, 2, "456,827 of 2,000,000 updates lost (23%)"},
		{"race", runMeasure{Results: strategies(1_999_000)}, 3, ""},
		{"overview", runMeasure{Results: modes(0.91, 1.05)}, 1, "1.05 s with GOMAXPROCS=1 against 0.91 s"},
		{"overview", runMeasure{Results: modes(1, 0.25)}, 0, ""},
		{"overview", runMeasure{Results: modes(1, 2)}, 2, ""},
		{"server", runMeasure{Results: server(43, 625)}, 2, "(14.5×)"},
		{"server", runMeasure{Results: server(43, 60)}, 0, ""},
		{"server", runMeasure{Results: server(10, 640)}, 3, ""},
		{"goroutines", runMeasure{Results: Results{"bytes_per_goroutine": uint64(2740), "goroutines_parked": 100000}}, 1, "2.7 KiB each (resident memory grown ÷ 100,000)"},
		{"goroutines", runMeasure{Results: Results{"bytes_per_goroutine": 9e6}}, 3, ""},
		{"deadlock", runMeasure{Results: Results{"deadlock_found": true, "detected_ms": 5.4}}, 0, "deadlocked 5.4 ms after"},
		{"deadlock", runMeasure{Results: Results{"deadlock_found": true, "detected_ms": 2500.0}}, 1, ""},
		{"deadlock", runMeasure{Results: Results{"deadlock_found": false}}, 2, "no deadlock"},
		{"callbacks", runMeasure{Results: Results{"done_before_first_line": true}}, 1, "\"done.\" came first"},
		{"callbacks", runMeasure{Results: Results{"done_before_first_line": false}}, 0, ""},
		{"coroutines", runMeasure{Results: Results{"transcript": strings.Split(strings.TrimSpace(articleSession), "\n")}}, 0, `"Unidentified"`},
		{"coroutines", runMeasure{Results: Results{"transcript": []string{`caller → coroutine: send("Squirtle")`}}}, 3, "nothing"},
		{"threads", runMeasure{Results: Results{"way": threadsWay, "output_switches": 99, "lines_printed": 100}}, 1, "99 times in 100 lines"},
		{"threads", runMeasure{Results: Results{"way": threadsWay, "output_switches": 9, "lines_printed": 100}}, 0, ""},
		{"threads", runMeasure{Results: Results{"way": threadsWay, "output_switches": 9, "lines_printed": 20}}, 1, ""},
		// The last session is the run's: an earlier one in the console is not judged.
		{"coroutines", runMeasure{Results: Results{"transcript": append([]string{`caller → coroutine: send("Squirtle")`, "coroutine → caller: error: finished"},
			strings.Split(strings.TrimSpace(articleSession), "\n")...)}}, 0, `"Unidentified"`},
		{"futures", settled(1300*time.Millisecond, 415, 1277, 900), 0, "settled from 415 to 1277 ms"},
		{"futures", settled(2700*time.Millisecond, 415, 1277, 900), 1, ""},
		{"futures", settled(450*time.Millisecond, 415, 1277, 900), 2, ""},
		{"scheduler", runMeasure{Results: Results{"schedules": 20, "outcomes": map[string]int{"counter = 1": 18, "counter = 2": 2},
			"free_runs": 100000, "free_outcomes": map[string]int{"counter = 1": 2, "counter = 2": 99998}}}, 1, "counter = 1: 18 of 20 schedules (90%), 2 of 100,000 free runs (0.002%)"},
		{"scheduler", runMeasure{Results: Results{"schedules": 4, "outcomes": map[string]int{"a": 2, "b": 2},
			"free_runs": 100, "free_outcomes": map[string]int{"a": 45, "b": 55}}}, 0, ""},
		{"async-await", runMeasure{Results: Results{"way": "straight-line code on a goroutine", "ui_goroutine_longest_hold_ms": 5.4, "elapsed_ms": 1115.0}}, 0, "5.4 ms"},
		{"async-await", runMeasure{Results: Results{"way": "straight-line code on a goroutine", "ui_goroutine_longest_hold_ms": 1100.0, "elapsed_ms": 1115.0}}, 2, ""},
	}
	for _, tt := range tests {
		right, value, why, ok := questions[tt.id].judge(tt.m)
		if !ok || right != tt.right || !strings.Contains(value, tt.value) || why == "" {
			t.Errorf("%s %v: judged %t, right %d (want %d), value %q (want it to say %q), why %q", tt.id, tt.m.Results, ok, right, tt.right, value, tt.value, why)
		}
	}
}

// findTappable finds the button labelled text under o.
func findTappable(t *testing.T, o fyne.CanvasObject, text string) fyne.Tappable {
	t.Helper()
	var found fyne.Tappable
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if w.Text == text {
				found = w
			}
		case *answerButton:
			if w.Text == text {
				found = w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *widget.Card:
			walk(w.Content)
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

// TestPredictPanelButtonsAsk checks each panel's own primary button asks,
// as the toolbar's Run does.
func TestPredictPanelButtonsAsk(t *testing.T) {
	buttons := map[string]string{
		"race": "Run each once", "overview": "Run all six", "server": "Compare all three modes",
		"goroutines": "Start, measure, release", "threads": "Start the threads", "futures": "All",
		"async-await": "Run (straight-line code on a goroutine)",
	}
	for _, panel := range Panels() {
		text, ok := buttons[panel.ID]
		if !ok {
			continue
		}
		t.Run(panel.ID, func(t *testing.T) {
			a := test.NewTempApp(t)
			d := panel.NewDemo()
			win := test.NewTempWindow(t, widget.NewLabel(""))
			d.SetPredictions(NewPredictions(a.Preferences(), win, false), panel.ID)
			win.SetContent(d.Content)
			t.Cleanup(func() { d.Cancel(); d.Wait() })
			test.Tap(findButton(t, d.Content, text))
			if d.predict.dlg == nil || d.Busy() {
				t.Fatalf("%q: question shown %t, busy %t; want the question first", text, d.predict.dlg != nil, d.Busy())
			}
			d.Cancel()
			if d.predict.dlg != nil || d.Busy() {
				t.Errorf("after Cancel: question shown %t, busy %t", d.predict.dlg != nil, d.Busy())
			}
		})
	}
}

func TestPredictAnswersRecord(t *testing.T) {
	a := test.NewTempApp(t)
	p := NewPredictions(a.Preferences(), nil, false)
	p.count("race", true)
	p.count("race", false)
	p.count("overview", false)
	got := p.Answers()
	panels := got["panels"].(map[string]any)
	if race := panels["race"].(map[string]int); race["right"] != 1 || race["asked"] != 2 {
		t.Errorf("race: %v, want 1 right of 2 asked", race)
	}
	if _, ok := panels["server"]; ok || got["right"] != 1 || got["asked"] != 3 || len(panels) != 2 {
		t.Errorf("answers %v: want race and overview only, 1 right of 3", got)
	}
}

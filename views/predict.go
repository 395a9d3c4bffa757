package views

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// Predict, run, compare: before a panel's primary demo runs, the lab can ask
// one question whose answer the run measures; after it, it shows the guess
// beside the measured value, right or wrong, and why. Which answer is right
// is judged from this run's numbers (the values the panel records for its
// report), never fixed in advance: a run can always contradict a fixed
// answer, and a lab must not.

// question is one panel's question. judge reads what the run measured and
// says which choice it makes right, the measured value in words, and why
// in one sentence; ok is false when the run did not measure it.
type question struct {
	Ask     string
	Choices []string
	judge   func(m runMeasure) (right int, value, why string, ok bool)
}

// runMeasure is what a judge reads: the run's report and how long it took.
type runMeasure struct {
	Results Results
	Took    time.Duration
}

// num reads a numeric result, whatever its Go type.
func (m runMeasure) num(key string) (float64, bool) { return number(m.Results[key]) }

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// row finds the row whose key field is name in a result that is a list of rows.
func (m runMeasure) row(list, key, name string) (map[string]any, bool) {
	rows, _ := m.Results[list].([]map[string]any)
	for _, r := range rows {
		if r[key] == name {
			return r, true
		}
	}
	return nil, false
}

// sentence ends s with a full stop, unless it has one.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, ".\"") {
		return s
	}
	return s + "."
}

// band returns the index of the first bound x is below, or len(bounds).
func band(x float64, bounds ...float64) int {
	for i, b := range bounds {
		if x < b {
			return i
		}
	}
	return len(bounds)
}

// questions are keyed by panel ID. Each catches a common misconception.
// A choice states only an outcome, never a reason: the reveal names the
// right choice after a run, and a reason there would be a claim the run
// did not check. The reason is the judge's why.
var questions = map[string]question{
	"race": {
		Ask:     "Incrementers and decrementers update one shared counter. Without a lock (the plain n += 1 row), what share of their updates will be lost?",
		Choices: []string{"None", "A few: under 1%", "Many: 1% to 50%", "Most: more than half"},
		judge: func(m runMeasure) (int, string, string, bool) {
			r, ok := m.row("strategies", "name", "plain n += 1 (data race)")
			made, ok2 := m.num("updates_made")
			lost, ok3 := number(r["lost"])
			if !ok || !ok2 || !ok3 || made <= 0 {
				return 0, "", "", false
			}
			share := lost / made
			right := 1 + band(share, 0.01, 0.5)
			if lost == 0 {
				right = 0
			}
			why := "n += 1 is a read, an add and a write: a write that lands between another goroutine's read and its write is overwritten, " +
				"and how often that happens depends on how the goroutines happened to interleave, so it changes from run to run."
			if lost == 0 {
				why = "Losing none this time was luck, not safety: n += 1 is a read, an add and a write, and nothing orders two goroutines' accesses " +
					"(a data race, which the race detector reports whether or not an update is lost); another run can lose many."
			}
			return right, fmt.Sprintf("%s of %s updates lost (%s)", grouped(int(lost)), grouped(int(made)), percent(share)), why, true
		},
	},
	"overview": {
		Ask: "The CPU-bound tasks, run concurrently with GOMAXPROCS=1 (one goroutine executing Go code at a time): against running them one after another, how long do they take?",
		Choices: []string{"Clearly less: under 2/3 of the time", "About as long: 2/3× to 1.5×",
			"Far longer: over 1.5×"},
		judge: func(m runMeasure) (int, string, string, bool) {
			seq, ok1 := m.row2("modes", "sequential", "cpu")
			one, ok2 := m.row2("modes", "concurrent-1cpu", "cpu")
			a, ok3 := number(seq["seconds"])
			b, ok4 := number(one["seconds"])
			if !ok1 || !ok2 || !ok3 || !ok4 || a <= 0 {
				return 0, "", "", false
			}
			r := b / a
			right := band(r, 2.0/3, 1.5)
			why := "One core does the same work whether the tasks take turns or go one after another: taking turns lets them all make progress, " +
				"it adds no CPU. Concurrency is not parallelism."
			if right != 1 {
				why += " A difference this large is not the taking turns: it is the rest of the machine (its other programs, the runtime's own threads) taking more time from one run than from the other."
			}
			return right, fmt.Sprintf("%.2f s with GOMAXPROCS=1 against %.2f s one after another (%.2f×)", b, a, r), why, true
		},
	},
	"server": {
		Ask:     "How many times as many requests a second will a goroutine per connection serve as one request at a time?",
		Choices: []string{"Under 2×", "2× to 5×", "5× to 30×", "30× or more"},
		judge: func(m runMeasure) (int, string, string, bool) {
			one, ok1 := m.row("modes", "name", "one at a time")
			per, ok2 := m.row("modes", "name", "goroutine per connection")
			a, ok3 := number(one["requests_per_s"])
			b, ok4 := number(per["requests_per_s"])
			if !ok1 || !ok2 || !ok3 || !ok4 || a <= 0 {
				return 0, "", "", false
			}
			x := b / a
			cores, _ := m.num("gomaxprocs")
			conns, _ := m.num("db_conns")
			onDB, _ := number(per["most_on_database"])
			lat, _ := m.num("latency_ms")
			share := lat / 1000 * a // of each request one at a time, the share that was the database wait
			why := fmt.Sprintf("One at a time, %.0f %% of each request was a wait on the database, not work for a core: a goroutine per connection overlaps the waits "+
				"(up to %.0f requests were on the database's %.0f connections at once), so the %.0f cores are not what limits it.", 100*share, onDB, conns, cores)
			if x < 2*cores || share < 0.5 {
				why = fmt.Sprintf("Overlapping waits gains only as far as requests wait: one at a time, %.0f %% of each request was the wait on the database, "+
					"and up to %.0f requests were on it at once.", 100*share, onDB)
			}
			return band(x, 2, 5, 30), fmt.Sprintf("%.0f requests/s against %.0f/s one at a time (%.1f×)", b, a, x), why, true
		},
	},
	"goroutines": {
		Ask:     "Goroutines parked on a channel, by the hundred thousand: how much memory does each one add?",
		Choices: []string{"Under 1 KiB", "1 to 16 KiB", "16 KiB to 1 MiB", "1 MiB or more"},
		judge: func(m runMeasure) (int, string, string, bool) {
			b, ok := m.num("bytes_per_goroutine")
			n, _ := m.num("goroutines_parked")
			if !ok {
				return 0, "", "", false
			}
			why := "A goroutine starts with a small stack (2 KiB at least on 64-bit Linux; the runtime starts new ones at the average size it has seen), which it grows by copying only when it needs more"
			if s, ok := m.num("stack_bytes_per_goroutine_as_started"); ok {
				why = fmt.Sprintf("Each goroutine started with a %.1f KiB stack, which the runtime grows by copying only when it needs more", s/1024)
			}
			why += "; the resident memory counts, besides the stack, its runtime record, the record of its wait on the channel and its closure"
			if v, ok := m.num("address_space_per_thread_bytes"); ok {
				why += fmt.Sprintf("; each OS thread here reserved %.1f MiB of address space, mostly for its stack", v/(1<<20))
			}
			why += "."
			return band(b, 1024, 16*1024, 1024*1024),
				fmt.Sprintf("%.1f KiB each (resident memory grown ÷ %s)", b/1024, grouped(int(n))), why, true
		},
	},
	"callbacks": {
		Ask:     "The read's handler calls ReadFile(\"foo.txt\", callback) and then prints \"done.\" Which shows first in the console?",
		Choices: []string{"The file's first line", "\"done.\""},
		judge: func(m runMeasure) (int, string, string, bool) {
			first, ok := m.Results["done_before_first_line"].(bool)
			if !ok {
				return 0, "", "", false
			}
			called, _ := m.num("callback_called_ms_after_handler_began")
			if !first {
				return 0, "the file's first line came first", "This time the callback ran before the handler printed done.", true
			}
			return 1, fmt.Sprintf("\"done.\" came first; the callback ran %.0f ms after the handler began", called),
				"ReadFile hands the read to another goroutine and returns at once; the callback runs later, when the read is done, and its lines reach the window through fyne.Do, " +
					"which runs only after the handler has returned. So done. comes first whatever the order inside the handler (this panel's prints it just before it starts the read).", true
		},
	},
	"deadlock": {
		Ask: "The philosophers each pick up the fork on their left, then reach for the one on their right, with the times set above. " +
			"Left to run for up to 10 s, will they deadlock?",
		Choices: []string{"Yes, within a second", "Yes, but only after a second or more", "No, not in this run"},
		judge: func(m runMeasure) (int, string, string, bool) {
			found, ok := m.Results["deadlock_found"].(bool)
			if !ok {
				return 0, "", "", false
			}
			if !found {
				return 2, "no deadlock in this run",
					"Luck of timing: the philosophers fell out of step before each held a left fork. The cycle stays possible in every run; " +
						"only a fix (one lock order, a timeout, an arbiter) takes it away.", true
			}
			after, _ := m.num("detected_ms")
			return band(after, 1000), fmt.Sprintf("deadlocked %.1f ms after they sat down", after),
				"A deadlock needs no heavy load, only a way of locking that can go round a cycle: each holds one fork and waits for the next, " +
					"and when they start in step the cycle closes as soon as everyone holds a left fork.", true
		},
	},
	"coroutines": {
		Ask:     "After prime gives \"Coroutine starts\" and send(\"Pikachu\") gives \"Pika Pika\", what does send(\"Squirtle\") give back?",
		Choices: []string{"\"Unidentified\"", "\"Coroutine starts\"", "\"Pika Pika\"", "Nothing"},
		judge: func(m runMeasure) (int, string, string, bool) {
			lines, _ := m.Results["transcript"].([]string)
			for i := len(lines) - 1; i >= 0; i-- { // the last: the console also holds earlier sessions
				if !strings.Contains(lines[i], "send(\"Squirtle\")") {
					continue
				}
				got := ""
				if i+1 < len(lines) {
					got, _ = strings.CutPrefix(lines[i+1], "coroutine → caller: ")
				}
				right := 3
				switch got {
				case "\"Unidentified\"":
					right = 0
				case "\"Coroutine starts\"":
					right = 1
				case "\"Pika Pika\"":
					right = 2
				}
				if got == "" {
					got = "nothing"
				}
				why := "A coroutine resumes where it paused, inside its loop: it receives Squirtle, its switch has no case for it, " +
					"so it replies \"Unidentified\" and pauses again."
				if right != 0 {
					why = "This run's coroutine did not answer Squirtle as its code does (see the console): resumed, it should receive Squirtle, " +
						"find no case for it in its switch, reply \"Unidentified\" and pause again."
				}
				return right, got, why, true
			}
			return 0, "", "", false
		},
	},
	"threads": {
		Ask:     fmt.Sprintf("Each worker, on an OS thread of its own, prints %d lines. In what order do the lines come out?", threadLines),
		Choices: []string{"In blocks: each worker's lines together", "Interleaved, in an order no one chose"},
		judge: func(m runMeasure) (int, string, string, bool) {
			s, ok1 := m.num("output_switches")
			lines, ok2 := m.num("lines_printed")
			if !ok1 || !ok2 || m.Results["way"] != "each worker on its own OS thread" {
				return 0, "", "", false
			}
			right := 1
			if s < lines/threadLines { // in blocks, the output switches worker once fewer times than there are workers
				right = 0
			}
			why := "The schedulers (the OS's, and Go's, which hands out its GOMAXPROCS processors) decide which thread runs when, at moments the program does not choose, " +
				"so the order changes from run to run."
			if right == 0 {
				why += " Blocks this time were how the threads happened to be scheduled, not an order the program asked for: another run can interleave."
			}
			return right, fmt.Sprintf("the output switched worker %.0f times in %.0f lines", s, lines), why, true
		},
	},
	"futures": {
		Ask:     "All waits for several futures, each taking its own random time. How long does the run, which waits for every one of them, take?",
		Choices: []string{"About as long as the slowest one", "About the sum of their times", "About as long as the fastest one"},
		judge: func(m runMeasure) (int, string, string, bool) {
			rows, _ := m.Results["futures"].([]map[string]any)
			var sum, most, least float64
			for i, r := range rows {
				t, ok := number(r["settled_after_ms"])
				if !ok || r["state"] != "resolved" { // a rejection ends All at once: another lesson
					return 0, "", "", false
				}
				sum += t
				if i == 0 || t < least {
					least = t
				}
				most = max(most, t)
			}
			took := float64(m.Took) / float64(time.Millisecond)
			if len(rows) == 0 || took <= 0 {
				return 0, "", "", false
			}
			right := 0
			switch {
			case took < (least+most)/2:
				right = 2
			case took > (most+sum)/2:
				right = 1
			}
			why := "Each future starts its work at once on its own goroutine, so they wait side by side: All can resolve only once the last of them has settled, " +
				"and the run, which waits for All and for every future, ends soon after the slowest."
			if right == 1 {
				why = "Each future starts its work at once on its own goroutine, so they wait side by side: each settled at the time shown, the last at the slowest one's. " +
					"The rest of this run's time went elsewhere (a busy machine, the window), not to futures waiting in turn."
			}
			return right, fmt.Sprintf("the run took %.0f ms; the futures settled from %.0f to %.0f ms (%.0f ms summed)", took, least, most, sum), why, true
		},
	},
	"scheduler": {
		Ask:     "Try every schedule counts each outcome's schedules, then runs the program free, many times. Will each outcome's share of the free runs be close to its share of the schedules?",
		Choices: []string{"Yes: within 10 percentage points for every outcome", "No: some outcome is far off"},
		judge: func(m runMeasure) (int, string, string, bool) {
			sched, _ := m.Results["outcomes"].(map[string]int)
			free, _ := m.Results["free_outcomes"].(map[string]int)
			runs, _ := m.num("free_runs")
			total, _ := m.num("schedules")
			if len(sched) == 0 || free == nil || runs <= 0 || total <= 0 {
				return 0, "", "", false
			}
			right, worst, at := 0, 0.0, ""
			for _, o := range slices.Sorted(maps.Keys(sched)) { // in order: a tie names the same outcome every time
				if d := math.Abs(float64(sched[o])/total - float64(free[o])/runs); d > worst || at == "" {
					worst, at = d, o
				}
			}
			if worst > 0.1 {
				right = 1
			}
			value := fmt.Sprintf("%s: %d of %.0f schedules (%s), %s of %s free runs (%s)", at, sched[at], total,
				percent(float64(sched[at])/total), grouped(free[at]), grouped(int(runs)), percent(float64(free[at])/runs))
			why := "Schedules count orders, each once however unlikely; a free run follows timing, and goroutine start-up and the lengths of the steps " +
				"make a few orders far more likely than the rest. Rare is not never: an order that a free run almost never takes is still a possible run."
			switch {
			case len(sched) == 1:
				why = "Every schedule gave the same outcome, so the free runs could give nothing else."
			case right == 0:
				why = "This time the shares came close, but nothing makes them: schedules count orders, each once however unlikely, while a free run follows timing " +
					"(goroutine start-up, the lengths of the steps), which can make a few orders far more likely than the rest."
			}
			return right, value, why, true
		},
	},
	"async-await": {
		Ask:     "Run reads a file and looks up its words in straight-line code that waits for each step. At most how long at a time does this panel's code hold the window's goroutine?",
		Choices: []string{"Under 100 ms", "100 ms to half the run", "Most of the run"},
		judge: func(m runMeasure) (int, string, string, bool) {
			h, ok1 := m.num("ui_goroutine_longest_hold_ms")
			e, ok2 := m.num("elapsed_ms")
			if !ok1 || !ok2 || m.Results["way"] != "straight-line code on a goroutine" {
				return 0, "", "", false
			}
			right := band(h, 100)
			if h >= 100 && h >= e/2 {
				right = 2
			}
			why := "The straight-line code runs on a goroutine of its own and hands each result to the window with fyne.Do: its waiting blocks that goroutine, not the window's."
			if right != 0 {
				why += " What held the window's goroutine this long was the panel's own click handler and updates (slow on a busy machine), not the waiting."
			}
			return right, fmt.Sprintf("this panel's code held it at most %.1f ms at a time (painting not counted), in a run of %.0f ms", h, e), why, true
		},
	},
}

// row2 finds a row of a list by its name and kind fields.
func (m runMeasure) row2(list, name, kind string) (map[string]any, bool) {
	rows, _ := m.Results[list].([]map[string]any)
	for _, r := range rows {
		if r["name"] == name && r["kind"] == kind {
			return r, true
		}
	}
	return nil, false
}

// Preference keys.
const (
	prefAsk         = "predict.ask"
	prefRightPrefix = "predict.right."
	prefAskedPrefix = "predict.asked."
)

// Predictions holds what every panel's questions share: whether to ask,
// the tally of answers (in preferences), and the window the question is
// shown in. All its methods are called on the Fyne goroutine.
type Predictions struct {
	prefs fyne.Preferences
	win   fyne.Window
	never bool // --autorun: never ask, whatever the preference says
}

// NewPredictions returns the questions' state, kept in prefs. never turns
// asking off for this process (--autorun: a run nobody is there to answer).
func NewPredictions(prefs fyne.Preferences, win fyne.Window, never bool) *Predictions {
	return &Predictions{prefs: prefs, win: win, never: never}
}

// Asking reports whether a question is asked before a primary demo runs.
func (p *Predictions) Asking() bool { return !p.never && p.prefs.BoolWithFallback(prefAsk, true) }

// SetAsking turns asking on or off, and remembers it.
func (p *Predictions) SetAsking(on bool) { p.prefs.SetBool(prefAsk, on) }

// MenuItem is View → Ask before running: a check item that turns asking on and off.
func (p *Predictions) MenuItem() *fyne.MenuItem {
	item := fyne.NewMenuItem("Ask before running", nil)
	item.Checked = p.prefs.BoolWithFallback(prefAsk, true)
	item.Action = func() {
		item.Checked = !item.Checked
		p.SetAsking(item.Checked)
	}
	return item
}

// Tally returns how many answers to panel's question were right, and how
// many were judged.
func (p *Predictions) Tally(panel string) (right, asked int) {
	return p.prefs.Int(prefRightPrefix + panel), p.prefs.Int(prefAskedPrefix + panel)
}

// Total is the tally over every panel.
func (p *Predictions) Total() (right, asked int) {
	for id := range questions {
		r, a := p.Tally(id)
		right, asked = right+r, asked+a
	}
	return right, asked
}

// Answers is the tally as a record for a file (File → Export results…
// writes it beside the results): each panel asked about, with how many
// answers were right, and the totals.
func (p *Predictions) Answers() map[string]any {
	panels := map[string]any{}
	for id := range questions {
		if r, a := p.Tally(id); a > 0 {
			panels[id] = map[string]int{"right": r, "asked": a}
		}
	}
	r, a := p.Total()
	return map[string]any{"panels": panels, "right": r, "asked": a}
}

// ResetTally forgets every answer.
func (p *Predictions) ResetTally() {
	for id := range questions {
		p.prefs.RemoveValue(prefRightPrefix + id)
		p.prefs.RemoveValue(prefAskedPrefix + id)
	}
}

func (p *Predictions) count(panel string, right bool) {
	if right {
		p.prefs.SetInt(prefRightPrefix+panel, p.prefs.Int(prefRightPrefix+panel)+1)
	}
	p.prefs.SetInt(prefAskedPrefix+panel, p.prefs.Int(prefAskedPrefix+panel)+1)
}

// predictor is one Demo's side of the questions: the open question, the
// guess waiting for its run, and the reveal after it.
type predictor struct {
	p     *Predictions
	panel string
	q     question

	dlg     dialog.Dialog     // the question, while it is shown
	box     fyne.CanvasObject // its content
	choices []*answerButton
	pick    func(r rune) // picks a choice by its number key, while the question is shown
	guess   int          // the choice made for the run in flight, or -1

	// The reveal: a dialog too, so that it takes no room from the panel's
	// own evidence, which it sits over until it is closed.
	shown  dialog.Dialog // the reveal, while it is shown
	rbox   fyne.CanvasObject
	result *widget.Label
	why    *widget.Label
	tally  *widget.Label
}

// SetPredictions lets the demo ask panel's question before its primary
// demo runs, with the state of p.
func (d *Demo) SetPredictions(p *Predictions, panel string) {
	q, ok := questions[panel]
	if !ok || p == nil {
		return
	}
	pr := &predictor{p: p, panel: panel, q: q, guess: -1,
		result: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		why:    wrapped(""), tally: widget.NewLabel("")}
	pr.result.Wrapping = fyne.TextWrapWord
	d.predict = pr
	d.runs.watch(func(c RunChange) {
		if !c.Busy {
			pr.reveal(d, c.Err)
		}
	})
}

// run starts the primary demo, after the question if one is to be asked.
// It returns at once; the run starts when the question is answered or
// skipped.
func (pr *predictor) run(d *Demo) error {
	if pr.dlg != nil {
		return nil // the question is already on screen
	}
	if !pr.p.Asking() || d.runs.Busy() || d.runs.freeze.thawing {
		return d.primary()
	}
	pr.ask(d)
	return nil
}

// answerButton is a choice of the question: Enter taps it as Space does,
// a number key picks that choice, Esc skips the question.
type answerButton struct {
	widget.Button
	key func(r rune)
	esc func()
}

func newAnswerButton(text string, tapped func(), key func(rune), esc func()) *answerButton {
	b := &answerButton{key: key, esc: esc}
	b.Text, b.OnTapped = text, tapped
	b.Alignment = widget.ButtonAlignLeading
	b.ExtendBaseWidget(b)
	return b
}

func (b *answerButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	case fyne.KeyEscape:
		b.esc()
	default:
		b.Button.TypedKey(ev)
	}
}

func (b *answerButton) TypedRune(r rune) { b.key(r) }

// ask shows the question; answering or skipping it starts the run.
func (pr *predictor) ask(d *Demo) {
	pr.hideReveal()
	start := func(guess int) {
		pr.dismiss()
		pr.guess = guess
		if err := d.primary(); err != nil {
			pr.guess = -1
			pr.show(widget.WarningImportance, "The run did not start: "+err.Error(), "")
		}
	}
	skip := func() { start(-1) }
	key := func(r rune) {
		if i, err := strconv.Atoi(string(r)); err == nil && i >= 1 && i <= len(pr.q.Choices) {
			start(i - 1)
		}
	}
	pr.pick = key
	list := container.NewVBox()
	for i, c := range pr.q.Choices {
		b := newAnswerButton(fmt.Sprintf("%d   %s", i+1, c), func() { start(i) }, key, skip)
		pr.choices = append(pr.choices, b)
		list.Add(b)
	}
	skipBtn := newAnswerButton("Skip: run without guessing (Esc)", skip, key, skip)
	hint := widget.NewLabel(fmt.Sprintf("Press 1–%d, or Tab to a choice and Enter; the run measures the answer. "+
		"The View menu's \"Ask before running\" turns the questions off.", len(pr.q.Choices)))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	ask := widget.NewLabel(pr.q.Ask)
	ask.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(ask, list, container.NewHBox(layout.NewSpacer(), skipBtn), hint)
	pr.box = content
	pr.dlg = dialog.NewCustomWithoutButtons("Predict, then run", content, pr.p.win)
	pr.dlg.Resize(fyne.NewSize(620*Zoom(), 0))
	pr.dlg.Show()
	pr.p.win.Canvas().Focus(pr.choices[0])
}

// key takes a key the window got while the question is shown and no
// choice has the focus: a number picks that choice.
func (pr *predictor) key(name fyne.KeyName, mod fyne.KeyModifier) bool {
	if mod != 0 || len(name) != 1 {
		return false
	}
	pr.pick(rune(name[0]))
	return true
}

// dismiss takes the question and the reveal off the screen; no run follows.
func (pr *predictor) dismiss() {
	pr.hideReveal()
	if pr.dlg == nil {
		return
	}
	pr.dlg.Hide()
	pr.dlg, pr.choices, pr.pick = nil, nil, nil
}

// reveal shows the measured answer beside the guess once the run has ended,
// and counts it.
func (pr *predictor) reveal(d *Demo, err error) {
	guess := pr.guess
	if guess < 0 {
		return
	}
	pr.guess = -1
	you := "You guessed: " + sentence(pr.q.Choices[guess]) + " "
	if err != nil {
		return // cancelled or failed, as the status bar says: nothing to judge, nothing counted
	}
	rep, _ := d.Report()
	_, took, _ := d.LastRun()
	right, value, why, ok := pr.q.judge(runMeasure{Results: rep.Results, Took: took})
	if !ok {
		pr.show(widget.WarningImportance, you+"This run did not measure it: not judged, not counted.", "")
		return
	}
	pr.p.count(pr.panel, right == guess)
	if right == guess {
		pr.show(widget.SuccessImportance, "Right. "+you+"Measured: "+value+".", "Why: "+why)
		return
	}
	pr.show(widget.DangerImportance, "Not this time. "+you+"Measured: "+value+", so: "+sentence(pr.q.Choices[right]), "Why: "+why)
}

func (pr *predictor) show(imp widget.Importance, result, why string) {
	pr.result.Importance = imp
	pr.result.SetText(result)
	pr.why.SetText(why)
	if why == "" {
		pr.why.Hide()
	} else {
		pr.why.Show()
	}
	pr.showTally()
	pr.hideReveal()
	closeBtn := newAnswerButton("Close (Enter)", pr.hideReveal, func(rune) {}, pr.hideReveal)
	reset := widget.NewButton("Reset answers", func() { pr.p.ResetTally(); pr.showTally() })
	pr.rbox = container.NewVBox(pr.result, pr.why, pr.tally, container.NewHBox(layout.NewSpacer(), reset, closeBtn))
	pr.shown = dialog.NewCustomWithoutButtons("Your guess against the run", pr.rbox, pr.p.win)
	pr.shown.Resize(fyne.NewSize(620*Zoom(), 0))
	pr.shown.Show()
	pr.p.win.Canvas().Focus(closeBtn)
}

// hideReveal closes the reveal, if it is shown.
func (pr *predictor) hideReveal() {
	if pr.shown != nil {
		pr.shown.Hide()
		pr.shown = nil
	}
}

func (pr *predictor) showTally() {
	r, a := pr.p.Tally(pr.panel)
	tr, ta := pr.p.Total()
	pr.tally.SetText(fmt.Sprintf("Your answers: %d of %d right on this panel, %d of %d on all panels.", r, a, tr, ta))
}

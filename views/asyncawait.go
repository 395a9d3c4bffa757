package views

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/assets"
	"concurrencylab/techniques"
)

// asyncAwaitIntro and asyncAwaitAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	asyncAwaitIntro = "Go has no await. What await gives — steps that read top to bottom while the window stays responsive — " +
		"Go gets by running plain straight-line code on a goroutine of its own: that goroutine blocks at each step, the window's goroutine never does."

	// asyncAwaitNotice is the guided lesson's "what to notice" line, shown above the demo.
	asyncAwaitNotice = "The straight-line code's steps light up in turn: it reads top to bottom like synchronous code, yet the window keeps answering (see the meter), since it blocks its own goroutine, not the window's."

	asyncAwaitAbout = `In JavaScript, C# or Python, **await** lets asynchronous code read top to bottom, and no thread sits blocked waiting for the I/O. At an ` + "`await`" + ` on a task that is not done yet, the function gives up control (in a click handler, back to the event loop, which goes on drawing the window and handling clicks), and the rest of the function runs later, as a continuation, once the task is done. How it is suspended differs: the C# compiler rewrites the function as a state machine; a JavaScript engine keeps the function's suspended frame and resumes it from the microtask queue when the promise settles (a compiler down to old JavaScript writes out a state machine, as C# does); a Python coroutine is a generator-like frame whose await yields up to the event loop's Task, which resumes it when the future is done. The window does not freeze while the task is pending, but the code between two awaits runs on the UI thread, so it must be short.

Go has no await and needs none. Go code blocks (a channel receive, ` + "`Future.Wait`" + `), but it blocks only the goroutines involved: the Go runtime parks the waiting goroutine, and runs other goroutines on the same OS thread (during a blocking system call, it hands them to another thread). The parked goroutine's own stack keeps its place and its local variables: that is what C#'s state machine has to build. So Go's way to get what await gives is the **straight-line code on a goroutine of its own**. **Run** does that here: ReportStraightLine runs on a goroutine the panel starts (it starts and waits for goroutines of its own for the steps), and ` + "`fyne.Do`" + ` hands each result to the window's goroutine, which never waits. The Demo tab's **await in C#, beside Go** shows a C# click handler with await next to the Go one.

The wrong way is **sync-over-async**: blocking the UI thread until an asynchronous task is done. In C# that is ` + "`.Result`" + ` or ` + "`.Wait()`" + ` in a click handler. In WinForms or WPF it can deadlock, not just freeze: if the async method awaits anything without ` + "`ConfigureAwait(false)`" + `, its rest is posted through the UI's SynchronizationContext to the UI thread, which is blocked in ` + "`.Result`" + ` waiting for that very method to finish. In Python, ` + "`asyncio.run(...)`" + ` inside a tkinter click handler holds Tk's event loop until the coroutine is done (inside a running asyncio loop, ` + "`run_until_complete`" + ` refuses with a RuntimeError instead). JavaScript has no ` + "`.Result`" + `: a promise's value reaches only callbacks that run after the current code, so there is nothing to block on; its wrong way is a synchronous call, such as ` + "`fs.readFileSync`" + `, in a handler. The toolbar's **Run blocking** does it here: the same straight-line code, called on the window's goroutine, holds it until the last step is done.

Errors come back as ordinary error values where each step returns, so loops, conditions and error handling look as they do in synchronous code: in Go, it is synchronous code.`
)

const (
	workflowDiskDelay = 600 * time.Millisecond
	workflowNetDelay  = 500 * time.Millisecond
)

// csharpHandler is await where it exists, in our own words: C#, shown beside
// the Go code, never compiled or run here.
const csharpHandler = `// C# (WinForms), for comparison only:
// not Go, not run here.
// The right way: an await on a task not
// done yet returns to the message loop;
// the rest of the method runs later.
async void OnRunClick(object s, EventArgs e)
{
    try
    {
        // step 1: read
        var text = await ReadSlowlyAsync("foo.txt");
        // step 2: parse
        var words = FirstWordOfEachLine(text);
        // step 3: look up, all at once
        var found = await Task.WhenAll(
            words.Select(LookUpAsync));
        // runs later, on the UI thread: the
        // await captured its
        // SynchronizationContext
        result.Text = Describe(found);
    }
    catch (Exception err)
    {
        result.Text = "error: " + err.Message;
    }
}

// The wrong way, sync-over-async: .Result
// blocks the UI thread until the task is
// done, and the window freezes. It can
// deadlock: if ReadSlowlyAsync awaits
// without ConfigureAwait(false), its rest
// is posted to the UI thread, which is
// blocked here waiting for it.
void OnRunBlockingClick(object s, EventArgs e)
{
    var text = ReadSlowlyAsync("foo.txt").Result;
    // ...
}`

// goHandler is what Run and Run blocking do, cut down from this file's
// run and runBlocking.
const goHandler = `// Go: what Run does, simplified from
// views/asyncawait.go. The click handler
// starts a goroutine and returns at once.
run := widget.NewButton("Run", func() {
    go func() {
        // this goroutine waits,
        // the window's goroutine does not
        r, err := techniques.ReportStraightLine(
            ctx, cfg, onStep)
        // back on the window's goroutine
        fyne.Do(func() { show(r, err) })
    }()
})

// The wrong way, sync-over-async (the
// toolbar's Run blocking): the click
// handler itself waits, and the window
// freezes until the last step is done.
blocking := widget.NewButton("Run blocking",
    func() {
        r, err := techniques.ReportStraightLine(
            ctx, cfg, onStep)
        show(r, err)
    })`

const awaitCompiled = "What the compiler makes of await: C# rewrites OnRunClick as a state machine that keeps its local variables " +
	"and which await it stopped at. At an await on a task not done yet, it registers the rest of the method as the task's continuation " +
	"and returns to the message loop. When the task is done, the SynchronizationContext captured at the await posts the continuation " +
	"back to the UI thread, which runs it between other events (after ConfigureAwait(false) it would run on a thread-pool thread, " +
	"where it must not touch the window). No thread is blocked meanwhile. Go has no such rewrite: ReportStraightLine blocks the " +
	"goroutine that calls it (its stack keeps its place), so it must not run on the window's goroutine."

var awaitHighlight = withAlpha(okabeOrange, 0x50)

var stepNames = map[int]string{1: "read", 2: "parse", 3: "look up"}

// asyncAwaitView is the async/await panel: one workflow written three ways,
// and await elsewhere beside Go's straight-line code.
type asyncAwaitView struct {
	runs     runs
	failAt   *widget.Select
	step     *widget.Label
	measured *widget.Label
	code     *CodeView   // ReportStraightLine, whose current step is highlighted
	steps    map[int]int // step → row of the code view
	results  map[string]*widget.Label
	lines    map[string]int // lines of code of each style, doc comment left out
	claims   *claims
	demo     *Demo

	// On the Fyne goroutine only: how long this panel's code held it.
	held      time.Duration // the longest stretch in the run in flight
	lastRight time.Duration // the longest stretch of the last Run, 0 if none
	lastFroze time.Duration // how long the last Run blocking held it, 0 if none
}

// stepTime is when a step started, from the start of the workflow.
type stepTime struct {
	step int
	at   time.Duration
}

var workflowStyles = []string{"straight-line", "promises", "callbacks"}

// resultKeys prefixes the names of each style's results: the straight-line
// way's are the run's own.
var resultKeys = map[string]string{"straight-line": "", "promises": "promise_chain_", "callbacks": "callbacks_"}

var workflowFuncs = map[string]string{"straight-line": "ReportStraightLine", "promises": "ReportPromise", "callbacks": "ReportCallbacks"}

func asyncAwaitPanel() *Demo { return newAsyncAwaitView().demo }

func newAsyncAwaitView() *asyncAwaitView {
	v := &asyncAwaitView{
		failAt:   widget.NewSelect([]string{"No failure", "Fail at step 1 (read)", "Fail at step 2 (parse)", "Fail at step 3 (look up)"}, nil),
		step:     wrapped("Read foo.txt (simulated disk delay 0.6 s), take the first word of each line, look every word up (simulated network delay 0.5 s, all at once)."),
		measured: wrapped(""),
		steps:    map[int]int{},
		results:  map[string]*widget.Label{},
		lines:    map[string]int{},
	}
	v.failAt.SetSelectedIndex(0)
	run := widget.NewButton("Run (straight-line code on a goroutine)", func() { v.demo.Run() })
	run.Importance = widget.HighImportance
	three := widget.NewButton("Run all three side by side", func() { v.run(true) })
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	setRole(RoleCancel, cancel)
	cancel.Disable()
	v.runs.watch(func(c RunChange) { enable(!c.Busy, run, three); enable(c.Busy, cancel) })

	// The three results sit in one row above the code, where all three are
	// in view after a run. Three functions of up to 105 columns do not fit
	// side by side at a laptop's width: the straight-line one, whose steps
	// light up, stays on the left, and the other two share the right column.
	results := container.NewGridWithColumns(3)
	codes := map[string]*CodeView{}
	for _, style := range workflowStyles {
		src, err := techniques.FuncSource("asyncawait.go", workflowFuncs[style])
		if err != nil {
			src = err.Error()
		}
		for _, line := range strings.Split(src, "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "//") {
				v.lines[style]++
			}
		}
		code := NewCodeView(src)
		// Two points under the text at 100 %; it grows with the zoom.
		code.SetTextSize(theme.DefaultTheme().Size(theme.SizeNameText) - 2)
		code.ShowLine(funcLine(src, workflowFuncs[style])) // its doc comment is a scroll up
		codes[style] = code
		if style == "straight-line" {
			v.code = code
			for i, line := range strings.Split(src, "\n") {
				for s := 1; s <= 3; s++ {
					if strings.Contains(line, fmt.Sprintf("// step %d", s)) {
						v.steps[s] = i
					}
				}
			}
		}
		result := wrapped("—")
		v.results[style] = result
		results.Add(container.NewBorder(bold(style), nil, nil, nil, result))
	}
	others := container.NewStack(codes["promises"], codes["callbacks"])
	codes["callbacks"].Hide()
	other := widget.NewRadioGroup([]string{"promises", "callbacks"}, func(style string) {
		for _, o := range []string{"promises", "callbacks"} {
			if o == style {
				codes[o].Show()
			} else {
				codes[o].Hide()
			}
		}
	})
	other.Horizontal = true
	other.Required = true
	other.SetSelected("promises")
	columns := container.NewGridWithColumns(2,
		container.NewBorder(bold("straight-line"), nil, nil, nil, codes["straight-line"]),
		container.NewBorder(container.NewHBox(bold("beside it:"), other), nil, nil, nil, others))
	beside := container.NewBorder(nil, wrapped(awaitCompiled), nil, nil, container.NewGridWithColumns(2,
		container.NewBorder(bold("C# with await (not Go: shown, not run)"), nil, nil, nil, NewCodeView(csharpHandler)),
		container.NewBorder(bold("Go: the straight-line code on a goroutine"), nil, nil, nil, NewCodeView(goHandler))))
	tabs := container.NewAppTabs(
		container.NewTabItem("Go, three ways", columns),
		container.NewTabItem("await in C#, beside Go", beside))

	v.claims = newClaims(&v.runs,
		claim{Says: "async/await makes asynchronous code look and feel like ordinary synchronous code",
			Pending: "Not measured yet: press Run."},
		claim{Says: "with async/await you get a flow that does not block, without changing much of your code",
			Pending: "Not measured yet: press Run, then the toolbar's Run blocking (sync-over-async), to compare how long each holds the window's goroutine."})
	// The measured line sits above the code, where it is seen at the
	// window's default size; the code keeps a height that shows most of each
	// function, and the article box comes below it, in the scroll.
	codeHeight := canvas.NewRectangle(color.Transparent)
	codeHeight.SetMinSize(fyne.NewSize(0, 360))
	content := container.NewVBox(container.NewHBox(run, three, cancel, v.failAt), v.step, v.measured, results,
		container.NewStack(sized(0, 360, codeHeight), tabs), widget.NewSeparator(), v.claims.Content)
	v.demo = newDemo(container.NewVScroll(content), &v.runs,
		func() error { return v.run(false) }, v.runBlocking)
	return v
}

func (v *asyncAwaitView) config() techniques.WorkflowConfig {
	return techniques.WorkflowConfig{FS: assets.Samples(), File: "foo.txt",
		DiskDelay: workflowDiskDelay, NetDelay: workflowNetDelay, FailAt: v.failAt.SelectedIndex()}
}

// mark highlights the step being waited for in the code; 0 clears it.
func (v *asyncAwaitView) mark(step int) {
	for s, line := range v.steps {
		var bg color.Color
		if s == step {
			bg = awaitHighlight
		}
		v.code.MarkLine(line, bg)
	}
}

func (v *asyncAwaitView) show(style string, r techniques.Report, err error) {
	l := v.results[style]
	if err != nil {
		l.Importance = widget.DangerImportance
		l.SetText("error: " + err.Error())
		v.runs.setResult(resultKeys[style]+"error", err.Error())
		return
	}
	l.Importance = widget.SuccessImportance
	l.SetText(r.String())
	v.runs.setResult(resultKeys[style]+"report", r.String())
	if style == "straight-line" {
		v.runs.setResult("words_looked_up", len(r.Lookups))
	}
}

// onUI runs f on the Fyne goroutine and keeps the longest time this
// panel's code held it.
func (v *asyncAwaitView) onUI(f func()) {
	fyne.Do(func() {
		began := time.Now()
		f()
		v.held = max(v.held, time.Since(began))
	})
}

func stepRows(steps []stepTime) []map[string]any {
	rows := make([]map[string]any, len(steps))
	for i, s := range steps {
		rows[i] = map[string]any{"step": s.step, "name": stepNames[s.step], "started_at_ms": ms(s.at)}
	}
	return rows
}

// clear forgets the last run's outcome as a new run begins.
func (v *asyncAwaitView) clear() error {
	for _, l := range v.results {
		l.Importance = widget.MediumImportance
		l.SetText("—")
	}
	v.claims.reset()
	v.measured.SetText("")
	return nil
}

// run is the right way: the click handler starts the straight-line code on
// a goroutine of the panel (runs.start) and returns at once.
func (v *asyncAwaitView) run(allThree bool) error {
	clicked := time.Now()
	cfg := v.config()
	handler := make(chan time.Duration, 1) // how long this click handler took, sent as it returns
	err := v.runs.start(func() error {
		v.clear()
		v.held = 0
		return nil
	}, func(ctx context.Context) error {
		type outcome struct {
			style string
			r     techniques.Report
			err   error
		}
		results := make(chan outcome, 3)
		started := 1
		if allThree {
			started = 3
			go func() {
				r, err := techniques.ReportPromise(ctx, cfg).Wait(ctx)
				results <- outcome{"promises", r, err}
			}()
			techniques.ReportCallbacks(ctx, cfg, func(r techniques.Report, err error) { results <- outcome{"callbacks", r, err} })
		}
		begin := time.Now()
		var steps []stepTime
		r, err := techniques.ReportStraightLine(ctx, cfg, func(step int) {
			steps = append(steps, stepTime{step, time.Since(begin)})
			v.onUI(func() {
				v.mark(step)
				v.step.SetText(fmt.Sprintf("Step %d (%s): the goroutine running ReportStraightLine is blocked until the step is done "+
					"(parked by the Go runtime, its OS thread free for other goroutines); the window's goroutine is free, so the window draws and answers clicks.",
					step, stepNames[step]))
			})
		})
		took := time.Since(begin)
		results <- outcome{"straight-line", r, err}
		var firstErr error
		same := true
		for range started {
			o := <-results
			if o.style == "straight-line" {
				firstErr = o.err
			}
			if o.r.String() != r.String() || (o.err == nil) != (err == nil) {
				same = false
			}
			v.onUI(func() { v.show(o.style, o.r, o.err) })
		}
		clickTook := <-handler
		v.onUI(func() {
			v.held = max(v.held, clickTook)
			v.mark(0)
			if allThree {
				v.step.SetText("Done: the same logic, three ways.")
			} else {
				v.step.SetText("Done.")
			}
			v.lastRight = v.held
			v.runs.setResult("way", "straight-line code on a goroutine")
			v.runs.setResult("steps", stepRows(steps))
			v.runs.setResult("elapsed_ms", ms(took))
			v.runs.setResult("ui_goroutine_longest_hold_ms", ms(v.held))
			v.measured.SetText(fmt.Sprintf("Measured: the steps took %s on the worker goroutine; this panel's code held the window's goroutine "+
				"for at most %s at a time (the click and each update; painting is not counted: the status bar's meter measures the window itself).",
				sig3(took), sig3(v.held)))
			v.judgeReads(r, err, took, allThree && same)
			v.judgeBlocking(took, false)
		})
		return firstErr
	}, nil)
	handler <- time.Since(clicked) // a refused start sends it to nobody: the buffer keeps it
	return err
}

// runBlocking is the wrong way, sync-over-async: the same straight-line
// code, called on the Fyne goroutine, which it holds until the last step.
func (v *asyncAwaitView) runBlocking() error {
	cfg := v.config()
	var took time.Duration
	var r techniques.Report
	var err error
	return v.runs.block(v.clear, func(ctx context.Context) error {
		begin := time.Now()
		var steps []stepTime
		r, err = techniques.ReportStraightLine(ctx, cfg, func(step int) {
			steps = append(steps, stepTime{step, time.Since(begin)})
			v.mark(step) // set, but not drawn: the window's goroutine is busy right here
		})
		took = time.Since(begin)
		v.show("straight-line", r, err)
		v.mark(0)
		v.step.SetText("Sync-over-async: the same straight-line code ran on the window's goroutine, so the window could not draw or answer a click until the last step was done.")
		v.runs.setResult("way", "sync-over-async: straight-line code on the window's goroutine")
		v.runs.setResult("steps", stepRows(steps))
		v.runs.setResult("elapsed_ms", ms(took))
		return err
	}, func(error) {
		v.lastFroze = v.runs.freeze.last
		v.runs.setResult("ui_goroutine_longest_hold_ms", ms(v.lastFroze))
		v.measured.SetText(fmt.Sprintf("Measured: the steps took %s, and the click handler held the window's goroutine for %s: nothing was drawn meanwhile.",
			sig3(took), sig3(v.lastFroze)))
		v.judgeReads(r, err, took, false)
		v.judgeBlocking(took, true)
	})
}

// judgeReads checks the first claim: the code reads like synchronous code.
func (v *asyncAwaitView) judgeReads(r techniques.Report, err error, took time.Duration, agreed bool) {
	because := fmt.Sprintf("Go has no await: ReportStraightLine is ordinary synchronous code (%d lines, the steps one after another, each result returned to the next line rather than handed to a callback, each error checked where its step returns). ", v.lines["straight-line"])
	if err != nil {
		because += fmt.Sprintf("This run's failure came back as an ordinary error: %q.", err.Error())
	} else {
		because += fmt.Sprintf("This run it looked up %d words in %s.", len(r.Lookups), sig3(took))
	}
	if agreed {
		because += fmt.Sprintf(" The promise chain (%d lines) and the callbacks (%d lines) gave the same outcome.", v.lines["promises"], v.lines["callbacks"])
	}
	v.claims.judge(0, holds, because)
}

// judgeBlocking checks the second claim against how long the window's
// goroutine was held, this run and the last run of the other way.
func (v *asyncAwaitView) judgeBlocking(took time.Duration, blocking bool) {
	if !blocking {
		because := fmt.Sprintf("Run waited %s on its own goroutine, and this panel's code held the window's goroutine for at most %s at a time. "+
			"The change from blocking code is one goroutine and fyne.Do, not await.", sig3(took), sig3(v.lastRight))
		if v.lastRight > quickHandler {
			because += fmt.Sprintf(" That is over a frame (%s): the click and the updates themselves, not the wait, which never ran there.", sig3(quickHandler))
		}
		if v.lastFroze > 0 {
			because += fmt.Sprintf(" The last sync-over-async run held it for %s.", sig3(v.lastFroze))
		}
		v.claims.judge(1, holds, because)
		return
	}
	because := fmt.Sprintf("The same straight-line code, called on the window's goroutine (sync-over-async), held it for %s. "+
		"What keeps the window free is where the code runs, not how it reads.", sig3(v.lastFroze))
	if v.lastRight > 0 {
		because += fmt.Sprintf(" The last Run, on a goroutine, held it for at most %s at a time.", sig3(v.lastRight))
	}
	v.claims.judge(1, partly, because)
}

package views

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/assets"
	"concurrencylab/techniques"
)

// asyncAwaitIntro and asyncAwaitAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	asyncAwaitIntro = "Asynchronous steps written as straight-line code: each step is awaited, and errors are handled where they happen."

	asyncAwaitAbout = `Async/await lets asynchronous code read like ordinary sequential code. Each ` + "`await`" + ` suspends the function until a future is resolved, without blocking the thread it runs on.

Errors come back as ordinary errors at the point of the await, so loops, conditions and error handling look the same as in synchronous code.`
)

const (
	workflowDiskDelay = 600 * time.Millisecond
	workflowNetDelay  = 500 * time.Millisecond
)

var awaitHighlight = color.NRGBA{R: 0xff, G: 0xc1, B: 0x07, A: 0x50}

// asyncAwaitView is the async/await panel: one workflow written three ways.
type asyncAwaitView struct {
	runs    runs
	failAt  *widget.Select
	step    *widget.Label
	code    *CodeView   // ReportAwait, whose awaited step is highlighted
	steps   map[int]int // step → row of the code view
	results map[string]*widget.Label
	demo    *Demo
}

var workflowStyles = []string{"await", "promises", "callbacks"}

func asyncAwaitPanel() *Demo { return newAsyncAwaitView().demo }

func newAsyncAwaitView() *asyncAwaitView {
	v := &asyncAwaitView{
		failAt:  widget.NewSelect([]string{"No failure", "Fail at step 1 (read)", "Fail at step 2 (parse)", "Fail at step 3 (look up)"}, nil),
		step:    wrapped("Read foo.txt (simulated disk delay 0.6 s), take the first word of each line, look every word up (simulated network delay 0.5 s, all at once)."),
		steps:   map[int]int{},
		results: map[string]*widget.Label{},
	}
	v.failAt.SetSelectedIndex(0)
	run := widget.NewButton("Run (await)", func() { v.run(false) })
	run.Importance = widget.HighImportance
	three := widget.NewButton("Run all three side by side", func() { v.run(true) })
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	cancel.Disable()
	v.runs.onBusy(func(busy bool) { enable(!busy, run, three); enable(busy, cancel) })

	columns := container.NewGridWithColumns(3)
	for _, style := range workflowStyles {
		name := map[string]string{"await": "ReportAwait", "promises": "ReportPromise", "callbacks": "ReportCallbacks"}[style]
		src, err := techniques.FuncSource("asyncawait.go", name)
		if err != nil {
			src = err.Error()
		}
		code := NewCodeView(src)
		if style == "await" {
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
		columns.Add(container.NewBorder(bold(style), result, nil, nil, code))
	}
	top := container.NewVBox(container.NewHBox(run, three, cancel, v.failAt), v.step)
	v.demo = newDemo(container.NewBorder(top, nil, nil, nil, columns), &v.runs,
		func() error { return v.run(false) }, v.runBlocking)
	return v
}

func (v *asyncAwaitView) config() techniques.WorkflowConfig {
	return techniques.WorkflowConfig{FS: assets.Samples(), File: "foo.txt",
		DiskDelay: workflowDiskDelay, NetDelay: workflowNetDelay, FailAt: v.failAt.SelectedIndex()}
}

// highlight marks the step being awaited in the code; 0 clears it.
func (v *asyncAwaitView) highlight(step int) {
	for s, line := range v.steps {
		var bg color.Color
		if s == step {
			bg = awaitHighlight
		}
		v.code.MarkLine(line, bg)
	}
	if step > 0 {
		v.step.SetText(fmt.Sprintf("Awaiting step %d: the goroutine running ReportAwait is parked; the window is not.", step))
	}
}

func (v *asyncAwaitView) show(style string, r techniques.Report, err error) {
	l := v.results[style]
	if err != nil {
		l.Importance = widget.DangerImportance
		l.SetText("error: " + err.Error())
		return
	}
	l.Importance = widget.SuccessImportance
	l.SetText(r.String())
}

func (v *asyncAwaitView) run(allThree bool) error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	cfg := v.config()
	for _, l := range v.results {
		l.Importance = widget.MediumImportance
		l.SetText("—")
	}
	return v.runs.start(func(ctx context.Context) error {
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
				r, err := techniques.ReportPromise(ctx, cfg).Await(ctx)
				results <- outcome{"promises", r, err}
			}()
			techniques.ReportCallbacks(ctx, cfg, func(r techniques.Report, err error) { results <- outcome{"callbacks", r, err} })
		}
		r, err := techniques.ReportAwait(ctx, cfg, func(step int) { fyne.Do(func() { v.highlight(step) }) })
		results <- outcome{"await", r, err}
		var firstErr error
		for range started {
			o := <-results
			if o.style == "await" {
				firstErr = o.err
			}
			fyne.Do(func() { v.show(o.style, o.r, o.err) })
		}
		fyne.Do(func() {
			v.highlight(0)
			v.step.SetText("Done: the same logic, three ways, one result.")
		})
		return firstErr
	}, nil)
}

// runBlocking awaits on the Fyne goroutine: every await freezes the window.
func (v *asyncAwaitView) runBlocking() error {
	cfg := v.config()
	return v.runs.block(func(ctx context.Context) error {
		r, err := techniques.ReportAwait(ctx, cfg, v.highlight)
		v.show("await", r, err)
		v.highlight(0)
		v.step.SetText("Awaited on the UI goroutine: the window could not draw until the last step was done.")
		return err
	}, nil)
}

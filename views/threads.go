package views

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// threadsIntro and threadsAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	threadsIntro = "Ten workers, each on its own operating-system thread, printing as they go. Their lines interleave differently on every run."

	threadsAbout = `A thread is the operating system's unit of execution: it has its own stack and is scheduled by the kernel, possibly in parallel with others on other cores.

Threads are the oldest way to do several things at once. They are simple to start and hard to coordinate: the order in which their steps interleave is decided by the scheduler, not by the program, and changes from run to run.`
)

const (
	threadLines = 10                    // lines per worker, as in the article's loop
	threadWork  = 5 * time.Millisecond  // real CPU work before each line…
	threadPause = 95 * time.Millisecond // …then a wait: ten lines take about a second
)

// threadsView is the threads panel: workers on their own OS threads, their
// lines as a timeline (one lane per thread) and as interleaved output.
type threadsView struct {
	runs    runs
	workers *widget.Entry
	message *widget.Label
	summary *widget.Label
	lanes   *timeline
	out     *console
	demo    *Demo
}

func threadsPanel() *Demo { return newThreadsView().demo }

func newThreadsView() *threadsView {
	v := &threadsView{
		workers: countEntry(10, 1, 64),
		message: wrapped(""),
		summary: wrapped("Start them to see how many OS threads they ran on."),
		lanes:   newTimeline(),
		out:     newConsole(),
	}
	v.message.Importance = widget.DangerImportance
	run := widget.NewButton("Start the threads", func() { v.run(false) })
	run.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	cancel.Disable()
	v.runs.onBusy(func(busy bool) { enable(!busy, run); enable(busy, cancel) })

	top := container.NewVBox(
		container.NewHBox(widget.NewLabel("Workers (1–64):"), container.NewGridWrap(fyne.NewSize(80, 36), v.workers), run, cancel),
		v.message,
		wrapped("Each worker locks itself to an OS thread (runtime.LockOSThread), lowers that thread's priority so the window's drawing comes first, and prints ten lines; before each it hashes for 5 ms (real CPU work) and then sleeps 95 ms, as if waiting on I/O. Run it twice: the interleaving changes."),
		v.summary)
	split := container.NewVSplit(container.NewVScroll(v.lanes), v.out)
	split.Offset = 0.6
	v.demo = newDemo(container.NewBorder(top, nil, nil, nil, split), &v.runs,
		func() error { return v.run(false) }, func() error { return v.run(true) })
	return v
}

// enable enables or disables buttons.
func enable(on bool, buttons ...*widget.Button) {
	for _, b := range buttons {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

func (v *threadsView) run(blocking bool) error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	n, err := parseCount(v.workers.Text, "the number of workers", 1, 64)
	if err != nil {
		v.message.SetText(err.Error())
		return err
	}
	v.message.SetText("")
	cfg := techniques.ThreadsConfig{Workers: n, Lines: threadLines, Work: threadWork, Pause: threadPause}
	v.out.Clear()
	v.lanes.Lanes = make([]string, n)
	v.lanes.Spans = make([][]span, n)
	for i := range v.lanes.Lanes {
		v.lanes.Lanes[i] = fmt.Sprintf("worker %d", i)
	}
	v.lanes.Refresh()

	// Lines are collected on the worker side and shown in batches.
	var pending []techniques.ThreadLine
	flush := func(batch []techniques.ThreadLine) {
		text := make([]string, len(batch))
		for i, l := range batch {
			v.lanes.Lanes[l.Worker] = fmt.Sprintf("worker %d · thread %d", l.Worker, l.ThreadID)
			// A bar for the CPU work, a thin mark when the line is printed.
			c := chartColors[l.Worker%len(chartColors)]
			v.lanes.Spans[l.Worker] = append(v.lanes.Spans[l.Worker], span{From: l.Began, To: l.Worked, Color: c}, span{From: l.At, To: l.At, Color: c})
			text[i] = l.String()
		}
		v.out.PrintLines(text)
		v.lanes.Refresh()
	}
	if blocking {
		return v.runs.block(func(ctx context.Context) error {
			return techniques.RunThreadsSequentially(ctx, cfg, func(l techniques.ThreadLine) {
				pending = append(pending, l)
			})
		}, func(error) { flush(pending); v.finish(pending, true) })
	}
	return v.runs.start(func(ctx context.Context) error {
		var pace pacer
		var all []techniques.ThreadLine
		err := techniques.RunThreads(ctx, cfg, func(l techniques.ThreadLine) {
			pending = append(pending, l)
			all = append(all, l)
			if pace.due() {
				batch := pending
				pending = nil
				fyne.Do(func() { flush(batch) })
			}
		})
		batch := pending
		fyne.Do(func() { flush(batch); v.finish(all, false) })
		return err
	}, nil)
}

// finish sums up a run: how many distinct threads, how many switches between workers.
func (v *threadsView) finish(lines []techniques.ThreadLine, blocking bool) {
	threads := map[int]bool{}
	switches := 0
	for i, l := range lines {
		threads[l.ThreadID] = true
		if i > 0 && lines[i-1].Worker != l.Worker {
			switches++
		}
	}
	how := "in parallel on their own OS threads"
	if blocking {
		how = "one after another on the UI goroutine (the window was frozen)"
	}
	v.summary.SetText(fmt.Sprintf("%d lines from %d distinct OS threads, run %s; the output switched worker %d times.",
		len(lines), len(threads), how, switches))
}

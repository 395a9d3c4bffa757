package views

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// threadsIntro and threadsAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	threadsIntro = "Ten workers, each on its own operating-system thread, printing as they go. They run concurrently, and in parallel only as far as free cores and GOMAXPROCS allow; the schedulers, not the program, decide the order, so their lines interleave differently on every run."

	// threadsNotice is the guided lesson's "what to notice" line, shown above the demo.
	threadsNotice = "Each worker's lane names its OS thread (on Linux), and the console's lines interleave; run it again and the order changes: the schedulers decide it, not the program."

	threadsAbout = `A thread is the operating system's unit of execution: it has its own stack and is scheduled by the kernel. Threads on different cores can run in parallel; with more threads than cores, no more run at once than there are cores, and the rest take turns on them.

Threads are the operating system's way to do several things at once inside one program (before them, a program that wanted that started more processes). They are simple to start and hard to coordinate: the order in which their steps interleave is decided by the scheduler, not by the program, and changes from run to run.

Go does not hand you threads: each worker here is a goroutine locked to a thread of its own (` + "`runtime.LockOSThread`" + `). A locked thread runs Go code only while it holds one of the runtime's GOMAXPROCS processors, so at most min(cores, GOMAXPROCS) workers compute at the same moment; the others wait for a processor, or sleep.`
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
	workers *boundedEntry
	message *widget.Label
	summary *widget.Label
	claims  *claims
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
	v.message.Hide()
	v.claims = newClaims(&v.runs, claim{
		Says:    "The example's ten threads can run in parallel, or overlap.",
		Pending: "Measured here: start the threads — the OS threads they ran on, and how many cores Go could use, decide it.",
	})
	run := widget.NewButton("Start the threads", func() { v.demo.Run() })
	run.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	setRole(RoleCancel, cancel)
	cancel.Disable()
	v.runs.watch(func(c RunChange) { enable(!c.Busy, run); enable(c.Busy, cancel) })

	// The measured summary, the lanes and the interleaved lines come first,
	// in view at a laptop's window size; what the workers do and the
	// article's claim follow, a scroll away if the window is short.
	top := container.NewVBox(
		container.NewHBox(widget.NewLabel("Workers (1–64):"), sized(80, 36, v.workers), run, cancel),
		v.message, v.summary)
	evidence := container.NewVSplit(lanesInView(v.lanes, 10), v.out) // the default ten workers in view
	evidence.Offset = 0.55
	explained := container.NewVScroll(container.NewVBox(
		wrapped("Each worker locks itself to an OS thread (runtime.LockOSThread), lowers that thread's priority (on Linux) so the window's drawing comes first, and prints ten lines; before each it hashes for 5 ms by the clock (real CPU work, as much as it gets a core for) and then sleeps 95 ms, as if waiting on I/O. Run it twice: the interleaving changes."),
		v.claims.Content))
	split := container.NewVSplit(evidence, explained)
	split.Offset = 0.85 // the evidence first: the explanation is a scroll below
	v.demo = newDemo(container.NewBorder(top, nil, nil, nil, split), &v.runs,
		func() error { return v.run(false) }, func() error { return v.run(true) })
	return v
}

func (v *threadsView) run(blocking bool) error {
	n, bad := parseCount(v.workers.Text, "the number of workers", 1, 64)
	cfg := techniques.ThreadsConfig{Workers: n, Lines: threadLines, Work: threadWork, Pause: threadPause}
	var began time.Time
	prepare := func() error {
		// The message takes room only with an error, so the explanation sits right under the button.
		if err := showInputError(v.message, bad); err != nil {
			return err
		}
		v.out.Clear()
		v.lanes.Lanes = make([]string, n)
		v.lanes.Spans = make([][]span, n)
		for i := range v.lanes.Lanes {
			v.lanes.Lanes[i] = fmt.Sprintf("worker %d", i)
		}
		v.lanes.Refresh()
		v.claims.reset()
		began = time.Now()
		return nil
	}

	// Lines are collected on the worker side and shown in batches.
	var pending []techniques.ThreadLine
	// Each console line is stamped with when its worker printed it (At, on
	// the run's clock), not when its batch reached the screen: the blocking
	// way shows every line at the end.
	flush := func(batch []techniques.ThreadLine) {
		text := make([]stamped, len(batch))
		for i, l := range batch {
			if l.ThreadID >= 0 {
				v.lanes.Lanes[l.Worker] = fmt.Sprintf("worker %d · thread %d", l.Worker, l.ThreadID)
			}
			// A bar for the CPU work, a thin mark when the line is printed.
			c := chartColors[l.Worker%len(chartColors)]
			v.lanes.Spans[l.Worker] = append(v.lanes.Spans[l.Worker], span{From: l.Began, To: l.Worked, Color: c}, span{From: l.At, To: l.At, Color: c})
			text[i] = stamped{at: began.Add(l.At), text: l.String()}
		}
		v.out.PrintStamped(text)
		v.lanes.Refresh()
	}
	if blocking {
		return v.runs.block(prepare, func(ctx context.Context) error {
			return techniques.RunThreadsSequentially(ctx, cfg, func(l techniques.ThreadLine) {
				pending = append(pending, l)
			})
		}, func(error) { flush(pending); v.finish(pending, time.Since(began), true) })
	}
	return v.runs.start(prepare, func(ctx context.Context) error {
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
		took := time.Since(began)
		batch := pending
		fyne.Do(func() { flush(batch); v.finish(all, took, false) })
		return err
	}, nil)
}

// finish sums up a run: how many distinct threads, how many switches
// between workers, how many computed at once; and judges the article's claim.
func (v *threadsView) finish(lines []techniques.ThreadLine, took time.Duration, blocking bool) {
	threads := map[int]bool{}
	switches := 0
	for i, l := range lines {
		if l.ThreadID >= 0 {
			threads[l.ThreadID] = true
		}
		if i > 0 && lines[i-1].Worker != l.Worker {
			switches++
		}
	}
	procs, cores := runtime.GOMAXPROCS(0), runtime.NumCPU()
	most := techniques.MostAtOnce(lines)
	v.runs.setResult("lines_printed", len(lines))
	v.runs.setResult("seconds", took.Seconds())
	v.runs.setResult("gomaxprocs", procs)
	v.runs.setResult("cores", cores)
	v.runs.setResult("output_switches", switches)
	v.runs.setResult("most_work_bursts_overlapping_in_time", most)
	on := "on OS threads this OS does not name (thread IDs are not measured here)"
	if len(threads) > 0 {
		v.runs.setResult("distinct_os_threads", len(threads))
		on = fmt.Sprintf("from %d distinct OS thread%s", len(threads), plural(len(threads)))
	}
	if blocking {
		v.runs.setResult("way", "one after another on the UI goroutine")
		v.summary.SetText(fmt.Sprintf("%d lines %s in %.1f s, one worker after another on the UI goroutine (the window was frozen); the output switched worker %d time%s.",
			len(lines), on, took.Seconds(), switches, plural(switches)))
		return
	}
	v.runs.setResult("way", "each worker on its own OS thread")
	parallel := min(procs, cores)
	busy, measured := techniques.CoresBusy(lines)
	if measured {
		v.runs.setResult("cores_busy_during_work", busy)
	}
	v.summary.SetText(fmt.Sprintf("%d lines %s in %.1f s. The workers ran concurrently: the output switched worker %d time%s. "+
		"At most %d of them can compute at the same moment (%d cores, GOMAXPROCS %d); %s.%s",
		len(lines), on, took.Seconds(), switches, plural(switches), parallel, cores, procs, overlapText(most, parallel), busyText(busy, measured)))
	v.judge(len(threads), switches, parallel, most, busy, measured)
}

// busyText says how many cores computed for the workers, from their
// threads' CPU time; nothing if it was not measured.
func busyText(busy float64, measured bool) string {
	switch {
	case !measured:
		return ""
	case busy > 1:
		return fmt.Sprintf(" Their threads' CPU time in those bursts ÷ the wall-clock time any burst ran: %.2f cores busy on average, so at times two or more computed in parallel.", busy)
	}
	return fmt.Sprintf(" Their threads' CPU time in those bursts ÷ the wall-clock time any burst ran: %.2f cores busy on average, so no parallelism was measured this time (were the cores busy elsewhere?).", busy)
}

// plural is "s" unless n is 1.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// judge sets the verdict of the article's claim from a threaded run.
func (v *threadsView) judge(threads, switches, parallel, most int, busy float64, measured bool) {
	workers := len(v.lanes.Lanes)
	var because string
	if threads > 0 {
		because = fmt.Sprintf("The %d workers ran on %d distinct OS thread%s and overlapped: their lines interleaved, switching worker %d time%s. ",
			workers, threads, plural(threads), switches, plural(switches))
	} else {
		because = fmt.Sprintf("The %d workers overlapped: their lines interleaved, switching worker %d time%s (which OS threads they ran on is not measured on this OS). ", workers, switches, plural(switches))
	}
	if parallel < 2 {
		v.claims.judge(0, partly, because+fmt.Sprintf("But not in parallel here: Go had one processor for them (min of cores and GOMAXPROCS = %d), so they took turns.", parallel))
		return
	}
	because += fmt.Sprintf("In parallel at most %d at a time, the smaller of the cores and GOMAXPROCS; the rest took turns.", parallel)
	if measured {
		because += fmt.Sprintf(" Their threads' CPU time says %.2f cores were busy on average while they computed", busy)
		if busy > 1 {
			because += ", so some of it was in parallel."
		} else {
			because += ", so no parallelism was measured this time."
		}
	}
	v.claims.judge(0, holds, because)
}

// overlapText says how many bursts of CPU work overlapped in time.
func overlapText(most, parallel int) string {
	text := fmt.Sprintf("their 5 ms bursts of work overlapped in wall-clock time up to %d at once", most)
	if most > parallel {
		// A burst is timed by the wall clock: a thread waiting for a core or a processor still counts.
		text += " (a thread waiting for a core meanwhile counts too)"
	}
	return text
}

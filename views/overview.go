package views

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// overviewIntro and overviewAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	overviewIntro = "Parallel means at the same instant; concurrent means arranged so tasks can overlap. The difference shows when tasks wait."

	// overviewNotice is the guided lesson's "what to notice" line, shown above the demo.
	overviewNotice = "Read the time above each timeline against Sequential's: blocking tasks finish about as soon concurrent, one goroutine at a time, as in parallel; CPU-bound tasks gain nothing from taking turns, and speed up only in parallel, as far as free cores allow."

	overviewAbout = `Parallelism is a property of **execution**: two tasks make progress at the same instant, which needs more than one CPU core.

Concurrency is a property of **design**: tasks are written so that none depends on another finishing first, so they *can* overlap. With one core they take turns; with several they may also run in parallel.

Concurrency pays off when tasks **block** — on a disk, a network, a database. While one waits, another can run, even on a single core. CPU-bound work gains nothing from taking turns on one core; it only speeds up when more cores work on it at once.

**What each mode is here.** Every mode runs in a child process of its own, so its limits are real and the window does not share them. On Linux the child runs at a lower priority (nice 10), so that the window stays quick to answer: when other programs keep the cores busy, its tasks wait for a core, and the kernel run-queue time under each timeline says how long.

- *Sequential*: one goroutine runs the tasks one after another.
- *Concurrent*: a goroutine per task, with ` + "`GOMAXPROCS=1`" + `. That setting limits how many goroutines **execute Go code at the same instant** — one — not which cores the process uses: threads in system calls, and the OS's choice of core, are outside it. So on Linux the child's threads are also pinned to one core (` + "`sched_setaffinity`" + `), and the child reads its threads' affinity back after the run; elsewhere this mode means "one goroutine at a time", not "one core".
- *Parallel*: a goroutine per task, with ` + "`GOMAXPROCS`" + ` set to every CPU the app may use.

**What the colours measure.** They are the Go runtime's own record, read from the child's execution trace (` + "`runtime/trace`" + `): *running* is a goroutine executing Go code, which needs a **P** — one of the scheduler's GOMAXPROCS slots, not a core; *runnable* is ready but not running: waiting for a P or, since each task here is locked to its OS thread (to read that thread's run-queue time), for its own thread to wake and take a free P; *blocked* is parked (here, in a sleep standing in for I/O) and needs neither a P nor a core. A running goroutine's thread can still wait for a core when other programs hold them: the trace cannot see that, so on Linux the app also reads each task's thread's time in the kernel's run queue (` + "`/proc/self/task/TID/schedstat`" + `) and shows it under each timeline.`
)

var (
	overviewModes = []techniques.Mode{techniques.Sequential, techniques.OneCPU, techniques.Parallel}
	overviewKinds = []techniques.TaskKind{techniques.CPUBound, techniques.Blocking}
)

// overviewView is the concurrency vs parallelism panel: the same tasks run
// three ways, for two kinds of task, drawn from measured times.
type overviewView struct {
	runs    runs
	n       *boundedEntry
	length  *boundedEntry
	message *widget.Label
	lanes   map[string]*timeline // by mode and kind
	heads   map[string]*widget.Label
	stats   map[string]*widget.Label // what each run allowed and measured
	claims  *claims
	runBtn  *widget.Button
	demo    *Demo
}

func key(m techniques.Mode, k techniques.TaskKind) string { return string(m) + "/" + string(k) }

func overviewPanel() *Demo { return newOverviewView().demo }

// overviewLegend says what each colour measures and what each mode allows.
func overviewLegend() string {
	one := "a goroutine per task, GOMAXPROCS=1 (one goroutine executes Go code at a time), every thread of the child pinned to one core."
	if !techniques.CanPin {
		one = "a goroutine per task, GOMAXPROCS=1: one goroutine executes Go code at a time, but the child is not pinned to a core on this OS, so this is not \"one core\"."
	}
	return fmt.Sprintf("Colours come from the runtime's trace of each child process: green running (executing Go code on a P — a scheduler slot, not a core) · "+
		"orange runnable (ready, not running: waiting for a P, or for its locked thread to take one) · light blue blocked (parked in a sleep that stands in for I/O: it needs no P and no core) · "+
		"dark blue in a system call · dark grey untraced (start to end by the clock). A running goroutine's thread can still wait for a core: "+
		"that is the kernel run-queue time under each timeline, where Linux gives it.\n"+
		"Sequential: one goroutine, GOMAXPROCS=%[1]d. Concurrent: %[2]s Parallel: a goroutine per task, GOMAXPROCS=%[1]d (the app may use %[1]d logical CPUs).",
		runtime.NumCPU(), one)
}

func newOverviewView() *overviewView {
	v := &overviewView{
		n:       countEntry(4, 1, 16),
		length:  countEntry(250, 20, 2000),
		message: wrapped(""),
		lanes:   map[string]*timeline{},
		heads:   map[string]*widget.Label{},
		stats:   map[string]*widget.Label{},
	}
	v.message.Hide() // until there is something to say
	v.claims = newClaims(&v.runs,
		claim{Says: "When one task is blocked, a concurrent system runs another one meanwhile, and so uses the CPU to its full.",
			Pending: "Run all six: the blocking tasks, sequential and concurrent on one goroutine at a time, test it."},
		claim{Says: "Concurrency is not parallelism: concurrent tasks overlap in time without having to run at the same instant.",
			Pending: "Run all six: the CPU-bound tasks with one P test it."},
		claim{Says: "Since the order of independent tasks does not matter, a concurrent design can also run them in parallel.",
			Pending: "Run all six: the CPU-bound tasks with every CPU test it."},
	)
	run := widget.NewButton("Run all six", func() { v.demo.Run() })
	run.Importance = widget.HighImportance
	v.runBtn = run
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	setRole(RoleCancel, cancel)
	cancel.Disable()
	v.runs.watch(func(c RunChange) { enable(!c.Busy, run); enable(c.Busy, cancel) })

	// The six timelines come first, each under its mode and time, so that
	// all three modes are in view together at a laptop's window size; what
	// each run allowed and measured, and what the colours mean in full,
	// come after them.
	kinds := container.NewGridWithColumns(2, bold("CPU-bound tasks (hashing)"), bold("Blocking tasks (simulated I/O wait)"))
	lanes := container.NewVBox(kinds)
	details := container.NewVBox(bold("What each run allowed and measured"))
	for i, m := range overviewModes {
		row := container.NewGridWithColumns(2)
		measuredRow := container.NewGridWithColumns(2)
		for _, k := range overviewKinds {
			tl := newTimeline()
			tl.LabelWidth = 64 // "task 15": the spans get the rest, and two columns fit a 1024-wide window
			// All six share one time axis (show sets the same Total): it is
			// drawn once, under the last mode, so all three fit a laptop's screen.
			tl.NoAxis = i < len(overviewModes)-1
			head := widget.NewLabel(modeTitle(m))
			head.Truncation = fyne.TextTruncateEllipsis
			stats := wrapped("")
			v.lanes[key(m, k)], v.heads[key(m, k)], v.stats[key(m, k)] = tl, head, stats
			row.Add(container.NewBorder(head, nil, nil, nil, tl))
			kindTitle := widget.NewLabelWithStyle(modeTitle(m)+", "+kindNoun(k), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
			kindTitle.Truncation = fyne.TextTruncateEllipsis
			measuredRow.Add(container.NewBorder(kindTitle, nil, nil, nil, stats))
		}
		lanes.Add(row)
		details.Add(measuredRow)
	}
	// The headings over the lanes are set tight, so that the six timelines
	// of four tasks fit a 1366×768 laptop's maximised window unscrolled.
	grid := container.NewVBox(container.NewThemeOverride(lanes, tightText{}),
		v.claims.Content, details, wrapped(overviewLegend()))
	top := container.NewVBox(
		container.NewHBox(widget.NewLabel("Tasks (1–16):"), sized(70, 36, v.n),
			widget.NewLabel("each of (ms):"), sized(80, 36, v.length), run, cancel),
		v.message, stateLegend(true))
	v.demo = newDemo(container.NewBorder(top, nil, nil, nil, container.NewVScroll(grid)), &v.runs, v.run, v.runBlocking)
	return v
}

// kindNoun names a kind of task, as the columns' headings do.
func kindNoun(k techniques.TaskKind) string {
	if k == techniques.CPUBound {
		return "CPU-bound"
	}
	return "blocking"
}

func modeTitle(m techniques.Mode) string {
	one := "Concurrent on one core"
	if !techniques.CanPin {
		one = "Concurrent, one goroutine at a time"
	}
	return map[techniques.Mode]string{
		techniques.Sequential: "Sequential: one after another",
		techniques.OneCPU:     one,
		techniques.Parallel:   fmt.Sprintf("Parallel, GOMAXPROCS=%d", runtime.NumCPU()),
	}[m]
}

// limits says what a run was allowed: GOMAXPROCS and the cores its threads
// could use, as the child read them back.
func limits(r techniques.RunResult) string {
	s := fmt.Sprintf("GOMAXPROCS=%d", r.Procs)
	switch {
	case r.Pinned >= 0:
		s += fmt.Sprintf(", pinned to core %d (%s allowed)", r.Pinned, cores(r.Cores))
	case r.Cores > 0:
		s += fmt.Sprintf(", %s allowed", cores(r.Cores))
	}
	return s
}

// cores counts cores in words: "1 core", "2 cores".
func cores(n int) string {
	if n == 1 {
		return "1 core"
	}
	return fmt.Sprintf("%d cores", n)
}

// measured says how long the run's tasks waited, as measured, summed over the tasks.
func measured(r techniques.RunResult) string {
	s := "runnable (ready, not running): not traced"
	if r.Traced {
		s = "runnable (ready, not running): " + readable(r.Runnable)
	}
	if q, ok := r.RunQueue(); ok {
		s += " · in the kernel's run queue (waiting for a core): " + readable(q)
	}
	return s
}

// segmentSpans colours a task's measured segments by state.
func segmentSpans(segs []techniques.Segment) []span {
	out := make([]span, len(segs))
	for i, s := range segs {
		out[i] = span{From: s.From, To: s.To, Color: stateColors[s.State]}
	}
	return out
}

func (v *overviewView) config() (int, time.Duration, error) {
	n, err := parseCount(v.n.Text, "the number of tasks", 1, 16)
	var ms int
	if err == nil {
		ms, err = parseCount(v.length.Text, "the length of a task", 20, 2000)
	}
	return n, time.Duration(ms) * time.Millisecond, err
}

// prepare shows bad input, or clears the last run for a new one.
func (v *overviewView) prepare(bad error) error {
	if bad != nil {
		v.say(bad.Error(), widget.DangerImportance)
		return bad
	}
	v.say("", widget.MediumImportance)
	v.claims.reset()
	// A new run: nothing of the last one stays on screen beside it.
	for _, m := range overviewModes {
		for _, k := range overviewKinds {
			v.heads[key(m, k)].SetText(modeTitle(m))
			v.stats[key(m, k)].SetText("")
			tl := v.lanes[key(m, k)]
			tl.Lanes, tl.Spans = nil, nil
			tl.Refresh()
		}
	}
	return nil
}

// show draws one run; every timeline shares the longest wall time as its
// axis. It records each mode's numbers as the result "modes".
func (v *overviewView) show(results map[string]techniques.RunResult) {
	var longest time.Duration
	for _, r := range results {
		longest = max(longest, r.Wall)
	}
	var rows []map[string]any
	for _, k := range overviewKinds {
		base, ok := results[key(techniques.Sequential, k)]
		for _, m := range overviewModes {
			r, done := results[key(m, k)]
			tl, head := v.lanes[key(m, k)], v.heads[key(m, k)]
			if !done {
				continue
			}
			head.SetText(fmt.Sprintf("%s — %v", modeTitle(m), readable(r.Wall)))
			why := ""
			if ok && m != techniques.Sequential {
				head.SetText(head.Text + ", " + versus(base.Wall, r.Wall))
				if m == techniques.OneCPU && k == techniques.CPUBound {
					why = oneCoreWhy(base.Wall, r.Wall) + " "
				}
			}
			v.stats[key(m, k)].SetText(why + limits(r) + ". Summed over the tasks, " + measured(r) + ".")
			tl.Lanes = make([]string, len(r.Tasks))
			tl.Spans = make([][]span, len(r.Tasks))
			for i, t := range r.Tasks {
				tl.Lanes[i] = fmt.Sprintf("task %d", t.Task)
				tl.Spans[i] = coarsen(segmentSpans(t.Segments), longest/timelineBuckets)
			}
			tl.Total = longest
			tl.Refresh()
			rows = append(rows, modeRow(r))
		}
	}
	v.runs.setResult("modes", rows)
	v.judge(results)
}

// versus says plainly how long run took against base, the sequential run:
// so many times faster or slower, or about as fast (within a tenth).
func versus(base, run time.Duration) string {
	sp := techniques.Speedup(base, run)
	switch {
	case sp >= 1.1:
		return fmt.Sprintf("%.1f× faster than sequential", sp)
	case sp > 0 && sp <= 1/1.1:
		return fmt.Sprintf("%.1f× slower than sequential", 1/sp)
	}
	return "about as fast as sequential"
}

// oneCoreWhy says why CPU-bound tasks taking turns on one core are not
// faster than the same tasks one after another, whatever this run measured.
func oneCoreWhy(base, run time.Duration) string {
	const same = "One core does the same hashing whether the tasks take turns or go one after another, so taking turns cannot make it faster"
	switch sp := techniques.Speedup(base, run); {
	case sp >= 1.1:
		return same + ": the gain this run shows is noise from the rest of the machine (compare the kernel run-queue times)."
	case sp > 0 && sp <= 1/1.1:
		return same + ". The switches between tasks cost little: the slow-down is that one core also carries the runtime's own threads and its share of the machine's other programs."
	}
	return same + "."
}

// modeRow is one run as the report gives it; what was not measured is absent.
func modeRow(r techniques.RunResult) map[string]any {
	cpus := map[string]any{"gomaxprocs": r.Procs}
	if r.Cores > 0 {
		cpus["cores"] = r.Cores
	}
	if r.Pinned >= 0 {
		cpus["pinned_to_core"] = r.Pinned
	}
	row := map[string]any{"name": string(r.Mode), "kind": string(r.Kind), "seconds": r.Wall.Seconds(), "cpus": cpus}
	if r.Traced {
		row["runnable_ms"] = float64(r.Runnable) / float64(time.Millisecond)
	}
	if q, ok := r.RunQueue(); ok {
		row["kernel_run_queue_ms"] = float64(q) / float64(time.Millisecond)
	}
	return row
}

// running is how long the run's tasks were running, summed, by the trace.
func running(r techniques.RunResult) time.Duration {
	var d time.Duration
	for _, t := range r.Tasks {
		for _, s := range t.Segments {
			if s.State == techniques.StateRunning {
				d += s.To - s.From
			}
		}
	}
	return d
}

// judge sets the article's claims from this run's numbers, when all six ran.
func (v *overviewView) judge(results map[string]techniques.RunResult) {
	seqB, ok1 := results[key(techniques.Sequential, techniques.Blocking)]
	oneB, ok2 := results[key(techniques.OneCPU, techniques.Blocking)]
	seqC, ok3 := results[key(techniques.Sequential, techniques.CPUBound)]
	oneC, ok4 := results[key(techniques.OneCPU, techniques.CPUBound)]
	parC, ok5 := results[key(techniques.Parallel, techniques.CPUBound)]
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !oneB.Traced || !oneC.Traced || !parC.Traced {
		return // the blocking way runs the sequential mode only, untraced
	}
	one := "one goroutine at a time"
	if oneC.Pinned >= 0 {
		one = "one core"
	}
	n := len(seqB.Tasks)

	// 1. Blocked tasks overlap; but overlapping waits does not fill the CPU.
	sp := techniques.Speedup(seqB.Wall, oneB.Wall)
	busy := running(oneB)
	share := float64(busy) / float64(max(oneB.Wall, time.Nanosecond))
	switch {
	case sp < 1.5:
		v.claims.judge(0, wrong, fmt.Sprintf("%d blocking tasks took %v concurrently on %s against %v in sequence, %s: their waits did not overlap.",
			n, readable(oneB.Wall), one, readable(seqB.Wall), versus(seqB.Wall, oneB.Wall)))
	case share < 0.5:
		v.claims.judge(0, partly, fmt.Sprintf("%d blocking tasks took %v concurrently on %s against %v in sequence, %s: while one waited, the others ran. "+
			"But the CPU was far from full: the tasks' goroutines were running %v in all, %s of the run. Overlapping waits saves the waiting; there was no work to fill the CPU with.",
			n, readable(oneB.Wall), one, readable(seqB.Wall), versus(seqB.Wall, oneB.Wall), readable(busy), percent(share)))
	default:
		v.claims.judge(0, holds, fmt.Sprintf("%d blocking tasks took %v concurrently on %s against %v in sequence, %s, and their goroutines were running %.0f%% of the run.",
			n, readable(oneB.Wall), one, readable(seqB.Wall), versus(seqB.Wall, oneB.Wall), 100*share))
	}

	// 2. With one P, CPU-bound tasks are all under way and take turns. The
	// claim is about overlap, not speed: the wall times and their cause are
	// given, but a clock that says faster or slower does not change the verdict.
	atOnce := techniques.RunningAtOnce(oneC)
	// The kernel's run-queue times are the evidence for the cause oneCoreWhy
	// names: noise, or a core shared with the machine's other programs.
	queues := ""
	if qs, ok := seqC.RunQueue(); ok {
		if qo, ok := oneC.RunQueue(); ok {
			queues = fmt.Sprintf(" Waiting for a core in the kernel's run queue, their threads spent %v in all; the sequential run's, %v.", readable(qo), readable(qs))
		}
	}
	switch {
	case atOnce > 0:
		v.claims.judge(1, wrong, fmt.Sprintf("With GOMAXPROCS=1 the trace shows tasks running at the same instant for %v.", readable(atOnce)))
	case oneC.Runnable > 0:
		v.claims.judge(1, holds, fmt.Sprintf("On %s the %d CPU-bound tasks were all under way together, taking turns (%v runnable, waiting for the one P), "+
			"yet no two executed Go code at the same instant: they took %v against %v in sequence, %s. %s",
			one, n, readable(oneC.Runnable), readable(oneC.Wall), readable(seqC.Wall), versus(seqC.Wall, oneC.Wall), oneCoreWhy(seqC.Wall, oneC.Wall)+queues))
	default:
		v.claims.judge(1, partly, fmt.Sprintf("On %s no two CPU-bound tasks executed Go code at the same instant, but none was ever runnable, waiting for the P: "+
			"the trace shows them one after another, not overlapping. They took %v against %v in sequence, %s.",
			one, readable(oneC.Wall), readable(seqC.Wall), versus(seqC.Wall, oneC.Wall)))
	}

	// 3. The same independent tasks run in parallel when there are cores for them.
	spP := techniques.Speedup(seqC.Wall, parC.Wall)
	par := techniques.RunningAtOnce(parC)
	queue := ""
	if q, ok := parC.RunQueue(); ok {
		queue = fmt.Sprintf(" Their threads waited only %v in the kernel's run queue for a core.", readable(q))
		if q >= parC.Wall/20 {
			queue = fmt.Sprintf(" Their threads waited %v in the kernel's run queue: the cores were busy with other threads too.", readable(q))
		}
	}
	switch {
	case runtime.NumCPU() < 2:
		v.claims.judge(2, partly, "The app may use one CPU only on this machine: parallelism could not be tried here.")
	case par > 0 && spP >= 1.3:
		v.claims.judge(2, holds, fmt.Sprintf("With GOMAXPROCS=%d the tasks held Ps at the same instant for %v (summed over pairs) and took %v against %v in sequence, %s: the same work in less time than one goroutine needs, so they ran on several cores at once.%s",
			parC.Procs, readable(par), readable(parC.Wall), readable(seqC.Wall), versus(seqC.Wall, parC.Wall), queue))
	case par > 0:
		v.claims.judge(2, partly, fmt.Sprintf("With GOMAXPROCS=%d the tasks held Ps at the same instant for %v, yet took %v against %v in sequence, %s.%s",
			parC.Procs, readable(par), readable(parC.Wall), readable(seqC.Wall), versus(seqC.Wall, parC.Wall), queue))
	default:
		v.claims.judge(2, wrong, fmt.Sprintf("With GOMAXPROCS=%d no two tasks ran at the same instant (%v against %v in sequence).",
			parC.Procs, readable(parC.Wall), readable(seqC.Wall)))
	}
}

func (v *overviewView) run() error {
	n, length, bad := v.config()
	return v.runs.start(func() error { return v.prepare(bad) }, func(ctx context.Context) error {
		// The timelines are drawn once all six runs are over: without a GPU,
		// drawing them takes CPU that the runs still going would feel.
		results := map[string]techniques.RunResult{}
		for _, k := range overviewKinds {
			work := techniques.NewWork(k, n, length)
			for _, m := range overviewModes {
				fyne.Do(func() { v.say(fmt.Sprintf("Running %s tasks: %s…", k, modeTitle(m)), widget.MediumImportance) })
				r, err := techniques.RunInChild(ctx, m, work)
				if err != nil {
					return err
				}
				results[key(m, k)] = r
			}
		}
		fyne.Do(func() {
			v.say("", widget.MediumImportance)
			v.show(results)
		})
		return nil
	}, v.ended)
}

// say shows a line about the run: progress, or an error in red. An empty
// line is hidden, so that it takes no room from the timelines.
func (v *overviewView) say(text string, importance widget.Importance) {
	v.message.Importance = importance
	v.message.SetText(text)
	if text == "" {
		v.message.Hide()
	} else {
		v.message.Show()
	}
}

// ended says how a run that did not finish ended, where its progress was
// shown: a run cancelled by leaving the panel must not still say "Running".
func (v *overviewView) ended(err error) {
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled):
		v.say("Cancelled: the tasks still running were stopped, and nothing was drawn.", widget.MediumImportance)
	default:
		v.say(err.Error(), widget.DangerImportance)
	}
}

// runBlocking runs the sequential mode of both kinds on the Fyne goroutine,
// in this process and untraced: the freeze is what it shows.
func (v *overviewView) runBlocking() error {
	n, length, bad := v.config()
	return v.runs.block(func() error { return v.prepare(bad) }, func(ctx context.Context) error {
		results := map[string]techniques.RunResult{}
		for _, k := range overviewKinds {
			r, err := techniques.RunTasks(ctx, techniques.Sequential, techniques.NewWork(k, n, length))
			if err != nil {
				return err
			}
			results[key(techniques.Sequential, k)] = r
		}
		v.show(results)
		for _, m := range overviewModes[1:] {
			for _, k := range overviewKinds {
				v.stats[key(m, k)].SetText("Not run: Run blocking does only the sequential tasks, on the window's goroutine. Run does all six.")
			}
		}
		return nil
	}, v.ended)
}

package views

import (
	"context"
	"fmt"
	"image"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"concurrencylab/techniques"
)

// goroutinesIntro and goroutinesAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	goroutinesIntro = "A goroutine starts with a small stack, 2 KiB at the least, and is scheduled by the Go runtime onto a few OS threads, not by the kernel: a parked one costs a few kilobytes, so a million fit in a few gigabytes."

	// goroutinesNotice is the guided lesson's "what to notice" line, shown above the demo.
	goroutinesNotice = "Compare the table's two rows: the memory each and the start time of a parked goroutine against an OS thread's (whose kernel stack RSS does not even count), and how few OS threads the crowd of goroutines needed."

	goroutinesAbout = `Green threads are scheduled by a language runtime rather than the operating system. A goroutine starts with a small stack that grows (and shrinks again) as it needs: 2 KiB, or, when it reuses the record of one that ended, the runtime's current starting size: the average stack in use at the last collection, rounded up to a power of two. The runtime multiplexes all of them onto OS threads: at most GOMAXPROCS of those run Go code at any moment; more threads exist while some are blocked in system calls, which run no Go code.

Starting one is just ` + "`go f()`" + `. Waiting for it is another matter: sleeping "long enough" is a guess; a WaitGroup waits exactly. It also makes the results visible: by Go's memory model, each ` + "`wg.Done()`" + ` happens before the ` + "`wg.Wait()`" + ` it releases returns, so what a task wrote before Done can be read after Wait. A sleep orders nothing: even when every task did finish in time, reading what they wrote after a sleep is a data race, as it would be without a mutex or a channel.

The scale experiment parks a crowd of goroutines, then a crowd of goroutines each locked to an OS thread of its own, and measures what each one added: resident memory (RSS, from Linux's /proc), the runtime's count of stack memory, and the time to start them all. An OS thread also costs kernel memory (its kernel stack, 16 KiB on x86-64), which no process's RSS shows.

Built with the race detector (` + "`go build -race`" + `), a program gives every goroutine the detector's state and a 4 KiB stack: the crowd then weighs several times as much, and the panel says so rather than judge Go by it.`
)

const (
	articleTasks = 10
	articleSleep = 100 * time.Millisecond // what the article's main sleeps
)

// goroutinesView is the green threads panel: why sleeping is not waiting,
// and what a goroutine costs next to an OS thread.
type goroutinesView struct {
	runs     runs
	longest  *widget.Slider
	tasks    []*widget.Label
	verdict  *widget.Label
	nG, nT   *boundedEntry
	message  *widget.Label
	progress *widget.ProgressBar
	table    map[techniques.Kind][4]*widget.Label
	counted  *widget.Label // what the figures of the last run count
	usage    *widget.Label
	chart    *canvas.Image
	claims   *claims
	points   map[techniques.Kind]plotter.XYs // total RSS growth (bytes) by N, every measurement so far; run goroutines only
	each     map[techniques.Kind]uint64      // the last measured bytes per unit, for the fit check
	measured map[techniques.Kind]*techniques.Parked
	shown    map[string]bool  // the results of the scale run in flight so far
	yours    *goroutinesYours // the learner's version of Run (yours_panels.go)
	demo     *Demo
}

func goroutinesPanel() *Demo { return newGoroutinesView().demo }

// countsText says what each figure of the scale table counts: the report's "counts".
var countsText = map[string]string{
	"bytes_per_goroutine": "growth of resident memory (RSS) ÷ N, with the heap collected and free pages returned to the OS before and after: " +
		"each goroutine's stack, its runtime record (which the runtime keeps for reuse once it ends), the record of its wait on the channel, its closure",
	"bytes_per_thread": "the same for goroutines each locked to an OS thread: all of the above, plus the touched pages of the thread's own system stack " +
		"and of its 32 KiB signal stack, and the runtime's and the C library's records of the thread; not the thread's kernel memory, which no process's RSS shows",
	"stack_bytes_per_goroutine":            "growth of the Go runtime's stack memory (runtime/metrics /memory/classes/heap/stacks + os-stacks) ÷ N, touched or not",
	"stack_bytes_per_goroutine_as_started": "the same, read the moment the last goroutine started, before the collections that halve idle stacks: the size they started with",
	"stack_bytes_per_thread": "the same for a locked goroutine: its stack plus its thread's 32 KiB signal stack, mostly never touched (so it can exceed the RSS figure); " +
		"not the thread's own system stack, which the C library reserves outside the runtime's count",
	"address_space_per_thread_bytes": "growth of the address space reserved (VmSize) ÷ N: mostly each thread's system stack, reserved whole and made resident only as it is touched",
}

func newGoroutinesView() *goroutinesView {
	v := &goroutinesView{
		longest:  widget.NewSlider(10, 1000),
		verdict:  wrapped(""),
		nG:       countEntry(100_000, 1, techniques.MaxGoroutines),
		nT:       countEntry(1000, 1, techniques.MaxThreads),
		message:  wrapped(""),
		progress: widget.NewProgressBar(),
		table:    map[techniques.Kind][4]*widget.Label{},
		counted:  wrapped(""),
		usage:    wrapped(""),
		chart:    newChart(300, 230),
		points:   map[techniques.Kind]plotter.XYs{},
		// Until measured: about a goroutine's 2 KiB stack plus its bookkeeping,
		// and the pages an idle thread touches.
		each:     map[techniques.Kind]uint64{techniques.Goroutines: 2800, techniques.Threads: 20_000},
		measured: map[techniques.Kind]*techniques.Parked{},
		shown:    map[string]bool{},
	}
	v.message.Importance = widget.DangerImportance
	v.message.Hide()
	v.progress.Hide()
	v.claims = newClaims(&v.runs, claim{
		Says: "Green threads take less memory than OS threads and start quicker, and you can create millions of them, " +
			"where a few thousand threads already run out of memory.",
		Pending: "Measured here: press Start, measure, release — each crowd's memory and start time decide it.",
	})

	// Part 1: sleep vs WaitGroup.
	longestLabel := widget.NewLabel("")
	v.longest.Step = 10
	v.longest.OnChanged = func(ms float64) {
		longestLabel.SetText(fmt.Sprintf("Longest task: %.0f ms (task i takes (i+1)/10 of it)", ms))
	}
	v.longest.SetValue(200)
	grid := container.NewGridWithColumns(5)
	for i := range articleTasks {
		l := widget.NewLabel(fmt.Sprintf("task %d", i))
		v.tasks = append(v.tasks, l)
		grid.Add(l)
	}
	sleepBtn := widget.NewButton("go task(i) ×10, then sleep 100 ms", func() { v.sleepOrWait(true) })
	waitBtn := widget.NewButton("go task(i) ×10, then wg.Wait()", func() { v.sleepOrWait(false) })
	v.yours = newGoroutinesYours(v)
	part1 := container.NewVBox(
		bold("Sleeping is a guess; a WaitGroup waits exactly"),
		container.NewBorder(nil, nil, longestLabel, nil, v.longest),
		container.NewHBox(sleepBtn, waitBtn), grid, v.verdict, v.yours.note,
		wrapped("Waiting is also what makes a task's results visible. By Go's memory model each wg.Done() happens before the wg.Wait() it releases returns, "+
			"so what the tasks wrote can be read after Wait. A sleep orders nothing: even if every task had finished, reading their results after "+
			"the sleep, with no WaitGroup, mutex or channel, would be a data race (here the tasks' list is guarded by a mutex)."))

	// Part 2: the scale experiment.
	measure := widget.NewButton("Start, measure, release", func() { v.demo.Run() })
	measure.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	setRole(RoleCancel, cancel)
	cancel.Disable()
	v.runs.watch(func(c RunChange) { enable(!c.Busy, measure, sleepBtn, waitBtn); enable(c.Busy, cancel) })
	table := newResultTable([]string{"", "N · start time", "memory each (RSS)", "Go stacks each", "OS threads: parked, after"},
		[]string{techniques.Goroutines.String(), techniques.Threads.String()},
		[]string{"1000000 in 9999ms", "not measured on this OS", "999.9 KiB", "10006, then 99 (was 99)"})
	v.table[techniques.Goroutines] = [4]*widget.Label(table.rows[0])
	v.table[techniques.Threads] = [4]*widget.Label(table.rows[1])
	part2 := container.NewVBox(
		bold("A crowd of goroutines vs a crowd of OS threads (a goroutine locked to each), parked on a channel"),
		container.NewHBox(widget.NewLabel("goroutines:"), sized(120, 36, v.nG),
			widget.NewLabel(fmt.Sprintf("threads (at most %d):", techniques.MaxThreads)), sized(90, 36, v.nT)),
		container.NewHBox(measure, cancel),
		v.message, v.progress, table.Content, container.NewHBox(zoomChart(v.chart)), v.counted, v.usage,
		wrapped(fmt.Sprintf("Threads stop at %d: the Go runtime ends the whole process past 10,000 threads (debug.SetMaxThreads). "+
			"Memory each = growth of resident memory (RSS) ÷ N, measured with the heap collected and free pages handed back to the OS, before and after; "+
			"Go stacks each = growth of the runtime's own count of stack memory ÷ N.", techniques.MaxThreads)),
		wrapped("Where it runs: the crowds are started in a second copy of this program, at a lower priority, which measures itself "+
			"and reports back — so the figures are the crowd's, not the window's, and the window's goroutine never waits behind a hundred thousand "+
			"others. The blocking way starts them here, on the window's goroutine: about the same figures, and a frozen window."),
		v.claims.Content)
	// The scale experiment first: it is what Run starts, and its table is
	// the evidence, seen without scrolling.
	// One column, the chart under the table once there is something to
	// draw: beside the table it made the panel wider than a projector's
	// 1024-pixel screen.
	v.chart.Hide()
	scroll := container.NewVScroll(container.NewVBox(part2, widget.NewSeparator(), part1))
	v.showUsage()
	v.demo = newDemo(scroll, &v.runs, func() error {
		if v.yours.forced != "" { // --code: the learner's version instead, seen beside the program it rewrites
			scroll.ScrollToBottom()
			return v.yours.run()
		}
		return v.scale(false)
	}, func() error { return v.scale(true) })
	v.demo.code = v.yours
	return v
}

// sleepOrWait runs the article's ten tasks and shows which ones printed.
func (v *goroutinesView) sleepOrWait(sleep bool) error {
	longest := time.Duration(v.longest.Value) * time.Millisecond
	return v.runs.start(func() error {
		for i, l := range v.tasks {
			l.Importance = widget.MediumImportance
			l.SetText(fmt.Sprintf("task %d: running", i))
		}
		return nil
	}, func(ctx context.Context) error {
		var printed []int
		var err error
		if sleep {
			printed, err = techniques.StartAndSleep(ctx, articleTasks, longest, articleSleep)
		} else {
			printed, err = techniques.StartAndWait(ctx, articleTasks, longest)
		}
		fyne.Do(func() {
			did := map[int]bool{}
			for _, i := range printed {
				did[i] = true
			}
			times := techniques.TaskTimes(articleTasks, longest)
			for i, l := range v.tasks {
				if did[i] {
					l.Importance = widget.SuccessImportance
					l.SetText(fmt.Sprintf("task %d (%v): printed", i, times[i]))
				} else {
					l.Importance = widget.DangerImportance
					l.SetText(fmt.Sprintf("task %d (%v): cut off", i, times[i]))
				}
			}
			if sleep {
				v.runs.setResult("way", "go task(i), then sleep")
				v.runs.setResult("sleep_ms", ms(articleSleep))
				v.verdict.SetText(fmt.Sprintf("main slept 100 ms and returned: %d of %d tasks printed. The rest were still running — in a real program their output never appears.", len(printed), articleTasks))
			} else {
				v.runs.setResult("way", "go task(i), then wg.Wait()")
				v.verdict.SetText(fmt.Sprintf("wg.Wait() returned when the last task finished: %d of %d printed, with no time wasted and none cut off.", len(printed), articleTasks))
			}
			v.runs.setResult("longest_task_ms", ms(longest))
			v.runs.setResult("tasks", articleTasks)
			v.runs.setResult("tasks_printed", len(printed))
		})
		return err
	}, nil)
}

// counts reads and checks the two entries.
func (v *goroutinesView) counts() (g, t int, err error) {
	g, err = parseCount(v.nG.Text, "the number of goroutines", 1, techniques.MaxGoroutines)
	if err == nil {
		t, err = parseCount(v.nT.Text, "the number of threads", 1, techniques.MaxThreads)
	}
	avail := techniques.AvailableMemory()
	if err == nil {
		err = techniques.CheckFits(techniques.Goroutines, g, v.each[techniques.Goroutines], avail)
	}
	if err == nil {
		err = techniques.CheckFits(techniques.Threads, t, v.each[techniques.Threads], avail)
	}
	if err != nil {
		return 0, 0, err
	}
	return g, t, nil
}

// scale parks the goroutines, then the threads, measuring each, and releases
// them: in a child process, or, the blocking way, on the Fyne goroutine.
func (v *goroutinesView) scale(blocking bool) error {
	g, t, bad := v.counts()
	prepare := func() error {
		// The message takes room only with an error, so the table sits right under the button.
		if err := showInputError(v.message, bad); err != nil {
			return err
		}
		for _, cells := range v.table {
			for _, c := range cells {
				c.SetText("…")
			}
		}
		v.counted.SetText("")
		v.measured = map[techniques.Kind]*techniques.Parked{}
		v.shown = map[string]bool{}
		v.claims.reset()
		v.progress.SetValue(0)
		v.progress.Show()
		return nil
	}
	crowds := []techniques.Crowd{{Kind: techniques.Goroutines, N: g}, {Kind: techniques.Threads, N: t}}
	done := func(err error) {
		v.progress.Hide()
		v.showUsage()
		if err != nil {
			var cells []*widget.Label
			for _, row := range v.table {
				cells = append(cells, row[:]...)
			}
			endPending("—", cells...) // the crowds the run did not get to
		}
	}
	if blocking {
		return v.runs.block(prepare, func(ctx context.Context) error {
			return techniques.ParkCrowds(ctx, crowds, func(r techniques.ScaleReport) error {
				if r.Parked != nil {
					v.showParked(r.Parked, r.After, v.chartWith(r.Parked))
				}
				return nil
			})
		}, done)
	}
	return v.runs.startTraced(prepare, func(ctx context.Context) ([]byte, error) {
		var pace pacer
		return techniques.ParkInChild(ctx, crowds, v.runs.task, func(r techniques.ScaleReport) {
			switch {
			case r.Parked != nil:
				chart := v.chartWith(r.Parked) // off the Fyne goroutine: a plot takes tens of milliseconds to render
				fyne.Do(func() { v.showParked(r.Parked, r.After, chart) })
			case pace.due():
				fyne.Do(func() { v.progress.SetValue(float64(r.Started) / float64(r.N)) })
			}
		})
	}, done)
}

// chartWith adds p's measurement to the chart's points and draws the chart
// again; nil when the memory was reused and nothing new was measured. Only
// the goroutine of the run in flight calls it.
func (v *goroutinesView) chartWith(p *techniques.Parked) image.Image {
	each := p.BytesEach()
	if each == 0 {
		return nil
	}
	v.points[p.Kind] = append(v.points[p.Kind], plotter.XY{X: float64(p.N), Y: float64(each * uint64(p.N))})
	return memoryChart(v.points)
}

// result records a measured value of the scale run, as it is shown.
func (v *goroutinesView) result(key string, value any) {
	v.shown[key] = true
	v.runs.setResult(key, value)
}

// resultKey names kind's figures in the results: "goroutine" or "thread".
func resultKey(k techniques.Kind) string {
	if k == techniques.Threads {
		return "thread"
	}
	return "goroutine"
}

// showParked shows a measurement, and the chart redrawn with it (nil when
// the memory was reused and nothing new was measured). Only what was
// measured is shown: off Linux there is no /proc, so no RSS and no thread count.
func (v *goroutinesView) showParked(p *techniques.Parked, after techniques.Usage, chart image.Image) {
	cells := v.table[p.Kind]
	key := resultKey(p.Kind)
	cells[0].SetText(fmt.Sprintf("%d in %s", p.N, durationText(p.Took)))
	v.result(key+"s_parked", p.N)
	v.result(key+"s_start_ms", ms(p.Took))
	if stacks := p.StackBytesEach(); stacks > 0 {
		cells[2].SetText(bytesText(stacks))
		v.result("stack_bytes_per_"+key, stacks)
	} else {
		cells[2].SetText("none new (reused)")
	}
	if started := p.StartedStackBytesEach(); started > 0 && p.Kind == techniques.Goroutines {
		v.result("stack_bytes_per_goroutine_as_started", started)
	}
	if !after.Proc || !p.After.Proc {
		cells[1].SetText(noProcCell)
		cells[3].SetText(noProcCell)
		v.measured[p.Kind] = p
		v.explain()
		return
	}
	cells[3].SetText(fmt.Sprintf("%d, then %d (was %d)", p.After.Threads, after.Threads, p.Before.Threads))
	v.result(key+"s_os_threads_parked", p.After.Threads)
	v.result(key+"s_os_threads_after", after.Threads)
	if p.Kind == techniques.Threads {
		if virt := p.VirtualEach(); virt > 0 {
			v.result("address_space_per_thread_bytes", virt)
		}
	}
	if each := p.BytesEach(); each > 0 {
		cells[1].SetText(bytesText(each))
		v.result("bytes_per_"+key, each)
		v.each[p.Kind] = each
		v.chart.Image = chart
		v.chart.Show()
		v.chart.Refresh()
	} else {
		cells[1].SetText("reused (see note)")
	}
	v.measured[p.Kind] = p
	v.explain()
}

// explain says what the figures count, once both crowds are measured, and
// judges the article's claim by them.
func (v *goroutinesView) explain() {
	g, t := v.measured[techniques.Goroutines], v.measured[techniques.Threads]
	if g == nil || t == nil {
		return
	}
	counts := map[string]string{}
	for k, text := range countsText {
		if v.shown[k] {
			counts[k] = text
		}
	}
	if len(counts) > 0 {
		v.result("counts", counts)
	}
	var b strings.Builder
	if g.After.Proc && t.After.Proc {
		b.WriteString("Memory each counts what the crowd made resident: for a goroutine its stack, its runtime record, the record of its wait on the channel and its closure; " +
			"for an OS thread all that, plus the pages it touched of its own system stack and of its 32 KiB signal stack, and the runtime's and the C library's records of the thread. " +
			"The kernel's memory for a thread (its kernel stack and task record) is in no process's RSS. ")
		if virt := t.VirtualEach(); virt > 0 {
			fmt.Fprintf(&b, "Each thread also reserved %s of address space, mostly its system stack: resident only as far as it is touched. ", bytesText(virt))
		}
	}
	if started := g.StartedStackBytesEach(); started > 3*1024 {
		fmt.Fprintf(&b, "These goroutines started with %s stacks, not 2 KiB: they reused the records of goroutines that had ended, and such a goroutine "+
			"starts at the runtime's starting size, the average stack its last collection saw in use, rounded up (%s here: this process's goroutines run deep). ",
			bytesText(started), bytesText(g.Before.StartStack))
		if each := g.StackBytesEach(); each < started {
			fmt.Fprintf(&b, "A collection halves an idle stack that uses well under a quarter of itself: here down to %s. ", bytesText(each))
		} else {
			fmt.Fprintf(&b, "A collection may halve an idle stack that uses well under a quarter of itself; here none was halved: still %s. ", bytesText(each))
		}
	}
	b.WriteString("Go stacks each is the runtime's count: for a thread it includes the 32 KiB signal stack it sets aside, mostly never touched (so it can exceed memory each), " +
		"and leaves out the thread's own system stack, which the C library makes outside the runtime's count.")
	if techniques.RaceDetector {
		b.WriteString(" This copy of the app was built with the race detector (-race): every goroutine carries the detector's state and starts with a 4 KiB stack, " +
			"so these figures measure the detector as much as Go. An ordinary build measures about 2.7 KiB per parked goroutine.")
		v.result("race_detector", true)
	}
	v.counted.SetText(b.String())
	v.judge(g, t)
}

// judge sets the verdict of the article's claim from this run's two crowds.
func (v *goroutinesView) judge(g, t *techniques.Parked) {
	if techniques.RaceDetector {
		v.claims.judge(0, partly, fmt.Sprintf("Only the start is judged: %s goroutines/s against %s threads/s. "+
			"Not judged on memory: this build runs the race detector, which adds its own state to every goroutine; an ordinary build measures about 2.7 KiB each.",
			rate(g), rate(t)))
		return
	}
	gRate, tRate := float64(g.N)/g.Took.Seconds(), float64(t.N)/t.Took.Seconds()
	gEach, tEach := g.BytesEach(), t.BytesEach()
	starts := fmt.Sprintf("%s goroutines/s against %s threads/s", rate(g), rate(t))
	if gEach == 0 || tEach == 0 {
		// No RSS (off Linux, or memory reused): only the start times are measured.
		if gRate > tRate {
			v.claims.judge(0, partly, fmt.Sprintf("Quicker to start: %s (%.0f×). Memory each was not measured in this run, so lighter is not judged.", starts, gRate/tRate))
		} else {
			v.claims.judge(0, wrong, fmt.Sprintf("Not quicker to start in this run: %s. Memory each was not measured.", starts))
		}
		return
	}
	if gEach >= tEach || gRate <= tRate {
		v.claims.judge(0, wrong, fmt.Sprintf("In this run a goroutine took %s and a thread %s; %s.", bytesText(gEach), bytesText(tEach), starts))
		return
	}
	million := uint64(1_000_000) * gEach
	because := fmt.Sprintf("Lighter and quicker: a parked goroutine added %s, a thread %s (%.1f× as much, besides its kernel memory); %s (%.0f×). ",
		bytesText(gEach), bytesText(tEach), float64(tEach)/float64(gEach), starts, gRate/tRate)
	if g.N >= 1_000_000 {
		because += fmt.Sprintf("Millions: this run parked %s goroutines in %s. ", grouped(g.N), bytesText(gEach*uint64(g.N)))
	} else {
		because += fmt.Sprintf("Millions: at that rate a million would take %s. ", bytesText(million))
	}
	because += fmt.Sprintf("But %s threads took only %s: resident memory is not what stops threads at a few thousand. Here the Go runtime ends the program past 10,000 threads",
		grouped(t.N), bytesText(tEach*uint64(t.N)))
	if virt := t.VirtualEach(); virt > 0 {
		because += fmt.Sprintf(", and each thread reserved %s of address space for its stack", bytesText(virt))
	}
	because += "."
	v.claims.judge(0, partly, because)
}

// rate is how many of a crowd started per second, for a sentence.
func rate(p *techniques.Parked) string {
	r := float64(p.N) / p.Took.Seconds()
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.1f million", r/1e6)
	case r >= 1e4:
		return fmt.Sprintf("%.0f thousand", r/1e3)
	}
	return fmt.Sprintf("%.0f", r)
}

// noProc stands for the figures read from Linux's /proc, elsewhere.
const noProc = "not measured on this OS (no /proc)"

// noProcCell says the same in a table cell.
const noProcCell = "not measured on this OS"

func (v *goroutinesView) showUsage() {
	u := techniques.Measure()
	if !u.Proc {
		v.usage.SetText(fmt.Sprintf("This app now: %d goroutines; OS threads and resident memory: %s.", u.Goroutines, noProc))
		return
	}
	v.usage.SetText(fmt.Sprintf("This app now: %d goroutines, %d OS threads, %s resident. "+
		"A blocking run measures this process, whose runtime keeps the records of ended goroutines for reuse: a second run may show less growth.",
		u.Goroutines, u.Threads, bytesText(u.RSS)))
}

func bytesText(b uint64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// memoryChart plots memory growth against N for both kinds, log–log.
func memoryChart(points map[techniques.Kind]plotter.XYs) image.Image {
	p := plot.New()
	p.Title.Text = "Memory vs how many are parked"
	p.X.Label.Text = "N"
	p.Y.Label.Text = "resident memory added (bytes)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, bytesTicks{}
	p.Legend.Top = true
	p.Legend.Left = true
	for i, k := range []techniques.Kind{techniques.Goroutines, techniques.Threads} {
		xy := points[k]
		if len(xy) == 0 {
			continue
		}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			continue
		}
		s.Color = chartColors[i]
		s.Shape = chartGlyphs[i] // a shape as well as a colour: the two kinds differ in print too
		s.Radius = vg.Points(4)
		p.Add(s)
		p.Legend.Add(k.String(), s)
	}
	// Whole decades on the y axis, so that it has more than one label.
	p.Y.Min = math.Pow(10, math.Floor(math.Log10(max(p.Y.Min, 1))))
	p.Y.Max = math.Pow(10, math.Ceil(math.Log10(max(p.Y.Max, 10))))
	return renderPlot(p, 300, 230)
}

// bytesTicks labels a logarithmic axis of bytes at its powers of ten, in
// the decimal units a reader takes in at a glance: 10 MB, 100 MB, 1 GB.
type bytesTicks struct{}

func (bytesTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.LogTicks{Prec: -1}.Ticks(lo, hi)
	for i, t := range ticks {
		if t.Label == "" {
			continue
		}
		switch v := t.Value; {
		case v >= 1e9:
			ticks[i].Label = fmt.Sprintf("%g GB", v/1e9)
		case v >= 1e6:
			ticks[i].Label = fmt.Sprintf("%g MB", v/1e6)
		case v >= 1e3:
			ticks[i].Label = fmt.Sprintf("%g kB", v/1e3)
		default:
			ticks[i].Label = fmt.Sprintf("%g B", v)
		}
	}
	return ticks
}

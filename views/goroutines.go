package views

import (
	"context"
	"fmt"
	"image"
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
	goroutinesIntro = "A goroutine starts with a small stack and is scheduled by Go, not the kernel. You can have millions."

	goroutinesAbout = `Green threads are scheduled by a language runtime rather than the operating system. Go's goroutines start with a few kilobytes of stack that grows on demand, and the runtime multiplexes them onto a handful of OS threads.

Starting one is just ` + "`go f()`" + `. Waiting for it is another matter: sleeping "long enough" is a guess; a WaitGroup waits exactly.`
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
	nG, nT   *widget.Entry
	message  *widget.Label
	progress *widget.ProgressBar
	table    map[techniques.Kind][4]*widget.Label
	usage    *widget.Label
	chart    *canvas.Image
	points   map[techniques.Kind]plotter.XYs // total RSS growth (bytes) by N, every measurement so far; run goroutines only
	each     map[techniques.Kind]uint64      // the last measured bytes per unit, for the fit check
	demo     *Demo
}

func goroutinesPanel() *Demo { return newGoroutinesView().demo }

func newGoroutinesView() *goroutinesView {
	v := &goroutinesView{
		longest:  widget.NewSlider(10, 1000),
		verdict:  wrapped(""),
		nG:       countEntry(100_000, 1, techniques.MaxGoroutines),
		nT:       countEntry(1000, 1, techniques.MaxThreads),
		message:  wrapped(""),
		progress: widget.NewProgressBar(),
		table:    map[techniques.Kind][4]*widget.Label{},
		usage:    wrapped(""),
		chart:    newChart(300, 230),
		points:   map[techniques.Kind]plotter.XYs{},
		// Until measured: about a goroutine's 2 KiB stack plus its bookkeeping,
		// and the pages an idle thread touches.
		each: map[techniques.Kind]uint64{techniques.Goroutines: 2800, techniques.Threads: 20_000},
	}
	v.message.Importance = widget.DangerImportance
	v.progress.Hide()

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
	part1 := container.NewVBox(
		bold("Sleeping is a guess; a WaitGroup waits exactly"),
		container.NewBorder(nil, nil, longestLabel, nil, v.longest),
		container.NewHBox(sleepBtn, waitBtn), grid, v.verdict)

	// Part 2: the scale experiment.
	measure := widget.NewButton("Start, measure, release", func() { v.scale(false) })
	measure.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	cancel.Disable()
	v.runs.onBusy(func(busy bool) { enable(!busy, measure, sleepBtn, waitBtn); enable(busy, cancel) })
	table := newResultTable([]string{"", "N · start time", "memory each", "stack each", "OS threads: parked, after"},
		[]string{techniques.Goroutines.String(), techniques.Threads.String()},
		[]string{"1000000 in 9999ms", "reused (see note)", "999.9 KiB", "10006, then 99 (was 99)"})
	v.table[techniques.Goroutines] = [4]*widget.Label(table.rows[0])
	v.table[techniques.Threads] = [4]*widget.Label(table.rows[1])
	part2 := container.NewVBox(
		bold("A crowd of goroutines vs a crowd of OS threads, parked on a channel"),
		container.NewHBox(widget.NewLabel("goroutines:"), container.NewGridWrap(fyne.NewSize(120, 36), v.nG),
			widget.NewLabel(fmt.Sprintf("threads (at most %d):", techniques.MaxThreads)), container.NewGridWrap(fyne.NewSize(90, 36), v.nT)),
		container.NewHBox(measure, cancel),
		v.message, v.progress, table.Content, v.usage,
		wrapped(fmt.Sprintf("Threads stop at %d: the Go runtime ends the whole process past 10,000 threads, and each thread reserves a stack of its own. "+
			"Memory each = growth of resident memory (RSS) ÷ N; stack each = growth of stack memory by the runtime's count.", techniques.MaxThreads)),
		wrapped("Where it runs: the crowds are started in a second copy of this program, at a lower priority, which measures itself "+
			"and reports back — so the figures are the crowd's alone, and the window's goroutine never waits behind a hundred thousand "+
			"others. The blocking way starts them here, on the window's goroutine."))
	left := container.NewVScroll(container.NewVBox(part1, widget.NewSeparator(), part2))
	split := container.NewHSplit(left, v.chart)
	split.Offset = 0.65
	v.showUsage()
	v.demo = newDemo(split, &v.runs, func() error { return v.scale(false) }, func() error { return v.scale(true) })
	return v
}

// sleepOrWait runs the article's ten tasks and shows which ones printed.
func (v *goroutinesView) sleepOrWait(sleep bool) error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	longest := time.Duration(v.longest.Value) * time.Millisecond
	for i, l := range v.tasks {
		l.Importance = widget.MediumImportance
		l.SetText(fmt.Sprintf("task %d: running", i))
	}
	return v.runs.start(func(ctx context.Context) error {
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
				v.verdict.SetText(fmt.Sprintf("main slept 100 ms and returned: %d of %d tasks printed. The rest were still running — in a real program their output never appears.", len(printed), articleTasks))
			} else {
				v.verdict.SetText(fmt.Sprintf("wg.Wait() returned when the last task finished: %d of %d printed, with no time wasted and none cut off.", len(printed), articleTasks))
			}
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
		v.message.SetText(err.Error())
		return 0, 0, err
	}
	v.message.SetText("")
	return g, t, nil
}

// scale parks the goroutines, then the threads, measuring each, and releases
// them: in a child process, or, the blocking way, on the Fyne goroutine.
func (v *goroutinesView) scale(blocking bool) error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	g, t, err := v.counts()
	if err != nil {
		return err
	}
	for _, cells := range v.table {
		for _, c := range cells {
			c.SetText("…")
		}
	}
	v.progress.SetValue(0)
	v.progress.Show()
	crowds := []techniques.Crowd{{Kind: techniques.Goroutines, N: g}, {Kind: techniques.Threads, N: t}}
	done := func(error) { v.progress.Hide(); v.showUsage() }
	if blocking {
		return v.runs.block(func(ctx context.Context) error {
			return techniques.ParkCrowds(ctx, crowds, func(r techniques.ScaleReport) error {
				if r.Parked != nil {
					v.showParked(r.Parked, r.After, v.chartWith(r.Parked))
				}
				return nil
			})
		}, done)
	}
	return v.runs.start(func(ctx context.Context) error {
		var pace pacer
		traced, err := techniques.ParkInChild(ctx, crowds, v.runs.task, func(r techniques.ScaleReport) {
			switch {
			case r.Parked != nil:
				chart := v.chartWith(r.Parked) // off the Fyne goroutine: a plot takes tens of milliseconds to render
				fyne.Do(func() { v.showParked(r.Parked, r.After, chart) })
			case pace.due():
				fyne.Do(func() { v.progress.SetValue(float64(r.Started) / float64(r.N)) })
			}
		})
		v.runs.keepTrace(traced)
		return err
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

// showParked shows a measurement, and the chart redrawn with it (nil when
// the memory was reused and nothing new was measured).
func (v *goroutinesView) showParked(p *techniques.Parked, after techniques.Usage, chart image.Image) {
	cells := v.table[p.Kind]
	cells[0].SetText(fmt.Sprintf("%d in %v", p.N, p.Took.Round(time.Millisecond)))
	cells[1].SetText(bytesText(p.BytesEach()))
	cells[2].SetText(bytesText(p.StackBytesEach()))
	cells[3].SetText(fmt.Sprintf("%d, then %d (was %d)", p.After.Threads, after.Threads, p.Before.Threads))
	if !after.Proc {
		cells[1].SetText(noProcCell)
		cells[3].SetText(noProcCell)
		return
	}
	if each := p.BytesEach(); each > 0 {
		v.each[p.Kind] = each
		v.chart.Image = chart
		v.chart.Refresh()
	} else {
		cells[1].SetText("reused (see note)")
	}
}

// noProc stands for the figures read from Linux's /proc, elsewhere.
const noProc = "unknown on this system (no /proc)"

// noProcCell says the same in a table cell.
const noProcCell = "unknown: no /proc"

func (v *goroutinesView) showUsage() {
	u := techniques.Measure()
	if !u.Proc {
		v.usage.SetText(fmt.Sprintf("This app now: %d goroutines; OS threads and resident memory: %s.", u.Goroutines, noProc))
		return
	}
	v.usage.SetText(fmt.Sprintf("This app now: %d goroutines, %d OS threads, %s resident. "+
		"A blocking run measures this process, whose runtime keeps freed memory for reuse: a second one at the same N may show little growth.",
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
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{Prec: -1}, plot.LogTicks{Prec: -1}
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
		s.Color = chartColors[i+1]
		s.Radius = vg.Points(4)
		p.Add(s)
		p.Legend.Add(k.String(), s)
	}
	return renderPlot(p, 300, 230)
}

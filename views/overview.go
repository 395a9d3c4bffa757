package views

import (
	"context"
	"fmt"
	"image/color"
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

	overviewAbout = `Parallelism is a property of **execution**: two tasks make progress at the same instant, which needs more than one CPU.

Concurrency is a property of **design**: tasks are written so that none depends on another finishing first, so they *can* overlap. On one CPU they take turns; on many they may also run in parallel.

Concurrency pays off when tasks **block** — on a disk, a network, a database. While one waits, another can run, even on a single CPU. CPU-bound work gains nothing from taking turns on one CPU; it only speeds up when there are more CPUs.`
)

var stateColors = map[string]color.Color{
	"running": color.NRGBA{R: 0x43, G: 0xa0, B: 0x47, A: 0xff},
	"waiting": color.NRGBA{R: 0xff, G: 0xa0, B: 0x00, A: 0xff},
	"blocked": color.NRGBA{R: 0x1e, G: 0x88, B: 0xe5, A: 0xff},
}

var (
	overviewModes = []techniques.Mode{techniques.Sequential, techniques.OneCPU, techniques.Parallel}
	overviewKinds = []techniques.TaskKind{techniques.CPUBound, techniques.Blocking}
)

// overviewView is the concurrency vs parallelism panel: the same tasks run
// three ways, for two kinds of task, drawn from measured times.
type overviewView struct {
	runs    runs
	n       *widget.Entry
	length  *widget.Entry
	message *widget.Label
	lanes   map[string]*timeline // by mode and kind
	heads   map[string]*widget.Label
	demo    *Demo
}

func key(m techniques.Mode, k techniques.TaskKind) string { return string(m) + "/" + string(k) }

func overviewPanel() *Demo { return newOverviewView().demo }

func newOverviewView() *overviewView {
	v := &overviewView{
		n:       countEntry(4, 1, 16),
		length:  countEntry(250, 20, 2000),
		message: wrapped(""),
		lanes:   map[string]*timeline{},
		heads:   map[string]*widget.Label{},
	}
	v.message.Importance = widget.DangerImportance
	run := widget.NewButton("Run all six", func() { v.run() })
	run.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	cancel.Disable()
	v.runs.onBusy(func(busy bool) { enable(!busy, run); enable(busy, cancel) })

	legend := wrapped(fmt.Sprintf("This machine has %d CPUs. Green: running on a CPU. Amber: ready, waiting for a CPU. Blue: blocked (a simulated wait — the CPU is free). "+
		"Each mode runs in a child process of the app, with GOMAXPROCS=1 for \"one CPU\": one CPU is real, and the work never competes with the window for the app's own scheduler.", runtime.NumCPU()))
	grid := container.NewVBox(container.NewGridWithColumns(2, bold("CPU-bound tasks (hashing)"), bold("Blocking tasks (simulated I/O wait)")))
	for _, m := range overviewModes {
		row := container.NewGridWithColumns(2)
		for _, k := range overviewKinds {
			tl := newTimeline()
			head := widget.NewLabel(modeTitle(m))
			head.Truncation = fyne.TextTruncateEllipsis
			v.lanes[key(m, k)], v.heads[key(m, k)] = tl, head
			row.Add(container.NewBorder(head, nil, nil, nil, tl))
		}
		grid.Add(row)
	}
	top := container.NewVBox(
		container.NewHBox(widget.NewLabel("Tasks (1–16):"), container.NewGridWrap(fyne.NewSize(70, 36), v.n),
			widget.NewLabel("each of (ms):"), container.NewGridWrap(fyne.NewSize(80, 36), v.length), run, cancel),
		v.message, legend)
	v.demo = newDemo(container.NewBorder(top, nil, nil, nil, container.NewVScroll(grid)), &v.runs, v.run, v.runBlocking)
	return v
}

func modeTitle(m techniques.Mode) string {
	return map[techniques.Mode]string{
		techniques.Sequential: "Sequential: one after another",
		techniques.OneCPU:     "Concurrent on one CPU",
		techniques.Parallel:   fmt.Sprintf("Parallel on all %d CPUs", runtime.NumCPU()),
	}[m]
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
	if err != nil {
		v.message.SetText(err.Error())
		return 0, 0, err
	}
	v.message.SetText("")
	return n, time.Duration(ms) * time.Millisecond, nil
}

// show draws one run; every timeline shares the longest wall time as its axis.
func (v *overviewView) show(results map[string]techniques.RunResult) {
	var longest time.Duration
	for _, r := range results {
		longest = max(longest, r.Wall)
	}
	for _, k := range overviewKinds {
		base, ok := results[key(techniques.Sequential, k)]
		for _, m := range overviewModes {
			r, done := results[key(m, k)]
			tl, head := v.lanes[key(m, k)], v.heads[key(m, k)]
			if !done {
				continue
			}
			head.SetText(fmt.Sprintf("%s — %v", modeTitle(m), r.Wall.Round(time.Millisecond)))
			if ok && m != techniques.Sequential {
				head.SetText(head.Text + fmt.Sprintf(", %.1f× the sequential speed", techniques.Speedup(base.Wall, r.Wall)))
			}
			tl.Lanes = make([]string, len(r.Tasks))
			tl.Spans = make([][]span, len(r.Tasks))
			for i, t := range r.Tasks {
				tl.Lanes[i] = fmt.Sprintf("task %d", t.Task)
				tl.Spans[i] = coarsen(segmentSpans(t.Segments), longest/timelineBuckets)
			}
			tl.Total = longest
			tl.Refresh()
		}
	}
}

func (v *overviewView) run() error {
	n, length, err := v.config()
	if err != nil {
		return err
	}
	return v.runs.start(func(ctx context.Context) error {
		// The timelines are drawn once all six runs are over: without a GPU,
		// drawing them takes CPU that the runs still going would feel.
		results := map[string]techniques.RunResult{}
		for _, k := range overviewKinds {
			work := techniques.NewWork(k, n, length)
			for _, m := range overviewModes {
				fyne.Do(func() { v.message.SetText(fmt.Sprintf("Running %s tasks: %s…", k, modeTitle(m))) })
				r, err := techniques.RunInChild(ctx, m, work)
				if err != nil {
					return err
				}
				results[key(m, k)] = r
			}
		}
		fyne.Do(func() {
			v.message.SetText("")
			v.show(results)
		})
		return nil
	}, nil)
}

// runBlocking runs the sequential mode of both kinds on the Fyne goroutine.
func (v *overviewView) runBlocking() error {
	n, length, err := v.config()
	if err != nil {
		return err
	}
	return v.runs.block(func(ctx context.Context) error {
		results := map[string]techniques.RunResult{}
		for _, k := range overviewKinds {
			r, err := techniques.RunTasks(ctx, techniques.Sequential, techniques.NewWork(k, n, length))
			if err != nil {
				return err
			}
			results[key(techniques.Sequential, k)] = r
		}
		v.show(results)
		return nil
	}, nil)
}

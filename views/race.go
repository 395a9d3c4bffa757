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

	"concurrencylab/techniques"
)

// raceIntro and raceAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	raceIntro = "A thousand goroutines add one and a thousand subtract one from the same counter. The answer should be zero."

	raceAbout = `Incrementing a shared counter is three steps: read it, add one, write it back. If two workers read the same old value, one of the writes is lost — a **race condition**.

A **lock** (sync.Mutex) lets only one worker at a time run the read–modify–write. An **atomic** operation does the three steps as one indivisible instruction. Or give the counter a single **owner** goroutine and send it requests over a channel: nothing is shared, so nothing races.`
)

const (
	histogramRuns    = 200
	histogramUpdates = 20 // per goroutine in each histogram run, so 200 runs take seconds, not minutes
)

// raceView is the race panel: the four strategies on one counter, one lost
// update as recorded, and a histogram of many runs.
type raceView struct {
	runs     runs
	pairs    *widget.Entry
	updates  *widget.Entry
	message  *widget.Label
	rows     map[techniques.Strategy][3]*widget.Label // final, time, verdict
	lost     *widget.Label
	progress *widget.ProgressBar
	chart    *canvas.Image
	demo     *Demo
}

func racePanel() *Demo { return newRaceView().demo }

func newRaceView() *raceView {
	v := &raceView{
		pairs:    countEntry(1000, 1, techniques.MaxPairs),
		updates:  countEntry(1000, 1, techniques.MaxUpdates),
		message:  wrapped(""),
		rows:     map[techniques.Strategy][3]*widget.Label{},
		lost:     wrapped("Run the experiment to catch a lost update in the act."),
		progress: widget.NewProgressBar(),
		chart:    newChart(320, 260),
	}
	v.message.Importance = widget.DangerImportance
	v.progress.Hide()

	runOnce := widget.NewButton("Run all four once", func() { v.runOnce() })
	runOnce.Importance = widget.HighImportance
	runMany := widget.NewButton(fmt.Sprintf("Run %d times: histogram", histogramRuns), func() { v.runHistogram() })
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	cancel.Disable()
	v.runs.onBusy(func(busy bool) {
		for _, b := range []*widget.Button{runOnce, runMany} {
			if busy {
				b.Disable()
			} else {
				b.Enable()
			}
		}
		if busy {
			cancel.Enable()
		} else {
			cancel.Disable()
		}
	})

	form := container.NewVBox(
		container.NewHBox(
			widget.NewLabel("Incrementers (and as many decrementers):"), container.NewGridWrap(fyne.NewSize(110, 36), v.pairs),
			widget.NewLabel("updates each:"), container.NewGridWrap(fyne.NewSize(90, 36), v.updates)),
		container.NewHBox(runOnce, runMany, cancel))

	var names []string
	for _, s := range techniques.Strategies {
		names = append(names, s.String())
	}
	table := newResultTable([]string{"Strategy", "Final value (want 0)", "Time", "Verdict"}, names,
		[]string{"-1000000000", "999.9999ms", "updates lost"})
	for i, s := range techniques.Strategies {
		v.rows[s] = [3]*widget.Label(table.rows[i])
	}
	why := wrapped("How the unsynchronized counter loses updates without a data race: each goroutine reads the " +
		"counter with an atomic load, yields (runtime.Gosched) so others can run, then writes back with an atomic store. " +
		"Every single access is atomic, so `go test -race` stays quiet and the app stays memory-safe — but the " +
		"read–modify–write as a whole is not, and a write landing in the gap is overwritten. That gap is the race condition.")
	where := wrapped("Where it runs: Run starts a second copy of this program, at a lower priority, and its goroutines " +
		"run there. In this process they would keep the window's own goroutine waiting in the Go scheduler's queue " +
		"behind thousands of theirs, and the window would stutter. Run blocking does the work on the window's goroutine.")
	left := container.NewVBox(form, v.message, table.Content, widget.NewSeparator(), bold("One lost update, as recorded"), v.lost, widget.NewSeparator(), why, where)
	hint := wrapped(fmt.Sprintf("\"Run %d times\" runs all four strategies %d times, with at most %d updates per goroutine so it takes seconds, and draws how the final values spread.",
		histogramRuns, histogramRuns, histogramUpdates))
	right := container.NewBorder(container.NewVBox(hint, v.progress), nil, nil, nil, v.chart)
	split := container.NewHSplit(container.NewVScroll(left), right)
	split.Offset = 0.58

	v.demo = newDemo(split, &v.runs, v.runOnce, v.runOnceBlocking)
	return v
}

func bold(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// config reads the entries; a bad value is shown and nothing starts. It
// refuses to start while a run is in flight or just after a blocking one.
func (v *raceView) config() (techniques.RaceConfig, error) {
	if err := v.runs.refused(); err != nil {
		return techniques.RaceConfig{}, err
	}
	pairs, err := parseCount(v.pairs.Text, "the number of incrementers", 1, techniques.MaxPairs)
	if err == nil {
		var updates int
		updates, err = parseCount(v.updates.Text, "updates each", 1, techniques.MaxUpdates)
		if err == nil {
			v.message.SetText("")
			return techniques.RaceConfig{Pairs: pairs, Updates: updates}, nil
		}
	}
	v.message.SetText(err.Error())
	return techniques.RaceConfig{}, err
}

// runOnce runs every strategy once in a child process, so that the window's
// goroutine never waits in the Go scheduler's queue behind the experiment's
// thousands of goroutines.
func (v *raceView) runOnce() error {
	cfg, err := v.config()
	if err != nil {
		return err
	}
	v.clear()
	return v.runs.start(func(ctx context.Context) error {
		traced, err := techniques.RaceInChild(ctx, cfg, v.runs.task, func(r techniques.RaceResult) { fyne.Do(func() { v.show(r) }) })
		v.runs.keepTrace(traced)
		return err
	}, nil)
}

func (v *raceView) runOnceBlocking() error {
	cfg, err := v.config()
	if err != nil {
		return err
	}
	v.clear()
	return v.runs.block(func(ctx context.Context) error {
		return techniques.RunStrategies(ctx, cfg, func(r techniques.RaceResult) error { v.show(r); return nil })
	}, nil)
}

func (v *raceView) clear() {
	for _, cells := range v.rows {
		for _, c := range cells {
			c.SetText("…")
			c.Importance = widget.MediumImportance
		}
	}
}

func (v *raceView) show(r techniques.RaceResult) {
	cells := v.rows[r.Strategy]
	cells[0].SetText(fmt.Sprintf("%d", r.Final))
	cells[1].SetText(r.Took.Round(100 * time.Microsecond).String())
	if r.Final == 0 {
		cells[2].Importance = widget.SuccessImportance
		cells[2].SetText("exact")
	} else {
		cells[2].Importance = widget.DangerImportance
		cells[2].SetText("updates lost")
	}
	if r.Strategy == techniques.Unsynchronized {
		if r.Lost != nil {
			v.lost.SetText(r.Lost.String())
		} else {
			v.lost.SetText("No lost update was caught this time: the goroutines happened not to overlap. Run again, or raise the counts.")
		}
	}
}

// runHistogram runs the experiment histogramRuns times with small updates and
// draws the distribution of final values of each strategy.
func (v *raceView) runHistogram() error {
	cfg, err := v.config()
	if err != nil {
		return err
	}
	cfg.Updates = min(cfg.Updates, histogramUpdates)
	v.progress.SetValue(0)
	v.progress.Show()
	return v.runs.start(func(ctx context.Context) error {
		var pace pacer
		values, traced, err := techniques.RaceHistogramInChild(ctx, cfg, histogramRuns, v.runs.task, func(done, total int) {
			if pace.due() || done == total {
				fyne.Do(func() { v.progress.SetValue(float64(done) / float64(total)) })
			}
		})
		v.runs.keepTrace(traced)
		if err != nil {
			fyne.Do(v.progress.Hide)
			return err
		}
		img := histogramImage(values)
		fyne.Do(func() {
			v.progress.Hide()
			v.chart.Image = img
			v.chart.Refresh()
		})
		return nil
	}, nil)
}

// histogramImage draws one histogram per strategy, stacked.
func histogramImage(values map[techniques.Strategy][]int64) image.Image {
	const w, h = 300, 110 // points, per strategy
	out := image.NewNRGBA(image.Rect(0, 0, 2*w, 2*h*len(techniques.Strategies)))
	for i, s := range techniques.Strategies {
		edges, counts := techniques.Bin(values[s], 12)
		labels := make([]string, len(edges))
		ys := make([]float64, len(counts))
		for j := range edges {
			labels[j] = fmt.Sprint(edges[j])
			ys[j] = float64(counts[j])
		}
		title := fmt.Sprintf("%v: final values of %d runs", s, len(values[s]))
		img := renderPlot(barPlot(title, "", "runs", labels, ys, chartColors[i]), w, h)
		drawAt(out, img, i*2*h)
	}
	return out
}

package views

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/sourcegraph/conc"

	"concurrencylab/assets"
	"concurrencylab/techniques"
)

// futuresIntro and futuresAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	futuresIntro = "Instead of taking a callback, an asynchronous function returns a value that will hold the result later."

	futuresAbout = `A **future** (or promise) stands for a result that is not ready yet. The function that starts the work returns it at once; whoever needs the value waits for it, or chains what to do next: *then* on success, *catch* on failure.

Futures compose: wait for **all** of them, or take the **first** to succeed and cancel the rest.`
)

// futureState is what one row of the futures table shows.
type futureState struct {
	status string // pending, resolved, rejected, cancelled
	took   time.Duration
	detail string
}

// futuresView is the promises and futures panel.
type futuresView struct {
	runs       runs
	n          *widget.Entry
	minLat     *widget.Entry
	maxLat     *widget.Entry
	failRate   *widget.Slider
	panics     *widget.Check
	message    *widget.Label
	rows       []futureState
	table      *widget.List
	summary    *widget.Label
	goroutines *widget.Label
	promise    *widget.Label
	demo       *Demo
}

func futuresPanel() *Demo { return newFuturesView().demo }

func newFuturesView() *futuresView {
	v := &futuresView{
		n:          countEntry(8, 1, 200),
		minLat:     countEntry(300, 0, 10_000),
		maxLat:     countEntry(1500, 0, 10_000),
		failRate:   widget.NewSlider(0, 100),
		panics:     widget.NewCheck("the task of resource 0 panics", nil),
		message:    wrapped(""),
		summary:    wrapped("Press All or First."),
		goroutines: wrapped(""),
		promise:    wrapped(""),
	}
	v.message.Importance = widget.DangerImportance
	v.failRate.Step = 5
	rateLabel := widget.NewLabel("")
	v.failRate.OnChanged = func(p float64) { rateLabel.SetText(fmt.Sprintf("failure rate %.0f%%", p)) }
	v.failRate.OnChanged(0)
	v.table = widget.NewList(
		func() int { return len(v.rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.TextStyle.Monospace = true
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			l, r := o.(*widget.Label), v.rows[i]
			l.Importance = map[string]widget.Importance{
				"resolved": widget.SuccessImportance, "rejected": widget.DangerImportance, "cancelled": widget.WarningImportance,
			}[r.status]
			took := ""
			if r.status != "pending" {
				took = r.took.Round(time.Millisecond).String()
			}
			l.SetText(fmt.Sprintf("resource %3d  %-9s %7s  %s", i, r.status, took, r.detail))
		})

	all := widget.NewButton("All", func() { v.fetch(false) })
	all.Importance = widget.HighImportance
	first := widget.NewButton("First", func() { v.fetch(true) })
	cancel := widget.NewButton("Cancel all", v.runs.Cancel)
	cancel.Disable()
	read := widget.NewButton("ReadFileAsync(foo.txt).Then(show).Catch(showError)", v.readPromise)
	v.runs.onBusy(func(busy bool) { enable(!busy, all, first, read); enable(busy, cancel) })

	controls := container.NewVBox(
		container.NewHBox(widget.NewLabel("Resources (1–200):"), container.NewGridWrap(fyne.NewSize(70, 36), v.n),
			widget.NewLabel("simulated network latency, ms:"), container.NewGridWrap(fyne.NewSize(80, 36), v.minLat),
			widget.NewLabel("to"), container.NewGridWrap(fyne.NewSize(80, 36), v.maxLat)),
		container.NewBorder(nil, nil, rateLabel, v.panics, v.failRate),
		container.NewHBox(all, first, cancel),
		v.message, v.summary, v.goroutines)
	promise := container.NewVBox(widget.NewSeparator(), bold("The promise-style file read"), read, v.promise)
	v.demo = newDemo(container.NewBorder(controls, promise, nil, nil, v.table), &v.runs,
		func() error { return v.fetch(false) }, v.fetchBlocking)
	return v
}

// config reads the controls; a bad value is shown and nothing starts.
func (v *futuresView) config() (int, techniques.FetchConfig, error) {
	n, err := parseCount(v.n.Text, "the number of resources", 1, 200)
	var lo, hi int
	if err == nil {
		lo, err = parseCount(v.minLat.Text, "the shortest latency", 0, 10_000)
	}
	if err == nil {
		hi, err = parseCount(v.maxLat.Text, "the longest latency", lo, 10_000)
	}
	if err != nil {
		v.message.SetText(err.Error())
		return 0, techniques.FetchConfig{}, err
	}
	v.message.SetText("")
	cfg := techniques.FetchConfig{
		MinLatency: time.Duration(lo) * time.Millisecond, MaxLatency: time.Duration(hi) * time.Millisecond,
		FailRate: v.failRate.Value / 100, PanicID: -1,
	}
	if v.panics.Checked {
		cfg.PanicID = 0
	}
	return n, cfg, nil
}

// fetchEvent is one future resolving.
type fetchEvent struct {
	i    int
	res  techniques.Resource
	err  error
	took time.Duration
}

func (v *futuresView) reset(n int) {
	v.rows = make([]futureState, n)
	for i := range v.rows {
		v.rows[i].status = "pending"
	}
	v.table.Refresh()
}

// fetch starts n futures and combines them with All or First.
func (v *futuresView) fetch(first bool) error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	n, cfg, err := v.config()
	if err != nil {
		return err
	}
	v.reset(n)
	v.summary.SetText("Fetching…")
	seed := uint64(time.Now().UnixNano())
	return v.runs.start(func(ctx context.Context) error {
		before := runtime.NumGoroutine()
		start := time.Now()
		var wg conc.WaitGroup
		events := make(chan fetchEvent, n)
		// watch reports when future i resolves.
		watch := func(i int, f *techniques.Future[techniques.Resource]) {
			wg.Go(func() {
				<-f.Done()
				r, err := f.Await(context.Background())
				events <- fetchEvent{i, r, err, time.Since(start)}
			})
		}
		fetcher := func(i int) func(context.Context) (techniques.Resource, error) {
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			return func(ctx context.Context) (techniques.Resource, error) { return techniques.Fetch(ctx, i, cfg, rng) }
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		result := make(chan string, 1)
		if first {
			fns := make([]func(context.Context) (techniques.Resource, error), n)
			for i := range fns {
				fns[i] = func(ctx context.Context) (techniques.Resource, error) {
					f := techniques.Go(ctx, fetcher(i))
					watch(i, f)
					return f.Await(ctx)
				}
			}
			wg.Go(func() {
				r, err := techniques.First(ctx, fns...)
				result <- describe("First", err, func() string {
					return fmt.Sprintf("resource %d won after %v; the others were cancelled", r.ID, r.Took.Round(time.Millisecond))
				})
			})
		} else {
			fs := make([]*techniques.Future[techniques.Resource], n)
			for i := range fs {
				fs[i] = techniques.Go(ctx, fetcher(i))
				watch(i, fs[i])
			}
			wg.Go(func() {
				vals, err := techniques.All(ctx, fs...)
				if err != nil {
					cancel() // All has failed: stop the futures still pending
				}
				result <- describe("All", err, func() string { return fmt.Sprintf("all %d resolved", len(vals)) })
			})
		}

		rows := make([]futureState, n)
		for i := range rows {
			rows[i].status = "pending"
		}
		var pace pacer
		peak := before
		flush := func() {
			snapshot := append([]futureState(nil), rows...)
			peak = max(peak, runtime.NumGoroutine())
			during := peak
			fyne.Do(func() {
				v.rows = snapshot
				v.table.Refresh()
				v.goroutines.SetText(fmt.Sprintf("Goroutines: %d before, up to %d during.", before, during))
			})
		}
		var summary string
		for got := 0; got < n || summary == ""; {
			select {
			case e := <-events:
				rows[e.i] = stateOf(e)
				got++
				if pace.due() {
					flush()
				}
			case summary = <-result:
			}
		}
		wg.Wait()
		flush()
		after := settledGoroutines(before)
		fyne.Do(func() {
			v.summary.SetText(summary)
			verdict := "nothing leaked"
			if after > before {
				verdict = "more than before: something is still running"
			}
			v.goroutines.SetText(v.goroutines.Text + fmt.Sprintf(" %d after: %s.", after, verdict))
		})
		return nil
	}, nil)
}

// fetchBlocking awaits every future inside the click handler: the freeze.
func (v *futuresView) fetchBlocking() error {
	n, cfg, err := v.config()
	if err != nil {
		return err
	}
	v.reset(n)
	return v.runs.block(func(ctx context.Context) error {
		start := time.Now()
		fs := make([]*techniques.Future[techniques.Resource], n)
		for i := range fs {
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(i)))
			fs[i] = techniques.Go(ctx, func(ctx context.Context) (techniques.Resource, error) { return techniques.Fetch(ctx, i, cfg, rng) })
		}
		_, allErr := techniques.All(ctx, fs...) // the UI goroutine waits here: nothing can be drawn
		for i, f := range fs {
			<-f.Done()
			r, err := f.Await(ctx)
			v.rows[i] = stateOf(fetchEvent{i, r, err, time.Since(start)})
		}
		v.table.Refresh()
		v.summary.SetText(describe("All (awaited on the UI goroutine: the window froze)", allErr, func() string { return fmt.Sprintf("all %d resolved", n) }))
		return nil
	}, nil)
}

func stateOf(e fetchEvent) futureState {
	switch {
	case e.err == nil:
		return futureState{"resolved", e.took, e.res.Body}
	case errors.Is(e.err, context.Canceled):
		return futureState{"cancelled", e.took, "cancelled"}
	default:
		return futureState{"rejected", e.took, firstLine(e.err.Error())}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func describe(what string, err error, ok func() string) string {
	if err != nil {
		return fmt.Sprintf("%s rejected: %s", what, firstLine(err.Error()))
	}
	return fmt.Sprintf("%s resolved: %s.", what, ok())
}

// settledGoroutines gives exiting goroutines a moment to finish, then
// counts: a goroutine that has sent its last result may still be returning.
func settledGoroutines(target int) int {
	deadline := time.Now().Add(500 * time.Millisecond)
	for runtime.NumGoroutine() > target && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return runtime.NumGoroutine()
}

// readPromise reads foo.txt the promise way: the chain is set up at once,
// and its handlers run later, on goroutines of their own.
func (v *futuresView) readPromise() {
	if v.runs.refused() != nil {
		return
	}
	v.promise.SetText("readFileAsync(foo.txt) returned a future; the handlers are chained…")
	v.runs.start(func(ctx context.Context) error {
		read := techniques.ReadFileAsync(ctx, assets.Samples(), "foo.txt", defaultDiskDelay)
		shown := techniques.Then(ctx, read, func(_ context.Context, content string) (string, error) {
			lines := strings.Split(strings.TrimSpace(content), "\n")
			return fmt.Sprintf("then: %d lines; the first is %q", len(lines), lines[0]), nil
		})
		text, err := techniques.Catch(ctx, shown, func(err error) (string, error) {
			return "catch: " + err.Error(), nil
		}).Await(ctx)
		fyne.Do(func() { v.promise.SetText(text) })
		return err
	}, nil)
}

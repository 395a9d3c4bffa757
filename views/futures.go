package views

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/assets"
	"concurrencylab/techniques"
)

// futuresIntro and futuresAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	futuresIntro = "Instead of taking a callback, an asynchronous function returns at once a future: a value that will hold the result later."

	// futuresNotice is the guided lesson's "what to notice" line, shown above the demo.
	futuresNotice = "Starting the futures returns at once (the claim below says how fast); the rows then settle one by one, each after its own simulated latency, while the window goes on answering."

	futuresAbout = `A **future** (or promise) stands for a result that is not ready yet. The function that starts the work returns it at once; whoever needs the value waits for it, or chains what to do next: *then* on success, *catch* on failure.

Here a future is a goroutine and a channel that is closed once the result is set. ` + "`Wait`" + ` blocks the goroutine that calls it, so it belongs on a goroutine of its own, never on the window's: the toolbar's **Run blocking** waits for every future inside the click handler, and the window freezes. A panic in a task becomes its future's error instead of ending the program.

Futures compose: wait for **all** of them, or take the **first** to succeed and cancel the rest.

**Cancellation is a request.** Cancelling a context closes its Done channel; a task stops only where it checks ` + "`ctx.Done()`" + ` or ` + "`ctx.Err()`" + `, and one that never checks runs to its end. First cancels the losers, then waits for each to return. **A leak** is a goroutine that can never finish: one blocked forever sending on a channel nobody will read again stays, with its stack and everything it references, until the program exits; the garbage collector does not free it. A channel with room for every result lets an unread sender finish and exit; cancelling makes it stop early. **Count the leak** runs first-of three ways (First; no cancelling with a buffered channel; no cancelling with an unbuffered one) and counts the goroutines before and after.`
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
	n          *boundedEntry
	minLat     *boundedEntry
	maxLat     *boundedEntry
	failRate   *widget.Slider
	panics     *widget.Check
	message    *widget.Label
	rows       []futureState
	table      *widget.List
	summary    *widget.Label
	goroutines *widget.Label
	leak       *widget.Label
	promise    *widget.Label
	claims     *claims
	yours      *futuresYours // the learner's version of First (yours_panels.go)
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
		leak: wrapped("Count the leak runs first-of over the same tasks three times: First (cancels the losers), then without cancelling and " +
			"without reading the losers' results, on a buffered channel and on an unbuffered one."),
		promise: wrapped(""),
	}
	v.message.Importance = widget.DangerImportance
	v.message.Hide() // shown only with an error: no blank line above the results
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
				took = sig3(r.took)
			}
			l.SetText(fmt.Sprintf("resource %3d  %-9s %8s  %s", i, r.status, took, r.detail))
		})

	all := widget.NewButton("All", func() { v.demo.Run() })
	all.Importance = widget.HighImportance
	first := widget.NewButton("First", func() { v.fetch(true) })
	cancel := widget.NewButton("Cancel all", v.runs.Cancel)
	setRole(RoleCancel, cancel)
	cancel.Disable()
	leak := widget.NewButton("Count the leak: first-of with and without cancelling", func() { v.countLeak() })
	read := widget.NewButton("Read foo.txt the promise way: ReadFileAsync, Then, Catch", v.readPromise)
	v.runs.watch(func(c RunChange) { enable(!c.Busy, all, first, leak, read); enable(c.Busy, cancel) })

	v.yours = newFuturesYours(v)
	v.claims = newClaims(&v.runs, claim{
		Says:    "instead of taking a callback, an asynchronous function returns a promise, which is used to carry on once the task is done",
		Pending: "Not measured yet: press All (First starts its futures inside one call, so it is not timed), or read the file the promise way.",
	})
	controls := container.NewVBox(
		container.NewHBox(widget.NewLabel("Resources (1–200):"), sized(70, 36, v.n),
			widget.NewLabel("simulated network latency, ms:"), sized(80, 36, v.minLat),
			widget.NewLabel("to"), sized(80, 36, v.maxLat)),
		container.NewBorder(nil, nil, rateLabel, v.panics, v.failRate),
		container.NewHBox(all, first, cancel),
		v.message, v.summary, v.goroutines, v.yours.note)
	// The table keeps room for a dozen rows (grown with the zoom); what follows it is in the scroll.
	tableHeight := canvas.NewRectangle(color.Transparent)
	tableHeight.SetMinSize(fyne.NewSize(0, 300))
	content := container.NewVBox(controls, container.NewStack(sized(0, 300, tableHeight), v.table),
		widget.NewSeparator(), bold("Cancellation and goroutine leaks"), container.NewHBox(leak), v.leak,
		widget.NewSeparator(), bold("The promise-style file read"), container.NewHBox(read), v.promise,
		widget.NewSeparator(), v.claims.Content)
	v.demo = newDemo(container.NewVScroll(content), &v.runs, func() error {
		if v.yours.forced != "" { // --code: the learner's version instead
			return v.yours.run()
		}
		return v.fetch(false)
	}, v.fetchBlocking)
	v.demo.code = v.yours
	return v
}

// config reads the controls.
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
		return 0, techniques.FetchConfig{}, err
	}
	cfg := techniques.FetchConfig{
		MinLatency: time.Duration(lo) * time.Millisecond, MaxLatency: time.Duration(hi) * time.Millisecond,
		FailRate: v.failRate.Value / 100, PanicID: -1,
	}
	if v.panics.Checked {
		cfg.PanicID = 0
	}
	return n, cfg, nil
}

func (v *futuresView) reset(n int) {
	v.rows = pendingRows(n)
	v.table.Refresh()
	v.goroutines.SetText("") // the last run's counts are not this run's
	v.claims.reset()
}

// futureRows is the table as results: one row per future.
func futureRows(rows []futureState) []map[string]any {
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		row := map[string]any{"resource": i, "state": r.status}
		switch r.status {
		case "resolved":
			row["value"] = r.detail
		case "rejected", "cancelled":
			row["error"] = r.detail
		}
		if r.status != "pending" {
			row["settled_after_ms"] = ms(r.took)
		}
		out[i] = row
	}
	return out
}

// judgeReturnsAtOnce checks the claim: the function returned futures at
// once, and the results came later.
func (v *futuresView) judgeReturnsAtOnce(n int, returned, firstDone, lastDone time.Duration) {
	v.claims.judge(0, holds, fmt.Sprintf("techniques.Go returned %d futures in %s in all, without taking a callback; they settled from %s to %s "+
		"after the start, and All, waiting for them on a goroutine of its own, carried on from there.", n, sig3(returned), sig3(firstDone), sig3(lastDone)))
}

// fetch starts n futures and combines them with All or First.
func (v *futuresView) fetch(first bool) error {
	n, cfg, bad := v.config()
	seed := uint64(time.Now().UnixNano())
	combinator := map[bool]string{false: "All", true: "First"}[first]
	return v.runs.start(func() error {
		if err := showInputError(v.message, bad); err != nil {
			return err
		}
		v.reset(n)
		v.summary.SetText("Fetching…")
		return nil
	}, func(ctx context.Context) error {
		before := runtime.NumGoroutine()
		rows := pendingRows(n)
		var pace pacer
		peak := before
		flush := func() {
			snapshot := slices.Clone(rows)
			peak = max(peak, runtime.NumGoroutine())
			during := peak
			fyne.Do(func() {
				v.rows = snapshot
				v.table.Refresh()
				v.goroutines.SetText(fmt.Sprintf("Goroutines in the whole app (runtime.NumGoroutine): %d before, at most %d when sampled during the run.", before, during))
			})
		}
		var firstDone, lastDone time.Duration
		settled := 0
		got := techniques.FetchMany(ctx, n, cfg, seed, first, func(s techniques.Settled) {
			rows[s.ID] = stateOf(s)
			if settled++; settled == 1 {
				firstDone = s.After
			}
			lastDone = s.After
			if pace.due() {
				flush()
			}
		})
		flush()
		summary := describeFetched(first, got)
		after := techniques.SettledCount(before, 500*time.Millisecond)
		final := slices.Clone(rows)
		fyne.Do(func() {
			v.summary.SetText(summary)
			// The counts are the whole app's: they show this run's goroutines
			// gone only as far as the app's others stayed put meanwhile.
			verdict := "no more than before: none of this run's goroutines is left, as far as a count of the whole app can tell"
			if after > before {
				verdict = "more than before: some goroutine, this run's or another part of the app's, is still running"
			}
			v.goroutines.SetText(v.goroutines.Text + fmt.Sprintf(" %d after: %s.", after, verdict))
			v.runs.setResult("combinator", combinator)
			v.runs.setResult("futures", futureRows(final))
			v.runs.setResult("summary", summary)
			v.runs.setResult("goroutines_before", before)
			v.runs.setResult("goroutines_most_sampled_during", peak)
			v.runs.setResult("goroutines_after", after)
			if !first { // First starts its futures inside its own call: not timed apart
				v.runs.setResult("ms_to_start_every_future", ms(got.Start))
				v.judgeReturnsAtOnce(n, got.Start, firstDone, lastDone)
			}
		})
		return nil
	}, nil)
}

// fetchBlocking waits for every future inside the click handler, on the
// window's goroutine: the freeze.
func (v *futuresView) fetchBlocking() error {
	n, cfg, bad := v.config()
	seed := uint64(time.Now().UnixNano())
	var summary string
	var returned, settled time.Duration
	return v.runs.block(func() error {
		if err := showInputError(v.message, bad); err != nil {
			return err
		}
		v.reset(n)
		return nil
	}, func(ctx context.Context) error {
		start := time.Now()
		// The window's goroutine waits in FetchMany: nothing can be drawn.
		got := techniques.FetchMany(ctx, n, cfg, seed, false, func(s techniques.Settled) { v.rows[s.ID] = stateOf(s) })
		settled = time.Since(start)
		returned = got.Start
		v.table.Refresh()
		summary = describeFetched(false, got)
		v.runs.setResult("combinator", "All, waited for on the window's goroutine")
		v.runs.setResult("futures", futureRows(v.rows))
		return nil
	}, func(error) {
		v.summary.SetText(fmt.Sprintf("%s The click handler waited for them on the window's goroutine: the window was frozen for %s.",
			summary, sig3(v.runs.freeze.last)))
		v.runs.setResult("summary", summary)
		v.runs.setResult("window_frozen_ms", ms(v.runs.freeze.last))
		v.runs.setResult("ms_to_start_every_future", ms(returned))
		v.claims.judge(0, holds, fmt.Sprintf("techniques.Go returned %d futures in %s in all, without taking a callback. "+
			"But this click handler then waited for them on the window's goroutine, %s in all: a future returned at once "+
			"does not keep its caller from blocking on it.", n, sig3(returned), sig3(settled)))
	})
}

// describeFetched says how the combinator settled.
func describeFetched(first bool, got techniques.Fetched) string {
	if first {
		return describe("First", got.Err, func() string {
			return fmt.Sprintf("resource %d was the first to succeed, after its simulated latency of %s; First cancelled the ones still pending and waited for them to return",
				got.Winner.ID, sig3(got.Winner.Took))
		})
	}
	err := got.Err
	if err != nil {
		err = fmt.Errorf("%w (the ones still pending were cancelled)", err)
	}
	return describe("All", err, func() string { return fmt.Sprintf("all %d resolved", len(got.Values)) })
}

func pendingRows(n int) []futureState {
	rows := make([]futureState, n)
	for i := range rows {
		rows[i].status = "pending"
	}
	return rows
}

func stateOf(s techniques.Settled) futureState {
	switch {
	case s.Err == nil:
		return futureState{"resolved", s.After, s.Resource.Body}
	case errors.Is(s.Err, context.Canceled):
		return futureState{"cancelled", s.After, "cancelled"}
	default:
		return futureState{"rejected", s.After, firstLine(s.Err.Error())}
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

// leakSettle is how long each count of Count the leak waits for goroutines
// on their way out; a loser still working takes longer.
const leakSettle = 50 * time.Millisecond

// countLeak runs first-of three ways over the same tasks (First, then no
// cancelling with a buffered and with an unbuffered channel), and shows the
// goroutines the app has before and after each.
func (v *futuresView) countLeak() error {
	n, cfg, bad := v.config()
	note := ""
	if cfg.PanicID >= 0 {
		note = "\n(Here no task panics: FirstNoCancel's tasks are bare goroutines, and a panic in one would end the app.)"
	}
	cfg.PanicID = -1
	seed := uint64(time.Now().UnixNano())
	fns := make([]func(context.Context) (techniques.Resource, error), n)
	for i := range fns {
		fns[i] = func(ctx context.Context) (techniques.Resource, error) {
			rng := rand.New(rand.NewPCG(seed, uint64(i))) // the same latency in all three runs
			return techniques.Fetch(ctx, i, cfg, rng)
		}
	}
	return v.runs.start(func() error {
		if err := showInputError(v.message, bad); err != nil {
			return err
		}
		v.leak.SetText(fmt.Sprintf("Running first-of three ways over %d tasks…", n) + note)
		v.claims.reset()
		return nil
	}, func(ctx context.Context) error {
		lc, err := techniques.LeakCheck(ctx, fns, cfg.MaxLatency, leakSettle)
		fyne.Do(func() { v.showLeak(n, cfg.MaxLatency, lc, err, note) })
		return err
	}, nil)
}

// showLeak shows and records what LeakCheck counted.
func (v *futuresView) showLeak(n int, longest time.Duration, lc techniques.LeakCounts, err error, note string) {
	f, b, u := lc.First, lc.Buffered, lc.Unbuffered
	working := fmt.Sprintf("%+d", b.Returned-b.Before)
	if b.Returned > b.Before {
		working += ": losers still working, since nothing told them to stop"
	}
	leaked := fmt.Sprintf("%+d", u.Later-u.Before)
	if u.Later > u.Before {
		leaked += ": each loser did its work, then blocked on a send nobody was going to receive. " +
			"Leaked: in real code they would stay blocked until the program exits, and the garbage collector does not free a blocked goroutine"
	}
	text := fmt.Sprintf("Goroutines in the whole app (runtime.NumGoroutine: the app's other goroutines are counted too), "+
		"before / once first-of returned / %s later, when every task has done its work (each count waits up to %s for goroutines that are returning):\n"+
		"• First, cancelling the losers and waiting for them: %d / %d / %d.\n"+
		"• Not cancelling, a result channel with room for all: %d / %d (%s) / %d.\n"+
		"• Not cancelling, an unbuffered channel: %d / %d / %d (%s). Once the demo received what they sent (code with this bug has no such step), the count was %d.",
		sig3(longest), sig3(leakSettle), f.Before, f.Returned, f.Later,
		b.Before, b.Returned, working, b.Later,
		u.Before, u.Returned, u.Later, leaked, u.Released)
	if err != nil {
		text = "Cancelled before the counts were done (" + err.Error() + "):\n" + text
	}
	v.leak.SetText(text + note)
	counts := func(c techniques.GoroutineCounts) map[string]any {
		return map[string]any{"before": c.Before, "after_return": c.Returned, "after_every_task_had_time_to_finish": c.Later,
			"after_the_demo_received_the_unread_results": c.Released}
	}
	first := counts(f)
	delete(first, "after_the_demo_received_the_unread_results") // First leaves nothing unread
	v.runs.setResult("leak_check", map[string]any{
		"tasks":                        n,
		"longest_latency_ms":           ms(longest),
		"first_cancel_and_wait":        first,
		"no_cancel_buffered_channel":   counts(b),
		"no_cancel_unbuffered_channel": counts(u),
		"leaked_goroutines":            u.Later - u.Before,
	})
}

// readPromise reads foo.txt the promise way: the chain is set up at once,
// and its handlers run later, on goroutines of their own.
func (v *futuresView) readPromise() {
	v.runs.start(func() error {
		v.promise.SetText("ReadFileAsync(foo.txt) returned a future; the handlers are chained…")
		v.claims.reset()
		return nil
	}, func(ctx context.Context) error {
		start := time.Now()
		read := techniques.ReadFileAsync(ctx, assets.Samples(), "foo.txt", defaultDiskDelay)
		returned := time.Since(start)
		var ran atomic.Int64 // when then ran, in ns from the start; 0 if it did not
		shown := techniques.Then(ctx, read, func(_ context.Context, content string) (string, error) {
			ran.Store(int64(time.Since(start)))
			lines := strings.Split(strings.TrimSpace(content), "\n")
			return fmt.Sprintf("then: %d lines; the first is %q", len(lines), lines[0]), nil
		})
		text, err := techniques.Catch(ctx, shown, func(err error) (string, error) {
			return "catch: " + err.Error(), nil
		}).Wait(ctx) // on the run's goroutine, never the window's
		fyne.Do(func() {
			v.promise.SetText(text)
			v.runs.setResult("promise_read", text)
			v.runs.setResult("ms_until_read_file_async_returned", ms(returned))
			if ran := time.Duration(ran.Load()); err == nil && ran > 0 {
				v.runs.setResult("ms_until_then_ran", ms(ran))
				v.claims.judge(0, holds, fmt.Sprintf("ReadFileAsync returned its future in %s, without taking a callback; "+
					"the then chained on it ran %s after the call, once the (simulated %v) read was done.", sig3(returned), sig3(ran), defaultDiskDelay))
			}
		})
		return err
	}, nil)
}

package views

import (
	"context"
	"fmt"
	"image"
	"image/draw"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// raceIntro and raceAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	raceIntro = "A thousand goroutines add one and a thousand subtract one from the same counter, a thousand times each. The answer should be zero, with no update lost."

	// raceNotice is the guided lesson's "what to notice" line, shown above the demo.
	raceNotice = "Read the Lost updates column: sync.Mutex, sync/atomic Add and the owner goroutine lose 0; the load, yield, store rows lose many, even at GOMAXPROCS=1; plain n += 1 often loses some, and is a bug even in a run that loses none (the race detector reports it either way)."

	raceAbout = `Adding one to a shared counter is three steps: read it, add one, write it back. If another goroutine writes between our read and our write, our write replaces its update, and that update is lost. A result that depends on how the goroutines happen to interleave is a **race condition**.

A **data race** is narrower, and the Go memory model defines it: two goroutines access the same variable, at least one of them writes, and nothing — no lock, channel or atomic operation — makes one access *happen before* the other. The plain ` + "`n += 1`" + ` row has one. Go programs must be free of data races: the memory model lets an implementation stop a program that has one, and the race detector (` + "`go build -race`" + `) reports it, so builds with the detector skip that row. The *atomic load, yield, atomic store* row has no data race, since every access is atomic, and still loses updates: a race condition without a data race.

Letting one goroutine run at a time does not help either. With GOMAXPROCS=1 only one goroutine executes Go code at any moment, as under a global interpreter lock only one thread runs Python bytecode; but a switch that falls between a goroutine's read and its write is all a lost update needs. The GOMAXPROCS=1 row makes that switch happen at every update: each goroutine yields there on purpose (runtime.Gosched). Without the yield the switches are rarer, not impossible: Go preempts a goroutine that has run for 10 ms, at almost any instruction since Go 1.14, and a GIL changes hands only between bytecodes, but Python's ` + "`n += 1`" + ` is several bytecodes (load, add, store). Nor does GOMAXPROCS=1 change the memory model: plain ` + "`n += 1`" + ` would still be a data race.

Goroutines that share memory need a **lock** (sync.Mutex), so that one at a time runs the read–modify–write; or an **atomic** read–modify–write (sync/atomic's Add), one indivisible operation; or else a single **owner** goroutine that receives the updates over a channel, so that nothing is shared.

The table counts lost updates exactly: each counter's value is kept as two counts, the +1s and the −1s it holds, read and written together, so an overwrite takes its count with it. The final value alone is a poor measure: a lost +1 and a lost −1 cancel, and a final 0 can hide many losses.`
)

const (
	histogramRuns    = 200
	histogramUpdates = 20 // per goroutine in each histogram run, so 200 runs take seconds, not minutes
)

// raceView is the race panel: the strategies on one counter, one overwrite
// as recorded, the article's claims, and a histogram of many runs.
type raceView struct {
	runs      runs
	pairs     *boundedEntry
	updates   *boundedEntry
	message   *widget.Label
	rows      map[techniques.Strategy][4]*widget.Label // final, lost, time, verdict
	notRun    *widget.Label
	procs     *widget.Label
	lost      *widget.Label
	claims    *claims
	progress  *widget.ProgressBar
	chart     *canvas.Image
	histNote  *widget.Label
	demo      *Demo
	yours     *raceYours // the learner's version (yours.go)
	cfg       techniques.RaceConfig
	results   map[techniques.Strategy]techniques.RaceResult // this run's, as shown
	shownRows []map[string]any
}

func racePanel() *Demo { return newRaceView().demo }

func newRaceView() *raceView {
	v := &raceView{
		pairs:    countEntry(1000, 1, techniques.MaxPairs),
		updates:  countEntry(1000, 1, techniques.MaxUpdates),
		message:  wrapped(""),
		rows:     map[techniques.Strategy][4]*widget.Label{},
		notRun:   wrapped(""),
		procs:    wrapped(""),
		lost:     wrapped("Run the experiment to catch an overwrite in the act."),
		progress: widget.NewProgressBar(),
		chart:    newChart(320, 260),
		histNote: wrapped(""),
	}
	v.message.Importance = widget.DangerImportance
	v.message.Hide() // shown only with an error, so the table sits right under the buttons
	v.progress.Hide()
	v.notRun.Hide()
	v.procs.Hide()
	v.claims = newClaims(&v.runs,
		claim{Says: "With a global interpreter lock, which lets one thread run at a time, Python can never have a race condition.",
			Pending: "Checked by the GOMAXPROCS=1 row: one goroutine executing at a time, each yielding between its read and its write."},
		claim{Says: "Unlike threads, goroutines need no locks to use shared memory.",
			Pending: "Checked by the rows without a lock, an atomic read–modify–write or an owner."},
		claim{Says: "A lock, letting one thread at a time into the critical section, prevents the race condition.",
			Pending: "Checked by the sync.Mutex row."})

	runOnce := widget.NewButton("Run each once", func() { v.demo.Run() })
	runOnce.Importance = widget.HighImportance
	runMany := widget.NewButton(fmt.Sprintf("Run %d times: histogram", histogramRuns), func() { v.runHistogram() })
	cancel := widget.NewButton("Cancel", v.runs.Cancel)
	setRole(RoleCancel, cancel)
	cancel.Disable()
	v.runs.watch(func(c RunChange) { enable(!c.Busy, runOnce, runMany); enable(c.Busy, cancel) })

	form := container.NewVBox(
		container.NewHBox(
			widget.NewLabel("Incrementers (and as many decrementers):"), sized(110, 36, v.pairs),
			widget.NewLabel("updates each:"), sized(90, 36, v.updates)),
		container.NewHBox(runOnce, runMany, cancel))

	var names []string
	for _, s := range techniques.Strategies {
		names = append(names, s.String())
	}
	table := newResultTable([]string{"Strategy", "Final (want 0)", "Lost updates", "Time", "Verdict"}, append(names, yoursRowName),
		[]string{"-1000000000", "2000000000", "999.9ms", "none lost (race condition)m"})
	for i, s := range techniques.Strategies {
		v.rows[s] = [4]*widget.Label(table.rows[i])
	}
	why := wrapped("Data race (plain n += 1): two goroutines access one variable, at least one writes, and nothing " +
		"orders the two accesses (no happens-before, in the Go memory model); the race detector reports it. " +
		"Race condition (atomic load, yield, atomic store): every access is atomic, so there is no data race, " +
		"but a write that lands between a goroutine's read and its write is overwritten. With many goroutines nearly " +
		"every update is lost there: a goroutine reads just after its own write, then yields while the others write, so " +
		"each builds mostly on its own updates, and the counter ends holding little more than the last one's. " +
		"The data race may lose " +
		"nothing in a run and is still a bug: the detector finds it whether or not an update is lost.")
	where := wrapped("Where it runs: Run starts a second copy of this program, at a lower priority, and the goroutines " +
		"run there; in this process they would keep the window's goroutine waiting behind thousands of theirs. " +
		"Run blocking starts them from the window's goroutine and waits there for them all, so nothing is drawn until they end. For the GOMAXPROCS=1 row, GOMAXPROCS is set to 1 for that " +
		"row only, then restored: in the second copy with Run, in this whole app with Run blocking.")
	hint := wrapped(fmt.Sprintf("\"Run %d times\" runs each strategy %d times, with at most %d updates per goroutine so it takes seconds, and draws how the lost updates and the final values spread, below the table.",
		histogramRuns, histogramRuns, histogramUpdates))
	// One column: beside the table, a chart would make the panel wider than
	// a projector's 1024-pixel screen. The histogram shows under the table
	// once it has been drawn.
	v.chart.Hide()
	v.yours = newRaceYours(v, table.rows[len(techniques.Strategies)])
	content := container.NewVBox(form, v.message, table.Content, v.yours.note, v.procs, v.notRun, v.progress,
		container.NewHBox(zoomChart(v.chart)), v.histNote, widget.NewSeparator(),
		bold("One overwrite, as recorded (atomic load, yield, atomic store)"), v.lost,
		container.NewHBox(widget.NewButton("Open an overwrite, step by step, in \"You are the scheduler\"", func() { v.demo.openSchedule("Lost update", techniques.OverwriteSchedule()) })), widget.NewSeparator(),
		v.claims.Content, widget.NewSeparator(), why, where, hint)
	scroll := container.NewVScroll(content)

	v.demo = newDemo(scroll, &v.runs, v.runOnce, v.runOnceBlocking)
	v.demo.code = v.yours
	return v
}

// config reads the entries.
func (v *raceView) config() (techniques.RaceConfig, error) {
	pairs, err := parseCount(v.pairs.Text, "the number of incrementers", 1, techniques.MaxPairs)
	var updates int
	if err == nil {
		updates, err = parseCount(v.updates.Text, "updates each", 1, techniques.MaxUpdates)
	}
	return techniques.RaceConfig{Pairs: pairs, Updates: updates}, err
}

// prepare shows bad input, or clears the last run for a new one of cfg.
func (v *raceView) prepare(cfg techniques.RaceConfig, bad error) func() error {
	return func() error {
		if err := showInputError(v.message, bad); err != nil {
			return err
		}
		v.clear(cfg)
		return nil
	}
}

// runOnce runs every strategy once in a child process, so that the window's
// goroutine never waits in the Go scheduler's queue behind the experiment's
// thousands of goroutines.
func (v *raceView) runOnce() error {
	cfg, bad := v.config()
	mine, forced := v.yours.source(), v.yours.forced != ""
	return v.runs.startTraced(v.prepare(cfg, bad), func(ctx context.Context) ([]byte, error) {
		traced, err := techniques.RaceInChild(ctx, cfg, v.runs.task, func(r techniques.RaceResult) { fyne.Do(func() { v.show(r) }) })
		if err == nil {
			fyne.Do(v.judge)
		}
		if err == nil && forced { // --code: the learner's version too
			return v.yours.runIn(ctx, mine, cfg)
		}
		return traced, err
	}, v.ended)
}

func (v *raceView) runOnceBlocking() error {
	cfg, bad := v.config()
	return v.runs.block(v.prepare(cfg, bad), func(ctx context.Context) error {
		err := techniques.RunStrategies(ctx, cfg, func(r techniques.RaceResult) error { v.show(r); return nil })
		if err == nil {
			v.judge()
		}
		return err
	}, v.ended)
}

// ended marks what a run that stopped early left unfinished: no "…"
// stays behind as if the run were still going.
func (v *raceView) ended(err error) {
	if err == nil {
		return
	}
	var cells []*widget.Label
	for _, row := range v.rows {
		cells = append(cells, row[:]...)
	}
	endPending("—", cells...)
	if v.lost.Text == "…" {
		v.lost.SetText("The run ended before this row had finished: nothing was recorded.")
	}
}

func (v *raceView) clear(cfg techniques.RaceConfig) {
	v.cfg = cfg
	v.results = map[techniques.Strategy]techniques.RaceResult{}
	v.shownRows = nil
	v.claims.reset()
	v.notRun.Hide()
	v.procs.Hide()
	v.lost.SetText("…")
	for _, cells := range v.rows {
		for _, c := range cells {
			c.SetText("…")
			c.Importance = widget.MediumImportance
		}
	}
}

// verdict says what a run's counts mean: exact only if nothing was lost, and
// never for the data race, which a Go program must not have, nor for the
// race condition, which lost nothing only by luck.
func verdict(r techniques.RaceResult) (string, widget.Importance) {
	switch {
	case r.NotRun != "":
		return "not run", widget.MediumImportance
	case r.Lost() == 0 && r.Strategy == techniques.PlainIncrement:
		return "none lost (data race)", widget.WarningImportance
	case r.Lost() == 0 && (r.Strategy == techniques.LoadYieldStore || r.Strategy == techniques.SingleProc):
		return "none lost (race condition)", widget.WarningImportance
	case r.Lost() == 0:
		return "exact", widget.SuccessImportance
	case r.Final == 0:
		return "lost, cancelled to 0", widget.DangerImportance
	}
	return "updates lost", widget.DangerImportance
}

func (v *raceView) show(r techniques.RaceResult) {
	v.results[r.Strategy] = r
	cells := v.rows[r.Strategy]
	text, importance := verdict(r)
	cells[3].Importance = importance
	cells[3].SetText(text)
	if r.NotRun != "" {
		// Nothing was measured: the row is reported apart, with why.
		for _, c := range cells[:3] {
			c.SetText("—")
		}
		v.notRun.SetText(r.Strategy.String() + ": " + r.NotRun + ".")
		v.notRun.Show()
		v.runs.setResult("strategies_not_run", []map[string]any{{"name": r.Strategy.String(), "reason": r.NotRun}})
	} else {
		cells[0].SetText(fmt.Sprint(r.Final))
		cells[1].SetText(fmt.Sprint(r.Lost()))
		cells[2].SetText(durationText(r.Took))
		v.shownRows = append(v.shownRows, map[string]any{"name": r.Strategy.String(), "verdict": text,
			"final": r.Final, "lost": r.Lost(), "ms": float64(r.Took.Microseconds()) / 1000})
		v.runs.setResult("strategies", v.shownRows)
	}

	switch r.Strategy {
	case techniques.LoadYieldStore:
		v.procs.SetText(fmt.Sprintf("The rows other than GOMAXPROCS=1 ran with GOMAXPROCS=%d: up to %d goroutines executing Go code at once.", r.Procs, r.Procs))
		v.procs.Show()
		v.runs.setResult("gomaxprocs", r.Procs)
		if r.Overwrite != nil {
			story := r.Overwrite.String()
			v.lost.SetText(story + " (An overwritten update can come back if a goroutine that had read it writes later; the Lost column counts what is missing at the end.)")
			v.runs.setResult("overwrite_seen", story)
		} else {
			v.lost.SetText("No overwrite was caught this time: the goroutines happened not to overlap. Run again, or raise the counts.")
		}
	case techniques.SingleProc:
		v.runs.setResult("gomaxprocs1_lost", r.Lost())
	}
}

// judge gives the article's claims their verdicts from this run's rows.
func (v *raceView) judge() {
	made := 2 * int64(v.cfg.Pairs) * int64(v.cfg.Updates)
	v.runs.setResult("updates_made", made)
	if r, ok := v.results[techniques.SingleProc]; ok {
		if r.Lost() > 0 {
			v.claims.judge(0, wrong, fmt.Sprintf("With one goroutine executing at a time (GOMAXPROCS=1, as under a global interpreter lock), %d of %d updates were lost: a switch between a read and its write is enough. "+
				"Here each goroutine yields there on purpose, so a switch falls there at every update; without the yield, switches there are rarer (a preemption; under a GIL, a hand-over between bytecodes), and so are losses, but not impossible.", r.Lost(), made))
		} else {
			v.claims.judge(0, partly, fmt.Sprintf("With GOMAXPROCS=1, none of %d updates was lost this time, though each goroutine yielded between its read and its write; a switch there is all a loss needs, and one run cannot show \"never\".", made))
		}
	}
	var bare []string
	var lostBare int64
	for _, s := range []techniques.Strategy{techniques.PlainIncrement, techniques.LoadYieldStore} {
		if r, ok := v.results[s]; ok && r.NotRun == "" {
			bare = append(bare, fmt.Sprintf("%s lost %d", s, r.Lost()))
			lostBare += r.Lost()
		}
	}
	var synced int64
	for _, s := range []techniques.Strategy{techniques.Mutex, techniques.Atomic, techniques.Owner} {
		synced += v.results[s].Lost()
	}
	if len(bare) > 0 {
		because := fmt.Sprintf("Each row that ran made %d updates. With no lock, atomic read–modify–write or owner: %s. With a lock, an atomic Add or an owner: %d lost in all.", made, strings.Join(bare, "; "), synced)
		if lostBare > 0 {
			if r, ok := v.results[techniques.LoadYieldStore]; ok && r.Lost() > 0 {
				because += " The atomic load, yield, atomic store row yields between its read and its write on purpose; any pause there (a wait for I/O, say) opens the same window."
			}
			v.claims.judge(1, wrong, because+" Goroutines that share memory need what threads need: one of the three.")
		} else {
			v.claims.judge(1, partly, because+" Nothing was lost this time, yet plain n += 1 is a data race, and the next run may lose updates.")
		}
	}
	if r, ok := v.results[techniques.Mutex]; ok {
		if r.Lost() == 0 {
			v.claims.judge(2, holds, fmt.Sprintf("With sync.Mutex, 0 of %d updates were lost.", made))
		} else {
			v.claims.judge(2, wrong, fmt.Sprintf("With sync.Mutex, %d of %d updates were lost.", r.Lost(), made))
		}
	}
}

// runHistogram runs the experiment histogramRuns times with small updates and
// draws how the lost updates and the final values of each strategy spread.
func (v *raceView) runHistogram() error {
	cfg, bad := v.config()
	cfg.Updates = min(cfg.Updates, histogramUpdates)
	return v.runs.startTraced(func() error {
		if err := showInputError(v.message, bad); err != nil {
			return err
		}
		v.progress.SetValue(0)
		v.progress.Show()
		v.histNote.SetText("")
		return nil
	}, func(ctx context.Context) ([]byte, error) {
		var pace pacer
		samples, traced, err := techniques.RaceRunsInChild(ctx, cfg, histogramRuns, v.runs.task, func(done, total int) {
			if pace.due() || done == total {
				fyne.Do(func() { v.progress.SetValue(float64(done) / float64(total)) })
			}
		})
		if err != nil {
			fyne.Do(v.progress.Hide)
			return traced, err
		}
		img, drawn := histogramImage(samples)
		summary, note := histogramSummary(samples, drawn)
		fyne.Do(func() {
			v.progress.Hide()
			v.chart.Image = img
			b := img.Bounds() // drawn at 2× for sharp text
			v.chart.SetMinSize(fyne.NewSize(float32(b.Dx())/2, float32(b.Dy())/2))
			v.chart.Show()
			v.chart.Refresh()
			v.histNote.SetText(note)
			v.runs.setResult("histogram_runs", histogramRuns)
			v.runs.setResult("histogram_incrementers", cfg.Pairs)
			v.runs.setResult("histogram_updates_each", cfg.Updates)
			v.runs.setResult("histogram", summary)
		})
		return traced, nil
	}, nil)
}

// histogramImage draws, for each strategy that lost updates in some run, how
// many it lost (left) and the final value (right) over the runs. It returns
// the strategies drawn.
func histogramImage(samples map[techniques.Strategy][]techniques.RaceSample) (image.Image, []techniques.Strategy) {
	var drawn []techniques.Strategy
	for _, s := range techniques.Strategies {
		for _, r := range samples[s] {
			if r.Lost > 0 {
				drawn = append(drawn, s)
				break
			}
		}
	}
	const w, h = 250, 120 // points, per histogram
	out := image.NewNRGBA(image.Rect(0, 0, 2*2*w, 2*h*max(len(drawn), 1)))
	for i, s := range drawn {
		var lost, finals []int64
		for _, r := range samples[s] {
			lost, finals = append(lost, r.Lost), append(finals, r.Final)
		}
		for j, values := range [][]int64{lost, finals} {
			edges, counts := techniques.BinAligned(values, 8)
			labels := make([]string, len(edges))
			ys := make([]float64, len(counts))
			wide := len(edges) > 4 && (len(fmt.Sprint(edges[0])) > 4 || len(fmt.Sprint(edges[len(edges)-1])) > 4)
			for k := range edges {
				if !wide || k%2 == 0 { // long numbers: label every other bar, so they do not overlap
					labels[k] = fmt.Sprint(edges[k])
				}
				ys[k] = float64(counts[k])
			}
			name, ok := shortNames[s]
			if !ok {
				name = s.String()
			}
			title := fmt.Sprintf("%s: %s", name, []string{"updates lost", "final value"}[j])
			img := renderPlot(barPlot(title, "", "runs", labels, ys, chartColors[i%len(chartColors)]), w, h)
			b := img.Bounds()
			draw.Draw(out, image.Rect(j*2*w, i*2*h, j*2*w+b.Dx(), i*2*h+b.Dy()), img, b.Min, draw.Src)
		}
	}
	return out, drawn
}

// shortNames name the strategies in the histograms' titles.
var shortNames = map[techniques.Strategy]string{
	techniques.PlainIncrement: "n += 1",
	techniques.LoadYieldStore: "load, yield, store",
	techniques.SingleProc:     "the same, GOMAXPROCS=1",
}

// histogramSummary sums up each strategy's runs for the report, and says in
// a sentence what the strategies not drawn did.
func histogramSummary(samples map[techniques.Strategy][]techniques.RaceSample, drawn []techniques.Strategy) ([]map[string]any, string) {
	var rows []map[string]any
	var clean []string
	for _, s := range techniques.Strategies {
		runs := samples[s]
		if len(runs) == 0 {
			continue
		}
		row := map[string]any{"name": s.String(), "runs": len(runs)}
		var withLoss, hidden int
		lostMin, lostMax, finalMin, finalMax := runs[0].Lost, runs[0].Lost, runs[0].Final, runs[0].Final
		for _, r := range runs {
			lostMin, lostMax = min(lostMin, r.Lost), max(lostMax, r.Lost)
			finalMin, finalMax = min(finalMin, r.Final), max(finalMax, r.Final)
			if r.Lost > 0 {
				withLoss++
				if r.Final == 0 {
					hidden++
				}
			}
		}
		row["runs_with_lost_updates"], row["runs_final_0_despite_lost_updates"] = withLoss, hidden
		row["lost_min"], row["lost_max"], row["final_min"], row["final_max"] = lostMin, lostMax, finalMin, finalMax
		rows = append(rows, row)
		if withLoss == 0 {
			clean = append(clean, s.String())
		}
	}
	note := ""
	if len(clean) > 0 {
		note = fmt.Sprintf("Not drawn: %s lost no update in any run.", strings.Join(clean, ", "))
	}
	if techniques.RaceDetector {
		note += " Plain n += 1 was not run: this build has the race detector."
	}
	return rows, strings.TrimSpace(note)
}

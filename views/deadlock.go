package views

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// deadlockIntro and deadlockAbout are the panel's texts: a sentence or two
// above the tabs, and the About tab, in Markdown.
const (
	deadlockIntro = "Philosophers at a round table share one fork between each pair and need both forks beside them to eat: goroutines sharing locks. The wait-for graph shows who waits for whom, and catches the cycle of waits that never ends as it closes."

	// deadlockNotice is the guided lesson's "what to notice" line, shown above the demo.
	deadlockNotice = "Watch the wait-for graph: left fork, then right, usually closes a cycle of waits, and the panel says when it formed; then lock ordering dines at the same table, and no cycle can form."

	deadlockAbout = `A **deadlock** is a set of goroutines each waiting for something another of them holds: none can go on, so none ever lets go. The dining philosophers are the classic case. Each philosopher is a goroutine, each fork a lock; a philosopher takes their left fork, then their right one. If all of them hold their left fork at once, each waits for a right fork that is the next one's left: a cycle.

A deadlock needs four things at once (Coffman's conditions): **mutual exclusion**, a lock held by one goroutine at a time; **hold and wait**, a goroutine that holds one lock while it waits for another; **no preemption**, no way to take a lock away from its holder; and **circular wait**, a cycle of such waits. Take any one away and no deadlock can form. A fork is a fork, so mutual exclusion stays; each fix takes one of the other three away:

- **Lock ordering** removes the cycle. It numbers the forks and has everyone take the lower-numbered one first. A goroutine then only ever waits for a lock numbered above all it holds, so no chain of waits can come back round to its start: no cycle can form. It must be one order over all the locks, kept by every goroutine on every path: a single place that takes two of them the other way round can close a cycle again. In real programs it is the usual cure. It does make the philosophers unequal (the last one now reaches right first, for the fork the first one wants first too), and how many meals each one gets usually shows it.
- **Timeout and back off** removes no preemption the only way a lock allows: its holder gives it up. It waits for the second fork only for a while; then it puts the first one down, waits a random time, and tries again. A cycle can still form, but it does not last: the timed wait ends and that philosopher lets go. It never deadlocks, yet it promises no progress: philosophers that all retried in step could keep colliding forever (a *livelock*), which the random wait makes unlikely, not impossible; an unlucky philosopher can keep losing (*starvation*); and a wait also times out when a neighbour is merely slow, wasting the work.
- **One arbiter goroutine** removes hold and wait. It is a single server that every philosopher asks for both forks, holding none; it grants both at once, and only when both are free. (It is not the other classic "waiter", a semaphore that lets at most N−1 philosophers reach for forks, which breaks the cycle instead.) Nobody holds one fork while waiting for another. Its costs: every meal waits for an answer from that one goroutine, a bottleneck as the table grows; and it grants whoever's forks are free, so a philosopher whose two neighbours take turns eating can wait indefinitely (starvation).

"Compare the three fixes" runs each for the same time with the same thinking, eating and reaching times, one after the other. Meals per second measures throughput and nothing else: not fairness (the note beside the graphs gives the fewest and most meals of one philosopher), not the livelock or starvation that could happen, and a few percent between runs on a shared machine is noise.

**The wait-for graph.** The forks here are locks that report to a graph: an arrow from a philosopher to the fork they wait for, and from a fork to the philosopher holding it. The graph is checked for a cycle at every change, so a deadlock is caught by the very change that closes its cycle: the time shown is when the deadlock formed, counted from when the philosophers sat down, and catching it took no longer. (Every lock operation takes the graph's own mutex for that check: right for a lesson, too slow for a busy program.) A cycle made only of waits without a timeout is a deadlock for certain: the graph records a holder only once it holds the lock, and forgets it before the lock is released, so an arrow from a fork to its holder is always true, and a philosopher on the cycle, blocked for a fork, cannot let go of the one it holds. Nothing inside the cycle can end it; here only cancelling the whole run, from outside, ends the waits (they take a context). A cycle with a timed wait in it is not a deadlock: it breaks when that wait times out, and is only counted. The forks are channels with room for one token rather than sync.Mutex, because a sync.Mutex cannot be waited for with a context: with one, Cancel could not end a deadlocked run.

**Go's own detector** stops a program with *fatal error: all goroutines are asleep - deadlock!* when no goroutine of the whole program can ever run again. Two things keep it from seeing this panel's deadlock. It judges the whole program: while a few goroutines are stuck here, the window's goroutine and the rest of the app run on, so nothing is wrong as far as the runtime can tell. A server with a handful of goroutines stuck forever while the rest serve requests is the same. And in a program that links C code (cgo, as this app must for its window, and as every program built with -race does, for the race detector's runtime), the runtime keeps a thread ready for calls from C into Go and counts it as one that might still run, so it never concludes that nothing will run again: its detector stays silent. "Ask Go's runtime" shows it on a child process: a copy of this program that opens no window, in which every goroutine ends up asleep.`
)

// The panel's time limits: how long the broken dinner may run before we
// call it (no deadlock this time), and how long a fix runs.
const (
	brokenLimit         = 10 * time.Second
	brokenLimitBlocking = 3 * time.Second
	fixAtLeast          = 2 * time.Second // or the meal counts mean little
	fixAtMost           = 10 * time.Second
	fixAtMostBlocking   = 2 * time.Second
	compareEach         = 2 * time.Second
)

// deadlockView is the deadlock panel: the broken dinner and a fix side by
// side as live wait-for graphs, a table of the ways, and Go's own detector
// on a child process.
type deadlockView struct {
	runs         runs
	philosophers *boundedEntry
	think        *boundedEntry
	eat          *boundedEntry
	reach        *boundedEntry
	message      *widget.Label
	graphs       *fyne.Container // the two graphs, rebuilt when the number of philosophers changes
	broken, fix  *waitGraph
	fixTitle     *widget.Label
	status       *widget.Label // what the broken dinner did
	cycle        *widget.Label // the deadlock's cycle, spelled out (monospace: the regular font lacks the arrow)
	fixNote      *widget.Label // what the fix did
	goroutines   *widget.Label
	rows         map[techniques.Dining][]*widget.Label // outcome, ran for, meals, meals/s
	runtimeNote  *widget.Label
	runtimeOut   *widget.Label
	compare, ask *widget.Button
	scroll       *container.Scroll
	runtimeBox   fyne.CanvasObject
	demo         *Demo
	shown        []map[string]any // the "ways" result, as shown
	before       int              // goroutines in the app as the run began
	after        atomic.Int64     // and once its dinners returned, its own goroutine left out
}

func deadlockPanel() *Demo { return newDeadlockView().demo }

func newDeadlockView() *deadlockView {
	v := &deadlockView{
		philosophers: countEntry(5, 2, techniques.MaxPhilosophers),
		think:        countEntry(0, 0, int(techniques.MaxMealTime/time.Millisecond)),
		eat:          countEntry(10, 0, int(techniques.MaxMealTime/time.Millisecond)),
		reach:        countEntry(2, 0, int(techniques.MaxMealTime/time.Millisecond)),
		message:      wrapped(""),
		fixTitle:     bold("Fix: lock ordering"),
		status:       wrapped("Run seats the philosophers, who take their left fork, then their right, until the graph catches a deadlock; then the lock-ordering fix dines for as long (at least 2 s)."),
		fixNote:      wrapped(""),
		cycle:        wrapped(""),
		goroutines:   wrapped(""),
		rows:         map[techniques.Dining][]*widget.Label{},
		runtimeNote:  wrapped("Ask Go's runtime deadlocks the same philosophers, on plain sync.Mutex forks, in a child process (a copy of this program that opens no window), where every goroutine ends up asleep, and shows what the runtime says."),
		runtimeOut:   widget.NewLabel(""),
	}
	v.message.Importance = widget.DangerImportance
	v.message.Hide()
	v.fixNote.Hide()
	v.cycle.TextStyle.Monospace = true
	v.cycle.Importance = widget.DangerImportance
	v.cycle.Hide()
	v.goroutines.Hide()
	v.runtimeOut.TextStyle.Monospace = true
	v.runtimeOut.Hide()
	v.broken, v.fix = newWaitGraph(5), newWaitGraph(5)
	v.graphs = container.NewHBox(v.graphColumn(bold("Left fork, then right"), v.broken), v.graphColumn(v.fixTitle, v.fix))

	v.compare = widget.NewButton("Compare the three fixes", func() { v.compareFixes() })
	v.ask = widget.NewButton("Ask Go's runtime", func() { v.askRuntime() })
	v.runs.watch(func(c RunChange) { enable(!c.Busy, v.compare, v.ask) })

	small := func(o fyne.CanvasObject) fyne.CanvasObject { return sized(64, 36, o) }
	controls := container.NewVBox(
		container.NewHBox(widget.NewLabel("Philosophers:"), small(v.philosophers),
			widget.NewLabel("think 0 to"), small(v.think), widget.NewLabel("ms, eat"), small(v.eat),
			widget.NewLabel("ms, reach"), small(v.reach), widget.NewLabel("ms")),
		container.NewHBox(v.compare, v.ask), v.message)

	var names []string
	for _, w := range techniques.DiningWays {
		names = append(names, w.String())
	}
	table := newResultTable([]string{"Way", "Outcome", "Ran for", "Meals", "Meals/s"}, names,
		[]string{"no deadlock; 999 cycles timed out", "99.9s", "99,999", "9,999"})
	for i, w := range techniques.DiningWays {
		v.rows[w] = table.rows[i]
	}
	legend := wrapped("The graphs: an arrow from a philosopher (circle) to the fork (square) they wait for, thin and orange; from a fork to the philosopher holding it, thin and blue. " +
		"A philosopher holding both forks is eating, filled green. A cycle is drawn red and thick, and spelled out under the graphs. " +
		"Reach is the time a philosopher holding one fork takes to reach for the other: in a program, the work done between taking one lock and the next. " +
		"Meals/s is meals ÷ the time the dinner ran, time spent stuck included.")
	v.runtimeBox = container.NewVBox(widget.NewSeparator(), bold("Go's own deadlock detector"), v.runtimeNote, v.runtimeOut)
	// The texts beside the graphs take the width left over: the panel fits
	// a projector's 1024 pixels, and the table is in view at 1280×800.
	graphs := container.NewBorder(nil, nil, v.graphs, nil, container.NewVBox(v.status, v.fixNote))
	content := container.NewVBox(controls, graphs, v.cycle, table.Content, v.goroutines,
		widget.NewSeparator(), legend, v.runtimeBox)

	v.scroll = container.NewVScroll(content)
	v.demo = newDemo(v.scroll, &v.runs, v.runBoth, v.runBothBlocking)
	return v
}

func (v *deadlockView) graphColumn(title *widget.Label, g *waitGraph) fyne.CanvasObject {
	return container.NewVBox(title, g.Content)
}

// config reads the entries. A bad value is an error, shown by the run's
// prepare: nothing starts.
func (v *deadlockView) config() (techniques.DiningConfig, error) {
	maxMs := int(techniques.MaxMealTime / time.Millisecond)
	cfg := techniques.DiningConfig{}
	n, err := parseCount(v.philosophers.Text, "the number of philosophers", 2, techniques.MaxPhilosophers)
	cfg.Philosophers = n
	for _, f := range []struct {
		e    *boundedEntry
		what string
		to   *time.Duration
	}{{v.think, "the thinking time", &cfg.Think}, {v.eat, "the eating time", &cfg.Eat}, {v.reach, "the reaching time", &cfg.Reach}} {
		if err != nil {
			break
		}
		var ms int
		ms, err = parseCount(f.e.Text, f.what, 0, maxMs)
		*f.to = time.Duration(ms) * time.Millisecond
	}
	if err != nil {
		return techniques.DiningConfig{}, err
	}
	return cfg, nil
}

// prepare clears the last run's results and, if the number of philosophers
// changed, draws new graphs. On the Fyne goroutine.
func (v *deadlockView) prepare(cfg techniques.DiningConfig, ways ...techniques.Dining) {
	if v.broken.n != cfg.Philosophers {
		v.broken, v.fix = newWaitGraph(cfg.Philosophers), newWaitGraph(cfg.Philosophers)
		v.graphs.Objects[0].(*fyne.Container).Objects[1] = v.broken.Content
		v.graphs.Objects[1].(*fyne.Container).Objects[1] = v.fix.Content
		v.graphs.Refresh()
	}
	v.shown = nil
	v.before = runtime.NumGoroutine()
	v.cycle.Hide()
	for _, w := range ways {
		for _, c := range v.rows[w] {
			c.Importance = widget.MediumImportance
			c.SetText("…")
		}
	}
	v.runs.setResult("philosophers", cfg.Philosophers)
	v.runs.setResult("think_up_to_ms", ms(cfg.Think))
	v.runs.setResult("eat_ms", ms(cfg.Eat))
	v.runs.setResult("reach_ms", ms(cfg.Reach))
}

func (v *deadlockView) runBoth() error {
	cfg, cfgErr := v.config()
	prepare := func() error {
		if err := showInputError(v.message, cfgErr); err != nil {
			return err
		}
		v.prepare(cfg, techniques.LeftThenRight, techniques.Ordered)
		v.status.Importance = widget.MediumImportance
		v.status.SetText("Left fork, then right: dining until the graph finds a cycle, for at most " + readable(brokenLimit) + ".")
		return nil
	}
	return v.runs.start(prepare, func(ctx context.Context) error {
		err := v.deadlockThenFix(ctx, cfg, brokenLimit, fixAtMost, fyne.Do, 1)
		v.settle(1) // for ended: every dinner has returned, even on an error
		return err
	}, v.ended)
}

// runBothBlocking is runBoth on the window's goroutine: nothing is drawn,
// and Cancel cannot be pressed, until it ends. It is bounded: the broken
// dinner gets brokenLimitBlocking, the fix at most fixAtMostBlocking.
func (v *deadlockView) runBothBlocking() error {
	cfg, cfgErr := v.config()
	prepare := func() error {
		if err := showInputError(v.message, cfgErr); err != nil {
			return err
		}
		v.prepare(cfg, techniques.LeftThenRight, techniques.Ordered)
		return nil
	}
	return v.runs.block(prepare, func(ctx context.Context) error {
		err := v.deadlockThenFix(ctx, cfg, brokenLimitBlocking, fixAtMostBlocking, func(f func()) { f() }, 0)
		v.settle(0)
		return err
	}, v.ended)
}

// dinner is one Dine running on a goroutine of its own.
type dinner struct {
	way    techniques.Dining
	g      *techniques.WaitGraph
	began  time.Time
	cancel context.CancelFunc
	done   chan struct{}
	result techniques.DiningResult
	err    error
}

func startDinner(ctx context.Context, cfg techniques.DiningConfig, way techniques.Dining) *dinner {
	ctx, cancel := context.WithCancel(ctx)
	d := &dinner{way: way, g: techniques.NewWaitGraph(), began: time.Now(), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		d.result, d.err = techniques.Dine(ctx, cfg, way, d.g)
	}()
	return d
}

// finish ends the dinner, deadlocked or not, and waits until every
// philosopher has returned. It may be called more than once.
func (d *dinner) finish() (techniques.DiningResult, error) {
	d.cancel()
	<-d.done
	return d.result, d.err
}

// watch draws d's graph with draw, through post, whenever it has changed,
// at most every uiEvery, until ctx ends, limit passes or until is closed.
func (v *deadlockView) watch(ctx context.Context, d *dinner, limit time.Duration, until <-chan struct{}, post func(func()), draw func(techniques.GraphState, time.Duration)) {
	tick := time.NewTicker(uiEvery)
	defer tick.Stop()
	stop := time.NewTimer(limit)
	defer stop.Stop()
	var last uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-until:
			return
		case <-stop.C:
			return
		case <-tick.C:
			if s := d.g.Snapshot(); s.Version != last {
				last = s.Version
				ran := time.Since(d.began)
				post(func() { draw(s, ran) })
			}
		}
	}
}

// deadlockThenFix dines the broken way until the graph finds a deadlock
// (or limit passes), then dines with lock ordering for as long, within
// fixAtLeast and fixMost, while the deadlocked philosophers stay stuck.
// self is 1 if it runs on a goroutine of its own, 0 on the window's.
func (v *deadlockView) deadlockThenFix(ctx context.Context, cfg techniques.DiningConfig, limit, fixMost time.Duration, post func(func()), self int) error {
	broken := startDinner(ctx, cfg, techniques.LeftThenRight)
	defer broken.finish()
	v.watch(ctx, broken, limit, broken.g.Deadlocked(), post, v.drawBroken)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	s, ran := broken.g.Snapshot(), time.Since(broken.began)
	if s.Deadlock == nil {
		broken.finish() // no deadlock this time: end it now
	}
	fixFor := min(max(ran, fixAtLeast), fixMost)
	post(func() { v.caught(s, ran, fixFor) })

	fix := startDinner(ctx, cfg, techniques.Ordered)
	defer fix.finish()
	post(func() { v.fixTitle.SetText("Fix: " + techniques.Ordered.String()) })
	v.watch(ctx, fix, fixFor, nil, post, v.drawFix(fix))
	fr, err := fix.finish()
	br, berr := broken.finish() // the stuck philosophers let go now
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err == nil {
		err = berr
	}
	if err != nil {
		return err
	}
	fs := fix.g.Snapshot()
	v.settle(self)
	post(func() {
		v.showRow(br, s, br.Took)
		v.showRow(fr, fs, fr.Took)
		v.fix.show(fs, nil)
		cycles := "the graph never held a cycle"
		if fs.Deadlock != nil || fs.TimedCycles > 0 {
			cycles = "yet the graph held a cycle" // lock ordering makes this impossible: a bug if ever shown
		}
		v.fixNote.SetText(fmt.Sprintf("Lock ordering dined for %s: %s meals, %s a second, and %s.",
			durationText(fr.Took), grouped(int(fr.Total())), perSecond(fr), cycles))
		v.fixNote.Show()
		if s.Deadlock != nil {
			v.status.SetText(v.status.Text + " The run has ended: they have returned.")
		}
		v.over()
	})
	return nil
}

// drawBroken shows the broken dinner's graph as it changes.
func (v *deadlockView) drawBroken(s techniques.GraphState, ran time.Duration) {
	v.broken.show(s, s.Cycle)
	v.showGoroutines()
	v.status.SetText(fmt.Sprintf("Left fork, then right: dining for %s; the graph is checked at every change, and holds no cycle of waits yet.", durationText(ran)))
}

// drawFix returns what shows a fix's graph as it changes.
func (v *deadlockView) drawFix(d *dinner) func(techniques.GraphState, time.Duration) {
	return func(s techniques.GraphState, ran time.Duration) {
		v.fix.show(s, s.Cycle)
		v.showGoroutines()
		text := fmt.Sprintf("%s: dining for %s; no deadlock.", capitalized(d.way.String()), durationText(ran))
		if s.TimedCycles > 0 {
			text += fmt.Sprintf(" Cycles with a timed wait so far: %d; none is a deadlock: each broke when its wait timed out.", s.TimedCycles)
		}
		v.fixNote.SetText(text)
		v.fixNote.Show()
	}
}

// caught shows what the broken dinner came to: the deadlock and its cycle,
// or none within the limit.
func (v *deadlockView) caught(s techniques.GraphState, ran, fixFor time.Duration) {
	if s.Deadlock == nil {
		v.broken.show(s, nil)
		v.status.Importance = widget.WarningImportance
		v.status.SetText(fmt.Sprintf("No deadlock in %s this time: the philosophers never all held their left fork at once. "+
			"With time to think they fall out of step, and a deadlock can take long to come, or not come in a run at all: that is how testing misses one. "+
			"Set thinking to 0, or reach longer, to see it. Lock ordering now dines for %s.", durationText(ran), durationText(fixFor)))
		v.runs.setResult("deadlock_found", false)
		return
	}
	d := s.Deadlock
	v.broken.show(s, d.Cycle)
	v.showGoroutines()
	v.status.Importance = widget.DangerImportance
	v.status.SetText(fmt.Sprintf("DEADLOCK, %s after the philosophers sat down: caught by the very change to the graph that closed the cycle, so that is when it formed. "+
		"Each of %d philosophers waits, with no timeout, for a fork the next one holds: none can ever eat again. Their goroutines stay stuck while the app runs on; "+
		"lock ordering dines beside them for %s, then the run ends and they return (their waits take a context).",
		durationText(d.After), len(d.Cycle), durationText(fixFor)))
	v.cycle.SetText("CYCLE: " + cycleText(d.Cycle))
	v.cycle.Show()
	v.runs.setResult("deadlock_found", true)
	v.runs.setResult("detected_ms", ms(d.After))
	v.runs.setResult("cycle", cycleText(d.Cycle))
}

// showRow fills a way's row of the table and the "ways" result.
func (v *deadlockView) showRow(r techniques.DiningResult, s techniques.GraphState, ran time.Duration) {
	cells := v.rows[r.Way]
	outcome, importance := "no deadlock", widget.SuccessImportance
	switch {
	case s.Deadlock != nil:
		outcome, importance = "deadlock at "+durationText(s.Deadlock.After)+", stuck", widget.DangerImportance
	case s.TimedCycles > 0:
		outcome = fmt.Sprintf("no deadlock; %d cycle%s timed out", s.TimedCycles, plural(s.TimedCycles))
	case r.Way == techniques.LeftThenRight:
		outcome, importance = "no deadlock this time", widget.WarningImportance
	}
	cells[0].Importance = importance
	cells[0].SetText(outcome)
	cells[1].SetText(durationText(ran))
	cells[2].SetText(grouped(int(r.Total())))
	cells[3].SetText(perSecond(r))
	row := map[string]any{"name": r.Way.String(), "outcome": outcome, "seconds": ran.Seconds(),
		"meals": r.Total(), "meals_per_s": float64(r.Total()) / r.Took.Seconds(), "meals_by_philosopher": r.Meals}
	if s.Deadlock != nil {
		row["detected_ms"] = ms(s.Deadlock.After)
	}
	if r.Way == techniques.Backoff {
		row["cycles_timed_out"] = s.TimedCycles
	}
	v.shown = append(v.shown, row)
	v.runs.setResult("ways", v.shown)
}

// settle counts the app's goroutines once every dinner of the run has
// returned, for over and ended. It runs on the run's goroutine, which is not
// counted (self is 1; 0 for a run on the window's goroutine): it is about to
// end, and was not there as the run began. A goroutine that has just said
// it is done may not have exited yet: settle gives such ones a moment.
func (v *deadlockView) settle(self int) {
	n := runtime.NumGoroutine() - self
	for end := time.Now().Add(100 * time.Millisecond); n > v.before && time.Now().Before(end); n = runtime.NumGoroutine() - self {
		time.Sleep(time.Millisecond)
	}
	v.after.Store(int64(n))
}

// over says the run's goroutines are gone; called once every dinner has
// returned, and settle has counted what is left.
func (v *deadlockView) over() {
	v.goroutines.SetText(fmt.Sprintf("Every philosopher's goroutine has returned. Goroutines in this app now: %d; as the run began: %d.",
		v.after.Load(), v.before))
	v.goroutines.Show()
}

func (v *deadlockView) showGoroutines() {
	v.goroutines.SetText(fmt.Sprintf("Goroutines in this app now: %d; as the run began: %d. The window and the rest of the app run on.",
		runtime.NumGoroutine(), v.before))
	v.goroutines.Show()
}

// ended marks what a run that stopped early left unfinished.
func (v *deadlockView) ended(err error) {
	if err == nil {
		return
	}
	var cells []*widget.Label
	for _, row := range v.rows {
		cells = append(cells, row...)
	}
	endPending("—", cells...)
	v.goroutines.SetText(fmt.Sprintf("The run was stopped: every philosopher's goroutine has returned, deadlocked or not (their waits take a context). Goroutines in this app now: %d; as the run began: %d.",
		v.after.Load(), v.before))
	v.goroutines.Show()
}

// compareFixes dines each fix in turn for compareEach.
func (v *deadlockView) compareFixes() error {
	cfg, cfgErr := v.config()
	fixes := techniques.DiningWays[1:]
	prepare := func() error {
		if err := showInputError(v.message, cfgErr); err != nil {
			return err
		}
		v.prepare(cfg, fixes...)
		return nil
	}
	return v.runs.start(prepare, func(ctx context.Context) error {
		deadlocked := 0
		var spread []string // fewest and most meals of one philosopher, by way
		err := func() error {
			for _, way := range fixes {
				d := startDinner(ctx, cfg, way)
				fyne.Do(func() { v.fixTitle.SetText("Fix: " + way.String()) })
				v.watch(ctx, d, compareEach, nil, fyne.Do, v.drawFix(d))
				r, err := d.finish()
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err != nil {
					return err
				}
				s := d.g.Snapshot()
				if s.Deadlock != nil {
					deadlocked++
				}
				spread = append(spread, fmt.Sprintf("%s %s–%s", way, grouped(int(slices.Min(r.Meals))), grouped(int(slices.Max(r.Meals)))))
				fyne.Do(func() {
					v.showRow(r, s, r.Took)
					v.fix.show(s, nil) // every fork down: the dinner is over
				})
			}
			return nil
		}()
		v.settle(1) // every dinner has returned, even on an error
		if err != nil {
			return err
		}
		fyne.Do(func() {
			verdict := "None deadlocked"
			if deadlocked > 0 {
				verdict = fmt.Sprintf("%d deadlocked", deadlocked)
			}
			v.fixNote.SetText(fmt.Sprintf("Each fix dined for %s with the same times, one after the other. %s. "+
				"Meals per second is throughput only. How evenly they ate, fewest–most meals of one philosopher: %s. "+
				"What could still go wrong shows in no number: back-off could livelock, and back-off or the arbiter could starve a philosopher (see About).",
				durationText(compareEach), verdict, strings.Join(spread, "; ")))
			v.over()
		})
		return nil
	}, v.ended)
}

// askRuntime deadlocks the philosophers in a child process and shows what
// Go's runtime says.
func (v *deadlockView) askRuntime() error {
	cfg, cfgErr := v.config()
	prepare := func() error {
		if err := showInputError(v.message, cfgErr); err != nil {
			return err
		}
		v.runtimeNote.SetText(fmt.Sprintf("A child process: %d philosophers on sync.Mutex forks, each holding their left fork and waiting for the right, and the child's main goroutine waiting for them. Waiting up to 3 s for the runtime to speak…", cfg.Philosophers))
		v.runtimeOut.Hide()
		v.showRuntime()
		return nil
	}
	return v.runs.start(prepare, func(ctx context.Context) error {
		verdict, err := techniques.RuntimeDeadlock(ctx, cfg.Philosophers)
		if err != nil {
			return err
		}
		fyne.Do(func() {
			if verdict.Detected {
				v.runtimeNote.SetText(fmt.Sprintf("Go's runtime stopped the child after %s: every goroutine of that program was asleep. Its output (trimmed):", durationText(verdict.Took)))
			} else {
				v.runtimeNote.SetText(fmt.Sprintf("Every goroutine of the child was asleep, and in the %s the child ran Go's runtime said nothing. This app links C code (cgo, for its window), "+
					"and in such a program a thread of C could call into Go at any time, so the runtime never concludes that nothing will run again. "+
					"A program without cgo, built without -race (which links cgo too), would have stopped at once with \"fatal error: all goroutines are asleep - deadlock!\". "+
					"Below, the child's goroutines as the runtime printed them when sent SIGQUIT (trimmed):", durationText(verdict.Took)))
			}
			v.runtimeOut.SetText(verdict.Output)
			v.runtimeOut.Show()
			v.showRuntime()
			v.runs.setResult("runtime_detected", verdict.Detected)
		})
		return nil
	}, func(err error) {
		if err != nil {
			v.runtimeNote.SetText("Stopped before the runtime's answer: " + err.Error())
		}
	})
}

// showRuntime scrolls the runtime's answer into view: it is far below the button.
func (v *deadlockView) showRuntime() {
	v.scroll.ScrollToOffset(fyne.NewPos(0, v.runtimeBox.Position().Y))
}

// cycleText spells a cycle out: P0 → f1 → P1 → … → P0.
func cycleText(cycle []techniques.WaitFor) string {
	var b strings.Builder
	for _, w := range cycle {
		fmt.Fprintf(&b, "P%d → f%d → ", w.Waiter, w.Lock)
	}
	if len(cycle) > 0 {
		fmt.Fprintf(&b, "P%d", cycle[0].Waiter)
	}
	return b.String()
}

// perSecond is a dinner's meals per second.
func perSecond(r techniques.DiningResult) string {
	if r.Took <= 0 {
		return "—"
	}
	return average(float64(r.Total()) / r.Took.Seconds())
}

// capitalized starts s with a capital letter.
func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

package views

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// schedulerIntro and schedulerAbout are the panel's texts: a sentence or two
// above the tabs, and the About tab, in Markdown.
const (
	schedulerIntro = "You are the scheduler: real goroutines wait at checkpoints, and only the one you pick runs, to its next checkpoint. Pick them in the wrong order and the bug happens; with a mutex or ordered locks, no order can make it happen."

	// schedulerNotice is the guided lesson's "what to notice" line, shown above the demo.
	schedulerNotice = "With Lost update on the board, the scripted play ends at counter = 1 after two increments. Then compare the counts: 18 of its 20 schedules lose an update, while the free runs, scheduled by Go, may seldom or never lose one: rare, not impossible."

	schedulerAbout = `Each program here is real Go, compiled into this app and shown in the Code tab. Its goroutines stop at **checkpoints** (` + "`g.Checkpoint()`" + `): at each, the goroutine parks and waits. When you pick a ready goroutine, it alone runs until its next checkpoint, until it blocks, or to its end; every other goroutine of the program stays parked, so the program runs under exactly the order of steps you chose.

A normal run has no such stops: on several cores goroutines run at the same time, and the Go scheduler can preempt a running goroutine at almost any instruction. The checkpoints sit between the steps whose order changes the outcome. Their shared state is touched only atomically, under a lock, or by one goroutine alone, so these programs have no data race, and the Go memory model promises that such a program behaves as if its goroutines' steps took turns in some order. So every outcome a real run of these programs can reach, picking reaches too, and a bug you reach by picking, a real run can reach. With a data race — a plain counter++ in two goroutines — the memory model no longer promises that: a racy run may behave as no order of turns would, and the race detector reports the race whether or not an update is lost.

**Blocked** goroutines cannot be picked. A goroutine at ` + "`g.Lock(&mu)`" + ` while another holds mu waits until it is unlocked; a send on an unbuffered channel waits until a receiver takes the value, and a receive until a sender brings one. The programs' lock and channel are the stepping runtime's own (scheduler_step.go): they block as sync.Mutex and an unbuffered channel do, show on the board whom they wait for, and let a cancelled run end its goroutines even while they are blocked. The board says which goroutine holds a lock; a sync.Mutex itself records no owner (any goroutine may unlock it), and it is not first come, first served: a goroutine arriving at Lock can take it before one already waiting, until a waiter has waited a millisecond and the mutex switches to starvation mode. With two goroutines that changes nothing here. A run in which every goroutine left is blocked can never move again: a **deadlock**.

**Undo** does not restore a snapshot: the schedule recorded so far, minus its last pick, is replayed on fresh goroutines. **Restart** starts again from fresh goroutines too. The same picks give the same run, because between checkpoints only one goroutine moves.

**Try every schedule** does the picking for you, for every schedule of the checkpoints — every order in which the goroutines can take their steps — runs each one, for real, and counts how many end in each outcome. Those are counts of orders, not chances: each schedule counts once however unlikely it is, and moving a checkpoint changes them. Lost update has 20 schedules, 18 losing an update, because its add, which touches no shared state, is a step of its own; without the checkpoint between its load and its add, it would have 6, 4 losing one. Either way the lesson is that most orders lose an update, not that most runs do.

Beside it, the same program runs many times free — every checkpoint a no-op, the goroutines released together and scheduled by Go — and those counts are how often, on this machine, this time. Go does not pick among the schedules evenly: each goroutine here is done in well under a microsecond, less than it usually takes to get the other one running on a second core, so most free runs are one goroutine, then the other. A bug that most schedules reach can then be absent from every free run measured here. That makes it rare, not impossible, and a rare bug is the hardest kind to find; the race panel's counter, with many goroutines and a yield between load and store, loses most of its updates. In a free run, the programs' lock notices a deadlock (a cycle of goroutines, each waiting for a lock the next one holds) and ends the run, which counts it. A sync.Mutex would not: its goroutines would stay blocked for ever, and Go's runtime reports "all goroutines are asleep" only when no goroutine of the whole process can run again: never while this window runs.

**Edit it yourself**: the Code tab lets you rewrite two of the programs, Deadlock's transfer and Lost update's increment, and check your version as Try every schedule checks these: in a separate process, interpreted, under every schedule, counting the schedules that deadlock, go wrong and end right. In your version each g.Lock, and each access to the counter, is a switch point even without a checkpoint before it, so that leaving a checkpoint out cannot hide a deadlock or a lost update. Each schedule runs your version from a fresh start; sync, sync/atomic and channels, which this scheduler cannot see, are refused; and a Balance that both goroutines change with no one lock held in every step that changes it counts as a data race. The board cannot step your version: it steps the compiled programs.`
)

// freeRuns is how many free runs each program gets beside its schedules.
const freeRuns = 100_000

// stepPause is how long the scripted play waits between steps, so the
// board can be followed.
const stepPause = 350 * time.Millisecond

// triesBeforeWhy is how many runs of a program end (or restart) before an
// impossible challenge's explanation shows.
const triesBeforeWhy = 3

// boardTarget is what the board should show: program prog after schedule.
type boardTarget struct {
	prog     int
	schedule []int
}

// boardState is the board after a schedule, as the stepping goroutine found it.
type boardState struct {
	prog int
	snap techniques.Snapshot
	met  []bool
}

// schedulerColumn is one goroutine of the board.
type schedulerColumn struct {
	pick  *widget.Button
	state *widget.Label
	code  *widget.RichText
	box   *fyne.Container
}

// schedulerView is the "You are the scheduler" panel.
type schedulerView struct {
	runs      runs
	streams   streams // the stepping goroutine, fed by the learner's picks
	demo      *Demo
	stepEvery time.Duration // between the scripted play's steps
	freeCount int           // free runs per search

	programs []*techniques.Program
	prog     int                 // the program on the board
	board    techniques.Snapshot // as shown
	mailbox  chan boardTarget    // to the stepping goroutine of the streams' current context
	boxCtx   context.Context     // the context that stepping goroutine runs in
	tries    map[int]int         // per program: runs ended or restarted
	// borrowed says who began the schedule on the board when the learner
	// did not: "the demo" (the scripted play) or "another panel"; "" once
	// the board is back at the start. A challenge met on a borrowed
	// schedule is not the learner's.
	borrowed string

	choose     *widget.Select
	story      *widget.Label
	columns    []*schedulerColumn
	grid       *fyne.Container
	shared     *widget.Label
	schedule   *widget.Label
	outcome    *widget.Label
	challenges *fyne.Container
	undo       *widget.Button
	restart    *widget.Button
	every      *widget.Button
	cancel     *widget.Button
	progress   *widget.ProgressBar
	results    *widget.Label
	free       *widget.Label
	yours      *schedulerYours // the learner's versions (scheduler_yours.go)
	scroll     *container.Scroll
}

func schedulerPanel() *Demo { return newSchedulerView().demo }

func newSchedulerView() *schedulerView {
	v := &schedulerView{
		programs:   techniques.Programs(),
		tries:      map[int]int{},
		stepEvery:  stepPause,
		freeCount:  freeRuns,
		story:      wrapped(""),
		shared:     wrapped(""),
		schedule:   wrapped(""),
		outcome:    wrapped(""),
		challenges: container.NewVBox(),
		progress:   widget.NewProgressBar(),
		results:    wrapped(""),
		free:       wrapped(""),
	}
	v.shared.TextStyle.Monospace = true
	v.results.SetText(v.tryEvery())
	v.progress.Hide()
	v.free.Hide()
	var names []string
	for _, p := range v.programs {
		names = append(names, p.Name)
	}
	v.choose = widget.NewSelect(names, func(name string) {
		if i := slices.Index(names, name); i >= 0 && i != v.prog {
			v.load(i)
		}
	})
	v.undo = widget.NewButton("Undo (Ctrl+Z)", v.undoStep)
	v.restart = widget.NewButton("Restart", func() { v.ended(); v.load(v.prog) })
	v.every = widget.NewButton("Try every schedule", v.search)
	v.every.Importance = widget.HighImportance
	v.cancel = widget.NewButton("Cancel", v.runs.Cancel)
	v.cancel.Disable()
	v.runs.watch(func(RunChange) { v.enable() })

	for i := range 2 {
		c := &schedulerColumn{state: wrapped(""), code: widget.NewRichText()}
		c.pick = widget.NewButton(fmt.Sprintf("Run goroutine %d (key %d)", i+1, i+1), func() { v.pick(i + 1) })
		// A long line scrolls sideways rather than widen the window past a
		// 1024-pixel screen; at 1280 pixels every listing fits.
		c.box = container.NewVBox(c.pick, c.state, container.NewHScroll(c.code))
		v.columns = append(v.columns, c)
	}
	v.grid = container.NewGridWithColumns(2)
	for _, c := range v.columns {
		v.grid.Add(c.box)
	}
	controls := container.NewHBox(sized(190, 36, v.choose), v.undo, v.restart, v.every, v.cancel)

	// The shared variables and the challenges sit under the board, not
	// beside it: two columns of code are as wide as a 1024-pixel screen allows.
	status := container.NewVBox(bold("Shared variables"), v.shared, v.outcome, v.schedule)
	goals := container.NewVBox(bold("Challenges"), v.challenges)
	v.yours = newSchedulerYours(v)
	content := container.NewVBox(controls, v.story, v.grid, widget.NewSeparator(),
		container.NewGridWithColumns(2, status, goals), widget.NewSeparator(),
		v.progress, v.results, v.free, v.yours.note)
	scroll := container.NewVScroll(content)
	v.scroll = scroll
	v.demo = newDemo(scroll, &v.runs, func() error {
		if v.yours.forced() != "" { // --code: the learner's version, checked beside the program it rewrites
			v.choose.SetSelected(v.yours.current().edit.Program)
			return v.yours.check() // its note, under the board, is scrolled to once shown
		}
		return v.play()
	}, v.playBlocking)
	v.demo.code = v.yours
	v.demo.streams = &v.streams
	v.demo.schedule = v.showSchedule
	v.demo.keys = v.key

	v.choose.SetSelected(names[0])
	v.load(0)
	return v
}

// load puts program i on the board, before its first pick. No goroutine
// is started: the stepping goroutine replays the program at the first pick.
func (v *schedulerView) load(i int) {
	if v.prog != i {
		v.results.SetText(v.tryEvery())
		v.free.Hide()
	}
	v.prog = i
	v.borrowed = ""
	p := v.programs[i]
	v.story.SetText(p.Story)
	v.show(boardState{prog: i, snap: p.Initial()}, true)
	if v.demo != nil {
		v.demo.Content.Refresh() // the listings' lengths changed: lay the panel out again
	}
}

// showSchedule puts the named program on the board after schedule, as if
// the learner had picked it: another panel opens this one so. It reports
// whether it could.
func (v *schedulerView) showSchedule(program string, schedule []int) bool {
	i := slices.IndexFunc(v.programs, func(p *techniques.Program) bool { return p.Name == program })
	if i < 0 || v.runs.Busy() {
		return false
	}
	v.choose.SetSelected(program)
	v.load(i)
	v.story.SetText(v.programs[i].Story + " Opened from another panel with this schedule: Undo (Ctrl+Z) steps back through it.")
	v.borrowed = "another panel"
	v.post(boardTarget{i, slices.Clone(schedule)})
	return true
}

// post asks the stepping goroutine to show target. Only the latest target
// counts: one not yet taken is replaced. Never blocks.
func (v *schedulerView) post(target boardTarget) {
	ctx := v.streams.context()
	if v.mailbox == nil || v.boxCtx != ctx {
		// A new context (Esc or leaving the panel cancelled the old one):
		// a new stepping goroutine, which replays the schedule from scratch.
		v.boxCtx, v.mailbox = ctx, make(chan boardTarget, 1)
		box := v.mailbox
		v.streams.Go(func(ctx context.Context) { v.step(ctx, box) })
	}
	for {
		select {
		case v.mailbox <- target:
			return
		default:
			select {
			case <-v.mailbox: // not taken yet: replaced by the newer one
			default:
			}
		}
	}
}

// step is the stepping goroutine: it owns the run on the board and brings
// it to each target, stepping on from where it is when the target extends
// its schedule, replaying from scratch otherwise (undo, restart). The run's
// goroutines end when ctx is cancelled.
func (v *schedulerView) step(ctx context.Context, box chan boardTarget) {
	var run *techniques.Run
	prog := -1
	defer func() {
		if run != nil {
			run.Close()
		}
	}()
	for {
		var t boardTarget
		select {
		case t = <-box:
		case <-ctx.Done():
			return
		}
		p := v.programs[t.prog]
		if run != nil && (prog != t.prog || !extends(t.schedule, run.Snapshot().Schedule)) {
			run.Close()
			run = nil
		}
		var err error
		if run == nil {
			prog = t.prog
			run, err = p.Replay(ctx, nil)
		}
		if err == nil {
			for _, id := range t.schedule[len(run.Snapshot().Schedule):] {
				if err = run.Step(id); err != nil {
					break // a stale pick: show where the run is
				}
			}
		}
		if ctx.Err() != nil || run == nil {
			return // cancelled: Esc, or the panel left
		}
		state := boardState{prog: prog, snap: run.Snapshot(), met: run.Met()}
		v.streams.do(func() { v.show(state, true) })
	}
}

// extends reports whether schedule begins with prefix.
func extends(schedule, prefix []int) bool {
	return len(schedule) >= len(prefix) && slices.Equal(schedule[:len(prefix)], prefix)
}

// pick runs goroutine id to its next checkpoint, if it can run.
func (v *schedulerView) pick(id int) {
	if v.runs.Busy() || v.board.Outcome != "" || id > len(v.board.Goroutines) || v.board.Goroutines[id-1].State != techniques.Ready {
		return
	}
	v.post(boardTarget{v.prog, append(slices.Clone(v.board.Schedule), id)})
}

func (v *schedulerView) undoStep() {
	if v.runs.Busy() || len(v.board.Schedule) == 0 {
		return
	}
	if v.board.Outcome != "" {
		v.ended()
	}
	v.post(boardTarget{v.prog, v.board.Schedule[:len(v.board.Schedule)-1]})
}

// ended counts a try at the program on the board: a run that reached its
// end, or one given up.
func (v *schedulerView) ended() {
	if len(v.board.Schedule) > 0 {
		v.tries[v.prog]++
	}
}

// show puts a board state on screen. byLearner is false for the scripted
// play, which meets no challenge on the learner's behalf: a challenge is
// the learner's own, so the board says whose picks it shows, and a goal
// the demo reached is left for the learner to reach ("now you try").
func (v *schedulerView) show(s boardState, byLearner bool) {
	if s.prog != v.prog {
		return // a state of the program shown before
	}
	byDemo := !byLearner && len(s.snap.Schedule) > 0
	switch {
	case len(s.snap.Schedule) == 0:
		v.borrowed = "" // back at the start: what follows is the learner's
	case byDemo:
		v.borrowed = "the demo"
	}
	p := v.programs[s.prog]
	v.board = s.snap
	for i, g := range s.snap.Goroutines {
		c := v.columns[i]
		c.code.Segments = listingSegments(p.Listing(g.ID), g)
		c.code.Refresh()
		var state string
		switch {
		case g.State == techniques.Done:
			state = "done: its function has returned"
			c.state.Importance = widget.MediumImportance
		case g.State == techniques.Blocked:
			state = "blocked: " + g.Waiting + ". It cannot be picked"
			c.state.Importance = widget.WarningImportance
		default:
			state = "ready: when picked, it runs from the marked line to its next checkpoint, until it blocks, or to its end"
			c.state.Importance = widget.SuccessImportance
		}
		var locals []string
		for _, l := range g.Locals {
			locals = append(locals, l.Name+" = "+l.Value)
		}
		if len(locals) > 0 {
			state += ". Local " + strings.Join(locals, ", ")
		}
		c.state.SetText(state + ".")
	}
	var shared []string
	for _, s := range s.snap.Shared {
		shared = append(shared, s.Name+" = "+s.Value)
	}
	v.shared.SetText(strings.Join(shared, ", "))
	if len(s.snap.Schedule) == 0 {
		v.schedule.SetText("Schedule so far: nothing has run. Pick a goroutine (click, or press its number).")
	} else {
		var ids []string
		for _, id := range s.snap.Schedule {
			ids = append(ids, fmt.Sprint(id))
		}
		what := fmt.Sprintf("Schedule so far (%d picks)", len(ids))
		switch {
		case byDemo:
			what = fmt.Sprintf("The demo's schedule, not yours (%d picks)", len(ids))
		case v.borrowed != "":
			what = fmt.Sprintf("Schedule so far (%d picks, begun by %s)", len(ids), v.borrowed)
		}
		v.schedule.SetText(what + ": " + strings.Join(ids, " "))
	}
	wasShown := v.outcome.Visible()
	under := ""
	if byDemo {
		under = ", under the demo's picks"
	}
	switch s.snap.Outcome {
	case "":
		v.outcome.SetText("")
		v.outcome.Hide()
	case techniques.Deadlock:
		v.outcome.SetText("Deadlock" + under + ": every goroutine left is blocked, waiting for another. None can ever run again.")
		v.outcome.Importance = widget.DangerImportance
		v.outcome.Show()
	default:
		v.outcome.SetText("Ended: " + s.snap.Outcome + under + ".")
		v.outcome.Importance = widget.MediumImportance
		v.outcome.Show()
	}
	v.outcome.Refresh()
	if v.outcome.Visible() != wasShown && v.demo != nil {
		v.demo.Content.Refresh() // lay out again around the outcome line
	}
	if byLearner && v.borrowed == "" {
		v.remember(s.met)
		v.showChallenges(s.met, nil)
	} else {
		v.showChallenges(nil, s.met) // a schedule the learner did not begin meets no challenge for them
	}
	if !byLearner && p.Name == "Lost update" && s.snap.Outcome != "" {
		var counter int
		if _, err := fmt.Sscanf(s.snap.Outcome, "counter = %d", &counter); err == nil {
			v.runs.setResult("counter", counter)
		}
	}
	v.enable()
}

// listingSegments is goroutine g's function, its next line marked.
func listingSegments(l techniques.Listing, g techniques.GoroutineView) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	for i, line := range l.Lines {
		mark := "  "
		style := widget.RichTextStyle{TextStyle: fyne.TextStyle{Monospace: true}, ColorName: theme.ColorNameForeground}
		if l.First+i == g.Line && g.State != techniques.Done {
			mark = "▶ "
			style.ColorName = theme.ColorNameSuccess
			if g.State == techniques.Blocked {
				style.ColorName = theme.ColorNameWarning
			}
		}
		segs = append(segs, &widget.TextSegment{Text: mark + strings.ReplaceAll(line, "\t", "  "), Style: style})
	}
	return segs
}

// challengeKey is where a met challenge is remembered.
func challengeKey(p *techniques.Program, i int) string {
	return fmt.Sprintf("scheduler.challenge.%s.%d", p.Name, i)
}

// remember marks the challenges met now as met for good.
func (v *schedulerView) remember(met []bool) {
	p := v.programs[v.prog]
	for i, m := range met {
		if m {
			fyne.CurrentApp().Preferences().SetBool(challengeKey(p, i), true)
		}
	}
}

// showChallenges lists the program's challenges: met by the learner now
// (now), met by the learner before (remembered), or reached on a schedule
// the learner did not begin (borrowed), which leaves them open.
func (v *schedulerView) showChallenges(now, borrowed []bool) {
	p := v.programs[v.prog]
	var rows []fyne.CanvasObject
	for i, c := range p.Challenges {
		done := fyne.CurrentApp().Preferences().Bool(challengeKey(p, i))
		mark, imp := "○ ", widget.MediumImportance
		switch {
		case i < len(now) && now[i]:
			mark, imp = "✓ ", widget.SuccessImportance
		case done:
			mark = "✓ "
		}
		text := mark + c.Goal
		switch {
		case done && (i >= len(now) || !now[i]):
			text += " (met before)"
		case i < len(borrowed) && borrowed[i]:
			text += " — reached on a schedule begun by " + v.borrowed + "; now you try: Restart, and pick the goroutines yourself"
		}
		l := wrapped(text)
		l.Importance = imp
		rows = append(rows, l)
		if c.Impossible != "" && v.tries[v.prog] >= triesBeforeWhy {
			why := wrapped(c.Impossible)
			why.Importance = widget.WarningImportance
			rows = append(rows, why)
		}
	}
	v.challenges.Objects = rows
	v.challenges.Refresh()
}

// enable sets what can be pressed: nothing on the board during a run.
func (v *schedulerView) enable() {
	busy := v.runs.Busy()
	for i, c := range v.columns {
		can := !busy && v.board.Outcome == "" && i < len(v.board.Goroutines) && v.board.Goroutines[i].State == techniques.Ready
		enable(can, c.pick)
	}
	enable(!busy && len(v.board.Schedule) > 0, v.undo, v.restart)
	enable(!busy, v.every)
	enable(busy, v.cancel)
	if busy {
		v.choose.Disable()
	} else {
		v.choose.Enable()
	}
}

// key handles a key the window received while the panel is shown: a
// goroutine's number picks it, Ctrl+Z undoes. It reports whether the key
// was the panel's.
func (v *schedulerView) key(name fyne.KeyName, mod fyne.KeyModifier) bool {
	if mod == fyne.KeyModifierShortcutDefault && name == fyne.KeyZ {
		v.undoStep()
		return true
	}
	for i := range v.columns {
		if mod == 0 && name == fyne.KeyName(fmt.Sprint(i+1)) {
			v.pick(i + 1)
			return true
		}
	}
	return false
}

func (v *schedulerView) tryEvery() string {
	return fmt.Sprintf("Try every schedule: every order in which the goroutines can take their steps between checkpoints is run, for real, and the orders ending in each outcome are counted; then the program runs free %s times, for comparison.", grouped(v.freeCount))
}

// play is the primary demo: the program on the board plays its scripted
// schedule, a step at a time, then every schedule is tried and the program
// run free. All on a goroutine; the board follows through fyne.Do.
func (v *schedulerView) play() error {
	i := v.prog
	return v.runs.start(v.startSearch, func(ctx context.Context) error {
		return v.playAndSearch(ctx, i, fyne.Do, func(d time.Duration) error {
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}, v.searched)
}

// playBlocking does the same on the Fyne goroutine: the window shows
// nothing of it, and answers nothing, until the end.
func (v *schedulerView) playBlocking() error {
	i := v.prog
	return v.runs.block(v.startSearch, func(ctx context.Context) error {
		return v.playAndSearch(ctx, i, func(f func()) { f() }, func(d time.Duration) error {
			time.Sleep(d) // the wrong way: the window's goroutine sleeps
			return ctx.Err()
		})
	}, v.searched)
}

// search tries every schedule of the program on the board, and runs it free.
func (v *schedulerView) search() {
	i := v.prog
	v.runs.start(v.startSearch, func(ctx context.Context) error { return v.searchWork(ctx, i, fyne.Do) }, v.searched)
}

// startSearch prepares the panel for a run that has been accepted.
func (v *schedulerView) startSearch() error {
	v.progress.SetValue(0)
	v.progress.Show()
	v.results.SetText("Trying every schedule…")
	v.free.Hide()
	return nil
}

// searched hides the progress once a search has ended, brings its counts
// into view, and says so if it was cancelled.
func (v *schedulerView) searched(err error) {
	v.progress.Hide()
	switch {
	case errors.Is(err, context.Canceled):
		v.results.SetText("Cancelled before the end: nothing more was counted.")
		v.free.Hide()
	case err != nil:
		v.results.SetText("Stopped before the end: " + err.Error())
		v.free.Hide()
	default:
		// The counts are the run's evidence, below the board: bring them
		// into view (at 1366×768 they were wholly below the fold).
		v.scroll.ScrollToBottom()
	}
	v.enable()
}

// playAndSearch plays program i's scripted schedule on fresh goroutines,
// showing each step through do and pausing between steps with wait, then
// searches.
func (v *schedulerView) playAndSearch(ctx context.Context, i int, do func(func()), wait func(time.Duration) error) error {
	p := v.programs[i]
	run, err := p.Start(ctx)
	if err != nil {
		return err
	}
	defer run.Close()
	first := boardState{prog: i, snap: run.Snapshot()} // here, between steps: do runs later, on the Fyne goroutine
	do(func() { v.show(first, false) })
	for _, id := range p.Demo {
		if err := wait(v.stepEvery); err != nil {
			return err
		}
		if err := run.Step(id); err != nil {
			return err
		}
		state := boardState{prog: i, snap: run.Snapshot(), met: run.Met()}
		do(func() { v.show(state, false) })
	}
	if err := wait(v.stepEvery); err != nil {
		return err
	}
	return v.searchWork(ctx, i, do)
}

// searchWork tries every schedule of program i, then runs it free
// freeRuns times, showing progress and the counts through do.
func (v *schedulerView) searchWork(ctx context.Context, i int, do func(func())) error {
	p := v.programs[i]
	outcomes, err := p.EverySchedule(ctx, nil)
	if err != nil {
		return err
	}
	do(func() { v.showOutcomes(p, outcomes, nil) })
	var pace pacer
	free, err := p.FreeRuns(ctx, v.freeCount, func(runs int) {
		if pace.due() {
			do(func() { v.progress.SetValue(float64(runs) / float64(v.freeCount)) })
		}
	})
	if err != nil {
		return err
	}
	do(func() { v.showOutcomes(p, outcomes, free) })
	return nil
}

// showOutcomes shows each outcome with its schedules and, once measured,
// its free runs; and records them for the report.
func (v *schedulerView) showOutcomes(p *techniques.Program, outcomes []techniques.Outcome, free map[string]int) {
	total := 0
	for _, o := range outcomes {
		total += o.Schedules
	}
	var lines []string
	bySchedules := map[string]int{}
	for _, o := range outcomes {
		bySchedules[o.Outcome] = o.Schedules
		line := fmt.Sprintf("%s: %d of %d schedules (e.g. %s)", o.Outcome, o.Schedules, total, scheduleText(o.Example))
		if free != nil {
			line += fmt.Sprintf("; %s of %s free runs", grouped(free[o.Outcome]), grouped(v.freeCount))
		}
		lines = append(lines, line)
	}
	v.results.SetText(fmt.Sprintf("%s: %d schedules of its checkpoints, each run for real. They count orders, not chances: each schedule counts once, however unlikely.\n%s", p.Name, total, strings.Join(lines, "\n")))
	v.runs.setResult("program", p.Name)
	v.runs.setResult("schedules", total)
	v.runs.setResult("outcomes", bySchedules)
	if free == nil {
		v.free.SetText(fmt.Sprintf("Now running it free %s times…", grouped(v.freeCount)))
		v.free.Show()
		return
	}
	v.runs.setResult("free_runs", v.freeCount)
	v.runs.setResult("free_outcomes", free)
	rare := 0
	for _, o := range outcomes {
		if free[o.Outcome] == 0 {
			rare++
		}
	}
	text := fmt.Sprintf("Free runs: the same program %s times, every checkpoint a no-op, both goroutines released together and scheduled by Go on this machine. They count how often each outcome happened, and Go does not pick among the schedules evenly.", grouped(v.freeCount))
	if rare > 0 {
		text += " An outcome that no free run reached is still possible, as its schedules show: these goroutines are so short that one usually ends before the other gets going, so the window for it is rarely open. Rare, not impossible."
	}
	v.free.SetText(text)
	v.free.Show()
}

func scheduleText(s []int) string {
	var ids []string
	for _, id := range s {
		ids = append(ids, fmt.Sprint(id))
	}
	return strings.Join(ids, " ")
}

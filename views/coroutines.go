package views

import (
	"context"
	"fmt"
	"image/color"
	"iter"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// coroutinesIntro and coroutinesAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	coroutinesIntro = "A function that can pause in the middle, hand control back to its caller, and later resume where it stopped."

	// coroutinesNotice is the guided lesson's "what to notice" line, shown above the demo.
	coroutinesNotice = "After the replay, see where each version's body is paused, its line marked and its wait reason shown: with iter.Pull inside reply, with channels in receive. One function, paused in two places."

	coroutinesAbout = `A coroutine is a function that can **suspend** itself and be **resumed** later, keeping its local variables. Control passes back and forth: the caller sends a value in, the coroutine runs until its next pause and hands a value back.

The panel runs one body, Pokedex, in two ways, and they pause in different places:

- **iter.Pull** is not goroutine-free: the runtime gives the body a second goroutine, with its own stack. When the body hands a value out with yield (here, inside reply), that goroutine is parked and the runtime switches the thread straight back to the caller (runtime.coroswitch), without a wake-up through the scheduler's run queues. So the body is paused inside **reply**, and receive does not wait at all.
- **A goroutine and unbuffered channels**: the body is paused in **receive**, waiting for the next name on a channel, as Python's ` + "`name = (yield)`" + ` is. Each hand-off wakes the other goroutine: it is made runnable, queued, and scheduled again.

Where each is paused is not assumed: after each step the panel reads the runtime's goroutine dump (runtime.Stack), finds the body's goroutine in it, shows its wait reason and line, and marks that line in the code. Go has no way to read just one other goroutine's stack, so each look dumps them all and stops every goroutine while it does; the panel says what that took.

A panic shows the same difference. iter.Pull catches a panic of the body on the body's goroutine and raises it again in the caller, inside next, where the caller can recover it. The channel version's body panics on a goroutine of its own: nobody can recover it there, and the program crashes.

Either way the two take turns: the caller waits while the body runs, and the body waits while the caller runs. That is concurrency without parallelism. With iter.Pull the turns are exact, since one thread passes between them. With channels they come from the hand-offs and are looser: two goroutines can run at once, and just after a reply the body may still be on its way to its next receive while the caller goes on.

"Measure round trips" times Send: from the caller into the body and back, so two switches per round trip.`
)

const (
	roundTrips      = 1_000_000
	shownNameLength = 40 // longer names are shown trimmed
)

// The two kinds of coroutine, as the radio shows them, and their short names
// in the results and the code's legend.
var (
	coroutineKinds = []string{"iter.Pull (second goroutine, direct switch)", "goroutine + unbuffered channels"}
	kindNames      = []string{"iter.Pull", "channels"}
)

// The background of the line where each kind is paused.
var pausedHighlight = []color.Color{
	withAlpha(okabeOrange, 0x60),  // iter.Pull: orange
	withAlpha(okabeSkyBlue, 0x50), // channels: blue
}

// coroutinesView is the coroutines panel. The coroutine lives across runs;
// it is only touched from run goroutines, one at a time (runs guarantees it),
// never from the thread-locked Fyne goroutine.
type coroutinesView struct {
	runs      runs
	kind      *widget.RadioGroup
	name      *boundedEntry
	control   *widget.Label
	out       *console
	pauses    *fyne.Container // the paused lines of each kind, with their numbers
	primes    *widget.Label
	looking   *widget.Label // what reading the pauses cost
	pullCost  *costBar
	chanCost  *costBar
	costLabel *widget.Label
	trips     int // round trips per measurement
	claims    *claims
	demo      *Demo

	co        techniques.Coroutine // owned by run goroutines
	coKind    string               // the kind name of co
	primed    bool
	shownKind string             // the kind of coroutine the last step showed, "" if none; Fyne goroutine
	nextPrime func() (int, bool) // the lazy generator, pulled on run goroutines
	stopPrime func()
	pulled    []int // the primes pulled so far; run goroutines only
}

// stepResult is what a step measured on its run goroutine, for the Fyne
// goroutine to show.
type stepResult struct {
	kind   string                      // of the coroutine the buttons drive, "" if there is none
	lines  []stamped                   // stamped when each happened, on the run goroutine
	paused map[string]techniques.Pause // by kind name; only the kinds this step looked at
	errs   map[string]error            // why a kind's pause could not be read
	looks  map[string][]int            // per kind, Pause.Looks after each step of the replay
	dumps  []time.Duration             // Pause.Dumping of every look this step made
}

func coroutinesPanel() *Demo { return newCoroutinesView().demo }

func newCoroutinesView() *coroutinesView {
	v := &coroutinesView{
		name:      newBoundedEntry(maxName),
		control:   wrapped(""),
		out:       newConsole(),
		primes:    wrapped("Primes pulled so far: none."),
		looking:   wrapped(""),
		pullCost:  newCostBar(pausedHighlight[0]),
		chanCost:  newCostBar(pausedHighlight[1]),
		trips:     roundTrips,
		costLabel: wrapped("Times a million round trips of each kind in a worker goroutine. A round trip is one Send: from the caller into the coroutine and back, so two switches."),
		pauses:    container.NewGridWithColumns(2),
	}
	v.claims = newClaims(&v.runs, claim{
		Says:    "Coroutines give concurrency but not parallelism: the function and its caller take turns.",
		Pending: "Not measured yet: the replay (Run) looks, after each step, whether the body of each kind has paused while the caller runs.",
	})
	v.name.SetPlaceHolder("a name, e.g. Pikachu")
	v.name.OnSubmitted = func(string) { v.send(v.name.Text) }
	v.kind = widget.NewRadioGroup(coroutineKinds, func(string) { v.switchKind() })
	// One choice a line: side by side they made the panel wider than a projector's 1024 pixels.
	v.kind.SetSelected(coroutineKinds[0])
	v.out.decimals = 6 // the steps are microseconds apart
	v.setControl(false, stepResult{})

	prime := widget.NewButton("Prime", func() { v.prime() })
	send := widget.NewButton("Send", func() { v.send(v.name.Text) })
	send.Importance = widget.HighImportance
	closeBtn := widget.NewButton("Close", func() { v.close() })
	quick := container.NewHBox()
	for _, n := range []string{"Pikachu", "Charmander", "Squirtle"} {
		quick.Add(widget.NewButton(n, func() { v.send(n) }))
	}
	pull := widget.NewButton("Pull 10 more primes", func() { v.pullPrimes() })
	measure := widget.NewButton("Measure round trips", func() { v.measure() })
	v.runs.watch(func(c RunChange) {
		enable(!c.Busy, prime, send, closeBtn, pull, measure)
		if c.Busy { // a switch of kind must not race the step that uses the coroutine
			v.kind.Disable()
		} else {
			v.kind.Enable()
		}
	})

	legend := wrapped("Where each body is paused after the last step, by the runtime's goroutine dump: its line, then where its goroutine waits (coroutines.go, Code tab).")
	left := container.NewBorder(
		container.NewVBox(
			v.kind,
			container.NewBorder(nil, nil, prime, container.NewHBox(send, closeBtn), v.name),
			container.NewHBox(widget.NewLabel("Send:"), quick),
			v.control),
		// The paused lines scroll sideways in a narrow window, rather than
		// widen it past a projector's 1024 pixels.
		container.NewVBox(legend, container.NewHScroll(v.pauses)), nil, nil, v.out)
	costs := container.NewVBox(
		v.claims.Content, v.looking, widget.NewSeparator(),
		bold("The lazy generator"), v.primes, pull, widget.NewSeparator(),
		bold("The cost of a round trip (two switches)"), v.costLabel, measure,
		container.NewBorder(nil, nil, widget.NewLabel("iter.Pull"), nil, v.pullCost.box),
		container.NewBorder(nil, nil, widget.NewLabel("channels "), nil, v.chanCost.box))
	split := container.NewHSplit(left, container.NewVScroll(costs))
	split.Offset = 0.6
	v.demo = newDemo(split, &v.runs, v.replay, v.replayBlocking)
	return v
}

// kindName is the short name of the selected kind.
func (v *coroutinesView) kindName() string {
	if v.kind.Selected == coroutineKinds[1] {
		return kindNames[1]
	}
	return kindNames[0]
}

// codeLine returns the code of line n of coroutines.go, without its comment.
func codeLine(n int) string {
	src, err := techniques.Source("coroutines.go")
	if err != nil {
		return ""
	}
	lines := strings.Split(src, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	code, _, _ := strings.Cut(lines[n-1], " // ")
	return strings.TrimSpace(code)
}

// pausedRow is one paused line: its number and code on the kind's colour.
func pausedRow(kind int, line int) fyne.CanvasObject {
	bg := canvas.NewRectangle(pausedHighlight[kind])
	text := widget.NewLabelWithStyle(fmt.Sprintf("%4d  %s", line, codeLine(line)), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	return container.NewStack(bg, text)
}

// setControl says who has control, and where the runtime found the body paused.
func (v *coroutinesView) setControl(running bool, r stepResult) {
	switch {
	case running:
		v.control.SetText("Control: the coroutine is running.")
		return
	case r.kind == "":
		v.control.SetText("No coroutine yet: Prime starts one (Send primes it first if needed).")
		return
	}
	kind := r.kind
	p, ok := r.paused[kind]
	if !ok {
		msg := "Control: back with the caller."
		if err := r.errs[kind]; err != nil {
			msg += " Where the coroutine is paused could not be read: " + err.Error()
		}
		v.control.SetText(msg)
		return
	}
	where := "inside reply, in iter.Pull's yield"
	if kind == kindNames[1] {
		where = "in receive, waiting on the channel"
	}
	v.control.SetText(fmt.Sprintf("Control: back with the caller. The runtime shows the body's goroutine parked (%q) %s: coroutines.go line %d, %s — reached from %s line %d, %s",
		p.Wait, where, p.Switch.Line, codeLine(p.Switch.Line), p.Body.Func, p.Body.Line, codeLine(p.Body.Line)))
}

// showPauses shows the lines where each kind measured in this run is
// paused, and records them as the result paused_at.
func (v *coroutinesView) showPauses(r stepResult) {
	v.pauses.RemoveAll()
	if len(r.paused) == 0 {
		return
	}
	at := map[string]any{}
	for i, kind := range kindNames {
		p, ok := r.paused[kind]
		if !ok {
			continue
		}
		v.pauses.Add(container.NewVBox(
			widget.NewLabel(fmt.Sprintf("%s, parked as %q:", kind, p.Wait)),
			pausedRow(i, p.Body.Line),   // in the body
			pausedRow(i, p.Switch.Line), // where its goroutine waits
		))
		at[kind] = map[string]any{
			"file":            "coroutines.go",
			"line":            p.Switch.Line,
			"text":            codeLine(p.Switch.Line),
			"wait_reason":     p.Wait,
			"innermost_frame": p.Innermost,
			"body_func":       p.Body.Func,
			"body_line":       p.Body.Line,
			"body_text":       codeLine(p.Body.Line),
		}
	}
	v.runs.setResult("paused_at", at)
}

// newCoroutine makes v.co, of the kind selected when the step began; run goroutine.
func (v *coroutinesView) newCoroutine(kind string) {
	v.co, v.coKind, v.primed = newCoroutineOf(kind), kind, false
}

func newCoroutineOf(kind string) techniques.Coroutine {
	if kind == kindNames[1] {
		return techniques.NewChanCoroutine(techniques.Pokedex)
	}
	return techniques.NewPullCoroutine(techniques.Pokedex)
}

// switchKind closes the coroutine of the kind no longer selected. It never
// reads v.co, which a run goroutine may be writing: it asks for a step, and
// if none can start now, the next step does the switch (keepKind).
func (v *coroutinesView) switchKind() {
	if v.shownKind == "" {
		return // no coroutine to close
	}
	v.step(func(kind string) stepResult { return stepResult{lines: v.keepKind(kind)} })
}

// keepKind closes v.co if it is not of kind, as the user switched kinds
// since it was made; run goroutine.
func (v *coroutinesView) keepKind(kind string) []stamped {
	if v.co == nil || v.coKind == kind {
		return nil
	}
	v.co.Stop()
	v.co, v.coKind, v.primed = nil, "", false
	return []stamped{stamp(fmt.Sprintf("— switched to %s; the old coroutine is closed —", kind))}
}

// step runs f on a run goroutine — the only kind that touches v.co and
// v.primed, one at a time — and shows what it returns.
func (v *coroutinesView) step(f func(kind string) stepResult) error {
	kind := v.kindName()
	return v.runs.start(func() error {
		v.claims.reset()
		v.setControl(true, stepResult{})
		return nil
	}, func(ctx context.Context) error {
		r := f(kind)
		fyne.Do(func() { v.show(r) })
		return nil
	}, nil)
}

// resetClaims forgets the last verdict: a run's prepare.
func (v *coroutinesView) resetClaims() error {
	v.claims.reset()
	return nil
}

// show prints a step's lines and where the body is paused; Fyne goroutine.
func (v *coroutinesView) show(r stepResult) {
	v.shownKind = r.kind
	v.out.PrintStamped(r.lines)
	v.setControl(false, r)
	v.showPauses(r)
	v.showLooking(r)
	v.runs.setResult("transcript", strings.Split(strings.TrimSuffix(v.out.Text(), "\n"), "\n"))
	v.judge(r)
}

// pausedNow reads where the current coroutine is paused; run goroutine.
func (v *coroutinesView) pausedNow(lines []stamped) stepResult {
	r := stepResult{lines: lines, paused: map[string]techniques.Pause{}, errs: map[string]error{}}
	if v.co == nil {
		return r
	}
	r.kind = v.coKind
	if p, err := v.co.Paused(); err != nil {
		r.errs[r.kind] = err
	} else {
		r.paused[r.kind] = p
		r.dumps = append(r.dumps, p.Dumping)
	}
	return r
}

func (v *coroutinesView) prime() error {
	return v.step(func(kind string) stepResult {
		lines := v.keepKind(kind)
		if v.primed {
			return v.pausedNow(append(lines, stamp("(already primed: it is paused until the next name)")))
		}
		if v.co == nil {
			v.newCoroutine(kind)
		}
		lines = append(lines, stamp("caller → coroutine: prime (run to the first pause)"))
		out, err := v.co.Prime()
		v.primed = err == nil
		return v.pausedNow(append(lines, stamp(answer(out, err))))
	})
}

func (v *coroutinesView) send(name string) error {
	return v.step(func(kind string) stepResult {
		lines := v.keepKind(kind)
		if v.co == nil {
			v.newCoroutine(kind)
		}
		if !v.primed {
			lines = append(lines, stamp("(not primed yet: priming first)"), stamp("caller → coroutine: prime"))
			out, err := v.co.Prime()
			v.primed = err == nil
			lines = append(lines, stamp(answer(out, err)))
		}
		lines = append(lines, stamp(fmt.Sprintf("caller → coroutine: send(%s)", shownName(name))))
		out, err := v.co.Send(name)
		return v.pausedNow(append(lines, stamp(answer(out, err))))
	})
}

func (v *coroutinesView) close() error {
	return v.step(func(string) stepResult {
		if v.co == nil {
			return stepResult{lines: []stamped{stamp("(no coroutine to close)")}}
		}
		v.co.Stop()
		v.co, v.coKind, v.primed = nil, "", false
		return stepResult{lines: []stamped{stamp("caller: close — the coroutine has finished; the next Prime starts a new one")}}
	})
}

func answer(out string, err error) string {
	if err != nil {
		return "coroutine → caller: error: " + err.Error()
	}
	return fmt.Sprintf("coroutine → caller: %q", out)
}

// shownName quotes a name, trimmed if very long, and says how long it was.
func shownName(name string) string {
	r := []rune(name)
	if len(r) <= shownNameLength {
		return fmt.Sprintf("%q", name)
	}
	return fmt.Sprintf("%q… (%d characters)", string(r[:shownNameLength]), len(r))
}

// replay is the primary demo: the article's session, on a new coroutine.
func (v *coroutinesView) replay() error {
	return v.step(v.replayWork)
}

// replayWork plays the article's session on a new coroutine of the selected
// kind, which stays paused for the buttons; then the same session on the
// other kind, on a coroutine of its own, only to see where it pauses. Run
// goroutine (or a goroutine the Fyne goroutine waits for).
func (v *coroutinesView) replayWork(selected string) stepResult {
	if v.co != nil {
		v.co.Stop()
	}
	r := stepResult{kind: selected, paused: map[string]techniques.Pause{}, errs: map[string]error{}, looks: map[string][]int{}}
	for _, kind := range kindNames {
		co := newCoroutineOf(kind)
		lines, pauses, err := replaySession(co)
		if err != nil {
			r.errs[kind] = err
		} else {
			r.paused[kind] = pauses[len(pauses)-1]
			for _, p := range pauses {
				r.looks[kind] = append(r.looks[kind], p.Looks)
				r.dumps = append(r.dumps, p.Dumping)
			}
		}
		if kind != selected {
			co.Stop()
			continue
		}
		r.lines = lines
		v.co, v.coKind, v.primed = co, kind, true
	}
	return r
}

// replayBlocking is the blocking way: the Fyne goroutine waits while the
// session runs on another goroutine. Not on the Fyne goroutine itself: it is
// locked to the main OS thread, and an iter.Pull coroutine created there and
// resumed elsewhere makes the runtime abort the program.
func (v *coroutinesView) replayBlocking() error {
	kind := v.kindName()
	return v.runs.block(v.resetClaims, func(context.Context) error {
		done := make(chan stepResult)
		go func() { done <- v.replayWork(kind) }()
		v.show(<-done)
		return nil
	}, nil)
}

// replaySession primes co and sends it the article's two names, and reads
// where it is paused after each step.
func replaySession(co techniques.Coroutine) ([]stamped, []techniques.Pause, error) {
	var pauses []techniques.Pause
	var firstErr error
	look := func() {
		p, err := co.Paused()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		pauses = append(pauses, p)
	}
	lines := []stamped{stamp("caller → coroutine: prime")}
	out, err := co.Prime()
	lines = append(lines, stamp(answer(out, err)))
	look()
	for _, n := range []string{"Pikachu", "Squirtle"} {
		lines = append(lines, stamp(fmt.Sprintf("caller → coroutine: send(%q)", n)))
		out, err := co.Send(n)
		lines = append(lines, stamp(answer(out, err)))
		look()
	}
	return lines, pauses, firstErr
}

// judge gives the article's claim its verdict from the replay's looks.
func (v *coroutinesView) judge(r stepResult) {
	pull, ch := r.looks[kindNames[0]], r.looks[kindNames[1]]
	if len(pull) == 0 || len(ch) == 0 {
		return
	}
	late := func(looks []int) int {
		n := 0
		for _, l := range looks {
			if l > 1 {
				n++
			}
		}
		return n
	}
	lp, lc := late(pull), late(ch)
	switch {
	case lp == 0 && lc == 0:
		v.claims.judge(0, holds, fmt.Sprintf("After each of the %d steps, the caller had control and the body was already paused, with both kinds: iter.Pull's parked as %q, the channel one as %q. They took turns. With channels that is the hand-offs' doing: two goroutines could run at once.",
			len(pull), r.paused[kindNames[0]].Wait, r.paused[kindNames[1]].Wait))
	default:
		v.claims.judge(0, partly, fmt.Sprintf("The caller had control back but the body was not paused yet (still running or ready to run) in %d of %d looks with iter.Pull and %d of %d with channels: for that moment both sides were under way at once.",
			lp, len(pull), lc, len(ch)))
	}
}

func (v *coroutinesView) pullPrimes() error {
	return v.runs.start(v.resetClaims, func(context.Context) error {
		if v.nextPrime == nil {
			v.nextPrime, v.stopPrime = iter.Pull(techniques.Primes())
		}
		for range 10 {
			p, _ := v.nextPrime() // the generator computes one prime and pauses again
			v.pulled = append(v.pulled, p)
		}
		pulled := slices.Clone(v.pulled)
		shown := make([]string, len(pulled))
		for i, p := range pulled {
			shown[i] = fmt.Sprint(p)
		}
		text := strings.Join(shown, ", ")
		fyne.Do(func() {
			v.primes.SetText("Primes pulled so far: " + text)
			v.runs.setResult("primes_pulled", pulled)
		})
		return nil
	}, nil)
}

func (v *coroutinesView) measure() error {
	return v.runs.start(func() error {
		v.claims.reset()
		v.costLabel.SetText("Measuring…")
		return nil
	}, func(ctx context.Context) error {
		pull, ch, err := techniques.RoundTripCost(ctx, v.trips)
		fyne.Do(func() {
			if err != nil {
				v.costLabel.SetText("Measurement stopped: " + err.Error())
				return
			}
			worst := float64(max(pull, ch))
			v.pullCost.set(float64(pull)/worst, fmt.Sprintf("%d ns", pull.Nanoseconds()))
			v.chanCost.set(float64(ch)/worst, fmt.Sprintf("%d ns", ch.Nanoseconds()))
			v.costLabel.SetText(fmt.Sprintf("One round trip (two switches), averaged over %s: iter.Pull %d ns, goroutine + channels %d ns (%.1f× as long).",
				grouped(v.trips), pull.Nanoseconds(), ch.Nanoseconds(), float64(ch)/float64(pull)))
			v.runs.setResult("round_trips", v.trips)
			v.runs.setResult("round_trip_ns_iter_pull", float64(pull.Nanoseconds()))
			v.runs.setResult("round_trip_ns_channels", float64(ch.Nanoseconds()))
		})
		return nil
	}, nil)
}

// stop ends the coroutine and the generator; for tests, after Wait.
func (v *coroutinesView) stop() {
	if v.co != nil {
		v.co.Stop()
		v.co = nil
	}
	if v.stopPrime != nil {
		v.stopPrime()
		v.nextPrime, v.stopPrime, v.pulled = nil, nil, nil
	}
}

// showLooking says what reading where the body is paused cost this step,
// and records it as the result stack_dump_ms.
func (v *coroutinesView) showLooking(r stepResult) {
	if len(r.dumps) == 0 {
		v.looking.SetText("")
		return
	}
	least, most := slices.Min(r.dumps), slices.Max(r.dumps)
	span := sig3(most)
	if least != most {
		span = sig3(least) + " to " + sig3(most)
	}
	looks := "1 look"
	if len(r.dumps) > 1 {
		looks = fmt.Sprintf("%d looks", len(r.dumps))
	}
	text := fmt.Sprintf("Each look dumps every goroutine (runtime.Stack), and all of them, the window's too, wait meanwhile: %s per look (%s).", span, looks)
	if r.looks != nil {
		// Only the replay sends its next name right after a look; after a
		// click, the gap before the next send is the user's.
		text += " That, not the coroutine, is most of the gap between a reply and the next send in the transcript."
	}
	v.looking.SetText(text)
	dumps := make([]float64, len(r.dumps))
	for i, d := range r.dumps {
		dumps[i] = ms(d)
	}
	v.runs.setResult("stack_dump_ms", dumps)
}

// costBar shows one measured cost as a bar scaled to the largest, with its
// number on it. Until a measurement sets it, it shows no bar, only that
// nothing was measured.
type costBar struct {
	bar   *canvas.Rectangle
	text  *widget.Label
	ratio float32
	box   *fyne.Container
}

func newCostBar(fill color.Color) *costBar {
	b := &costBar{bar: canvas.NewRectangle(fill), text: widget.NewLabel("not measured yet")}
	b.bar.Hide()
	b.box = container.New(&costBarLayout{b}, b.bar, b.text)
	return b
}

// set shows the bar at ratio (0 to 1) of the full width, labelled text.
func (b *costBar) set(ratio float64, text string) {
	b.ratio = float32(min(max(ratio, 0), 1))
	b.text.SetText(text)
	b.bar.Show()
	b.box.Refresh()
}

// costBarLayout sizes the bar to its ratio of the width; the text spans it all.
type costBarLayout struct{ b *costBar }

func (l *costBarLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width*l.b.ratio, size.Height))
	objs[1].Move(fyne.NewPos(0, 0))
	objs[1].Resize(size)
}

func (l *costBarLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[1].MinSize() }

package views

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

// coroutinesIntro and coroutinesAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	coroutinesIntro = "A function that can pause in the middle, hand control back to its caller, and later resume where it stopped."

	coroutinesAbout = `A coroutine is a function that can **suspend** itself and be **resumed** later, keeping its local state. Control passes back and forth: the caller sends a value in, the coroutine runs until its next pause and hands a value back.

Coroutines give concurrency without parallelism: only one side runs at a time, and switching between them is cheap.`
)

const (
	switchRoundTrips = 1_000_000
	shownNameLength  = 40 // longer names are shown trimmed
)

var coroutineKinds = []string{"iter.Pull (the runtime's coroutine switch)", "goroutine + unbuffered channels"}

// coroutinesView is the coroutines panel. The coroutine lives across runs;
// it is only touched from run goroutines, one at a time (runs guarantees it),
// never from the thread-locked Fyne goroutine.
type coroutinesView struct {
	runs      runs
	kind      *widget.RadioGroup
	name      *widget.Entry
	control   *widget.Label
	out       *console
	primes    *widget.Label
	pullCost  *widget.ProgressBar
	chanCost  *widget.ProgressBar
	costLabel *widget.Label
	demo      *Demo

	co        techniques.Coroutine // owned by run goroutines
	primed    bool
	nextPrime func() (int, bool) // the lazy generator, pulled on run goroutines
	stopPrime func()
	pausedAt  int // the line of coroutines.go where the body pauses
}

func coroutinesPanel() *Demo { return newCoroutinesView().demo }

func newCoroutinesView() *coroutinesView {
	v := &coroutinesView{
		name:      widget.NewEntry(),
		control:   wrapped(""),
		out:       newConsole(),
		primes:    wrapped("Primes pulled so far: none."),
		pullCost:  widget.NewProgressBar(),
		chanCost:  widget.NewProgressBar(),
		costLabel: wrapped(fmt.Sprintf("Measure the cost of one round trip, from the caller into the coroutine and back, %d times over, in a worker goroutine.", switchRoundTrips)),
		pausedAt:  sourceLine("coroutines.go", "name, ok := receive()"),
	}
	v.name.SetPlaceHolder("a name, e.g. Pikachu")
	v.name.OnSubmitted = func(string) { v.send(v.name.Text) }
	v.kind = widget.NewRadioGroup(coroutineKinds, func(string) { v.reset() })
	v.kind.Horizontal = true
	v.kind.SetSelected(coroutineKinds[0])
	for _, b := range []*widget.ProgressBar{v.pullCost, v.chanCost} {
		b.TextFormatter = func() string { return "" }
	}
	v.setControl(false)

	prime := widget.NewButton("Prime", func() { v.prime() })
	send := widget.NewButton("Send", func() { v.send(v.name.Text) })
	send.Importance = widget.HighImportance
	closeBtn := widget.NewButton("Close", func() { v.close() })
	quick := container.NewHBox()
	for _, n := range []string{"Pikachu", "Charmander", "Squirtle"} {
		quick.Add(widget.NewButton(n, func() { v.send(n) }))
	}
	pull := widget.NewButton("Pull 10 more primes", func() { v.pullPrimes() })
	measure := widget.NewButton("Measure a switch", func() { v.measure() })
	v.runs.onBusy(func(busy bool) { enable(!busy, prime, send, closeBtn, pull, measure) })

	left := container.NewBorder(
		container.NewVBox(
			v.kind,
			container.NewBorder(nil, nil, prime, container.NewHBox(send, closeBtn), v.name),
			container.NewHBox(widget.NewLabel("Send:"), quick),
			v.control),
		nil, nil, nil, v.out)
	costs := container.NewVBox(
		bold("The lazy generator"), v.primes, pull, widget.NewSeparator(),
		bold("The cost of a switch"), v.costLabel, measure,
		container.NewBorder(nil, nil, widget.NewLabel("iter.Pull"), nil, v.pullCost),
		container.NewBorder(nil, nil, widget.NewLabel("channels "), nil, v.chanCost))
	split := container.NewHSplit(left, container.NewVScroll(costs))
	split.Offset = 0.6
	v.demo = newDemo(split, &v.runs, v.replay, v.replayBlocking)
	return v
}

// sourceLine finds the line number of text in a technique file, or 0.
func sourceLine(file, text string) int {
	src, err := techniques.Source(file)
	if err != nil {
		return 0
	}
	for i, line := range strings.Split(src, "\n") {
		if strings.Contains(line, text) {
			return i + 1
		}
	}
	return 0
}

func (v *coroutinesView) setControl(running bool) {
	switch {
	case running:
		v.control.SetText("Control: the coroutine is running.")
	case v.co == nil:
		v.control.SetText("No coroutine yet: Prime starts one (Send primes it first if needed).")
	default:
		v.control.SetText(fmt.Sprintf("Control: back with the caller. The coroutine is paused in Pokedex at coroutines.go line %d: name, ok := receive()", v.pausedAt))
	}
}

func (v *coroutinesView) newCoroutine() techniques.Coroutine {
	if v.kind.Selected == coroutineKinds[1] {
		return techniques.NewChanCoroutine(techniques.Pokedex)
	}
	return techniques.NewPullCoroutine(techniques.Pokedex)
}

// reset stops the current coroutine; the next Prime or Send starts a new one.
func (v *coroutinesView) reset() {
	if v.co == nil {
		return
	}
	v.out.Printf("— switched to %s; the old coroutine is closed —", v.kind.Selected)
	v.close()
}

// step runs f on a run goroutine — the only kind that touches v.co and
// v.primed, one at a time — and shows the lines it returns.
func (v *coroutinesView) step(f func() []string) error {
	v.setControl(true)
	return v.runs.start(func(ctx context.Context) error {
		lines := f()
		fyne.Do(func() {
			v.out.PrintLines(lines)
			v.setControl(false)
		})
		return nil
	}, nil)
}

func (v *coroutinesView) prime() error {
	return v.step(func() []string {
		if v.primed {
			return []string{"(already primed: it is paused, waiting for a name)"}
		}
		if v.co == nil {
			v.co = v.newCoroutine()
		}
		out, err := v.co.Prime()
		v.primed = err == nil
		return []string{"caller → coroutine: prime (run to the first pause)", answer(out, err)}
	})
}

func (v *coroutinesView) send(name string) error {
	return v.step(func() []string {
		var lines []string
		if v.co == nil {
			v.co = v.newCoroutine()
		}
		if !v.primed {
			out, err := v.co.Prime()
			v.primed = err == nil
			lines = append(lines, "(not primed yet: priming first)", "caller → coroutine: prime", answer(out, err))
		}
		out, err := v.co.Send(name)
		return append(lines, fmt.Sprintf("caller → coroutine: send(%s)", shownName(name)), answer(out, err))
	})
}

func (v *coroutinesView) close() error {
	return v.step(func() []string {
		if v.co == nil {
			return []string{"(no coroutine to close)"}
		}
		v.co.Stop()
		v.co, v.primed = nil, false
		return []string{"caller: close — the coroutine has finished; the next Prime starts a new one"}
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
	return v.step(func() []string {
		if v.co != nil {
			v.co.Stop()
		}
		v.co = v.newCoroutine()
		return replaySession(v.co, &v.primed)
	})
}

// replayBlocking does the same on the Fyne goroutine, with a coroutine of
// its own that it also stops there: an iter.Pull coroutine created on the
// thread-locked Fyne goroutine must never be resumed from another.
func (v *coroutinesView) replayBlocking() error {
	return v.runs.block(func(context.Context) error {
		co := v.newCoroutine()
		defer co.Stop()
		var primed bool
		v.out.PrintLines(replaySession(co, &primed))
		return nil
	}, nil)
}

func replaySession(co techniques.Coroutine, primed *bool) []string {
	out, err := co.Prime()
	*primed = err == nil
	lines := []string{"caller → coroutine: prime", answer(out, err)}
	for _, n := range []string{"Pikachu", "Squirtle"} {
		out, err := co.Send(n)
		lines = append(lines, fmt.Sprintf("caller → coroutine: send(%q)", n), answer(out, err))
	}
	return lines
}

func (v *coroutinesView) pullPrimes() error {
	shown := v.primes.Text
	return v.runs.start(func(context.Context) error {
		if v.nextPrime == nil {
			v.nextPrime, v.stopPrime = iter.Pull(techniques.Primes())
		}
		var got []string
		for range 10 {
			p, _ := v.nextPrime() // the generator computes one prime and pauses again
			got = append(got, fmt.Sprint(p))
		}
		text := strings.TrimSuffix(strings.TrimPrefix(shown, "Primes pulled so far: "), "none.")
		if text != "" {
			text += ", "
		}
		text += strings.Join(got, ", ")
		fyne.Do(func() { v.primes.SetText("Primes pulled so far: " + text) })
		return nil
	}, nil)
}

func (v *coroutinesView) measure() error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	v.costLabel.SetText("Measuring…")
	return v.runs.start(func(ctx context.Context) error {
		pull, ch, err := techniques.SwitchCost(ctx, switchRoundTrips)
		fyne.Do(func() {
			if err != nil {
				v.costLabel.SetText("Measurement stopped: " + err.Error())
				return
			}
			worst := float64(max(pull, ch))
			v.pullCost.SetValue(float64(pull) / worst)
			v.chanCost.SetValue(float64(ch) / worst)
			v.pullCost.TextFormatter = func() string { return fmt.Sprintf("%d ns", pull.Nanoseconds()) }
			v.chanCost.TextFormatter = func() string { return fmt.Sprintf("%d ns", ch.Nanoseconds()) }
			v.pullCost.Refresh()
			v.chanCost.Refresh()
			v.costLabel.SetText(fmt.Sprintf("One round trip over %d: iter.Pull %v, goroutine + channels %v (%.1f× slower).",
				switchRoundTrips, pull.Round(time.Nanosecond), ch.Round(time.Nanosecond), float64(ch)/float64(pull)))
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
		v.nextPrime, v.stopPrime = nil, nil
	}
}

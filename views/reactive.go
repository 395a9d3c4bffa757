package views

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/reactivex/rxgo/v2"

	"concurrencylab/assets"
	"concurrencylab/techniques"
)

// reactiveIntro and reactiveAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	reactiveIntro = "An observable pushes items to whoever subscribes — a file's lines, clicks, keystrokes — and, if the stream ends, says how: complete, or an error."

	// reactiveNotice is the guided lesson's "what to notice" line, shown above the demo.
	reactiveNotice = "Follow the lines down the marble lanes: source, map, filter (only lines over 60 characters pass), buffer (two at a time); the console ends with Completed, once, and nothing after it."

	reactiveAbout = `An **observable** is a stream of events over time. A subscriber gives three functions: one for each item (*next*), one for a failure (*error*) and one for the end (*complete*). At most one of the last two is called, and nothing comes after it.

**Cold and hot.** The file's lines are a *cold* observable: the stream is made by subscribing, so each subscriber opens the file and gets every line from the first. The clicks and keystrokes are *hot*: they come from the user whether anyone listens or not, and a subscriber gets those still to come, never a replay of earlier ones. (In rxgo, Defer makes the cold one and FromChannel the hot ones. FromChannel is not connectable: a second subscriber would share the clicks with the first, each click going to one of them, rather than get copies.) The article's own file observable, RxJS fromEvent on Node's readline, is hot: the file is read once, as soon as the reader is made, and a subscriber that comes late misses the lines before it.

**Operators** transform streams the way functions transform values. Here: map and filter on each line, buffer to group the lines by two, debounce to search only once you pause typing, and a burst counter for the clicks: a burst ends when 400 ms pass with no click, then its clicks are counted, so two quick clicks are a double click however they fall on the clock.

**Unsubscribe** cancels the stream's context, and every stage stops. In Rx an unsubscribed observer hears nothing more; this panel's Subscribe passes the cancel to its error function, so the console can say why the stream stopped.

**Backpressure**: when a producer is faster than its consumer, something gives. The producer waits (Block: nothing is lost), items are thrown away (Drop), or they pile up in a buffer, which only postpones the choice. rxgo v2.5.0 lets you pick a strategy only for an event source (FromEventSource, Interval). Its other stages hand items over channels, unbuffered unless you ask otherwise, so a slow subscriber makes the file reader above wait, as Block does. (Reactive Streams, RxJava's Flowable for one, adds a protocol: the consumer asks for n items at a time.)`
)

const (
	defaultLinePace = 200 * time.Millisecond
	maxMarbles      = 300 // per lane: older marbles are dropped when items come faster than the eye can follow
	typeAheadQuiet  = 300 * time.Millisecond
	clickGap        = 400 * time.Millisecond // a pause this long ends a burst of clicks
	clickQueue      = 64                     // unread clicks the click stream holds: more than anyone clicks before it reads them
)

var marbleStages = []string{techniques.StageSource, techniques.StageMap, techniques.StageFilter, techniques.StageBuffer}

// reactiveView is the reactive panel: a file's lines as an rxgo observable,
// drawn as marbles, and the UI's own events as streams.
type reactiveView struct {
	runs     runs
	streams  streams
	pace     *widget.Slider
	useMap   *widget.Check
	useFilt  *widget.Check
	useBuf   *widget.Check
	out      *console
	stats    *widget.Label
	marbles  *timeline
	search   *boundedEntry
	matches  *widget.Label
	clicks   *widget.Label
	pressure *widget.Label
	claims   *claims
	demo     *Demo

	// The UI's own events, as streams.
	typed  eventStream
	tapped eventStream
	bursts []int // the click bursts counted since the last run began, on the Fyne goroutine
}

// The claims of the article this panel's file read tests.
const (
	claimFileStream = iota
	claimSubscriber
)

func reactivePanel() *Demo { return newReactiveView().demo }

func newReactiveView() *reactiveView {
	v := &reactiveView{
		pace:     widget.NewSlider(0, 1000),
		useMap:   widget.NewCheck("map: upper-case", nil),
		useFilt:  widget.NewCheck(fmt.Sprintf("filter: longer than %d characters", techniques.FilterLength), nil),
		useBuf:   widget.NewCheck("buffer: by 2", nil),
		out:      newConsole(),
		stats:    wrapped(""),
		marbles:  newTimeline(),
		search:   newBoundedEntry(maxSearch),
		matches:  wrapped("Type to search foo.txt: each keystroke is an event; Debounce lets the latest through once you pause."),
		clicks:   wrapped(fmt.Sprintf("Click in quick bursts: a burst ends when %v pass with no click, then its clicks are counted (two is a double click). The clicks are a hot stream: the button makes them whether anyone listens or not.", clickGap)),
		pressure: wrapped("A producer sends 500 items as fast as it can to a consumer that takes 2 ms each (a simulated delay: it sleeps)."),
		typed:    eventStream{latest: true},
	}
	v.claims = newClaims(&v.runs,
		claim{
			Says:    "An observable can be made from a file stream, read line by line: each line is an event its observer reacts to.",
			Pending: "Measured by a read that reaches the end of the file: the lines the observable emitted against the lines in the file.",
		},
		claim{
			Says:    "Subscribing takes three functions: one called with each item, one with an error, and one when the stream completes, which in its example prints “Completed”.",
			Pending: "Measured by a read that ends (completes or fails): how often the subscriber's functions were called, and in what order.",
		})
	v.useMap.SetChecked(true)
	v.useFilt.SetChecked(true)
	v.useBuf.SetChecked(true)
	paceLabel := widget.NewLabel("")
	v.pace.Step = 50
	v.pace.OnChanged = func(ms float64) { paceLabel.SetText(fmt.Sprintf("Simulated pace: %.0f ms per line", ms)) }
	v.pace.SetValue(float64(defaultLinePace / time.Millisecond))
	v.marbles.Lanes = marbleStages
	v.marbles.Spans = make([][]span, len(marbleStages))
	v.search.SetPlaceHolder("search foo.txt, e.g. goroutine")
	v.search.OnChanged = v.typedKey

	read := widget.NewButton("Read foo.txt as a stream", func() { v.read(sampleOpener("foo.txt"), "foo.txt") })
	read.Importance = widget.HighImportance
	open := widget.NewButton("Open file…", v.openFile)
	unsubscribe := widget.NewButton("Unsubscribe", v.runs.Cancel)
	setRole(RoleExternal, open)
	setRole(RoleCancel, unsubscribe)
	unsubscribe.Disable()
	pressure := widget.NewButton("Block vs Drop", func() { v.backpressure() })
	click := widget.NewButton("Click me (fast!)", v.tap)
	v.runs.watch(func(c RunChange) { enable(!c.Busy, read, open, pressure); enable(c.Busy, unsubscribe) })

	left := container.NewBorder(
		container.NewVBox(
			container.NewHBox(read, open, unsubscribe),
			wrapped("The lines are a cold stream: each subscription opens the file and reads it from the first line."),
			container.NewHBox(v.useMap, v.useFilt, v.useBuf),
			container.NewBorder(nil, nil, paceLabel, nil, v.pace),
			v.stats),
		nil, nil, nil,
		container.NewVSplit(container.NewVScroll(v.marbles), v.out))
	right := container.NewVScroll(container.NewVBox(
		v.claims.Content, widget.NewSeparator(),
		bold("Type-ahead: keystrokes, then Debounce, then search"), v.search, v.matches, widget.NewSeparator(),
		bold(fmt.Sprintf("Clicks, grouped into bursts by a %v pause, then counted", clickGap)), click, v.clicks, widget.NewSeparator(),
		bold("Backpressure"), pressure, v.pressure))
	split := container.NewHSplit(left, right)
	split.Offset = 0.64
	v.demo = newDemo(split, &v.runs,
		func() error { return v.read(sampleOpener("foo.txt"), "foo.txt") },
		func() error { return v.readBlocking(sampleOpener("foo.txt"), "foo.txt") })
	v.demo.streams = &v.streams
	return v
}

func sampleOpener(name string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return assets.Samples().Open(name) }
}

func (v *reactiveView) config() techniques.PipelineConfig {
	cfg := techniques.PipelineConfig{Map: v.useMap.Checked, Filter: v.useFilt.Checked}
	if v.useBuf.Checked {
		cfg.Buffer = 2
	}
	return cfg
}

// operators names the operators cfg selects, as the check boxes do.
func (v *reactiveView) operators(cfg techniques.PipelineConfig) []string {
	names := []string{}
	for _, c := range []struct {
		on    bool
		check *widget.Check
	}{{cfg.Map, v.useMap}, {cfg.Filter, v.useFilt}, {cfg.Buffer > 0, v.useBuf}} {
		if c.on {
			names = append(names, c.check.Text)
		}
	}
	return names
}

// lastStage is the stage whose items reach the subscriber.
func lastStage(cfg techniques.PipelineConfig) string {
	switch {
	case cfg.Buffer > 0:
		return techniques.StageBuffer
	case cfg.Filter:
		return techniques.StageFilter
	case cfg.Map:
		return techniques.StageMap
	}
	return techniques.StageSource
}

func (v *reactiveView) linePace() time.Duration {
	return time.Duration(v.pace.Value) * time.Millisecond
}

// addMarble adds one marble to a lane, thinning the oldest when there are too many.
func addMarble(lanes [][]span, stage string, at time.Duration) {
	for i, s := range marbleStages {
		if s == stage {
			lanes[i] = append(lanes[i], span{From: at, To: at, Color: chartColors[i]})
			if len(lanes[i]) > maxMarbles {
				lanes[i] = lanes[i][len(lanes[i])-maxMarbles:]
			}
		}
	}
}

// itemText formats what a subscriber receives: a line, or a buffer of lines.
func itemText(v any) string {
	if batch, ok := v.([]any); ok {
		parts := make([]string, len(batch))
		for i, b := range batch {
			parts[i] = fmt.Sprint(b)
		}
		return fmt.Sprintf("next: [%s]", strings.Join(parts, " | "))
	}
	return fmt.Sprintf("next: %v", v)
}

// read subscribes to the file's lines through the selected operators. The
// subscriber's three functions run on the run's goroutine and hand what they
// see to the UI in batches.
func (v *reactiveView) read(open func() (io.ReadCloser, error), name string) error {
	cfg, pace := v.config(), v.linePace()
	var m techniques.SubscriptionCount
	var elapsed time.Duration
	return v.runs.start(func() error {
		v.startRun()
		v.out.Clear()
		v.out.Printf("subscribe to the lines of %s", name)
		v.stats.SetText("")
		v.marbles.Spans = make([][]span, len(marbleStages))
		v.marbles.Total = 0
		v.marbles.Refresh()
		return nil
	}, func(ctx context.Context) error {
		start := time.Now()
		// The tap runs on rxgo's goroutines, flush on this one: mu guards what both touch.
		var mu sync.Mutex
		lanes := make([][]span, len(marbleStages))
		var lines int
		var pending []stamped // stamped as next sees them, shown in batches
		var ui pacer
		flush := func(final string, isErr bool) {
			batch := pending
			pending = nil
			if final != "" && !isErr {
				batch = append(batch, stamp(final))
			}
			mu.Lock()
			snapshot := cloneLanes(lanes)
			stats := fmt.Sprintf("%d lines emitted, %.0f lines/s", lines, float64(lines)/time.Since(start).Seconds())
			mu.Unlock()
			fyne.Do(func() {
				v.out.PrintStamped(batch)
				if final != "" && isErr {
					v.out.Errorf("%s", final)
				}
				v.stats.SetText(stats)
				v.marbles.Spans = snapshot
				v.marbles.Refresh()
			})
		}
		var result error
		m = techniques.SubscribeCounted(ctx, open, cfg, pace,
			func(stage string) {
				mu.Lock()
				defer mu.Unlock()
				if stage == techniques.StageSource {
					lines++
				}
				addMarble(lanes, stage, time.Since(start))
			},
			func(item any) {
				pending = append(pending, stamp(itemText(item)))
				if ui.due() {
					flush("", false)
				}
			},
			func(err error) {
				result = err
				if errors.Is(err, context.Canceled) {
					flush("cancelled: unsubscribed", true)
					return
				}
				flush("error: "+err.Error(), true)
			},
			func() { flush("Completed", false) })
		elapsed = time.Since(start)
		return result
	}, func(error) { v.showRead(name, cfg, pace, m, elapsed) })
}

// readBlocking consumes the same observable inside the click handler.
func (v *reactiveView) readBlocking(open func() (io.ReadCloser, error), name string) error {
	cfg, pace := v.config(), v.linePace()
	var m techniques.SubscriptionCount
	var elapsed time.Duration
	return v.runs.block(func() error {
		v.startRun()
		v.out.Clear()
		v.stats.SetText("")
		return nil
	}, func(ctx context.Context) error {
		start := time.Now()
		// Each line is stamped when it happened; none can be drawn before the end.
		lines := []stamped{stamp(fmt.Sprintf("subscribe to the lines of %s on the UI goroutine: nothing can be drawn until the stream ends", name))}
		var mu sync.Mutex // the tap runs on rxgo's goroutines
		lanes := make([][]span, len(marbleStages))
		var result error
		m = techniques.SubscribeCounted(ctx, open, cfg, pace,
			func(stage string) {
				mu.Lock()
				defer mu.Unlock()
				addMarble(lanes, stage, time.Since(start))
			},
			func(item any) { lines = append(lines, stamp(itemText(item))) },
			func(err error) { result = err },
			func() { lines = append(lines, stamp("Completed")) })
		elapsed = time.Since(start)
		v.out.PrintStamped(lines)
		if result != nil {
			v.out.Errorf("error: %v", result)
		}
		mu.Lock()
		v.marbles.Spans = lanes
		mu.Unlock()
		v.marbles.Total = 0
		v.marbles.Refresh()
		return result
	}, func(error) { v.showRead(name, cfg, pace, m, elapsed) })
}

// startRun forgets what the last run showed beyond the console.
func (v *reactiveView) startRun() {
	v.claims.reset()
	v.bursts = nil
}

// showRead records what a read measured, as the panel shows it, and judges
// the article's claims by it. It runs on the Fyne goroutine once the read
// has ended, so m is no longer written.
func (v *reactiveView) showRead(name string, cfg techniques.PipelineConfig, pace time.Duration, m techniques.SubscriptionCount, elapsed time.Duration) {
	emitted, last, delivered := m.Stages[techniques.StageSource], lastStage(cfg), m.Nexts
	v.runs.setResult("file", name)
	v.runs.setResult("operators", v.operators(cfg))
	v.runs.setResult("pace_ms_per_line", float64(pace)/float64(time.Millisecond))
	v.runs.setResult("lines_emitted", emitted)
	v.runs.setResult("items_out_of_last_operator", m.Stages[last])
	v.runs.setResult("items_delivered", delivered)
	v.runs.setResult("complete_calls", m.Completes)
	v.runs.setResult("error_calls", m.Errs)
	v.runs.setResult("completed", m.Completes > 0)
	unsubscribed := errors.Is(m.Err, context.Canceled)
	v.runs.setResult("unsubscribed", unsubscribed)
	if m.Err != nil && !unsubscribed {
		v.runs.setResult("error", m.Err.Error())
	}
	v.runs.setResult("elapsed_ms", float64(elapsed)/float64(time.Millisecond))
	if elapsed > 0 {
		v.runs.setResult("lines_per_second", float64(emitted)/elapsed.Seconds())
	}
	v.runs.setResult("transcript", strings.Split(strings.TrimSuffix(v.out.Text(), "\n"), "\n"))
	if m.Completes > 0 && m.Opened {
		// Only a read that reached the end knows how many lines the file has.
		v.runs.setResult("lines_in_file", m.FileLines)
		v.runs.setResult("bytes_in_file", m.FileBytes)
		v.stats.SetText(fmt.Sprintf("%d lines emitted; the file has %d lines (%d bytes)", emitted, m.FileLines, m.FileBytes))
		because := fmt.Sprintf("Of %s, the observable emitted %d lines, and the file has %d (counted from its newlines as it was read).", name, emitted, m.FileLines)
		if int64(emitted) == m.FileLines {
			v.claims.judge(claimFileStream, holds, because)
		} else {
			v.claims.judge(claimFileStream, wrong, because)
		}
	}
	if unsubscribed {
		return // cancelled by the user: neither Rx's complete nor its error
	}
	calls := fmt.Sprintf("%d items came out of the last operator (%s) and next was called %s; then complete was called %s and error %s, and next %s after them.",
		m.Stages[last], last, times(m.Nexts), times(m.Completes), times(m.Errs), times(m.LateNexts))
	ends := m.Errs+m.Completes == 1
	switch {
	case m.Nexts == m.Stages[last] && ends && m.LateNexts == 0:
		v.claims.judge(claimSubscriber, holds, calls)
	default:
		v.claims.judge(claimSubscriber, wrong, calls)
	}
}

// times says how many times something was called, in words for 0 to 2.
func times(n int) string {
	switch n {
	case 0:
		return "never"
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func cloneLanes(lanes [][]span) [][]span {
	out := make([][]span, len(lanes))
	for i := range lanes {
		out[i] = append([]span(nil), lanes[i]...)
	}
	return out
}

// openFile lets the user pick a file and streams its lines.
func (v *reactiveView) openFile() {
	pickFile(v.demo.Content, v.out, func(path string) {
		v.read(func() (io.ReadCloser, error) { return os.Open(path) }, path)
	})
}

// eventStream feeds the UI's events (keystrokes, clicks) to a pipeline
// that runs as one of the panel's streams. Use it on the Fyne goroutine.
type eventStream struct {
	in     chan string
	ctx    context.Context
	latest bool // keep only the newest unread event (typing: only the latest text matters)
}

// send hands text to the pipeline, first starting it with run if it is not
// running (never yet, or cancelled since). It never blocks. If latest is
// set, the channel is a mailbox of one and an unread older event is
// replaced by the newer one; otherwise it queues up to clickQueue events.
func (e *eventStream) send(s *streams, text string, run func(ctx context.Context, cancel context.CancelFunc, in <-chan string)) {
	if e.ctx == nil || e.ctx.Err() != nil {
		e.in = make(chan string, clickQueue)
		if e.latest {
			e.in = make(chan string, 1)
		}
		in := e.in
		e.ctx = s.context()
		s.Go(func(ctx context.Context) {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			run(ctx, cancel, in)
		})
	}
	if e.latest {
		select {
		case <-e.in:
		default:
		}
	}
	select {
	case e.in <- text:
	default: // the queue is full: the pipeline is far behind, and this event is lost
	}
}

// typedKey feeds a keystroke to the type-ahead stream.
func (v *reactiveView) typedKey(text string) {
	v.typed.send(&v.streams, text, func(ctx context.Context, cancel context.CancelFunc, in <-chan string) {
		content, _ := techniques.ReadFileSync(ctx, assets.Samples(), "foo.txt", 0)
		techniques.Subscribe(ctx, cancel, techniques.Debounced(ctx, techniques.Events(ctx, in), typeAheadQuiet),
			func(item any) {
				q := strings.ToLower(strings.TrimSpace(item.(string)))
				var found []string
				for _, line := range strings.Split(strings.TrimSpace(content), "\n") {
					if q != "" && strings.Contains(strings.ToLower(line), q) {
						found = append(found, line)
					}
				}
				noun := "lines"
				if len(found) == 1 {
					noun = "line"
				}
				text := fmt.Sprintf("After a %v pause, searched %s: %d matching %s.\n%s", typeAheadQuiet, shownName(q), len(found), noun, strings.Join(found, "\n"))
				v.streams.do(func() { v.matches.SetText(text) })
			}, func(error) {}, func() {})
	})
}

// burstText says what a burst of n clicks was.
func burstText(n int) string {
	if n == 1 {
		return fmt.Sprintf("1 click, then %v with no other: a single click.", clickGap)
	}
	what := map[int]string{2: "a double click!", 3: "a triple click!"}[n]
	if what == "" {
		what = fmt.Sprintf("a burst of %d.", n)
	}
	return fmt.Sprintf("%d clicks, each within %v of the one before: %s", n, clickGap, what)
}

// tap feeds a click to the click stream.
func (v *reactiveView) tap() {
	v.tapped.send(&v.streams, "click", func(ctx context.Context, cancel context.CancelFunc, in <-chan string) {
		techniques.Subscribe(ctx, cancel, techniques.Bursts(ctx, techniques.Events(ctx, in), clickGap),
			func(item any) {
				n := item.(int)
				v.streams.do(func() {
					v.clicks.SetText(burstText(n))
					v.bursts = append(v.bursts, n)
					v.runs.setResult("click_bursts", slices.Clone(v.bursts))
				})
			}, func(error) {}, func() {})
	})
}

func (v *reactiveView) backpressure() error {
	var rows []map[string]any
	return v.runs.start(func() error {
		v.startRun()
		v.pressure.SetText("Running Block, then Drop…")
		return nil
	}, func(ctx context.Context) error {
		var lines []string
		for _, s := range []struct {
			name     string
			strategy rxgo.BackpressureStrategy
		}{{"Block", rxgo.Block}, {"Drop", rxgo.Drop}} {
			start := time.Now()
			p, d, err := techniques.Backpressure(ctx, s.strategy, 500, 2*time.Millisecond)
			if err != nil {
				return err
			}
			took := time.Since(start)
			lines = append(lines, fmt.Sprintf("%s: produced %d, delivered %d, dropped %d, in %s", s.name, p, d, p-d, sig3(took)))
			rows = append(rows, map[string]any{"strategy": s.name, "produced": p, "delivered": d, "dropped": p - d, "elapsed_ms": float64(took) / float64(time.Millisecond)})
		}
		text := strings.Join(lines, "\n")
		fyne.Do(func() { v.pressure.SetText(text) })
		return nil
	}, func(err error) {
		if errors.Is(err, context.Canceled) {
			v.pressure.SetText("Cancelled before both strategies had run.")
			return
		}
		if err != nil {
			v.pressure.SetText("Stopped: " + err.Error())
			return
		}
		v.runs.setResult("backpressure", rows)
	})
}

package views

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
	reactiveIntro = "An observable pushes items to its subscribers — lines of a file, clicks, keystrokes — then says it is complete."

	reactiveAbout = `An **observable** is a stream of events over time. A subscriber gives three functions: one for each item (*next*), one for a failure (*error*) and one for the end (*complete*).

Operators transform streams the way functions transform values: map, filter, buffer, debounce, take. The same pipeline works for a file's lines, a network socket or the user's clicks.`
)

const (
	defaultLinePace = 200 * time.Millisecond
	maxMarbles      = 300 // per lane: older marbles are dropped when items come faster than the eye can follow
	typeAheadQuiet  = 300 * time.Millisecond
	clickWindow     = 400 * time.Millisecond
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
	search   *widget.Entry
	matches  *widget.Label
	clicks   *widget.Label
	pressure *widget.Label
	demo     *Demo

	// The UI's own events, as streams.
	typed  eventStream
	tapped eventStream
}

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
		search:   widget.NewEntry(),
		matches:  wrapped("Type to search foo.txt: each keystroke is an event; Debounce lets one through when you pause."),
		clicks:   wrapped(fmt.Sprintf("Clicks are buffered by %v windows: a fast pair is a double click.", clickWindow)),
		pressure: wrapped("A producer sends 500 items as fast as it can to a consumer that takes 2 ms each."),
	}
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
	v.clicks.Wrapping = fyne.TextWrapWord

	read := widget.NewButton("Read foo.txt as a stream", func() { v.read(sampleOpener("foo.txt"), "foo.txt") })
	read.Importance = widget.HighImportance
	open := widget.NewButton("Open file…", v.openFile)
	unsubscribe := widget.NewButton("Unsubscribe", v.runs.Cancel)
	unsubscribe.Disable()
	pressure := widget.NewButton("Block vs Drop", func() { v.backpressure() })
	click := widget.NewButton("Click me (fast!)", v.tap)
	v.runs.onBusy(func(busy bool) { enable(!busy, read, open, pressure); enable(busy, unsubscribe) })

	left := container.NewBorder(
		container.NewVBox(
			container.NewHBox(read, open, unsubscribe),
			container.NewHBox(v.useMap, v.useFilt, v.useBuf),
			container.NewBorder(nil, nil, paceLabel, nil, v.pace),
			v.stats),
		nil, nil, nil,
		container.NewVSplit(container.NewVScroll(v.marbles), v.out))
	right := container.NewVScroll(container.NewVBox(
		bold("Type-ahead: keystrokes, then Debounce, then filter"), v.search, v.matches, widget.NewSeparator(),
		bold("Clicks, then BufferWithTime, then count"), click, v.clicks, widget.NewSeparator(),
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
	if err := v.runs.refused(); err != nil {
		return err
	}
	cfg, pace := v.config(), v.linePace()
	v.out.Clear()
	v.out.Printf("subscribe to the lines of %s", name)
	v.marbles.Spans = make([][]span, len(marbleStages))
	v.marbles.Total = 0
	v.marbles.Refresh()
	return v.runs.start(func(ctx context.Context) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		start := time.Now()
		// The tap runs on rxgo's goroutines, flush on this one: mu guards what both touch.
		var mu sync.Mutex
		lanes := make([][]span, len(marbleStages))
		var lines, bytes int
		var pending []string
		var ui pacer
		flush := func(final string, isErr bool) {
			batch := pending
			pending = nil
			mu.Lock()
			snapshot := cloneLanes(lanes)
			stats := fmt.Sprintf("%d lines, %d bytes, %.0f lines/s", lines, bytes, float64(lines)/time.Since(start).Seconds())
			mu.Unlock()
			fyne.Do(func() {
				v.out.PrintLines(batch)
				if final != "" {
					if isErr {
						v.out.Errorf("%s", final)
					} else {
						v.out.Printf("%s", final)
					}
				}
				v.stats.SetText(stats)
				v.marbles.Spans = snapshot
				v.marbles.Refresh()
			})
		}
		obs := techniques.Pipeline(ctx, techniques.Lines(ctx, open, pace), cfg, func(stage string, item any) {
			mu.Lock()
			defer mu.Unlock()
			if stage == techniques.StageSource {
				lines++
				bytes += len(item.(string)) + 1
			}
			addMarble(lanes, stage, time.Since(start))
		})
		var result error
		techniques.Subscribe(ctx, cancel, obs,
			func(item any) {
				pending = append(pending, itemText(item))
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
		return result
	}, nil)
}

// readBlocking consumes the same observable inside the click handler.
func (v *reactiveView) readBlocking(open func() (io.ReadCloser, error), name string) error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	cfg, pace := v.config(), v.linePace()
	v.out.Clear()
	return v.runs.block(func(ctx context.Context) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var lines []string
		var result error
		techniques.Subscribe(ctx, cancel, techniques.Pipeline(ctx, techniques.Lines(ctx, open, pace), cfg, func(string, any) {}),
			func(item any) { lines = append(lines, itemText(item)) },
			func(err error) { result = err },
			func() { lines = append(lines, "Completed") })
		v.out.Printf("subscribed to %s on the UI goroutine: nothing could be drawn until it completed", name)
		v.out.PrintLines(lines)
		if result != nil {
			v.out.Errorf("error: %v", result)
		}
		return result
	}, nil)
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
	in  chan string
	ctx context.Context
}

// send hands text to the pipeline, first starting it with run if it is not
// running (never yet, or cancelled since). It never blocks: the channel is a
// mailbox of one, and an unread older event is replaced by the newer one.
func (e *eventStream) send(s *streams, text string, run func(ctx context.Context, cancel context.CancelFunc, in <-chan string)) {
	if e.ctx == nil || e.ctx.Err() != nil {
		e.in = make(chan string, 1)
		in := e.in
		e.ctx = s.context()
		s.Go(func(ctx context.Context) {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			run(ctx, cancel, in)
		})
	}
	select {
	case <-e.in:
	default:
	}
	e.in <- text
}

// typedKey feeds a keystroke to the type-ahead stream.
func (v *reactiveView) typedKey(text string) {
	v.typed.send(&v.streams, text, func(ctx context.Context, cancel context.CancelFunc, in <-chan string) {
		content, _ := techniques.ReadFileSync(ctx, assets.Samples(), "foo.txt", 0)
		techniques.Subscribe(ctx, cancel, techniques.Debounced(ctx, in, typeAheadQuiet),
			func(item any) {
				q := strings.ToLower(strings.TrimSpace(item.(string)))
				var found []string
				for _, line := range strings.Split(strings.TrimSpace(content), "\n") {
					if q != "" && strings.Contains(strings.ToLower(line), q) {
						found = append(found, line)
					}
				}
				text := fmt.Sprintf("After a %v pause, searched %s: %d matching lines.\n%s", typeAheadQuiet, shownName(q), len(found), strings.Join(found, "\n"))
				v.streams.do(func() { v.matches.SetText(text) })
			}, func(error) {}, func() {})
	})
}

// tap feeds a click to the click stream.
func (v *reactiveView) tap() {
	v.tapped.send(&v.streams, "click", func(ctx context.Context, cancel context.CancelFunc, in <-chan string) {
		techniques.Subscribe(ctx, cancel, techniques.Bursts(ctx, in, clickWindow),
			func(item any) {
				n := item.(int)
				what := map[int]string{1: "a single click", 2: "a double click!", 3: "a triple click!"}[n]
				if what == "" {
					what = fmt.Sprintf("%d clicks in a burst", n)
				}
				v.streams.do(func() { v.clicks.SetText(fmt.Sprintf("%d clicks within %v: %s", n, clickWindow, what)) })
			}, func(error) {}, func() {})
	})
}

func (v *reactiveView) backpressure() error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	v.pressure.SetText("Running Block, then Drop…")
	return v.runs.start(func(ctx context.Context) error {
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
			lines = append(lines, fmt.Sprintf("%s: produced %d, delivered %d, dropped %d, in %v", s.name, p, d, p-d, time.Since(start).Round(time.Millisecond)))
		}
		text := strings.Join(lines, "\n")
		fyne.Do(func() { v.pressure.SetText(text) })
		return nil
	}, nil)
}

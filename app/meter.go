package app

import (
	"context"
	"fmt"
	"image/color"
	"runtime"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/views"
)

const (
	probeEvery   = 10 * time.Millisecond  // how often the probe goroutine raises a probe while a run is in flight
	meterRefresh = 100 * time.Millisecond // the meter's widgets change at most this often while a run is in flight
	idleRefresh  = 5 * time.Second        // and this often while none is, unless it froze: without a GPU a redraw costs real CPU
	meterSpan    = 5 * time.Second        // "worst" looks back this far
	warmUp       = time.Second            // an idle window's probes count from this long after it opens
	firstFigure  = 2 * time.Second        // and are first shown this long after, unless a stall
	afterRedraw  = 2                      // an idle window's probes answered in this many reads of input after the meter's redraw are not counted
	sparkBars    = 50
	selfRedraw   = 2 * frame // a probe answered right after the meter's own redraw, and sooner than this, is not counted
)

var (
	meterGreen = color.NRGBA{R: 0x43, G: 0xa0, B: 0x47, A: 0xff}
	meterAmber = color.NRGBA{R: 0xff, G: 0xa0, B: 0x00, A: 0xff}
	meterRed   = color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0xff}
)

func latencyColor(d time.Duration) color.Color {
	switch {
	case d < nextPoll:
		return meterGreen
	case d < notResponse:
		return meterAmber
	default:
		return meterRed
	}
}

// meter is the status bar's responsiveness meter. It pings the window the
// way a desktop does ("are you still responding?"): during a run a probe
// goroutine raises a flag every probeEvery, and the flag is answered the
// next time Fyne's event loop reads input — the moment a click or a key
// would be handled. How long that took is the latency. Only one probe is
// outstanding at a time, so a frozen window shows up as one very late
// probe — measured, and drawn once the window thaws.
//
// While no run is in flight, the probe is raised each time the loop reads
// input instead, so it waits a whole turn of the loop, the longest a click
// could: an idle freeze is still measured whole, and no goroutine wakes.
//
// The answer does not come from a function posted with fyne.Do: Fyne's loop
// chooses at random between reading input (then painting) and running posted
// functions, so while frames are being drawn back to back a posted function
// can wait several frames that the window spent reading input and painting.
// That is a delay in showing results, not a window that is not listening.
type meter struct {
	pending atomic.Int64  // unix nanoseconds when the outstanding probe was sent; 0 if none
	fast    atomic.Bool   // a run is in flight: the probe goroutine probes
	wake    chan struct{} // tells the probe goroutine that a run started

	lat         latencies
	sinceRun    time.Duration // the worst latency since a run last began
	running     bool          // a run is in flight
	lastRefresh time.Time
	opened      time.Time // when listen began: the window had opened
	redrew      bool      // the meter changed its widgets at the last poll, so the frame painted since has its redraw in it
	uncounted   int       // how many more idle probes are not counted after the meter's redraw

	dot        *canvas.Circle
	text       *widget.Label
	stall      *widget.Label
	goroutines *widget.Label
	bars       []*canvas.Rectangle
	heights    []float32 // each bar's fraction of the sparkline's height
	spark      *fyne.Container
	Content    fyne.CanvasObject
}

func newMeter() *meter {
	m := &meter{
		lat:  latencies{span: meterSpan},
		wake: make(chan struct{}, 1),
		dot:  canvas.NewCircle(meterGreen),
		// As wide as the figures that replace them (monospace, fixed-width
		// numbers): a label that changes width makes Fyne lay the whole
		// window out again, a freeze of its own without a GPU.
		text:       widget.NewLabel(fmt.Sprintf("UI %6s · worst %6s", "—", "—")),
		stall:      widget.NewLabel(""),
		goroutines: widget.NewLabel(fmt.Sprintf("%7s goroutines", "—")),
	}
	m.text.TextStyle.Monospace = true
	m.goroutines.TextStyle.Monospace = true
	m.stall.Importance = widget.DangerImportance
	m.heights = make([]float32, sparkBars)
	var objs []fyne.CanvasObject
	for range sparkBars {
		r := canvas.NewRectangle(meterGreen)
		m.bars = append(m.bars, r)
		objs = append(objs, r)
	}
	m.spark = container.New(&sparkLayout{m.heights}, objs...)
	sparkBox := container.NewStack(canvas.NewRectangle(color.NRGBA{A: 0x20}), m.spark)
	m.Content = container.NewHBox(
		m.stall,
		container.NewCenter(views.Sized(12, 12, m.dot)),
		m.text,
		container.NewCenter(views.Sized(sparkBars*3, 22, sparkBox)), // grown with the zoom
		m.goroutines,
	)
	m.dot.Resize(fyne.NewSize(12, 12))
	return m
}

// busy tells the meter that a run started or ended: a start starts the
// count of sinceRun. Call it on the Fyne goroutine.
func (m *meter) busy(b bool) {
	if b {
		m.sinceRun = 0
		// A blocking run freezes the window right after this: the probe
		// raised now measures all of it. It ends before the probe is
		// answered, so nothing that drops an idle probe may drop it.
		m.pending.CompareAndSwap(0, time.Now().UnixNano())
		m.opened, m.uncounted = time.Time{}, 0
	}
	if !b && m.running {
		m.lastRefresh = time.Time{} // show how the run ended at the next probe
	}
	m.running = b
	m.fast.Store(b)
	if b {
		select {
		case m.wake <- struct{}{}:
		default: // already told
		}
	}
}

// probe raises a probe every probeEvery while a run is in flight, if the
// last one was answered, until ctx is cancelled; between runs it sleeps.
// Run it on its own goroutine.
func (m *meter) probe(ctx context.Context) {
	tick := time.NewTicker(probeEvery)
	defer tick.Stop()
	for {
		if !m.fast.Load() {
			tick.Stop()
			select {
			case <-ctx.Done():
				return
			case <-m.wake:
			}
			tick.Reset(probeEvery)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		m.pending.CompareAndSwap(0, time.Now().UnixNano())
	}
}

// listen answers the probes from now on: Fyne ticks its animations right
// after each time its event loop has read input, so an animation that never
// ends and draws nothing is told of every read. Call it on the Fyne goroutine.
func (m *meter) listen() {
	m.opened = time.Now()
	// The window's first frames are it being built and laid out, and the
	// process's start-up goroutines ending: shown at once, those figures
	// would change again five seconds later, a redraw of the whole window
	// each time. The idle meter waits for the window to settle.
	m.lastRefresh = m.opened.Add(firstFigure - idleRefresh)
	a := &fyne.Animation{Duration: time.Hour, RepeatCount: fyne.AnimationRepeatForever,
		Tick: func(float32) { m.polled(time.Now()) }}
	a.Start()
}

// polled answers the outstanding probe, if any, and while idle raises the
// next. It runs on the Fyne goroutine.
func (m *meter) polled(now time.Time) {
	redrew := m.redrew
	m.redrew = false
	sentNs := m.pending.Swap(0)
	if !m.running {
		m.pending.CompareAndSwap(0, now.UnixNano())
	}
	if sentNs == 0 {
		return
	}
	sent := time.Unix(0, sentNs)
	if !m.running && sent.Sub(m.opened) < warmUp {
		return // the window was still being built (see listen); a run's probes always count
	}
	// Without a GPU, the frame that draws the meter's own change can take
	// longer than a frame (80 ms with a dialog open, more on a busy
	// machine), and the probes answered in the next frame or two show that.
	// Counting them would make the meter measure itself and redraw again,
	// forever: an idle window would read amber or red. While idle, nothing
	// else was drawn then, so those probes are not counted. During a run
	// the frame also drew the results, so only a short one is dropped.
	if m.uncounted > 0 && !m.running {
		m.uncounted--
		return
	}
	if redrew && now.Sub(sent) < selfRedraw {
		return
	}
	m.lat.add(sent, now)
	m.sinceRun = max(m.sinceRun, now.Sub(sent))
	every := idleRefresh
	if m.running {
		every = meterRefresh
	}
	// A stall is shown at once, unless it came just after the meter's own
	// redraw: then at the usual pace, or each redraw would cause the next.
	if now.Sub(m.lastRefresh) < every && (now.Sub(sent) < notResponse || redrew) {
		return
	}
	m.lastRefresh = now
	m.redrew = m.refresh(now)
	if m.redrew {
		m.uncounted = afterRedraw
	}
}

// refresh redraws the meter, but only the parts whose look changed: on a
// machine without a GPU every redraw costs real CPU, and an idle window
// should cost almost nothing.
// It reports whether anything changed.
func (m *meter) refresh(now time.Time) bool {
	cur, worst := m.lat.current(), m.lat.worst()
	changed := setText(m.text, fmt.Sprintf("UI %s · worst %s", roughMs(cur), roughMs(worst)))
	if c := latencyColor(worst); c != m.dot.FillColor {
		m.dot.FillColor = c
		m.dot.Refresh()
		changed = true
	}
	if s := m.lat.stall; !s.ran.IsZero() {
		changed = setText(m.stall, fmt.Sprintf("froze %s at %s", ms(s.late), s.ran.Format("15:04:05"))) || changed
	}
	changed = setText(m.goroutines, fmt.Sprintf("%7d goroutines", runtime.NumGoroutine())) || changed
	sparkChanged := false
	for i, d := range m.lat.buckets(now, sparkBars) {
		c, h := latencyColor(d), sparkHeight(d)
		if c != m.bars[i].FillColor || h != m.heights[i] {
			m.bars[i].FillColor, m.heights[i] = c, h
			sparkChanged = true
		}
	}
	if sparkChanged {
		m.spark.Refresh()
	}
	return changed || sparkChanged
}

// setText changes l's text if it differs, and reports whether it did.
func setText(l *widget.Label, s string) bool {
	if l.Text == s {
		return false
	}
	l.SetText(s)
	return true
}

// sparkHeight maps a latency to a bar height in (0, 1], in a few steps so
// that jitter too small to matter does not redraw the sparkline: answered at
// the next regular read of input is the floor, two frames a third, 100 ms
// and more full height.
func sparkHeight(d time.Duration) float32 {
	switch {
	case d < nextPoll:
		return 0.08
	case d < 2*frame:
		return 0.33
	case d < 50*time.Millisecond:
		return 0.55
	case d < notResponse:
		return 0.77
	default:
		return 1
	}
}

// roughMs formats a latency for the meter's text; everything answered at the
// next regular read of input reads the same, so jitter does not redraw it.
// Like ms, it is always six characters wide: in the meter's monospace font
// the text then keeps its width, and a change does not make Fyne lay the
// whole window out again.
func roughMs(d time.Duration) string {
	if d < nextPoll {
		return fmt.Sprintf("<%2d ms", nextPoll.Milliseconds())
	}
	return ms(d)
}

func ms(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%3d ms", d.Milliseconds())
}

// sparkLayout places the bars left to right, bottom-aligned, each as tall as
// its fraction of the full height.
type sparkLayout struct{ heights []float32 }

func (l *sparkLayout) Layout(bars []fyne.CanvasObject, size fyne.Size) {
	w := size.Width / float32(len(bars))
	for i, r := range bars {
		h := l.heights[i] * size.Height
		r.Move(fyne.NewPos(float32(i)*w, size.Height-h))
		r.Resize(fyne.NewSize(max(w-1, 1), h))
	}
}

func (l *sparkLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(sparkBars*3, 22) }

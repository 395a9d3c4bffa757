package app

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"runtime"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

const (
	probeEvery   = 10 * time.Millisecond  // how often the probe asks the Fyne goroutine for a turn while a demo runs
	probeIdle    = 50 * time.Millisecond  // and when none has for a while: a freeze still shows, to within this
	keepFast     = 5 * time.Second        // how long after a run the probe stays fast
	meterRefresh = 100 * time.Millisecond // the meter's widgets change at most this often
	meterSpan    = 5 * time.Second        // "worst" looks back this far
	sparkBars    = 50
	selfRedraw   = 60 * time.Millisecond // probes sent this soon after the meter's own redraw are not counted
)

var (
	meterGreen = color.NRGBA{R: 0x43, G: 0xa0, B: 0x47, A: 0xff}
	meterAmber = color.NRGBA{R: 0xff, G: 0xa0, B: 0x00, A: 0xff}
	meterRed   = color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0xff}
)

func latencyColor(d time.Duration) color.Color {
	switch {
	case d < frame:
		return meterGreen
	case d < notResponse:
		return meterAmber
	default:
		return meterRed
	}
}

// meter is the status bar's responsiveness meter. A probe goroutine posts a
// tiny function to the Fyne goroutine every probeEvery and records how late it
// ran. Only one probe is outstanding at a time, so a frozen window shows up as
// one very late probe — measured, and drawn once the window thaws.
type meter struct {
	fastUntil atomic.Int64 // unix nanoseconds; math.MaxInt64 while a run is in flight

	lat         latencies
	lastRefresh time.Time
	redrawn     time.Time // when the meter last changed its widgets

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
		lat:        latencies{span: meterSpan},
		dot:        canvas.NewCircle(meterGreen),
		text:       widget.NewLabel("UI latency —"),
		stall:      widget.NewLabel(""),
		goroutines: widget.NewLabel(""),
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
		container.NewCenter(container.NewGridWrap(fyne.NewSize(12, 12), m.dot)),
		m.text,
		container.NewCenter(container.NewGridWrap(fyne.NewSize(sparkBars*3, 22), sparkBox)),
		m.goroutines,
	)
	m.dot.Resize(fyne.NewSize(12, 12))
	return m
}

// busy tells the meter whether a run is in flight: it probes every
// probeEvery then, and for keepFast after; every probeIdle otherwise, so
// an idle window costs almost nothing.
func (m *meter) busy(b bool) {
	if b {
		m.fastUntil.Store(math.MaxInt64)
	} else {
		m.fastUntil.Store(time.Now().Add(keepFast).UnixNano())
	}
}

// probe runs until ctx is cancelled. Run it on its own goroutine.
func (m *meter) probe(ctx context.Context) {
	ack := make(chan struct{}, 1)
	for {
		every := probeIdle
		if time.Now().UnixNano() < m.fastUntil.Load() {
			every = probeEvery
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
		sent := time.Now()
		fyne.Do(func() {
			m.record(sent, time.Now())
			ack <- struct{}{}
		})
		select {
		case <-ack:
		case <-ctx.Done():
			return
		}
	}
}

// record runs on the Fyne goroutine.
func (m *meter) record(sent, ran time.Time) {
	// Without a GPU, the redraw that the meter itself causes takes tens of
	// milliseconds and would delay the next probe; counting that would make
	// the meter measure itself, and redraw again, forever. So a probe sent
	// just after the meter changed is skipped — unless it shows a stall.
	if sent.Sub(m.redrawn) < selfRedraw && ran.Sub(sent) < notResponse {
		return
	}
	m.lat.add(sent, ran)
	if ran.Sub(m.lastRefresh) < meterRefresh && ran.Sub(sent) < notResponse {
		return
	}
	m.lastRefresh = ran
	if m.refresh(ran) {
		m.redrawn = ran
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
// that jitter too small to matter does not redraw the sparkline: under 5 ms
// is the floor, a frame a third, 100 ms and more full height.
func sparkHeight(d time.Duration) float32 {
	switch {
	case d < 5*time.Millisecond:
		return 0.08
	case d < frame:
		return 0.33
	case d < 50*time.Millisecond:
		return 0.55
	case d < notResponse:
		return 0.77
	default:
		return 1
	}
}

// roughMs formats a latency for the meter's text; everything under 5 ms
// reads the same, so jitter does not redraw it. Like ms, it is always six
// characters wide: in the meter's monospace font the text then keeps its
// width, and a change does not make Fyne lay the whole window out again.
func roughMs(d time.Duration) string {
	if d < 5*time.Millisecond {
		return " <5 ms"
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

package app

import (
	"context"
	"fmt"
	"image/color"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

const (
	probeEvery   = 10 * time.Millisecond  // how often the probe asks the Fyne goroutine for a turn
	meterRefresh = 100 * time.Millisecond // the meter's widgets change at most this often
	meterSpan    = 5 * time.Second        // "worst" looks back this far
	sparkBars    = 50
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
	lat         latencies
	lastRefresh time.Time

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

// probe runs until ctx is cancelled. Run it on its own goroutine.
func (m *meter) probe(ctx context.Context) {
	ack := make(chan struct{}, 1)
	tick := time.NewTicker(probeEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
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
	m.lat.add(sent, ran)
	if ran.Sub(m.lastRefresh) < meterRefresh && ran.Sub(sent) < notResponse {
		return
	}
	m.lastRefresh = ran
	m.refresh(ran)
}

func (m *meter) refresh(now time.Time) {
	cur, worst := m.lat.current(), m.lat.worst()
	m.text.SetText(fmt.Sprintf("UI %s · worst %s", ms(cur), ms(worst)))
	m.dot.FillColor = latencyColor(worst)
	m.dot.Refresh()
	if s := m.lat.stall; !s.ran.IsZero() {
		m.stall.SetText(fmt.Sprintf("froze %s at %s", ms(s.late), s.ran.Format("15:04:05")))
	}
	m.goroutines.SetText(fmt.Sprintf("%d goroutines", runtime.NumGoroutine()))
	for i, d := range m.lat.buckets(now, sparkBars) {
		m.bars[i].FillColor = latencyColor(d)
		m.heights[i] = sparkHeight(d)
	}
	m.spark.Refresh()
}

// sparkHeight maps a latency to a bar height in (0, 1]: one frame is a third,
// 100 ms and more is full height.
func sparkHeight(d time.Duration) float32 {
	switch {
	case d <= 0:
		return 0.05
	case d >= notResponse:
		return 1
	case d <= frame:
		return 0.05 + 0.28*float32(d)/float32(frame)
	default:
		return 0.33 + 0.67*float32(d-frame)/float32(notResponse-frame)
	}
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

package views

import (
	"bytes"
	"context"
	"runtime/trace"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"concurrencylab/techniques"
)

func TestXrayViewBuildsFromATrace(t *testing.T) {
	test.NewTempApp(t)
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("tracing is not available: %v", err)
	}
	_, task := trace.NewTask(context.Background(), "xray-view")
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { time.Sleep(5 * time.Millisecond) })
	}
	wg.Wait()
	task.End()
	trace.Stop()
	x, err := techniques.ReadXray(context.Background(), &buf, "xray-view")
	if err != nil {
		t.Fatal(err)
	}
	view := NewXrayView(PrepareXray(x), "a note")
	test.NewTempWindow(t, view)
	var lanes []*timeline
	visit(view, func(o fyne.CanvasObject) {
		if tl, ok := o.(*timeline); ok {
			lanes = append(lanes, tl)
		}
	})
	if len(lanes) != 2 {
		t.Fatalf("%d timelines, want 2 (Ps, goroutines)", len(lanes))
	}
	if got := len(lanes[1].Lanes); got != 4 {
		t.Errorf("%d goroutine lanes, want 4 (the task's and its three sleepers)", got)
	}
	if len(lanes[0].Lanes) == 0 || !strings.HasPrefix(lanes[0].Lanes[0], "P") {
		t.Errorf("P lanes %q", lanes[0].Lanes)
	}
	// A P is a scheduler slot: no text of the X-ray may call it a processor
	// or a CPU, and the legend says it is not a core.
	var texts []string
	visit(view, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	})
	all := strings.Join(append(texts, lanes[0].Lanes...), "\n")
	if strings.Contains(strings.ToLower(all), "processor") || !strings.Contains(all, "not a CPU core") {
		t.Errorf("the X-ray's texts call a P a processor, or do not say it is not a core:\n%s", all)
	}
	if s := xraySummary(x); !strings.Contains(s, "4 goroutines") || !strings.Contains(s, "on sleep") {
		t.Errorf("summary %q", s)
	}
	// Tapping a lane says what its goroutine was doing there.
	var told string
	lanes[1].OnTapped = func(lane string, s *span) {
		told = lane
		if s != nil {
			told += ": " + s.Info
		}
	}
	lanes[1].Resize(fyne.NewSize(1000, lanes[1].MinSize().Height))
	lanes[1].Tapped(&fyne.PointEvent{Position: fyne.NewPos(laneLabel+300, laneHeight/2)})
	if !strings.HasPrefix(told, "goroutine ") || !strings.Contains(told, ": goroutine ") {
		t.Errorf("a tap in the middle of the first lane told %q", told)
	}
}

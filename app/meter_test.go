package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

func TestMeterIsAnsweredWhenInputIsRead(t *testing.T) {
	test.NewTempApp(t)
	m := newMeter()
	t0 := time.Now()
	probe := func(sentAgo time.Duration) { m.pending.Store(t0.Add(-sentAgo).UnixNano()) }

	m.polled(t0)
	if n := len(m.lat.samples); n != 0 {
		t.Fatalf("a read of input with no probe out recorded %d samples", n)
	}

	probe(30 * time.Millisecond)
	m.polled(t0)
	if got := m.lat.worst(); got != 30*time.Millisecond {
		t.Fatalf("worst = %v, want the probe's 30ms", got)
	}
	if m.pending.Load() != 0 {
		t.Error("the probe is still outstanding after it was answered")
	}
	if !m.redrew {
		t.Error("the meter did not redraw to show its first figure")
	}

	// Just after its own redraw, a probe answered within a frame or two is
	// the meter measuring itself; a longer one still counts.
	probe(10 * time.Millisecond)
	m.polled(t0)
	if n := len(m.lat.samples); n != 1 {
		t.Errorf("the probe answered just after the meter's redraw was counted (%d samples)", n)
	}
	m.redrew = true
	probe(45 * time.Millisecond)
	m.polled(t0)
	if got := m.lat.worst(); got != 45*time.Millisecond {
		t.Errorf("worst = %v: a 45ms wait after the meter's redraw must count", got)
	}
}

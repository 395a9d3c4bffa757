package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

func TestMeterIsAnsweredWhenInputIsRead(t *testing.T) {
	test.NewTempApp(t)
	m := newMeter()
	m.busy(true)
	m.pending.Store(0) // during a run, only the probe goroutine raises probes
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

// While idle the meter probes only every idleProbe, so a run that freezes
// the window must raise a probe as it starts, or the freeze reads short.
func TestMeterMeasuresAFreezeFromTheRunsStart(t *testing.T) {
	test.NewTempApp(t)
	m := newMeter()
	m.busy(true)
	sent := m.pending.Load()
	if sent == 0 {
		t.Fatal("a run began with no probe outstanding")
	}
	froze := 800 * time.Millisecond
	m.polled(time.Unix(0, sent).Add(froze))
	if got := m.lat.worst(); got != froze {
		t.Errorf("worst = %v, want the whole %v freeze", got, froze)
	}
}

// An idle window redraws the meter seldom: without a GPU each redraw costs
// more CPU than the rest of the idle window. A stall is shown at once.
func TestIdleMeterRedrawsSeldom(t *testing.T) {
	test.NewTempApp(t)
	m := newMeter()
	t0 := time.Now()
	answer := func(at time.Time, late time.Duration) bool {
		m.redrew = false
		m.pending.Store(at.Add(-late).UnixNano())
		m.polled(at)
		return m.redrew
	}
	answer(t0, 30*time.Millisecond) // the first figure
	if answer(t0.Add(meterRefresh), 40*time.Millisecond) {
		t.Errorf("an idle meter redrew %v after its last redraw", meterRefresh)
	}
	if !answer(t0.Add(2*meterRefresh), 900*time.Millisecond) {
		t.Error("an idle meter did not show a 900ms stall at once")
	}
	m.busy(true)
	if !answer(t0.Add(4*meterRefresh), 60*time.Millisecond) {
		t.Errorf("during a run the meter did not redraw %v after its last redraw", 2*meterRefresh)
	}
}

// While idle, each read of input raises the next probe, so a freeze
// between two reads is measured whole, with no goroutine to wake.
func TestIdleMeterMeasuresAWholeTurnOfTheLoop(t *testing.T) {
	test.NewTempApp(t)
	m := newMeter()
	t0 := time.Now()
	m.polled(t0)
	if got := m.pending.Load(); got != t0.UnixNano() {
		t.Fatalf("an idle read of input left pending = %d, want a probe raised at that read", got)
	}
	froze := 700 * time.Millisecond
	m.polled(t0.Add(froze))
	if got := m.lat.worst(); got != froze {
		t.Errorf("worst = %v, want the whole %v between the two reads", got, froze)
	}
}

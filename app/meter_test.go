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
	for i := range afterRedraw {    // the reads of input that drew it: not counted
		answer(t0.Add(time.Duration(i+1)*frame), 90*time.Millisecond)
	}
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

// The meter's own redraw is the only thing an idle window draws, and
// without a GPU it can take longer than a frame: the probe answered just
// after it is not counted, or an idle window would read late, and each
// redraw would cause the next.
func TestIdleMeterDoesNotMeasureItsOwnRedraw(t *testing.T) {
	test.NewTempApp(t)
	m := newMeter()
	t0 := time.Now()
	answer := func(at time.Time, late time.Duration) {
		m.pending.Store(at.Add(-late).UnixNano())
		m.polled(at)
	}
	answer(t0, 5*time.Millisecond) // the first figure: the meter redraws
	if !m.redrew {
		t.Fatal("the meter did not redraw to show its first figure")
	}
	answer(t0.Add(150*time.Millisecond), 150*time.Millisecond) // the frame that drew it
	if got := m.lat.worst(); got != 5*time.Millisecond {
		t.Errorf("worst = %v: the probe answered after the meter's own redraw was counted", got)
	}
	if m.redrew {
		t.Error("the meter redrew for the probe that measured its own redraw")
	}
	// Its paint can spill into the next frame: a probe raised there is not
	// counted either.
	answer(t0.Add(150*time.Millisecond+28*time.Millisecond), 28*time.Millisecond)
	if got := m.lat.worst(); got != 5*time.Millisecond {
		t.Errorf("worst = %v: a probe raised %v after the meter's redraw was counted", got, 150*time.Millisecond)
	}
	// With no redraw before it, the same wait is a stall, shown at once.
	answer(t0.Add(300*time.Millisecond), 150*time.Millisecond)
	if got := m.lat.worst(); got != 150*time.Millisecond {
		t.Errorf("worst = %v, want the 150ms stall that followed no redraw of the meter", got)
	}
	if !m.redrew {
		t.Error("an idle meter did not show a 150ms stall at once")
	}
}

// During a run, a stall measured just after the meter's redraw counts (the
// frame drew the results too), but is shown at the usual pace: a redraw
// that is itself slow must not make the meter redraw at every frame.
func TestRunningMeterDoesNotRedrawAtEveryFrame(t *testing.T) {
	test.NewTempApp(t)
	m := newMeter()
	m.busy(true)
	t0 := time.Now()
	answer := func(at time.Time, late time.Duration) {
		m.pending.Store(at.Add(-late).UnixNano())
		m.polled(at)
	}
	answer(t0, 5*time.Millisecond)
	redraws := 0
	for i := 1; i <= 10; i++ { // ten slow frames in 60 ms steps, each after a redraw
		m.redrew = true
		answer(t0.Add(time.Duration(i)*60*time.Millisecond), time.Duration(110+i)*time.Millisecond)
		if m.redrew {
			redraws++
		}
	}
	if got := m.lat.worst(); got != 120*time.Millisecond {
		t.Errorf("worst = %v, want the run's longest stall, 120ms", got)
	}
	if limit := int(600*time.Millisecond/meterRefresh) + 1; redraws > limit {
		t.Errorf("the meter redrew %d times in 600ms of slow frames, want at most %d (one per %v)", redraws, limit, meterRefresh)
	}
	// A run that freezes the window right after a redraw is measured whole.
	m.busy(false)
	m.redrew = true
	m.pending.Store(0)
	m.busy(true)
	sent := m.pending.Load()
	m.polled(time.Unix(0, sent).Add(800 * time.Millisecond))
	if got := m.lat.worst(); got != 800*time.Millisecond {
		t.Errorf("worst = %v, want the 800ms freeze that began just after a redraw", got)
	}
}

// An idle window's first second is it being built: its probes are not
// counted, and the first figure waits until the window has settled, so it
// is not redrawn again five seconds later. A run's probes always count.
func TestIdleMeterWaitsForTheWindowToSettle(t *testing.T) {
	test.NewTempApp(t)
	m := newMeter()
	t0 := time.Now()
	m.opened = t0
	m.lastRefresh = t0.Add(firstFigure - idleRefresh) // as listen sets it
	answer := func(sentAt, late time.Duration) {
		m.pending.Store(t0.Add(sentAt).UnixNano())
		m.polled(t0.Add(sentAt + late))
	}
	answer(warmUp/2, 40*time.Millisecond)
	if n := len(m.lat.samples); n != 0 || m.redrew {
		t.Errorf("a probe of the window's first second was counted (%d samples, redrew %v)", n, m.redrew)
	}
	answer(warmUp+100*time.Millisecond, 5*time.Millisecond)
	if n := len(m.lat.samples); n != 1 {
		t.Errorf("%d samples after the first second, want 1", n)
	}
	if m.redrew {
		t.Errorf("the meter showed a figure before %v", firstFigure)
	}
	answer(firstFigure+100*time.Millisecond, 5*time.Millisecond)
	if !m.redrew {
		t.Errorf("the meter showed no figure %v after the window opened", firstFigure)
	}

	// A blocking run begun in the first second (--autorun starts one at
	// 400 ms), and just after a redraw, has ended when its probe is
	// answered: the whole freeze counts all the same.
	m2 := newMeter()
	m2.opened = t0
	m2.uncounted = afterRedraw
	sent := t0.Add(300 * time.Millisecond)
	m2.pending.Store(sent.UnixNano()) // raised by the last idle read of input
	m2.busy(true)
	m2.busy(false)
	m2.polled(sent.Add(800 * time.Millisecond))
	if got := m2.lat.worst(); got != 800*time.Millisecond {
		t.Errorf("worst = %v, want the 800ms freeze of a blocking run begun in the first second", got)
	}
}

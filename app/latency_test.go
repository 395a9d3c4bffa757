package app

import (
	"slices"
	"testing"
	"time"
)

func TestLatencies(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	at := func(n int) time.Time { return t0.Add(ms(n)) }

	tests := []struct {
		name        string
		probes      [][2]int // sent, ran in ms after t0
		wantCurrent time.Duration
		wantWorst   time.Duration
		wantStall   time.Duration
	}{
		{"no probes", nil, 0, 0, 0},
		{"late is ran minus sent", [][2]int{{0, 3}}, ms(3), ms(3), 0},
		{"worst over the window", [][2]int{{0, 2}, {10, 25}, {30, 31}}, ms(1), ms(15), 0},
		{"a freeze is a stall and the worst", [][2]int{{0, 1}, {10, 1510}, {1520, 1521}}, ms(1), ms(1500), ms(1500)},
		{"old probes leave the window", [][2]int{{0, 900}, {6000, 6002}}, ms(2), ms(2), ms(900)},
		{"the stall outlives the window", [][2]int{{0, 200}, {10000, 10001}, {20000, 20004}}, ms(4), ms(4), ms(200)},
		{"a clock step backwards is not negative", [][2]int{{10, 5}}, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := latencies{span: 5 * time.Second}
			for _, p := range tt.probes {
				l.add(at(p[0]), at(p[1]))
			}
			if got := l.current(); got != tt.wantCurrent {
				t.Errorf("current() = %v, want %v", got, tt.wantCurrent)
			}
			if got := l.worst(); got != tt.wantWorst {
				t.Errorf("worst() = %v, want %v", got, tt.wantWorst)
			}
			if got := l.stall.late; got != tt.wantStall {
				t.Errorf("stall = %v, want %v", got, tt.wantStall)
			}
		})
	}
}

func TestLatencyBuckets(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	l := latencies{span: time.Second}
	// Probes in the first, second and last tenth of the second.
	l.add(t0.Add(10*time.Millisecond), t0.Add(15*time.Millisecond))
	l.add(t0.Add(20*time.Millisecond), t0.Add(22*time.Millisecond))
	l.add(t0.Add(110*time.Millisecond), t0.Add(150*time.Millisecond))
	l.add(t0.Add(930*time.Millisecond), t0.Add(990*time.Millisecond))

	got := l.buckets(t0.Add(time.Second), 10)
	ms := time.Millisecond
	want := []time.Duration{5 * ms, 40 * ms, 0, 0, 0, 0, 0, 0, 0, 60 * ms}
	if !slices.Equal(got, want) {
		t.Errorf("buckets = %v, want %v", got, want)
	}
}

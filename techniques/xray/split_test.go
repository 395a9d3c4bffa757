package xray

import (
	"bytes"
	"context"
	"maps"
	"math"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestGenerationsReadAsOne: a trace read a generation at a time, in
// parallel, gives the run that reading it whole, in order, gives.
func TestGenerationsReadAsOne(t *testing.T) {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Hour, MaxBytes: 64 << 20})
	if err := fr.Start(); err != nil {
		t.Skip(err)
	}
	ctx, tk := trace.NewTask(context.Background(), "split")
	// Long enough for the runtime to start new generations (about one a
	// second) while goroutines take turns and sleep.
	var wg sync.WaitGroup
	stop := time.Now().Add(1500 * time.Millisecond)
	ch := make(chan int)
	for range 4 {
		wg.Go(func() {
			trace.WithRegion(ctx, "split", func() {
				for time.Now().Before(stop) {
					select {
					case ch <- 1:
					case <-ch:
					case <-time.After(time.Millisecond):
					}
					time.Sleep(100 * time.Microsecond)
				}
			})
		})
	}
	wg.Wait()
	tk.End()
	var buf bytes.Buffer
	_, err := fr.WriteTo(&buf)
	fr.Stop()
	if err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	pieces := generations(data)
	if len(pieces) < 2 {
		t.Fatalf("%d generations in a trace of %v, want several", len(pieces), 1500*time.Millisecond)
	}
	var events atomic.Int64
	read := func(pieces []piece) (*Run, []*genReading) {
		var gens []*genReading
		for _, p := range pieces {
			g, err := decode(context.Background(), p.reader(), "split", &events)
			if err != nil {
				t.Fatal(err)
			}
			gens = append(gens, g)
		}
		x, err := assemble(context.Background(), gens, "split")
		if err != nil {
			t.Fatal(err)
		}
		return x, gens
	}
	split, gens := read(pieces)
	whole, _ := read([]piece{{body: data}})
	if split.Total != whole.Total || split.Total < 5 || !maps.Equal(split.Blocked, whole.Blocked) {
		t.Errorf("split: %d goroutines, blocked %v; whole: %d, %v; want the same, at least 5 goroutines (the task's and its four)", split.Total, split.Blocked, whole.Total, whole.Blocked)
	}
	// Read whole, an event is moved on to a nanosecond after the one before
	// when it would not come after it. A generation's first events can come
	// before its predecessor's last (threads move to the new generation one
	// by one): read whole, they are moved on by up to that overlap, and a
	// goroutine's time in a state changes by as much at each generation's
	// start. Read apart, they are not moved.
	var overlap time.Duration
	for k := 1; k < len(gens); k++ {
		last, first := time.Duration(math.MinInt64), time.Duration(math.MaxInt64)
		for _, h := range gens[k-1].gs.all() {
			last = max(last, time.Duration(h.last))
		}
		for _, h := range gens[k].gs.all() {
			first = min(first, time.Duration(h.first))
		}
		overlap += max(0, last-first)
	}
	slack := overlap*time.Duration(split.Total) + time.Duration(events.Load()) // and a nanosecond an event
	t.Logf("%d generations, overlapping by %v in all; %d goroutines; allowed difference %v", len(gens), overlap, split.Total, slack)
	near := func(a, b time.Duration) bool { return (a - b).Abs() <= slack }
	if !near(split.Length, whole.Length) {
		t.Errorf("split: %v long; whole: %v (generations overlapping by %v in all)", split.Length, whole.Length, overlap)
	}
	for st, d := range whole.Time {
		if !near(split.Time[st], d) {
			t.Errorf("%s: split %v, whole %v (generations overlapping by %v in all, %d goroutines)", st, split.Time[st], d, overlap, split.Total)
		}
	}
	if len(split.Goroutines) != len(whole.Goroutines) {
		t.Fatalf("split: %d lanes; whole: %d", len(split.Goroutines), len(whole.Goroutines))
	}
	for i, g := range whole.Goroutines {
		if s := split.Goroutines[i]; s.ID != g.ID || len(s.Spans) != len(g.Spans) {
			t.Errorf("lane %d: split goroutine %d, %d spans; whole %d, %d", i, s.ID, len(s.Spans), g.ID, len(g.Spans))
		}
	}
	for p, lane := range whole.Procs {
		if len(split.Procs[p]) == 0 || len(lane) == 0 {
			t.Errorf("P %d: split %d spans, whole %d", p, len(split.Procs[p]), len(lane))
		}
	}
}

package techniques

import (
	"bytes"
	"context"
	"errors"
	"runtime/trace"
	"sync"
	"testing"
	"time"
)

// traced records an execution trace of work, run as a trace task named task.
func traced(t *testing.T, task string, work func(ctx context.Context)) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("tracing is not available: %v", err) // e.g. another trace is running
	}
	ctx, tk := trace.NewTask(context.Background(), task)
	work(ctx)
	tk.End()
	trace.Stop()
	return &buf
}

func TestXrayPingPongAndMutex(t *testing.T) {
	buf := traced(t, "pingpong", func(ctx context.Context) {
		ping, pong := make(chan int), make(chan int)
		var mu sync.Mutex
		var wg sync.WaitGroup
		wg.Go(func() { // ping
			for i := range 50 {
				ping <- i
				<-pong
			}
			close(ping)
		})
		wg.Go(func() { // pong
			for i := range ping {
				pong <- i
			}
		})
		shared := 0
		mu.Lock()
		wg.Go(func() { // waits for the lock held below
			mu.Lock()
			shared++
			mu.Unlock()
		})
		time.Sleep(20 * time.Millisecond)
		mu.Unlock()
		wg.Wait()
		if shared != 1 {
			t.Errorf("shared = %d", shared)
		}
	})
	x, err := ReadXray(context.Background(), bytes.NewReader(buf.Bytes()), "pingpong")
	if err != nil {
		t.Fatal(err)
	}
	if x.Total != 4 {
		t.Errorf("%d goroutines in the run, want 4 (the task's and the three it started)", x.Total)
	}
	if x.Blocked["chan receive"]+x.Blocked["chan send"] < 50 {
		t.Errorf("blocked on channels %d + %d times, want at least 50 in all: %v", x.Blocked["chan receive"], x.Blocked["chan send"], x.Blocked)
	}
	if x.Blocked["sync"] < 1 {
		t.Errorf("no goroutine blocked on the mutex: %v", x.Blocked)
	}
	if x.Blocked["sleep"] < 1 {
		t.Errorf("the task's goroutine did not block in its sleep: %v", x.Blocked)
	}
	if x.Time[StateRunning] <= 0 || x.Length < 20*time.Millisecond {
		t.Errorf("running %v in a run of %v", x.Time[StateRunning], x.Length)
	}
	var onProcs int
	for _, spans := range x.Procs {
		onProcs += len(spans)
	}
	if onProcs == 0 {
		t.Error("no goroutine was seen running on a P")
	}
	for _, g := range x.Goroutines {
		for _, s := range g.Spans {
			if s.To < s.From || s.From < 0 {
				t.Errorf("goroutine %d: span %+v runs backwards", g.ID, s)
			}
		}
	}
	if _, err := ReadXray(context.Background(), bytes.NewReader(buf.Bytes()), "another"); !errors.Is(err, ErrNoRun) {
		t.Errorf("an absent task: %v, want ErrNoRun", err)
	}
}

// TestXraySummarisesALargeRun: ten thousand goroutines make ten thousand
// members but only MaxXrayLanes lanes.
func TestXraySummarisesALargeRun(t *testing.T) {
	buf := traced(t, "crowd", func(ctx context.Context) {
		p, err := Park(ctx, Goroutines, 10_000, nil)
		if err != nil {
			t.Fatal(err)
		}
		p.Release()
	})
	x, err := ReadXray(context.Background(), buf, "crowd")
	if err != nil {
		t.Fatal(err)
	}
	if x.Total < 10_000 || len(x.Goroutines) != MaxXrayLanes {
		t.Errorf("%d goroutines, %d lanes; want at least 10000 and %d", x.Total, len(x.Goroutines), MaxXrayLanes)
	}
	if x.Blocked["chan receive"] < 5000 {
		t.Errorf("parked goroutines blocked on receive %d times, want most of 10000: %v", x.Blocked["chan receive"], x.Blocked)
	}
}

// TestXrayReadsTheLastRun: of two runs of a task, the X-ray is the second's,
// and each drawn goroutine's spans add up to the times the first reading
// counted for it (the trace is read twice: once to add up, once to keep the
// spans of the lanes drawn). progress only grows, and ends at 1.
func TestXrayReadsTheLastRun(t *testing.T) {
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("tracing is not available: %v", err)
	}
	for _, n := range []int{3, 5} {
		_, tk := trace.NewTask(context.Background(), "twice")
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() { time.Sleep(2 * time.Millisecond) })
		}
		wg.Wait()
		tk.End()
	}
	trace.Stop()
	var calls []XrayProgress
	x, err := ReadXrayProgress(context.Background(), &buf, "twice", func(p XrayProgress) { calls = append(calls, p) })
	if err != nil {
		t.Fatal(err)
	}
	if x.Total != 6 || len(x.Goroutines) != 6 {
		t.Errorf("%d goroutines, %d lanes; want 6 and 6 (the second run's five sleepers and the task's)", x.Total, len(x.Goroutines))
	}
	for _, g := range x.Goroutines {
		sum := map[string]time.Duration{}
		for _, s := range g.Spans {
			if s.From < 0 || s.To < s.From || s.To > x.Length {
				t.Errorf("goroutine %d: span %+v outside the run of %v", g.ID, s, x.Length)
			}
			sum[s.State] += s.To - s.From
		}
		for st, d := range g.Time {
			if sum[st] != d {
				t.Errorf("goroutine %d: its %s spans add up to %v, its time says %v", g.ID, st, sum[st], d)
			}
		}
	}
	if len(calls) < 2 || calls[len(calls)-1].Done != 1 || calls[len(calls)-1].Events == 0 {
		t.Fatalf("progress calls %v: want at least two, the last one done", calls)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i].Done < calls[i-1].Done || calls[i].Events < calls[i-1].Events {
			t.Errorf("progress went back: %v then %v", calls[i-1], calls[i])
		}
	}
}

// TestXrayRunCutShort: a trace that stops before the run ends still gives
// the run, up to the trace's end, with progress ending at 1.
func TestXrayRunCutShort(t *testing.T) {
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("tracing is not available: %v", err)
	}
	_, tk := trace.NewTask(context.Background(), "cut")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { time.Sleep(2 * time.Millisecond) })
	}
	wg.Wait()
	trace.Stop()
	tk.End()
	var last XrayProgress
	x, err := ReadXrayProgress(context.Background(), &buf, "cut", func(p XrayProgress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	if x.Total != 5 || len(x.Goroutines) != 5 || x.Length < 2*time.Millisecond || last.Done != 1 {
		t.Errorf("%d goroutines, %d lanes, %v long, last progress %+v; want 5, 5, at least 2ms, done", x.Total, len(x.Goroutines), x.Length, last)
	}
	for _, g := range x.Goroutines {
		if len(g.Spans) == 0 || g.Spans[len(g.Spans)-1].To > x.Length {
			t.Errorf("goroutine %d: spans %v in a run of %v", g.ID, g.Spans, x.Length)
		}
	}
}

func TestAppendCompact(t *testing.T) {
	t.Parallel()
	var lane []XraySpan
	n := 3*maxSpansPerLane + 7
	for i := range n {
		state := StateRunning
		if i%4 == 0 {
			state = StateBlocked
		}
		lane = appendCompact(lane, XraySpan{From: time.Duration(i), To: time.Duration(i + 1), State: state})
	}
	if len(lane) > maxSpansPerLane || lane[0].From != 0 || lane[len(lane)-1].To != time.Duration(n) {
		t.Fatalf("%d spans from %v to %v; want at most %d covering 0 to %d", len(lane), lane[0].From, lane[len(lane)-1].To, maxSpansPerLane, n)
	}
	for i := 1; i < len(lane); i++ {
		if lane[i].From != lane[i-1].To {
			t.Fatalf("gap or overlap at %d: %v then %v", i, lane[i-1], lane[i])
		}
	}
}

// BenchmarkFlightRecorderOverhead runs the same workload (the mutex counter,
// 1000+1000 goroutines × 100 updates) with and without a flight recorder
// like the app's, to show what keeping the X-ray's trace costs.
func BenchmarkFlightRecorderOverhead(b *testing.B) {
	work := func() { RunRace(context.Background(), Mutex, RaceConfig{Pairs: 1000, Updates: 100}) }
	b.Run("off", func(b *testing.B) {
		for b.Loop() {
			work()
		}
	})
	b.Run("on", func(b *testing.B) {
		fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 10 * time.Second, MaxBytes: 64 << 20})
		if err := fr.Start(); err != nil {
			b.Skip(err)
		}
		defer fr.Stop()
		for b.Loop() {
			work()
		}
	})
}

// raceTrace is the execution trace of the race panel's default run (every
// strategy, 1000+1000 goroutines × 1000 updates: about 8,000 goroutines),
// recorded once, the way the child process records it.
var raceTrace = sync.OnceValues(func() ([]byte, error) {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Hour, MaxBytes: FlightMaxBytes})
	if err := fr.Start(); err != nil {
		return nil, err
	}
	defer fr.Stop()
	ctx, task := trace.NewTask(context.Background(), "race")
	err := RunStrategies(ctx, RaceConfig{Pairs: 1000, Updates: 1000}, func(RaceResult) error { return nil })
	task.End()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_, err = fr.WriteTo(&buf)
	return buf.Bytes(), err
})

// BenchmarkReadXrayRace reads the race panel's default run out of its trace,
// as the X-ray tab does after a run.
func BenchmarkReadXrayRace(b *testing.B) {
	traced, err := raceTrace()
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(traced)))
	b.ReportAllocs()
	for b.Loop() {
		x, err := ReadXray(context.Background(), bytes.NewReader(traced), "race")
		if err != nil || x.Total < 8000 {
			b.Fatalf("%v, %+v goroutines", err, x)
		}
	}
}

package xray_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"runtime"
	"runtime/trace"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"concurrencylab/techniques"
	"concurrencylab/techniques/child"
	"concurrencylab/techniques/xray"
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
	x, err := xray.Read(context.Background(), bytes.NewReader(buf.Bytes()), "pingpong")
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
	if x.Time[xray.StateRunning] <= 0 || x.Length < 20*time.Millisecond {
		t.Errorf("running %v in a run of %v", x.Time[xray.StateRunning], x.Length)
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
	if _, err := xray.Read(context.Background(), bytes.NewReader(buf.Bytes()), "another"); !errors.Is(err, xray.ErrNoRun) {
		t.Errorf("an absent task: %v, want xray.ErrNoRun", err)
	}
}

// TestXraySummarisesALargeRun: ten thousand goroutines make ten thousand
// members but only xray.MaxLanes lanes.
func TestXraySummarisesALargeRun(t *testing.T) {
	buf := traced(t, "crowd", func(ctx context.Context) {
		p, err := techniques.Park(ctx, techniques.Goroutines, 10_000, nil)
		if err != nil {
			t.Fatal(err)
		}
		p.Release()
	})
	x, err := xray.Read(context.Background(), buf, "crowd")
	if err != nil {
		t.Fatal(err)
	}
	if x.Total < 10_000 || len(x.Goroutines) != xray.MaxLanes {
		t.Errorf("%d goroutines, %d lanes; want at least 10000 and %d", x.Total, len(x.Goroutines), xray.MaxLanes)
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
	var calls []xray.Progress
	x, err := xray.ReadProgress(context.Background(), buf.Bytes(), "twice", func(p xray.Progress) { calls = append(calls, p) })
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
	var last xray.Progress
	x, err := xray.ReadProgress(context.Background(), buf.Bytes(), "cut", func(p xray.Progress) { last = p })
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

// BenchmarkFlightRecorderOverhead runs the same workload (the mutex counter,
// 1000+1000 goroutines × 100 updates) with and without a flight recorder
// like the app's, to show what keeping the X-ray's trace costs.
func BenchmarkFlightRecorderOverhead(b *testing.B) {
	work := func() {
		techniques.RunRace(context.Background(), techniques.Mutex, techniques.RaceConfig{Pairs: 1000, Updates: 100})
	}
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

// record runs work as a trace task named task under a flight recorder
// like a child process's (it keeps the whole run, up to 64 MiB, cut in
// generations of a quarter second), or like the app's (uncut) if not
// inChild, and returns its trace: what an X-ray reads after a run.
func record(task string, inChild bool, work func(ctx context.Context) error) ([]byte, error) {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Hour, MaxBytes: 64 << 20})
	if err := fr.Start(); err != nil {
		return nil, err
	}
	defer fr.Stop()
	stopCutting := func() {}
	if inChild {
		stopCutting = child.CutGenerations(fr)
	}
	ctx, tk := trace.NewTask(context.Background(), task)
	err := work(ctx)
	tk.End()
	stopCutting()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_, err = fr.WriteTo(&buf)
	return buf.Bytes(), err
}

// primaryRuns are the race, goroutines and server panels' primary demos
// with their default settings, each recorded once, as the app runs them:
// the race and goroutines runs in a child process whose recorder keeps
// the whole job (here in this one, the same way); the server in the app.
var primaryRuns = []struct {
	task  string
	trace func() ([]byte, error)
}{
	{"race", sync.OnceValues(func() ([]byte, error) {
		// Every strategy, 1000+1000 goroutines × 1000 updates.
		return record("race", true, func(ctx context.Context) error {
			return techniques.RunStrategies(ctx, techniques.RaceConfig{Pairs: 1000, Updates: 1000}, func(techniques.RaceResult) error { return nil })
		})
	})},
	{"goroutines", sync.OnceValues(func() ([]byte, error) {
		// 100,000 goroutines parked, then 1,000 threads.
		return record("goroutines", true, func(ctx context.Context) error {
			crowds := []techniques.Crowd{{Kind: techniques.Goroutines, N: 100_000}, {Kind: techniques.Threads, N: 1000}}
			return techniques.ParkCrowds(ctx, crowds, func(techniques.ScaleReport) error { return nil })
		})
	})},
	{"server", sync.OnceValues(func() ([]byte, error) {
		// Every mode: 64 clients × 2 requests, a 20 ms database.
		s, err := techniques.StartServer()
		if err != nil {
			return nil, err
		}
		defer s.Close()
		return record("server", false, func(ctx context.Context) error {
			for _, m := range techniques.ServerModes {
				s.SetConfig(techniques.ServerConfig{Mode: m, Workers: 8, DBConns: 16, Latency: 20 * time.Millisecond})
				if _, err := techniques.Load(ctx, techniques.LoadConfig{URL: s.URL, Clients: 64, Requests: 2}, nil); err != nil {
					return err
				}
			}
			return nil
		})
	})},
}

// BenchmarkRead reads each primary demo's run out of its trace, as the
// X-ray tab does once the run ends. The goal: under a second (ms/xray).
func BenchmarkRead(b *testing.B) {
	for _, run := range primaryRuns {
		b.Run(run.task, func(b *testing.B) {
			traced, err := run.trace()
			if err != nil {
				b.Skip(err)
			}
			b.SetBytes(int64(len(traced)))
			b.ReportAllocs()
			for b.Loop() {
				x, err := xray.ReadProgress(context.Background(), traced, run.task, nil) // as the app reads it
				if err != nil || x.Total < 2 {
					b.Fatalf("%v, %+v", err, x)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/xray")
		})
	}
}

// TestFastReadsTheLessonsAsTheTraceReader: the X-ray's own reader and
// golang.org/x/exp/trace make the same of the race, goroutines and server
// panels' runs (smaller than the panels' defaults), recorded as the app
// records them.
func TestFastReadsTheLessonsAsTheTraceReader(t *testing.T) {
	runs := []struct {
		task    string
		inChild bool
		work    func(ctx context.Context) error
	}{
		{"race", true, func(ctx context.Context) error {
			return techniques.RunStrategies(ctx, techniques.RaceConfig{Pairs: 100, Updates: 100}, func(techniques.RaceResult) error { return nil })
		}},
		{"goroutines", true, func(ctx context.Context) error {
			crowds := []techniques.Crowd{{Kind: techniques.Goroutines, N: 2000}, {Kind: techniques.Threads, N: 20}}
			return techniques.ParkCrowds(ctx, crowds, func(techniques.ScaleReport) error { return nil })
		}},
		{"server", false, func(ctx context.Context) error {
			s, err := techniques.StartServer()
			if err != nil {
				return err
			}
			defer s.Close()
			for _, m := range techniques.ServerModes {
				s.SetConfig(techniques.ServerConfig{Mode: m, Workers: 4, DBConns: 4, Latency: 5 * time.Millisecond})
				if _, err := techniques.Load(ctx, techniques.LoadConfig{URL: s.URL, Clients: 8, Requests: 2}, nil); err != nil {
					return err
				}
			}
			return nil
		}},
	}
	for _, run := range runs {
		t.Run(run.task, func(t *testing.T) {
			data, err := record(run.task, run.inChild, run.work)
			if err != nil {
				t.Skip(err)
			}
			x, err := xray.SameBothWays(data, run.task)
			if err != nil {
				t.Fatal(err)
			}
			if x.Total < 2 {
				t.Errorf("%d goroutines in the run, want its own", x.Total)
			}
		})
	}
}

// TestReadStopsWhenCancelled: a reading cancelled returns ctx.Err() at
// once, even while the trace reader takes in a generation of the trace
// (megabytes at its first event), rather than when it has finished. The
// app cancels the reading when the window closes: the exit waits for it.
func TestReadStopsWhenCancelled(t *testing.T) {
	// Goroutines taking turns, under a flight recorder like the app's: its
	// generations are large.
	data, err := record("yield", false, func(ctx context.Context) error {
		var wg sync.WaitGroup
		for range 100 {
			wg.Go(func() {
				for range 2000 {
					runtime.Gosched()
				}
			})
		}
		wg.Wait()
		return nil
	})
	if err != nil {
		t.Skip(err)
	}
	// An uncancelled reading: how long it takes, and when it reports its
	// first events read.
	began := time.Now()
	var firstEvents time.Duration
	_, err = xray.ReadProgress(context.Background(), data, "yield", func(p xray.Progress) {
		if p.Events > 0 && firstEvents == 0 {
			firstEvents = time.Since(began)
		}
	})
	full := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cancel func(p xray.Progress) bool // whether to cancel at this report
		// soon is how soon, at most, it must return once cancelled.
		soon time.Duration
	}{
		// Before an uncancelled reading has even read its first events.
		{"as it starts", func(xray.Progress) bool { return true }, firstEvents / 4},
		{"once it has read events", func(p xray.Progress) bool { return p.Events > 0 && p.Done < 1 }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent()) // no reading goroutine outlives it
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var at time.Time
			began := time.Now()
			_, err := xray.ReadProgress(ctx, data, "yield", func(p xray.Progress) {
				if at.IsZero() && tt.cancel(p) {
					cancel()
					at = time.Now()
				}
			})
			if at.IsZero() {
				t.Skipf("the reading ended (in %v) before a report to cancel at", time.Since(began))
			}
			took, left := time.Since(at), full-at.Sub(began)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled, it returned %v, want context.Canceled", err)
			}
			// Ratios, not times: the machine may be busy.
			if soon := cmp.Or(tt.soon, left/4); took > soon {
				t.Errorf("it returned %v after the cancel, want at most %v; the whole reading takes %v (%v were left), its first events come at %v",
					took, soon, full, left, firstEvents)
			}
		})
	}
}

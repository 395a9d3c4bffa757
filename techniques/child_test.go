package techniques

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"concurrencylab/techniques/xray"
)

func TestRaceInChildReportsEveryStrategyAndItsTrace(t *testing.T) {
	var got []RaceResult
	traced, err := RaceInChild(context.Background(), RaceConfig{Pairs: 50, Updates: 20}, "race-child", func(r RaceResult) {
		got = append(got, r)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(Strategies) {
		t.Fatalf("%d reports, want one per strategy: %+v", len(got), got)
	}
	for i, r := range got {
		if r.Strategy != Strategies[i] || (r.Took <= 0) != (r.NotRun != "") {
			t.Errorf("report %d: %v in %v (not run: %q); want %v with a time, unless not run", i, r.Strategy, r.Took, r.NotRun, Strategies[i])
		}
		if (r.Strategy == Mutex || r.Strategy == Atomic || r.Strategy == Owner) && (r.Final != 0 || r.Lost() != 0) {
			t.Errorf("%v ended at %d with %d lost in the child, want 0 and 0", r.Strategy, r.Final, r.Lost())
		}
		if r.Strategy == SingleProc && r.Procs != 1 {
			t.Errorf("%v ran with GOMAXPROCS %d in the child, want 1", r.Strategy, r.Procs)
		}
	}
	// The trace is the child's: it holds the 2×50 goroutines of each strategy.
	x, err := xray.Read(context.Background(), bytes.NewReader(traced), "race-child")
	if err != nil {
		t.Fatal(err)
	}
	if x.Total < 4*100 {
		t.Errorf("the child's trace shows %d goroutines in the run, want at least %d", x.Total, 4*100)
	}
}

func TestRaceRunsInChild(t *testing.T) {
	var calls, last int
	samples, traced, err := RaceRunsInChild(context.Background(), RaceConfig{Pairs: 10, Updates: 5}, 3, "hist", func(done, total int) {
		if done <= last || total != 3*len(Strategies) {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		calls, last = calls+1, done
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 3*len(Strategies) || len(traced) == 0 {
		t.Errorf("%d progress reports and a trace of %d bytes; want %d and a trace", calls, len(traced), 3*len(Strategies))
	}
	for _, s := range Strategies {
		want := 3
		if s == PlainIncrement && RaceDetector {
			want = 0 // not run in a race-detector build
		}
		if len(samples[s]) != want {
			t.Errorf("%v: %d values, want %d", s, len(samples[s]), want)
		}
	}
	for _, r := range samples[Mutex] {
		if r.Final != 0 || r.Lost != 0 {
			t.Errorf("mutex ended at %d with %d lost", r.Final, r.Lost)
		}
	}
}

func TestInChildCancelKillsTheChild(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	began := time.Now()
	var reports int
	_, err := InChild(ctx, "race-histogram", raceHistogramSpec{RaceConfig{Pairs: 1000, Updates: 100}, 10_000}, ChildOptions{}, func(raceHistogramReport) error {
		if reports++; reports == 1 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if took := time.Since(began); took > 20*time.Second {
		t.Errorf("the cancelled child took %v to end (the whole job takes minutes)", took)
	}
}

func TestInChildRefusals(t *testing.T) {
	ignore := func(RaceResult) error { return nil }
	if _, err := InChild(context.Background(), "no-such-job", nil, ChildOptions{}, ignore); err == nil || !strings.Contains(err.Error(), "no-such-job") {
		t.Errorf("an unknown job: err = %v", err)
	}
	if _, err := InChild(context.Background(), "race", RaceConfig{Pairs: 0, Updates: 5}, ChildOptions{}, ignore); err == nil || !strings.Contains(err.Error(), "pairs must be") {
		t.Errorf("a bad config: err = %v", err)
	}
	stop := errors.New("seen enough")
	if _, err := InChild(context.Background(), "race", RaceConfig{Pairs: 10, Updates: 5}, ChildOptions{}, func(RaceResult) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("onReport's error: err = %v", err)
	}
}

func TestParkInChildMeasuresTheChild(t *testing.T) {
	before := Measure()
	var progress, measured []ScaleReport
	traced, err := ParkInChild(context.Background(), []Crowd{{Goroutines, 5000}, {Threads, 30}}, "scale", func(r ScaleReport) {
		if r.Parked != nil {
			measured = append(measured, r)
		} else {
			progress = append(progress, r)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(measured) != 2 || len(progress) == 0 || len(traced) == 0 {
		t.Fatalf("%d measurements, %d progress reports, a trace of %d bytes; want 2, some, and a trace", len(measured), len(progress), len(traced))
	}
	g, th := measured[0].Parked, measured[1].Parked
	if g.Kind != Goroutines || g.N != 5000 || g.After.Goroutines < 5000 || g.Took <= 0 {
		t.Errorf("goroutines: %+v", g)
	}
	if measured[0].After.Goroutines >= 5000 {
		t.Errorf("%d goroutines in the child after the release", measured[0].After.Goroutines)
	}
	if th.Kind != Threads || (before.Proc && th.After.Threads < 30) {
		t.Errorf("threads: %+v", th)
	}
	// The crowds were the child's: this process never held them.
	if now := Measure(); now.Goroutines > before.Goroutines+5 {
		t.Errorf("this process has %d goroutines, had %d", now.Goroutines, before.Goroutines)
	}
	if _, err := ParkInChild(context.Background(), []Crowd{{Threads, MaxThreads + 1}}, "", func(ScaleReport) {}); err == nil || !strings.Contains(err.Error(), "too many") {
		t.Errorf("too many threads: err = %v", err)
	}
}

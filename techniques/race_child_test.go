package techniques

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"concurrencylab/techniques/child"
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

func TestRaceInChildRefusals(t *testing.T) {
	ignore := func(RaceResult) error { return nil }
	if _, err := raceJob.Run(context.Background(), RaceConfig{Pairs: 0, Updates: 5}, child.Options{}, ignore); err == nil || !strings.Contains(err.Error(), "pairs must be") {
		t.Errorf("a bad config: err = %v", err)
	}
	stop := errors.New("seen enough")
	if _, err := raceJob.Run(context.Background(), RaceConfig{Pairs: 10, Updates: 5}, child.Options{}, func(RaceResult) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("onReport's error: err = %v", err)
	}
}

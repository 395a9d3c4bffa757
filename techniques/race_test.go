package techniques

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"concurrencylab/techniques/child"
)

// TestRaceSynchronizedStrategiesLoseNothing is not parallel: goleak would
// count the goroutines of tests running beside it as leaks.
func TestRaceSynchronizedStrategiesLoseNothing(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, s := range []Strategy{Mutex, Atomic, Owner} {
		for _, cfg := range []RaceConfig{{1, 1}, {1000, 1}, {100, 100}} {
			t.Run(fmt.Sprintf("%v/%d×%d", s, cfg.Pairs, cfg.Updates), func(t *testing.T) {
				r, err := RunRace(context.Background(), s, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if r.Final != 0 || r.Lost() != 0 || r.Overwrite != nil || r.NotRun != "" {
					t.Errorf("final = %d, lost = %d, overwrite = %v, not run %q; want 0, 0, none and run", r.Final, r.Lost(), r.Overwrite, r.NotRun)
				}
			})
		}
	}
}

// TestRaceLostUpdatesAreCountedExactly drives the split counter's read and
// write by hand, in interleavings whose losses are known.
func TestRaceLostUpdatesAreCountedExactly(t *testing.T) {
	t.Parallel()
	type step struct {
		read   bool // read, or write back what this worker read
		worker int
		delta  int64
	}
	r := func(w int, d int64) step { return step{true, w, d} }
	w := func(w int, d int64) step { return step{false, w, d} }
	tests := []struct {
		name               string
		steps              []step
		final              int64
		lostUps, lostDowns int64
		overwrites         int64
		shown              *Overwrite
	}{
		{"one after another", []step{r(0, 1), w(0, 1), r(1, -1), w(1, -1)}, 0, 0, 0, 0, nil},
		{"both read 0", []step{r(0, 1), r(1, -1), w(0, 1), w(1, -1)}, -1, 1, 0, 1,
			&Overwrite{Worker: 1, Read: 0, Wrote: -1, Other: 0, OtherWrote: 1}},
		// Losses of both kinds cancel: the final 0 hides two lost updates.
		{"losses cancel to 0", []step{r(0, 1), r(1, -1), w(0, 1), w(1, -1), r(2, 1), r(3, -1), w(3, -1), w(2, 1)}, 0, 1, 1, 2,
			&Overwrite{Worker: 1, Read: 0, Wrote: -1, Other: 0, OtherWrote: 1}},
		// Worker 1 overwrites worker 0's +1, then worker 2, which had read
		// that +1, writes over worker 1 and brings it back: two overwrites,
		// one update lost (worker 1's −1). Counting overwrites would say 2.
		{"an overwritten update comes back", []step{r(1, -1), r(0, 1), w(0, 1), r(2, 1), w(1, -1), w(2, 1)}, 2, 0, 1, 2,
			&Overwrite{Worker: 1, Read: 0, Wrote: -1, Other: 0, OtherWrote: 1}},
		// ABA: between worker 3's read of 1 and its write, a −1 and a +1 put
		// the value back to 1. Comparing values would see nothing.
		{"a −1 and a +1 in the gap", []step{r(0, 1), w(0, 1), r(3, 1), r(1, -1), w(1, -1), r(2, 1), w(2, 1), w(3, 1)}, 2, 1, 1, 1,
			&Overwrite{Worker: 3, Read: 1, Wrote: 2, Other: 2, OtherWrote: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newSplitCounter()
			reads := map[int]*write{}
			made := map[int64]int64{}
			for _, s := range tt.steps {
				if s.read {
					reads[s.worker] = c.read()
				} else {
					c.writeBack(s.worker, reads[s.worker], s.delta)
					made[s.delta]++
				}
			}
			n := c.tally()
			got := RaceResult{Final: n.value(), LostUps: made[1] - n.ups(), LostDowns: made[-1] - n.downs()}
			if got.Final != tt.final || got.LostUps != tt.lostUps || got.LostDowns != tt.lostDowns {
				t.Errorf("final %d, lost +1s %d, lost −1s %d; want %d, %d, %d", got.Final, got.LostUps, got.LostDowns, tt.final, tt.lostUps, tt.lostDowns)
			}
			if o := c.overwrites.Load(); o != tt.overwrites {
				t.Errorf("%d overwrites, want %d", o, tt.overwrites)
			}
			if sh := c.overwrite(); (sh == nil) != (tt.shown == nil) || sh != nil && *sh != *tt.shown {
				t.Errorf("overwrite shown %+v, want %+v", sh, tt.shown)
			}
		})
	}
}

func TestRaceLoadYieldStoreLosesUpdates(t *testing.T) {
	t.Parallel()
	// Lost updates are likely, not certain: try a few times before failing.
	for try := range 5 {
		r, err := RunRace(context.Background(), LoadYieldStore, RaceConfig{Pairs: 200, Updates: 200})
		if err != nil {
			t.Fatal(err)
		}
		if r.Final != r.LostDowns-r.LostUps {
			t.Errorf("final %d, but %d −1s and %d +1s lost", r.Final, r.LostDowns, r.LostUps)
		}
		if o := r.Overwrite; o != nil && (o.Wrote-o.Read != 1 && o.Wrote-o.Read != -1 || o.Other == o.Worker || o.Other < 0) {
			t.Errorf("overwrite %+v: want a write of the read ±1 over another goroutine's write", *o)
		}
		if r.Lost() > 0 && r.Overwrite != nil {
			return
		}
		t.Logf("try %d: final %d, lost %d, overwrite %v", try, r.Final, r.Lost(), r.Overwrite)
	}
	t.Error("no lost update in 5 runs of 400 goroutines × 200 updates")
}

// TestRacePlainIncrementCounts checks the data race's counts add up. It
// need not lose anything: on a busy machine its goroutines seldom overlap.
func TestRacePlainIncrementCounts(t *testing.T) {
	if RaceDetector {
		t.Skip("the race detector would report the data race")
	}
	t.Parallel()
	cfg := RaceConfig{Pairs: 200, Updates: 2000}
	r, err := RunRace(context.Background(), PlainIncrement, cfg)
	if err != nil {
		t.Fatal(err)
	}
	made := int64(cfg.Pairs * cfg.Updates)
	if r.Final != r.LostDowns-r.LostUps || r.LostUps < 0 || r.LostDowns < 0 || r.LostUps > made || r.LostDowns > made {
		t.Errorf("final %d, %d +1s and %d −1s lost of %d each", r.Final, r.LostUps, r.LostDowns, made)
	}
	t.Logf("final %d, lost %d", r.Final, r.Lost())
}

func TestRacePlainIncrementIsNotRunUnderTheRaceDetector(t *testing.T) {
	t.Parallel()
	r, err := RunRace(context.Background(), PlainIncrement, RaceConfig{Pairs: 2, Updates: 2})
	if err != nil {
		t.Fatal(err)
	}
	if RaceDetector != (r.NotRun != "") {
		t.Errorf("race detector %v, not run %q", RaceDetector, r.NotRun)
	}
}

// TestRaceSingleProcRestoresGOMAXPROCS is not parallel: it changes
// GOMAXPROCS for the whole test process while it runs.
func TestRaceSingleProcRestoresGOMAXPROCS(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	r, err := RunRace(context.Background(), SingleProc, RaceConfig{Pairs: 50, Updates: 20})
	if err != nil {
		t.Fatal(err)
	}
	if r.Procs != 1 || runtime.GOMAXPROCS(0) != before {
		t.Errorf("ran with GOMAXPROCS %d, left it at %d; want 1, then %d again", r.Procs, runtime.GOMAXPROCS(0), before)
	}
	// One goroutine at a time, and each yields between its read and its
	// write: the next one reads the same value.
	if r.Lost() == 0 || r.Final != r.LostDowns-r.LostUps {
		t.Errorf("lost %d (+1s %d, −1s %d), final %d; want losses that add up to the final value", r.Lost(), r.LostUps, r.LostDowns, r.Final)
	}
}

func TestRaceCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, s := range Strategies {
		if _, err := RunRace(ctx, s, RaceConfig{Pairs: 10, Updates: 10}); !errors.Is(err, context.Canceled) {
			t.Errorf("%v: err = %v, want context.Canceled", s, err)
		}
	}
	for _, cfg := range []RaceConfig{{0, 1}, {1, 0}, {MaxPairs + 1, 1}, {1, MaxUpdates + 1}} {
		if _, err := RunRace(context.Background(), Mutex, cfg); err == nil {
			t.Errorf("%+v was accepted", cfg)
		}
	}
}

// TestRaceHistogram is not parallel: SingleProc changes GOMAXPROCS for the
// whole test process while it runs.
func TestRaceHistogram(t *testing.T) {
	var calls int
	h, err := RaceHistogram(context.Background(), RaceConfig{Pairs: 5, Updates: 5}, 3, func(done, total int) {
		calls++
		if done != calls || total != 3*len(Strategies) {
			t.Errorf("progress(%d, %d) at call %d", done, total, calls)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Strategies {
		want := 3
		if s == PlainIncrement && RaceDetector {
			want = 0 // not run
		}
		if len(h[s]) != want {
			t.Errorf("%v: %d runs, want %d", s, len(h[s]), want)
		}
	}
	if !slices.Equal(h[Mutex], []RaceSample{{}, {}, {}}) {
		t.Errorf("mutex runs %v, want all 0 and nothing lost", h[Mutex])
	}
}

// raceDetectorDemo runs one counter in a child process of this test binary,
// directly: RunRace skips the plain n += 1 under -race.
var raceDetectorDemo = child.Register("race-detector-demo", func(ctx context.Context, s Strategy, _ func(struct{}) error) error {
	cfg := RaceConfig{Pairs: 4, Updates: 2000}
	switch s {
	case PlainIncrement:
		return hammer(ctx, &plainCounter{}, cfg)
	case LoadYieldStore:
		return hammer(ctx, newSplitCounter(), cfg)
	}
	return fmt.Errorf("no race-detector demo for %v", s)
})

// The race detector's verdicts: the plain n += 1 is a data race and is
// reported; the atomic load, yield, atomic store loses updates too, but has
// no data race, and the detector rightly stays quiet.
func TestRaceDetectorReportsOnlyTheDataRace(t *testing.T) {
	if !RaceDetector {
		t.Skip("needs the race detector: go test -race")
	}
	t.Parallel()
	tests := []struct {
		s        Strategy
		reported bool
		exit     int // the race detector exits with 66 after a report
	}{
		{PlainIncrement, true, 66},
		{LoadYieldStore, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.s.String(), func(t *testing.T) {
			t.Parallel()
			_, err := raceDetectorDemo.Run(context.Background(), tt.s, child.Options{Env: []string{"GORACE=atexit_sleep_ms=0"}}, nil)
			exit, stderr := 0, ""
			if ee, ok := errors.AsType[*child.ExitError](err); ok {
				exit, stderr = ee.Code, ee.Stderr
			} else if err != nil {
				t.Fatal(err)
			}
			// A clean exit means no report: the detector exits with 66 after one.
			reported := strings.Contains(stderr, "WARNING: DATA RACE")
			if reported != tt.reported || exit != tt.exit {
				t.Errorf("data race reported %v, exit %d; want %v and %d. Its stderr:\n%s", reported, exit, tt.reported, tt.exit, stderr)
			}
			if tt.reported && !strings.Contains(stderr, "plainCounter") {
				t.Errorf("the report does not point at plainCounter:\n%s", stderr)
			}
		})
	}
}

func TestBin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		values     []int64
		bins       int
		wantEdges  []int64
		wantCounts []int
	}{
		{nil, 5, nil, nil},
		{[]int64{0, 0, 0}, 5, []int64{0}, []int{3}},
		{[]int64{-2, -1, 0, 1, 2}, 5, []int64{-2, -1, 0, 1, 2}, []int{1, 1, 1, 1, 1}},
		{[]int64{0, 10}, 2, []int64{0, 6}, []int{1, 1}},
		{[]int64{1, 2, 3, 4}, 2, []int64{1, 3}, []int{2, 2}},
	}
	for _, tt := range tests {
		edges, counts := Bin(tt.values, tt.bins)
		if !slices.Equal(edges, tt.wantEdges) || !slices.Equal(counts, tt.wantCounts) {
			t.Errorf("Bin(%v, %d) = %v, %v; want %v, %v", tt.values, tt.bins, edges, counts, tt.wantEdges, tt.wantCounts)
		}
	}
}

func TestBinAligned(t *testing.T) {
	t.Parallel()
	tests := []struct {
		values     []int64
		bins       int
		wantEdges  []int64
		wantCounts []int
	}{
		{nil, 5, nil, nil},
		{[]int64{7, 7}, 5, []int64{7}, []int{2}},
		// Bin would make edges −3 and 1, and put the 0 under −3.
		{[]int64{-3, 0, 4}, 2, []int64{-4, 0, 4}, []int{1, 1, 1}},
		{[]int64{-5, 0, 3}, 2, []int64{-5, 0}, []int{1, 2}},
		{[]int64{1, 2, 3, 4}, 2, []int64{0, 2, 4}, []int{1, 2, 1}},
	}
	for _, tt := range tests {
		edges, counts := BinAligned(tt.values, tt.bins)
		if !slices.Equal(edges, tt.wantEdges) || !slices.Equal(counts, tt.wantCounts) {
			t.Errorf("BinAligned(%v, %d) = %v, %v; want %v, %v", tt.values, tt.bins, edges, counts, tt.wantEdges, tt.wantCounts)
		}
	}
}

func ExampleRunRace() {
	r, _ := RunRace(context.Background(), Mutex, RaceConfig{Pairs: 1000, Updates: 10})
	fmt.Println(r.Strategy, r.Final, r.Lost())
	// Output: sync.Mutex 0 0
}

func BenchmarkRace(b *testing.B) {
	for _, s := range Strategies {
		b.Run(s.String(), func(b *testing.B) {
			for b.Loop() {
				RunRace(context.Background(), s, RaceConfig{Pairs: 1000, Updates: 100})
			}
		})
	}
}

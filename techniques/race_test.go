package techniques

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"go.uber.org/goleak"
)

func TestRaceSynchronizedStrategiesAreExact(t *testing.T) {
	t.Parallel()
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, s := range []Strategy{Mutex, Atomic, Owner} {
		for _, cfg := range []RaceConfig{{1, 1}, {1000, 1}, {100, 100}} {
			t.Run(fmt.Sprintf("%v/%d×%d", s, cfg.Pairs, cfg.Updates), func(t *testing.T) {
				r, err := RunRace(context.Background(), s, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if r.Final != 0 || r.Lost != nil {
					t.Errorf("final = %d, lost = %v; want 0 and none", r.Final, r.Lost)
				}
			})
		}
	}
}

func TestRaceUnsynchronizedLosesUpdates(t *testing.T) {
	t.Parallel()
	// Lost updates are likely, not certain: try a few times before failing.
	for try := range 5 {
		r, err := RunRace(context.Background(), Unsynchronized, RaceConfig{Pairs: 200, Updates: 200})
		if err != nil {
			t.Fatal(err)
		}
		if r.Lost != nil {
			if r.Lost.Wrote != r.Lost.Read+1 && r.Lost.Wrote != r.Lost.Read-1 {
				t.Errorf("lost update %+v: the write must be the read plus or minus one", *r.Lost)
			}
			return
		}
		t.Logf("try %d: final %d, no lost update seen", try, r.Final)
	}
	t.Error("no lost update in 5 runs of 400 goroutines × 200 updates")
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
	if _, err := RunRace(context.Background(), Mutex, RaceConfig{Pairs: 0, Updates: 1}); err == nil {
		t.Error("0 pairs was accepted")
	}
}

func TestRaceHistogram(t *testing.T) {
	t.Parallel()
	var calls int
	h, err := RaceHistogram(context.Background(), RaceConfig{Pairs: 5, Updates: 5}, 3, func(done, total int) {
		calls++
		if done != calls || total != 12 {
			t.Errorf("progress(%d, %d) at call %d", done, total, calls)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Strategies {
		if len(h[s]) != 3 {
			t.Errorf("%v: %d values, want 3", s, len(h[s]))
		}
	}
	if !slices.Equal(h[Mutex], []int64{0, 0, 0}) {
		t.Errorf("mutex values %v, want all 0", h[Mutex])
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

func ExampleRunRace() {
	r, _ := RunRace(context.Background(), Mutex, RaceConfig{Pairs: 1000, Updates: 10})
	fmt.Println(r.Strategy, r.Final)
	// Output: sync.Mutex 0
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

package techniques

import (
	"context"
	"strings"
	"testing"
)

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

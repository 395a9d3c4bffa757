package techniques

import (
	"context"
	"errors"
	"math"
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestRunThreads(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cfg := ThreadsConfig{Workers: 6, Lines: 5, Work: time.Millisecond}
	var lines []ThreadLine
	if err := RunThreads(context.Background(), cfg, func(l ThreadLine) { lines = append(lines, l) }); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 30 {
		t.Fatalf("%d lines, want 30", len(lines))
	}
	next := map[int]int{}
	tids := map[int]int{} // thread ID → worker
	for _, l := range lines {
		if l.Line != next[l.Worker] {
			t.Errorf("worker %d printed line %d, want %d: a worker's own lines come in order", l.Worker, l.Line, next[l.Worker])
		}
		next[l.Worker]++
		if runtime.GOOS == "linux" {
			if w, ok := tids[l.ThreadID]; ok && w != l.Worker {
				t.Errorf("workers %d and %d share OS thread %d", w, l.Worker, l.ThreadID)
			}
			tids[l.ThreadID] = l.Worker
		}
	}
	if runtime.GOOS == "linux" && len(tids) != 6 {
		t.Errorf("%d distinct OS threads, want 6", len(tids))
	}
}

func TestRunThreadsSequentially(t *testing.T) {
	t.Parallel()
	var order []int
	RunThreadsSequentially(context.Background(), ThreadsConfig{Workers: 3, Lines: 2}, func(l ThreadLine) {
		order = append(order, l.Worker)
	})
	want := []int{0, 0, 1, 1, 2, 2}
	if len(order) != len(want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
}

func TestRunThreadsCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := RunThreads(ctx, ThreadsConfig{Workers: 4, Lines: 100, Work: time.Millisecond}, func(ThreadLine) {})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestMostAtOnce(t *testing.T) {
	t.Parallel()
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	span := func(w, from, to int) ThreadLine { return ThreadLine{Worker: w, Began: ms(from), Worked: ms(to)} }
	tests := []struct {
		name  string
		lines []ThreadLine
		want  int
	}{
		{"none", nil, 0},
		{"one after another", []ThreadLine{span(0, 0, 5), span(1, 5, 10), span(2, 10, 15)}, 1},
		{"two overlap", []ThreadLine{span(0, 0, 5), span(1, 3, 8)}, 2},
		{"three then two", []ThreadLine{span(0, 0, 10), span(1, 2, 4), span(2, 3, 5), span(3, 6, 9)}, 3},
		{"no work", []ThreadLine{span(0, 5, 5), span(1, 5, 5)}, 0},
	}
	for _, tt := range tests {
		if got := MostAtOnce(tt.lines); got != tt.want {
			t.Errorf("%s: MostAtOnce = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestThreadLineNamesNoUnknownThread(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		l    ThreadLine
		want string
	}{
		{ThreadLine{Worker: 2, ThreadID: 4711, Line: 3}, "worker 2 (thread 4711) prints line 3"},
		{ThreadLine{Worker: 2, ThreadID: -1, Line: 3}, "worker 2 prints line 3"}, // off Linux
	} {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}

func TestCoresBusy(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	for _, c := range []struct {
		name  string
		lines []ThreadLine
		want  float64
		ok    bool
	}{
		{"one burst on a core all along", []ThreadLine{{Began: 0, Worked: 5 * ms, CPU: 5 * ms}}, 1, true},
		{"two at once, a core each", []ThreadLine{{Began: 0, Worked: 5 * ms, CPU: 5 * ms}, {Began: 0, Worked: 5 * ms, CPU: 5 * ms}}, 2, true},
		{"two at once, taking turns on one core", []ThreadLine{{Began: 0, Worked: 5 * ms, CPU: 2500 * time.Microsecond}, {Began: 0, Worked: 5 * ms, CPU: 2500 * time.Microsecond}}, 1, true},
		{"a gap between bursts is not counted", []ThreadLine{{Began: 0, Worked: 5 * ms, CPU: 5 * ms}, {Began: 100 * ms, Worked: 105 * ms, CPU: 5 * ms}}, 1, true},
		{"overlapping by half", []ThreadLine{{Began: 0, Worked: 4 * ms, CPU: 4 * ms}, {Began: 2 * ms, Worked: 6 * ms, CPU: 4 * ms}, {Began: 3 * ms, Worked: 5 * ms, CPU: 0}}, 8.0 / 6, true},
		{"not measured", []ThreadLine{{Began: 0, Worked: 5 * ms, CPU: -1}}, 0, false},
		{"nothing", nil, 0, false},
	} {
		got, ok := CoresBusy(c.lines)
		if ok != c.ok || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s: CoresBusy = %v, %v; want %v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

package techniques

import (
	"context"
	"errors"
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

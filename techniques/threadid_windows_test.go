package techniques

import (
	"context"
	"testing"
	"time"
)

// On Windows every worker of RunThreads names its own OS thread
// (GetCurrentThreadId), never -1, and no two workers share one. Run it with
// the test binary built for windows/amd64, under Windows or Wine.
func TestRunThreadsWindowsThreadIDs(t *testing.T) {
	t.Parallel()
	cfg := ThreadsConfig{Workers: 10, Lines: 3, Work: time.Millisecond}
	owner := map[int]int{} // thread ID → worker
	err := RunThreads(context.Background(), cfg, func(l ThreadLine) {
		if l.ThreadID <= 0 {
			t.Errorf("worker %d: thread ID %d, want the real one", l.Worker, l.ThreadID)
		}
		if w, ok := owner[l.ThreadID]; ok && w != l.Worker {
			t.Errorf("workers %d and %d share OS thread %d", w, l.Worker, l.ThreadID)
		}
		owner[l.ThreadID] = l.Worker
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(owner) != cfg.Workers {
		t.Errorf("%d distinct OS threads, want %d", len(owner), cfg.Workers)
	}
}

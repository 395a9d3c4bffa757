package techniques

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"concurrencylab/techniques/child"
)

// TestMain lets this test binary serve as the child processes of its tests.
func TestMain(m *testing.M) {
	child.RunIfAsked()
	os.Exit(m.Run())
}

// stateTime adds up the tasks' time in each state.
func stateTime(r RunResult) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, t := range r.Tasks {
		for _, s := range t.Segments {
			out[s.State] += s.To - s.From
		}
	}
	return out
}

func TestOverviewModes(t *testing.T) {
	const n, length = 4, 60 * time.Millisecond
	ctx := context.Background()
	run := func(mode Mode, w Work) RunResult {
		t.Helper()
		r, err := RunInChild(ctx, mode, w)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Tasks) != n || r.Mode != mode {
			t.Fatalf("%s: %d tasks, mode %s", mode, len(r.Tasks), r.Mode)
		}
		if !r.Traced {
			t.Fatalf("%s/%s: the states were not read from the child's trace", mode, w.Kind)
		}
		return r
	}
	blocking := NewWork(Blocking, n, length)
	seq, one, par := run(Sequential, blocking), run(OneCPU, blocking), run(Parallel, blocking)
	// Blocking tasks overlap even one goroutine at a time: by the child's own
	// trace, tasks wait at the same instant, which one after another they never
	// do. (How much faster that makes the run is a timing, measured by the
	// panel; on a loaded machine a child at low priority can start late.)
	if seq.Wall < n*length {
		t.Errorf("blocking: sequential took %v, less than its %d tasks of %v", seq.Wall, n, length)
	}
	if o := atOnce(seq, StateBlocked); o != 0 {
		t.Errorf("blocking, sequential: tasks waited at the same instant for %v", o)
	}
	for _, r := range []RunResult{one, par} {
		if o := atOnce(r, StateBlocked); o < length/2 {
			t.Errorf("blocking, %s: tasks waited at the same instant for %v in all, want their waits to overlap", r.Mode, o)
		}
	}
	if one.Procs != 1 {
		t.Errorf("the one-CPU child ran with GOMAXPROCS %d", one.Procs)
	}
	// A sleeping task is blocked, by the runtime's own account, most of its time.
	if b := stateTime(one)[StateBlocked]; b < n*length*3/4 {
		t.Errorf("blocking tasks on one CPU were blocked %v, want about %v", b, n*length)
	}

	// CPU-bound tasks with one P take turns: the trace shows them runnable
	// (ready, without a P), and never two running at the same instant.
	cpuOne := run(OneCPU, NewWork(CPUBound, n, length))
	st := stateTime(cpuOne)
	if st[StateRunning] <= 0 || st[StateRunnable] <= 0 || cpuOne.Runnable != st[StateRunnable] {
		t.Errorf("CPU-bound on one CPU: running %v, runnable %v (Runnable %v); want both (the tasks take turns)",
			st[StateRunning], st[StateRunnable], cpuOne.Runnable)
	}
	if o := RunningAtOnce(cpuOne); o != 0 {
		t.Errorf("with GOMAXPROCS=1, tasks ran at the same instant for %v", o)
	}
}

// TestOverviewPinsOneCore checks, where Linux allows it, that the one-CPU
// child's threads may run on one core only, and the parallel child's on
// every core the app may use.
func TestOverviewPinsOneCore(t *testing.T) {
	if !CanPin {
		t.Skip("the child is pinned to a core only on Linux")
	}
	ctx := context.Background()
	w := NewWork(Blocking, 2, 20*time.Millisecond)
	one, err := RunInChild(ctx, OneCPU, w)
	if err != nil {
		t.Fatal(err)
	}
	if one.Cores != 1 || one.Pinned < 0 || one.Procs != 1 {
		t.Errorf("one-CPU child: allowed %d cores, pinned to %d, GOMAXPROCS %d; want 1 core, pinned, 1", one.Cores, one.Pinned, one.Procs)
	}
	par, err := RunInChild(ctx, Parallel, w)
	if err != nil {
		t.Fatal(err)
	}
	if par.Cores != runtime.NumCPU() || par.Pinned != -1 {
		t.Errorf("parallel child: allowed %d cores, pinned %d; want %d, not pinned", par.Cores, par.Pinned, runtime.NumCPU())
	}
	// Each task's thread's time in the kernel's run queue was read.
	if _, ok := one.RunQueue(); !ok {
		t.Error("the kernel's run-queue time was not measured")
	}
}

func TestChunksFor(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		length, per time.Duration
		want        int
	}{
		{100 * time.Millisecond, time.Millisecond, 100},
		{time.Millisecond, 10 * time.Millisecond, 1},   // at least one chunk
		{100 * time.Millisecond, 0, 10_000},            // a clock too coarse to see a chunk: floored, no division by zero
		{100 * time.Millisecond, -time.Second, 10_000}, // a clock that stepped back
	} {
		if got := chunksFor(c.length, c.per); got != c.want {
			t.Errorf("chunksFor(%v, %v) = %d, want %d", c.length, c.per, got, c.want)
		}
	}
	if per := Calibrate(); per < minChunk {
		t.Errorf("Calibrate = %v, below the floor %v", per, minChunk)
	}
}

func TestSpeedup(t *testing.T) {
	t.Parallel()
	if got := Speedup(time.Second, 250*time.Millisecond); got != 4 {
		t.Errorf("Speedup = %v, want 4", got)
	}
	if got := Speedup(time.Second, 0); got != 0 {
		t.Errorf("Speedup by 0 = %v, want 0", got)
	}
}

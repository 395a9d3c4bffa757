package techniques

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestMain lets this test binary serve as the one-CPU child of RunOnOneCPU.
func TestMain(m *testing.M) {
	RunChildIfAsked()
	os.Exit(m.Run())
}

func busy(r RunResult) (running, waiting time.Duration) {
	for _, t := range r.Tasks {
		for _, s := range t.Segments {
			switch s.State {
			case "running":
				running += s.To - s.From
			case "waiting":
				waiting += s.To - s.From
			}
		}
	}
	return
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
		return r
	}
	blocking := NewWork(Blocking, n, length)
	seq, one, par := run(Sequential, blocking), run(OneCPU, blocking), run(Parallel, blocking)
	// Blocking tasks overlap even on one CPU: about n times faster than in sequence.
	if seq.Wall < n*length || Speedup(seq.Wall, one.Wall) < 2.5 || Speedup(seq.Wall, par.Wall) < 2.5 {
		t.Errorf("blocking: sequential %v, one CPU %v, parallel %v; want the concurrent ones about %d× faster", seq.Wall, one.Wall, par.Wall, n)
	}
	if one.Procs != 1 {
		t.Errorf("the one-CPU child ran with GOMAXPROCS %d", one.Procs)
	}

	// CPU-bound tasks gain nothing from taking turns on one CPU: they wait.
	cpu := NewWork(CPUBound, n, length)
	cpuSeq, cpuOne := run(Sequential, cpu), run(OneCPU, cpu)
	if s := Speedup(cpuSeq.Wall, cpuOne.Wall); s > 1.4 {
		t.Errorf("CPU-bound on one CPU is %.1f× faster than sequential (%v vs %v): one CPU cannot do that", s, cpuOne.Wall, cpuSeq.Wall)
	}
	if running, waiting := busy(cpuOne); running <= 0 || waiting <= 0 {
		t.Errorf("CPU-bound on one CPU: running %v, waiting %v; want both (the tasks take turns)", running, waiting)
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

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

	// CPU-bound tasks on one CPU take turns: they wait, and (timing aside,
	// which belongs in benchmarks) no two of them run at the same instant.
	cpuOne := run(OneCPU, NewWork(CPUBound, n, length))
	running, waiting := busy(cpuOne)
	if running <= 0 || waiting <= 0 {
		t.Errorf("CPU-bound on one CPU: running %v, waiting %v; want both (the tasks take turns)", running, waiting)
	}
	// A chunk interrupted midway is drawn as running first, then waiting,
	// wherever in it the task really ran: allow that much overlap.
	if o := overlap(cpuOne); o > running/4 {
		t.Errorf("on one CPU, tasks ran at the same time for %v of %v", o, running)
	}
}

// overlap is how long two or more tasks were running at once, summed.
func overlap(r RunResult) time.Duration {
	var total time.Duration
	for i, a := range r.Tasks {
		for _, b := range r.Tasks[i+1:] {
			for _, sa := range a.Segments {
				for _, sb := range b.Segments {
					if sa.State == "running" && sb.State == "running" {
						total += max(0, min(sa.To, sb.To)-max(sa.From, sb.From))
					}
				}
			}
		}
	}
	return total
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

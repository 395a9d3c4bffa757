package techniques

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestSleepIsAGuessWaitGroupIsExact(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// Ten tasks taking 20, 40 … 200 ms; the article sleeps 100 ms.
		printed, err := StartAndSleep(t.Context(), 10, 200*time.Millisecond, 100*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(printed)
		// Task 4 ends at exactly 100 ms, as the sleep does: which goes first is
		// a coin toss, so only tasks 0–3 are certain.
		if len(printed) < 4 || len(printed) > 5 || !slices.Equal(printed[:4], []int{0, 1, 2, 3}) {
			t.Errorf("sleep: printed %v, want tasks 0–3 (and maybe 4)", printed)
		}
		waited, _ := StartAndWait(t.Context(), 10, 200*time.Millisecond)
		slices.Sort(waited)
		if !slices.Equal(waited, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Errorf("WaitGroup: printed %v, want all ten", waited)
		}
	})
}

func TestMeasureReadsProc(t *testing.T) {
	u := Measure()
	// Only on Linux: under Wine a Windows build also finds Linux's /proc.
	_, err := os.Stat("/proc/self/status")
	if want := err == nil && runtime.GOOS == "linux"; u.Proc != want {
		t.Errorf("Proc = %v on %s, but /proc/self/status: %v", u.Proc, runtime.GOOS, err)
	}
	if u.Proc && (u.Threads < 1 || u.RSS < 1<<20) {
		t.Errorf("%d threads, %d bytes resident: not read", u.Threads, u.RSS)
	}
}

func TestPark(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tt := range []struct {
		kind Kind
		n    int
	}{{Goroutines, 10_000}, {Threads, 50}} {
		t.Run(tt.kind.String(), func(t *testing.T) {
			before := Measure()
			var last int
			p, err := Park(context.Background(), tt.kind, tt.n, func(n int) { last = n })
			if err != nil {
				t.Fatal(err)
			}
			if last != tt.n {
				t.Errorf("progress ended at %d, want %d", last, tt.n)
			}
			// Absolute, not a difference: goroutines of an earlier subtest may
			// still be on their way out while this one counts.
			if p.After.Goroutines < tt.n {
				t.Errorf("%d goroutines while %d are parked", p.After.Goroutines, tt.n)
			}
			// Each parked locked goroutine holds an OS thread of its own; idle
			// threads the process already had may be among them.
			if tt.kind == Threads && before.Threads > 0 && p.After.Threads < tt.n+1 {
				t.Errorf("%d OS threads while %d are parked, want more than %d", p.After.Threads, tt.n, tt.n)
			}
			p.Release()
			p.Release() // twice is fine
		})
	}
}

// TestParkMeasuresGrowthEvenAfterACrowd parks a crowd, releases it, and
// parks another of the same size in the same process: the second must still
// show what its goroutines made resident. Measured from a baseline that
// counted the first crowd's freed pages, it read as nothing, or even below
// zero once the runtime handed those pages back while the second started.
func TestParkMeasuresGrowthEvenAfterACrowd(t *testing.T) {
	if !Measure().Proc {
		t.Skip("no /proc: resident memory is not measured on this OS")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const n = 20_000
	for round := range 2 {
		p, err := Park(context.Background(), Goroutines, n, nil)
		if err != nil {
			t.Fatal(err)
		}
		p.Release()
		// A goroutine's stack alone is 2 KiB: under half of that each, the
		// growth was not theirs. Above 64 KiB each, something else grew.
		if each := p.BytesEach(); each < 1024 || each > 64<<10 {
			t.Errorf("crowd %d: %d bytes each (RSS %d → %d), want about a parked goroutine's few KiB",
				round, each, p.Before.RSS, p.After.RSS)
		}
		if stacks := p.StackBytesEach(); stacks < 1800 || stacks > 4096 {
			t.Errorf("crowd %d: %d bytes of stack each, want 2 to 4 KiB once settled", round, stacks)
		}
	}
}

// TestSettleShrinksStacksOfReusedRecords starts a crowd whose goroutines
// reuse the records of ended ones while the runtime's starting stack size
// is above 2 KiB, as it is in the app's window process: they start with big
// stacks, and Park must measure them after the collections that shrink them,
// not at whatever size the collections during the start happened to leave.
func TestSettleShrinksStacksOfReusedRecords(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	// One parked goroutine deep in its calls, among a handful, raises the
	// average stack the next collection sees, hence the starting size.
	hold := make(chan struct{})
	done := make(chan struct{})
	go func() { deepWait(32, hold); close(done) }()
	defer func() { close(hold); <-done }()
	const n = 5000
	first, err := Park(context.Background(), Goroutines, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	first.Release()
	p, err := Park(context.Background(), Goroutines, n, nil) // reuses the records of the first
	if err != nil {
		t.Fatal(err)
	}
	defer p.Release()
	started := p.StartedStackBytesEach()
	if p.Before.StartStack <= 2048 || started <= 4096 {
		t.Skipf("the starting size stayed %d bytes (%d each as started): nothing to shrink", p.Before.StartStack, started)
	}
	if settled := p.StackBytesEach(); settled >= started {
		t.Errorf("stacks %d bytes each as started, %d settled: not shrunk", started, settled)
	}
}

// deepWait waits on hold about depth KiB deep in its own calls.
func deepWait(depth int, hold chan struct{}) byte {
	var pad [1000]byte
	pad[depth%len(pad)] = byte(depth)
	if depth == 0 {
		<-hold
		return pad[0]
	}
	return deepWait(depth-1, hold) + pad[1]
}

func TestParkCancelReleases(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	p, err := Park(ctx, Goroutines, 100_000, func(n int) {
		if n > 5000 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || p != nil {
		t.Errorf("Park = %v, %v; want nil, context.Canceled", p, err)
	}
}

func TestCheckFits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind      Kind
		n         int
		each, mem uint64
		ok        bool
	}{
		{Goroutines, 1_000_000, 2700, 16 << 30, true},
		{Goroutines, 0, 2700, 16 << 30, false},
		{Goroutines, MaxGoroutines + 1, 0, 0, false},
		{Threads, MaxThreads, 0, 0, true},
		{Threads, MaxThreads + 1, 0, 0, false},
		{Goroutines, 1_000_000, 2700, 1 << 30, false}, // 2.7 GB of 1 GB
	}
	for _, tt := range tests {
		err := CheckFits(tt.kind, tt.n, tt.each, tt.mem)
		if (err == nil) != tt.ok {
			t.Errorf("CheckFits(%v, %d, %d, %d) = %v, want ok %v", tt.kind, tt.n, tt.each, tt.mem, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrTooMany) {
			t.Errorf("error %v is not ErrTooMany", err)
		}
	}
}

func ExampleStartAndWait() {
	printed, _ := StartAndWait(context.Background(), 10, 10*time.Millisecond)
	fmt.Println(len(printed), "of 10 tasks printed")
	// Output: 10 of 10 tasks printed
}

// BenchmarkParkedGoroutine reports the memory of a parked goroutine against
// the runtime's floor, its minimum 2 KiB stack. Each measurement runs in a
// fresh child process: in a process that has parked goroutines before, the
// runtime reuses the records of the ended ones, and the growth reads lower.
func BenchmarkParkedGoroutine(b *testing.B) {
	benchmarkPark(b, Goroutines, 1_000_000)
}

// BenchmarkParkedThread reports the memory of a parked goroutine locked to
// its own OS thread, measured the same way.
func BenchmarkParkedThread(b *testing.B) {
	benchmarkPark(b, Threads, 2000)
}

func benchmarkPark(b *testing.B, kind Kind, n int) {
	var each, stacks, rate float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestParkHelper$", "-test.v")
		cmd.Env = append(os.Environ(), fmt.Sprintf("PARK_HELPER=%d,%d", kind, n))
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		_, rest, _ := strings.Cut(string(out), "PARKED ")
		if _, err := fmt.Sscan(rest, &each, &stacks, &rate); err != nil {
			b.Fatalf("helper said %q: %v", out, err)
		}
	}
	b.ReportMetric(each, "RSS-bytes/unit")
	b.ReportMetric(stacks, "stack-bytes/unit")
	b.ReportMetric(rate, "starts/s")
	if kind == Goroutines {
		b.ReportMetric(each/2048, "x-2KiB-floor")
	}
}

// TestParkHelper is the child process of benchmarkPark; it does nothing in
// an ordinary test run.
func TestParkHelper(t *testing.T) {
	spec := os.Getenv("PARK_HELPER")
	if spec == "" {
		t.Skip("only run as the child process of a benchmark")
	}
	var kind, n int
	fmt.Sscanf(spec, "%d,%d", &kind, &n)
	p, err := Park(context.Background(), Kind(kind), n, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Release()
	fmt.Printf("PARKED %d %d %.0f\n", p.BytesEach(), p.StackBytesEach(), float64(n)/p.Took.Seconds())
}

func TestReleaseFreesOneBatchAtATime(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p, err := Park(context.Background(), Goroutines, 3*batchSize, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := p.batches[0]
	done := make(chan struct{})
	go func() {
		close(first.release)
		first.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Error("the first batch did not end on its own release: some of its goroutines wait on another batch's")
		for _, b := range p.batches[1:] {
			close(b.release) // let every goroutine go, so the test ends
		}
		<-done
	}
	p.Release()
}

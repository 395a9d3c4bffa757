package xray

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/trace"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestFastReadsAsTheTraceReader: readFast and decode (golang.org/x/exp/trace)
// make the same of every generation of traces that hold what programs do:
// goroutines yielding, blocking on locks, channels and sleeps, system calls
// long enough for their P to be taken, coroutines (iter.Pull), collections,
// tasks and regions; and the X-rays put together from either are the same.
func TestFastReadsAsTheTraceReader(t *testing.T) {
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Hour, MaxBytes: 64 << 20})
	if err := fr.Start(); err != nil {
		t.Skip(err)
	}
	// A new generation every 50 ms, as a child's recorder cuts them.
	cutting, cut := make(chan struct{}), sync.WaitGroup{}
	cut.Go(func() {
		for {
			select {
			case <-cutting:
				return
			case <-time.After(50 * time.Millisecond):
				fr.WriteTo(io.Discard)
			}
		}
	})
	ctx, tk := trace.NewTask(context.Background(), "fast")
	work(t, ctx)
	tk.End()
	close(cutting)
	cut.Wait()
	var buf bytes.Buffer
	_, err := fr.WriteTo(&buf)
	fr.Stop()
	if err != nil {
		t.Fatal(err)
	}
	pieces := generations(buf.Bytes())
	if len(pieces) < 3 {
		t.Fatalf("%d generations, want several", len(pieces))
	}
	var fast, slow []*genReading
	var events atomic.Int64
	for i, p := range pieces {
		f, err := readFast(context.Background(), p.body, "fast", &events)
		if err != nil {
			t.Fatalf("generation %d: the fast reader: %v", i, err)
		}
		s, err := decode(context.Background(), p.reader(), "fast", &events)
		if err != nil {
			t.Fatal(err)
		}
		sameReading(t, i, f, s)
		fast, slow = append(fast, f), append(slow, s)
	}
	xf, err := assemble(context.Background(), fast, "fast")
	if err != nil {
		t.Fatal(err)
	}
	xs, err := assemble(context.Background(), slow, "fast")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(xf, xs) {
		t.Errorf("the X-rays differ:\nfast %d goroutines, %v, %v\nslow %d goroutines, %v, %v", xf.Total, xf.Time, xf.Blocked, xs.Total, xs.Time, xs.Blocked)
	}
	if xs.Total < 50 || xs.Time[StateSyscall] == 0 || xs.Blocked["chan receive"] == 0 {
		t.Errorf("the run: %d goroutines, %v, blocked %v; want its goroutines, system calls and channel waits", xs.Total, xs.Time, xs.Blocked)
	}
}

// work does a bit of everything the runtime traces, for ctx's task.
func work(t *testing.T, ctx context.Context) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	n := 0
	ch := make(chan int)
	dir := t.TempDir()
	until := time.Now().Add(300 * time.Millisecond)
	for i := range 48 {
		wg.Go(func() {
			for k := 0; time.Now().Before(until); k++ {
				switch i % 6 {
				case 0:
					runtime.Gosched()
				case 1:
					mu.Lock()
					n++
					mu.Unlock()
				case 2:
					select {
					case ch <- k:
					case <-time.After(time.Millisecond):
					}
				case 3:
					select {
					case <-ch:
					case <-time.After(time.Millisecond):
					}
				case 4:
					// A system call that blocks for long: its P is taken.
					ts := syscall.NsecToTimespec(int64(2 * time.Millisecond))
					syscall.Nanosleep(&ts, nil)
					os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o600)
				case 5:
					next, stop := iter.Pull(func(yield func(int) bool) {
						for j := range 10 {
							if !yield(j) {
								return
							}
						}
					})
					for range 5 {
						next()
					}
					stop()
					time.Sleep(100 * time.Microsecond)
				}
			}
		})
	}
	wg.Go(func() {
		trace.WithRegion(ctx, "fast", func() { time.Sleep(10 * time.Millisecond) })
	})
	runtime.GC()
	wg.Wait()
}

// sameReading fails t unless both readings of generation i hold the same.
func sameReading(t *testing.T, i int, f, s *genReading) {
	t.Helper()
	if !slices.Equal(f.marks, s.marks) {
		t.Errorf("generation %d: marks differ: %d and %d", i, len(f.marks), len(s.marks))
	}
	type step struct {
		transition
		reason, where string
	}
	steps := func(g *genReading, h *history) []step {
		var out []step
		for tr := range h.transitions() {
			out = append(out, step{tr, g.reasons[tr.reason], g.where(tr.stack)})
			out[len(out)-1].transition.reason, out[len(out)-1].transition.stack = 0, 0
		}
		return out
	}
	count := 0
	for id, h := range s.gs.all() {
		count++
		fh := f.gs.get(id)
		if fh == nil {
			t.Errorf("generation %d: goroutine %d only in the slow reading", i, id)
			continue
		}
		if a, b := steps(f, fh), steps(s, h); !slices.Equal(a, b) {
			t.Errorf("generation %d: goroutine %d: fast %d steps, slow %d; first ones %v / %v", i, id, len(a), len(b), a[:min(3, len(a))], b[:min(3, len(b))])
		}
	}
	for id := range f.gs.all() {
		if s.gs.get(id) == nil {
			t.Errorf("generation %d: goroutine %d only in the fast reading", i, id)
		}
	}
	for p, ph := range s.procs.all() {
		if a, b := slices.Collect(f.procs.get(p).spans()), slices.Collect(ph.spans()); !slices.Equal(a, b) {
			t.Errorf("generation %d: P %d: fast %d spans, slow %d", i, p, len(a), len(b))
		}
	}
	if count == 0 {
		t.Errorf("generation %d: no goroutines", i)
	}
}

// TestFastLeavesWhatItDoesNotKnow: a generation the fast reader does not
// expect is errNotFast, so that it is read the slow way.
func TestFastLeavesWhatItDoesNotKnow(t *testing.T) {
	var events atomic.Int64
	for _, body := range [][]byte{{}, {99}, {evEventBatch, 1, 1, 1, 200}} {
		if _, err := readFast(context.Background(), body, "x", &events); !errors.Is(err, errNotFast) {
			t.Errorf("%v: %v, want errNotFast", body, err)
		}
	}
}

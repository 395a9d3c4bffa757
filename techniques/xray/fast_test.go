package xray

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	// With the CPU profiler on, as when a test runs with -cpuprofile: its
	// samples are in the trace too.
	profiling := pprof.StartCPUProfile(io.Discard) == nil
	ctx, tk := trace.NewTask(context.Background(), "fast")
	work(t, ctx)
	tk.End()
	if profiling {
		pprof.StopCPUProfile()
	}
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
	samples := 0
	for _, p := range pieces {
		if f, err := scanGeneration(p.body); err == nil {
			samples += len(f.samples)
		}
	}
	if samples == 0 {
		t.Errorf("no CPU samples in the trace")
	}
	xs, err := sameBothWays(buf.Bytes(), "fast")
	if err != nil {
		t.Fatal(err)
	}
	if xs.Total < 50 || xs.Time[StateSyscall] == 0 || xs.Blocked["select"] == 0 {
		t.Errorf("the run: %d goroutines, %v, blocked %v; want its goroutines, system calls and waits in select", xs.Total, xs.Time, xs.Blocked)
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
					blockInSyscall(2 * time.Millisecond)
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

// sameBothWays reads every generation of data with readFast and with
// decode, and returns the X-ray, or how the two readings differ.
func sameBothWays(data []byte, task string) (*Run, error) {
	pieces := generations(data)
	var fast, slow []*genReading
	var events atomic.Int64
	var diffs []string
	for i, p := range pieces {
		f, err := readFast(context.Background(), p.body, task, &events)
		if err != nil {
			return nil, fmt.Errorf("generation %d: the fast reader: %w", i, err)
		}
		s, err := decode(context.Background(), p.reader(), task, &events)
		if err != nil {
			return nil, err
		}
		for _, d := range diffReadings(f, s) {
			diffs = append(diffs, fmt.Sprintf("generation %d: %s", i, d))
		}
		fast, slow = append(fast, f), append(slow, s)
	}
	xf, err := assemble(context.Background(), fast, task)
	if err != nil {
		return nil, err
	}
	xs, err := assemble(context.Background(), slow, task)
	if err != nil {
		return nil, err
	}
	if !reflect.DeepEqual(xf, xs) {
		diffs = append(diffs, fmt.Sprintf("the X-rays differ:\nfast %d goroutines, %v, %v\nslow %d goroutines, %v, %v", xf.Total, xf.Time, xf.Blocked, xs.Total, xs.Time, xs.Blocked))
	}
	if len(diffs) > 0 {
		return nil, errors.New(strings.Join(diffs[:min(len(diffs), 10)], "\n"))
	}
	return xs, nil
}

// diffReadings says how two readings of a generation differ.
func diffReadings(f, s *genReading) []string {
	var diffs []string
	if !slices.Equal(f.marks, s.marks) {
		diffs = append(diffs, fmt.Sprintf("marks differ: %d and %d", len(f.marks), len(s.marks)))
	}
	type step struct {
		transition
		reason, where string
	}
	steps := func(g *genReading, h *history) []step {
		var out []step
		for tr := range h.transitions() {
			st := step{tr, g.reasons[tr.reason], g.where(tr.stack)}
			st.transition.reason, st.transition.stack = 0, 0
			out = append(out, st)
		}
		return out
	}
	count := 0
	for id, h := range s.gs.all() {
		count++
		fh := f.gs.get(id)
		if fh == nil {
			diffs = append(diffs, fmt.Sprintf("goroutine %d only in the slow reading", id))
			continue
		}
		if a, b := steps(f, fh), steps(s, h); !slices.Equal(a, b) {
			diffs = append(diffs, fmt.Sprintf("goroutine %d: fast %d steps, slow %d; first ones %v / %v", id, len(a), len(b), a[:min(3, len(a))], b[:min(3, len(b))]))
		}
	}
	for id := range f.gs.all() {
		if s.gs.get(id) == nil {
			diffs = append(diffs, fmt.Sprintf("goroutine %d only in the fast reading", id))
		}
	}
	for p, ph := range s.procs.all() {
		if a, b := slices.Collect(f.procs.get(p).spans()), slices.Collect(ph.spans()); !slices.Equal(a, b) {
			diffs = append(diffs, fmt.Sprintf("P %d: fast %d spans, slow %d", p, len(a), len(b)))
		}
	}
	for p := range f.procs.all() {
		if s.procs.get(p) == nil {
			diffs = append(diffs, fmt.Sprintf("P %d only in the fast reading", p))
		}
	}
	if count == 0 {
		diffs = append(diffs, "no goroutines")
	}
	return diffs
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

// FuzzReadFast: whatever the bytes, the fast reader returns a reading or
// an error; it does not panic or loop for ever.
func FuzzReadFast(f *testing.F) {
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		f.Skip(err)
	}
	ctx, tk := trace.NewTask(context.Background(), "fuzz")
	var wg sync.WaitGroup
	ch := make(chan int)
	for i := range 4 {
		wg.Go(func() {
			trace.WithRegion(ctx, "fuzz", func() {
				if i%2 == 0 {
					ch <- i
				} else {
					<-ch
				}
				runtime.Gosched()
			})
		})
	}
	wg.Wait()
	tk.End()
	trace.Stop()
	for _, p := range generations(buf.Bytes()) {
		if p.header == nil {
			f.Skip("a trace this reader does not split")
		}
		f.Add(p.body)
		f.Add(p.body[:len(p.body)/2])
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var events atomic.Int64
		g, err := readFast(context.Background(), body, "fuzz", &events)
		if (g == nil) == (err == nil) {
			t.Fatalf("a reading %v and an error %v", g != nil, err)
		}
	})
}

// A generation written by hand: the events of the tests below, each in
// a thread's batch, after a sync batch and the strings.
type handMade struct{ b []byte }

func uvs(b []byte, vs ...uint64) []byte {
	for _, v := range vs {
		b = binary.AppendUvarint(b, v)
	}
	return b
}

func event(typ byte, args ...uint64) []byte { return uvs([]byte{typ}, args...) }

func (h *handMade) batch(m, ts uint64, events ...[]byte) {
	data := bytes.Join(events, nil)
	h.b = append(uvs(append(h.b, evEventBatch), 1, m, ts, uint64(len(data))), data...)
}

func newHandMade(strs ...string) *handMade {
	h := &handMade{}
	h.batch(noThread, 100, []byte{evSync}, event(evFrequency, 1e9), event(evClockSnapshot, 0, 1, 2, 3))
	s := []byte{evStrings}
	for i, x := range strs {
		s = append(uvs(append(s, evString), uint64(i+1), uint64(len(x))), x...)
	}
	h.batch(noThread, 100, s)
	return h
}

func (h *handMade) end() []byte { return append(h.b, evEndOfGeneration) }

var header126 = []byte("go 1.26 trace\x00\x00\x00")

// TestFastAsTheTraceReaderOnHandMadeGenerations: what the runtime does not
// write, or does rarely, read as golang.org/x/exp/trace reads it, or left
// to it; never a crash.
func TestFastAsTheTraceReaderOnHandMadeGenerations(t *testing.T) {
	running := func(g uint64) []byte { return event(evGoStatus, 0, g, 0, goRunning) }
	tests := []struct {
		name    string
		task    string
		body    func() []byte
		notFast bool
	}{
		{"an empty batch puts its thread first among events of the same time", "t", func() []byte {
			h := newHandMade("t")
			h.batch(1, 200)
			h.batch(2, 200, event(evProcStatus, 0, 1, procRunning), event(evGoCreate, 0, 20, 0, 0))
			h.batch(1, 200, event(evProcStatus, 0, 0, procRunning), event(evGoCreate, 0, 10, 0, 0))
			return h.end()
		}, false},
		{"a task with no name", "", func() []byte {
			h := newHandMade("x")
			h.batch(1, 200, event(evProcStatus, 0, 0, procRunning), running(5), event(evUserTaskBegin, 1, 7, 0, 0, 0), event(evGoCreate, 1, 6, 0, 0))
			return h.end()
		}, false},
		{"a block whose reason is not in the strings", "t", func() []byte {
			h := newHandMade("t")
			h.batch(1, 200, event(evProcStatus, 0, 0, procRunning), running(5), event(evUserTaskBegin, 1, 7, 0, 1, 0), event(evGoBlock, 1, 1<<40, 0))
			return h.end()
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.body()
			var events atomic.Int64
			f, err := readFast(context.Background(), body, tt.task, &events)
			if tt.notFast {
				if !errors.Is(err, errNotFast) {
					t.Fatalf("the fast reader: %v, want errNotFast", err)
				}
				if _, err := ReadProgress(context.Background(), append(slices.Clone(header126), body...), tt.task, nil); err == nil {
					t.Errorf("the whole reading read it; want the trace reader's error")
				}
				return
			}
			if err != nil {
				t.Fatalf("the fast reader: %v", err)
			}
			s, err := decode(context.Background(), piece{header126, body}.reader(), tt.task, &events)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diffReadings(f, s) {
				t.Error(d)
			}
			if len(s.marks) == 0 {
				t.Errorf("no marks read; want the task's")
			}
		})
	}
}

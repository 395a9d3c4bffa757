package techniques

import (
	"bufio"
	"context"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/reactivex/rxgo/v2"
	"go.uber.org/goleak"
)

// collect subscribes to obs and returns what the three functions saw.
func collect(ctx context.Context, cancel context.CancelFunc, obs rxgo.Observable) (items []any, err error, completed bool) {
	Subscribe(ctx, cancel, obs,
		func(v any) { items = append(items, v) },
		func(e error) { err = e },
		func() { completed = true })
	return
}

func opener(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}

func TestLines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	long := strings.Repeat("y", MaxLineLength+100)
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty file", "", nil},
		{"trailing newline", "a\nb\n", []string{"a", "b"}},
		{"no trailing newline", "a\nb", []string{"a", "b"}},
		{"blank lines kept", "a\n\nb\n", []string{"a", "", "b"}},
		{"CRLF", "a\r\nb\r\n", []string{"a", "b"}},
		{"long line cut", long + "\nz", []string{long[:MaxLineLength], "z"}},
		{"invalid UTF-8 escaped", "caf\xe9\n", []string{`caf\xe9`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			items, err, done := collect(ctx, cancel, Lines(ctx, opener(tt.text), 0))
			if err != nil || !done {
				t.Fatalf("err %v, completed %v", err, done)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.(string))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("lines %q, want %q", got, tt.want)
			}
		})
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		r.n--
		return copy(p, "ok\n"), nil
	}
	return 0, errors.New("disk on fire")
}

func TestLinesErrors(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tests := []struct {
		name  string
		open  func() (io.ReadCloser, error)
		want  string
		items int
	}{
		{"open fails", func() (io.ReadCloser, error) { return nil, errors.New("no such file") }, "no such file", 0},
		{"read fails midway", func() (io.ReadCloser, error) { return io.NopCloser(&failingReader{n: 2}), nil }, "disk on fire", 2},
		{"binary", opener("text\nbin\x00ary\n"), "binary", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			items, err, done := collect(ctx, cancel, Lines(ctx, tt.open, 0))
			if err == nil || !strings.Contains(err.Error(), tt.want) || done || len(items) != tt.items {
				t.Errorf("items %d, err %v, completed %v; want %d items then %q, not completed", len(items), err, done, tt.items, tt.want)
			}
		})
	}
}

func TestLinesCancel(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	obs := Pipeline(ctx, Lines(ctx, opener(strings.Repeat("line\n", 1000)), time.Millisecond), PipelineConfig{Map: true, Buffer: 2}, func(string, any) {})
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	items, err, done := collect(ctx, cancel, obs)
	if !errors.Is(err, context.Canceled) || done || len(items) >= 500 {
		t.Errorf("%d items, err %v, completed %v; want cancelled early", len(items), err, done)
	}
}

func TestPipelineStages(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	short, long := "short line", strings.Repeat("long ", 15)
	text := short + "\n" + long + "\n" + long + "\n" + short + "\n" + long + "\n"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	taps := map[string]int{}
	obs := Pipeline(ctx, Lines(ctx, opener(text), 0), PipelineConfig{Map: true, Filter: true, Buffer: 2}, func(stage string, _ any) { taps[stage]++ })
	items, err, done := collect(ctx, cancel, obs)
	if err != nil || !done {
		t.Fatal(err)
	}
	if taps[StageSource] != 5 || taps[StageMap] != 5 || taps[StageFilter] != 3 || taps[StageBuffer] != 2 {
		t.Errorf("taps %v, want source 5, map 5, filter 3, buffer 2", taps)
	}
	if len(items) != 2 || len(items[0].([]any)) != 2 || items[0].([]any)[0] != strings.ToUpper(long) {
		t.Errorf("items %v", items)
	}
}

func TestBackpressure(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p, d, err := Backpressure(context.Background(), rxgo.Block, 200, 100*time.Microsecond)
	if err != nil || p != 200 || d != 200 {
		t.Errorf("Block: produced %d, delivered %d, %v; want 200 and 200", p, d, err)
	}
	p, d, err = Backpressure(context.Background(), rxgo.Drop, 200, time.Millisecond)
	if err != nil || p != 200 || d >= 200 || d < 8 {
		t.Errorf("Drop: produced %d, delivered %d, %v; want 200 produced, some dropped", p, d, err)
	}
}

func TestDebouncedAndBursts(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	in := make(chan string)
	var got []any
	done := make(chan struct{})
	go func() {
		defer close(done)
		Subscribe(ctx, cancel, Debounced(ctx, in, 50*time.Millisecond), func(v any) { got = append(got, v) }, func(error) {}, func() {})
	}()
	for _, s := range []string{"p", "pa", "par"} { // typed fast: one value comes out
		in <- s
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond)
	in <- "para"
	time.Sleep(150 * time.Millisecond)
	close(in)
	<-done
	// Typed 5 ms apart, the first three are one burst: only "par" comes out
	// of it (a very loaded machine may split it, but never skip its end).
	if n := len(got); n < 2 || n > 4 || got[n-2] != "par" || got[n-1] != "para" {
		t.Errorf("debounced %v, want [par para]", got)
	}
	cancel()

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	clicks := make(chan string)
	var bursts []any
	done = make(chan struct{})
	go func() {
		defer close(done)
		Subscribe(ctx, cancel, Bursts(ctx, clicks, 100*time.Millisecond), func(v any) { bursts = append(bursts, v) }, func(error) {}, func() {})
	}()
	clicks <- "click"
	clicks <- "click"
	time.Sleep(250 * time.Millisecond)
	clicks <- "click"
	time.Sleep(250 * time.Millisecond)
	close(clicks)
	<-done
	total := 0
	for _, b := range bursts {
		total += b.(int)
	}
	if total != 3 || len(bursts) < 2 {
		t.Errorf("bursts %v, want the 3 clicks in at least 2 windows", bursts)
	}
}

// BenchmarkLines compares lines per second through the Lines observable with
// a plain bufio.Scanner loop over the same 64 MiB of text, and reports the
// peak heap beyond the text while each runs: the stream must not hold it.
func BenchmarkLines(b *testing.B) {
	line := strings.Repeat("x", 63) + "\n"
	const size = 64 << 20
	text := strings.Repeat(line, size/len(line))
	lines := len(text) / len(line)
	open := func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(text)), nil }
	measure := func(b *testing.B, run func() int) {
		var peak uint64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() { // sample the heap while the benchmark runs
			defer close(sampled)
			var m runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapInuse)
				}
			}
		}()
		for b.Loop() {
			if got := run(); got != lines {
				b.Fatalf("%d lines, want %d", got, lines)
			}
		}
		close(stop)
		<-sampled
		b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		// The 64 MiB input itself is on the heap too; what matters is the rest.
		b.ReportMetric((float64(peak)-float64(len(text)))/(1<<20), "peak-heap-beyond-input-MiB")
	}
	b.Run("bufio.Scanner", func(b *testing.B) {
		measure(b, func() int {
			sc := bufio.NewScanner(strings.NewReader(text))
			n := 0
			for sc.Scan() {
				n++
			}
			return n
		})
	})
	b.Run("rxgo observable", func(b *testing.B) {
		measure(b, func() int {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			n := 0
			Subscribe(ctx, cancel, Lines(ctx, open, 0), func(any) { n++ }, func(error) {}, func() {})
			return n
		})
	})
}

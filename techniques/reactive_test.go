package techniques

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"testing/synctest"
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

// at is a moment of a synctest bubble's fake clock, counted from its start.
type at = time.Duration

// playEvents sends "event" at each of the given moments into a stream built
// by pipe, closes the input once the stream has had time to answer, and
// returns what the subscriber received and when. Call it inside a synctest
// bubble: the moments are then exact.
func playEvents(t *testing.T, moments []at, pipe func(ctx context.Context, events rxgo.Observable) rxgo.Observable) (got []any, when []at) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	start := time.Now()
	in := make(chan string)
	done := make(chan struct{})
	go func() {
		defer close(done)
		Subscribe(ctx, cancel, pipe(ctx, Events(ctx, in)),
			func(v any) { got = append(got, v); when = append(when, time.Since(start)) },
			func(err error) { t.Errorf("error %v", err) },
			func() {})
	}()
	for i, m := range moments {
		time.Sleep(m - time.Since(start))
		in <- fmt.Sprint("event ", i)
	}
	time.Sleep(10 * time.Second) // long enough for any burst or pause to end
	close(in)
	<-done
	return got, when
}

func TestBursts(t *testing.T) {
	t.Parallel()
	const gap = 400 * time.Millisecond
	ms := time.Millisecond
	tests := []struct {
		name   string
		clicks []at
		want   []int // clicks per burst
		when   []at  // when each burst is reported: gap after its last click
	}{
		{"one click", []at{0}, []int{1}, []at{400 * ms}},
		{"fast pair", []at{0, 150 * ms}, []int{2}, []at{550 * ms}},
		// Fixed 400 ms windows (BufferWithTime) split this pair at 400 ms
		// into two single clicks; only the gap between the clicks matters.
		{"fast pair across a 400 ms boundary", []at{350 * ms, 450 * ms}, []int{2}, []at{850 * ms}},
		{"pair a little too slow", []at{0, gap + ms}, []int{1, 1}, []at{400 * ms, 801 * ms}},
		{"pair just fast enough", []at{0, gap - ms}, []int{2}, []at{799 * ms}},
		// A burst may last longer than gap, as long as no pause inside it does.
		{"triple, 300 ms apart", []at{0, 300 * ms, 600 * ms}, []int{3}, []at{1000 * ms}},
		{"double, then single", []at{0, 100 * ms, 1000 * ms}, []int{2, 1}, []at{500 * ms, 1400 * ms}},
		{"no clicks", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				got, when := playEvents(t, tt.clicks, func(ctx context.Context, events rxgo.Observable) rxgo.Observable {
					return Bursts(ctx, events, gap)
				})
				if fmt.Sprint(got) != fmt.Sprint(tt.want) || fmt.Sprint(when) != fmt.Sprint(tt.when) {
					t.Errorf("bursts %v at %v, want %v at %v", got, when, tt.want, tt.when)
				}
			})
		})
	}
}

func TestBurstsEndMidBurst(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		in := make(chan string)
		go func() {
			in <- "click"
			in <- "click"
			close(in) // before the gap has passed
		}()
		items, err, done := collect(ctx, cancel, Bursts(ctx, Events(ctx, in), time.Second))
		if fmt.Sprint(items) != "[2]" || err != nil || !done {
			t.Errorf("items %v, err %v, completed %v; want [2], completed", items, err, done)
		}
	})
}

func TestDebounced(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ms := time.Millisecond
		// Typed 100 ms apart, the first three keystrokes are one burst: only
		// the last of it comes out, 300 ms after it. Then a lone keystroke.
		got, when := playEvents(t, []at{0, 100 * ms, 200 * ms, 1000 * ms}, func(ctx context.Context, events rxgo.Observable) rxgo.Observable {
			return Debounced(ctx, events, 300*ms)
		})
		if fmt.Sprint(got) != "[event 2 event 3]" || fmt.Sprint(when) != "[500ms 1.3s]" {
			t.Errorf("debounced %v at %v, want [event 2 event 3] at [500ms 1.3s]", got, when)
		}
	})
}

// TestLinesIsCold: each subscription to Lines opens the file and reads it
// from its first line, as the panel's About says.
func TestLinesIsCold(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opened := 0
	obs := Lines(ctx, func() (io.ReadCloser, error) { opened++; return opener("a\nb\n")() }, 0)
	first, _, _ := collect(ctx, cancel, obs)
	second, _, _ := collect(ctx, cancel, obs)
	if fmt.Sprint(first) != "[a b]" || fmt.Sprint(second) != "[a b]" || opened != 2 {
		t.Errorf("first %v, second %v, opened %d times; want [a b] twice, opened twice", first, second, opened)
	}
}

// TestEventsAreHot: the events come from the channel, not from subscribing,
// and two subscribers share them (each event goes to one), as Events' doc
// comment says of rxgo's FromChannel.
func TestEventsAreHot(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := make(chan string)
	obs := Events(ctx, in)
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i := range counts {
		items := obs.Observe()
		wg.Go(func() {
			for range items {
				counts[i]++
			}
		})
	}
	for range 10 {
		in <- "click"
	}
	close(in)
	wg.Wait()
	if counts[0]+counts[1] != 10 {
		t.Errorf("subscribers got %v events, want 10 in all (shared, not copied)", counts)
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

// TestSlowSubscriberHoldsTheReader: outside event sources rxgo's stages hand
// items over unbuffered channels, so a subscriber that stops reading stops
// the file reader too, a few items later, as Block does (the About says so).
func TestSlowSubscriberHoldsTheReader(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var mu sync.Mutex
		emitted := 0
		text := strings.Repeat("a line\n", 1000)
		obs := Pipeline(ctx, Lines(ctx, opener(text), 0), PipelineConfig{Map: true}, func(stage string, _ any) {
			if stage == StageSource {
				mu.Lock()
				emitted++
				mu.Unlock()
			}
		})
		items := obs.Observe()
		<-items // take one line, then stop reading
		synctest.Wait()
		mu.Lock()
		held := emitted
		mu.Unlock()
		if held > 5 {
			t.Errorf("%d of 1000 lines left the source while the subscriber held after one: the reader did not wait", held)
		}
		cancel()
		for range items {
		}
	})
}

// TestDebouncedDropsThePendingAtTheEnd: as Debounced's comment says, an
// event still waiting out its pause when the stream ends is not emitted.
func TestDebouncedDropsThePendingAtTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		in := make(chan string)
		var got []any
		done := make(chan struct{})
		go func() {
			defer close(done)
			got, _, _ = collect(ctx, cancel, Debounced(ctx, Events(ctx, in), time.Second))
		}()
		in <- "typed"
		close(in) // the stream ends within the pause
		<-done
		if len(got) != 0 {
			t.Errorf("emitted %v after the end, want nothing (rxgo v2.5.0 drops it)", got)
		}
	})
}

func TestLineCountingReader(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]int64{"": 0, "a": 1, "a\n": 1, "a\nb": 2, "\n\n": 2, "a\r\nb\r\n": 2} {
		r := &lineCountingReader{ReadCloser: io.NopCloser(iotest.OneByteReader(strings.NewReader(text)))}
		io.Copy(io.Discard, r)
		if r.lines() != want || r.bytes.Load() != int64(len(text)) {
			t.Errorf("%q: %d lines, %d bytes; want %d, %d", text, r.lines(), r.bytes.Load(), want, len(text))
		}
	}
}

func TestSubscribeCounted(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tests := []struct {
		name string
		open func() (io.ReadCloser, error)
		cfg  PipelineConfig
		want SubscriptionCount
	}{
		{"every line through map", opener("a\nb\nc"), PipelineConfig{Map: true},
			SubscriptionCount{Stages: map[string]int{StageSource: 3, StageMap: 3}, Nexts: 3, Completes: 1, Opened: true, FileBytes: 5, FileLines: 3}},
		{"a file that does not open", func() (io.ReadCloser, error) { return nil, errors.New("no such file") }, PipelineConfig{},
			SubscriptionCount{Stages: map[string]int{}, Errs: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var taps atomic.Int64 // the stages tap on goroutines of their own
			got := SubscribeCounted(t.Context(), tt.open, tt.cfg, 0, func(string) { taps.Add(1) }, func(any) {}, func(error) {}, func() {})
			if (got.Err != nil) != (tt.want.Errs > 0) {
				t.Errorf("err %v with %d error calls", got.Err, got.Errs)
			}
			got.Err = nil
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("counted %+v, want %+v", got, tt.want)
			}
			if sum := got.Stages[StageSource] + got.Stages[StageMap]; taps.Load() != int64(sum) {
				t.Errorf("tap called %d times, the stages counted %d items", taps.Load(), sum)
			}
		})
	}
}

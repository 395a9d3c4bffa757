package techniques

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

var implementations = []struct {
	name string
	make func(Body) Coroutine
}{
	{"iter.Pull", NewPullCoroutine},
	{"goroutine+channels", NewChanCoroutine},
}

// transcript primes a Pokedex and sends it names, recording every reply.
func transcript(t *testing.T, c Coroutine, names ...string) []string {
	t.Helper()
	out, err := c.Prime()
	if err != nil {
		t.Fatal(err)
	}
	got := []string{out}
	for _, n := range names {
		r, err := c.Send(n)
		if err != nil {
			t.Fatalf("Send(%q): %v", n, err)
		}
		got = append(got, r)
	}
	return got
}

func TestPokedexTranscripts(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tests := []struct {
		names []string
		want  []string
	}{
		{[]string{"Pikachu", "Squirtle"}, []string{"Coroutine starts", "Pika Pika", "Unidentified"}},
		{[]string{"Charmander", "", "pikachu"}, []string{"Coroutine starts", "Char Char", "Unidentified", "Unidentified"}},
		{nil, []string{"Coroutine starts"}},
	}
	for _, tt := range tests {
		var transcripts [][]string
		for _, impl := range implementations {
			c := impl.make(Pokedex)
			got := transcript(t, c, tt.names...)
			c.Stop()
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", impl.name, got, tt.want)
			}
			transcripts = append(transcripts, got)
		}
		if !slices.Equal(transcripts[0], transcripts[1]) {
			t.Errorf("the implementations disagree: %v vs %v", transcripts[0], transcripts[1])
		}
	}
}

func TestCoroutineStop(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, impl := range implementations {
		t.Run(impl.name, func(t *testing.T) {
			c := impl.make(Pokedex)
			transcript(t, c, "Pikachu")
			c.Stop()
			c.Stop() // twice is fine
			if _, err := c.Send("Pikachu"); !errors.Is(err, ErrFinished) {
				t.Errorf("Send after Stop: %v, want ErrFinished", err)
			}
			if _, err := c.Prime(); !errors.Is(err, ErrFinished) {
				t.Errorf("Prime after Stop: %v, want ErrFinished", err)
			}
			// A coroutine stopped before it ever ran leaves nothing behind.
			impl.make(Pokedex).Stop()
		})
	}
}

func TestCoroutineBodyReturns(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	once := func(receive func() (string, bool), reply func(string)) {
		reply("hello")
		receive()
		reply("bye")
	}
	for _, impl := range implementations {
		t.Run(impl.name, func(t *testing.T) {
			c := impl.make(once)
			if got := transcript(t, c, "x"); !slices.Equal(got, []string{"hello", "bye"}) {
				t.Errorf("got %v", got)
			}
			if _, err := c.Send("y"); !errors.Is(err, ErrFinished) {
				t.Errorf("Send after the body returned: %v, want ErrFinished", err)
			}
			c.Stop()
		})
	}
}

// TestPullFromOneWorker drives an iter.Pull coroutine the way the panel
// does: created and resumed by one worker goroutine, across many calls that
// arrive from elsewhere.
func TestPullFromOneWorker(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	jobs := make(chan func())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for job := range jobs {
			job()
		}
	}()
	call := func(f func()) {
		finished := make(chan struct{})
		jobs <- func() { f(); close(finished) }
		<-finished
	}
	var c Coroutine
	var got []string
	call(func() { c = NewPullCoroutine(Pokedex) })
	for _, n := range []string{"", "Pikachu", "Squirtle"} {
		call(func() {
			var r string
			if n == "" {
				r, _ = c.Prime()
			} else {
				r, _ = c.Send(n)
			}
			got = append(got, r)
		})
	}
	call(c.Stop)
	close(jobs)
	<-done
	if want := []string{"Coroutine starts", "Pika Pika", "Unidentified"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestPullOnALockedThread: created and resumed on the same locked goroutine
// is allowed; the trap is only mixing kinds of goroutine.
func TestPullOnALockedThread(t *testing.T) {
	done := make(chan []string)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		c := NewPullCoroutine(Pokedex)
		defer c.Stop()
		a, _ := c.Prime()
		b, _ := c.Send("Pikachu")
		done <- []string{a, b}
	}()
	if got := <-done; !slices.Equal(got, []string{"Coroutine starts", "Pika Pika"}) {
		t.Errorf("got %v", got)
	}
}

// lineOf returns the text of line n of coroutines.go.
func lineOf(t *testing.T, n int) string {
	t.Helper()
	src, err := Source("coroutines.go")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(src, "\n")
	if n < 1 || n > len(lines) {
		t.Fatalf("line %d of coroutines.go does not exist", n)
	}
	return strings.TrimSpace(lines[n-1])
}

// TestPausedWhereTheRuntimeSays checks, from the runtime's goroutine dump,
// where each kind of coroutine is paused: iter.Pull in reply (its yield),
// the channel version in receive.
func TestPausedWhereTheRuntimeSays(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tests := []struct {
		impl      int
		send      string // "" primes
		wait      string
		innermost string
		at        string // the line of coroutines.go where the body's goroutine waits
		body      string // Pokedex's line that led there
	}{
		{0, "", "coroutine", "iter.go", "if !yield(s) {", `reply("Coroutine starts")`},
		{0, "Pikachu", "coroutine", "iter.go", "if !yield(s) {", `reply("Pika Pika")`},
		{0, "Squirtle", "coroutine", "iter.go", "if !yield(s) {", `reply("Unidentified")`},
		{1, "", "chan receive", "bodyReceive", "s, ok := <-c.in", "name, ok := receive()"},
		{1, "Pikachu", "chan receive", "bodyReceive", "s, ok := <-c.in", "name, ok := receive()"},
		{1, "Squirtle", "chan receive", "bodyReceive", "s, ok := <-c.in", "name, ok := receive()"},
	}
	cos := []Coroutine{NewPullCoroutine(Pokedex), NewChanCoroutine(Pokedex)}
	for _, c := range cos {
		if _, err := c.Paused(); !errors.Is(err, ErrNotStarted) {
			t.Errorf("Paused before Prime: %v, want ErrNotStarted", err)
		}
	}
	for _, tt := range tests {
		c := cos[tt.impl]
		name := implementations[tt.impl].name + " after " + cmp.Or(tt.send, "Prime")
		var err error
		if tt.send == "" {
			_, err = c.Prime()
		} else {
			_, err = c.Send(tt.send)
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.Paused()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Wait != tt.wait || !strings.Contains(p.Innermost, tt.innermost) {
			t.Errorf("%s: waits as %q in %q, want %q in %s", name, p.Wait, p.Innermost, tt.wait, tt.innermost)
		}
		if got := lineOf(t, p.Switch.Line); !strings.HasPrefix(got, tt.at) {
			t.Errorf("%s: paused at line %d %q, want %q", name, p.Switch.Line, got, tt.at)
		}
		if p.Dumping <= 0 || p.Looks < 1 {
			t.Errorf("%s: %d looks in %v of dumping: a look was made, so both must be positive", name, p.Looks, p.Dumping)
		}
		if got := lineOf(t, p.Body.Line); got != tt.body || p.Body.Func != "Pokedex" {
			t.Errorf("%s: body at %s line %d %q, want Pokedex's %q", name, p.Body.Func, p.Body.Line, got, tt.body)
		}
	}
	for _, c := range cos {
		c.Stop()
		if _, err := c.Paused(); !errors.Is(err, ErrFinished) {
			t.Errorf("Paused after Stop: %v, want ErrFinished", err)
		}
	}
}

// TestPullPanicReachesTheCaller: iter.Pull re-panics a body's panic in the
// caller's next, so the caller can recover from it (the About tab says so).
func TestPullPanicReachesTheCaller(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	boom := func(receive func() (string, bool), reply func(string)) {
		reply("ready")
		if name, _ := receive(); name == "boom" {
			panic("the body failed")
		}
	}
	c := NewPullCoroutine(boom)
	if _, err := c.Prime(); err != nil {
		t.Fatal(err)
	}
	got := func() (p any) {
		defer func() { p = recover() }()
		c.Send("boom")
		return nil
	}()
	if got != "the body failed" {
		t.Errorf("recovered %v in the caller, want the body's panic", got)
	}
	c.Stop()
}

func TestPrimes(t *testing.T) {
	t.Parallel()
	next, stop := iter.Pull(Primes())
	defer stop()
	var got []int
	for range 10 {
		p, _ := next()
		got = append(got, p)
	}
	if want := []int{2, 3, 5, 7, 11, 13, 17, 19, 23, 29}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRoundTripCost(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	pull, ch, err := RoundTripCost(context.Background(), 10_000)
	if err != nil || pull <= 0 || ch <= 0 {
		t.Errorf("RoundTripCost = %v, %v, %v", pull, ch, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := RoundTripCost(ctx, 10_000); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func ExampleNewPullCoroutine() {
	c := NewPullCoroutine(Pokedex)
	defer c.Stop()
	fmt.Println(c.Prime())
	fmt.Println(c.Send("Pikachu"))
	fmt.Println(c.Send("Squirtle"))
	// Output:
	// Coroutine starts <nil>
	// Pika Pika <nil>
	// Unidentified <nil>
}

// BenchmarkRoundTrip times one Send of each implementation: a round trip,
// caller → body → caller, so two switches per op, not one.
func BenchmarkRoundTrip(b *testing.B) {
	benchPrimed(b, func(b *testing.B, c Coroutine) {
		for b.Loop() {
			c.Send("x") // caller → body, then body → caller
		}
	})
}

// BenchmarkPaused times one look at where a paused body is: a dump of every
// goroutine (runtime.Stack), which stops the world while it is written.
// Compare it with BenchmarkRoundTrip: the look costs far more than the step.
func BenchmarkPaused(b *testing.B) {
	benchPrimed(b, func(b *testing.B, c Coroutine) {
		for b.Loop() {
			if _, err := c.Paused(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchPrimed runs bench once per implementation, as a sub-benchmark, on a
// primed echo coroutine that it stops afterwards.
func benchPrimed(b *testing.B, bench func(b *testing.B, c Coroutine)) {
	for _, impl := range implementations {
		b.Run(impl.name, func(b *testing.B) {
			c := impl.make(echo)
			defer c.Stop()
			c.Prime()
			bench(b, c)
		})
	}
}

package techniques

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
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

func TestSwitchCost(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	pull, ch, err := SwitchCost(context.Background(), 10_000)
	if err != nil || pull <= 0 || ch <= 0 {
		t.Errorf("SwitchCost = %v, %v, %v", pull, ch, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := SwitchCost(ctx, 10_000); !errors.Is(err, context.Canceled) {
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

func BenchmarkSwitch(b *testing.B) {
	for _, impl := range implementations {
		b.Run(impl.name, func(b *testing.B) {
			c := impl.make(echo)
			defer c.Stop()
			c.Prime()
			for b.Loop() {
				c.Send("x")
			}
		})
	}
}

package views

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"
)

func newCoroutines(t *testing.T) *coroutinesView {
	test.NewTempApp(t)
	v := newCoroutinesView()
	test.NewTempWindow(t, v.demo.Content)
	t.Cleanup(func() { v.demo.Wait(); v.stop() })
	return v
}

const articleSession = `caller → coroutine: prime
coroutine → caller: "Coroutine starts"
caller → coroutine: send("Pikachu")
coroutine → caller: "Pika Pika"
caller → coroutine: send("Squirtle")
coroutine → caller: "Unidentified"
`

func TestCoroutinesReplay(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, kind := range coroutineKinds {
		t.Run(kind, func(t *testing.T) {
			v := newCoroutines(t)
			v.kind.SetSelected(kind)
			if err := v.demo.Run(); err != nil {
				t.Fatal(err)
			}
			v.demo.Wait()
			if got := v.out.Text(); got != articleSession {
				t.Errorf("transcript:\n%s\nwant:\n%s", got, articleSession)
			}
			if !strings.Contains(v.control.Text, "paused in Pokedex") {
				t.Errorf("control indicator %q", v.control.Text)
			}
		})
	}
}

func TestCoroutinesReplayBlocking(t *testing.T) {
	v := newCoroutines(t)
	if err := v.demo.RunBlocking(); err != nil {
		t.Fatal(err)
	}
	if got := v.out.Text(); got != articleSession {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, articleSession)
	}
}

func TestCoroutinesBadInput(t *testing.T) {
	v := newCoroutines(t)
	// Send before Prime primes first; an empty name is a name it does not know.
	v.send("")
	v.demo.Wait()
	long := strings.Repeat("x", 10_000)
	v.send(long)
	v.demo.Wait()
	v.close()
	v.demo.Wait()
	text := v.out.Text()
	for _, want := range []string{"priming first", `send("")`, "(10000 characters)", "Unidentified", "has finished"} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, long) {
		t.Error("the 10,000-character name was shown whole")
	}
}

func TestCoroutinesPrimesAndCost(t *testing.T) {
	v := newCoroutines(t)
	v.pullPrimes()
	v.demo.Wait()
	v.pullPrimes()
	v.demo.Wait()
	if !strings.HasSuffix(v.primes.Text, "67, 71") || !strings.Contains(v.primes.Text, ": 2, 3, 5,") {
		t.Errorf("primes %q, want the first twenty", v.primes.Text)
	}
}

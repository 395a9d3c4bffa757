package techniques

import (
	"context"
	"errors"
	"iter"
	"time"
)

// Pokedex is the coroutine body of the article, written once and run by both
// implementations below. When first resumed it says "Coroutine starts"; then,
// forever, it pauses until it receives a name and answers it. It returns when
// receive reports that the caller has stopped it.
func Pokedex(receive func() (name string, ok bool), reply func(string)) {
	reply("Coroutine starts")
	for {
		name, ok := receive() // pause: control goes back to the caller
		if !ok {
			return
		}
		switch name {
		case "Pikachu":
			reply("Pika Pika")
		case "Charmander":
			reply("Char Char")
		default:
			reply("Unidentified")
		}
	}
}

// Body is a coroutine body like Pokedex: it may call reply once before its
// first receive, and once after each receive.
type Body func(receive func() (string, bool), reply func(string))

// ErrFinished is returned when a coroutine is resumed after it was stopped
// or its body returned.
var ErrFinished = errors.New("the coroutine has finished")

// Coroutine is a function that runs until it pauses, hands a value back,
// and later resumes where it paused.
//
// Resume and Stop must be called from one goroutine at a time. An iter.Pull
// coroutine must also be resumed from the same kind of goroutine it was
// created on: never create it on one goroutine locked to an OS thread (like
// a GUI's main goroutine) and resume it from another.
type Coroutine interface {
	// Prime runs the body to its first pause and returns what it said.
	Prime() (string, error)
	// Send resumes the body with a value and returns its reply.
	Send(name string) (string, error)
	// Stop ends the coroutine. Further calls return ErrFinished.
	Stop()
}

// pullCoroutine runs the body with iter.Pull: the runtime switches directly
// between the caller and the body, on the caller's goroutine's behalf.
type pullCoroutine struct {
	next    func() (string, bool)
	stop    func()
	in      string
	stopped bool
}

// NewPullCoroutine makes a coroutine of body on iter.Pull.
func NewPullCoroutine(body Body) Coroutine {
	c := &pullCoroutine{}
	seq := func(yield func(string) bool) {
		body(
			func() (string, bool) { return c.in, !c.stopped },
			func(s string) {
				if !yield(s) { // the caller stopped us while we were paused here
					c.stopped = true
				}
			})
	}
	c.next, c.stop = iter.Pull(iter.Seq[string](seq))
	return c
}

func (c *pullCoroutine) Prime() (string, error) { return c.resume() }

func (c *pullCoroutine) Send(name string) (string, error) {
	c.in = name // the body reads it when receive returns
	return c.resume()
}

func (c *pullCoroutine) resume() (string, error) {
	if c.stopped {
		return "", ErrFinished
	}
	out, ok := c.next() // switch to the body until its next reply
	if !ok {
		c.stopped = true
		return "", ErrFinished
	}
	return out, nil
}

func (c *pullCoroutine) Stop() {
	c.stopped = true
	c.stop()
}

// chanCoroutine runs the body on a goroutine of its own, handing values
// back and forth over unbuffered channels: each send waits for the other side.
type chanCoroutine struct {
	start   chan struct{} // closed by Prime: like a generator, the body waits to be first resumed
	in      chan string
	out     chan string
	done    chan struct{} // closed when the body has returned
	primed  bool
	stopped bool
}

// NewChanCoroutine makes a coroutine of body on a goroutine and channels.
// Its goroutine lives until Stop, or until the body returns.
func NewChanCoroutine(body Body) Coroutine {
	c := &chanCoroutine{start: make(chan struct{}), in: make(chan string), out: make(chan string), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		if _, ok := <-c.start; !ok && c.stopped {
			return // stopped before it was ever primed
		}
		body(
			func() (string, bool) { s, ok := <-c.in; return s, ok },
			func(s string) {
				select {
				case c.out <- s:
				case <-c.in: // closed by Stop while we were trying to reply
				}
			})
	}()
	return c
}

func (c *chanCoroutine) Prime() (string, error) {
	if c.stopped {
		return "", ErrFinished
	}
	if !c.primed {
		c.primed = true
		close(c.start)
	}
	return c.receive()
}

func (c *chanCoroutine) Send(name string) (string, error) {
	if c.stopped {
		return "", ErrFinished
	}
	if !c.primed {
		return c.Prime() // like Python, a coroutine must run to its first pause before it can receive
	}
	select {
	case c.in <- name:
	case <-c.done:
		return "", ErrFinished
	}
	return c.receive()
}

func (c *chanCoroutine) receive() (string, error) {
	select {
	case s := <-c.out:
		return s, nil
	case <-c.done:
		return "", ErrFinished
	}
}

func (c *chanCoroutine) Stop() {
	if c.stopped {
		return
	}
	c.stopped = true
	if !c.primed {
		close(c.start)
	}
	close(c.in)
	<-c.done
}

// Primes yields the prime numbers in order, lazily: each is computed only
// when the caller pulls it.
func Primes() iter.Seq[int] {
	return func(yield func(int) bool) {
		var found []int
		for n := 2; ; n++ {
			prime := true
			for _, p := range found {
				if p*p > n {
					break
				}
				if n%p == 0 {
					prime = false
					break
				}
			}
			if prime {
				found = append(found, n)
				if !yield(n) {
					return
				}
			}
		}
	}
}

// echo is a body that answers every value with itself: the cheapest
// possible switch, for measuring.
func echo(receive func() (string, bool), reply func(string)) {
	reply("")
	for {
		s, ok := receive()
		if !ok {
			return
		}
		reply(s)
	}
}

// SwitchCost measures the time of one round trip (caller → coroutine →
// caller) of each implementation over n round trips. Run it on an ordinary
// goroutine.
func SwitchCost(ctx context.Context, n int) (pull, channels time.Duration, err error) {
	measure := func(c Coroutine) (time.Duration, error) {
		defer c.Stop()
		if _, err := c.Prime(); err != nil {
			return 0, err
		}
		start := time.Now()
		for i := range n {
			if i%4096 == 0 && ctx.Err() != nil {
				return 0, ctx.Err()
			}
			if _, err := c.Send("x"); err != nil {
				return 0, err
			}
		}
		return time.Since(start) / time.Duration(n), nil
	}
	if pull, err = measure(NewPullCoroutine(echo)); err != nil {
		return 0, 0, err
	}
	channels, err = measure(NewChanCoroutine(echo))
	return pull, channels, err
}

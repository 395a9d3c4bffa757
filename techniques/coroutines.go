package techniques

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Pokedex is the article's coroutine body, run by both implementations
// below. First resumed, it says "Coroutine starts"; then it answers each
// name it receives, until receive reports that the caller stopped it. It
// hands its answers back where the article prints them ("Char Char" is ours).
//
// Python's `name = (yield)` hands control back and receives at one point.
// Here that is two calls, and each implementation pauses in a different one:
// iter.Pull pauses in reply (its yield hands the value out), the channel
// version pauses in receive (it waits for the next name).
func Pokedex(receive func() (name string, ok bool), reply func(string)) {
	reply("Coroutine starts")
	for {
		name, ok := receive()
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

// ErrNotStarted is returned by Paused before the first Prime: the body has
// not run yet, so it is paused nowhere in it.
var ErrNotStarted = errors.New("the coroutine has not started yet")

// Coroutine is a function that runs until it pauses, hands a value back,
// and later resumes where it paused.
//
// Resume and Stop must be called from one goroutine at a time. An iter.Pull
// coroutine must also be resumed with the OS-thread locking it was created
// with: one created on a goroutine locked to its thread (like a GUI's main
// goroutine) only from that goroutine, one created on an ordinary goroutine
// only from ordinary ones. Otherwise the runtime aborts the program.
type Coroutine interface {
	// Prime runs the body to its first pause and returns what it said.
	Prime() (string, error)
	// Send resumes the body with a value and returns its reply.
	Send(name string) (string, error)
	// Stop ends the coroutine. Further calls return ErrFinished.
	Stop()
	// Paused says where the body is paused now, as the runtime sees it.
	// Call it between resumes, from the goroutine that resumes.
	Paused() (Pause, error)
}

// pullCoroutine runs the body with iter.Pull. The body does not run on the
// caller's goroutine: iter.Pull gives it a second goroutine, with its own
// stack. next and yield hand the OS thread straight from one goroutine to
// the other (runtime.coroswitch): no wake-up, no run queue, no scheduler
// decision. So one of the two runs at a time, on one thread.
//
// If the body panics, iter.Pull recovers the panic on the body's goroutine
// and panics again in the caller, inside next: a caller can recover from it.
type pullCoroutine struct {
	next    func() (string, bool)
	stop    func()
	in      string
	stopped bool
	goid    atomic.Int64 // the body's goroutine, once it has started
}

// NewPullCoroutine makes a coroutine of body on iter.Pull.
func NewPullCoroutine(body Body) Coroutine {
	c := &pullCoroutine{}
	seq := func(yield func(string) bool) {
		c.goid.Store(goroutineID()) // we run on iter.Pull's goroutine, not the caller's
		reply := func(s string) {
			// The body pauses here: yield switches the thread back to the
			// caller and returns only when the caller asks for the next value.
			if !yield(s) {
				c.stopped = true // the caller stopped us while we were paused
			}
		}
		// receive does not pause: the caller set c.in before it resumed us.
		receive := func() (string, bool) { return c.in, !c.stopped }
		body(receive, reply)
	}
	c.next, c.stop = iter.Pull(iter.Seq[string](seq))
	return c
}

func (c *pullCoroutine) Prime() (string, error) { return c.resume() }

func (c *pullCoroutine) Send(name string) (string, error) {
	c.in = name // the body reads it when its reply's yield returns
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

func (c *pullCoroutine) Paused() (Pause, error) {
	if c.stopped {
		return Pause{}, ErrFinished
	}
	return parkedAt(c.goid.Load())
}

// chanCoroutine runs the body on a goroutine of its own, handing values
// back and forth over unbuffered channels: each send waits for the other
// side. Each hand-off goes through the scheduler: the goroutine that was
// waiting is made runnable, queued, and later run, maybe on another thread.
//
// If the body panics, the panic is on the body's own goroutine: the caller
// cannot recover from it, and the whole program crashes.
type chanCoroutine struct {
	start   chan struct{} // closed by Prime: like a generator, the body waits to be first resumed
	in      chan string
	out     chan string
	done    chan struct{} // closed when the body has returned
	primed  bool
	stopped bool
	goid    atomic.Int64 // the body's goroutine
}

// NewChanCoroutine makes a coroutine of body on a goroutine and channels.
// Its goroutine lives until Stop, or until the body returns.
func NewChanCoroutine(body Body) Coroutine {
	c := &chanCoroutine{start: make(chan struct{}), in: make(chan string), out: make(chan string), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.goid.Store(goroutineID())
		if _, ok := <-c.start; !ok && c.stopped {
			return // stopped before it was ever primed
		}
		body(c.bodyReceive, c.bodyReply)
	}()
	return c
}

// bodyReceive is the body's receive.
func (c *chanCoroutine) bodyReceive() (string, bool) {
	s, ok := <-c.in // the body pauses here, until the caller sends a name
	return s, ok
}

// bodyReply is the body's reply. It does not stay paused: the caller
// receives the reply right after it resumes the body, so the send waits
// at most that long.
func (c *chanCoroutine) bodyReply(s string) {
	select {
	case c.out <- s:
	case <-c.in: // closed by Stop while we were trying to reply
	}
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

func (c *chanCoroutine) Paused() (Pause, error) {
	switch {
	case c.stopped:
		return Pause{}, ErrFinished
	case !c.primed:
		return Pause{}, ErrNotStarted
	}
	return parkedAt(c.goid.Load())
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

// echo is a body that answers every value with itself: a round trip with
// no work in it, for measuring.
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

// RoundTripCost measures the time of one round trip — caller → body →
// caller, two switches — of each implementation, averaged over n round
// trips. Run it on an ordinary goroutine.
func RoundTripCost(ctx context.Context, n int) (pull, channels time.Duration, err error) {
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
			if _, err := c.Send("x"); err != nil { // one round trip
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

// Pause is where a coroutine's body is paused, read from the runtime's own
// dump of the goroutine that runs it (runtime.Stack), not assumed.
//
// Go cannot read another goroutine's stack, so this reads a dump of all of
// them, and runtime.Stack stops the world to write it: fine for a look
// after a click, not in a loop. The dump's format may change between Go
// versions: one this parser does not know gives an error, not a wrong line.
type Pause struct {
	Wait      string // the runtime's wait reason: "coroutine" for iter.Pull, "chan receive" for channels
	Innermost string // the innermost frame the dump shows, e.g. "iter.Pull[...].func1.1 (iter.go:287)"
	Switch    Frame  // the line of this file where the body's goroutine waits
	Body      Frame  // the body's line that led there, e.g. Pokedex's reply or receive
	// Looks is how many dumps it took to find the body paused: more than 1
	// means that after the caller had its reply, the body's goroutine was
	// still running (or ready to run) on its way to its pause.
	Looks int
	// Dumping is the time spent writing the dumps (runtime.Stack) of this
	// look, with the world stopped; the sleeps between looks not counted.
	Dumping time.Duration
}

// Frame is one line of this file in a goroutine's stack.
type Frame struct {
	Func string // e.g. "Pokedex"
	Line int
}

// parkedAt finds goroutine goid in a dump of all goroutines and returns its
// wait reason and its two innermost frames in this file. A goroutine that
// has just handed a value over may still be running on its way to its pause,
// so it looks again, for up to about a second.
func parkedAt(goid int64) (Pause, error) {
	if goid == 0 {
		return Pause{}, ErrNotStarted
	}
	header := fmt.Sprintf("goroutine %d [", goid)
	var dumping time.Duration
	for try := 0; ; try++ {
		start := time.Now()
		dump, whole := allStacks()
		dumping += time.Since(start)
		i := strings.Index(dump, header)
		if i < 0 && !whole {
			return Pause{}, errors.New("the goroutine dump is too large to search")
		}
		if i < 0 {
			return Pause{}, ErrFinished
		}
		block, _, _ := strings.Cut(dump[i+len(header):], "\n\n")
		reason, stack, _ := strings.Cut(block, "]:\n")
		reason, _, _ = strings.Cut(reason, ",") // drop ", 2 minutes"
		if reason == "running" || reason == "runnable" {
			// Each look stops the world, so look less and less often:
			// 60 looks over about a second.
			if try < 60 {
				time.Sleep(time.Duration(min(try+1, 20)) * time.Millisecond)
				continue
			}
			return Pause{}, fmt.Errorf("the body's goroutine is still %s", reason)
		}
		p := Pause{Wait: reason, Looks: try + 1, Dumping: dumping}
		lines := strings.Split(stack, "\n")
		var frames []Frame
		for j := 0; j+1 < len(lines) && len(frames) < 2; j += 2 {
			fn, where := lines[j], strings.TrimSpace(lines[j+1])
			if !strings.Contains(fn, "(") || !strings.Contains(where, ":") {
				return p, fmt.Errorf("the goroutine dump has a form this parser does not know: %q", fn)
			}
			file, line, _ := strings.Cut(strings.Fields(where + " ")[0], ":")
			if j == 0 {
				p.Innermost = fmt.Sprintf("%s (%s:%s)", fn[:strings.LastIndex(fn, "(")], file[strings.LastIndex(file, "/")+1:], line)
			}
			if !strings.HasSuffix(file, "/coroutines.go") && file != "coroutines.go" {
				continue
			}
			n, _ := strconv.Atoi(line)
			fn = fn[:strings.LastIndex(fn, "(")] // drop the arguments
			fn = fn[strings.LastIndex(fn, "techniques.")+len("techniques."):]
			frames = append(frames, Frame{Func: fn, Line: n})
		}
		if len(frames) < 2 {
			return p, fmt.Errorf("the body's goroutine waits (%s) outside the body", reason)
		}
		p.Switch, p.Body = frames[0], frames[1]
		return p, nil
	}
}

// allStacks is runtime.Stack of every goroutine, in a buffer big enough;
// whole is false if even 64 MiB could not hold it and it was cut short.
func allStacks() (dump string, whole bool) {
	for size := 1 << 16; ; size *= 2 {
		buf := make([]byte, size)
		if n := runtime.Stack(buf, true); n < size || size >= 64<<20 {
			return string(buf[:n]), n < size
		}
	}
}

// goroutineID is the number the runtime gives the calling goroutine in its
// stack dumps ("goroutine 7 [running]:"). Go has no API for it on purpose;
// it is used here only to find the body's goroutine in the dump.
func goroutineID() int64 {
	var buf [64]byte
	s := strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	id, _ := strconv.ParseInt(s[:strings.IndexByte(s+" ", ' ')], 10, 64)
	return id
}

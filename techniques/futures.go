package techniques

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/sourcegraph/conc/panics"
)

// Future is a value that is not ready yet: the result of a function running
// on its own goroutine. It resolves exactly once, with a value or an error.
// Any number of goroutines may Wait for it, before or after it resolves.
// A Future must not be copied.
//
// Go has no await keyword: Wait is an ordinary blocking call. It parks the
// goroutine that calls it (the Go runtime runs other goroutines on that OS
// thread meanwhile), so call it on a goroutine of your own, never on the
// goroutine that draws the window.
type Future[T any] struct {
	done chan struct{} // closed once val and err are set
	val  T
	err  error
}

// Go starts fn on a new goroutine and returns its future at once. Cancelling
// ctx is only a request: fn must check ctx (ctx.Done, ctx.Err) and return
// early; a fn that never looks runs to its end. A panic in fn does not take
// the program down: the future fails with an error that carries the panic
// value and the stack where it happened.
func Go[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	f := &Future[T]{done: make(chan struct{})}
	go func() {
		var c panics.Catcher
		c.Try(func() { f.val, f.err = fn(ctx) })
		if r := c.Recovered(); r != nil {
			f.err = fmt.Errorf("task panicked: %w", r.AsError())
		}
		close(f.done)
	}()
	return f
}

// Resolved returns a future that is already resolved with v.
func Resolved[T any](v T) *Future[T] {
	f := &Future[T]{done: make(chan struct{}), val: v}
	close(f.done)
	return f
}

// Wait blocks the calling goroutine until the future resolves, and returns
// its value or error. If ctx is done first, Wait returns ctx's error at
// once; the future's own work goes on until its fn returns.
func (f *Future[T]) Wait(ctx context.Context) (T, error) {
	select {
	case <-f.done: // a result already there wins over a cancelled ctx
		return f.val, f.err
	default:
	}
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// Done is closed when the future has resolved.
func (f *Future[T]) Done() <-chan struct{} { return f.done }

// Then returns a future of fn applied to f's value. A new goroutine waits
// for f, then calls fn; if f fails (or ctx is cancelled first), fn is not
// called and the new future fails with that error.
func Then[T, U any](ctx context.Context, f *Future[T], fn func(context.Context, T) (U, error)) *Future[U] {
	return Go(ctx, func(ctx context.Context) (U, error) {
		v, err := f.Wait(ctx)
		if err != nil {
			var zero U
			return zero, err
		}
		return fn(ctx, v)
	})
}

// Catch returns a future that resolves like f, except that if f fails,
// handle is called (on Catch's own goroutine) with the error and decides
// the result.
func Catch[T any](ctx context.Context, f *Future[T], handle func(error) (T, error)) *Future[T] {
	return Go(ctx, func(ctx context.Context) (T, error) {
		v, err := f.Wait(ctx)
		if err != nil {
			return handle(err)
		}
		return v, nil
	})
}

// All waits for every future and returns their values in order, or, as soon
// as one fails, that error without waiting for the others (or ctx's error,
// if ctx is done first). The futures are the caller's: All does not cancel
// them.
func All[T any](ctx context.Context, fs ...*Future[T]) ([]T, error) {
	watch, stop := context.WithCancel(ctx)
	defer stop()
	failed := make(chan error, len(fs)) // in the order the failures happened
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Go(func() {
			select {
			case <-f.done:
				if f.err != nil {
					failed <- f.err
					stop() // no need to watch the others any longer
				}
			case <-watch.Done():
			}
		})
	}
	wg.Wait()
	select {
	case err := <-failed:
		return nil, err
	default:
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vals := make([]T, len(fs))
	for i, f := range fs {
		vals[i] = f.val
	}
	return vals, nil
}

// First starts every fn with a context it shares with the others and
// returns the value of the first to succeed, cancelling that context so the
// others stop (each where it checks ctx). If every one fails, it returns
// all their errors joined. It returns only when every fn has returned, so
// no goroutine outlives it: a fn that ignores its context makes First wait
// for it. Nothing blocks on a send either: won has room for every result.
func First[T any](ctx context.Context, fns ...func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fs := make([]*Future[T], len(fns))
	for i, fn := range fns {
		fs[i] = Go(ctx, fn)
	}
	won := make(chan T, len(fns))
	var errs []error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Go(func() {
			<-f.done
			if f.err == nil {
				won <- f.val
				cancel() // the race is over: stop the losers
				return
			}
			mu.Lock()
			errs = append(errs, f.err)
			mu.Unlock()
		})
	}
	wg.Wait()
	select {
	case v := <-won:
		return v, nil
	default:
		var zero T
		return zero, errors.Join(errs...)
	}
}

// FirstNoCancel is First done wrong, kept so the panel can count what it
// costs. It takes the first success and returns, but it never cancels the
// losers: each works on to its end, then sends its result on a channel
// nobody will read again. With room in the channel (buffered), the send
// succeeds and the loser exits, late. Without (unbuffered), the send waits
// for a receiver that never comes: the loser is leaked, blocked forever, and
// the garbage collector never frees it nor anything it references.
// Cancelling alone would not help the unbuffered case: a cancelled loser
// returns early, then blocks on the same send.
//
// release is the demo's way to give leaked goroutines back: it receives
// what is left, waiting for the losers to finish. Real code with this bug
// has no such thing.
func FirstNoCancel[T any](ctx context.Context, buffered bool, fns ...func(context.Context) (T, error)) (v T, release func(), err error) {
	type result struct {
		v   T
		err error
	}
	results := make(chan result) // unbuffered: a send waits until someone receives
	if buffered {
		results = make(chan result, len(fns)) // room for every result: no send ever waits
	}
	for _, fn := range fns {
		go func() {
			v, err := fn(ctx) // nothing here cancels ctx: a loser runs to its end
			results <- result{v, err}
		}()
	}
	var errs []error
	for received := 1; received <= len(fns); received++ {
		r := <-results
		if r.err == nil {
			release = func() {
				for range len(fns) - received {
					<-results
				}
			}
			return r.v, release, nil // the losers' results are never read
		}
		errs = append(errs, r.err)
	}
	return v, func() {}, errors.Join(errs...)
}

// GoroutineCounts are goroutines of the whole process, counted with
// runtime.NumGoroutine: the program's other goroutines are in every count,
// so what a first-of leaves behind is the difference from Before.
type GoroutineCounts struct {
	Before   int // just before the tasks started
	Returned int // once first-of had returned
	Later    int // once every task has had time to finish its work
	Released int // after FirstNoCancel's release (the same as Later for First)
}

// LeakCounts are the counts of LeakCheck, one first-of each.
type LeakCounts struct {
	First      GoroutineCounts // cancels the losers and waits for them
	Buffered   GoroutineCounts // FirstNoCancel with room for every result
	Unbuffered GoroutineCounts // FirstNoCancel with an unbuffered channel: the leak
}

// LeakCheck runs the same tasks through First, then FirstNoCancel with a
// buffered channel, then with an unbuffered one, and counts goroutines
// around each. longest is the most any task takes, so by Later every task
// has done its work. Each count waits up to settle for goroutines that are
// returning to finish.
func LeakCheck[T any](ctx context.Context, fns []func(context.Context) (T, error), longest, settle time.Duration) (LeakCounts, error) {
	var err error
	count := func(run func() (release func())) (c GoroutineCounts) {
		c.Before = numGoroutine()
		release := run()
		c.Returned = SettledCount(c.Before, settle)
		if !sleepCtx(ctx, longest) {
			err = ctx.Err()
		}
		c.Later = SettledCount(c.Before, settle)
		release()
		c.Released = SettledCount(c.Before, settle)
		return c
	}
	var lc LeakCounts
	lc.First = count(func() func() {
		First(ctx, fns...)
		return func() {}
	})
	lc.Buffered = count(func() func() {
		_, release, _ := FirstNoCancel(ctx, true, fns...)
		return release
	})
	lc.Unbuffered = count(func() func() {
		_, release, _ := FirstNoCancel(ctx, false, fns...)
		return release
	})
	return lc, err
}

// SettledCount counts the goroutines of the process, first giving those
// on their way out up to settle to finish, while there are more than
// target: a goroutine that has delivered its result may still be returning.
func SettledCount(target int, settle time.Duration) int {
	deadline := time.Now().Add(settle)
	for numGoroutine() > target && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return numGoroutine()
}

// numGoroutine is runtime.NumGoroutine. The tests count only their own
// goroutines instead: the test binary's others come and go as they please.
var numGoroutine = runtime.NumGoroutine

// ReadFileAsync is the promise-style file read: it returns a future of the
// file's content at once. delay is a simulated device latency.
func ReadFileAsync(ctx context.Context, fsys fs.FS, name string, delay time.Duration) *Future[string] {
	return Go(ctx, func(ctx context.Context) (string, error) {
		return ReadFileSync(ctx, fsys, name, delay)
	})
}

// Resource is what Fetch brings back.
type Resource struct {
	ID   int
	Body string
	Took time.Duration
}

// FetchConfig describes the simulated network of Fetch.
type FetchConfig struct {
	MinLatency, MaxLatency time.Duration // each fetch waits a random time in this range: a simulated network
	FailRate               float64       // the chance, 0 to 1, that a fetch fails
	PanicID                int           // the resource whose fetch panics; -1 for none
}

// ErrFetchFailed is the simulated network failure of Fetch.
var ErrFetchFailed = errors.New("simulated network failure")

// Fetch pretends to fetch resource id over a network: it waits a random
// simulated latency (or until ctx is cancelled), then succeeds or fails.
// rng must not be shared with other goroutines.
func Fetch(ctx context.Context, id int, cfg FetchConfig, rng *rand.Rand) (Resource, error) {
	latency := cfg.MinLatency
	if spread := cfg.MaxLatency - cfg.MinLatency; spread > 0 {
		latency += time.Duration(rng.Int64N(int64(spread)))
	}
	fail := rng.Float64() < cfg.FailRate
	if !sleepCtx(ctx, latency) {
		return Resource{}, ctx.Err()
	}
	if id == cfg.PanicID {
		panic(fmt.Sprintf("resource %d: a bug in the task", id))
	}
	if fail {
		return Resource{}, fmt.Errorf("resource %d: %w", id, ErrFetchFailed)
	}
	return Resource{ID: id, Body: fmt.Sprintf("resource #%d", id), Took: latency}, nil
}

// Settled is one future of FetchMany settling: resource ID's value or
// error, After the start.
type Settled struct {
	ID       int
	Resource Resource
	Err      error
	After    time.Duration
}

// Fetched is what FetchMany's combinator gave.
type Fetched struct {
	Values []Resource    // All: every value, in order
	Winner Resource      // First: the first to succeed
	Err    error         // the combinator's error
	Start  time.Duration // All: how long starting every future took (First starts them inside its call)
}

// FetchMany fetches resources 0 to n-1 as futures and combines them: with
// All or, if first, with First. When All fails, the futures still pending
// are cancelled. settled is called for each future as it settles, on
// FetchMany's goroutine, never concurrently. seed makes the latencies
// repeatable. FetchMany returns when every future has settled.
func FetchMany(ctx context.Context, n int, cfg FetchConfig, seed uint64, first bool, settled func(Settled)) Fetched {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	events := make(chan Settled, n)
	var watchers sync.WaitGroup
	// watch waits for f apart from the combinator, to report it as it settles.
	watch := func(i int, f *Future[Resource]) {
		watchers.Go(func() {
			r, err := f.Wait(context.Background()) // the outcome, never a cancelled wait
			events <- Settled{i, r, err, time.Since(start)}
		})
	}
	fetch := func(i int) func(context.Context) (Resource, error) {
		rng := rand.New(rand.NewPCG(seed, uint64(i))) // one per fetch: a rand.Rand is not safe to share
		return func(ctx context.Context) (Resource, error) { return Fetch(ctx, i, cfg, rng) }
	}

	var out Fetched
	combined := make(chan struct{})
	if first {
		fns := make([]func(context.Context) (Resource, error), n)
		for i := range fns {
			fns[i] = func(ctx context.Context) (Resource, error) {
				f := Go(ctx, fetch(i))
				watch(i, f)
				return f.Wait(ctx)
			}
		}
		go func() {
			defer close(combined)
			out.Winner, out.Err = First(ctx, fns...)
		}()
	} else {
		fs := make([]*Future[Resource], n)
		for i := range fs {
			fs[i] = Go(ctx, fetch(i))
		}
		out.Start = time.Since(start) // Go returned n futures without waiting for any
		for i, f := range fs {
			watch(i, f)
		}
		go func() {
			defer close(combined)
			out.Values, out.Err = All(ctx, fs...)
			if out.Err != nil {
				cancel() // All has failed: nobody needs the others any more
			}
		}()
	}
	for range n {
		settled(<-events)
	}
	<-combined
	watchers.Wait() // every watcher has sent: none is left behind
	return out
}

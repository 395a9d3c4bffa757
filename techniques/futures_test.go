package techniques

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func after[T any](d time.Duration, v T, err error) func(context.Context) (T, error) {
	return func(ctx context.Context) (T, error) {
		if !sleepCtx(ctx, d) {
			var zero T
			return zero, ctx.Err()
		}
		return v, err
	}
}

func TestFutureResolvesOnce(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		f := Go(t.Context(), func(ctx context.Context) (int, error) {
			calls.Add(1)
			time.Sleep(time.Second)
			return 42, nil
		})
		// Wait before resolution, from two goroutines, and after.
		got := make(chan int, 2)
		for range 2 {
			go func() { v, _ := f.Wait(t.Context()); got <- v }()
		}
		if a, b := <-got, <-got; a != 42 || b != 42 {
			t.Errorf("awaited %d and %d, want 42", a, b)
		}
		if v, err := f.Wait(t.Context()); v != 42 || err != nil {
			t.Errorf("after: %d, %v", v, err)
		}
		if calls.Load() != 1 {
			t.Errorf("fn ran %d times", calls.Load())
		}
	})
}

func TestFutureWaitCancelled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		f := Go(ctx, after(time.Hour, 1, nil))
		go func() { time.Sleep(time.Second); cancel() }()
		if _, err := f.Wait(context.Background()); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}

func TestThenCatchOrder(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := t.Context()
		var order []string
		f := Go(ctx, after(time.Second, 20, nil))
		g := Then(ctx, f, func(_ context.Context, v int) (int, error) { order = append(order, "then 1"); return v + 1, nil })
		h := Then(ctx, g, func(_ context.Context, v int) (string, error) {
			order = append(order, "then 2")
			return fmt.Sprint(v * 2), nil
		})
		if v, err := h.Wait(ctx); v != "42" || err != nil {
			t.Errorf("chain = %q, %v", v, err)
		}
		if strings.Join(order, ",") != "then 1,then 2" {
			t.Errorf("order %v", order)
		}

		boom := errors.New("boom")
		bad := Go(ctx, after(time.Second, 0, boom))
		skipped := Then(ctx, bad, func(context.Context, int) (int, error) { t.Error("then ran after a failure"); return 0, nil })
		caught := Catch(ctx, skipped, func(err error) (int, error) {
			if !errors.Is(err, boom) {
				t.Errorf("catch got %v", err)
			}
			return -1, nil
		})
		if v, err := caught.Wait(ctx); v != -1 || err != nil {
			t.Errorf("caught = %d, %v", v, err)
		}
	})
}

func TestAll(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := t.Context()
		vals, err := All(ctx, Go(ctx, after(3*time.Second, "c", nil)), Go(ctx, after(time.Second, "a", nil)), Resolved("b"))
		if err != nil || strings.Join(vals, "") != "cab" {
			t.Errorf("All = %v, %v; want [c a b] in order", vals, err)
		}
		boom := errors.New("boom")
		start := time.Now()
		slow := Go(ctx, after(time.Hour, "slow", nil))
		_, err = All(ctx, slow, Go(ctx, after(2*time.Second, "", boom)))
		if !errors.Is(err, boom) || time.Since(start) != 2*time.Second {
			t.Errorf("All with a failure = %v after %v; want boom after 2s, not waiting for the slow one", err, time.Since(start))
		}
	})
}

func TestFirstCancelsTheLosers(t *testing.T) {
	t.Parallel()
	// synctest.Test waits for every goroutine of its bubble to end, and
	// fails if one never does: a loser left running would be caught.
	synctest.Test(t, func(t *testing.T) {
		var cancelled atomic.Int32
		loser := func(ctx context.Context) (string, error) {
			<-ctx.Done()
			cancelled.Add(1)
			return "", ctx.Err()
		}
		v, err := First(t.Context(), loser, after(time.Second, "fast", nil), loser, after(time.Second/2, "", errors.New("failed fast")))
		if v != "fast" || err != nil {
			t.Errorf("First = %q, %v", v, err)
		}
		if cancelled.Load() != 2 {
			t.Errorf("%d losers cancelled, want 2", cancelled.Load())
		}
		_, err = First(t.Context(), after(time.Second, "", errors.New("a")), after(time.Second, "", errors.New("b")))
		if err == nil || !strings.Contains(err.Error(), "a") || !strings.Contains(err.Error(), "b") {
			t.Errorf("all failing: %v, want both errors", err)
		}
	})
}

func TestPanicBecomesError(t *testing.T) {
	t.Parallel()
	f := Go(context.Background(), func(context.Context) (int, error) { panic("kaboom") })
	_, err := f.Wait(context.Background())
	if err == nil || !strings.Contains(err.Error(), "kaboom") || !strings.Contains(err.Error(), "futures_test.go") {
		t.Errorf("err = %v, want the panic value and its stack", err)
	}
}

func TestFetch(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		cfg := FetchConfig{MinLatency: time.Second, MaxLatency: 2 * time.Second, PanicID: -1}
		start := time.Now()
		r, err := Fetch(t.Context(), 3, cfg, rng)
		if err != nil || r.ID != 3 || r.Took < time.Second || r.Took >= 2*time.Second || time.Since(start) != r.Took {
			t.Errorf("Fetch = %+v, %v after %v", r, err, time.Since(start))
		}
		cfg.FailRate = 1
		if _, err := Fetch(t.Context(), 1, cfg, rng); !errors.Is(err, ErrFetchFailed) {
			t.Errorf("fail rate 1: %v", err)
		}
	})
}

func TestReadFileAsync(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"foo.txt": {Data: []byte("hi")}}
	v, err := ReadFileAsync(context.Background(), fsys, "foo.txt", 0).Wait(context.Background())
	if v != "hi" || err != nil {
		t.Errorf("ReadFileAsync = %q, %v", v, err)
	}
}

func ExampleThen() {
	ctx := context.Background()
	f := Go(ctx, func(context.Context) (int, error) { return 21, nil })
	doubled := Then(ctx, f, func(_ context.Context, v int) (int, error) { return 2 * v, nil })
	fmt.Println(doubled.Wait(ctx))
	// Output: 42 <nil>
}

// TestLeakCheck counts the goroutines of its synctest bubble, not of the
// whole test binary, where goroutines outside the test (a finalizer that
// runs, one an earlier test left on its way out) changed the counts by one
// in a CI run. It is not parallel: it swaps the package's counter.
func TestLeakCheck(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	numGoroutine = bubbleGoroutines
	defer func() { numGoroutine = runtime.NumGoroutine }()
	tests := []struct {
		name   string
		fns    []func(context.Context) (int, error)
		losers int // goroutines FirstNoCancel leaves blocked
	}{
		{"one fast, three slow", []func(context.Context) (int, error){
			after(time.Second, 1, nil), after(3*time.Second, 2, nil), after(2*time.Second, 3, nil), after(3*time.Second, 4, nil)}, 3},
		{"the fast one fails", []func(context.Context) (int, error){
			after(time.Second, 0, errors.New("no")), after(2*time.Second, 2, nil), after(3*time.Second, 3, nil)}, 1},
		{"all fail: every result is read", []func(context.Context) (int, error){
			after(time.Second, 0, errors.New("a")), after(2*time.Second, 0, errors.New("b"))}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				lc, err := LeakCheck(t.Context(), tt.fns, 3*time.Second, 100*time.Millisecond)
				if err != nil {
					t.Fatal(err)
				}
				if c := lc.First; c.Returned != c.Before || c.Later != c.Before || c.Released != c.Before {
					t.Errorf("First left goroutines behind: %+v", c)
				}
				if c := lc.Buffered; c.Returned-c.Before != tt.losers || c.Later != c.Before {
					t.Errorf("buffered: %+v; want %d losers still working as it returns, none once they are done", c, tt.losers)
				}
				if c := lc.Unbuffered; c.Later-c.Before != tt.losers || c.Released != c.Before {
					t.Errorf("unbuffered: %+v; want %d goroutines left once every task is done, none after release", c, tt.losers)
				}
			})
		})
	}
}

func TestFirstNoCancelDoesNotCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var finished atomic.Int32
		slow := func(ctx context.Context) (string, error) {
			if !sleepCtx(ctx, time.Hour) {
				return "", ctx.Err()
			}
			finished.Add(1)
			return "slow", nil
		}
		start := time.Now()
		v, release, err := FirstNoCancel(t.Context(), true, after(time.Second, "fast", nil), slow, slow)
		if v != "fast" || err != nil {
			t.Errorf("FirstNoCancel = %q, %v", v, err)
		}
		release() // waits for the losers: they were never told to stop
		if finished.Load() != 2 || time.Since(start) < time.Hour {
			t.Errorf("%d losers ran to their end at %v, want 2 after an hour", finished.Load(), time.Now())
		}
	})
}

func TestFetchMany(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		first    bool
		failRate float64
		wantErr  error
	}{
		{"All, every fetch succeeds", false, 0, nil},
		{"All, every fetch fails", false, 1, ErrFetchFailed},
		{"First, every fetch succeeds", true, 0, nil},
		{"First, every fetch fails", true, 1, ErrFetchFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// synctest.Test also fails if a goroutine outlives FetchMany.
			synctest.Test(t, func(t *testing.T) {
				const n = 20
				cfg := FetchConfig{MinLatency: time.Millisecond, MaxLatency: time.Second, FailRate: tt.failRate, PanicID: -1}
				seen := map[int]int{}
				var last time.Duration
				got := FetchMany(t.Context(), n, cfg, 7, tt.first, func(s Settled) {
					seen[s.ID]++
					if s.After < last {
						t.Errorf("resource %d settled after %v, before the one before it (%v)", s.ID, s.After, last)
					}
					last = s.After
				})
				if len(seen) != n {
					t.Errorf("%d distinct futures settled, want %d: %v", len(seen), n, seen)
				}
				for id, times := range seen {
					if times != 1 {
						t.Errorf("resource %d settled %d times", id, times)
					}
				}
				if !errors.Is(got.Err, tt.wantErr) {
					t.Errorf("err = %v, want %v", got.Err, tt.wantErr)
				}
				switch {
				case tt.wantErr != nil:
				case tt.first && got.Winner.Body == "":
					t.Errorf("First: no winner: %+v", got)
				case !tt.first && len(got.Values) != n:
					t.Errorf("All: %d values, want %d", len(got.Values), n)
				}
				if !tt.first && got.Start != 0 { // in the bubble, time moves only when every goroutine waits
					t.Errorf("All: starting the futures took %v of simulated time, want 0: Go must not wait for a fetch", got.Start)
				}
			})
		})
	}
}

// bubbleGoroutines counts the goroutines in the caller's synctest bubble,
// which goroutine dumps name in each goroutine's header.
func bubbleGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	// "goroutine 7 [chan receive, synctest bubble 1]:", with " gp=… m=…"
	// before the bracket under GOTRACEBACK=system.
	headers := regexp.MustCompile(`(?m)^goroutine \d+ [^\[]*\[(.*)\]:$`).FindAllSubmatch(buf, -1)
	bubble := regexp.MustCompile(`synctest bubble \d+`)
	var mine []byte
	if len(headers) > 0 {
		mine = bubble.Find(headers[0][1]) // the first goroutine is the caller
	}
	if mine == nil {
		panic("bubbleGoroutines called outside a synctest bubble")
	}
	n := 0
	for _, h := range headers {
		if bytes.Equal(bubble.Find(h[1]), mine) {
			n++
		}
	}
	return n
}

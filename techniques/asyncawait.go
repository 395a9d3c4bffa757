package techniques

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"
)

// The async/await workflow: read a file, parse it into words, then look each
// word up over a (simulated) network. The same workflow is written three
// ways below, with the same result: straight-line code, a chain of
// promises, and callbacks.
//
// Go has no await keyword. In C#, JavaScript or Python, an await on an
// unfinished task gives control back (in a click handler, to the event
// loop); the rest of the function runs later, as a continuation, and no
// thread waits meanwhile.
//
// Go reads as straight a line another way: the code blocks, but only its
// own goroutine, whose stack keeps its place. Started on a goroutine of its
// own, it never makes the window's goroutine wait.

// Lookup is one looked-up word.
type Lookup struct {
	Word    string
	Letters int
}

// Report is what the workflow produces.
type Report struct {
	File    string
	Lookups []Lookup
}

func (r Report) String() string {
	parts := make([]string, len(r.Lookups))
	for i, l := range r.Lookups {
		parts[i] = fmt.Sprintf("%s (%d)", l.Word, l.Letters)
	}
	return fmt.Sprintf("%s: %d words looked up: %s", r.File, len(r.Lookups), strings.Join(parts, ", "))
}

// WorkflowConfig is the input of the workflow.
type WorkflowConfig struct {
	FS        fs.FS
	File      string
	DiskDelay time.Duration // simulated latency of the file read
	NetDelay  time.Duration // simulated latency of each lookup
	FailAt    int           // 1, 2 or 3 makes that step fail with ErrInjected; 0 none
}

// readStep, parseStep and lookupStep are the three asynchronous steps. Each
// returns a future at once; its work runs on a goroutine of its own.
func readStep(ctx context.Context, cfg WorkflowConfig) *Future[string] {
	return Then(ctx, ReadFileAsync(ctx, cfg.FS, cfg.File, cfg.DiskDelay), func(_ context.Context, s string) (string, error) {
		return s, injected(cfg, 1)
	})
}

// parseStep takes the first word of each line.
func parseStep(ctx context.Context, cfg WorkflowConfig, content string) *Future[[]string] {
	return Go(ctx, func(context.Context) ([]string, error) {
		var words []string
		for _, line := range strings.Split(content, "\n") {
			if f := strings.Fields(line); len(f) > 0 {
				words = append(words, f[0])
			}
		}
		return words, injected(cfg, 2)
	})
}

func lookupStep(ctx context.Context, cfg WorkflowConfig, word string) *Future[Lookup] {
	return Go(ctx, func(ctx context.Context) (Lookup, error) {
		if !sleepCtx(ctx, cfg.NetDelay) {
			return Lookup{}, ctx.Err()
		}
		return Lookup{Word: word, Letters: len([]rune(word))}, injected(cfg, 3)
	})
}

func injected(cfg WorkflowConfig, step int) error {
	if cfg.FailAt == step {
		return fmt.Errorf("step %d: %w", step, ErrInjected)
	}
	return nil
}

// ReportStraightLine is the workflow as straight-line code, Go's answer to
// await: each step waited for in turn, each error handled where it happens.
// Each Wait (and All) blocks the calling goroutine: on the window's own, it
// would freeze the window (sync-over-async). onStep is told which step is
// being waited for, on the calling goroutine.
func ReportStraightLine(ctx context.Context, cfg WorkflowConfig, onStep func(step int)) (Report, error) {
	onStep(1)
	content, err := readStep(ctx, cfg).Wait(ctx) // step 1: read
	if err != nil {
		return Report{}, err
	}
	onStep(2)
	words, err := parseStep(ctx, cfg, content).Wait(ctx) // step 2: parse
	if err != nil {
		return Report{}, err
	}
	onStep(3)
	lookups := make([]*Future[Lookup], len(words))
	for i, w := range words {
		lookups[i] = lookupStep(ctx, cfg, w) // all lookups start at once…
	}
	found, err := All(ctx, lookups...) // step 3: …and are waited for together
	if err != nil {
		return Report{}, err
	}
	return Report{File: cfg.File, Lookups: found}, nil
}

// ReportPromise is the same workflow as a chain of promises: each Then
// says what to do when the previous step resolves; one error skips the rest.
// It returns at once. Each Then's function runs on a goroutine of its own,
// so it may simply Wait for the step it starts (a JavaScript then would
// return that promise and let the chain wait for it).
func ReportPromise(ctx context.Context, cfg WorkflowConfig) *Future[Report] {
	words := Then(ctx, readStep(ctx, cfg), func(ctx context.Context, content string) ([]string, error) {
		return parseStep(ctx, cfg, content).Wait(ctx)
	})
	return Then(ctx, words, func(ctx context.Context, words []string) (Report, error) {
		lookups := make([]*Future[Lookup], len(words))
		for i, w := range words {
			lookups[i] = lookupStep(ctx, cfg, w)
		}
		found, err := All(ctx, lookups...)
		if err != nil {
			return Report{}, err
		}
		return Report{File: cfg.File, Lookups: found}, nil
	})
}

// ReportCallbacks is the same workflow with callbacks: each step's callback
// starts the next, and each must check for errors itself.
func ReportCallbacks(ctx context.Context, cfg WorkflowConfig, done func(Report, error)) {
	whenDone(readStep(ctx, cfg), func(content string, err error) {
		if err != nil {
			done(Report{}, err)
			return
		}
		whenDone(parseStep(ctx, cfg, content), func(words []string, err error) {
			if err != nil {
				done(Report{}, err)
				return
			}
			if len(words) == 0 {
				done(Report{File: cfg.File}, nil)
				return
			}
			// The lookups run at once; their callbacks may run at the same
			// time, so the shared tally needs a lock.
			var mu sync.Mutex
			found := make([]Lookup, len(words))
			remaining, failed := len(words), false
			for i, w := range words {
				whenDone(lookupStep(ctx, cfg, w), func(l Lookup, err error) {
					mu.Lock()
					defer mu.Unlock()
					if failed {
						return
					}
					if err != nil {
						failed = true
						done(Report{}, err)
						return
					}
					found[i] = l
					if remaining--; remaining == 0 {
						done(Report{File: cfg.File, Lookups: found}, nil)
					}
				})
			}
		})
	})
}

// whenDone calls callback, on a goroutine of its own, once f has resolved.
// The callback is not called on the caller's goroutine: unlike a JavaScript
// callback, which waits its turn on the one event loop, two may run at once.
func whenDone[T any](f *Future[T], callback func(T, error)) {
	go func() {
		callback(f.Wait(context.Background()))
	}()
}

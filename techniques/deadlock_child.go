package techniques

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"concurrencylab/techniques/child"
)

// Go's runtime has a deadlock detector of its own, and it is blunt: when no
// goroutine of the whole program can ever run again, it stops the program
// with "fatal error: all goroutines are asleep - deadlock!". To try it,
// the philosophers deadlock in a child process (package child), on plain
// sync.Mutex forks, with the child's main goroutine waiting for them.
//
// In this app it stays silent. The detector counts the OS threads that
// might still run Go code, and a program that links C code (cgo, which the
// app's window needs) keeps one thread ready for calls from C: the count
// never reaches zero. Building with -race links runtime/cgo too (the race
// detector's runtime, ThreadSanitizer, is C++), so it silences the
// detector as well. A program
// without cgo, built without -race, gets the fatal error at once
// (TestRuntimeDetectorWithoutCgo runs all three). So if the runtime has not
// spoken within runtimeWait, the child is sent SIGQUIT, and the runtime
// prints every goroutine's stack as it exits: the deadlock, seen from inside.

// RuntimeVerdict is what Go's runtime said of a whole program that deadlocked.
type RuntimeVerdict struct {
	Detected bool          // the runtime stopped the program as deadlocked
	Output   string        // the child's standard error, its goroutine dump trimmed
	Took     time.Duration // from starting the child to its end
}

// runtimeWait is how long to wait for the runtime's own verdict.
const runtimeWait = 3 * time.Second

// RuntimeDeadlock deadlocks n philosophers in a child process, in which
// every goroutine ends up asleep, and returns what Go's runtime printed as the child
// ended: its deadlock error, or, if it gave none within runtimeWait, the
// goroutine dump SIGQUIT makes it print.
func RuntimeDeadlock(ctx context.Context, n int) (RuntimeVerdict, error) {
	if n < 2 || n > MaxPhilosophers {
		return RuntimeVerdict{}, fmt.Errorf("philosophers must be 2 to %d, got %d", MaxPhilosophers, n)
	}
	wait, cancel := context.WithTimeout(ctx, runtimeWait)
	defer cancel()
	began := time.Now()
	_, err := deadlockJob.Run(wait, n, child.Options{DumpOnCancel: true}, nil)
	var stderr string
	if ee, ok := errors.AsType[*child.ExitError](err); ok {
		stderr = ee.Stderr
	}
	v := RuntimeVerdict{Took: time.Since(began), Output: trimDump(stderr)}
	v.Detected = strings.Contains(stderr, "all goroutines are asleep - deadlock!")
	switch {
	case ctx.Err() != nil:
		return v, ctx.Err()
	case v.Detected:
		return v, nil // the child's crash is the answer
	case errors.Is(err, context.DeadlineExceeded) && strings.Contains(stderr, "goroutine "):
		return v, nil // silent: the dump SIGQUIT asked for is the answer
	case err == nil:
		return v, errors.New("the deadlock child process ended normally")
	}
	return v, err
}

// deadlockJob is RuntimeDeadlock's work, in the child: it never returns.
var deadlockJob = child.Register("deadlock", func(_ context.Context, n int, _ func(struct{}) error) error {
	forks := make([]sync.Mutex, n)
	var holding, dined sync.WaitGroup
	holding.Add(n)
	for i := range n {
		dined.Go(func() {
			forks[i].Lock() // the left fork
			holding.Done()
			holding.Wait()        // until everyone holds their left fork
			forks[(i+1)%n].Lock() // the right fork: held by the next one, forever
			// Never reached: no eating, and no unlocking, here.
		})
	}
	// The child's main goroutine waits too: now no goroutine can run again.
	dined.Wait()
	return nil
})

// trimDump keeps the runtime's first line (its error, or SIGQUIT) and, of
// each goroutine of the program's own code, the header with its state and
// the first call of that code, past the runtime's and sync's own.
func trimDump(dump string) string {
	var out []string
	hidden := 0
	for i, block := range strings.Split(strings.TrimSpace(dump), "\n\n") {
		lines := strings.Split(block, "\n")
		header, ok := strings.CutPrefix(lines[0], "goroutine ")
		if !ok {
			if i == 0 {
				out = append(out, lines[0])
			}
			continue
		}
		// "1 gp=0x… m=nil [sync.WaitGroup.Wait]:" → "goroutine 1 [sync.WaitGroup.Wait]:"
		id, _, _ := strings.Cut(header, " ")
		state := header[strings.Index(header, "[")+1:]
		own := false
		for j := 1; j+1 < len(lines) && !own; j++ {
			if fn := lines[j]; ownCode(fn) {
				out = append(out, "", "goroutine "+id+" ["+state, fn, shortPath(lines[j+1]))
				own = true
			}
		}
		if !own {
			hidden++
		}
	}
	if hidden > 0 {
		out = append(out, "", fmt.Sprintf("(%d goroutines of the runtime itself, and every call inside the runtime and sync, left out)", hidden))
	}
	return strings.Join(out, "\n")
}

// ownCode reports whether a dump line is a call of the program's own code.
func ownCode(l string) bool {
	for _, p := range []string{"\t", "runtime.", "internal/", "sync.", "created by"} {
		if strings.HasPrefix(l, p) {
			return false
		}
	}
	return true
}

// shortPath keeps the file and line of a dump line: the last two elements
// of its path, without the addresses after it.
func shortPath(l string) string {
	l, _, _ = strings.Cut(l, " +0x")
	parts := strings.Split(l, "/")
	if len(parts) <= 2 {
		return l
	}
	return "\t…/" + strings.Join(parts[len(parts)-2:], "/")
}

package yours

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"concurrencylab/techniques/child"
)

// This file is what every panel's edit shares: the parent's side, which
// starts the child and says why it stopped, and the child's, which loads
// the edit under the limits.

// runEdit runs job with spec in a child process, killed at lim.Wall, and
// turns a child that failed into a [*Problem] where it can. hint ends the
// time limit's message: what to try. It returns the child's trace.
func runEdit[S, R any](ctx context.Context, job *child.Job[S, R], spec S, lim Limits, task, hint string, onReport func(R) error) ([]byte, error) {
	tctx, cancel := context.WithTimeoutCause(ctx, lim.Wall, errWall)
	defer cancel()
	traced, err := job.Run(tctx, spec, child.Options{Task: task}, onReport)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(tctx), errWall) {
		return nil, &Problem{Kind: TimeLimit, Msg: fmt.Sprintf("stopped after %s, the limit: an endless loop, a goroutine that never ends, a deadlock, or more work than the interpreter, many times slower than compiled Go, can do in that time%s", lim.Wall, hint)}
	}
	if err != nil {
		return nil, explain(err)
	}
	return traced, nil
}

// load is the start of an edit's child: it checks src again (the child
// trusts no one), keeps the child to lim, and interprets src's function
// pkg.name, which must have the type F (sig says it in Go). It stops the
// child on a Problem.
func load[F any](src string, lim Limits, pkg, name, sig string, printed *bytes.Buffer) F {
	var also []string
	if pkg == "sched" {
		also = []string{StepPackage} // a scheduler program runs on the stepping runtime
	}
	if err := Check(src, also...); err != nil {
		stop(err.(*Problem))
	}
	guard(lim)
	fn, err := compile(src, pkg, name, printed)
	if err != nil {
		if p, ok := errors.AsType[*Problem](err); ok {
			stop(p)
		}
		stop(&Problem{Kind: Failed, Msg: err.Error()})
	}
	f, ok := fn.Interface().(F)
	if !ok {
		stop(&Problem{Kind: CompileError, Msg: fmt.Sprintf("%s must be %s, not %s", name, sig, fn.Type())})
	}
	return f
}

// printedHead is the first 4 KiB of what an edit printed.
func printedHead(b *bytes.Buffer) string { return string(b.Bytes()[:min(b.Len(), 4096)]) }

// timeSlowdown times the original, compiled then interpreted (src), on the
// same input: run calls one of them once and returns how long that call took.
func timeSlowdown[F any](src, pkg, name string, compiled F, run func(F) time.Duration) (c, i time.Duration, err error) {
	c = run(compiled)
	fn, err := compile(src, pkg, name, &bytes.Buffer{})
	if err != nil {
		return 0, 0, err
	}
	return c, run(fn.Interface().(F)), nil
}

// slowdown is how many times as long as i is than c; 0 if not measured.
func slowdown(c, i time.Duration) float64 {
	if c <= 0 || i <= 0 {
		return 0
	}
	return float64(i) / float64(c)
}

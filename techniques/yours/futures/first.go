// Package futures is the futures panel's first-of, "take the first result
// to succeed", as one function you can edit. "Run my version" runs your
// First with the panel's simulated fetches, in a child process,
// interpreted by yaegi (so it runs slower than compiled code).
//
// The interpreter knows Go as it was before 1.21: no range over an integer,
// no min or max, and a for loop's variable is shared by all its
// iterations (pass it to a goroutine as an argument). A func literal
// handed to wg.Go shares even a copy made in the loop (x := x): start such
// goroutines with go func(x T) {…}(x).
package futures

import "context"

// First runs every task on a goroutine of its own and returns the value of
// the first to succeed; if every one fails, it returns the last error.
//
// As written, it never cancels the losers: each works on to its end, then
// blocks forever sending its result on a channel nobody reads again, a
// leaked goroutine. Make First cancel the losers, so that every task stops
// once one has succeeded and no goroutine of First's outlives it.
//
// Keep First's signature: the lab gives it the tasks, each of which stops
// early (with ctx's error) once the context it is given is cancelled.
func First(ctx context.Context, tasks []func(context.Context) (string, error)) (string, error) {
	results := make(chan result) // unbuffered: a send waits until someone receives
	for _, task := range tasks {
		go func(task func(context.Context) (string, error)) {
			v, err := task(ctx) // nothing cancels ctx: a loser runs to its end
			results <- result{v, err}
		}(task)
	}
	var last error
	for i := 0; i < len(tasks); i++ {
		r := <-results
		if r.err == nil {
			return r.v, nil // the losers' results are never read
		}
		last = r.err
	}
	return "", last
}

// result is what one task gave.
type result struct {
	v   string
	err error
}

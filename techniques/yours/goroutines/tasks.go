// Package goroutines is the green threads panel's first program, "start the
// tasks, then sleep", as one function you can edit. "Run my version" runs
// your Run with the panel's tasks, in a child process, interpreted by
// yaegi (so it runs slower than compiled code).
//
// The interpreter knows Go as it was before 1.21: no range over an integer,
// no min or max, and a for loop's variable is shared by all its
// iterations (pass it to a goroutine as an argument). A func literal
// handed to wg.Go shares even a copy made in the loop (x := x): start such
// goroutines with go func(x T) {…}(x).
package goroutines

import "time"

// Run starts n tasks, each on a goroutine of its own, then returns, as a
// main function does. Each task works for a time of its own, which Run is
// not told, then prints. A task still working when Run returns is cut off:
// in a real program, main returning ends every goroutine. As written, Run
// sleeps a guessed 100 ms: make it wait for exactly as long as the tasks
// take, no more, no less.
//
// Keep Run's signature, and call task(i) once for each i from 0 to n-1: the
// lab counts the tasks whose work ended before Run returned.
func Run(n int, task func(i int)) {
	for i := 0; i < n; i++ {
		go task(i)
	}
	time.Sleep(100 * time.Millisecond) // a guess at how long the tasks take
}

// Package race is the race panel's lossy counter as one function you can
// edit. "Run my version" runs your Run with the panel's inputs, in a child
// process, interpreted by yaegi (so it runs slower than compiled code).
package race

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Run starts pairs goroutines that add one to a shared counter and as many
// that subtract one, updates times each, waits for them all and returns
// the counter, which should end where it started, at 0. As written it
// loses updates: make it exact.
//
// Keep Run's signature, and Step: the lab counts the updates that survived
// from the counter Run returns. The interpreter knows Go as it was before
// 1.21: no range over an integer, no min or max, and a for loop's variable
// is shared by all its iterations (pass it to a goroutine as an argument).
// A func literal handed to wg.Go shares even a copy made in the loop
// (x := x): start such goroutines with go func(x T) {…}(x).
func Run(pairs, updates int) uint64 {
	var n atomic.Uint64 // the shared counter: a tally of +1s and -1s (see Step)
	var wg sync.WaitGroup
	start := make(chan struct{}) // holds everyone at the start line
	for i := 0; i < 2*pairs; i++ {
		delta := int64(1)
		if i%2 == 1 {
			delta = -1
		}
		wg.Add(1)
		go func(delta int64) {
			defer wg.Done()
			<-start
			for j := 0; j < updates; j++ {
				v := n.Load()            // read…
				runtime.Gosched()        // …let other goroutines run…
				n.Store(v + Step(delta)) // …then write back, over any write made since our read
			}
		}(delta)
	}
	close(start)
	wg.Wait()
	return n.Load()
}

// Step is what one update adds to the counter. The counter keeps two counts
// in one uint64, the +1s in its high half and the -1s in its low half, and
// its value is their difference. A write over another's carries that one's
// count away with its value, so the counts left at the end are exactly the
// updates that survived.
func Step(delta int64) uint64 {
	if delta > 0 {
		return 1 << 32
	}
	return 1
}

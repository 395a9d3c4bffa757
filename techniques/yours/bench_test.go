package yours

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"concurrencylab/techniques/yours/race"
)

// BenchmarkRaceTemplate runs the original (an atomic load, a yield, an
// atomic store), and a fix with a sync.Mutex instead, compiled and
// interpreted, on 200 goroutines making 100 updates each: the
// interpreter's cost, which the panel's note measures again on each run.
// It is smaller where the runtime's work (the yield) dominates.
func BenchmarkRaceTemplate(b *testing.B) {
	const pairs, updates = 100, 100
	const lossy = "v := n.Load()            // read…\n\t\t\t\truntime.Gosched()        // …let other goroutines run…\n\t\t\t\tn.Store(v + Step(delta))"
	mutexFix := strings.Replace(RaceTemplate, lossy, "mu.Lock()\n\t\t\t\tn.Store(n.Load() + Step(delta))\n\t\t\t\tmu.Unlock()", 1) + "\nvar mu sync.Mutex\n"
	interpreted := func(src string) func(b *testing.B) {
		return func(b *testing.B) {
			fn, err := compile(src, "race", "Run", &bytes.Buffer{})
			if err != nil {
				b.Fatal(err)
			}
			run := fn.Interface().(func(int, int) uint64)
			for b.Loop() {
				run(pairs, updates)
			}
		}
	}
	b.Run("original/compiled", func(b *testing.B) {
		for b.Loop() {
			race.Run(pairs, updates)
		}
	})
	b.Run("original/interpreted", interpreted(RaceTemplate))
	b.Run("mutex/compiled", func(b *testing.B) {
		for b.Loop() {
			mutexRun(pairs, updates)
		}
	})
	b.Run("mutex/interpreted", interpreted(mutexFix))
}

// mutexRun is the mutex fix, compiled: race.Run with a lock around the
// read and the write.
func mutexRun(pairs, updates int) uint64 {
	var n atomic.Uint64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
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
				mu.Lock()
				n.Store(n.Load() + race.Step(delta))
				mu.Unlock()
			}
		}(delta)
	}
	close(start)
	wg.Wait()
	return n.Load()
}

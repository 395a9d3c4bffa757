package techniques

import (
	"context"
	"runtime"
	"runtime/trace"
	"time"
)

// measureTask runs do as task i of a run that began at start, and returns
// the task's span by the clock and its thread's wait in the kernel's run queue.
func measureTask(ctx context.Context, i int, start time.Time, do func()) TaskTrace {
	// Locked to its OS thread, the thread's run-queue wait is the task's.
	// The lock costs runnable time in the trace: once preempted, the task
	// runs again only when its own thread wakes and takes a P.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	before, known := runQueueWait()
	from := time.Since(start)
	trace.WithRegion(ctx, taskRegion(i), do)
	to := time.Since(start)
	after, knownAfter := runQueueWait()
	t := TaskTrace{Task: i, Segments: []Segment{{from, to, StateUntraced}}}
	if known && knownAfter {
		t.RunQueue, t.RunQueueKnown = after-before, true
	}
	return t
}

// The Lost update program's AddOne as one function you can edit. "Check
// it" runs your AddOne in a child process, interpreted by yaegi, under
// every schedule of its switch points, and counts the schedules that end
// with counter = 2 and those that lose an update. Stepping your version by
// hand on the board is not possible: the board steps the compiled
// programs only. The interpreter knows Go as it was before 1.21.

package sched

import "concurrencylab/techniques/yours/step"

// AddOne adds one to the counter in the three steps counter++ stands for:
// load, add, store. Two goroutines each call AddOne once, so the counter
// should end at 2; a switch between one's load and its store lets the
// other's update be overwritten, and it ends at 1. Make it exact: counter
// = 2 in every schedule.
//
// The scheduler may switch goroutines at each g.Checkpoint(), before each
// g.Lock, and before each of s's Load, Store and Add: leaving a checkpoint
// out does not take those switches away. Keep AddOne's signature, and use
// g.Lock or s's methods: sync, sync/atomic and channels are refused, as the
// scheduler cannot see a goroutine wait on them.
func AddOne(g *step.G, s *step.Counter) {
	g.Checkpoint()
	v := s.Load(g) // load
	g.Checkpoint("v", v)
	v = v + 1 // add
	g.Checkpoint("v", v)
	s.Store(g, v) // store
}

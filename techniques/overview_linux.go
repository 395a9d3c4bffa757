package techniques

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// CanPin is true where the one-CPU mode also pins the child to one core: Linux.
const CanPin = true

// pinToOneCore restricts every thread of this process to one core, the
// first it is allowed now, and returns that core. On Linux affinity belongs
// to each thread, and a new thread takes its creator's: once every thread
// is pinned, the threads the Go runtime starts later are too. Two passes
// catch a thread started during the first.
func pinToOneCore() (int, error) {
	var allowed unix.CPUSet
	if err := unix.SchedGetaffinity(0, &allowed); err != nil {
		return -1, err
	}
	core := -1
	for c := range 1024 { // CPUSet holds 1024 CPUs
		if allowed.IsSet(c) {
			core = c
			break
		}
	}
	if core < 0 {
		return -1, errors.New("this thread may run on no core")
	}
	var one unix.CPUSet
	one.Set(core)
	for range 2 {
		tids, err := threadIDs()
		if err != nil {
			return -1, err
		}
		for _, tid := range tids {
			// A thread can exit between the listing and the call (ESRCH).
			if err := unix.SchedSetaffinity(tid, &one); err != nil && !errors.Is(err, unix.ESRCH) {
				return -1, fmt.Errorf("pinning thread %d to core %d: %w", tid, core, err)
			}
		}
	}
	return core, nil
}

// allowedCores counts the cores that any thread of this process may run on
// now: the union of their affinity masks.
func allowedCores() (int, error) {
	tids, err := threadIDs()
	if err != nil {
		return 0, err
	}
	var union unix.CPUSet
	for _, tid := range tids {
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &set); err != nil {
			if errors.Is(err, unix.ESRCH) {
				continue // it exited
			}
			return 0, err
		}
		for i := range union {
			union[i] |= set[i]
		}
	}
	return union.Count(), nil
}

func threadIDs() ([]int, error) {
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, err
	}
	var tids []int
	for _, e := range entries {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids, nil
}

// runQueueWait returns how long the calling OS thread has waited, ready,
// in the kernel's run queue for a core since it started: the second field
// of /proc/self/task/TID/schedstat, in nanoseconds. The caller must be locked
// to its thread (runtime.LockOSThread) for the number to be its own. ok is
// false where the kernel does not keep it (built without schedstats).
func runQueueWait() (d time.Duration, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/task/%d/schedstat", unix.Gettid()))
	if err != nil {
		return 0, false
	}
	fields := bytes.Fields(b)
	if len(fields) < 2 {
		return 0, false
	}
	ns, err := strconv.ParseInt(string(fields[1]), 10, 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(ns), true
}

package techniques

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"concurrencylab/techniques/child"
)

// niceOfThisThread reads the calling OS thread's priority from /proc.
func niceOfThisThread(t *testing.T) int {
	b, err := os.ReadFile("/proc/thread-self/stat")
	if err != nil {
		t.Fatal(err)
	}
	// The fields after the command name, which is in parentheses: nice is
	// the 19th field of the line, the 17th after the name.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	n, err := strconv.Atoi(f[16])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestThreadWorkersGiveWay(t *testing.T) {
	base := niceOfThisThread(t)
	var nices []int
	cfg := ThreadsConfig{Workers: 3, Lines: 1}
	// print runs on the worker's own thread.
	err := RunThreads(context.Background(), cfg, func(ThreadLine) { nices = append(nices, niceOfThisThread(t)) })
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nices {
		if n != max(base, child.Nice) {
			t.Errorf("a worker ran at nice %d, want %d", n, child.Nice)
		}
	}
	if after := niceOfThisThread(t); after != base {
		t.Errorf("the test's own thread went from nice %d to %d", base, after)
	}
}

// TestThreadWorkersCPUTime: on Linux each burst's CPU time is measured, and
// a thread cannot have run on a core for longer than the burst lasted.
func TestThreadWorkersCPUTime(t *testing.T) {
	cfg := ThreadsConfig{Workers: 2, Lines: 2, Work: 2 * time.Millisecond}
	var lines []ThreadLine
	if err := RunThreads(context.Background(), cfg, func(l ThreadLine) { lines = append(lines, l) }); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.CPU <= 0 || l.CPU > l.Worked-l.Began+time.Millisecond {
			t.Errorf("worker %d line %d: CPU %v in a burst of %v", l.Worker, l.Line, l.CPU, l.Worked-l.Began)
		}
	}
}

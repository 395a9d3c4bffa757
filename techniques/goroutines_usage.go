package techniques

import (
	"bufio"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"time"
)

// The scale experiment's measuring: what the process uses, from the Go
// runtime's metrics and, on Linux, from /proc.

// Usage is a snapshot of what the process uses.
type Usage struct {
	Goroutines int
	Threads    int    // OS threads of the process, from /proc/self/status
	RSS        uint64 // resident memory, bytes, from /proc/self/status (VmRSS)
	Virtual    uint64 // address space reserved, bytes, from /proc/self/status (VmSize)
	Proc       bool   // whether Threads, RSS and Virtual were read: /proc exists on Linux only

	// Stacks is the memory the Go runtime holds for stacks (runtime/metrics:
	// /memory/classes/heap/stacks + os-stacks): each goroutine's stack, and
	// each OS thread's 32 KiB signal-handling stack. A thread's own system
	// stack is not in it when the C library made it (a cgo program, like
	// this app): the runtime never sees that memory.
	Stacks uint64
	// StartStack is the runtime's starting stack size (/gc/stack/starting-size):
	// the average stack the last collection saw in use, rounded up to a power
	// of two, at least 2 KiB. A goroutine that reuses the record of one that
	// ended starts with a stack this size; one with a fresh record starts
	// at 2 KiB.
	StartStack uint64
}

// MeasureSettled measures as Measure does, once the OS thread count has
// stopped falling (it is read every 20 ms), or after limit. The threads of
// goroutines that ended while locked to them exit a moment later, later
// still at a low priority on a busy machine: measured at once, a released
// crowd of a thousand can look as if tens of threads were left.
func MeasureSettled(limit time.Duration) Usage {
	u := Measure()
	for end := time.Now().Add(limit); u.Proc && time.Now().Before(end); {
		time.Sleep(20 * time.Millisecond)
		next := Measure()
		if next.Threads >= u.Threads {
			return next
		}
		u = next
	}
	return u
}

// Measure reads the process's usage now.
func Measure() Usage {
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}, {Name: "/memory/classes/os-stacks:bytes"}, {Name: "/gc/stack/starting-size:bytes"}}
	metrics.Read(s)
	u := Usage{Goroutines: runtime.NumGoroutine()}
	for _, m := range s[:2] {
		if m.Value.Kind() == metrics.KindUint64 {
			u.Stacks += m.Value.Uint64()
		}
	}
	if s[2].Value.Kind() == metrics.KindUint64 {
		u.StartStack = s[2].Value.Uint64()
	}
	u.Threads, u.RSS, u.Virtual = procStatus()
	u.Proc = u.Threads > 0
	return u
}

// procStatus reads the thread count, resident size and address space from
// /proc (Linux); zeros elsewhere.
func procStatus() (threads int, rss, virtual uint64) {
	// Only Linux has /proc. Under Wine a Windows build would still find
	// Linux's at Z:\proc, with numbers that are not the program's own.
	if runtime.GOOS != "linux" {
		return 0, 0, 0
	}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, _ := strings.Cut(sc.Text(), ":")
		fields := strings.Fields(val)
		if len(fields) == 0 {
			continue
		}
		n, _ := strconv.ParseUint(fields[0], 10, 64)
		switch key {
		case "Threads":
			threads = int(n)
		case "VmRSS":
			rss = n * 1024
		case "VmSize":
			virtual = n * 1024
		}
	}
	return threads, rss, virtual
}

// AvailableMemory is what the kernel says can still be allocated (MemAvailable), or 0 if unknown.
func AvailableMemory() uint64 {
	if runtime.GOOS != "linux" { // no /proc: see procStatus
		return 0
	}
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				n, _ := strconv.ParseUint(fields[0], 10, 64)
				return n * 1024
			}
		}
	}
	return 0
}

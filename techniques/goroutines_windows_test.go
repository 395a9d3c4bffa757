package techniques

import "testing"

// Windows has no /proc. Under Wine a Windows program still finds Linux's
// /proc at Z:\proc, and its numbers are the Wine process's, not what a
// Windows machine would show: Measure must not read them, and the panel
// then says "not measured" instead of showing them.
func TestMeasureReadsNoProcOnWindows(t *testing.T) {
	t.Parallel()
	u := Measure()
	if u.Proc || u.Threads != 0 || u.RSS != 0 || u.Virtual != 0 {
		t.Errorf("Measure() = %+v: read /proc figures on Windows", u)
	}
	if u.Goroutines < 1 {
		t.Errorf("Measure().Goroutines = %d: the runtime's own count is known everywhere", u.Goroutines)
	}
	if got := AvailableMemory(); got != 0 {
		t.Errorf("AvailableMemory() = %d: read /proc/meminfo on Windows", got)
	}
}

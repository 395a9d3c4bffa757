package views

import (
	"fmt"
	"os"
	"testing"
)

// schedulerChild waits for the child process checking a scheduler edit.
func schedulerChild(t *testing.T) int { return childOf(t, "yours-scheduler") }

// processExists reports whether pid is still a process, a zombie included.
func processExists(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	return err == nil
}

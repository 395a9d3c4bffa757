//go:build linux

package views

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"golang.org/x/sys/unix"
)

// childOf waits for this process's child doing job, and returns its pid.
func childOf(t *testing.T, job string) int {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		tasks, _ := filepath.Glob("/proc/self/task/*/children")
		for _, f := range tasks {
			b, _ := os.ReadFile(f)
			for _, field := range strings.Fields(string(b)) {
				pid, _ := strconv.Atoi(field)
				env, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
				if strings.Contains(string(env), `"Job":"`+job+`"`) {
					return pid
				}
			}
		}
	}
	t.Fatalf("no %s child process started", job)
	return 0
}

// TestRaceCodeEscKillsARunningEditWithinHalfASecond presses Esc while an
// endless edit runs, and times, from the Cancel to the
// child's death as the kernel reports it to a pidfd (what the parent's Wait
// waits for), how long the child outlived it. The run's own end, after the
// window's goroutines have seen it, is held to a looser bound: on a busy
// machine they can wait their turn, the kill cannot.
func TestRaceCodeEscKillsARunningEditWithinHalfASecond(t *testing.T) {
	v := newRace(t)
	tab, entry := openRaceCode(t, v)
	w := fyne.CurrentApp().Driver().CanvasForObject(tab)
	w.SetOnTypedKey(func(ev *fyne.KeyEvent) { // the shell's Esc (app/menu.go)
		if ev.Name == fyne.KeyEscape {
			v.demo.Cancel()
		}
	})
	entry.SetText(endlessEdit(t))
	test.Tap(findButton(t, tab, "Run my version"))
	pid := childOf(t, "yours-race")
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		t.Fatalf("pidfd of the child %d: %v", pid, err)
	}
	defer unix.Close(fd)
	time.Sleep(time.Second) // it compiles the edit and spins
	if !v.runs.Busy() {
		t.Fatal("the endless edit is not running")
	}

	cancelled := time.Now()
	pressEsc(w)
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 10_000) // readable once the child has exited
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || n != 1 {
			t.Fatalf("the child %d still runs 10 s after Esc (poll: %d, %v)", pid, n, err)
		}
		break
	}
	died := time.Since(cancelled)
	t.Logf("the child died %v after Esc", died)
	if died > 500*time.Millisecond {
		t.Errorf("the child died %v after Esc, want under half a second", died)
	}
	v.runs.Wait()
	if ended := time.Since(cancelled); ended > 5*time.Second {
		t.Errorf("the run ended %v after Esc", ended)
	}
	if _, _, err := v.demo.LastRun(); !errors.Is(err, context.Canceled) {
		t.Errorf("the run ended with %v, want context.Canceled", err)
	}
	if err := unix.PidfdSendSignal(fd, 0, nil, 0); !errors.Is(err, unix.ESRCH) {
		t.Errorf("signalling the child after the run: %v, want ESRCH (no such process)", err)
	}
}

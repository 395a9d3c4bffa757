package views

import (
	"os"
	"testing"

	"concurrencylab/techniques/child"
)

// TestMain lets this test binary serve as the one-CPU child process of the
// overview panel, as the app's own binary does.
//
// Fyne's test driver has no event loop, so no input queues up during a
// blocking run: the window thaws at once.
func TestMain(m *testing.M) {
	child.RunIfAsked()
	afterNextPoll = func(f func()) { f() }
	os.Exit(m.Run())
}

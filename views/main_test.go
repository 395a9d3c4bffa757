package views

import (
	"os"
	"testing"

	"concurrencylab/techniques"
)

// TestMain lets this test binary serve as the one-CPU child process of the
// overview panel, as the app's own binary does.
func TestMain(m *testing.M) {
	techniques.RunChildIfAsked()
	os.Exit(m.Run())
}

package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestZoomKeysInATextField zooms with the keyboard while the cursor is in a
// number field, as a user who has just typed a number would. Fyne gives a
// shortcut to the focused widget alone (after the main menu's): Ctrl++ as
// typed (Shift and =), kept on the window, not in the menu, did nothing
// there until the fields passed on the shortcuts they have no use for.
func TestZoomKeysInATextField(t *testing.T) {
	needTools(t, "xdotool")
	d := drive(t, newPinger(t), "--panel", "race")
	var field widgetAt
	d.waitFor("a number field", 10*time.Second, func() bool {
		var ok bool
		field, ok = d.find(func(w widgetAt) bool { return w.Kind == "entry" && w.Role == roleNumber })
		return ok
	})
	d.click(field, 1, 0)
	for _, step := range []struct{ keys, want string }{
		{"ctrl+plus", "Zoom 110 %"}, // Ctrl++ as typed: Shift and =
		{"ctrl+equal", "Zoom 125 %"},
		{"ctrl+minus", "Zoom 110 %"},
		{"ctrl+0", "Zoom 100 %"},
	} {
		d.key(step.keys)
		d.waitFor(step.want+" after "+step.keys, 10*time.Second, func() bool { return strings.HasPrefix(d.last().Status, step.want) })
	}
}

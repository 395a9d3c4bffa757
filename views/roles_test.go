package views

import (
	"runtime"
	"testing"
	"time"
	"weak"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

func TestRoleOf(t *testing.T) {
	callbacks := callbacksPanel().Content
	server := serverPanel().Content
	for _, tt := range []struct {
		name string
		got  func() Role
		want Role
	}{
		{"an unmarked button", func() Role { return roleOf(t, widget.NewButton("Go", nil)) }, RoleAction},
		{"the callbacks' blocking read", func() Role { return roleOf(t, findButton(t, callbacks, "Read blocking (the wrong way)")) }, RoleBlocking},
		{"the callbacks' file dialog", func() Role { return roleOf(t, findButton(t, callbacks, "Open file…")) }, RoleExternal},
		{"the callbacks' Cancel", func() Role { return roleOf(t, findButton(t, callbacks, "Cancel")) }, RoleCancel},
		{"the server's Stop", func() Role { return roleOf(t, findButton(t, server, "Stop (Esc)")) }, RoleCancel},
		{"a count field", func() Role { return roleOf(t, countEntry(5, 1, 10)) }, RoleNumber},
		{"a search field", func() Role { return roleOf(t, newBoundedEntry(maxSearch)) }, RoleText},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(); got != tt.want {
				t.Errorf("RoleOf = %q, want %q", got, tt.want)
			}
		})
	}
	if _, ok := RoleOf(widget.NewLabel("x")); ok {
		t.Error("RoleOf(a label) is ok, want not")
	}
}

func roleOf(t *testing.T, o fyne.CanvasObject) Role {
	t.Helper()
	r, ok := RoleOf(o)
	if !ok {
		t.Fatalf("RoleOf(%T) is not ok", o)
	}
	return r
}

// TestRolesForgetDroppedButtons: a marked button that is no longer
// referenced takes its entry with it.
func TestRolesForgetDroppedButtons(t *testing.T) {
	var dropped []weak.Pointer[widget.Button]
	for range 100 {
		b := widget.NewButton("Cancel", nil)
		setRole(RoleCancel, b)
		dropped = append(dropped, weak.Make(b))
	}
	held := func() (n int) {
		for _, k := range dropped {
			if _, ok := roles.Load(k); ok {
				n++
			}
		}
		return n
	}
	for end := time.Now().Add(5 * time.Second); held() > 0 && time.Now().Before(end); {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := held(); n > 0 {
		t.Errorf("%d of 100 roles of dropped buttons are still held", n)
	}
}

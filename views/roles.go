package views

import (
	"runtime"
	"sync"
	"weak"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Role says what a panel's widget is for. --debug-stats reports it, so that
// tests driving the window from outside find a button by what it does, not
// by guessing from its label.
type Role string

// The roles of a panel's buttons and fields. A button not marked with
// setRole is an action.
const (
	RoleAction   Role = "action"   // starts work off the Fyne goroutine, or does little: safe to click fast
	RoleBlocking Role = "blocking" // works on the Fyne goroutine, the wrong way: the window freezes
	RoleCancel   Role = "cancel"   // stops what runs
	RoleExternal Role = "external" // opens a dialog or another program
	RoleNumber   Role = "number"   // a field for a whole number
	RoleText     Role = "text"     // any other field
)

// roles holds the buttons marked with setRole. Its keys are weak, and a
// button's entry goes with the button: panels built and dropped (in tests)
// leave nothing behind.
var roles sync.Map // weak.Pointer[widget.Button] → Role

// setRole marks buttons with role r.
func setRole(r Role, buttons ...*widget.Button) {
	for _, b := range buttons {
		k := weak.Make(b)
		roles.Store(k, r)
		runtime.AddCleanup(b, func(k weak.Pointer[widget.Button]) { roles.Delete(k) }, k)
	}
}

// RoleOf says what o is for, if it is a button or a text field; ok is
// false for anything else.
func RoleOf(o fyne.CanvasObject) (r Role, ok bool) {
	switch o := o.(type) {
	case *widget.Button:
		if r, ok := roles.Load(weak.Make(o)); ok {
			return r.(Role), true
		}
		return RoleAction, true
	case *boundedEntry:
		if o.max == maxCount {
			return RoleNumber, true
		}
		return RoleText, true
	case *widget.Entry:
		return RoleText, true
	}
	return "", false
}

package views

import (
	"fyne.io/fyne/v2"
)

// windowOf returns the window showing obj, for dialogs; nil if none does.
func windowOf(obj fyne.CanvasObject) fyne.Window {
	c := fyne.CurrentApp().Driver().CanvasForObject(obj)
	for _, w := range fyne.CurrentApp().Driver().AllWindows() {
		if c == nil || w.Canvas() == c {
			return w
		}
	}
	return nil
}

package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
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

// pickFile shows the file dialog over obj's window and hands the chosen
// path to open; a failure is printed to out, a cancel does nothing.
func pickFile(obj fyne.CanvasObject, out *console, open func(path string)) {
	w := windowOf(obj)
	if w == nil {
		return
	}
	dialog.ShowFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			out.Errorf("open: %v", err)
			return
		}
		if rc == nil {
			return // the user cancelled
		}
		path := rc.URI().Path()
		rc.Close() // the panel reads the file its own way
		open(path)
	}, w)
}

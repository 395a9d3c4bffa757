package views

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// visit calls f on root and every object inside it, down through
// containers, splits, scrolls and every tab of tab containers.
func visit(root fyne.CanvasObject, f func(fyne.CanvasObject)) {
	f(root)
	switch o := root.(type) {
	case *fyne.Container:
		for _, c := range o.Objects {
			visit(c, f)
		}
	case *container.Split:
		visit(o.Leading, f)
		visit(o.Trailing, f)
	case *container.Scroll:
		visit(o.Content, f)
	case *container.ThemeOverride:
		visit(o.Content, f)
	case *container.AppTabs:
		for _, it := range o.Items {
			visit(it.Content, f)
		}
	}
}

// findButton returns the button labelled text inside root, or fails the test.
func findButton(t *testing.T, root fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	visit(root, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

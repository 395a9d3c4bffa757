package app

import (
	"image"
	"image/draw"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
)

// capture renders content on c, a software canvas, clipping what a scroll
// inside a scrolled-down scroll holds to the outer one's view. Fyne
// 2.8.1's software painter clips an object to its innermost scroll only:
// code in a horizontal scroll, inside a page scrolled down past it, was
// drawn over the panel's title and tabs (the GL painter, which the window
// uses, clips right). So the picture is taken twice: once whole, once with
// the outermost scrolls' contents hidden; inside each outermost scroll's
// view the first is kept, elsewhere the second.
func capture(c software.WindowlessCanvas, content fyne.CanvasObject) image.Image {
	whole := c.Capture()
	views := outermostScrolls(content, fyne.NewPos(0, 0), nil)
	if len(views) == 0 {
		return whole
	}
	out := withHidden(views, c.Capture).(draw.Image)
	for _, v := range views {
		draw.Draw(out, v.rect(c), whole, v.rect(c).Min, draw.Src)
	}
	return out
}

// withHidden calls f with the scrolls' contents hidden, and shows again
// what it hid, even if f panics.
func withHidden(views []scrollView, f func() image.Image) image.Image {
	for _, v := range views {
		v.scroll.Content.Hide()
	}
	defer func() {
		for _, v := range views {
			v.scroll.Content.Show()
		}
	}()
	return f()
}

// scrollView is an outermost scroll and where it is on the canvas.
type scrollView struct {
	scroll *container.Scroll
	at     fyne.Position
}

// rect is the scroll's view in c's pixels.
func (v scrollView) rect(c fyne.Canvas) image.Rectangle {
	x0, y0 := c.PixelCoordinateForPosition(v.at)
	x1, y1 := c.PixelCoordinateForPosition(v.at.Add(v.scroll.Size()))
	return image.Rect(x0, y0, x1, y1)
}

// outermostScrolls appends to found the visible scrolls in o that are in no
// other scroll, looking through containers, tabs and splits (a scroll
// inside another widget is not seen, and is drawn as before).
func outermostScrolls(o fyne.CanvasObject, parent fyne.Position, found []scrollView) []scrollView {
	if o == nil || !o.Visible() {
		return found
	}
	at := parent.Add(o.Position())
	switch o := o.(type) {
	case *container.Scroll:
		if o.Content != nil && o.Content.Visible() {
			found = append(found, scrollView{o, at})
		}
	case *fyne.Container:
		for _, child := range o.Objects {
			found = outermostScrolls(child, at, found)
		}
	case *container.AppTabs:
		if item := o.Selected(); item != nil {
			found = outermostScrolls(item.Content, at, found)
		}
	case *container.Split:
		found = outermostScrolls(o.Leading, at, found)
		found = outermostScrolls(o.Trailing, at, found)
	}
	return found
}

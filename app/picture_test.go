package app

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
)

// A scroll inside a page scrolled down past it is drawn inside the page's
// view only: Fyne's software painter drew it over what sits above the page
// (the scheduler's code columns over its title and tabs, after --code).
func TestPictureClipsAScrollInsideAScrolledPage(t *testing.T) {
	test.NewTempApp(t)
	red := color.NRGBA{R: 255, A: 255}
	block := canvas.NewRectangle(red)
	block.SetMinSize(fyne.NewSize(300, 60))
	tall := canvas.NewRectangle(color.Transparent)
	tall.SetMinSize(fyne.NewSize(10, 1000))
	page := container.NewVScroll(container.NewVBox(container.NewHScroll(block), tall))
	title := canvas.NewRectangle(color.Transparent)
	title.SetMinSize(fyne.NewSize(10, 100))
	content := container.NewBorder(title, nil, nil, nil, page)

	c := software.NewCanvas()
	c.SetPadded(false)
	c.Resize(fyne.NewSize(400, 400))
	c.SetContent(content)
	page.ScrollToOffset(fyne.NewPos(0, 40)) // the block's bottom 20 px still in view
	img := capture(c, content)

	view := image.Rect(0, 100, 400, 400) // the page's view, below the title
	inView, outside := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r>>8 > 200 && g>>8 < 50 && bl>>8 < 50 {
				if image.Pt(x, y).In(view) {
					inView++
				} else {
					outside++
				}
			}
		}
	}
	if outside != 0 || inView == 0 {
		t.Errorf("the scrolled block: %d red pixels outside the page's view, %d in it; want none outside, some in it", outside, inView)
	}
	if !block.Visible() || !page.Content.Visible() {
		t.Error("the picture left the page's content hidden")
	}

	// A scroll whose content was hidden stays so.
	page.Content.Hide()
	capture(c, content)
	if page.Content.Visible() {
		t.Error("the picture showed a page's content that was hidden")
	}
}

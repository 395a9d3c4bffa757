package views

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// Zoom is the app's zoom as a factor (1.5 at 150 %): the theme's text size
// over the default theme's. The View menu zooms by scaling every size of
// the theme; what a view draws at a fixed size (lanes, charts, the code's
// cells, fixed-width entries) multiplies that size by Zoom, so it grows
// with the text. Safe on any goroutine, like the theme.
func Zoom() float32 {
	return theme.Size(theme.SizeNameText) / theme.DefaultTheme().Size(theme.SizeNameText)
}

// sized holds o at w×h grown by the zoom: an entry or a select of a fixed
// width that still fits its text when the text grows. It is measured at
// every layout, so a zoom changed later applies too.
func sized(w, h float32, o fyne.CanvasObject) *fyne.Container {
	return container.New(zoomedSize{w, h}, o)
}

// Sized is sized, for the shell: the status bar's meter grows with the zoom too.
func Sized(w, h float32, o fyne.CanvasObject) *fyne.Container { return sized(w, h, o) }

type zoomedSize struct{ w, h float32 }

func (l zoomedSize) MinSize([]fyne.CanvasObject) fyne.Size {
	z := Zoom()
	return fyne.NewSize(l.w*z, l.h*z)
}

func (l zoomedSize) Layout(objs []fyne.CanvasObject, _ fyne.Size) {
	s := l.MinSize(nil)
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(s)
	}
}

// zoomChart holds a chart image at its minimum size grown by the zoom. The
// image keeps its own minimum (the size at 100 %), which the views set when
// they draw it; charts are drawn at 2× the points, so up to 200 % they stay
// sharp. A hidden chart takes no room.
func zoomChart(img *canvas.Image) *fyne.Container {
	return container.New(zoomedChart{img}, img)
}

type zoomedChart struct{ img *canvas.Image }

func (l zoomedChart) MinSize([]fyne.CanvasObject) fyne.Size {
	if !l.img.Visible() {
		return fyne.Size{}
	}
	m, z := l.img.MinSize(), Zoom()
	return fyne.NewSize(m.Width*z, m.Height*z)
}

func (l zoomedChart) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	l.img.Move(fyne.NewPos(0, 0))
	l.img.Resize(size)
}

// tallerWhenZoomed is o, asking for extra×(zoom−1) more height than it needs:
// nothing at 100 %, extra/2 at 150 %. In a vertical scroll, a panel that
// shares its height between parts (a split) then keeps room for its
// evidence when zoomed in, and the rest is a scroll away.
func tallerWhenZoomed(extra float32, o fyne.CanvasObject) *fyne.Container {
	return container.New(grownMin(func(m fyne.Size) fyne.Size {
		return m.AddWidthHeight(0, max(Zoom()-1, 0)*extra)
	}), o)
}

// grownMin lays its objects out over its whole size, and asks for what
// they need as grow changes it, at every layout (so at the current zoom).
type grownMin func(fyne.Size) fyne.Size

func (grow grownMin) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return grow(m)
}

func (grownMin) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// tightText is the app's theme with a text's padding above and below cut
// to a quarter: for labels that head something drawn just under them.
// It asks the app's theme at every call, so it follows zoom and theme.
type tightText struct{}

func (tightText) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return fyne.CurrentApp().Settings().Theme().Color(n, v)
}
func (tightText) Font(s fyne.TextStyle) fyne.Resource {
	return fyne.CurrentApp().Settings().Theme().Font(s)
}
func (tightText) Icon(n fyne.ThemeIconName) fyne.Resource {
	return fyne.CurrentApp().Settings().Theme().Icon(n)
}
func (tightText) Size(n fyne.ThemeSizeName) float32 {
	size := fyne.CurrentApp().Settings().Theme().Size(n)
	if n == theme.SizeNameInnerPadding {
		return size / 4
	}
	return size
}

// tallAtLeast holds o at least h high at 100 % zoom (grown by the zoom), or
// as high as o needs if that is more: a console that a split or a border
// would otherwise squeeze to a line or two.
func tallAtLeast(h float32, o fyne.CanvasObject) *fyne.Container {
	return container.New(grownMin(func(m fyne.Size) fyne.Size {
		m.Height = max(m.Height, h*Zoom())
		return m
	}), o)
}

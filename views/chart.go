package views

import (
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// newChart is an empty image for charts, at least minW×minH. The window
// scales a chart to fit with the graphics driver: Fyne's default would
// resample it on the CPU, on the window's goroutine, every time it changes —
// 20 ms for a chart this size, one frame too many.
func newChart(minW, minH float32) *canvas.Image {
	c := canvas.NewImageFromImage(image.NewNRGBA(image.Rect(0, 0, 1, 1)))
	c.FillMode = canvas.ImageFillContain
	c.ScaleMode = canvas.ImageScaleFastest
	c.SetMinSize(fyne.NewSize(minW, minH))
	return c
}

// renderPlot draws p into an image of w×h points at 2× for sharp text.
// It may be called off the Fyne goroutine: it touches no widget.
// It gives p the window's theme first (themePlot).
func renderPlot(p *plot.Plot, w, h vg.Length) image.Image {
	bg := themePlot(p)
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(144), vgimg.UseBackgroundColor(bg))
	p.Draw(draw.New(c))
	return c.Image()
}

// themePlot draws p in the colours of the app's theme, dark or light, and
// in a sans-serif font like the rest of the window: gonum's defaults are
// black serif text on white, a bright picture in a dark window. It returns
// the background. The theme is safe to read from any goroutine.
func themePlot(p *plot.Plot) color.Color {
	fg := theme.Color(theme.ColorNameForeground)
	bg := theme.Color(theme.ColorNameBackground)
	p.BackgroundColor = bg
	for _, s := range []*text.Style{&p.Title.TextStyle, &p.Legend.TextStyle,
		&p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label} {
		s.Color = fg
		s.Font.Variant = "Sans"
	}
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.LineStyle.Color = fg
		a.Tick.LineStyle.Color = fg
	}
	return bg
}

// barPlot is a bar chart of values over nominal labels.
func barPlot(title, xLabel, yLabel string, labels []string, values []float64, fill color.Color) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	bars, err := plotter.NewBarChart(plotter.Values(values), vg.Points(14))
	if err != nil { // only for NaN or infinite values, which callers never pass
		return p
	}
	bars.Color = fill
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(labels...)
	p.Y.Min = 0
	return p
}

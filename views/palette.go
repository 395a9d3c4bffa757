package views

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot/vg/draw"

	"concurrencylab/techniques"
	"concurrencylab/techniques/xray"
)

// The one palette of every lane, chart and marble: Okabe and Ito's colours
// (Color Universal Design, 2008), chosen to stay apart for people with red-
// or green-blind sight as well as for everyone else. Each colour that
// means something also has a word beside it: a legend, a lane's name or a
// label, so no reading depends on the colour alone.
var (
	okabeOrange    = color.NRGBA{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff}
	okabeSkyBlue   = color.NRGBA{R: 0x56, G: 0xb4, B: 0xe9, A: 0xff}
	okabeGreen     = color.NRGBA{R: 0x00, G: 0x9e, B: 0x73, A: 0xff} // bluish green
	okabeYellow    = color.NRGBA{R: 0xf0, G: 0xe4, B: 0x42, A: 0xff}
	okabeBlue      = color.NRGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff}
	okabeVermilion = color.NRGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff}
	okabePurple    = color.NRGBA{R: 0xcc, G: 0x79, B: 0xa7, A: 0xff} // reddish purple
	paletteGrey    = color.NRGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff}
	paletteDark    = color.NRGBA{R: 0x61, G: 0x61, B: 0x61, A: 0xff}
)

// The states of a goroutine, the same colours in the overview's timelines
// and in every X-ray. Checked through a deuteranopia simulation (tools/cvdsim):
// the bluish green of running turns grey there, the orange of runnable
// yellow, the sky blue of blocked light blue and the blue of a system call
// dark blue, so all four stay apart; reddish purple would have turned the
// same grey as running, and is left to the charts.
var (
	colorRunning  color.Color = okabeGreen
	colorRunnable color.Color = okabeOrange
	colorBlocked  color.Color = okabeSkyBlue
	colorSyscall  color.Color = okabeBlue
	colorUntraced color.Color = paletteDark
)

// legendItem is a colour and the word it stands for.
type legendItem struct {
	color color.Color
	name  string
}

// stateNames are the words beside each state's colour in the legends.
var stateNames = []legendItem{
	{colorRunning, "running"},
	{colorRunnable, "runnable"},
	{colorBlocked, "blocked"},
	{colorSyscall, "in a system call"},
}

// xrayColors colour an X-ray's goroutine lanes by state.
var xrayColors = map[string]color.Color{
	xray.StateRunning:  colorRunning,
	xray.StateRunnable: colorRunnable,
	xray.StateBlocked:  colorBlocked,
	xray.StateSyscall:  colorSyscall,
}

// stateColors colour the overview's timelines by state.
var stateColors = map[string]color.Color{
	techniques.StateRunning:  colorRunning,
	techniques.StateRunnable: colorRunnable,
	techniques.StateBlocked:  colorBlocked,
	techniques.StateSyscall:  colorSyscall,
	techniques.StateUntraced: colorUntraced,
}

// procShades are the P lanes' colours: greys, which the state legend does
// not use, so that a busy P cannot be read as a goroutine's state. The
// shade changes each time the P passes to another goroutine.
var procShades = [2]color.Color{paletteGrey, paletteDark}

// chartColors are the series colours of every chart, marble lane and
// worker lane, readable on light and dark; each series is named in a legend
// or beside its lane.
var chartColors = []color.Color{okabeBlue, okabeOrange, okabeGreen, okabeSkyBlue, okabeVermilion, okabePurple, okabeYellow}

// chartGlyphs give a scatter series a shape of its own as well as a colour.
var chartGlyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.TriangleGlyph{}, draw.BoxGlyph{}, draw.PlusGlyph{}}

// withAlpha is c made translucent, for backgrounds behind text.
func withAlpha(c color.NRGBA, a uint8) color.NRGBA {
	c.A = a
	return c
}

// colorLegend is a row of swatches, each followed by the word it stands for.
func colorLegend(items ...legendItem) fyne.CanvasObject {
	row := container.NewHBox()
	for _, it := range items {
		swatch := canvas.NewRectangle(it.color)
		row.Add(container.NewCenter(sized(18, 12, swatch)))
		row.Add(widget.NewLabel(it.name))
	}
	return row
}

// stateLegend is the legend of the goroutine states' colours; with
// untraced, the overview's grey for runs the trace does not cover.
func stateLegend(untraced bool) fyne.CanvasObject {
	items := stateNames
	if untraced {
		items = append(items[:len(items):len(items)], legendItem{colorUntraced, "untraced"})
	}
	return colorLegend(items...)
}

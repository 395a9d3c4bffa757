package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// resultTable shows a few rows of results under a bold header. Each column
// is as wide as its header, its row names, or a sample of the widest value it
// will show, whichever is widest, and that width is fixed when the table is
// made: a result that arrives later never changes the table's size. If it
// did, Fyne would lay the whole window out again (30 ms and more without a
// GPU), and a table that grew wider than the window would widen the window.
// A value wider than its sample is cut short with "…".
type resultTable struct {
	Content fyne.CanvasObject
	rows    [][]*widget.Label // rows[r][c]: the value cells, without the row names
}

// newResultTable makes a table with one row per name; widest[c] is a sample
// of the widest value column c+1 will hold (column 0 holds the row names).
// Every value starts as "—".
func newResultTable(headers []string, names []string, widest []string) *resultTable {
	t := &resultTable{}
	widths := make([]float32, len(headers))
	measure := func(c int, o fyne.CanvasObject) { widths[c] = max(widths[c], o.MinSize().Width) }
	var cells []fyne.CanvasObject
	for c, h := range headers {
		l := bold(h)
		measure(c, l)
		cells = append(cells, l)
	}
	for c, w := range widest {
		measure(c+1, widget.NewLabel(w))
	}
	for _, name := range names {
		l := widget.NewLabel(name)
		measure(0, l)
		cells = append(cells, l)
		var row []*widget.Label
		for range widest {
			v := widget.NewLabel("—")
			v.Truncation = fyne.TextTruncateEllipsis
			row = append(row, v)
			cells = append(cells, v)
		}
		t.rows = append(t.rows, row)
	}
	z := Zoom()
	for c := range widths {
		widths[c] += theme.Padding() // a label cuts its text short a little before its full width
		widths[c] /= z               // kept at 100 %: the layout grows them with the zoom
	}
	t.Content = container.New(&columnsLayout{widths: widths}, cells...)
	return t
}

// columnsLayout places objects row by row in columns of fixed widths (at
// 100 % zoom, grown with it); each row is as tall as its tallest cell.
type columnsLayout struct {
	widths []float32
}

// width is column c's width at the app's zoom.
func (l *columnsLayout) width(c int) float32 { return l.widths[c] * Zoom() }

func (l *columnsLayout) rowHeights(objects []fyne.CanvasObject) []float32 {
	n := len(l.widths)
	heights := make([]float32, (len(objects)+n-1)/n)
	for i, o := range objects {
		heights[i/n] = max(heights[i/n], o.MinSize().Height)
	}
	return heights
}

func (l *columnsLayout) Layout(objects []fyne.CanvasObject, _ fyne.Size) {
	pad := theme.Padding()
	n := len(l.widths)
	y := float32(0)
	for r, h := range l.rowHeights(objects) {
		x := float32(0)
		for c := 0; c < n && r*n+c < len(objects); c++ {
			o := objects[r*n+c]
			o.Move(fyne.NewPos(x, y))
			o.Resize(fyne.NewSize(l.width(c), h))
			x += l.width(c) + pad
		}
		y += h + pad
	}
}

func (l *columnsLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var w, h float32
	for c := range l.widths {
		w += l.width(c) + pad
	}
	for _, rh := range l.rowHeights(objects) {
		h += rh + pad
	}
	return fyne.NewSize(max(w-pad, 0), max(h-pad, 0))
}

// endPending puts text in every cell still showing "…", the mark of a
// result on its way: a run that ended early must not look as if it were
// still going.
func endPending(text string, cells ...*widget.Label) {
	for _, c := range cells {
		if c.Text == "…" {
			c.SetText(text)
		}
	}
}

package views

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestResultTableKeepsItsSize(t *testing.T) {
	test.NewTempApp(t)
	tbl := newResultTable([]string{"", "value", "verdict"}, []string{"first", "a longer row name"},
		[]string{"-1000000000", "updates lost"})
	w := test.NewTempWindow(t, tbl.Content)
	before := tbl.Content.MinSize()

	sample := widget.NewLabel("-1000000000").MinSize().Width
	if got := tbl.rows[0][0].Size().Width; got < sample {
		t.Errorf("value column is %v wide, narrower than its sample (%v)", got, sample)
	}

	tbl.rows[0][0].SetText("-999")
	tbl.rows[1][1].SetText("a verdict far longer than the sample it was given")
	w.Canvas().Refresh(tbl.Content)
	if cell := tbl.rows[1][1]; cell.MinSize().Width > cell.Size().Width {
		t.Errorf("a long value needs %v but its column is %v wide: it would draw over its neighbour", cell.MinSize().Width, cell.Size().Width)
	}
	if after := tbl.Content.MinSize(); after != before {
		t.Errorf("min size went from %v to %v when values changed: the window would be laid out again", before, after)
	}
}

func TestColumnsLayoutPlacesCellsInColumns(t *testing.T) {
	l := &columnsLayout{widths: []float32{50, 80}}
	cells := []fyne.CanvasObject{widget.NewLabel("a"), widget.NewLabel("b"), widget.NewLabel("c"), widget.NewLabel("d")}
	test.NewTempApp(t)
	l.Layout(cells, fyne.NewSize(200, 200))
	if cells[1].Position().X <= cells[0].Position().X+50-1 {
		t.Errorf("second column starts at %v, inside the first (50 wide)", cells[1].Position())
	}
	if cells[2].Position().X != 0 || cells[2].Position().Y <= cells[0].Position().Y {
		t.Errorf("third cell at %v: want the start of a second row", cells[2].Position())
	}
	if cells[3].Size().Width != 80 {
		t.Errorf("fourth cell is %v wide, want its column's 80", cells[3].Size().Width)
	}
}

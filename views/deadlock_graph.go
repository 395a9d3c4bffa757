package views

import (
	"fmt"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"concurrencylab/techniques"
)

// waitGraph draws a dinner's wait-for graph: the philosophers on a circle,
// a fork between each pair, and an arrow per edge — philosopher → the fork
// it waits for, fork → the philosopher holding it. A cycle is drawn red and
// thick. Its methods are called on the Fyne goroutine.
type waitGraph struct {
	Content *fyne.Container
	n       int
	phil    []*canvas.Circle
	fork    []*canvas.Rectangle
	names   []*canvas.Text // the philosophers', then the forks'
	edges   []graphEdge    // 2 per philosopher: with the left fork, with the right
	size    fyne.Size
}

// graphEdge is the arrow between philosopher and fork, drawn or hidden.
type graphEdge struct {
	line, head1, head2 *canvas.Line
	kind               edgeKind
	onCycle            bool
}

type edgeKind int

const (
	noEdge    edgeKind = iota
	holdsEdge          // fork → the philosopher holding it
	waitsEdge          // philosopher → the fork it waits for
)

// Colours of the graph, beside the shapes and widths that also tell them apart.
var (
	holdColor  = okabeBlue
	waitColor  = okabeOrange
	cycleColor = okabeVermilion // the palette's red: the colour of the cycle and of the word CYCLE
	eatColor   = okabeGreen
)

const graphSide = 220 // points: the drawing's smallest side

func newWaitGraph(n int) *waitGraph {
	g := &waitGraph{n: n}
	for range n {
		g.phil = append(g.phil, canvas.NewCircle(color.Transparent))
		g.fork = append(g.fork, canvas.NewRectangle(color.Transparent))
	}
	for i := range n {
		g.names = append(g.names, graphText(fmt.Sprintf("P%d", i)))
	}
	for i := range n {
		g.names = append(g.names, graphText(fmt.Sprintf("f%d", i)))
	}
	for range 2 * n {
		g.edges = append(g.edges, graphEdge{line: canvas.NewLine(holdColor), head1: canvas.NewLine(holdColor), head2: canvas.NewLine(holdColor)})
	}
	var objs []fyne.CanvasObject
	for _, e := range g.edges {
		objs = append(objs, e.line, e.head1, e.head2)
	}
	for i := range n {
		objs = append(objs, g.phil[i], g.fork[i])
	}
	for _, t := range g.names {
		objs = append(objs, t)
	}
	g.Content = container.New(g, objs...)
	g.show(techniques.GraphState{}, nil)
	return g
}

func graphText(s string) *canvas.Text {
	t := canvas.NewText(s, theme.Color(theme.ColorNameForeground))
	t.TextStyle.Bold = true
	return t
}

// forkOf is the fork edge e of philosopher i joins: 2i is the left fork i,
// 2i+1 the right fork i+1.
func (g *waitGraph) forkOf(e int) int {
	if e%2 == 0 {
		return e / 2
	}
	return (e/2 + 1) % g.n
}

// show draws the graph as s has it; cycle, if not nil, is drawn red.
func (g *waitGraph) show(s techniques.GraphState, cycle []techniques.WaitFor) {
	onCycle := map[[2]int]bool{} // philosopher, fork
	for _, w := range cycle {
		onCycle[[2]int{w.Waiter, w.Lock}] = true
		onCycle[[2]int{w.Holder, w.Lock}] = true
	}
	waitsFor := map[int]int{}
	for _, w := range s.Waits {
		waitsFor[w.Waiter] = w.Lock
	}
	fg := theme.Color(theme.ColorNameForeground)
	held := make([]int, g.n)
	for e := range g.edges {
		i, f := e/2, g.forkOf(e)
		kind := noEdge
		if f < len(s.Holders) && s.Holders[f] == i {
			kind, held[i] = holdsEdge, held[i]+1
		} else if l, ok := waitsFor[i]; ok && l == f {
			kind = waitsEdge
		}
		g.edges[e].kind, g.edges[e].onCycle = kind, onCycle[[2]int{i, f}]
	}
	for _, edge := range g.edges {
		c, w := holdColor, float32(2)
		switch {
		case edge.onCycle:
			c, w = cycleColor, 5
		case edge.kind == waitsEdge:
			c = waitColor
		}
		for _, l := range []*canvas.Line{edge.line, edge.head1, edge.head2} {
			l.StrokeColor, l.StrokeWidth = c, w
			if edge.kind == noEdge {
				l.Hide()
			} else {
				l.Show()
			}
		}
	}
	inCycle := map[int]bool{}
	for _, w := range cycle {
		inCycle[w.Waiter] = true
	}
	for i, c := range g.phil {
		c.StrokeColor, c.StrokeWidth, c.FillColor = fg, 2, color.Transparent
		if held[i] == 2 {
			c.FillColor = eatColor // both forks: eating
		}
		if inCycle[i] {
			c.StrokeColor, c.StrokeWidth = cycleColor, 5
		}
	}
	forkOnCycle := map[int]bool{}
	for _, w := range cycle {
		forkOnCycle[w.Lock] = true
	}
	for _, t := range g.names {
		t.Color = fg
	}
	for f, r := range g.fork {
		r.StrokeColor, r.StrokeWidth = fg, 2
		if forkOnCycle[f] {
			r.StrokeColor, r.StrokeWidth = cycleColor, 5
		}
	}
	g.place()
	for _, o := range g.Content.Objects {
		o.Refresh()
	}
}

// Layout places the graph in size: it is the container's layout.
func (g *waitGraph) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	g.size = size
	g.place()
}

// MinSize is a square of graphSide, grown with the zoom.
func (g *waitGraph) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSquareSize(graphSide * Zoom())
}

// place puts every node and arrow where the size says.
func (g *waitGraph) place() {
	if g.size.IsZero() || g.n == 0 {
		return
	}
	side := min(g.size.Width, g.size.Height)
	centre := fyne.NewPos(g.size.Width/2, g.size.Height/2)
	at := func(turn, radius float64) fyne.Position {
		a := 2*math.Pi*turn - math.Pi/2 // from the top, clockwise
		return fyne.NewPos(centre.X+float32(radius*math.Cos(a)), centre.Y+float32(radius*math.Sin(a)))
	}
	// Nodes shrink as the table fills, so that neighbours never overlap.
	// Their limits grow with the zoom, as their names do.
	z := float64(Zoom())
	size := theme.TextSize() * 0.9 // the text size has the zoom in it
	if g.n > 8 {
		size = theme.TextSize() * 0.7 // smaller nodes, smaller names
	}
	for _, t := range g.names {
		t.TextSize = size
	}
	outer := float64(side/2) - 18*z
	inner := outer * 0.6
	node := float32(min(32*z, max(20*z, 0.62*2*math.Pi*outer/float64(g.n))))
	forkSide := float32(min(22*z, max(12*z, 0.55*2*math.Pi*inner/float64(g.n))))
	philAt := make([]fyne.Position, g.n)
	forkAt := make([]fyne.Position, g.n)
	for i := range g.n {
		// Fork i lies between philosopher i-1 and i: it is i's left fork
		// and i-1's right one.
		philAt[i] = at((float64(i)+0.5)/float64(g.n), outer)
		forkAt[i] = at(float64(i)/float64(g.n), inner)
		g.phil[i].Resize(fyne.NewSquareSize(node))
		g.phil[i].Move(philAt[i].SubtractXY(node/2, node/2))
		g.fork[i].Resize(fyne.NewSquareSize(forkSide))
		g.fork[i].Move(forkAt[i].SubtractXY(forkSide/2, forkSide/2))
		for j, p := range []fyne.Position{philAt[i], forkAt[i]} {
			t := g.names[i+j*g.n]
			ts := t.MinSize()
			t.Move(p.SubtractXY(ts.Width/2, ts.Height/2))
		}
	}
	for e, edge := range g.edges {
		p, f := philAt[e/2], forkAt[g.forkOf(e)]
		from, to, gapFrom, gapTo := p, f, node/2, forkSide/2+2
		if edge.kind == holdsEdge {
			from, to, gapFrom, gapTo = f, p, forkSide/2, node/2+2
		}
		dx, dy := to.X-from.X, to.Y-from.Y
		length := float32(math.Hypot(float64(dx), float64(dy)))
		if length < gapFrom+gapTo+1 {
			continue
		}
		ux, uy := dx/length, dy/length
		start := from.AddXY(ux*gapFrom, uy*gapFrom)
		end := to.SubtractXY(ux*gapTo, uy*gapTo)
		edge.line.Position1, edge.line.Position2 = start, end
		// The arrowhead: two strokes back from the tip, 30° either side.
		headLen := 10 * z
		for k, side := range []float64{-1, 1} {
			a := math.Atan2(float64(-uy), float64(-ux)) + side*math.Pi/6
			tip := end.AddXY(float32(headLen*math.Cos(a)), float32(headLen*math.Sin(a)))
			h := []*canvas.Line{edge.head1, edge.head2}[k]
			h.Position1, h.Position2 = end, tip
		}
	}
}

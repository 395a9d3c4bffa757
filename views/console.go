package views

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// consoleLimit bounds a console: older lines are dropped and counted.
const consoleLimit = 500

// consoleLine is one line of a console.
type consoleLine struct {
	at   time.Time
	text string
	err  bool
}

// console is a scrolling, monospace log with a timestamp per line. Errors are
// shown in the theme's error colour. It keeps at most consoleLimit lines and
// says how many older ones it dropped. Use it on the Fyne goroutine only.
type console struct {
	widget.BaseWidget
	lines   []consoleLine
	dropped int
	list    *widget.List
	header  *widget.Label
	start   time.Time // timestamps are shown relative to the first line after Clear
	// decimals of a second each timestamp shows: 3 (milliseconds) unless a
	// panel's steps are closer together than that.
	decimals int
}

// stamped is a line with the time it happened, for lines made on another
// goroutine and shown later: the console shows when each happened, not
// when it reached the screen.
type stamped struct {
	at   time.Time
	text string
}

// stamp makes a stamped line of text, now.
func stamp(text string) stamped { return stamped{at: time.Now(), text: text} }

func newConsole() *console {
	c := &console{header: widget.NewLabel(""), decimals: 3}
	c.header.TextStyle.Italic = true
	c.header.Hide()
	// Each row is a plain text, not a Label: a Label lays its text out again
	// (shaping it to see whether it must be cut short) every time a row is
	// reused for another line, and a console scrolls all its rows at once.
	// A line too long for the console is clipped at its edge.
	c.list = widget.NewList(
		func() int { return len(c.lines) },
		func() fyne.CanvasObject {
			t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
			t.TextStyle.Monospace = true
			return container.New(layout.NewCustomPaddedLayout(1, 1, 8, 8), t) // tight rows: more of a run in view
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			t := o.(*fyne.Container).Objects[0].(*canvas.Text)
			line := c.lines[id]
			t.Color, t.TextSize = theme.Color(theme.ColorNameForeground), theme.TextSize() // the size follows the zoom
			if line.err {
				t.Color = theme.Color(theme.ColorNameError)
			}
			t.Text = c.stampText(line.at) + "  " + line.text
			t.Refresh()
		})
	c.ExtendBaseWidget(c)
	return c
}

// Printf appends a line.
func (c *console) Printf(format string, args ...any) { c.add(false, fmt.Sprintf(format, args...)) }

// Errorf appends a line shown in the error colour.
func (c *console) Errorf(format string, args ...any) { c.add(true, fmt.Sprintf(format, args...)) }

func (c *console) add(isErr bool, text string) {
	c.push(isErr, text)
	c.list.Refresh()
	c.list.ScrollToBottom()
}

// PrintLines appends many lines and redraws once.
func (c *console) PrintLines(lines []string) {
	for _, l := range lines {
		c.push(false, l)
	}
	c.list.Refresh()
	c.list.ScrollToBottom()
}

// PrintStamped appends lines made earlier, each with the time it happened,
// and redraws once.
func (c *console) PrintStamped(lines []stamped) {
	for _, l := range lines {
		c.pushAt(l.at, false, l.text)
	}
	c.list.Refresh()
	c.list.ScrollToBottom()
}

// stampText is how a line's time is shown: seconds since the first line.
func (c *console) stampText(at time.Time) string {
	return fmt.Sprintf("%*.*fs", c.decimals+5, c.decimals, at.Sub(c.start).Seconds())
}

// push appends without redrawing.
func (c *console) push(isErr bool, text string) { c.pushAt(time.Now(), isErr, text) }

// pushAt appends a line that happened at now, without redrawing.
func (c *console) pushAt(now time.Time, isErr bool, text string) {
	if c.start.IsZero() {
		c.start = now
	}
	// One console line per text line, so nothing is hidden behind a newline.
	for _, t := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		c.lines = append(c.lines, consoleLine{at: now, text: t, err: isErr})
	}
	if over := len(c.lines) - consoleLimit; over > 0 {
		c.lines = append(c.lines[:0:0], c.lines[over:]...)
		c.dropped += over
		c.header.SetText(fmt.Sprintf("%d older lines trimmed", c.dropped))
		c.header.Show()
	}
}

// Clear empties the console and restarts its clock.
func (c *console) Clear() {
	c.lines, c.dropped, c.start = nil, 0, time.Time{}
	c.header.Hide()
	c.list.Refresh()
}

// Text returns the console's lines without timestamps, for tests and Copy.
func (c *console) Text() string {
	var b strings.Builder
	for _, l := range c.lines {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// ScrollTo scrolls line i (counted from the oldest line kept) into view, at
// the top if the console can scroll that far.
func (c *console) ScrollTo(i int) {
	c.list.ScrollTo(max(i, 0))
}

// Lines returns how many lines the console holds now.
func (c *console) Lines() int { return len(c.lines) }

func (c *console) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(c.header, nil, nil, nil, c.list))
}

package views

// Helpers every panel shares: how widgets are made and enabled, and how
// numbers and durations are written for a person to read.

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// wrapped is a label that wraps at word boundaries.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// bold is a label in bold type, for headings inside a panel.
func bold(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// enable enables or disables buttons.
func enable(on bool, buttons ...*widget.Button) {
	for _, b := range buttons {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// ms is d in milliseconds, to the microsecond: how results record durations.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// sig3 is a duration as a person reads it, to 3 significant figures:
// 0.298 ms, 4.17 ms, 378 ms, 1.10 s, 12.3 s.
func sig3(d time.Duration) string {
	switch m := ms(d); {
	case m < 1:
		return fmt.Sprintf("%.3f ms", m)
	case m < 10:
		return fmt.Sprintf("%.2f ms", m)
	case m < 100:
		return fmt.Sprintf("%.1f ms", m)
	case m < 999.5:
		return fmt.Sprintf("%.0f ms", m)
	case m < 9995:
		return fmt.Sprintf("%.2f s", m/1000)
	default:
		return fmt.Sprintf("%.1f s", m/1000)
	}
}

// grouped writes n with thousands separators: 1,000,000.
func grouped(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// threeFigures rounds d to three significant figures, as many as a person
// reads: 1.18s, 173ms, 19.8ms.
func threeFigures(d time.Duration) time.Duration {
	unit := time.Nanosecond
	for d >= 1000*unit {
		unit *= 10
	}
	return d.Round(unit)
}

// durationText writes d with three significant figures, trailing zeros
// kept: 3.00s, 77.2ms, 153ms.
func durationText(d time.Duration) string {
	d = threeFigures(d)
	value, unit := float64(d)/float64(time.Microsecond), "µs"
	switch {
	case d >= time.Second:
		value, unit = d.Seconds(), "s"
	case d >= time.Millisecond:
		value, unit = float64(d)/float64(time.Millisecond), "ms"
	}
	switch {
	case value >= 100:
		return fmt.Sprintf("%.0f%s", value, unit)
	case value >= 10:
		return fmt.Sprintf("%.1f%s", value, unit)
	}
	return fmt.Sprintf("%.2f%s", value, unit)
}

// readable rounds d to three significant figures, as a person reads it:
// 2.19s, 373ms, 45.2µs.
func readable(d time.Duration) string { return threeFigures(d).String() }

// average writes a mean count: whole from 100, else two or three figures.
func average(n float64) string {
	switch {
	case n >= 99.5:
		return grouped(int(math.Round(n)))
	case n >= 10:
		return strconv.FormatFloat(n, 'g', 3, 64)
	case n >= 0.01:
		return strconv.FormatFloat(n, 'g', 2, 64)
	case n > 0:
		return "under 0.01"
	}
	return "0"
}

// percent writes a share, 0 to 1, as a percentage a person reads.
func percent(f float64) string {
	p := 100 * f
	switch {
	case p == 0:
		return "0%"
	case p >= 99.5 && p < 100:
		return strconv.FormatFloat(min(p, 99.9), 'f', 1, 64) + "%" // not 100%, which would say all
	case p >= 10:
		return fmt.Sprintf("%.0f%%", p)
	case p >= 0.001:
		return strconv.FormatFloat(p, 'g', 2, 64) + "%"
	}
	return "under 0.001%"
}

// showInputError shows err on l, or hides l when the input is good. It
// returns err, so that a run's prepare can end with it.
func showInputError(l *widget.Label, err error) error {
	if err != nil {
		l.SetText(err.Error())
		l.Show()
		return err
	}
	l.SetText("")
	l.Hide()
	return nil
}

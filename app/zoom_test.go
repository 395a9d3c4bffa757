package app

import (
	"math"
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"concurrencylab/views"
)

// Ctrl+= and Ctrl+- step the zoom through the menu's stops, Ctrl+0 goes
// back to 100 %: every theme size follows, and the zoom is stored for the
// next start, which opens at it unless --zoom says otherwise.
func TestZoomShortcutsScaleTheThemeAndAreStored(t *testing.T) {
	a := test.NewTempApp(t)
	s := newShell(a, options{})
	t.Cleanup(s.stopAll)
	baseText, basePad := theme.TextSize(), theme.Padding()
	// The test driver's canvas wraps the one that keeps the shortcuts
	// (software.WindowlessCanvas, which embeds fyne.ShortcutHandler).
	keys, ok := reflect.ValueOf(s.win.Canvas()).Elem().FieldByName("WindowlessCanvas").Interface().(fyne.Shortcutable)
	if !ok {
		t.Fatal("the test canvas keeps no shortcuts")
	}
	press := func(k fyne.KeyName) {
		t.Helper()
		keys.TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
	}
	check := func(percent int) {
		t.Helper()
		f := float32(percent) / 100
		if got, want := theme.TextSize(), baseText*f; math.Abs(float64(got-want)) > 1e-3 {
			t.Errorf("at %d %%: text size %v, want %v", percent, got, want)
		}
		if got, want := theme.Padding(), basePad*f; math.Abs(float64(got-want)) > 1e-3 {
			t.Errorf("at %d %%: padding %v, want %v", percent, got, want)
		}
		if got := views.Zoom(); math.Abs(float64(got-f)) > 1e-3 {
			t.Errorf("at %d %%: views.Zoom() = %v", percent, got)
		}
		if got := a.Preferences().Float(prefZoom); got != float64(percent) {
			t.Errorf("at %d %%: stored zoom %v", percent, got)
		}
		if got := startZoom(a.Preferences(), options{}); got != percent {
			t.Errorf("at %d %%: the next start would open at %d %%", percent, got)
		}
	}
	for _, want := range []int{110, 125, 150} {
		press(fyne.KeyEqual)
		check(want)
	}
	press(fyne.KeyMinus)
	check(125)
	press(fyne.Key0)
	check(100)
	for range len(zoomSteps) + 2 { // it stops at the ends
		press(fyne.KeyMinus)
	}
	check(minZoom)
	// The View menu's item does what its shortcut does.
	for _, m := range s.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == "Zoom in" {
				it.Action()
			}
		}
	}
	check(67)
	if got := startZoom(a.Preferences(), options{zoom: 175}); got != 175 {
		t.Errorf("--zoom 175 starts at %d %%", got)
	}
}

// The theme menu keeps the zoom: choosing a theme must not reset the sizes.
func TestThemeChoiceKeepsTheZoom(t *testing.T) {
	a := test.NewTempApp(t)
	base := theme.DefaultTheme().Size(theme.SizeNameText)
	s := newShell(a, options{zoom: 200})
	t.Cleanup(s.stopAll)
	if got := theme.TextSize(); got != 2*base {
		t.Fatalf("--zoom 200: text size %v, want %v", got, 2*base)
	}
	a.Preferences().SetString(prefTheme, themeDark)
	s.applyTheme()
	if got := theme.TextSize(); got != 2*base {
		t.Errorf("after a theme change: text size %v, want %v", got, 2*base)
	}
}

func TestNextZoom(t *testing.T) {
	t.Parallel()
	tests := []struct{ from, dir, want int }{
		{100, 1, 110}, {100, -1, 90}, {140, 1, 150}, {140, -1, 125},
		{300, 1, 300}, {50, -1, 50}, {299, 1, 300}, {51, -1, 50},
	}
	for _, tt := range tests {
		if got := nextZoom(tt.from, tt.dir); got != tt.want {
			t.Errorf("nextZoom(%d, %d) = %d, want %d", tt.from, tt.dir, got, tt.want)
		}
	}
}

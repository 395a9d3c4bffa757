package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// startZoom is the zoom the window opens at: --zoom, else the one the View
// menu stored last, else 100 %. A stored value out of range is ignored.
func startZoom(p fyne.Preferences, opts options) int {
	if opts.zoom != 0 {
		return opts.zoom
	}
	if z := int(p.FloatWithFallback(prefZoom, defaultZoom)); validZoom(z) {
		return z
	}
	return defaultZoom
}

// applyTheme sets the app's theme from the stored theme choice at s.zoom.
// Setting a theme makes Fyne refresh every widget of the window; the code
// tab is built again, as it was drawn for the previous sizes and colours.
func (s *shell) applyTheme() {
	choice := s.app.Preferences().StringWithFallback(prefTheme, themeSystem)
	s.app.Settings().SetTheme(zoomed(themeFor(choice), s.zoom))
	if s.current >= 0 && s.codeTab != nil {
		s.codeTab.Content = s.codeView(s.panels[s.current])
		s.tabs.Refresh()
	}
}

// setZoom zooms to percent, stores it for the next start, and says so in
// the status bar.
func (s *shell) setZoom(percent int) {
	percent = max(minZoom, min(percent, maxZoom))
	s.setPref(prefZoom, float64(percent))
	if percent == s.zoom {
		return
	}
	s.zoom = percent
	s.applyTheme()
	s.status.SetText(fmt.Sprintf("Zoom %d %%. Ctrl+= zooms in, Ctrl+- out, Ctrl+0 is the actual size.", percent))
}

// zoomItems are the View menu's Zoom in, Zoom out and Actual size, with the
// same shortcuts on the window's canvas.
func (s *shell) zoomItems() []*fyne.MenuItem {
	in := fyne.NewMenuItem("Zoom in", func() { s.setZoom(nextZoom(s.zoom, 1)) })
	in.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyEqual, Modifier: fyne.KeyModifierShortcutDefault}
	out := fyne.NewMenuItem("Zoom out", func() { s.setZoom(nextZoom(s.zoom, -1)) })
	out.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyMinus, Modifier: fyne.KeyModifierShortcutDefault}
	actual := fyne.NewMenuItem("Actual size", func() { s.setZoom(defaultZoom) })
	actual.Shortcut = &desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: fyne.KeyModifierShortcutDefault}
	items := []*fyne.MenuItem{in, out, actual}
	for _, it := range items {
		s.win.Canvas().AddShortcut(it.Shortcut, func(fyne.Shortcut) { it.Action() })
	}
	// Ctrl++ as typed (Shift and =) and the keypad's + zoom in too.
	for _, sc := range []*desktop.CustomShortcut{
		{KeyName: fyne.KeyEqual, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
		{KeyName: fyne.KeyPlus, Modifier: fyne.KeyModifierShortcutDefault},
	} {
		s.win.Canvas().AddShortcut(sc, func(fyne.Shortcut) { in.Action() })
	}
	return items
}

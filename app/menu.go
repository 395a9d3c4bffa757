package app

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

func (s *shell) addShortcuts() {
	c := s.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}, func(fyne.Shortcut) { s.run() })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) { s.step(-1) })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) { s.step(1) })
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			s.cancel()
			return
		}
		s.demo().Key(ev.Name, 0) // a panel's own keys: the scheduler's number keys
	})
	undo := &fyne.ShortcutUndo{} // Ctrl+Z; Fyne names it so
	c.AddShortcut(undo, func(fyne.Shortcut) { s.demo().Key(undo.Key(), undo.Mod()) })
}

func (s *shell) menu() *fyne.MainMenu {
	runItem := fyne.NewMenuItem("Run demo", s.run)
	runItem.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	cancelItem := fyne.NewMenuItem("Cancel (Esc)", s.cancel)
	prev := fyne.NewMenuItem("Previous panel", func() { s.step(-1) })
	prev.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierControl}
	next := fyne.NewMenuItem("Next panel", func() { s.step(1) })
	next.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierControl}

	themeItems := []*fyne.MenuItem{}
	current := s.app.Preferences().StringWithFallback(prefTheme, themeSystem)
	for _, choice := range []string{themeSystem, themeLight, themeDark} {
		item := fyne.NewMenuItem(map[string]string{themeSystem: "System", themeLight: "Light", themeDark: "Dark"}[choice], nil)
		item.Checked = choice == current
		item.Action = func() {
			s.setPref(prefTheme, choice)
			s.applyTheme() // at the zoom (zoom.go)
			for _, it := range themeItems {
				it.Checked = it == item
			}
		}
		themeItems = append(themeItems, item)
	}
	themeMenu := fyne.NewMenuItem("Theme", nil)
	themeMenu.ChildMenu = fyne.NewMenu("", themeItems...)

	return fyne.NewMainMenu(
		fyne.NewMenu("File", runItem, cancelItem, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Save picture…", s.savePicture), fyne.NewMenuItem("Save trace…", s.saveTrace),
			fyne.NewMenuItem("Export results…", s.exportResults)),
		fyne.NewMenu("View", append([]*fyne.MenuItem{prev, next, fyne.NewMenuItemSeparator(), themeMenu, s.predict.MenuItem(),
			fyne.NewMenuItemSeparator()}, s.zoomItems()...)...),
		fyne.NewMenu("Help", fyne.NewMenuItem("Start the lesson", s.startLesson), fyne.NewMenuItem("About Concurrency Lab", s.about)),
	)
}

func (s *shell) about() {
	m := s.app.Metadata()
	text := widget.NewLabel(fmt.Sprintf("%s %s\n\nA lab for learning concurrency by running it: every panel starts a real\n"+
		"workload — threads, goroutines, futures, observables, coroutines, a server —\n"+
		"and shows it live, next to the same work done the wrong way.\n\n"+
		"Built with Go %s and Fyne %s. The status bar's meter pings the window all the time,\n"+
		"as a desktop does, and shows how long it took to read input: when that\n"+
		"takes too long, a desktop calls the window \"not responding\".",
		m.Name, m.Version, strings.TrimPrefix(runtime.Version(), "go"), moduleVersion("fyne.io/fyne/v2")))
	dialog.ShowCustom("About", "Close", container.NewBorder(nil, nil,
		container.NewGridWrap(fyne.NewSize(96, 96), widget.NewIcon(m.Icon)), nil, text), s.win)
}

// moduleVersion is the version of the module at path this binary was built
// with, as its build information says, or "(version unknown)".
func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == path {
				return strings.TrimPrefix(m.Version, "v")
			}
		}
	}
	return "(version unknown)"
}

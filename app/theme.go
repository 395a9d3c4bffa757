package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme choices of the View menu, as stored in preferences.
const (
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
)

// variantTheme is the default theme forced to one variant (light or dark).
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// themeFor returns the theme for a stored choice; anything unknown is "system".
func themeFor(choice string) fyne.Theme {
	switch choice {
	case themeLight:
		return variantTheme{theme.DefaultTheme(), theme.VariantLight}
	case themeDark:
		return variantTheme{theme.DefaultTheme(), theme.VariantDark}
	default:
		return theme.DefaultTheme()
	}
}

// Zoom, in percent of the theme's own sizes, as the View menu sets it and
// --zoom starts it. zoomSteps are the menu's stops; --zoom takes any whole
// percent between the first and the last.
const (
	prefZoom    = "zoom"
	defaultZoom = 100
	minZoom     = 50
	maxZoom     = 300
)

var zoomSteps = []int{50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300}

// labTheme is the app's theme: th with every size (text, padding, icons,
// scroll bars) multiplied by percent/100, and no blur behind a dialog. Views
// that draw at fixed sizes read the factor back with views.Zoom, so lanes,
// charts and code grow with the text.
//
// The blur goes because, without a GPU, a blurred backdrop makes each frame
// drawn while a dialog is open several times dearer: an idle window with
// its welcome open cost a few percent of a core more than without it. The
// backdrop is still dimmed.
type labTheme struct {
	fyne.Theme
	percent int
}

func (t labTheme) Size(n fyne.ThemeSizeName) float32 {
	if n == theme.SizeNameModalBlurRadius {
		return 0
	}
	return t.Theme.Size(n) * float32(t.percent) / 100
}

// zoomed returns the app's theme over th at percent.
func zoomed(th fyne.Theme, percent int) fyne.Theme {
	return labTheme{th, percent}
}

// nextZoom is the menu's next stop from percent in direction dir (+1 in,
// -1 out); a percent between stops (from --zoom 140) goes to the nearest
// stop that way. It stays at the ends.
func nextZoom(percent, dir int) int {
	if dir > 0 {
		for _, z := range zoomSteps {
			if z > percent {
				return z
			}
		}
		return maxZoom
	}
	for i := len(zoomSteps) - 1; i >= 0; i-- {
		if zoomSteps[i] < percent {
			return zoomSteps[i]
		}
	}
	return minZoom
}

// validZoom tells whether percent is a zoom the app accepts.
func validZoom(percent int) bool { return percent >= minZoom && percent <= maxZoom }

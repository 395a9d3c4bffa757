package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Closing the window cancels the shell's own goroutines, and the exit can
// wait for them: a timer still pending must neither fire nor hold the exit.
func TestClosingEndsTheShellsGoroutines(t *testing.T) {
	s := newShell(test.NewTempApp(t), options{})
	fired := make(chan struct{}, 1)
	s.after(time.Hour, func() { fired <- struct{}{} })
	s.after(time.Millisecond, func() { fired <- struct{}{} })
	<-fired // the short timer fires while the window is open

	s.stopAll()
	ended := make(chan struct{})
	go func() {
		s.owned.Wait()
		close(ended)
	}()
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("a timer of the shell outlived the window")
	}
	s.after(time.Millisecond, func() { fired <- struct{}{} })
	time.Sleep(20 * time.Millisecond)
	select {
	case <-fired:
		t.Error("a timer set after closing fired")
	default:
	}
}

// The exit waits for the demos, but never longer than its limit.
func TestWaitAllIsBounded(t *testing.T) {
	t.Parallel()
	hang := make(chan struct{})
	defer close(hang)
	began := time.Now()
	waitAll(50*time.Millisecond, []func(){func() {}, func() { <-hang }})
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("waitAll took %v with a limit of 50ms", took)
	}
}

// Every panel's About text wraps beside the scroll bar, not under it: Fyne
// draws the bar over the scrolled content, so text as wide as the scroll
// had its line ends cut off (the deadlock panel's, whose text scrolls).
func TestAboutTextWrapsBesideTheScrollBar(t *testing.T) {
	s := newShell(test.NewTempApp(t), options{})
	t.Cleanup(s.stopAll)
	for _, size := range []fyne.Size{{Width: defaultWidth, Height: defaultHeight}, {Width: 1366, Height: 705}} {
		s.win.Resize(size)
		for i, p := range s.panels {
			s.show(i)
			s.tabs.Select(s.aboutTab)
			scroll, ok := s.aboutTab.Content.(*container.Scroll)
			if !ok {
				t.Fatalf("%s: the About tab is a %T, not a scroll", p.ID, s.aboutTab.Content)
			}
			text := findRichText(scroll.Content)
			if text == nil {
				t.Fatalf("%s: no text in the About tab", p.ID)
			}
			if room := scroll.Size().Width - theme.ScrollBarSize(); text.Size().Width > room {
				t.Errorf("%s at %v: the text is %v wide, the scroll bar leaves %v", p.ID, size, text.Size().Width, room)
			}
		}
	}
}

func findRichText(o fyne.CanvasObject) *widget.RichText {
	switch o := o.(type) {
	case *widget.RichText:
		return o
	case *fyne.Container:
		for _, c := range o.Objects {
			if r := findRichText(c); r != nil {
				return r
			}
		}
	}
	return nil
}

package app

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Taking a run away: its execution trace (X-ray → Save trace…), a picture
// of the panel (File → Save picture…) and its results (File → Export
// results…, report.go), all offered in one folder the user picked once.

// prefFolder is the folder the last file was saved to: the next save
// dialog opens there.
const prefFolder = "resultsFolder"

// traceBudget bounds the bytes of the traces kept for Save trace…: each
// can be tens of MiB (a recorder keeps up to child.FlightMaxBytes).
const traceBudget = 160 << 20

// traceStore keeps each panel's latest trace: the very bytes its X-ray was
// read from. Taking a new snapshot of the flight recorder when the user
// saves would not do: the recorder keeps only the last few seconds, so a run
// looked at for a minute has left it, and a run done in a child process was
// never in it. Past traceBudget the oldest traces of other panels are let
// go (counted by the memory they hold). Its methods run on the Fyne
// goroutine; the bytes are never changed once kept, so a goroutine may
// write them out.
type traceStore struct {
	byPanel map[int][]byte
	order   []int // the panels that have a trace, oldest first
	size    int
	budget  int
}

// put keeps b as panel i's trace, in place of the one before.
func (t *traceStore) put(i int, b []byte) {
	t.drop(i)
	if t.byPanel == nil {
		t.byPanel = map[int][]byte{}
	}
	if t.budget == 0 {
		t.budget = traceBudget
	}
	for t.size+cap(b) > t.budget && len(t.order) > 0 {
		t.drop(t.order[0])
	}
	t.byPanel[i] = b
	t.order = append(t.order, i)
	t.size += cap(b)
}

// drop lets panel i's trace go: a new run has begun, or memory is short.
func (t *traceStore) drop(i int) {
	b, ok := t.byPanel[i]
	if !ok {
		return
	}
	delete(t.byPanel, i)
	t.size -= cap(b)
	for k, p := range t.order {
		if p == i {
			t.order = append(t.order[:k], t.order[k+1:]...)
			break
		}
	}
}

// get returns panel i's trace, or nil.
func (t *traceStore) get(i int) []byte { return t.byPanel[i] }

// xrayWithSave puts a Save trace… bar above panel i's X-ray.
func (s *shell) xrayWithSave(view fyne.CanvasObject) fyne.CanvasObject {
	save := widget.NewButtonWithIcon("Save trace…", theme.DocumentSaveIcon(), s.saveTrace)
	note := widget.NewLabel("Save the execution trace this X-ray was read from, to open it in go tool trace.")
	note.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(container.NewBorder(nil, nil, nil, save, note), nil, nil, nil, view)
}

// saveTrace asks where to save the current panel's latest trace, and saves it there.
func (s *shell) saveTrace() {
	if s.current < 0 {
		return
	}
	p := s.panels[s.current]
	data := s.xray.traces.get(s.current)
	if data == nil {
		dialog.ShowInformation("Save trace", "There is no trace of this panel's last run to save: run its demo (Ctrl+R) "+
			"and wait for its X-ray. (The app keeps the latest trace of each panel, up to "+
			fmt.Sprintf("%d MiB in all: past that, the oldest go.)", traceBudget>>20), s.win)
		return
	}
	s.saveAs(p.ID+".trace", func() func(io.Writer) error {
		return func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		}
	}, func(path string) string {
		return fmt.Sprintf("Saved the run's trace to %s: go tool trace opens it; the run is its task %q.", path, p.ID)
	})
}

// writeTrace writes data, an execution trace, to the file at path.
func writeTrace(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("save trace: %w", err)
	}
	return nil
}

// savePicture asks where to save a picture of the window, and saves it there as PNG.
func (s *shell) savePicture() {
	if s.current < 0 {
		return
	}
	name := s.panels[s.current].ID
	if tab := s.tabs.SelectedIndex(); tab > 0 {
		name += "-" + tabs[tab]
	}
	s.saveAs(name+".png", func() func(io.Writer) error {
		img := s.picture() // on the Fyne goroutine; the encoding is not
		return func(w io.Writer) error { return png.Encode(w, img) }
	}, func(path string) string { return "Saved the picture to " + path + "." })
}

// picture renders the window's content with the software painter, at the
// window's size: on the GL driver under Xvfb, Canvas().Capture() returned
// a black image. The software canvas moves the content to its origin and
// resizes it to its own size; the content is put back where the window had
// it, below the menu bar and inside the padding, and redrawn.
func (s *shell) picture() image.Image {
	content := s.win.Content()
	pos, size := content.Position(), content.Size()
	c := software.NewCanvas()
	c.SetPadded(false)
	c.Resize(s.win.Canvas().Size())
	c.SetContent(content)
	img := capture(c, content)
	content.Resize(size)
	content.Move(pos)
	s.win.Canvas().Refresh(content)
	return img
}

// saveAs shows a file-save dialog for name, in the remembered folder. Once
// the user has chosen the file, contents is called on the Fyne goroutine
// and returns what writes the file, which runs on a goroutine of the shell;
// the status bar then says saved(path), or a dialog why it failed.
func (s *shell) saveAs(name string, contents func() func(io.Writer) error, saved func(path string) string) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		if w == nil {
			return // the user cancelled
		}
		s.rememberFolder(w.URI())
		write := contents()
		s.spawn(func(context.Context) {
			werr := writeClose(w, write)
			fyne.Do(func() {
				if s.closing.Load() {
					return
				}
				if werr != nil {
					s.status.SetText("Error: " + werr.Error())
					dialog.ShowError(werr, s.win)
					return
				}
				s.status.SetText(saved(w.URI().Path()))
			})
		})
	}, s.win)
	d.SetFileName(name)
	if l := s.folder(); l != nil {
		d.SetLocation(l)
	}
	d.Show()
}

// writeClose writes through w with write, and closes it. Any goroutine.
func writeClose(w fyne.URIWriteCloser, write func(io.Writer) error) error {
	err := write(w)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", w.URI().Path(), err)
	}
	return nil
}

// folder is where the save dialogs open: the folder of the last file
// saved, if it still exists.
func (s *shell) folder() fyne.ListableURI {
	dir := s.app.Preferences().String(prefFolder)
	if dir == "" {
		return nil
	}
	l, err := storage.ListerForURI(storage.NewFileURI(dir))
	if err != nil {
		return nil
	}
	return l
}

// rememberFolder makes the folder of u, a file just chosen, the one the
// next save dialog opens in.
func (s *shell) rememberFolder(u fyne.URI) {
	if u.Scheme() == "file" {
		s.setPref(prefFolder, filepath.Dir(u.Path()))
	}
}

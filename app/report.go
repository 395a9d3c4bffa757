package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"concurrencylab/views"
)

// writeReport writes --report: what panel p's run measured, as JSON, when
// the demo ends (err is how it ended, or why it never did).
func (s *shell) writeReport(p views.Panel, err error) error {
	rep, ok := s.demo().Report()
	if !ok {
		rep = views.Report{Panel: p.ID, Results: views.Results{}}
	}
	if err != nil {
		rep.OK = false
		rep.Error = err.Error()
	}
	b, jerr := rep.JSON()
	if jerr != nil {
		return fmt.Errorf("report: %w", jerr)
	}
	if werr := os.WriteFile(s.opts.report, append(b, '\n'), 0o644); werr != nil {
		return fmt.Errorf("report: %w", werr)
	}
	return nil
}

// exportResults asks where to save the current panel's last results, and
// saves them there as JSON and, beside it, as CSV.
func (s *shell) exportResults() {
	d := s.demo()
	if d == nil {
		return
	}
	rep, ok := d.Report()
	if !ok {
		dialog.ShowInformation("Export results", "This panel has no results yet: run its demo first (Ctrl+R).", s.win)
		return
	}
	if d.Busy() {
		dialog.ShowInformation("Export results", "A run is in progress: export its results when it has ended.", s.win)
		return
	}
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, s.win)
			return
		}
		if w == nil {
			return // the user cancelled
		}
		s.rememberFolder(w.URI())
		jsonPath, csvPath, werr := writeExport(w, rep)
		if werr != nil {
			dialog.ShowError(werr, s.win)
			return
		}
		answersPath, aerr := writeAnswers(filepath.Dir(jsonPath), s.predict)
		if aerr != nil {
			dialog.ShowError(aerr, s.win)
			return
		}
		s.status.SetText(fmt.Sprintf("Exported the results to %s and %s, and your answers to the questions to %s.", jsonPath, csvPath, answersPath))
	}, s.win)
	save.SetFileName(rep.Panel + "-results.json")
	if l := s.folder(); l != nil {
		save.SetLocation(l)
	}
	save.Show()
}

// writeExport writes rep as JSON through w and as CSV beside it (the same
// name, ending in .csv), and returns both paths.
func writeExport(w fyne.URIWriteCloser, rep views.Report) (jsonPath, csvPath string, err error) {
	jsonPath = w.URI().Path()
	b, err := rep.JSON()
	if err == nil {
		_, err = w.Write(append(b, '\n'))
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", "", fmt.Errorf("export %s: %w", jsonPath, err)
	}
	if w.URI().Scheme() != "file" {
		return jsonPath, "", errors.New("export: the CSV is written only beside a local file")
	}
	csvPath = strings.TrimSuffix(jsonPath, filepath.Ext(jsonPath)) + ".csv"
	if csvPath == jsonPath {
		csvPath += ".csv"
	}
	c, err := rep.CSV()
	if err == nil {
		err = os.WriteFile(csvPath, c, 0o644)
	}
	if err != nil {
		return "", "", fmt.Errorf("export %s: %w", csvPath, err)
	}
	return jsonPath, csvPath, nil
}

// writeAnswers writes the tally of the answers to the questions asked before
// the demos into dir, as answers.json: the results and the answers of a
// class go in the one folder the user picked.
func writeAnswers(dir string, p *views.Predictions) (string, error) {
	path := filepath.Join(dir, "answers.json")
	b, err := json.MarshalIndent(p.Answers(), "", "  ")
	if err == nil {
		err = os.WriteFile(path, append(b, '\n'), 0o644)
	}
	if err != nil {
		return "", fmt.Errorf("export %s: %w", path, err)
	}
	return path, nil
}

// Package app is the shell of Concurrency Lab: the window, the navigation, the
// status bar with its responsiveness meter, the command line, preferences,
// menus and the About box. It knows the panels only through views.Panels.
package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"github.com/BurntSushi/toml"

	"concurrencylab/techniques/child"
	"concurrencylab/views"
)

// Exit codes of Run.
const (
	exitOK    = 0
	exitFail  = 1 // the autorun demo failed or timed out
	exitUsage = 2 // bad command line
)

// tabs are the names --tab accepts, in the order the panel shows them.
var tabs = []string{"demo", "code", "about", "xray"}

// options is the parsed command line.
type options struct {
	listPanels bool
	version    bool
	panel      string
	autorun    bool
	blocking   bool
	screenshot string
	tab        string
	report     string
	saveTrace  string
	debugStats bool

	noQuestions bool   // never ask before a run (views.Predictions)
	zoom        int    // --zoom: start at this percent; 0 is the stored zoom (theme.go)
	codeOf      string // --code-template: print this panel's editable source
	code        string // --code: the learner's version, read from the file
}

// Run runs the app with the command-line arguments (without the program name)
// and the contents of FyneApp.toml, and returns the process exit code.
func Run(args []string, fyneAppTOML []byte) int {
	// Heavy demos run their work in a child process of this same binary
	// (package child); as that child, do its work and exit.
	child.RunIfAsked()
	return run(args, fyneAppTOML, os.Stdout, os.Stderr)
}

func run(args []string, fyneAppTOML []byte, stdout, stderr io.Writer) int {
	meta, err := parseMetadata(fyneAppTOML)
	if err != nil {
		fmt.Fprintln(stderr, "concurrency-lab:", err)
		return exitFail
	}
	opts, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "concurrency-lab:", err)
		return exitUsage
	}
	switch {
	case opts.version:
		fmt.Fprintf(stdout, "%s %s\n", meta.Name, meta.Version)
		return exitOK
	case opts.codeOf != "":
		src, ok := views.CodeTemplate(opts.codeOf)
		if !ok {
			fmt.Fprintf(stderr, "concurrency-lab: panel %q has no editable technique\n", opts.codeOf)
			return exitUsage
		}
		fmt.Fprint(stdout, src)
		return exitOK
	case opts.code != "":
		if err := views.CheckCode(opts.panel, opts.code); err != nil {
			fmt.Fprintln(stderr, "concurrency-lab: --code:", err)
			return exitFail
		}
	}
	switch {
	case opts.listPanels:
		for _, p := range views.Panels() {
			fmt.Fprintf(stdout, "%s\t%s\n", p.ID, p.Title)
		}
		return exitOK
	}
	return runWindow(meta, opts, stderr)
}

func parseArgs(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("concurrency-lab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.listPanels, "list-panels", false, "print `ID<TAB>Title` of every panel and exit")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.StringVar(&o.panel, "panel", "", "open on the panel with this `ID` (see --list-panels)")
	fs.BoolVar(&o.autorun, "autorun", false, "start the panel's primary demo once the window is shown (no first-start welcome)")
	fs.BoolVar(&o.blocking, "blocking", false, "with --autorun: run the demo the wrong way, on the UI goroutine")
	fs.StringVar(&o.screenshot, "screenshot", "", "with --autorun: write a PNG of the window to `FILE` when the demo ends, then quit")
	fs.StringVar(&o.tab, "tab", "", "open the panel on this tab: "+strings.Join(tabs, ", "))
	fs.StringVar(&o.report, "report", "", "with --autorun: when the demo ends, write what it measured to `FILE.json`")
	fs.BoolVar(&o.debugStats, "debug-stats", false, "print the goroutine count and the buttons' positions and roles to stdout, one JSON object per line (for tests; no first-start welcome)")
	fs.BoolVar(&o.noQuestions, "no-questions", false, "never ask a question before a demo runs (--autorun never asks)")
	fs.StringVar(&o.codeOf, "code-template", "", "print the editable source of the panel with this `ID` (what Edit starts from) and exit")
	fs.StringVar(&o.saveTrace, "save-trace", "", "with --autorun: once the run's X-ray is read, write its execution trace to `FILE` (for go tool trace), before --screenshot")
	fs.IntVar(&o.zoom, "zoom", 0, fmt.Sprintf("start at this zoom, in `PERCENT` of the normal size (%d–%d), as View → Zoom in/out sets it", minZoom, maxZoom))
	codeFile := fs.String("code", "", "with --panel and --autorun: run `FILE.go` as your version of the panel's technique")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	zoomSet := false
	fs.Visit(func(f *flag.Flag) { zoomSet = zoomSet || f.Name == "zoom" })
	if zoomSet && !validZoom(o.zoom) {
		return o, fmt.Errorf("--zoom %d: the zoom must be a percent from %d to %d", o.zoom, minZoom, maxZoom)
	}
	if *codeFile != "" {
		if _, ok := views.CodeTemplate(o.panel); !ok || !o.autorun || o.blocking {
			return o, errors.New("--code needs --autorun, without --blocking, and --panel with an editable technique (race, goroutines, futures, scheduler)")
		}
		b, err := os.ReadFile(*codeFile)
		if err != nil {
			return o, err
		}
		o.code = string(b)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if o.panel != "" && panelIndex(o.panel) < 0 {
		var ids []string
		for _, p := range views.Panels() {
			ids = append(ids, p.ID)
		}
		return o, fmt.Errorf("unknown panel %q; valid panels: %s", o.panel, strings.Join(ids, ", "))
	}
	if o.tab != "" && tabIndex(o.tab) < 0 {
		return o, fmt.Errorf("unknown tab %q; valid tabs: %s", o.tab, strings.Join(tabs, ", "))
	}
	if o.blocking && !o.autorun {
		return o, errors.New("--blocking needs --autorun")
	}
	if o.screenshot != "" && !o.autorun {
		return o, errors.New("--screenshot needs --autorun")
	}
	if o.report != "" && !o.autorun {
		return o, errors.New("--report needs --autorun")
	}
	if o.saveTrace != "" && !o.autorun {
		return o, errors.New("--save-trace needs --autorun")
	}
	if o.screenshot != "" && !strings.HasSuffix(strings.ToLower(o.screenshot), ".png") {
		return o, fmt.Errorf("--screenshot %q: the file name must end in .png", o.screenshot)
	}
	return o, nil
}

func panelIndex(id string) int {
	for i, p := range views.Panels() {
		if p.ID == id {
			return i
		}
	}
	return -1
}

func tabIndex(name string) int {
	for i, t := range tabs {
		if t == name {
			return i
		}
	}
	return -1
}

// parseMetadata reads the [Details] of FyneApp.toml, embedded by package main,
// so that the version is right however the binary was built.
func parseMetadata(b []byte) (fyne.AppMetadata, error) {
	var f struct {
		Details struct {
			ID, Name, Version string
			Build             int
		}
	}
	if _, err := toml.Decode(string(b), &f); err != nil {
		return fyne.AppMetadata{}, fmt.Errorf("FyneApp.toml: %w", err)
	}
	d := f.Details
	if d.ID == "" || d.Name == "" || d.Version == "" {
		return fyne.AppMetadata{}, errors.New("FyneApp.toml: [Details] needs ID, Name and Version")
	}
	// Migrations are left out on purpose: a development build then keeps
	// Fyne's thread checks on and logs any widget touched off the Fyne
	// goroutine. `fyne package` builds with the migrated_fynedo tag instead.
	return fyne.AppMetadata{ID: d.ID, Name: d.Name, Version: d.Version, Build: d.Build}, nil
}

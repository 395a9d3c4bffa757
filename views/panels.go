// Package views builds one panel per concurrency technique: widgets and wiring
// only. The workloads themselves live in package techniques.
//
// Panels returns the single registry the shell navigates; adding a technique
// means adding one entry here.
package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Panel is one technique of the lab, as the navigation lists it.
type Panel struct {
	ID     string // stable: part of the command line (--panel ID)
	Title  string
	Intro  string               // a sentence or two shown above the tabs
	Notice string               // the guided lesson's "what to notice" line: what this panel's run shows
	About  string               // the About tab, in Markdown
	Source string               // the file of package techniques shown in the Code tab
	Icon   func() fyne.Resource // shown in the navigation; a func, since theme icons need a running app

	// XrayNote, if set, is shown above the panel's X-ray: what the trace
	// of this process cannot see.
	XrayNote string

	build func() *Demo
}

// NewDemo builds the panel's widgets. Call it on the Fyne goroutine.
func (p Panel) NewDemo() *Demo {
	d := p.build()
	d.runs.task = p.ID // the X-ray finds the panel's runs in the trace by this name
	return d
}

// Panels returns every panel in the order of the source article.
func Panels() []Panel {
	return []Panel{
		{
			ID: "overview", Title: "Concurrency vs parallelism", Icon: theme.GridIcon,
			Source: "overview.go", build: overviewPanel,
			XrayNote: "The tasks run in child processes, outside this process's trace: the X-ray shows only the app's side — the goroutine that starts each child and waits for it.",
			Intro:    overviewIntro,
			Notice:   overviewNotice,
			About:    overviewAbout,
		},
		{
			// The ID is also the trace region of the server's handlers (techniques.ServerRegion).
			ID: "server", Title: "Blocking: the server", Icon: theme.ComputerIcon,
			Source: "server.go", build: serverPanel,
			Intro:  serverIntro,
			Notice: serverNotice,
			About:  serverAbout,
		},
		{
			ID: "threads", Title: "Threads", Icon: theme.ListIcon,
			Source: "threads.go", build: threadsPanel,
			Intro:  threadsIntro,
			Notice: threadsNotice,
			About:  threadsAbout,
		},
		{
			ID: "race", Title: "Race conditions and locks", Icon: theme.WarningIcon,
			Source: "race.go", build: racePanel,
			Intro:  raceIntro,
			Notice: raceNotice,
			About:  raceAbout,
		},
		{
			ID: "scheduler", Title: "You are the scheduler", Icon: theme.MediaSkipNextIcon,
			Source: "scheduler.go", build: schedulerPanel,
			Intro:  schedulerIntro,
			Notice: schedulerNotice,
			About:  schedulerAbout,
		},
		{
			ID: "deadlock", Title: "Deadlocks", Icon: theme.ErrorIcon,
			Source: "deadlock.go", build: deadlockPanel,
			Intro:  deadlockIntro,
			Notice: deadlockNotice,
			About:  deadlockAbout,
		},
		{
			ID: "goroutines", Title: "Green threads", Icon: theme.MediaFastForwardIcon,
			Source: "goroutines.go", build: goroutinesPanel,
			Intro:  goroutinesIntro,
			Notice: goroutinesNotice,
			About:  goroutinesAbout,
		},
		{
			ID: "callbacks", Title: "Callbacks", Icon: theme.MailReplyIcon,
			Source: "callbacks.go", build: callbacksPanel,
			Intro:  callbacksIntro,
			Notice: callbacksNotice,
			About:  callbacksAbout,
		},
		{
			ID: "futures", Title: "Promises and futures", Icon: theme.HistoryIcon,
			Source: "futures.go", build: futuresPanel,
			Intro:  futuresIntro,
			Notice: futuresNotice,
			About:  futuresAbout,
		},
		{
			ID: "async-await", Title: "Async / await", Icon: theme.MediaPlayIcon,
			Source: "asyncawait.go", build: asyncAwaitPanel,
			Intro:  asyncAwaitIntro,
			Notice: asyncAwaitNotice,
			About:  asyncAwaitAbout,
		},
		{
			ID: "reactive", Title: "Reactive programming", Icon: theme.MediaRecordIcon,
			Source: "reactive.go", build: reactivePanel,
			Intro:  reactiveIntro,
			Notice: reactiveNotice,
			About:  reactiveAbout,
		},
		{
			ID: "coroutines", Title: "Coroutines", Icon: theme.MediaReplayIcon,
			Source: "coroutines.go", build: coroutinesPanel,
			Intro:  coroutinesIntro,
			Notice: coroutinesNotice,
			About:  coroutinesAbout,
		},
	}
}

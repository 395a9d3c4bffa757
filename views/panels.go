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
	About  string               // the About tab, in Markdown
	Source string               // the file of package techniques shown in the Code tab
	Icon   func() fyne.Resource // shown in the navigation; a func, since theme icons need a running app

	// XrayNote, if set, is shown above the panel's X-ray: what the trace
	// of this process cannot see.
	XrayNote string

	build func() *Demo // nil while the panel's demo is not built yet
}

// Built reports whether the panel has a live demo yet.
func (p Panel) Built() bool { return p.build != nil }

// NewDemo builds the panel's widgets. Call it on the Fyne goroutine.
func (p Panel) NewDemo() *Demo {
	if p.build == nil {
		return notBuilt(p)
	}
	d := p.build()
	if d.runs != nil {
		d.runs.task = p.ID // the X-ray finds the panel's runs in the trace by this name
	}
	return d
}

// Panels returns every panel in the order of the source article.
func Panels() []Panel {
	return []Panel{
		{
			ID: "overview", Title: "Concurrency vs parallelism", Icon: theme.GridIcon,
			Source: "overview.go", build: overviewPanel,
			XrayNote: "The tasks run in child processes, outside this process's trace: the X-ray shows only the app's side — the goroutine that starts each child and waits for it.",
			Intro:    "Parallel means at the same instant; concurrent means arranged so tasks can overlap. The difference shows when tasks wait.",
			About: `Parallelism is a property of **execution**: two tasks make progress at the same instant, which needs more than one CPU.

Concurrency is a property of **design**: tasks are written so that none depends on another finishing first, so they *can* overlap. On one CPU they take turns; on many they may also run in parallel.

Concurrency pays off when tasks **block** — on a disk, a network, a database. While one waits, another can run, even on a single CPU. CPU-bound work gains nothing from taking turns on one CPU; it only speeds up when there are more CPUs.`,
		},
		{
			// The ID is also the trace region of the server's handlers (techniques.ServerRegion).
			ID: "server", Title: "Blocking: the server", Icon: theme.ComputerIcon,
			Source: "server.go", build: serverPanel,
			Intro: "A server reads a database, fills a template and answers. Most of each request is spent waiting on the database.",
			About: `A request handler that queries a database spends most of its life **blocked**: the CPU is idle while the query travels and the database answers.

A server that handles one request at a time wastes all that waiting. A server that starts a goroutine per request lets the Go runtime run other requests while one is blocked, so throughput grows with the number of clients until some other limit (the database, the CPU, a pool) is reached.

Little's law ties the numbers together: requests in flight = throughput × latency.`,
		},
		{
			ID: "threads", Title: "Threads", Icon: theme.ListIcon,
			Source: "threads.go", build: threadsPanel,
			Intro: "Ten workers, each on its own operating-system thread, printing as they go. Their lines interleave differently on every run.",
			About: `A thread is the operating system's unit of execution: it has its own stack and is scheduled by the kernel, possibly in parallel with others on other cores.

Threads are the oldest way to do several things at once. They are simple to start and hard to coordinate: the order in which their steps interleave is decided by the scheduler, not by the program, and changes from run to run.`,
		},
		{
			ID: "race", Title: "Race conditions and locks", Icon: theme.WarningIcon,
			Source: "race.go", build: racePanel,
			Intro: "A thousand goroutines add one and a thousand subtract one from the same counter. The answer should be zero.",
			About: `Incrementing a shared counter is three steps: read it, add one, write it back. If two workers read the same old value, one of the writes is lost — a **race condition**.

A **lock** (sync.Mutex) lets only one worker at a time run the read–modify–write. An **atomic** operation does the three steps as one indivisible instruction. Or give the counter a single **owner** goroutine and send it requests over a channel: nothing is shared, so nothing races.`,
		},
		{
			ID: "goroutines", Title: "Green threads", Icon: theme.MediaFastForwardIcon,
			Source: "goroutines.go", build: goroutinesPanel,
			Intro: "A goroutine starts with a small stack and is scheduled by Go, not the kernel. You can have millions.",
			About: `Green threads are scheduled by a language runtime rather than the operating system. Go's goroutines start with a few kilobytes of stack that grows on demand, and the runtime multiplexes them onto a handful of OS threads.

Starting one is just ` + "`go f()`" + `. Waiting for it is another matter: sleeping "long enough" is a guess; a WaitGroup waits exactly.`,
		},
		{
			ID: "callbacks", Title: "Callbacks", Icon: theme.MailReplyIcon,
			Source: "callbacks.go", build: callbacksPanel,
			Intro: "Pass a function that is called later, when the event happens or the work is done. The caller moves on at once.",
			About: `A callback is a function handed to someone else to call later: when a button is clicked, when a file has been read.

GUI toolkits are built on callbacks: the toolkit runs one event loop and calls your handler for each event. The handler must return quickly — while it runs, nothing else in the window can happen.

Callbacks that start more asynchronous work need callbacks of their own; nested deeply, this is "callback hell", with error handling repeated at every level.`,
		},
		{
			ID: "futures", Title: "Promises and futures", Icon: theme.HistoryIcon,
			Source: "futures.go", build: futuresPanel,
			Intro: "Instead of taking a callback, an asynchronous function returns a value that will hold the result later.",
			About: `A **future** (or promise) stands for a result that is not ready yet. The function that starts the work returns it at once; whoever needs the value waits for it, or chains what to do next: *then* on success, *catch* on failure.

Futures compose: wait for **all** of them, or take the **first** to succeed and cancel the rest.`,
		},
		{
			ID: "async-await", Title: "Async / await", Icon: theme.MediaPlayIcon,
			Source: "asyncawait.go", build: asyncAwaitPanel,
			Intro: "Asynchronous steps written as straight-line code: each step is awaited, and errors are handled where they happen.",
			About: `Async/await lets asynchronous code read like ordinary sequential code. Each ` + "`await`" + ` suspends the function until a future is resolved, without blocking the thread it runs on.

Errors come back as ordinary errors at the point of the await, so loops, conditions and error handling look the same as in synchronous code.`,
		},
		{
			ID: "reactive", Title: "Reactive programming", Icon: theme.MediaRecordIcon,
			Source: "reactive.go", build: reactivePanel,
			Intro: "An observable pushes items to its subscribers — lines of a file, clicks, keystrokes — then says it is complete.",
			About: `An **observable** is a stream of events over time. A subscriber gives three functions: one for each item (*next*), one for a failure (*error*) and one for the end (*complete*).

Operators transform streams the way functions transform values: map, filter, buffer, debounce, take. The same pipeline works for a file's lines, a network socket or the user's clicks.`,
		},
		{
			ID: "coroutines", Title: "Coroutines", Icon: theme.MediaReplayIcon,
			Source: "coroutines.go", build: coroutinesPanel,
			Intro: "A function that can pause in the middle, hand control back to its caller, and later resume where it stopped.",
			About: `A coroutine is a function that can **suspend** itself and be **resumed** later, keeping its local state. Control passes back and forth: the caller sends a value in, the coroutine runs until its next pause and hands a value back.

Coroutines give concurrency without parallelism: only one side runs at a time, and switching between them is cheap.`,
		},
	}
}

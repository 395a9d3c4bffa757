package views

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"

	"concurrencylab/techniques"
)

// serverIntro and serverAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	serverIntro = "A server reads a database, fills a template and answers. Most of each request is spent waiting on the database (here a simulated round trip), and the database has only so many connections."

	// serverNotice is the guided lesson's "what to notice" line, shown above the demo.
	serverNotice = "Compare requests/s measured with the ceiling: one at a time serves about one request per round trip; with a goroutine per connection the database's connections set the limit, not the goroutines; the bounded pool is capped by its workers too."

	serverAbout = `A request handler that queries a database often spends most of its life **blocked**: the CPU is idle while the query travels to the database and the answer comes back. Here that round trip is **simulated**: the handler sleeps for the time the slider sets, while holding one of the database's connections, as a real client holds its connection until the answer arrives. The query itself then runs on a real SQLite database, and the page is filled from an html/template.

**One at a time** puts a lock around every request: while one waits on the database, every other request waits for the lock. It serves at most one request per round trip (at the default 20 ms, 1 ÷ 20 ms = 50 requests/s).

**Goroutine per connection** is what Go's net/http does on its own: it serves each client connection on a goroutine of its own, which handles that connection's requests in turn. While one request sleeps, the runtime runs the others. The goroutines are not the limit; the database is. Each request holds one of the database's connections (database/sql's pool, capped with db.SetMaxOpenConns) for a whole round trip, so the server serves at most *connections ÷ round trip* requests a second (by default 16 ÷ 20 ms = 800/s). Beyond that, more clients only wait longer (in db.Conn) for a connection, and the speed-up over one at a time stops at about the number of connections. Give the database more connections and it grows again, until the CPU or the database itself is the limit.

**Bounded pool** hands every request to a pool of at most *workers* goroutines (a conc pool); the others wait, each on its connection's goroutine, for a worker. It bounds how many requests are worked on at once, and so the memory that work takes and the load it puts on what lies downstream; a waiting request costs only its goroutine and its connection. It is not the database's connection pool, which bounds only the requests holding a connection. With fewer workers than connections, the workers are the limit (by default 8 ÷ 20 ms = 400/s).

The table's **ceiling** is the number of requests that can hold a connection at once ÷ the round trip. It is an upper bound: the query, the template and HTTP take CPU time too. **Little's law** ties the measured numbers together: requests in flight on average = throughput × mean latency. One at a time, nearly every client is in flight, queued for the lock, while one request works; with a goroutine per connection they queue for a database connection instead. Either way, more clients than the server can work on at once only make the latency grow.`
)

// serverView is the blocking server panel: a real HTTP server over a real
// database, under a load generated here, in three scheduling modes.
type serverView struct {
	runs     runs
	streams  streams // the server lives as a stream: Esc, leaving the panel or closing the window stop it
	latency  *widget.Slider
	mode     *widget.Select
	workers  *boundedEntry
	dbConns  *boundedEntry
	clients  *boundedEntry
	requests *boundedEntry
	message  *widget.Label
	address  *widget.Label
	live     *widget.Label
	table    map[techniques.ServerMode][]*widget.Label // the mode's column: one cell per row of serverRows
	chart    *canvas.Image
	curves   map[techniques.ServerMode]plotter.XYs // completed requests over time, per mode; run goroutines only
	claims   *claims
	query    *boundedEntry
	response *widget.Label
	demo     *Demo

	// What this run measured, per mode, and the rows of the "modes" result.
	// Fyne goroutine only.
	measured map[techniques.ServerMode]modeResult
	rows     []map[string]any

	mu  sync.Mutex
	srv *techniques.Server // the running server, or nil
}

// serverRows name the rows of the panel's table; each mode is a column.
var serverRows = []string{"requests/s measured", "ceiling: on db ÷ trip", "Little: rate × mean", "p50 · p99", "most handled · on db"}

// serverSettings are the panel's controls, read once as a run starts.
type serverSettings struct {
	load     techniques.LoadConfig
	server   techniques.ServerConfig // without Mode
	selected techniques.ServerMode
}

// modeResult is what one mode's load measured.
type modeResult struct {
	cfg            techniques.ServerConfig
	load           techniques.LoadConfig
	stats          techniques.LoadStats
	most, mostOnDB int64
}

func serverPanel() *Demo { return newServerView().demo }

func newServerView() *serverView {
	v := &serverView{
		latency:  widget.NewSlider(5, 200),
		workers:  countEntry(8, 1, 512),
		dbConns:  countEntry(16, 1, 256),
		clients:  countEntry(64, 1, 512),
		requests: countEntry(2, 1, 1000),
		message:  wrapped(""),
		address:  widget.NewLabel("Server stopped: it starts with the first load or search."),
		live:     wrapped("Run sends the load above to the server in each of the three modes in turn, as Compare all three modes does."),
		table:    map[techniques.ServerMode][]*widget.Label{},
		chart:    newChart(320, 245),
		curves:   map[techniques.ServerMode]plotter.XYs{},
		query:    newBoundedEntry(techniques.MaxQuery),
		response: widget.NewLabel(""),
		measured: map[techniques.ServerMode]modeResult{},
	}
	v.message.Importance = widget.DangerImportance
	v.message.Hide()
	v.chart.Hide() // until a mode has a curve
	v.response.TextStyle.Monospace = true
	v.response.Wrapping = fyne.TextWrapBreak
	latencyLabel := widget.NewLabel("")
	v.latency.Step = 5
	v.latency.OnChanged = func(ms float64) {
		latencyLabel.SetText(fmt.Sprintf("Simulated database round trip: %.0f ms", ms))
	}
	v.latency.SetValue(20)
	modes := make([]string, len(techniques.ServerModes))
	for i, m := range techniques.ServerModes {
		modes[i] = string(m)
	}
	v.mode = widget.NewSelect(modes, nil)
	v.mode.SetSelected(string(techniques.PerConnection))
	v.query.SetPlaceHolder(`search, e.g. gopher — or try <script> or '; DROP TABLE items; --`)

	one := widget.NewButton("Run one mode:", func() { v.load(false) })
	compare := widget.NewButton("Compare all three modes", func() { v.demo.Run() })
	compare.Importance = widget.HighImportance
	cancel := widget.NewButton("Stop (Esc)", v.stop)
	search := widget.NewButton("Search", func() { v.search() })
	v.query.OnSubmitted = func(string) { v.search() }
	browse := widget.NewButton("Open in browser", v.openInBrowser)
	setRole(RoleCancel, cancel)
	setRole(RoleExternal, browse)
	v.runs.watch(func(c RunChange) { enable(!c.Busy, one, compare, search) })

	headers := []string{""}
	widest := make([]string, len(techniques.ServerModes))
	for i, m := range techniques.ServerModes {
		headers = append(headers, string(m))
		widest[i] = "999/s × 999ms = 99"
	}
	table := newResultTable(headers, serverRows, widest)
	for c, m := range techniques.ServerModes {
		for r := range serverRows {
			v.table[m] = append(v.table[m], table.rows[r][c])
		}
	}
	v.claims = newClaims(&v.runs,
		claim{Says: "A server that reads a database, fills a template and answers spends much of each request blocked on the database.",
			Pending: "Not measured yet: it needs the one-at-a-time mode."},
		claim{Says: "Designed concurrently, the server can run another request while one is blocked on the database.",
			Pending: "Not measured yet: it needs one at a time and goroutine per connection."},
		claim{Says: "Parallelism alone cannot scale such a server: a machine runs only so many tasks at once.",
			Pending: "Not measured yet: it needs one at a time and goroutine per connection."})

	small := func(o fyne.CanvasObject) fyne.CanvasObject { return sized(64, 36, o) }
	controls := container.NewVBox(
		container.NewBorder(nil, nil, latencyLabel, nil, v.latency),
		container.NewHBox(widget.NewLabel("Load:"), small(v.clients), widget.NewLabel("clients ×"), small(v.requests), widget.NewLabel("requests each")),
		container.NewHBox(widget.NewLabel("Database connections:"), small(v.dbConns),
			widget.NewLabel("   Bounded pool's workers:"), small(v.workers)),
		wrapped("The bounded pool lets at most its workers handle requests at once; the rest wait for a worker. The database's connections bound only the requests holding one."),
		container.NewHBox(compare, one, sized(210, 36, v.mode), cancel),
		v.message, v.live, table.Content)
	searchBox := container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, browse, v.address),
		bold("Hostile input: the query is an SQL parameter and escaped by html/template"),
		container.NewBorder(nil, nil, nil, search, v.query), v.response)
	// One column, the claims and the chart side by side under the table: a
	// column of their own beside it made the panel 930 wide, and the window
	// over 1024 (a projector's width) with the app's sidebar.
	content := container.NewVScroll(container.NewVBox(controls,
		container.NewGridWithColumns(2, v.claims.Content, container.NewVBox(zoomChart(v.chart))), searchBox))
	v.demo = newDemo(content, &v.runs, func() error { return v.load(true) }, v.loadBlocking)
	v.demo.streams = &v.streams
	return v
}

// stop cancels the load and stops the server, as Esc does.
func (v *serverView) stop() { v.demo.Cancel() }

// settings reads the controls.
func (v *serverView) settings() (serverSettings, error) {
	var st serverSettings
	fields := []struct {
		e      *boundedEntry
		what   string
		lo, hi int
		to     *int
	}{
		{v.dbConns, "the database's connections", 1, 256, &st.server.DBConns},
		{v.clients, "the number of clients", 1, 512, &st.load.Clients},
		{v.requests, "requests per client", 1, 1000, &st.load.Requests},
		{v.workers, "the pool's workers", 1, 512, &st.server.Workers},
	}
	for _, f := range fields {
		n, err := parseCount(f.e.Text, f.what, f.lo, f.hi)
		if err != nil {
			return st, err
		}
		*f.to = n
	}
	st.server.Latency = time.Duration(v.latency.Value) * time.Millisecond
	st.selected = techniques.ServerMode(v.mode.Selected)
	return st, nil
}

// server returns the running server, starting it as a stream if needed.
// Call it on a run's goroutine.
func (v *serverView) server() (*techniques.Server, error) {
	v.mu.Lock()
	s := v.srv
	v.mu.Unlock()
	if s != nil {
		return s, nil
	}
	type started struct {
		s   *techniques.Server
		err error
	}
	ready := make(chan started, 1)
	v.streams.Go(func(ctx context.Context) {
		s, err := techniques.StartServer()
		if err == nil {
			v.mu.Lock()
			v.srv = s
			v.mu.Unlock()
		}
		ready <- started{s, err}
		if err != nil {
			return
		}
		v.streams.do(func() { v.address.SetText("Serving " + s.URL + " (127.0.0.1 only)") })
		<-ctx.Done() // Esc, leaving the panel, closing the window
		v.mu.Lock()
		v.srv = nil
		v.mu.Unlock()
		s.Close() // waits for handlers, closes the database, frees the port
		v.streams.do(func() { v.address.SetText("Server stopped: the port is free and the database closed.") })
	})
	r := <-ready
	return r.s, r.err
}

// modesOf is every mode if all, else the selected one.
func modesOf(st serverSettings, all bool) []techniques.ServerMode {
	if all {
		return techniques.ServerModes
	}
	return []techniques.ServerMode{st.selected}
}

// begin shows bad settings, or clears the last run's numbers for a run of modes.
func (v *serverView) begin(modes []techniques.ServerMode, bad error) error {
	if err := showInputError(v.message, bad); err != nil {
		return err
	}
	for _, m := range techniques.ServerModes {
		text := "—"
		if slices.Contains(modes, m) {
			text = "…"
		}
		for _, c := range v.table[m] {
			c.SetText(text)
		}
	}
	clear(v.measured)
	v.rows = nil
	v.claims.reset()
	v.chart.Image = image.NewNRGBA(image.Rect(0, 0, 1, 1))
	v.chart.Hide() // until a mode has a curve: an empty chart is a dark box
	return nil
}

// measure runs the load against each mode in turn, on the calling
// goroutine, and hands each mode's result to show. progress, if not nil,
// gets a status line about ten times a second.
func (v *serverView) measure(ctx context.Context, st serverSettings, modes []techniques.ServerMode,
	progress func(string), show func(modeResult, image.Image)) error {
	s, err := v.server()
	if err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	st.load.URL = s.URL
	clear(v.curves)
	for _, m := range modes {
		cfg := st.server
		cfg.Mode = m
		s.SetConfig(cfg)
		curve := plotter.XYs{{X: 0, Y: 0}}
		var report func(techniques.LoadStats)
		if progress != nil {
			report = func(ls techniques.LoadStats) {
				curve = append(curve, plotter.XY{X: ls.Elapsed.Seconds(), Y: float64(ls.Done)})
				progress(fmt.Sprintf("%s: %d of %d done · %.0f requests/s · p50 %v · %d being handled · %d on the database · %d goroutines in the app",
					m, ls.Done, st.load.Clients*st.load.Requests, ls.PerSecond, ls.P50.Round(time.Millisecond),
					s.InFlight(), s.OnDB(), runtime.NumGoroutine()))
			}
		}
		ls, err := techniques.Load(ctx, st.load, report)
		if err != nil {
			return err
		}
		if progress == nil {
			curve = append(curve, plotter.XY{X: ls.Elapsed.Seconds(), Y: float64(ls.Done)})
		}
		v.curves[m] = curve
		show(modeResult{cfg: cfg, load: st.load, stats: ls, most: s.MaxInFlight(), mostOnDB: s.MaxOnDB()},
			throughputChart(v.curves))
	}
	return nil
}

// load runs the load off the Fyne goroutine: every mode, or the selected one.
func (v *serverView) load(all bool) error {
	st, bad := v.settings()
	modes := modesOf(st, all)
	return v.runs.start(func() error { return v.begin(modes, bad) }, func(ctx context.Context) error {
		return v.measure(ctx, st, modes,
			func(text string) { v.streams.do(func() { v.live.SetText(text) }) },
			func(r modeResult, chart image.Image) { v.streams.do(func() { v.show(r, chart) }) })
	}, v.ended)
}

// ended says, where the results would have been, how a load that did not
// finish ended: the live line no longer reads like a load still going, and
// no cell keeps its "…". The modes that finished keep their numbers. Fyne
// goroutine, after the run's last update.
func (v *serverView) ended(err error) {
	if err == nil {
		return
	}
	// Esc also stops the server, whose stream writes the address line: under
	// the test driver both would run at once, as streams.do explains. In the
	// app the lock is free at once: its holders only queue a fyne.Do.
	v.streams.ui.Lock()
	defer v.streams.ui.Unlock()
	var cut, skipped []string
	for _, m := range techniques.ServerModes {
		cells := v.table[m]
		if cells[0].Text != "…" {
			continue
		}
		word := "not run"
		if len(cut) == 0 {
			cut = append(cut, string(m))
			word = "cancelled"
			if !errors.Is(err, context.Canceled) {
				word = "failed"
			}
		} else {
			skipped = append(skipped, string(m))
		}
		cells[0].SetText(word)
		for _, c := range cells[1:] {
			c.SetText("—")
		}
	}
	text := "Stopped by an error: " + err.Error() + "."
	if errors.Is(err, context.Canceled) {
		text = "Cancelled before any load ran."
		if len(cut) > 0 {
			text = "Cancelled during the " + cut[0] + " load: a load cut short measures nothing, so its column shows no numbers."
		}
	}
	if len(skipped) > 0 {
		text += " Not run: " + strings.Join(skipped, ", ") + "."
	}
	if len(v.measured) > 0 {
		text += " The columns with numbers are of loads that finished."
	}
	v.live.SetText(text)
}

// loadBlocking does what Run does, every mode in turn, on the UI goroutine:
// the window is frozen until the last mode's load is done.
func (v *serverView) loadBlocking() error {
	st, bad := v.settings()
	modes := modesOf(st, true)
	return v.runs.block(func() error { return v.begin(modes, bad) }, func(ctx context.Context) error {
		err := v.measure(ctx, st, modes, nil, v.show)
		if err == nil {
			v.live.SetText("The load ran on the UI goroutine: the window was frozen throughout. " + v.live.Text)
		}
		return err
	}, v.ended)
}

// show fills in one mode's column, its results and the chart, and judges
// the article's claims on what this run has measured so far. Fyne goroutine.
func (v *serverView) show(r modeResult, chart image.Image) {
	m, ls, clients := r.cfg.Mode, r.stats, r.load.Clients
	onDB, ceiling := r.cfg.Ceiling(clients)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	cells := v.table[m]
	measured := fmt.Sprintf("%.0f", ls.PerSecond)
	if ls.Errors > 0 {
		measured += fmt.Sprintf(" (%d failed)", ls.Errors)
	}
	cells[0].SetText(measured)
	cells[1].SetText(fmt.Sprintf("%d ÷ %v = %.0f/s", onDB, r.cfg.Latency, ceiling))
	cells[2].SetText(fmt.Sprintf("%.0f/s × %v = %.0f", ls.PerSecond, roundMs(ls.Mean), ls.InFlight()))
	cells[3].SetText(fmt.Sprintf("%v · %v", roundMs(ls.P50), roundMs(ls.P99)))
	cells[4].SetText(fmt.Sprintf("%d · %d", r.most, r.mostOnDB))
	v.chart.Image = chart
	v.chart.Show()
	v.chart.Refresh()

	v.measured[m] = r
	v.rows = append(v.rows, map[string]any{
		"name": string(m), "clients": clients, "requests_per_client": r.load.Requests,
		"requests_per_s": ls.PerSecond, "p50_ms": ms(ls.P50), "p95_ms": ms(ls.P95), "p99_ms": ms(ls.P99), "mean_ms": ms(ls.Mean),
		"errors": ls.Errors, "most_in_flight": r.most, "most_on_database": r.mostOnDB,
		"ceiling_per_s": ceiling, "mean_in_flight": ls.InFlight(),
	})
	v.runs.setResult("modes", slices.Clone(v.rows))
	v.runs.setResult("db_conns", r.cfg.DBConns)
	v.runs.setResult("latency_ms", ms(r.cfg.Latency))
	v.runs.setResult("db_limit_per_s", float64(r.cfg.DBConns)/r.cfg.Latency.Seconds())
	v.runs.setResult("clients", clients)
	v.runs.setResult("requests_per_client", r.load.Requests)
	if m == techniques.BoundedPool {
		v.runs.setResult("pool_workers", r.cfg.Workers)
	}
	v.live.SetText(v.summary(r))
	v.judge()
}

// roundMs rounds d to a millisecond, or to 10 ms from a second on, so
// that it fits a cell of the table.
func roundMs(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// ratio gives a ratio to the digits worth reading: 12×, 1.5×.
func ratio(x float64) string {
	if x >= 10 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

// summary is the status line once a mode's load is done.
func (v *serverView) summary(r modeResult) string {
	db := fmt.Sprintf("the database allows at most %d connections ÷ %v = %.0f requests/s",
		r.cfg.DBConns, r.cfg.Latency, float64(r.cfg.DBConns)/r.cfg.Latency.Seconds())
	serial, ok1 := v.measured[techniques.OneRequestAtATime]
	conc, ok2 := v.measured[techniques.PerConnection]
	if !ok1 || !ok2 {
		return fmt.Sprintf("%s: %.0f requests/s; %s.", r.cfg.Mode, r.stats.PerSecond, db)
	}
	return fmt.Sprintf("Goroutine per connection served %s× as many requests a second as one at a time (%.0f against %.0f/s); %s.",
		ratio(conc.stats.PerSecond/serial.stats.PerSecond), conc.stats.PerSecond, serial.stats.PerSecond, db)
}

// judge gives the article's claims the verdicts this run's numbers allow.
func (v *serverView) judge() {
	serial, ok1 := v.measured[techniques.OneRequestAtATime]
	conc, ok2 := v.measured[techniques.PerConnection]
	if ok1 && serial.stats.PerSecond > 0 {
		// One at a time, the server works on one request after another: each
		// took 1 ÷ throughput of its time, the lock's queue aside.
		lat, each := serial.cfg.Latency.Seconds(), 1/serial.stats.PerSecond
		share := lat / each
		because := fmt.Sprintf("One at a time, each request held the server %.1f ms (1 ÷ %s/s), %.0f ms of it (%.0f%%) in the simulated wait on the database, whose share the slider sets.",
			1000*each, average(serial.stats.PerSecond), 1000*lat, 100*share)
		verdict := holds
		if share < 0.5 {
			verdict = wrong
		}
		v.claims.judge(0, verdict, because)
	}
	if !ok1 || !ok2 || serial.stats.PerSecond <= 0 {
		return
	}
	speedup := conc.stats.PerSecond / serial.stats.PerSecond
	onDB, ceiling := conc.cfg.Ceiling(conc.load.Clients)
	because := fmt.Sprintf("A goroutine per connection served %.0f/s, %s× one at a time's %.0f/s, with up to %d requests being handled at once and %d on the database.",
		conc.stats.PerSecond, ratio(speedup), serial.stats.PerSecond, conc.most, conc.mostOnDB)
	verdict := holds
	switch {
	case speedup < 1.5:
		verdict = wrong
	case conc.load.Clients > conc.cfg.DBConns:
		because = fmt.Sprintf("Up to the database's limit (%d connections ÷ %v = %.0f/s). ", onDB, conc.cfg.Latency, ceiling) + because +
			" The rest waited for a connection."
	}
	v.claims.judge(1, verdict, because)

	cpus := runtime.GOMAXPROCS(0)
	parallel := float64(cpus) * serial.stats.PerSecond
	v.runs.setResult("gomaxprocs", cpus)
	v.runs.setResult("speedup_per_connection_over_one_at_a_time", speedup)
	// The rate to three figures, as in 1 ÷ rate above: 2 × 41 = 83 would read as a slip.
	because = fmt.Sprintf("If each of the %d cores served one request at a time, they would manage about %d × %s = %.0f/s (an estimate: not run here); overlapping the waits on those %d cores served %.0f/s.",
		cpus, cpus, average(serial.stats.PerSecond), parallel, cpus, conc.stats.PerSecond)
	verdict = holds
	if conc.stats.PerSecond < 1.5*parallel {
		verdict = wrong
	}
	v.claims.judge(2, verdict, because)
}

// search sends the query to the server and shows the raw HTML it returns.
func (v *serverView) search() error {
	q := v.query.Text
	return v.runs.start(nil, func(ctx context.Context) error {
		s, err := v.server()
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"?q="+url.QueryEscape(q), nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		text := fmt.Sprintf("HTTP %d\n%s", resp.StatusCode, strings.TrimSpace(string(body)))
		v.streams.do(func() { v.response.SetText(text) })
		return err
	}, nil)
}

func (v *serverView) openInBrowser() {
	v.mu.Lock()
	s := v.srv
	v.mu.Unlock()
	if s == nil {
		v.message.SetText("The server is not running: run a load or a search first.")
		v.message.Show()
		return
	}
	if u, err := url.Parse(s.URL); err == nil {
		if err := fyne.CurrentApp().OpenURL(u); err != nil {
			v.message.SetText("Could not open a browser: " + err.Error())
			v.message.Show()
		}
	}
}

// throughputChart plots completed requests over time for each mode run.
func throughputChart(curves map[techniques.ServerMode]plotter.XYs) image.Image {
	p := plot.New()
	p.Title.Text = "Requests completed over time"
	p.X.Label.Text = "seconds"
	p.Y.Label.Text = "requests"
	// Every curve climbs from the bottom left, the slowest mode's least
	// steeply: the bottom right stays free for the legend.
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(4), vg.Points(4)
	p.X.Min, p.Y.Min = 0, 0
	var most float64
	for i, m := range techniques.ServerModes {
		xy := curves[m]
		if len(xy) == 0 {
			continue
		}
		for _, pt := range xy {
			most = max(most, pt.Y)
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			continue
		}
		line.Color = chartColors[i]
		line.Width = 2
		p.Add(line)
		p.Legend.Add(string(m), line)
	}
	p.Y.Max = max(most*1.08, 1) // room above the last request: a line along the top edge is half hidden
	// The window shows the chart at about 260 points wide, smaller than
	// drawn: gonum's 10-point ticks would read as 8.
	p.Title.TextStyle.Font.Size = vg.Points(15)
	for _, s := range []*text.Style{&p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		s.Font.Size = vg.Points(14)
	}
	return renderPlot(p, 300, 230)
}

package views

import (
	"context"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"concurrencylab/techniques"
)

// serverIntro and serverAbout are the panel's texts: a sentence or two above the
// tabs, and the About tab, in Markdown.
const (
	serverIntro = "A server reads a database, fills a template and answers. Most of each request is spent waiting on the database."

	serverAbout = `A request handler that queries a database spends most of its life **blocked**: the CPU is idle while the query travels and the database answers.

A server that handles one request at a time wastes all that waiting. A server that starts a goroutine per request lets the Go runtime run other requests while one is blocked, so throughput grows with the number of clients until some other limit (the database, the CPU, a pool) is reached.

Little's law ties the numbers together: requests in flight = throughput × latency.`
)

// serverView is the blocking server panel: a real HTTP server over a real
// database, under a load generated here, in three scheduling modes.
type serverView struct {
	runs     runs
	streams  streams // the server lives as a stream: Esc, leaving the panel or closing the window stop it
	latency  *widget.Slider
	mode     *widget.RadioGroup
	poolSize *widget.Entry
	clients  *widget.Entry
	requests *widget.Entry
	message  *widget.Label
	address  *widget.Label
	live     *widget.Label
	table    map[techniques.ServerMode][5]*widget.Label
	chart    *canvas.Image
	curves   map[techniques.ServerMode]plotter.XYs // completed requests over time, per mode; run goroutines only
	query    *widget.Entry
	response *widget.Label
	demo     *Demo

	mu  sync.Mutex
	srv *techniques.Server // the running server, or nil
}

func serverPanel() *Demo { return newServerView().demo }

func newServerView() *serverView {
	v := &serverView{
		latency:  widget.NewSlider(0, 200),
		poolSize: countEntry(8, 1, 512),
		clients:  countEntry(16, 1, 512),
		requests: countEntry(4, 1, 1000),
		message:  wrapped(""),
		address:  widget.NewLabel("Server stopped: it starts with the first load or search."),
		live:     wrapped(""),
		table:    map[techniques.ServerMode][5]*widget.Label{},
		chart:    newChart(280, 220),
		curves:   map[techniques.ServerMode]plotter.XYs{},
		query:    widget.NewEntry(),
		response: widget.NewLabel(""),
	}
	v.message.Importance = widget.DangerImportance
	v.response.TextStyle.Monospace = true
	v.response.Wrapping = fyne.TextWrapBreak
	latencyLabel := widget.NewLabel("")
	v.latency.Step = 5
	v.latency.OnChanged = func(ms float64) {
		latencyLabel.SetText(fmt.Sprintf("Database round trip: %.0f ms (simulated network latency)", ms))
	}
	v.latency.SetValue(50)
	modes := make([]string, len(techniques.ServerModes))
	for i, m := range techniques.ServerModes {
		modes[i] = string(m)
	}
	v.mode = widget.NewRadioGroup(modes, nil)
	v.mode.Horizontal = true
	v.mode.SetSelected(string(techniques.PerRequest))
	v.query.SetPlaceHolder(`search, e.g. gopher — or try <script> or '; DROP TABLE items; --`)

	load := widget.NewButton("Run the load", func() { v.load(nil) })
	compare := widget.NewButton("Compare all three modes", func() { v.load(techniques.ServerModes) })
	compare.Importance = widget.HighImportance
	cancel := widget.NewButton("Stop (Esc)", v.stop)
	search := widget.NewButton("Search", func() { v.search() })
	v.query.OnSubmitted = func(string) { v.search() }
	browse := widget.NewButton("Open in browser", v.openInBrowser)
	v.runs.onBusy(func(busy bool) { enable(!busy, load, compare, search) })

	var names []string
	for _, m := range techniques.ServerModes {
		names = append(names, string(m))
	}
	table := newResultTable([]string{"mode", "requests/s", "p50 · p95 · p99", "most in flight", "Little's law expects", "errors"}, names,
		[]string{"99999", "999ms · 999ms · 999ms", "512", "512 ÷ 999ms = 99999/s", "99999"})
	for i, m := range techniques.ServerModes {
		v.table[m] = [5]*widget.Label(table.rows[i])
	}
	controls := container.NewVBox(
		container.NewBorder(nil, nil, nil, browse, v.address),
		container.NewBorder(nil, nil, latencyLabel, nil, v.latency),
		container.NewHBox(v.mode, widget.NewLabel("pool size:"), container.NewGridWrap(fyne.NewSize(70, 36), v.poolSize)),
		container.NewHBox(widget.NewLabel("Load: clients (1–512)"), container.NewGridWrap(fyne.NewSize(70, 36), v.clients),
			widget.NewLabel("× requests each (1–1000)"), container.NewGridWrap(fyne.NewSize(70, 36), v.requests)),
		container.NewHBox(load, compare, cancel),
		v.message, v.live, table.Content)
	searchBox := container.NewVBox(widget.NewSeparator(), bold("Hostile input: the query is an SQL parameter and escaped by html/template"),
		container.NewBorder(nil, nil, nil, search, v.query), v.response)
	left := container.NewVScroll(container.NewVBox(controls, searchBox))
	split := container.NewHSplit(left, v.chart)
	split.Offset = 0.66
	v.demo = newDemo(split, &v.runs,
		func() error { return v.load([]techniques.ServerMode{techniques.OneAtATime, techniques.PerRequest}) },
		v.loadBlocking)
	v.demo.streams = &v.streams
	return v
}

// stop cancels the load and stops the server, as Esc does.
func (v *serverView) stop() { v.demo.Cancel() }

// settings reads the controls; a bad value is shown and nothing starts.
func (v *serverView) settings() (techniques.LoadConfig, int, time.Duration, error) {
	clients, err := parseCount(v.clients.Text, "the number of clients", 1, 512)
	var requests, pool int
	if err == nil {
		requests, err = parseCount(v.requests.Text, "requests per client", 1, 1000)
	}
	if err == nil {
		pool, err = parseCount(v.poolSize.Text, "the pool size", 1, 512)
	}
	if err != nil {
		v.message.SetText(err.Error())
		return techniques.LoadConfig{}, 0, 0, err
	}
	v.message.SetText("")
	return techniques.LoadConfig{Clients: clients, Requests: requests}, pool, time.Duration(v.latency.Value) * time.Millisecond, nil
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

// load runs the load against each of modes in turn, or the selected mode.
func (v *serverView) load(modes []techniques.ServerMode) error {
	if err := v.runs.refused(); err != nil {
		return err
	}
	cfg, pool, latency, err := v.settings()
	if err != nil {
		return err
	}
	if modes == nil {
		modes = []techniques.ServerMode{techniques.ServerMode(v.mode.Selected)}
	}
	for _, m := range modes {
		for _, c := range v.table[m] {
			c.SetText("…")
		}
	}
	return v.runs.start(func(ctx context.Context) error {
		s, err := v.server()
		if err != nil {
			return fmt.Errorf("starting the server: %w", err)
		}
		cfg.URL = s.URL
		for _, m := range modes {
			s.SetMode(m, pool, latency)
			curve := plotter.XYs{{X: 0, Y: 0}}
			st, err := techniques.Load(ctx, cfg, func(st techniques.LoadStats) {
				curve = append(curve, plotter.XY{X: st.Elapsed.Seconds(), Y: float64(st.Done)})
				text := fmt.Sprintf("%s: %d of %d done · %.0f requests/s · p50 %v · p99 %v · %d in flight · %d goroutines",
					m, st.Done, cfg.Clients*cfg.Requests, st.PerSecond, st.P50.Round(time.Millisecond), st.P99.Round(time.Millisecond),
					s.InFlight(), runtime.NumGoroutine())
				v.streams.do(func() { v.live.SetText(text) })
			})
			if err != nil {
				return err
			}
			most := s.MaxInFlight()
			v.curves[m] = curve
			chart := throughputChart(v.curves) // rendered here, not on the Fyne goroutine
			v.streams.do(func() {
				v.showRow(m, st, most, cfg.Clients)
				v.chart.Image = chart
				v.chart.Refresh()
			})
		}
		return nil
	}, nil)
}

func (v *serverView) showRow(m techniques.ServerMode, st techniques.LoadStats, most int64, clients int) {
	cells := v.table[m]
	cells[0].SetText(fmt.Sprintf("%.0f", st.PerSecond))
	cells[1].SetText(fmt.Sprintf("%v · %v · %v", st.P50.Round(time.Millisecond), st.P95.Round(time.Millisecond), st.P99.Round(time.Millisecond)))
	cells[2].SetText(fmt.Sprint(most))
	cells[3].SetText(fmt.Sprintf("%d ÷ %v = %.0f/s", clients, st.Mean.Round(time.Millisecond), st.Little(clients)))
	cells[4].SetText(fmt.Sprint(st.Errors))
}

// loadBlocking generates the load on the UI goroutine, against the selected mode.
func (v *serverView) loadBlocking() error {
	cfg, pool, latency, err := v.settings()
	if err != nil {
		return err
	}
	m := techniques.ServerMode(v.mode.Selected)
	return v.runs.block(func(ctx context.Context) error {
		s, err := v.server()
		if err != nil {
			return err
		}
		cfg.URL = s.URL
		s.SetMode(m, pool, latency)
		st, err := techniques.Load(ctx, cfg, nil)
		v.showRow(m, st, s.MaxInFlight(), cfg.Clients)
		v.live.SetText("The load ran on the UI goroutine: the window was frozen throughout.")
		return err
	}, nil)
}

// search sends the query to the server and shows the raw HTML it returns.
func (v *serverView) search() error {
	q := v.query.Text
	return v.runs.start(func(ctx context.Context) error {
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
		return
	}
	if u, err := url.Parse(s.URL); err == nil {
		if err := fyne.CurrentApp().OpenURL(u); err != nil {
			v.message.SetText("Could not open a browser: " + err.Error())
		}
	}
}

// throughputChart plots completed requests over time for each mode run.
func throughputChart(curves map[techniques.ServerMode]plotter.XYs) image.Image {
	p := plot.New()
	p.Title.Text = "Requests completed over time"
	p.X.Label.Text = "seconds"
	p.Y.Label.Text = "requests"
	p.Legend.Top = true
	p.Legend.Left = true
	for i, m := range techniques.ServerModes {
		xy := curves[m]
		if len(xy) == 0 {
			continue
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
	return renderPlot(p, 300, 230)
}

package techniques

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/trace"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/conc/pool"
	_ "modernc.org/sqlite" // the database/sql driver "sqlite": pure Go, no server to start
)

// ServerMode is how the server schedules its requests.
type ServerMode string

// The server modes.
const (
	OneAtATime  ServerMode = "one at a time"         // a lock around every request: the blocking server
	PerRequest  ServerMode = "goroutine per request" // Go's default: net/http serves each connection on its own goroutine
	BoundedPool ServerMode = "bounded pool"          // at most PoolSize requests at once, on a conc pool
)

// ServerModes lists the modes in the order the panel shows them.
var ServerModes = []ServerMode{OneAtATime, PerRequest, BoundedPool}

// SeedRows is how many rows the database is created with.
const SeedRows = 5000

// MaxQuery caps the search text a request may carry.
const MaxQuery = 200

var page = template.Must(template.New("page").Parse(`<!doctype html>
<title>Items matching {{.Query}}</title>
<h1>Items matching “{{.Query}}”</h1>
<ul>{{range .Items}}<li>#{{.ID}} {{.Name}}: {{printf "%.2f" .Price}}</li>{{end}}</ul>
`))

type item struct {
	ID    int
	Name  string
	Price float64
}

// Server is a real HTTP server on 127.0.0.1 over a real SQLite database.
// Each request waits a simulated network latency to the database, queries
// it, fills an html/template and answers. Its methods are safe for
// concurrent use.
type Server struct {
	URL string // http://127.0.0.1:PORT/

	dir  string
	db   *sql.DB
	srv  *http.Server
	done chan struct{} // closed when Serve has returned

	mu      sync.Mutex
	mode    ServerMode
	latency time.Duration
	pool    *pool.Pool
	serial  sync.Mutex

	inFlight    atomic.Int64
	maxInFlight atomic.Int64
}

// StartServer creates and seeds the database in a new temporary directory,
// listens on an OS-chosen port of 127.0.0.1 — never beyond this machine —
// and serves until Close.
func StartServer() (*Server, error) {
	dir, err := os.MkdirTemp("", "concurrency-lab-db-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, mode: PerRequest, done: make(chan struct{})}
	fail := func(err error) (*Server, error) {
		if s.db != nil {
			s.db.Close()
		}
		os.RemoveAll(dir)
		return nil, err
	}
	if s.db, err = sql.Open("sqlite", filepath.Join(dir, "shop.db")); err != nil {
		return fail(err)
	}
	s.db.SetMaxOpenConns(16)
	if err := seed(s.db); err != nil {
		return fail(fmt.Errorf("seeding the database: %w", err))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	s.URL = "http://" + ln.Addr().String() + "/"
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		defer close(s.done)
		s.srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return s, nil
}

func seed(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL NOT NULL)`); err != nil {
		return err
	}
	adjectives := []string{"red", "quick", "quiet", "shiny", "tiny", "giant", "lazy", "brave"}
	nouns := []string{"gopher", "thread", "mutex", "channel", "future", "lock", "stream", "server"}
	stmt, err := tx.Prepare(`INSERT INTO items (name, price) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := range SeedRows {
		name := fmt.Sprintf("%s %s %d", adjectives[i%len(adjectives)], nouns[(i/len(adjectives))%len(nouns)], i)
		if _, err := stmt.Exec(name, float64(i%997)/10+1); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// SetMode changes how requests are scheduled, and the simulated database
// latency. A new bounded pool is made for each call; the old one is waited
// for here, so call SetMode between loads, off the UI goroutine.
func (s *Server) SetMode(mode ServerMode, poolSize int, latency time.Duration) {
	s.mu.Lock()
	old := s.pool
	s.mode, s.latency = mode, latency
	s.pool = nil
	if mode == BoundedPool {
		s.pool = pool.New().WithMaxGoroutines(max(poolSize, 1))
	}
	s.mu.Unlock()
	if old != nil {
		old.Wait()
	}
	s.maxInFlight.Store(0)
}

// MaxInFlight is the most requests handled at once since the last SetMode.
func (s *Server) MaxInFlight() int64 { return s.maxInFlight.Load() }

// InFlight is how many requests are being handled now.
func (s *Server) InFlight() int64 { return s.inFlight.Load() }

// ServeHTTP schedules the request according to the mode.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	mode, latency, p := s.mode, s.latency, s.pool
	s.mu.Unlock()
	switch mode {
	case OneAtATime:
		s.serial.Lock() // every other request waits here, however idle the CPU is
		defer s.serial.Unlock()
		s.handle(w, r, latency)
	case BoundedPool:
		done := make(chan struct{})
		p.Go(func() { // blocks while the pool is full: the request queues
			defer close(done)
			s.handle(w, r, latency)
		})
		<-done
	default:
		s.handle(w, r, latency)
	}
}

// ServerRegion names the trace region of every request handled, so that
// the X-ray can find the handlers: net/http starts their goroutines.
const ServerRegion = "server"

// handle reads the database, fills the template and responds.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, latency time.Duration) {
	defer trace.StartRegion(r.Context(), ServerRegion).End()
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for m := s.maxInFlight.Load(); n > m && !s.maxInFlight.CompareAndSwap(m, n); m = s.maxInFlight.Load() {
	}

	q := r.URL.Query().Get("q")
	if len([]rune(q)) > MaxQuery {
		http.Error(w, fmt.Sprintf("the search text is over %d characters", MaxQuery), http.StatusRequestEntityTooLarge)
		return
	}
	// The simulated network round trip to the database: this is the
	// blocking the article talks about. The goroutine sleeps; the CPU is free.
	if !sleepCtx(r.Context(), latency) {
		return
	}
	// The search text is a parameter, never part of the SQL string.
	rows, err := s.db.QueryContext(r.Context(), `SELECT id, name, price FROM items WHERE name LIKE ? ORDER BY id LIMIT 10`, "%"+q+"%")
	if err != nil {
		http.Error(w, "database error: "+err.Error(), http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.ID, &it.Name, &it.Price); err != nil {
			http.Error(w, "database error: "+err.Error(), http.StatusInternalServerError)
			return
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		http.Error(w, "database error: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// html/template escapes the query: <script> arrives as &lt;script&gt;.
	page.Execute(w, struct {
		Query string
		Items []item
	}{q, items})
}

// Close stops the server, waits for it, closes the database and removes it.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	s.SetMode(PerRequest, 0, 0) // waits for the pool's workers
	return errors.Join(err, s.db.Close(), os.RemoveAll(s.dir))
}

// LoadConfig describes a load: Clients goroutines, each sending Requests
// requests one after another.
type LoadConfig struct {
	URL      string
	Clients  int
	Requests int
}

// LoadStats summarises a load so far.
type LoadStats struct {
	Done, Errors  int
	Elapsed       time.Duration
	PerSecond     float64
	Mean          time.Duration
	P50, P95, P99 time.Duration
}

// Little is what Little's law expects the throughput of a load to be: the
// number of requests kept in flight divided by the mean latency.
func (l LoadStats) Little(clients int) float64 {
	if l.Mean <= 0 {
		return 0
	}
	return float64(clients) / l.Mean.Seconds()
}

// Load runs the load against cfg.URL over loopback and returns its
// statistics. progress (never called concurrently) gets the statistics so
// far about ten times a second. A cancelled ctx stops the clients.
func Load(ctx context.Context, cfg LoadConfig, progress func(LoadStats)) (LoadStats, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: cfg.Clients, MaxConnsPerHost: cfg.Clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}

	var mu sync.Mutex
	var latencies []time.Duration
	var errs int
	start := time.Now()
	stats := func() LoadStats {
		mu.Lock()
		defer mu.Unlock()
		return Summarize(latencies, errs, time.Since(start))
	}

	stop := make(chan struct{})
	var ticker sync.WaitGroup
	if progress != nil {
		ticker.Go(func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					progress(stats())
				case <-stop:
					return
				}
			}
		})
	}
	var wg sync.WaitGroup
	for range cfg.Clients {
		wg.Go(func() {
			for range cfg.Requests {
				if ctx.Err() != nil {
					return
				}
				began := time.Now()
				err := get(ctx, client, cfg.URL)
				took := time.Since(began)
				mu.Lock()
				if err != nil {
					errs++
				} else {
					latencies = append(latencies, took)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(stop)
	ticker.Wait()
	final := stats()
	if progress != nil {
		progress(final)
	}
	return final, ctx.Err()
}

func get(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// Summarize computes the statistics of a set of latencies.
func Summarize(latencies []time.Duration, errs int, elapsed time.Duration) LoadStats {
	st := LoadStats{Done: len(latencies), Errors: errs, Elapsed: elapsed}
	if len(latencies) == 0 {
		return st
	}
	sorted := slices.Clone(latencies)
	slices.Sort(sorted)
	var sum time.Duration
	for _, l := range sorted {
		sum += l
	}
	st.Mean = sum / time.Duration(len(sorted))
	pct := func(p float64) time.Duration { return sorted[min(int(p*float64(len(sorted))), len(sorted)-1)] }
	st.P50, st.P95, st.P99 = pct(0.50), pct(0.95), pct(0.99)
	if elapsed > 0 {
		st.PerSecond = float64(len(sorted)) / elapsed.Seconds()
	}
	return st
}

package techniques

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/trace"
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
	// OneRequestAtATime holds a lock around every request: the blocking server.
	OneRequestAtATime ServerMode = "one at a time"
	// PerConnection is what net/http does on its own: one goroutine per
	// connection, which serves that connection's requests in turn.
	PerConnection ServerMode = "goroutine per connection"
	// BoundedPool hands each request to a pool of at most Workers goroutines.
	BoundedPool ServerMode = "bounded pool"
)

// ServerModes lists the modes in the order the panel shows them.
var ServerModes = []ServerMode{OneRequestAtATime, PerConnection, BoundedPool}

// ServerConfig is how the server handles requests.
type ServerConfig struct {
	Mode ServerMode
	// Workers is the bounded pool's size: how many requests it lets be
	// handled at once. Only BoundedPool uses it.
	Workers int
	// DBConns is the database's connection pool (db.SetMaxOpenConns): how
	// many requests can hold a connection at once, in every mode.
	DBConns int
	// Latency is the simulated network round trip to the database. A
	// request makes it while holding a connection, as a real client does.
	Latency time.Duration
}

// Ceiling is the most requests a second this configuration can serve to
// clients clients, and the number of requests on the database at once
// that implies: every request holds a connection for at least Latency, so
// n requests at once finish at most n ÷ Latency a second. It ignores the
// CPU time of the query, the template and HTTP, so real throughput is
// lower. perSecond is 0 when there is no latency to divide by.
func (c ServerConfig) Ceiling(clients int) (onDB int, perSecond float64) {
	onDB = min(clients, max(c.DBConns, 1))
	switch c.Mode {
	case OneRequestAtATime:
		onDB = 1 // the lock lets one request in at a time
	case BoundedPool:
		onDB = min(onDB, max(c.Workers, 1))
	}
	if c.Latency > 0 {
		perSecond = float64(onDB) / c.Latency.Seconds()
	}
	return onDB, perSecond
}

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
// Each request borrows a database connection, waits a simulated network
// round trip while holding it, queries, gives the connection back, fills an
// html/template and answers. Its methods are safe for concurrent use.
type Server struct {
	URL string // http://127.0.0.1:PORT/

	dir  string
	db   *sql.DB
	srv  *http.Server
	done chan struct{} // closed when Serve has returned

	mu     sync.Mutex
	cfg    ServerConfig
	pool   *pool.Pool
	serial sync.Mutex

	inFlight, maxInFlight atomic.Int64 // requests being handled
	onDB, maxOnDB         atomic.Int64 // requests holding a database connection
}

// StartServer creates and seeds the database in a new temporary directory,
// listens on an OS-chosen port of 127.0.0.1 — never beyond this machine —
// and serves until Close, one goroutine per connection, with 16 database
// connections and no latency until SetConfig.
func StartServer() (*Server, error) {
	dir, err := os.MkdirTemp("", "concurrency-lab-db-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, done: make(chan struct{})}
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
	if err := seed(s.db); err != nil {
		return fail(fmt.Errorf("seeding the database: %w", err))
	}
	s.SetConfig(ServerConfig{Mode: PerConnection, DBConns: 16})
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

// SetConfig changes how requests are handled. A new bounded pool is made
// for each call; the old one is waited for here, so call SetConfig between
// loads, off the UI goroutine. It also resets MaxInFlight and MaxOnDB.
func (s *Server) SetConfig(cfg ServerConfig) {
	cfg.DBConns = max(cfg.DBConns, 1)
	// The database's connection pool: a request that finds every connection
	// lent out waits in db.Conn until one is given back. Keep them all open
	// between requests (the default keeps 2), as a server's pool would.
	s.db.SetMaxOpenConns(cfg.DBConns)
	s.db.SetMaxIdleConns(cfg.DBConns)
	s.mu.Lock()
	old := s.pool
	s.cfg = cfg
	s.pool = nil
	if cfg.Mode == BoundedPool {
		s.pool = pool.New().WithMaxGoroutines(max(cfg.Workers, 1))
	}
	s.mu.Unlock()
	if old != nil {
		old.Wait()
	}
	s.maxInFlight.Store(0)
	s.maxOnDB.Store(0)
}

// MaxInFlight is the most requests handled at once since the last SetConfig.
func (s *Server) MaxInFlight() int64 { return s.maxInFlight.Load() }

// InFlight is how many requests are being handled now.
func (s *Server) InFlight() int64 { return s.inFlight.Load() }

// MaxOnDB is the most requests that held a database connection at once
// since the last SetConfig: never more than DBConns.
func (s *Server) MaxOnDB() int64 { return s.maxOnDB.Load() }

// OnDB is how many requests hold a database connection now.
func (s *Server) OnDB() int64 { return s.onDB.Load() }

// enter counts one more in n and raises most to n's new value if higher;
// the returned func counts it out.
func enter(n, most *atomic.Int64) (leave func()) {
	now := n.Add(1)
	for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
	}
	return func() { n.Add(-1) }
}

// ServeHTTP schedules the request according to the mode. net/http calls it
// on the goroutine it started for the request's connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	cfg, p := s.cfg, s.pool
	s.mu.Unlock()
	switch cfg.Mode {
	case OneRequestAtATime:
		s.serial.Lock() // every other request waits here, however idle the CPU is
		defer s.serial.Unlock()
		s.handle(w, r, cfg.Latency)
	case BoundedPool:
		// The connection's goroutine waits here while every worker is busy:
		// the pool bounds how many requests are worked on (and hold their
		// memory, and press on the database) at once, not how many wait.
		done := make(chan struct{})
		p.Go(func() {
			defer close(done)
			s.handle(w, r, cfg.Latency)
		})
		<-done
	default:
		s.handle(w, r, cfg.Latency)
	}
}

// ServerRegion names the trace region of every request handled, so that
// the X-ray can find the handlers: net/http starts their goroutines.
const ServerRegion = "server"

// handle reads the database, fills the template and responds.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, latency time.Duration) {
	defer trace.StartRegion(r.Context(), ServerRegion).End()
	defer enter(&s.inFlight, &s.maxInFlight)()

	q := r.URL.Query().Get("q")
	if len([]rune(q)) > MaxQuery {
		http.Error(w, fmt.Sprintf("the search text is over %d characters", MaxQuery), http.StatusRequestEntityTooLarge)
		return
	}
	items, err := s.search(r.Context(), q, latency)
	if err != nil {
		if r.Context().Err() == nil {
			http.Error(w, "database error: "+err.Error(), http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// html/template escapes the query: <script> arrives as &lt;script&gt;.
	page.Execute(w, struct {
		Query string
		Items []item
	}{q, items})
}

// search borrows a database connection, makes the round trip and the query
// on it, and gives it back before the page is rendered.
func (s *Server) search(ctx context.Context, q string, latency time.Duration) ([]item, error) {
	// When all DBConns connections are lent out, this waits for one: the
	// database's capacity, not the number of goroutines, limits the server.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close() // gives the connection back to the pool
	defer enter(&s.onDB, &s.maxOnDB)()

	// The simulated network round trip to the database: the blocking the
	// article talks about. The goroutine sleeps and the CPU is free, but the
	// connection stays busy, as it would while a real query travels.
	if !sleepCtx(ctx, latency) {
		return nil, ctx.Err()
	}
	// The search text is a parameter, never part of the SQL string.
	rows, err := conn.QueryContext(ctx, `SELECT id, name, price FROM items WHERE name LIKE ? ORDER BY id LIMIT 10`, "%"+q+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.ID, &it.Name, &it.Price); err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// Close stops the server, waits for it, closes the database and removes it.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	s.SetConfig(ServerConfig{Mode: PerConnection}) // waits for the pool's workers
	return errors.Join(err, s.db.Close(), os.RemoveAll(s.dir))
}

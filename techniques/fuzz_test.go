package techniques

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz tests for every path that takes what a user typed or chose: a file's
// lines, the server's search text, the name sent to the coroutine. Their
// seeds run with `go test`; `go test -fuzz FuzzLines ./techniques` searches on.

// expectLines is an independent statement of what Lines must emit for a
// file's content: its lines without "\n" or "\r\n", each cut to
// MaxLineLength bytes, invalid UTF-8 escaped — and, at the first line (as
// cut) holding a NUL byte, ErrBinary instead of that line.
func expectLines(content string) (lines []string, binary bool) {
	if content == "" {
		return nil, false
	}
	parts := strings.Split(content, "\n")
	if strings.HasSuffix(content, "\n") {
		parts = parts[:len(parts)-1]
	}
	for i, p := range parts {
		if i < len(parts)-1 || strings.HasSuffix(content, "\n") {
			p = strings.TrimSuffix(p, "\r")
		}
		if len(p) > MaxLineLength {
			p = p[:MaxLineLength]
		}
		if strings.IndexByte(p, 0) >= 0 {
			return lines, true
		}
		lines = append(lines, escapeInvalid([]byte(p)))
	}
	return lines, false
}

func FuzzLines(f *testing.F) {
	for _, s := range []string{"", "a", "a\nb\n", "a\r\nb", "\n\n", "caf\xe9\n", "ok\nbin\x00ary\nnever", "\r", "x\r\r\n",
		strings.Repeat("y", MaxLineLength+3) + "\nz", strings.Repeat("é", MaxLineLength/2+1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		items, err, completed := collect(ctx, cancel, Lines(ctx, opener(content), 0))
		want, binary := expectLines(content)
		var got []string
		for _, it := range items {
			s := it.(string)
			if !utf8.ValidString(s) {
				t.Errorf("line %q is not valid UTF-8", s)
			}
			got = append(got, s)
		}
		if binary != errors.Is(err, ErrBinary) || (!binary && (err != nil || !completed)) {
			t.Errorf("content %q: error %v, completed %v; want binary=%v", content, err, completed, binary)
		}
		if len(got) != len(want) || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("content %q: lines %q, want %q", content, got, want)
		}
	})
}

func FuzzServerSearch(f *testing.F) {
	s := startServer(f)
	for _, q := range []string{"", "gopher", `'; DROP TABLE items; --`, `<script>alert(1)</script>`, "%", "_", "\x00",
		"\xff\xfe", strings.Repeat("x", MaxQuery), strings.Repeat("é", MaxQuery+1)} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?q="+url.QueryEscape(q), nil))
		body := rec.Body.String()
		want := http.StatusOK
		if utf8.RuneCountInString(q) > MaxQuery {
			want = http.StatusRequestEntityTooLarge
		}
		if rec.Code != want {
			t.Fatalf("q=%q: HTTP %d, want %d: %s", q, rec.Code, want, body)
		}
		if want == http.StatusOK && !strings.Contains(body, "“"+escaped(t, q)+"”") {
			t.Errorf("q=%q is not shown, escaped, in the page:\n%s", q, body)
		}
		if n := strings.Count(body, "<li>"); n > 10 {
			t.Errorf("q=%q: %d items, the page shows at most 10", q, n)
		}
	})
	// Whatever was searched for, every row is still there.
	f.Cleanup(func() {
		var n int
		if err := s.db.QueryRow(`SELECT count(*) FROM items`).Scan(&n); err != nil || n != SeedRows {
			f.Errorf("after the fuzzing the table holds %d rows (%v), want %d", n, err, SeedRows)
		}
	})
}

// escaped is s as html/template shows it in HTML text.
func escaped(t *testing.T, s string) string {
	var b strings.Builder
	if err := template.Must(template.New("").Parse("{{.}}")).Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// FuzzPokedex sends any name to both coroutine implementations: they must
// answer alike, with one of the body's three replies.
func FuzzPokedex(f *testing.F) {
	for _, name := range []string{"Pikachu", "Charmander", "", "pikachu", "Pikachu\x00", strings.Repeat("P", 10000)} {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		var replies [2]string
		for i, co := range []Coroutine{NewPullCoroutine(Pokedex), NewChanCoroutine(Pokedex)} {
			if _, err := co.Prime(); err != nil {
				t.Fatal(err)
			}
			out, err := co.Send(name)
			co.Stop()
			if err != nil {
				t.Fatalf("Send(%q): %v", name, err)
			}
			replies[i] = out
		}
		if replies[0] != replies[1] {
			t.Errorf("Send(%q): iter.Pull says %q, channels say %q", name, replies[0], replies[1])
		}
		want := map[string]string{"Pikachu": "Pika Pika", "Charmander": "Char Char"}[name]
		if want == "" {
			want = "Unidentified"
		}
		if replies[0] != want {
			t.Errorf("Send(%q) = %q, want %q", name, replies[0], want)
		}
	})
}

package e2e

import (
	"strings"
	"testing"
)

// TestParseDebugLine needs no display: the reader of --debug-stats takes a
// field added and refuses a line it cannot fully read, so that a change of
// format fails the tests at once instead of making them wait.
func TestParseDebugLine(t *testing.T) {
	const stats = `{"type":"stats","goroutines":12,"busy":true,"panel":"race","freezes":1,"froze_ms":800,` +
		`"meter_worst_ms":812,"meter_since_run_ms":790,"status":"Running…","running_texts":2`
	for _, tt := range []struct {
		name, line, typ, err string
	}{
		{"stats", stats + `}`, "stats", ""},
		{"stats with a field added", stats + `,"new_field":[1,2]}`, "stats", ""},
		{"stats without a field", strings.Replace(stats, `"busy":true,`, "", 1) + `}`, "", `no field "busy"`},
		{"the old tab-separated stats", "stats\t12\ttrue\trace\t1\t800\t812\t790\tRunning…\t2", "", "not a JSON object"},
		{"a layout", `{"type":"layout","widgets":[{"kind":"button","in":"toolbar","role":"run","x":10,"y":20,"enabled":true,"label":"Run"}]}`, "layout", ""},
		{"a widget without a role", `{"type":"layout","widgets":[{"kind":"button","in":"panel","x":10,"y":20,"enabled":true,"label":"Go"}]}`, "", "without kind, in or role"},
		{"an unknown type", `{"type":"mystery"}`, "", "unknown type"},
		{"a stray line", "hello", "", "not a JSON object"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var st statsLine
			var layout layoutLine
			typ, err := parseDebugLine(tt.line, &st, &layout)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("parseDebugLine(%q) = %q, %v; want an error with %q", tt.line, typ, err, tt.err)
				}
				return
			}
			if err != nil || typ != tt.typ {
				t.Fatalf("parseDebugLine(%q) = %q, %v; want %q", tt.line, typ, err, tt.typ)
			}
			if typ == "stats" && (st.Goroutines != 12 || !st.Busy || st.Panel != "race" || st.froze() != 800e6 || st.MeterSinceRunMS != 790 || st.RunningTexts != 2) {
				t.Errorf("stats = %+v", st)
			}
			if typ == "layout" && (len(layout.Widgets) != 1 || layout.Widgets[0] != widgetAt{Kind: "button", In: "toolbar", Role: "run", X: 10, Y: 20, Enabled: true, Label: "Run"}) {
				t.Errorf("layout = %+v", layout)
			}
		})
	}
}

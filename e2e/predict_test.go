package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPredictAnsweredWithRealInput presses Run with asking on, answers the
// question with a real key press, and finds the answer judged: the run
// happened only after the answer, and the tally the reveal counts is in the
// preferences.
func TestPredictAnsweredWithRealInput(t *testing.T) {
	lab(t)
	home := t.TempDir()
	// The last --no-questions wins: this test wants the question.
	d := driveIn(t, newPinger(t), home, "--panel", "coroutines", "--no-questions=false")
	d.press("Run button", toolbar(toolbarRun), 1)
	time.Sleep(time.Second)
	if st := d.last(); st.Busy || strings.HasPrefix(st.Status, "Finished") {
		t.Fatalf("the run began before the question was answered: %+v", st)
	}
	d.key("1") // "Unidentified": the focused choice takes the number key
	d.waitFor("the run to end", 30*time.Second, func() bool { return strings.HasPrefix(d.last().Status, "Finished") })
	d.waitFor("the answer counted in the preferences", 10*time.Second, func() bool {
		files, _ := filepath.Glob(filepath.Join(home, ".config", "fyne", "*", "preferences.json"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			var prefs map[string]any
			if err == nil && json.Unmarshal(b, &prefs) == nil {
				return prefs["predict.asked.coroutines"] == 1.0 && prefs["predict.right.coroutines"] == 1.0
			}
		}
		return false
	})
}

package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// A claim is one thing the source article asserts that a panel's run can
// test, in our own words.
type claim struct {
	Says    string // what the article says, paraphrased
	Pending string // what the verdict line says before a run has measured it
}

// Verdicts of a claim, as the report names them.
const (
	holds  = "true"
	wrong  = "false"
	partly = "partly"
)

// claims is a panel's "The article says / measured here" box: each claim
// beside the verdict this run's numbers give it. Its methods are called on
// the Fyne goroutine.
type claims struct {
	Content  fyne.CanvasObject
	says     []claim
	labels   []*widget.Label
	verdicts []map[string]string // this run's verdict of each claim, nil until judged
	runs     *runs               // where the verdicts are recorded as the result "article_checks", or nil
}

// newClaims builds the box. r, if not nil, receives the verdicts as the
// result "article_checks".
func newClaims(r *runs, says ...claim) *claims {
	c := &claims{says: says, runs: r, verdicts: make([]map[string]string, len(says))}
	box := container.NewVBox(bold("The article says / measured here"))
	for _, s := range says {
		l := wrapped(s.Pending)
		c.labels = append(c.labels, l)
		box.Add(wrapped("The article, in our words: " + s.Says)) // a paraphrase, so no quotation marks
		box.Add(l)
	}
	c.Content = box
	return c
}

// reset shows every claim as not yet measured: a new run has begun.
func (c *claims) reset() {
	for i, s := range c.says {
		c.labels[i].Importance = widget.MediumImportance
		c.labels[i].SetText(s.Pending)
		c.verdicts[i] = nil
	}
}

// judge sets claim i's verdict (holds, wrong or partly) and the numbers of
// this run that back it.
func (c *claims) judge(i int, verdict, because string) {
	l := c.labels[i]
	switch verdict {
	case holds:
		l.Importance = widget.SuccessImportance
		l.SetText("Measured here: true. " + because)
	case wrong:
		l.Importance = widget.DangerImportance
		l.SetText("Measured here: false. " + because)
	default:
		l.Importance = widget.WarningImportance
		l.SetText("Measured here: only partly true. " + because)
	}
	c.verdicts[i] = map[string]string{"article_says": c.says[i].Says, "verdict": verdict, "because": because}
	if c.runs == nil {
		return
	}
	var judged []map[string]string
	for _, v := range c.verdicts {
		if v != nil {
			judged = append(judged, v)
		}
	}
	c.runs.setResult("article_checks", judged)
}

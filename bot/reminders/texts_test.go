package reminders

import (
	"testing"

	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// Every kind of reminder can be listed, sent and said at once in every
// language (a missing text would fall back to French, or fail).
func TestEveryKindHasItsTexts(t *testing.T) {
	c, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locales.Languages {
		for _, kind := range flows.ReminderKinds() {
			for _, prefix := range []string{"rem_short_", "rem_msg_", "rem_close_"} {
				if !c.Has(l.Code, prefix+kind) {
					t.Errorf("%s: no %s%s", l.Code, prefix, kind)
				}
			}
		}
		// The letter's follow-up is never said at once: no rem_close_. A
		// reminder moved or removed by a new plan is told in one line.
		for _, id := range []string{"rem_short_letter", "rem_msg_letter", "rem_letter_scheduled", "rem_letter_already", "rem_moved", "rem_removed"} {
			if !c.Has(l.Code, id) {
				t.Errorf("%s: no %s", l.Code, id)
			}
		}
	}
}

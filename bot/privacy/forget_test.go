package privacy

import (
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/locales"
)

// What /forget erased reads as one bulleted list in every language, the
// items of every feature alike (the session's, the reminders' and the
// handoff's).
func TestForgottenListIsBulleted(t *testing.T) {
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	items := []string{"erased_answers", "rem_forgotten", "handoff_forgot_case", "handoff_forgot_volunteer"}
	for _, l := range locales.Languages {
		out, err := bot.Render(cat, l.Code, 1, forgotten(items))
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(out.Text, "\n\n")
		if len(parts) != len(items)+2 {
			t.Fatalf("%s: %d parts, want the title, %d items and the Telegram note:\n%s", l.Code, len(parts), len(items), out.Text)
		}
		for _, item := range parts[1 : len(parts)-1] {
			if !strings.HasPrefix(strings.TrimLeft(item, "\u2066\u2067\u2068"), "• ") {
				t.Errorf("%s: item without its bullet: %q", l.Code, item)
			}
		}
	}
}

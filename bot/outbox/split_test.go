package outbox

import (
	"strings"
	"testing"

	"github.com/anefbot/anefbot/bot"
)

func TestSplit(t *testing.T) {
	para := strings.Repeat("é", 1500)
	long := strings.Repeat("x", 5000)
	emoji := strings.Repeat("😀", 3000) // 2 UTF-16 units each
	tests := []struct {
		name  string
		text  string
		parts int
	}{
		{"short", "hello", 1},
		{"exactly the limit", strings.Repeat("a", MaxText), 1},
		{"paragraphs packed", strings.Join([]string{para, para, para, para}, "\n\n"), 2},
		{"one huge paragraph cut", long, 2},
		{"lines of a long paragraph", strings.Repeat("line of text\n", 600), 2},
		{"astral characters counted as Telegram does", emoji, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := bot.Out{ChatID: 1, Text: tt.text, Buttons: [][]bot.Button{{{Text: "OK", Data: "c:1:ok"}}}}
			out := Split(in)
			if len(out) != tt.parts {
				t.Fatalf("%d parts, want %d", len(out), tt.parts)
			}
			var joined []string
			for i, m := range out {
				if n := length(m.Text); n > MaxText || n == 0 {
					t.Errorf("part %d has %d units", i, n)
				}
				if (len(m.Buttons) > 0) != (i == len(out)-1) {
					t.Errorf("part %d buttons %v: want them on the last part only", i, m.Buttons)
				}
				joined = append(joined, m.Text)
			}
			strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
			if strip(strings.Join(joined, "")) != strip(tt.text) {
				t.Errorf("text changed by splitting")
			}
		})
	}
}

// A paragraph is never cut when whole paragraphs fit.
func TestSplitKeepsParagraphs(t *testing.T) {
	a, b := strings.Repeat("a", 3000), strings.Repeat("b", 3000)
	out := Split(bot.Out{Text: a + "\n\n" + b})
	if len(out) != 2 || out[0].Text != a || out[1].Text != b {
		t.Errorf("got %d parts; want each paragraph whole in its own message", len(out))
	}
}

package bot

import (
	"strings"

	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// Render turns one engine reply into a message in lang: its paragraphs
// joined by blank lines, and one button per row (labels are sentences;
// phones are narrow).
func Render(c *locales.Catalog, lang string, chatID int64, r flows.Reply) (Out, error) {
	out := Out{ChatID: chatID}
	texts := make([]string, 0, len(r.Parts))
	for _, p := range r.Parts {
		s, err := c.Text(lang, p.ID, p.Args)
		if err != nil {
			return Out{}, err
		}
		texts = append(texts, s)
	}
	out.Text = strings.Join(texts, "\n\n")
	if len(r.Choices) > 0 {
		out.Buttons = make([][]Button, 0, len(r.Choices))
	}
	// One backing array for every one-button row: one allocation per
	// keyboard instead of one per button.
	cells := make([]Button, len(r.Choices))
	for i, ch := range r.Choices {
		label := ch.Text
		if label == "" {
			s, err := c.Text(lang, ch.Label, nil)
			if err != nil {
				return Out{}, err
			}
			label = s
		}
		cells[i] = Button{Text: label, Data: ch.Data}
		out.Buttons = append(out.Buttons, cells[i:i+1:i+1])
	}
	return out, nil
}

package letters

import (
	"context"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// editable reports whether key is a field the letter asks now, so a
// button naming another field (or an old one) changes nothing.
func (d Draft) editable(key string) bool {
	for _, f := range d.fields() {
		if f.Key == key && f.needed(d.Situation, d.Values) {
			return true
		}
	}
	return false
}

// editMenu lists the letter's fields, one button each, to change one of
// them from the summary (issue item 7).
func editMenu(d Draft) flows.Reply {
	r := flows.Reply{Parts: []flows.Part{{ID: "letters_edit_pick"}}}
	for _, f := range d.fields() {
		if f.needed(d.Situation, d.Values) {
			r.Choices = append(r.Choices, flows.Choice{Data: data(d.Seq, "edit="+f.Key), Label: "letters_field_" + f.Key})
		}
	}
	r.Choices = append(r.Choices, flows.Choice{Data: data(d.Seq, "review"), Label: "letters_btn_review"})
	return r
}

// edit forgets one answer and asks it again; once it is given, nothing is
// missing and the summary comes back. A field the new answer makes
// necessary (the CCC's date after "yes") is asked too.
func (s *Service) edit(ctx context.Context, b *bot.Bot, chatID int64, d Draft, key string) error {
	delete(d.Values, key)
	asked := d.Asked[:0:0]
	for _, k := range d.Asked {
		if k != key {
			asked = append(asked, k)
		}
	}
	d.Asked = asked
	d.Seq++
	return s.saveAndAsk(ctx, b, chatID, d)
}

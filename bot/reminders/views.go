package reminders

import (
	"context"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// args are what every reminder text may use: its dates, the official
// links and the help line (anef.md §1.4, §4, §9.1).
func args(r flows.Reminder) flows.Args {
	return flows.Args{
		"On": r.On, "Deadline": r.Deadline,
		"Link": flows.LinkANEF, "Phone": flows.PhoneCCC, "OQTFLink": flows.LinkOQTF,
	}
}

// what renders a reminder's short description ("rem_short_<kind>").
func what(b *bot.Bot, lang string, r flows.Reminder) string {
	s, err := b.Catalog().Text(lang, "rem_short_"+r.Kind, args(r))
	if err != nil {
		return r.Kind
	}
	return s
}

func (f *Feature) lines(b *bot.Bot, lang string, items []Item) []flows.Part {
	out := make([]flows.Part, 0, len(items))
	for _, it := range items {
		out = append(out, flows.Part{ID: "rem_line", Args: flows.Args{"On": it.On, "What": what(b, lang, it.Reminder)}})
	}
	return out
}

// changeLines says, one line each, which of the person's reminders a
// new plan moved (with the date it had) or removed. A reminder removed
// because its deadline is now too close for one is followed by what to
// do at once (close holds those deadlines).
func (f *Feature) changeLines(b *bot.Bot, lang string, changes []Change, close []flows.Reminder) []flows.Part {
	out := make([]flows.Part, 0, len(changes))
	for _, c := range changes {
		if c.Removed() {
			out = append(out, flows.Part{ID: "rem_removed", Args: flows.Args{"On": c.Old.On, "What": what(b, lang, c.Old.Reminder)}})
			for _, r := range close {
				if r.Kind == c.Old.Kind {
					out = append(out, flows.Part{ID: "rem_close_" + r.Kind, Args: args(r)})
				}
			}
			continue
		}
		out = append(out, flows.Part{ID: "rem_moved", Args: flows.Args{"On": c.New.On, "Was": c.Old.On, "What": what(b, lang, c.New.Reminder)}})
	}
	return out
}

// closeParts says at once what is too close for a reminder.
func closeParts(close []flows.Reminder) []flows.Part {
	if len(close) == 0 {
		return nil
	}
	out := []flows.Part{{ID: "rem_close_title"}}
	for _, r := range close {
		out = append(out, flows.Part{ID: "rem_close_" + r.Kind, Args: args(r)})
	}
	return out
}

// choice lists the reminders a person's dates give, with a button for
// all and one per reminder; deadlines already close are said first.
func (f *Feature) choice(b *bot.Bot, lang string, p flows.ReminderPlan) flows.Reply {
	r := flows.Reply{Parts: closeParts(p.Close)}
	if len(p.Due) == 0 {
		r.Parts = append(r.Parts, flows.Part{ID: "rem_nothing_due"})
		return r
	}
	r.Parts = append(r.Parts, flows.Part{ID: "rem_choose", Args: flows.Args{"Hour": f.Hour}})
	for _, d := range p.Due {
		r.Parts = append(r.Parts, flows.Part{ID: "rem_line", Args: flows.Args{"On": d.On, "What": what(b, lang, d)}})
	}
	r.Choices = append(r.Choices, flows.Choice{Data: dataPrefix + opAll, Label: "rem_btn_all"})
	for _, d := range p.Due {
		label, _ := b.Catalog().Text(lang, "rem_btn_one", flows.Args{"On": d.On, "What": what(b, lang, d)})
		r.Choices = append(r.Choices, flows.Choice{Data: dataPrefix + opOne + ":" + d.Kind, Text: label})
	}
	return r
}

// list is /reminders: what is scheduled, with cancel and calendar
// buttons; with nothing scheduled, what the person's dates would give.
func (f *Feature) list(ctx context.Context, b *bot.Bot, chat int64, lang string, s flows.Session) error {
	c, err := f.Store.Load(ctx, chat)
	if err != nil {
		return err
	}
	p := flows.Reminders(f.facts(b, s))
	if len(c.Pending) == 0 {
		r := flows.Reply{Parts: []flows.Part{{ID: "rem_none"}}}
		if len(p.Due) == 0 && len(p.Close) == 0 {
			r.Parts = append(r.Parts, flows.Part{ID: "rem_none_dates"})
			return f.reply(ctx, b, chat, lang, r)
		}
		ch := f.choice(b, lang, p)
		r.Parts, r.Choices = append(r.Parts, ch.Parts...), ch.Choices
		return f.reply(ctx, b, chat, lang, r)
	}
	r := flows.Reply{Parts: closeParts(p.Close)}
	r.Parts = append(r.Parts, flows.Part{ID: "rem_list_title", Args: flows.Args{"Hour": f.Hour}})
	r.Parts = append(r.Parts, f.lines(b, lang, c.Pending)...)
	for _, it := range c.Pending {
		label, _ := b.Catalog().Text(lang, "rem_btn_cancel", flows.Args{"On": it.On, "What": what(b, lang, it.Reminder)})
		r.Choices = append(r.Choices, flows.Choice{Data: dataPrefix + opCancel + ":" + it.ID, Text: label})
	}
	r.Choices = append(r.Choices,
		flows.Choice{Data: dataPrefix + opDropAll, Label: "rem_btn_cancel_all"},
		flows.Choice{Data: dataPrefix + opCalendar, Label: "rem_btn_ics"},
	)
	return f.reply(ctx, b, chat, lang, r)
}

// calendar sends the pending reminders as an .ics document.
func (f *Feature) calendar(ctx context.Context, b *bot.Bot, chat int64, lang string) error {
	c, err := f.Store.Load(ctx, chat)
	if err != nil {
		return err
	}
	if len(c.Pending) == 0 {
		return b.Say(ctx, chat, lang, "rem_none", nil)
	}
	events := make([]Event, 0, len(c.Pending))
	for _, it := range c.Pending {
		desc, err := b.Catalog().Text(lang, "rem_msg_"+it.Kind, args(it.Reminder))
		if err != nil {
			return err
		}
		events = append(events, Event{
			UID:     it.ID + "-" + bot.ChatHash(chat) + "@anefbot",
			Start:   it.Due.In(f.Paris),
			Summary: "anefbot: " + what(b, lang, it.Reminder), Description: desc,
		})
	}
	caption, err := b.Catalog().Text(lang, "rem_ics_caption", nil)
	if err != nil {
		return err
	}
	doc := &bot.Document{Name: f.CalendarName, Data: Calendar(events, b.Now())}
	return b.Sender().Send(ctx, bot.Out{ChatID: chat, Text: caption, Document: doc})
}

// Deliver returns the delivery of reminders through b: the reminder's
// text in the person's language (the session's if it still exists), with
// its buttons, on the background lane.
func (f *Feature) Deliver(b *bot.Bot) Deliver {
	return func(ctx context.Context, chat int64, lang string, it Item) error {
		if s, err := b.Store().Load(ctx, chat); err == nil && s.Lang != "" {
			lang = s.Lang
		}
		out, err := bot.Render(b.Catalog(), lang, chat, f.message(it))
		if err != nil {
			return err
		}
		out.Background = true
		return b.Sender().Send(ctx, out)
	}
}

func (f *Feature) message(it Item) flows.Reply {
	data := func(op string) string { return dataPrefix + op + ":" + it.ID }
	r := flows.Reply{
		Parts: []flows.Part{
			{ID: "rem_msg_" + it.Kind, Args: args(it.Reminder)},
			{ID: "rem_msg_footer"},
		},
		Choices: []flows.Choice{
			{Data: data(opDone), Label: "rem_btn_done"},
			{Data: data(opSnooze), Label: "rem_btn_snooze"},
		},
	}
	if f.Help != nil && f.Help() != nil {
		r.Choices = append(r.Choices, flows.Choice{Data: data(opHelp), Label: "rem_btn_help"})
	}
	r.Choices = append(r.Choices, flows.Choice{Data: data(opStop), Label: "rem_btn_stop"})
	return r
}

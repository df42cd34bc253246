package handoff

import (
	"context"
	"strings"
	"time"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

// send renders one reply in lang and sends it; background marks messages
// nobody is waiting for (notifications, reminders).
func (s *Service) send(ctx context.Context, b *bot.Bot, chat int64, lang string, background bool, r flows.Reply) error {
	out, err := bot.Render(b.Catalog(), lang, chat, r)
	if err != nil {
		return err
	}
	out.Background = background
	return b.Sender().Send(ctx, out)
}

func reply(id string, args flows.Args, choices ...flows.Choice) flows.Reply {
	return flows.Reply{Parts: []flows.Part{{ID: id, Args: args}}, Choices: choices}
}

func parse(date string) (time.Time, bool) {
	d, err := time.Parse(isoDate, date)
	return d, err == nil
}

// summaryParts renders the handoff package (anef.md §8) as one paragraph
// of lines, showing nothing for what is unknown.
func summaryText(c *locales.Catalog, lang string, cs Case) string {
	sum := cs.Summary
	var lines []string
	add := func(id string, args flows.Args) {
		if t, err := c.Text(lang, id, args); err == nil {
			lines = append(lines, t)
		}
	}
	if cs.Ref != "" {
		add("handoff_sum_ref", flows.Args{"Ref": cs.Ref})
	}
	add("handoff_sum_lang", flows.Args{"Lang": languageName(cs.Lang)})
	if cs.Urgent {
		add("handoff_sum_urgent", nil)
	}
	coded := []struct{ id, key, v string }{
		{"handoff_sum_dep", flows.KeyDepartement, sum.Departement},
		{"handoff_sum_procedure", flows.KeyProcedure, sum.Procedure},
		{"handoff_sum_title", flows.KeyTitle, sum.Title},
	}
	for _, x := range coded {
		if x.v != "" {
			add(x.id, flows.Args{"Value": labelText(c, lang, sum, x.key, x.v)})
		}
	}
	dates := []struct{ id, v string }{
		{"handoff_sum_expiry", sum.Expiry}, {"handoff_sum_filed", sum.Filed},
		{"handoff_sum_api", sum.APIEnd}, {"handoff_sum_adf", sum.ADFEnd},
		{"handoff_sum_decision", sum.Decision},
	}
	for _, d := range dates {
		if t, ok := parse(d.v); ok {
			add(d.id, flows.Args{"Date": t})
		}
	}
	if sum.DecisionKind != "" {
		add("handoff_sum_decision_kind", flows.Args{"Value": labelText(c, lang, sum, flows.KeyDecisionKind, sum.DecisionKind)})
	}
	if sum.DocsPending == "yes" || sum.DocsPending == "unsure" {
		add("handoff_sum_docs", nil)
	}
	if sum.AtRisk == "yes" {
		add("handoff_sum_risk", nil)
	}
	if t, ok := parse(sum.Deadline); ok {
		what, _ := c.Text(lang, sum.DeadlineID, nil)
		add("handoff_sum_deadline", flows.Args{"Date": t, "What": what})
	}
	if sent, ok := parse(sum.LetterSent); ok {
		// The letter's title as the letters feature names it.
		title, _ := c.Text(lang, "letters_title_"+sum.Letter, nil)
		follow, _ := parse(sum.LetterFollow)
		add("handoff_sum_letter", flows.Args{"Letter": strings.TrimSpace(strings.TrimPrefix(title, "📄")), "Date": sent, "RR": sum.LetterRR, "Follow": follow})
	}
	return strings.Join(lines, "\n")
}

// labelText is the option the person chose, in lang, or the coded value.
func labelText(c *locales.Catalog, lang string, sum Summary, key, v string) string {
	if id := sum.Labels[key]; id != "" {
		if t, err := c.Text(lang, id, nil); err == nil {
			return t
		}
	}
	return v
}

// transcriptText renders the questions answered, one per line.
func transcriptText(c *locales.Catalog, lang string, cs Case) string {
	var lines []string
	for _, a := range cs.Transcript {
		q, err := c.Text(lang, a.Prompt, flows.Args{"Example": ""})
		if err != nil {
			continue
		}
		q, _, _ = strings.Cut(q, "\n")
		if i := strings.Index(q, "?"); i >= 0 {
			q = q[:i+1] // the question, without its explanations
		}
		ans := ""
		if t, ok := parse(a.Date); ok {
			ans = locales.FormatDate(t)
		} else if a.Label != "" {
			ans, _ = c.Text(lang, a.Label, nil)
		}
		lines = append(lines, "• "+q+" → "+ans)
	}
	return strings.Join(lines, "\n")
}

// languageName names a language in its own script when the bot speaks
// it, else gives its code.
func languageName(code string) string {
	for _, l := range locales.Languages {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// volunteerLang is the language a volunteer reads the bot in: the first
// of theirs the bot speaks, else the reference.
func volunteerLang(c *locales.Catalog, v Volunteer) string {
	for _, l := range v.Langs {
		if c.Has(l, "handoff_vol_welcome") {
			return l
		}
	}
	return locales.Reference
}

// caseReply is everything a volunteer sees of a case they hold.
func caseReply(c *locales.Catalog, lang string, cs Case, now time.Time) flows.Reply {
	args := flows.Args{
		"Summary":    summaryText(c, lang, cs),
		"Transcript": transcriptText(c, lang, cs),
		"Waited":     minutes(now, cs.Created),
	}
	r := reply("handoff_vol_case", args)
	if len(cs.Details) > 0 {
		r.Parts = append(r.Parts, flows.Part{ID: "handoff_vol_details", Args: flows.Args{"Details": "« " + strings.Join(cs.Details, " »\n« ") + " »"}})
	}
	if len(cs.Notes) > 0 {
		r.Parts = append(r.Parts, flows.Part{ID: "handoff_vol_notes", Args: flows.Args{"Notes": "– " + strings.Join(cs.Notes, "\n– ")}})
	}
	r.Parts = append(r.Parts, flows.Part{ID: "handoff_vol_how", Args: flows.Args{"Ref": cs.Ref}})
	return r
}

// minutes since a Unix-millisecond instant, for Count plurals.
func minutes(now time.Time, ms int64) int {
	m := int(now.Sub(time.UnixMilli(ms)).Minutes())
	return max(m, 0)
}

// directoryText renders the entries serving dep for a person in lang.
func (s *Service) directoryText(c *locales.Catalog, lang, dep string) string {
	var blocks []string
	for _, e := range s.cfg.Directory.For(dep) {
		var lines []string
		add := func(id string, args flows.Args) {
			if t, err := c.Text(lang, id, args); err == nil {
				lines = append(lines, t)
			}
		}
		add("handoff_dir_name", flows.Args{"Name": e.Name})
		switch n, in := e.NoteIn(lang); {
		case n == "":
		case in == lang:
			lines = append(lines, n)
		default: // the operator wrote no note in this language
			add("handoff_dir_note_french", flows.Args{"Note": n})
		}
		if e.Phone != "" {
			add("handoff_dir_phone", flows.Args{"Phone": e.Phone})
		}
		if e.Hours != "" {
			add("handoff_dir_hours", flows.Args{"Hours": e.Hours})
		}
		if e.Address != "" {
			add("handoff_dir_address", flows.Args{"Address": e.Address})
		}
		if e.URL != "" {
			add("handoff_dir_url", flows.Args{"Link": e.URL})
		}
		if e.Verify {
			add("handoff_dir_verify", nil)
		}
		blocks = append(blocks, strings.Join(lines, "\n"))
	}
	return strings.Join(blocks, "\n\n")
}

package privacy

import (
	"context"

	"github.com/anefbot/anefbot/bot"
	"github.com/anefbot/anefbot/flows"
)

// Operator is who runs the bot: the data controller GDPR article 13 asks
// to name, and how people reach them.
type Operator struct {
	Name, Contact string
	DPO           string // optional: the data protection officer's contact
	NoticeURL     string // optional: the operator's full notice
}

// identified reports whether people can tell who holds their data and
// how to reach them.
func (o Operator) identified() bool { return o.Name != "" && o.Contact != "" }

// Notice is what /privacy says beyond the fixed text: who runs the bot,
// and the retention periods of this deployment's settings.
type Notice struct {
	Operator Operator
	// CaseDays is how long a request for a volunteer may wait before it
	// is closed (HANDOFF_MAX_WAIT); ReminderDays how long a reminder is
	// kept after its date; LetterMinutes how long a letter in
	// preparation is kept without activity.
	CaseDays, ReminderDays, LetterMinutes int
}

// notice sends the plain-language notice of /privacy, in tiers: who is
// responsible (or that nobody said so), what is kept, why, on what
// basis, for how long and who sees it, then the person's rights and the
// link to the operator's full text.
func (c *Commands) notice(ctx context.Context, b *bot.Bot, chatID int64, lang string) error {
	n := c.cfg.Notice
	parts := []flows.Part{controller(n.Operator), {ID: "privacy_full", Args: flows.Args{
		"Days": c.cfg.RetentionDays, "CaseDays": n.CaseDays,
		"ReminderDays": n.ReminderDays, "LetterMinutes": n.LetterMinutes,
	}}}
	parts = append(parts, flows.Part{ID: "privacy_rights"})
	if n.Operator.NoticeURL != "" {
		parts = append(parts, flows.Part{ID: "privacy_more", Args: flows.Args{"URL": n.Operator.NoticeURL}})
	}
	// One message: the outbox splits it if a language makes it too long.
	return b.Reply(ctx, chatID, lang, []flows.Reply{{Parts: parts}})
}

// controller names who is responsible for the data, or says plainly
// that the operator has not identified itself.
func controller(o Operator) flows.Part {
	switch {
	case !o.identified():
		return flows.Part{ID: "privacy_no_operator"}
	case o.DPO != "":
		return flows.Part{ID: "privacy_controller_dpo", Args: flows.Args{"Name": o.Name, "Contact": o.Contact, "DPO": o.DPO}}
	default:
		return flows.Part{ID: "privacy_controller", Args: flows.Args{"Name": o.Name, "Contact": o.Contact}}
	}
}

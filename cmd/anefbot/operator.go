package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/anefbot/anefbot/bot/letters"
	"github.com/anefbot/anefbot/bot/privacy"
	"github.com/anefbot/anefbot/bot/reminders"
)

// OperatorInfo is who runs this bot: the data controller of GDPR
// article 13, named to the people in /privacy.
type OperatorInfo struct {
	Name      string // OPERATOR_NAME
	Contact   string // OPERATOR_CONTACT
	DPO       string // OPERATOR_DPO, optional
	NoticeURL string // OPERATOR_NOTICE_URL, optional: the full notice
}

// Identified reports whether the operator said who they are and how to
// reach them: without it, people cannot use their rights.
func (o OperatorInfo) Identified() bool { return o.Name != "" && o.Contact != "" }

// Notice is the operator as the privacy notice names it.
func (o OperatorInfo) Notice() privacy.Operator {
	return privacy.Operator{Name: o.Name, Contact: o.Contact, DPO: o.DPO, NoticeURL: o.NoticeURL}
}

func init() {
	settings = append(settings, operatorSettings...)
}

var operatorSettings = []setting{
	{"OPERATOR_NAME", "", "Who runs the bot and is responsible for the data (the data controller, GDPR art. 13), e.g. the association's name; /privacy names it. Unset on Telegram: a warning at start-up, anefbot check fails, and /privacy says the operator has not identified itself."},
	{"OPERATOR_CONTACT", "", "How people reach the operator about their data: an e-mail address, a postal address or a web page. Required with OPERATOR_NAME."},
	{"OPERATOR_DPO", "", "Optional: the contact of the operator's data protection officer (DPO), shown in /privacy."},
	{"OPERATOR_NOTICE_URL", "", "Optional: https URL of the operator's full privacy notice, linked at the end of /privacy (see docs/privacy.md for what it must say)."},
}

// loadOperator reads the operator's identity. Only the link is checked:
// names and contacts are free text.
func loadOperator(getenv func(string) string) (OperatorInfo, error) {
	o := OperatorInfo{
		Name:      strings.TrimSpace(getenv("OPERATOR_NAME")),
		Contact:   strings.TrimSpace(getenv("OPERATOR_CONTACT")),
		DPO:       strings.TrimSpace(getenv("OPERATOR_DPO")),
		NoticeURL: strings.TrimSpace(getenv("OPERATOR_NOTICE_URL")),
	}
	if o.NoticeURL != "" {
		if u, err := url.Parse(o.NoticeURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return o, fmt.Errorf("OPERATOR_NOTICE_URL: want an https:// URL, got %q", o.NoticeURL)
		}
	}
	return o, nil
}

// notice is what /privacy says of this deployment: who runs it and the
// retention periods its settings give.
func notice(c Config) privacy.Notice {
	return privacy.Notice{
		Operator:      c.Operator.Notice(),
		CaseDays:      int(c.Handoff.MaxWait.Hours() / 24),
		ReminderDays:  int(reminders.Retention.Hours() / 24),
		LetterMinutes: int(letters.DefaultDraftTTL.Minutes()),
	}
}

package letters

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/flows"
	"github.com/anefbot/anefbot/locales"
)

func ids(ls []Letter) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.ID)
	}
	return out
}

// Each plan offers the letters that are one of its steps (anef.md §8).
func TestLettersOfferedByPlan(t *testing.T) {
	today := day("2026-11-29")
	for _, c := range []struct {
		name, plan string
		answers    map[string]string
		want       []string
	}{
		{"T3 before the implicit refusal", "plan_t3", map[string]string{flows.KeySituation: "t3", flows.KeyFiled: "2026-09-01"}, []string{"api", "ddd"}},
		{"T3 after 4 months", "plan_t3", map[string]string{flows.KeySituation: "t3", flows.KeyFiled: "2026-07-29"}, []string{"api", "motifs", "ddd"}},
		{"T9 routed to T3 by the diagnosis", "plan_t3", map[string]string{flows.KeySituation: "t9"}, []string{"api", "ddd"}},
		{"T5 without a date", "plan_t5", map[string]string{flows.KeySituation: "t5"}, []string{"motifs", "ddd"}},
		{"T1", "plan_t1", nil, []string{"substitution", "ddd"}},
		{"T7", "plan_t7", nil, []string{"adf", "ddd"}},
		{"T9 employer: no Défenseur des droits", "plan_t9", map[string]string{keyOrg: "employer"}, []string{"organisation"}},
		{"T9 CAF", "plan_t9", map[string]string{keyOrg: "caf"}, []string{"organisation", "ddd"}},
		{"T9 with an ADF", "plan_t9", map[string]string{keyOrg: "caf", keyHeld: "adf"}, []string{"ddd"}},
		{"urgent", "plan_urgent", map[string]string{flows.KeySituation: "urgent"}, nil},
		{"late renewal before the window: no letter", "plan_t8", map[string]string{flows.KeyExpiry: "2027-06-01"}, nil},
		{"late renewal in the window: no letter", "plan_t8", map[string]string{flows.KeyExpiry: "2027-03-01"}, nil},
		{"late renewal after day 60: the letter explaining the delay", "plan_t8", map[string]string{flows.KeyExpiry: "2027-01-20"}, []string{"retard"}},
		{"late renewal, card expired", "plan_t8", map[string]string{flows.KeyExpiry: "2026-11-01"}, []string{"retard"}},
		{"late renewal, expiry not known", "plan_t8", map[string]string{flows.KeyExpiry: flows.Unknown}, []string{"retard"}},
		{"travel", "plan_t11", nil, nil},
		{"general plan, something else", "plan_general", map[string]string{flows.KeySituation: "other"}, []string{"substitution", "ddd"}},
		{"general plan, fallback on the triage", "plan_general", map[string]string{flows.KeySituation: "t4"}, []string{"api", "ddd"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ids(For(c.plan, flows.Facts{Answers: c.answers, Today: today}))
			if !slices.Equal(got, c.want) {
				t.Errorf("For(%s) = %v, want %v", c.plan, got, c.want)
			}
		})
	}
}

func TestAcceptRefusesBadInputWithTheReason(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	name := Field{Key: fName, Kind: TextField, Max: maxName}
	addr := Field{Key: fAddress, Kind: TextField, Max: maxAddress}
	num := Field{Key: fNumber, Kind: TextField, Max: maxNumber}
	dep := Field{Key: fDep, Kind: DepField}
	dt := Field{Key: fExpiry, Kind: DateField}
	org := Field{Key: fOrg, Kind: ChoiceField, Choices: []string{"caf"}}
	for _, c := range []struct {
		f        Field
		in, want string
		err      error
	}{
		{name, "  Şükrü   Yılmaz ", "Şükrü Yılmaz", nil},
		{name, "Nguyễn Thị Minh", "Nguyễn Thị Minh", nil},
		{name, "Ame\u0301lie", "Amélie", nil}, // combining accent, NFC
		{name, "محمد", "", ErrNotLatin},
		{name, "Олена", "", ErrNotLatin},
		{name, "Ana 🙂", "", ErrNotLatin},
		{name, strings.Repeat("a", 81), "", ErrTooLong},
		{name, " \u200f ", "", ErrEmpty},
		{addr, "12 rue X\n\n 93200  Saint-Denis ", "12 rue X\n93200 Saint-Denis", nil},
		{name, "Ana\nLima", "Ana Lima", nil},
		{num, "75 0123 4567", "7501234567", nil},
		{num, "75-01", "", ErrNumber},
		{dep, "2a", "2A", nil},
		{dep, "5", "05", nil},
		{dep, "974", "974", nil},
		{dep, "20", "", ErrDep},
		{dep, "975", "", ErrDep},
		{dep, "Paris", "", ErrDep},
		{dt, "15 décembre 2026", "2026-12-15", nil},
		{dt, "soon", "", ErrDate},
		{org, "caf", "", ErrUseButtons},
	} {
		got, err := c.f.Accept(c.in, now)
		if got != c.want || !errors.Is(err, c.err) {
			t.Errorf("%s.Accept(%q) = %q, %v; want %q, %v", c.f.Key, c.in, got, err, c.want, c.err)
		}
	}
}

// Every letter's messages exist: the conversation refers to them by
// letter and field key.
func TestEveryLetterHasItsTemplate(t *testing.T) {
	for _, l := range Letters {
		if templates.Lookup(l.ID+".tmpl") == nil {
			t.Errorf("no template for %s", l.ID)
		}
		if l.PDF && !strings.HasSuffix(l.File, ".pdf") {
			t.Errorf("%s: file name %q", l.ID, l.File)
		}
	}
}

// Every message ID the conversation builds from a letter or a field
// exists in every language.
func TestEveryMessageIDExists(t *testing.T) {
	cat, err := locales.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"letters_btn_offer", "letters_help", "letters_none", "letters_pick", "letters_forgotten",
		"letters_expired", "letters_stale", "letters_cancelled", "letters_caption", "letters_how_to_send",
		"letters_how_ddd", "letters_nothing_kept", "letters_review_sender", "letters_review_prefecture",
		"letters_review_blanks", "letters_review_confirm", "letters_warn_not_on_time", "letters_warn_motifs",
		"letters_warn_motifs_nodate", "letters_warn_ddd", "letters_btn_make_text", "letters_review_api_end",
		"letters_warn_motifs_early", "letters_warn_motifs_lastday", "letters_warn_motifs_passed",
		"letters_skip_required", "letters_pref_named", "letters_review_tel", "letters_review_mail",
		"letters_review_anef", "letters_review_place", "letters_review_ccc_date", "letters_review_ccc_yes",
		"letters_review_ccc_no", "letters_review_shots_yes", "letters_review_shots_no", "letters_edit_pick",
		"letters_text_copy", "handoff_sum_letter", "letters_sent_busy"}
	for _, e := range []error{ErrEmpty, ErrTooLong, ErrNotLatin, ErrNumber, ErrDep, ErrDate, ErrUseButtons,
		ErrPhone, ErrEmail, ErrFuture, ErrRegistered} {
		ids = append(ids, e.Error())
	}
	for _, rule := range []string{ruleCRPA, ruleDefault} {
		ids = append(ids, "letters_sent_recorded_"+rule, "letters_sent_due_"+rule)
	}
	for _, f := range sentFields {
		ids = append(ids, "letters_ask_"+f.Key)
	}
	for _, b := range []string{"cancel", "skip", "back", "again", "make", "edit", "review", "sent", "today"} {
		ids = append(ids, "letters_btn_"+b)
	}
	for _, o := range []string{OrgEmployer, OrgCAF, OrgCPAM, OrgFranceTrav} {
		ids = append(ids, "letters_review_org_"+o)
	}
	for _, l := range Letters {
		for _, p := range []string{"title", "intro", "review", "attach", "after"} {
			ids = append(ids, "letters_"+p+"_"+l.ID)
		}
		for _, f := range l.Fields {
			ids = append(ids, "letters_ask_"+f.Key, "letters_field_"+f.Key)
			for _, c := range f.Choices {
				ids = append(ids, "letters_choice_"+f.Key+"_"+c)
			}
		}
	}
	for _, lang := range locales.Languages {
		for _, id := range ids {
			if !cat.Has(lang.Code, id) {
				t.Errorf("%s: no message %s", lang.Code, id)
			}
		}
	}
}

package reminders

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/anefbot/anefbot/bot/redistest"
	"github.com/anefbot/anefbot/flows"
)

// facts at 29/11/2026, the day of these tests.
func factsOf(answers map[string]string) flows.Facts {
	return flows.Facts{Answers: answers, Today: civil("2026-11-29")}
}

var (
	// An OQTF received on 20/11/2026: the last day to go to court is
	// Monday 21/12/2026 (a délai franc, anef.md §10.2).
	oqtfFacts = factsOf(map[string]string{flows.KeyDecision: "2026-11-20", flows.KeyDecisionKind: flows.DecisionOQTF})
	// A request filed on 20/11/2026 (another situation, after /restart).
	filedFacts = factsOf(map[string]string{flows.KeyExpiry: "2027-03-15", flows.KeyFiled: "2026-11-20"})
)

// syncAll accepts every reminder f gives, as the "all" button does.
func syncAll(ctx context.Context, t *testing.T, st *Store, chat int64, f flows.Facts) ([]Item, []Change) {
	t.Helper()
	due := flows.Reminders(f).Due
	var kinds []string
	for _, r := range due {
		kinds = append(kinds, r.Kind)
	}
	items, changes, err := st.Sync(ctx, chat, "en", due, kinds, at10, f.Informs)
	if err != nil {
		t.Fatal(err)
	}
	return items, changes
}

// The reported sequence, on the store: the court reminder of an OQTF,
// then the plan of another situation (which re-derives reminders) and
// its reminders accepted. The court reminder stays, scheduled, and
// nothing is reported as changed.
func TestCourtReminderStaysWhenAnotherSituationIsAccepted(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		st := NewStore(b.Client, b.Prefix)
		const chat = 41
		if items, _ := syncAll(ctx, t, st, chat, oqtfFacts); ids(items) != "dec_court-20261214" {
			t.Fatalf("OQTF reminders: %s", ids(items))
		}
		// The other situation's plan is shown: its facts say nothing of
		// the decision.
		items, changes, err := st.Sync(ctx, chat, "en", flows.Reminders(filedFacts).Due, nil, at10, filedFacts.Informs)
		if err != nil || len(changes) != 0 || ids(items) != "dec_court-20261214" {
			t.Fatalf("plan of another situation: %s, changes %+v, %v", ids(items), changes, err)
		}
		items, changes = syncAll(ctx, t, st, chat, filedFacts)
		if got := ids(items); got != "dec_court-20261214 refusal-20270320 recourse-20270514" || len(changes) != 0 {
			t.Errorf("after accepting the other situation's reminders: %s, changes %+v", got, changes)
		}
		if n, _ := st.Scheduled(ctx); n != 3 {
			t.Errorf("%d reminders in the schedule, want 3", n)
		}
		// And back: the OQTF's plan again leaves the filing's reminders.
		items, changes = syncAll(ctx, t, st, chat, oqtfFacts)
		if got := ids(items); got != "dec_court-20261214 refusal-20270320 recourse-20270514" || len(changes) != 0 {
			t.Errorf("back to the OQTF: %s, changes %+v", got, changes)
		}
	})
}

// A reminder of the same kind with a new date (the person corrected a
// date) replaces the old one and is reported with both dates; one the
// answers no longer give (a decision ends the implicit-refusal
// reminders) is removed and reported; the others are untouched.
func TestSyncReportsWhatItMovedAndRemoved(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		st := NewStore(b.Client, b.Prefix)
		const chat = 42
		syncAll(ctx, t, st, chat, oqtfFacts)
		syncAll(ctx, t, st, chat, filedFacts)

		corrected := factsOf(map[string]string{flows.KeyExpiry: "2027-03-15", flows.KeyFiled: "2026-11-25"})
		items, changes, err := st.Sync(ctx, chat, "en", flows.Reminders(corrected).Due, nil, at10, corrected.Informs)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(items); got != "dec_court-20261214 refusal-20270325 recourse-20270519" {
			t.Errorf("after the corrected date: %s", got)
		}
		if got := changeList(changes); got != "refusal-20270320>refusal-20270325 recourse-20270514>recourse-20270519" {
			t.Errorf("changes: %s", got)
		}

		decided := factsOf(map[string]string{flows.KeyFiled: "2026-11-25", flows.KeyDecision: "2026-11-27", flows.KeyDecisionKind: flows.DecisionRefusal})
		items, changes, err = st.Sync(ctx, chat, "en", flows.Reminders(decided).Due, nil, at10, decided.Informs)
		if err != nil {
			t.Fatal(err)
		}
		// The refusal's court deadline (28/01/2027) replaces the OQTF's:
		// same kind, the person's decision changed — and they are told.
		if got := changeList(changes); got != "dec_court-20261214>dec_court-20270121 refusal-20270325>- recourse-20270519>-" {
			t.Errorf("changes: %s", got)
		}
		if got := ids(items); got != "dec_court-20270121" {
			t.Errorf("pending: %s", got)
		}
		if n, _ := st.Scheduled(ctx); n != 1 {
			t.Errorf("%d reminders in the schedule, want 1", n)
		}
	})
}

func changeList(cs []Change) string {
	var out []string
	for _, c := range cs {
		to := c.New.ID
		if c.Removed() {
			to = "-"
		}
		out = append(out, c.Old.ID+">"+to)
	}
	return strings.Join(out, " ")
}

// Through the feature: a plan that moves a reminder says so in one line
// naming both dates; a plan of another situation says nothing and
// changes nothing.
func TestReplanTellsWhatMoved(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		f, bt, _, sent := featureBot(t, b, time.Date(2026, 11, 29, 12, 0, 0, 0, paris))
		const chat = 43
		syncAll(ctx, t, f.Store, chat, oqtfFacts)
		other := flows.Session{Lang: "en", State: "plan_t3", Answers: filedFacts.Answers}
		if err := f.Replan(ctx, bt, chat, other, flows.Effect{}); err != nil {
			t.Fatal(err)
		}
		if n := len(sent.All()); n != 0 {
			t.Errorf("another situation's plan sent %d messages about reminders", n)
		}
		later := flows.Session{Lang: "en", State: "plan_urgent", Answers: map[string]string{
			flows.KeyDecision: "2026-11-23", flows.KeyDecisionKind: flows.DecisionOQTF,
		}}
		if err := f.Replan(ctx, bt, chat, later, flows.Effect{}); err != nil {
			t.Fatal(err)
		}
		msg := sent.Last().Text
		if !strings.Contains(msg, "Reminder moved") || !strings.Contains(msg, "now on 17/12/2026 (instead of 14/12/2026)") {
			t.Errorf("the move is not told:\n%s", msg)
		}
	})
}

// A corrected date that brings a deadline too close for a reminder
// removes that reminder, says so, and says at once what to do; the other
// reminder of the same date moves.
func TestReplanTellsWhatIsNowTooClose(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		f, bt, _, sent := featureBot(t, b, time.Date(2026, 11, 29, 12, 0, 0, 0, paris))
		const chat = 45
		if _, _, err := f.Store.Sync(ctx, chat, "en", apiReminders("2027-02-27"), []string{flows.RemAPISoon, flows.RemAPIEnd}, at10, nil); err != nil {
			t.Fatal(err)
		}
		s := flows.Session{Lang: "en", State: "plan_t4", Answers: map[string]string{flows.KeyAPIEnd: "2026-12-05"}}
		if err := f.Replan(ctx, bt, chat, s, flows.Effect{}); err != nil {
			t.Fatal(err)
		}
		msg := sent.Last().Text
		for _, want := range []string{
			"Reminder removed: end of your extension attestation (API, « attestation de prolongation d'instruction ») on 27/02/2027, planned for 12/02/2027",
			"Your API ends on 05/12/2026, in less than 14 days",
			"Reminder moved: last day of your API (05/12/2026) — now on 05/12/2026 (instead of 27/02/2027)",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("lacks %q:\n%s", want, msg)
			}
		}
		c, err := f.Store.Load(ctx, chat)
		if err != nil || ids(c.Pending) != "api_end-20261205" {
			t.Errorf("pending: %s %v", ids(c.Pending), err)
		}
	})
}

// Cancelling a reminder shortens the life of the chat's reminders to
// what is left: the later one cancelled, they expire a week after the
// earlier; nothing left, within a week.
func TestCancelShortensExpiry(t *testing.T) {
	redistest.Each(t, func(t *testing.T, b redistest.Backend) {
		ctx := context.Background()
		st := NewStore(b.Client, b.Prefix)
		const chat = 44
		if _, _, err := st.Sync(ctx, chat, "en", apiReminders("2027-02-27"), []string{flows.RemAPISoon, flows.RemAPIEnd}, at10, nil); err != nil {
			t.Fatal(err)
		}
		expiresBy := func(limit time.Time) {
			t.Helper()
			d, err := b.Client.PTTL(ctx, st.chatKey(chat)).Result()
			if err != nil || d < 0 {
				t.Fatalf("ttl: %v %v", d, err)
			}
			if at := time.Now().Add(d); at.After(limit.Add(time.Second)) {
				t.Errorf("expires %s, want by %s", at.UTC(), limit.UTC())
			}
		}
		expiresBy(at10(civil("2027-02-27")).Add(keep))
		if err := st.Cancel(ctx, chat, "api_end-20270227"); err != nil {
			t.Fatal(err)
		}
		expiresBy(at10(civil("2027-02-12")).Add(keep))
		if err := st.Cancel(ctx, chat, "api_14-20270212"); err != nil {
			t.Fatal(err)
		}
		expiresBy(time.Now().Add(keep))
	})
}

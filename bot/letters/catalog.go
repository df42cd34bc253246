package letters

import (
	"strings"

	"github.com/anefbot/anefbot/flows"
)

// FieldKind says how a field is asked and checked.
type FieldKind int

const (
	// TextField is typed text (a name, an address).
	TextField FieldKind = iota
	// DateField is a date typed freely (flows.ParseDate).
	DateField
	// DepField is a département number: 01 to 95, 2A, 2B, 971 to 976.
	DepField
	// ChoiceField is answered with buttons only.
	ChoiceField
)

// Field is one thing a letter needs from the person.
type Field struct {
	// Key names the field in a draft; its question is the message
	// "letters_ask_<Key>".
	Key      string
	Kind     FieldKind
	Optional bool
	// Session is the flows answer key that may already hold the value:
	// then it is not asked.
	Session string
	// Choices are the options of a ChoiceField; each is labelled by the
	// message "letters_choice_<Key>_<option>".
	Choices []string
	// Only limits the question to these situations (flows.KeySituation);
	// empty means always.
	Only []string
	// Max is the longest text accepted, in characters.
	Max int
	// When, if set, asks the field only when the answers so far call for
	// it (the CCC's date only after "yes", the city only when the address
	// does not give it).
	When func(values map[string]string) bool
	// Today adds a "Today" button to a DateField.
	Today bool
}

// Letter is one kind of letter.
type Letter struct {
	// ID is short and stable: it is carried in button data and names the
	// template (templates/<ID>.tmpl) and the messages "letters_*_<ID>".
	ID string
	// PDF is false for a text to paste into a form (sent as a message).
	PDF bool
	// File is the name of the PDF document sent.
	File   string
	Fields []Field
}

// Field keys.
const (
	fName    = "name"
	fAddress = "address"
	fNumber  = "number"
	fDep     = "dep"
	fPref    = "pref"
	fExpiry  = "exp"
	fFiled   = "fil"
	fAPIEnd  = "api"
	fADFEnd  = "adf"
	fSince   = "since"
	fSent    = "sent"
	fOrg     = "org"
	fOrgAddr = "orgaddr"
	fReason  = "reason"
	fCity    = "city"
	fPhone   = "tel"
	fEmail   = "mail"
	fANEF    = "anef"
	fCCC     = "ccc"
	fCCCDate = "cccd"
	fShots   = "shots"
)

// Answers of the yes/no questions.
const (
	yes = "yes"
	no  = "no"
)

// Organisations that may refuse the attestation (anef.md §8 T9).
const (
	OrgEmployer    = "employer"
	OrgCAF         = "caf"
	OrgCPAM        = "cpam"
	OrgFranceTrav  = "ft"
	maxName        = 80
	maxAddress     = 200
	maxNumber      = 20
	maxOrgAddress  = 200
	maxPrefAddress = 200
	maxReason      = 300
	maxCity        = 60
	maxPhone       = 25
	maxEmail       = 100
)

// contactFields are who writes and how to reach them: name, address, the
// city of the place line when the address does not give it, and phone
// and e-mail, both optional (issue: a sender block as a real letter has).
func contactFields() []Field {
	return []Field{
		{Key: fName, Kind: TextField, Max: maxName},
		{Key: fAddress, Kind: TextField, Max: maxAddress},
		{Key: fCity, Kind: TextField, Optional: true, Max: maxCity, When: func(v map[string]string) bool {
			return CityOf(v[fAddress]) == ""
		}},
		{Key: fPhone, Kind: TextField, Optional: true, Max: maxPhone},
		{Key: fEmail, Kind: TextField, Optional: true, Max: maxEmail},
	}
}

// The préfecture letters share their first fields: who writes, their
// references (numéro étranger, ANEF application number), and where to.
func senderFields() []Field {
	return append(contactFields(),
		Field{Key: fNumber, Kind: TextField, Optional: true, Max: maxNumber},
		Field{Key: fANEF, Kind: TextField, Optional: true, Max: maxNumber},
		Field{Key: fDep, Kind: DepField, Session: flows.KeyDepartement},
		Field{Key: fPref, Kind: TextField, Optional: true, Max: maxPrefAddress},
	)
}

// evidenceFields ask what the person did before writing: contact with the
// Centre de contact citoyen (and when), and dated screenshots kept
// (anef.md §2.3 steps 1-2). A letter states either only on "yes".
func evidenceFields() []Field {
	return []Field{
		{Key: fCCC, Kind: ChoiceField, Optional: true, Choices: []string{yes, no}},
		{Key: fCCCDate, Kind: DateField, Optional: true, When: func(v map[string]string) bool { return v[fCCC] == yes }},
		shotsField(),
	}
}

func shotsField() Field {
	return Field{Key: fShots, Kind: ChoiceField, Optional: true, Choices: []string{yes, no}}
}

func date(key, session string, only ...string) Field {
	return Field{Key: key, Kind: DateField, Optional: true, Session: session, Only: only}
}

// Letters are every letter, in the order they are offered.
var Letters = []Letter{
	{ID: "api", PDF: true, File: "demande-attestation-prolongation.pdf", Fields: join(senderFields(),
		date(fExpiry, flows.KeyExpiry), date(fFiled, flows.KeyFiled),
		date(fAPIEnd, flows.KeyAPIEnd, "t4"), evidenceFields())},
	{ID: "substitution", PDF: true, File: "demande-solution-substitution.pdf", Fields: join(senderFields(),
		date(fExpiry, flows.KeyExpiry), date(fSince, ""), evidenceFields())},
	{ID: "adf", PDF: true, File: "demande-remise-titre.pdf", Fields: join(senderFields(),
		date(fADFEnd, flows.KeyADFEnd), evidenceFields())},
	{ID: "motifs", PDF: true, File: "demande-motifs-refus-implicite.pdf", Fields: join(senderFields(),
		date(fFiled, flows.KeyFiled), shotsField())},
	{ID: "organisation", PDF: true, File: "reclamation-attestation.pdf", Fields: join([]Field{
		{Key: fOrg, Kind: ChoiceField, Choices: []string{OrgEmployer, OrgCAF, OrgCPAM, OrgFranceTrav}, Session: keyOrg},
		{Key: fOrgAddr, Kind: TextField, Optional: true, Max: maxOrgAddress},
	}, contactFields(), date(fExpiry, flows.KeyExpiry), date(fAPIEnd, flows.KeyAPIEnd))},
	// The letter explaining a late renewal, for a renewal filed after day
	// 60 (R431-5, anef.md §3.1, §10.4: "a short letter explaining the
	// delay helps"). The reason is the person's own words; skipped, the
	// letter leaves lines to write it by hand.
	{ID: "retard", PDF: true, File: "explication-retard-renouvellement.pdf", Fields: append(senderFields(),
		date(fExpiry, flows.KeyExpiry),
		Field{Key: fReason, Kind: TextField, Optional: true, Max: maxReason})},
	{ID: "ddd", PDF: false, Fields: join([]Field{
		// The Défenseur des droits is competent for CAF, CPAM and France
		// Travail, not for employers (anef.md §2.2 I).
		{Key: fOrg, Kind: ChoiceField, Choices: []string{OrgCAF, OrgCPAM, OrgFranceTrav}, Only: []string{"t9"}, Session: keyOrg},
		{Key: fDep, Kind: DepField, Optional: true, Session: flows.KeyDepartement},
		date(fExpiry, flows.KeyExpiry, "t1", "t2", "t3", "t4"),
		date(fFiled, flows.KeyFiled, "t3", "t4", "t5"),
		date(fAPIEnd, flows.KeyAPIEnd, "t4", "t9"),
		date(fADFEnd, flows.KeyADFEnd, "t7"),
		date(fSent, ""),
	}, evidenceFields())},
}

// join lists fields given one by one or in slices.
func join(parts ...any) []Field {
	var out []Field
	for _, p := range parts {
		switch x := p.(type) {
		case Field:
			out = append(out, x)
		case []Field:
			out = append(out, x...)
		}
	}
	return out
}

// ByID returns the letter with id.
func ByID(id string) (Letter, bool) {
	for _, l := range Letters {
		if l.ID == id {
			return l, true
		}
	}
	return Letter{}, false
}

// needed reports whether f is asked in situation sit, given the answers
// so far.
func (f Field) needed(sit string, values map[string]string) bool {
	return f.asks(sit) && (f.When == nil || f.When(values))
}

// asks reports whether f is asked in situation sit.
func (f Field) asks(sit string) bool {
	if len(f.Only) == 0 {
		return true
	}
	for _, s := range f.Only {
		if s == sit {
			return true
		}
	}
	return false
}

// bySituation lists the letters that are a step of each blockage's plan
// (anef.md §8). Situations absent here get no letter: an urgent case or
// travel need a person, not a letter (§8 T-URGENT, T11); T6 needs an
// answer before the ANEF deadline first. A late renewal gets the letter
// explaining the delay once the window has closed (§10.4), never before.
var bySituation = map[string][]string{
	"t1":    {"substitution", "ddd"},  // §8 T1 steps 4-5
	"t2":    {"substitution", "ddd"},  // §8 T2 steps 3-4
	"t3":    {"api", "motifs", "ddd"}, // §8 T3 steps 2-3, §3.4
	"t4":    {"api", "ddd"},           // §8 T4 (as T3)
	"t5":    {"motifs", "ddd"},        // §8 T5 step 3
	"t7":    {"adf", "ddd"},           // §8 T7 steps 3-4
	"t8":    {"retard"},               // §8 T8, §10.4: after day 60
	"t9":    {"organisation", "ddd"},  // §8 T9 steps 2-3
	"t10":   {"ddd"},                  // §8 T10
	"other": {"substitution", "ddd"},  // §2.3 steps 4 and 6
}

// The organisation refusing the attestation and the document held
// (anef.md §8 T9), as the diagnosis saves them.
const (
	keyOrg  = flows.KeyOrg
	keyHeld = flows.KeyHeld
)

// Situation is the blockage a plan answers: "t3" for "plan_t3". Plans
// named otherwise (plan_general) fall back on the triage answer
// (flows.KeySituation), which is stable across versions of the graph.
func Situation(plan string, f flows.Facts) string {
	if sit, ok := strings.CutPrefix(plan, "plan_"); ok {
		if _, known := bySituation[sit]; known || sit == "urgent" {
			return sit
		}
	}
	return f.Answers[flows.KeySituation]
}

// For returns the letters offered under plan for a person with facts f,
// in order. Plans of an urgent situation offer none: a person must look
// at those first (anef.md §8 T-URGENT).
func For(plan string, f flows.Facts) []Letter {
	sit := Situation(plan, f)
	var out []Letter
	for _, id := range bySituation[sit] {
		if !offered(id, sit, f) {
			continue
		}
		l, _ := ByID(id)
		out = append(out, l)
	}
	return out
}

func offered(id, sit string, f flows.Facts) bool {
	switch id {
	case "motifs":
		return refusalArisen(f)
	case "organisation":
		// The letter defends the API; an ADF refused needs a person
		// (anef.md §8 T7 handoff line, §9.3).
		return f.Answers[keyHeld] != "adf"
	case "ddd":
		// Not competent for an employer (anef.md §2.2 I).
		return sit != "t9" || f.Answers[keyOrg] != OrgEmployer
	case "retard":
		return renewalLate(f)
	}
	return true
}

// renewalLate: the R431-5 window has closed (anef.md §3.1, §10.4), or
// the person does not know the card's end date (the plan then assumes
// lateness, the letter says only what the person writes in it).
func renewalLate(f flows.Facts) bool {
	expiry, ok := f.Date(flows.KeyExpiry)
	if !ok {
		return f.Unknown(flows.KeyExpiry)
	}
	return flows.PhaseOf(expiry, f.Today, f.OnANEF()) >= flows.WindowMissed
}

// refusalArisen: the reasons of an implicit refusal can be asked only once
// it exists: 4 months after filing (R432-2, anef.md §3.4). Without a filing
// date the person decides (T5 is "stuck for months").
func refusalArisen(f flows.Facts) bool {
	filed, ok := f.Date(flows.KeyFiled)
	if !ok {
		return f.Answers[flows.KeySituation] == "t5"
	}
	return !flows.ImplicitRefusal(filed).After(f.Today)
}

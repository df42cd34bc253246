package flows

// Answer keys: where a session stores each answer. The features that read
// a person's facts (reminders, letters, the handoff summary) use these
// names, so they are declared once, here. Dates are stored YYYY-MM-DD.
const (
	KeySituation    = "sit"  // branch chosen at the triage (anef.md §8.0)
	KeyProcedure    = "proc" // first request, renewal, naturalisation… (§8.0 q2)
	KeyTitle        = "ttl"  // title / mention (§8.0 q3)
	KeyOnANEF       = "anef" // "yes" when the title is filed on ANEF (§3.1)
	KeyDepartement  = "dep"  // département number (§8.0 q4)
	KeyExpiry       = "exp"  // end date of the card, visa or récépissé (§8.0 q4)
	KeyFiled        = "fil"  // date the (complete) request was filed (§8.0 q4)
	KeyAPIEnd       = "api"  // end date of the attestation de prolongation (§3.2)
	KeyADFEnd       = "adf"  // end date printed on the ADF (§9.3)
	KeyDecision     = "dec"  // notification date of a decision (§3.4)
	KeyDecisionKind = "deck" // oqtf, oqtf_arrest, oqtf_retention, refusal (§3.4)
	KeyDocs         = "docs" // documents requested and not yet sent (§8 T3, T6)
	KeyAtRisk       = "risk" // job or benefits at immediate risk (§8.0 q6)
	KeyIssue        = "iss"  // the precise problem within a branch (§8 T1, T2, T6, T10)
	KeyHeld         = "held" // the document the person holds (§8 T9, T11)
	KeyOrg          = "org"  // the organisation refusing the attestation (§8 T9)
	KeyDocsDue      = "due"  // deadline given in an ANEF request for documents (§8 T6)
	KeyADFDated     = "adfd" // "yes" when an end date is printed on the ADF (§9.3)
)

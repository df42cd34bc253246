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
	KeyCard         = "card" // the card that expired: pluri4, resident, treaty, other, unknown (L433-3, §3.2, §10.4)
	KeyFirst        = "frst" // a first request: temp, multi, resident, unknown (§10.1)
	// KeyAssumed lists, comma-separated, the date keys the person gave as
	// a month only: the 1st of the month was assumed (the earliest day,
	// so every deadline counted from it is the earliest too).
	KeyAssumed = "asm"
)

// Unknown is the answer stored for a date the person does not know ("je
// ne sais pas"): the plans take the conservative path and say where to
// find the date. Session.Date reports it as absent.
const Unknown = "?"

// A letter the bot wrote and the person sent (bot/letters, "I sent it"),
// for the volunteer's case summary (anef.md §8 "Handoff package": LRAR
// date). Dates are YYYY-MM-DD.
const (
	KeyLetter       = "ltr"  // the letter's ID (bot/letters)
	KeyLetterSent   = "ltrs" // the day it was posted
	KeyLetterRR     = "ltrr" // its registered-mail (LRAR) number, when given
	KeyLetterFollow = "ltrf" // the day to follow up if no answer came
)

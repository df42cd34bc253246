// Package letters writes ready-to-send French letters from what a person
// told the bot: a request to the préfecture for the attestation de
// prolongation d'instruction, for the solution de substitution, for the
// delivery of the card after an ADF, for the reasons of an implicit
// refusal; a complaint to an organisation that refuses the attestation;
// a letter explaining a late renewal; and the text to paste into the
// Défenseur des droits' online form.
//
// Each letter is a text/template file in templates/, reviewed as text by
// people who know the law, with the section of the domain brief behind
// each legal sentence in a template comment. Compose fills a template with
// Facts; PDF lays the result out on A4 with an embedded DejaVu Serif font
// (fonts/LICENSE), so French accents and Latin names of every European
// language are drawn. Names in other scripts are not drawn: the
// conversation asks for the name in Latin letters, as on the titre de
// séjour, and anything the font cannot draw is left as a dotted line to
// fill in by hand.
//
// The addressee is the préfecture of the person's département
// (prefectures.tsv, with its source) or the sous-préfecture they name; a
// letter states a step the person took (the Centre de contact citoyen,
// screenshots) only when they said so, and every target date is computed
// from today.
//
// The conversation that collects the missing fields (Service) keeps its
// draft in Redis under the chat's hash tag with a short expiry, deletes it
// as soon as the letter is produced, and never stores the PDF. Under the
// letter, "I sent it" records the day it was posted and schedules the
// follow-up through the reminders feature (sent.go).
package letters

package flows

// Links given to people, with the section of anef.md each comes from.
// Prefer official sites (anef.md header note, §9.7); https everywhere; an
// association's page is labelled as such in the text that shows it, and a
// préfecture's page is shown as that préfecture's, never as national
// (§10.6). Sources lists each link with its kind; a test holds them to it.
const (
	// LinkANEF is the ANEF site (anef.md §1.1, §4); its contact link is the
	// CCC form: no deep link is known (anef.md §9.1).
	LinkANEF = "https://administration-etrangers-en-france.interieur.gouv.fr"
	// LinkAttestations is service-public sheet F36206 on the three ANEF
	// attestations (anef.md §9.7).
	LinkAttestations = "https://www.service-public.gouv.fr/particuliers/vosdroits/F36206"
	// LinkDDD is the Défenseur des droits' help and complaint page
	// (anef.md §2.3, §4).
	LinkDDD = "https://defenseurdesdroits.fr/fr/obtenir-de-laide"
	// LinkDDDSheet is service-public sheet F13158 on referring a dispute
	// to the Défenseur des droits (anef.md §9.7).
	LinkDDDSheet = "https://www.service-public.gouv.fr/particuliers/vosdroits/F13158"
	// LinkOQTF explains the OQTF deadlines (InfoMIE, an association's
	// resource, not an official sheet: anef.md §4, §10.6).
	LinkOQTF = "https://www.infomie.net/article6958.html?lang=fr"
	// LinkGISTIModels are GISTI's model letters, an association's (anef.md
	// §4, §5, §10.6).
	LinkGISTIModels = "https://gisti.org/pratique/modeles/index.html"
	// LinkLoginHelp is Réfugiés.info's page on logging in to ANEF (VLS-TS
	// reference, numéro étranger, FranceConnect), a State-backed site
	// (anef.md §1.2, §4).
	LinkLoginHelp = "https://refugies.info/fr/demarche/63401d8783f485a025e88388"
	// LinkCourt is service-public sheet F2026 "Dépôt du recours" on going
	// to the administrative court (anef.md §9.7). F2553 is not linked:
	// that it covers the référé "mesures utiles" is unconfirmed (§9.7).
	LinkCourt = "https://www.service-public.gouv.fr/particuliers/vosdroits/F2026"
	// LinkSuspension is service-public sheet F2549 "Référé-suspension"
	// (anef.md §3.5, §9.7).
	LinkSuspension = "https://www.service-public.gouv.fr/particuliers/vosdroits/F2549"
	// LinkSocialSecurity is service-public sheet F13842 on proving regular
	// stay to social security (anef.md §9.5, §9.7).
	LinkSocialSecurity = "https://www.service-public.gouv.fr/particuliers/vosdroits/F13842"
	// LinkMemento is the préfecture du Nord page with its mementos on the
	// ANEF attestations for employers and organisations (anef.md §2.2 I):
	// shown as that préfecture's example (§10.6).
	LinkMemento = "https://nord.gouv.fr/Demarches-administratives/Etrangers-en-France"
	// LinkNaturalisation is service-public sheet F2213 on naturalisation
	// (anef.md §4, host of §9.7).
	LinkNaturalisation = "https://www.service-public.gouv.fr/particuliers/vosdroits/F2213"
	// LinkTravel is the préfecture de l'Hérault's FAQ on travelling abroad
	// while a request is examined (anef.md §2.2 K, §4): shown as that
	// préfecture's page, never as a national rule (§10.6).
	LinkTravel = "https://www.herault.gouv.fr/Demarches-administratives/Demarches-etrangers-titres-de-sejour/Foire-aux-questions/Voyager-a-l-etranger"
	// LinkCivic is service-public sheet F39530 on the examen civique
	// (anef.md §10.1; the brief read it through a mirror and marks the
	// address [verify]).
	LinkCivic = "https://www.service-public.gouv.fr/particuliers/vosdroits/F39530"
	// PhoneCCC is the ANEF help line of the Centre de contact citoyen, free
	// (anef.md §1.4, §9.1). Its hours are not known: never state them.
	PhoneCCC = "0806 001 620"
)

// ContentReviewed is the date the diagnosis content was last checked
// against anef.md; shown in every plan's footer.
const ContentReviewed = "2026-12-07"

// LinkKind says whose page a link is (anef.md §10.6).
type LinkKind int

// Kinds of link.
const (
	Official    LinkKind = iota // a ministry, service-public.gouv.fr, the Défenseur des droits
	Prefecture                  // one préfecture's page, shown as an example
	Association                 // an association's resource
	StateBacked                 // Réfugiés.info, a State-backed information site
)

// Sources lists every link the plans show, with its kind.
var Sources = map[string]LinkKind{
	LinkANEF: Official, LinkAttestations: Official, LinkDDD: Official, LinkDDDSheet: Official,
	LinkCourt: Official, LinkSuspension: Official, LinkSocialSecurity: Official,
	LinkNaturalisation: Official, LinkCivic: Official,
	LinkMemento: Prefecture, LinkTravel: Prefecture,
	LinkOQTF: Association, LinkGISTIModels: Association,
	LinkLoginHelp: StateBacked,
}

package flows

// Official links given to people, with the section of anef.md each comes
// from. Prefer official sites (anef.md header note, §9.7).
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
	// LinkOQTF explains the OQTF deadlines (InfoMIE; anef.md §4).
	LinkOQTF = "https://www.infomie.net/article6958.html?lang=fr"
	// LinkGISTIModels are GISTI's model letters (anef.md §4, §5).
	LinkGISTIModels = "http://gisti.org/pratique/modeles/index.html"
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
	// LinkRecoursGracieux is service-public sheet F2474 on recours
	// gracieux and hiérarchique (anef.md §9.7).
	LinkRecoursGracieux = "https://www.service-public.gouv.fr/particuliers/vosdroits/F2474"
	// LinkSocialSecurity is service-public sheet F13842 on proving regular
	// stay to social security (anef.md §9.5, §9.7).
	LinkSocialSecurity = "https://www.service-public.gouv.fr/particuliers/vosdroits/F13842"
	// LinkMemento is the préfecture du Nord page with its mementos on the
	// ANEF attestations for employers and organisations (anef.md §2.2 I).
	LinkMemento = "http://nord.gouv.fr/Demarches-administratives/Etrangers-en-France"
	// LinkNaturalisation is service-public sheet F2213 on naturalisation
	// (anef.md §4, host of §9.7).
	LinkNaturalisation = "https://www.service-public.gouv.fr/particuliers/vosdroits/F2213"
	// LinkTravel is the préfecture de l'Hérault's FAQ on travelling abroad
	// while a request is examined (anef.md §2.2 K, §4).
	LinkTravel = "https://www.herault.gouv.fr/Demarches-administratives/Demarches-etrangers-titres-de-sejour/Foire-aux-questions/Voyager-a-l-etranger"
	// PhoneCCC is the ANEF help line of the Centre de contact citoyen, free
	// (anef.md §1.4, §9.1). Its hours are not known: never state them.
	PhoneCCC = "0806 001 620"
)

// ContentReviewed is the date the diagnosis content was last checked
// against anef.md; shown in every plan's footer.
const ContentReviewed = "2026-11-29"

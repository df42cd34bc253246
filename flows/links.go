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
	// PhoneCCC is the ANEF help line of the Centre de contact citoyen, free
	// (anef.md §1.4, §9.1). Its hours are not known: never state them.
	PhoneCCC = "0806 001 620"
)

// ContentReviewed is the date the diagnosis content was last checked
// against anef.md; shown in every plan's footer.
const ContentReviewed = "2026-11-29"

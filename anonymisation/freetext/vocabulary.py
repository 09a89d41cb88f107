"""Word lists the person rules read, all folded (lower case, no accents), in one place.

Each list says what a word tells about the capitalised words around it:

- ``CIVILITIES``: a name follows ("M. Dupuis", "Pr Roche", "Me Vasseur");
- ``ROLE_WORDS``: a function, never part of a name ("Madame la Présidente",
  "le Doyen Martin": "Doyen" stays, "Martin" goes);
- ``INTRODUCERS``: phrases after which a name is expected ("contact :",
  "suivi par", "à l'attention de");
- ``EPONYM_WORDS``: a name right after one of them is an eponym, not a person
  ("résidence Albert Camus", "prix Irène Joliot-Curie", "chaire Gustave Eiffel");
- ``ORGANISATION_WORDS`` and ``LEGAL_FORMS``: the capitalised words are an
  organisation's or company's name ("SAS Lefèvre Informatique",
  "Dupuis Frères SARL", "Association Les Amis de Jules Verne");
- ``PARTICLES``: join the parts of a surname ("de La Tour", "Le Gall", "Van der Berg");
- ``NOT_NAMES``: capitalised words that institutional French writes with a
  capital and that are never a name on their own (Master, Licence, Service...).

First names come from a registry package (``gender-guesser``'s list of about
48,000 first names of 50 countries, by Jörg Michael), so a first name is
recognised whatever the person's origin; words shorter than three letters
and French function words are left out of it.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from anonymisation.freetext.normalise import fold

CIVILITIES = frozenset({
    "m", "mr", "mm", "mme", "mmes", "mlle", "mlles", "monsieur", "messieurs", "madame", "mesdames", "mademoiselle",
    "dr", "docteur", "docteure", "pr", "prof", "professeur", "professeure", "me", "maitre", "mgr",
})
ROLE_WORDS = frozenset({
    "president", "presidente", "vice", "directeur", "directrice", "doyen", "doyenne", "recteur", "rectrice",
    "secretaire", "generale", "general", "responsable", "chef", "cheffe", "adjoint", "adjointe", "maire",
    "ministre", "prefet", "prefete", "tresorier", "tresoriere", "comptable", "agent", "agente", "charge",
    "chargee", "gestionnaire", "assistant", "assistante", "coordinateur", "coordinatrice", "delegue", "deleguee",
    "conseiller", "conseillere", "chancelier", "chanceliere", "inspecteur", "inspectrice", "rapporteur",
    "rapporteure", "examinateur", "examinatrice", "jury", "membre", "membres", "referent", "referente",
    "correspondant", "correspondante", "interlocuteur", "interlocutrice", "titulaire", "etudiant", "etudiante",
    "enseignant", "enseignante", "chercheur", "chercheuse", "doctorant", "doctorante", "tuteur", "tutrice",
    "dgs", "dga", "drh", "daf", "dsi", "pdg", "ceo", "vp", "maitre", "conference", "conferences", "emerite",
    "honoraire", "associe", "associee", "invite", "invitee", "intervenant", "intervenante", "elu", "elue",
    "representant", "representante", "administrateur", "administratrice", "ingenieur", "ingenieure",
    "technicien", "technicienne", "bibliothecaire", "conservateur", "conservatrice", "attache", "attachee",
})
INTRODUCERS: tuple[tuple[str, ...], ...] = tuple(tuple(p.split()) for p in (
    "contact", "contacts", "contacter", "contactez", "responsable", "responsables", "suivi par", "suivie par",
    "a l attention de", "a l att de", "a l att", "att", "attn", "interlocuteur", "interlocutrice", "referent",
    "referente", "correspondant", "correspondante", "signe par", "signee par", "valide par", "validee par",
    "demande par", "demandee par", "de la part de", "transmis par", "transmise par", "envoye par",
    "envoyee par", "vu avec", "voir avec", "rappeler", "joindre", "appeler", "ecrire a", "adresse a",
    "adressee a", "aupres de", "chez", "tuteur", "tutrice", "directeur de these", "directrice de these",
    "encadrant", "encadrante", "rapporteur", "rapporteure", "rapporteurs", "examinateur", "examinatrice",
    "president du jury", "presidente du jury", "jury", "membres du jury", "invite", "invitee", "intervenant",
    "intervenante", "intervenants", "orateur", "oratrice", "conferencier", "conferenciere", "par", "avec",
    "pere", "mere", "parent", "parents", "tuteur legal", "proprietaire", "bailleur", "garant", "epoux",
    "epouse", "conjoint", "conjointe", "fils", "fille", "frere", "soeur", "nom", "prenom", "beneficiaire",
    "titulaire", "candidat", "candidate", "laureat", "laureate", "etudiant", "etudiante", "stagiaire",
    "doctorant", "doctorante", "agent", "agente", "vacataire", "prestataire", "consultant", "consultante",
    "technicien", "technicienne", "commercial", "commerciale", "chef de projet", "cheffe de projet",
    "contact technique", "contact administratif", "contact commercial", "contact presse", "voir aussi",
    "s adresser a", "adresser a", "verifie par", "verifies par", "verifiee par", "verifiees par", "controle par",
    "saisi par", "saisie par", "saisies par", "rappel", "absence de", "excuse", "excusee", "cc", "copie a",
    "remboursement a", "prevenir", "informer", "convoquer", "convoque", "convoquee", "recu", "recue",
))
EPONYM_WORDS = frozenset({
    "amphitheatre", "amphi", "batiment", "bat", "salle", "rue", "avenue", "boulevard", "place", "allee",
    "impasse", "quai", "square", "cours", "laboratoire", "labo", "institut", "lycee", "college", "ecole",
    "campus", "centre", "bibliotheque", "mediatheque", "maison", "residence", "pole", "espace", "hall",
    "stade", "gymnase", "piscine", "universite", "faculte", "ufr", "iut", "site", "prix", "bourse",
    "bourses", "chaire", "fondation", "medaille", "trophee", "concours", "programme", "promotion", "promo",
    "cite", "foyer", "auditorium", "musee", "theatre", "hopital", "chu", "clinique", "gare", "pont", "parc",
    "jardin", "observatoire", "plateforme", "station", "cinema", "salon", "galerie", "pavillon", "tour",
    "fellowship", "allocation", "umr", "federation",
    "cercle", "club", "amis", "association", "societe", "halle", "metro", "tram", "arret", "collection",
    "fonds", "archives", "corpus", "edition", "editions", "rapport", "loi", "decret", "theoreme", "methode",
    "effet", "modele", "principe", "equation", "lemme", "conjecture", "algorithme", "maladie", "syndrome",
})
ORGANISATION_WORDS = frozenset({
    "association", "amis", "societe", "fondation", "cercle", "club", "federation", "union", "groupe",
    "groupement", "entreprise", "entreprises", "etablissements", "ets", "cabinet", "agence", "compagnie",
    "cie", "freres", "fils", "soeurs", "associes", "partenaires", "holding", "industries", "industrie",
    "informatique", "conseil", "conseils", "services", "service", "batiment", "construction", "constructions",
    "transports", "distribution", "consulting", "solutions", "technologies", "systemes", "ingenierie",
    "laboratoires", "pharma", "editions", "imprimerie", "restauration", "traiteur", "nettoyage", "securite",
    "energie", "environnement", "fournitures", "materiel", "medical", "scientifique", "international",
    "france", "europe", "sport", "sportive", "sportif", "universitaire", "culturelle", "etudiante", "bde",
    "amicale", "electric", "electrique", "traiteur", "imprimerie", "menuiserie", "reprographie", "boulangerie",
    "garage", "pharmacie", "librairie", "transports", "travaux", "peinture", "plomberie", "electricite",
    "telecom", "automobiles", "voyages", "immobilier", "assurances", "banque", "mutuelle", "cooperative",
})
LEGAL_FORMS = frozenset({
    "sarl", "sas", "sasu", "sa", "eurl", "sci", "snc", "scop", "scic", "gie", "gip", "sem", "spl", "selarl",
    "selas", "scp", "ei", "eirl", "ltd", "gmbh", "inc", "llc", "bv", "nv", "spa", "srl", "ag", "plc", "sté",
    "ste", "asbl", "epic", "epst", "epa", "umr", "ups", "fre", "cnrs", "inserm", "inria", "cea", "inrae",
})
PARTICLES = frozenset({
    "de", "du", "des", "d", "la", "le", "les", "l", "van", "von", "der", "den", "ter", "ten", "di", "da",
    "del", "della", "dos", "das", "do", "ben", "ibn", "bin", "el", "al", "mac", "mc", "af", "zu", "st",
    "saint", "sainte", "y", "o",
})
# Capitalised in institutional French and never a name: programme, degree and service words,
# months and days, and words that open a clause. A name candidate is never one of these.
NOT_NAMES = frozenset({
    "master", "licence", "doctorat", "diplome", "dut", "but", "bts", "lp", "mba", "deust", "capes", "agregation",
    "service", "services", "direction", "division", "departement", "bureau", "cellule", "mission", "pole",
    "secretariat", "scolarite", "accueil", "standard", "conseil", "commission", "comite", "assemblee",
    "universite", "faculte", "ecole", "institut", "laboratoire", "equipe", "centre", "unite", "plateforme",
    "batiment", "salle", "amphi", "amphitheatre", "campus", "site", "residence", "bibliotheque",
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
    "novembre", "decembre", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "objet", "contact", "contacts", "tel", "telephone", "mail", "courriel", "email", "fax", "portable",
    "adresse", "ref", "reference", "dossier", "note", "remarque", "commentaire", "observations", "avis",
    "date", "montant", "total", "lot", "marche", "convention", "subvention", "avenant", "facture",
    "fourniture", "prestation", "prestations", "travaux", "achat", "maintenance", "location", "acquisition",
    "formation", "recherche", "projet", "programme", "colloque", "seminaire", "conference", "journee",
    "journees", "atelier", "stage", "soutenance", "these", "jury", "examen", "examens", "session", "semestre",
    "annee", "rentree", "inscription", "bourse", "aide", "frais", "mission", "deplacement", "remboursement",
    "paiement", "versement", "cotisation", "abonnement", "logiciel", "licences", "materiel", "mobilier",
    "france", "europe", "region", "ville", "metropole", "departement", "etat", "ministere", "rectorat",
    "cnrs", "inserm", "inria", "anr", "erc", "crous", "cvec", "ue", "ufr", "iut", "umr", "bde", "bu",
    "president", "presidente", "directeur", "directrice", "doyen", "doyenne", "responsable", "chef",
    "merci", "bonjour", "cordialement", "urgent", "important", "attention", "nb", "ps", "rappel", "suite",
    "voir", "cf", "pour", "avec", "sans", "dans", "par", "sur", "sous", "entre", "vers", "chez", "selon",
    "le", "la", "les", "un", "une", "des", "du", "de", "au", "aux", "et", "ou", "en", "a", "il", "elle",
    "ils", "elles", "on", "nous", "vous", "ce", "cette", "ces", "son", "sa", "ses", "leur", "leurs",
    "mon", "ma", "mes", "notre", "nos", "votre", "vos", "tout", "tous", "toute", "toutes", "aucun", "aucune",
    "si", "mais", "donc", "car", "ni", "puis", "ensuite", "apres", "avant", "depuis", "pendant", "lors",
    "nouveau", "nouvelle", "ancien", "ancienne", "premier", "premiere", "second", "seconde", "dernier",
    "derniere", "prochain", "prochaine", "haut", "haute", "bas", "basse",
    "nord", "sud", "est", "ouest", "centre", "saint", "sainte", "international", "internationale",
    "national", "nationale", "regional", "regionale", "general", "generale", "public", "publique",
    "prive", "privee", "sciences", "science", "lettres", "droit", "economie", "gestion", "histoire",
    "langues", "arts", "medecine", "pharmacie", "sante", "sport", "staps", "informatique", "mathematiques",
    "physique", "chimie", "biologie", "psychologie", "sociologie", "philosophie", "geographie", "physiques",
    "humaines", "sociales", "sociale", "vie", "terre", "univers", "ingenierie", "technologie", "numerique",
    "association", "societe", "fondation", "entreprise", "groupe", "agence", "cabinet", "etablissement",
    "etablissements", "prix", "chaire", "medaille", "trophee", "concours", "appel", "call", "grant",
    "ok", "oui", "non", "vu", "valide", "validee", "refuse", "refusee", "accorde", "accordee", "signe",
    "signee", "recu", "recue", "envoye", "envoyee", "transmis", "transmise", "absent", "absente",
    "present", "presente", "admis", "admise", "ajourne", "ajournee", "defaillant", "defaillante",
    "mention", "tres", "bien", "assez", "passable", "felicitations", "excellent", "excellente",
    "cedex", "bp", "cs", "tsa", "ligne", "poste", "bis", "ter",
    "bat", "appt", "apt", "logement", "escalier", "etage",
    "ne", "nee", "nes", "nees", "remb", "taux", "langue", "langues", "modeles", "modele", "ateliers", "femmes",
    "hommes", "chorale", "metiers", "archives", "maison", "parcours", "option", "specialite", "mineure",
    "majeure", "horizon", "consortium", "pacte", "solidaires", "monde", "nanosciences", "juriste", "lieu",
    "joindre", "renouveler", "envoyer", "transmettre", "prevoir", "verifier", "relancer", "signaler",
    "ine", "nir", "iban", "rib", "bic", "siret", "siren", "uai", "cpv", "rna", "tva", "naf", "ape", "insee",
    "sise", "cnu", "bap", "lmd", "ects", "hdr", "phd", "rh", "drh", "dgs", "dsi", "daf", "tp", "td", "cm",
    "ec", "pdf", "cv", "rib", "ttc", "ht", "eur", "euros", "sncf", "ratp", "edf", "url", "www", "http", "https",
})
_FUNCTION_WORDS = frozenset({
    "le", "la", "les", "de", "du", "des", "un", "une", "et", "ou", "au", "aux", "en", "par", "pour", "sur",
    "avec", "sans", "mai", "juin", "mars", "avril", "bon", "bien", "tout", "rue", "paris", "lyon", "nice",
    "france", "grand", "saint", "sainte", "san", "santa", "van", "von", "ben", "bin", "ibn", "mac", "abd",
    "dom", "don", "dona", "del", "della", "dos", "das", "der", "den", "ter", "ten", "ste", "sainte",
})


@cache
def first_names() -> frozenset[str]:
    """Folded first names (each part of a compound first name is a first name too)."""
    text = resources.files("gender_guesser").joinpath("data/nam_dict.txt").read_text(encoding="utf-8")
    names: set[str] = set()
    for line in text.splitlines():
        if not line or line[0] in "#=" or len(line) < 30:
            continue
        name = line[3:29].strip()
        for part in name.replace("+", " ").replace("-", " ").split():
            folded = fold(part)
            if len(folded) >= 3 and folded.isalpha():
                names.add(folded)
    return frozenset(names - _FUNCTION_WORDS - NOT_NAMES - ROLE_WORDS - CIVILITIES - EPONYM_WORDS)

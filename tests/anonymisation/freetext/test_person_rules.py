"""Persons the sources do not know, addresses and dates of birth: each written form, and what must stay."""

from __future__ import annotations

import pytest

from anonymisation.freetext import FreeTextScanner
from anonymisation.freetext.addresses import PublicAddresses, find_addresses, find_birth_dates
from anonymisation.freetext.person_rules import eponyms
from anonymisation.freetext.vocabulary import first_names

PUBLIC = ["Marie Curie", "Jean Perrin", "Laboratoire Jean Kuntzmann"]
SITE = "621 avenue Centrale, 38400 Saint-Martin-d'Hères"


@pytest.fixture(scope="module")
def unknown() -> FreeTextScanner:
    """No deny-list: every person below is unknown to the sources."""
    return FreeTextScanner([], PUBLIC, public_addresses=[SITE])


@pytest.mark.parametrize("text, expected", [
    ("Dossier de DUPONT Marie transmis.", "Dossier de [PERSONNE] transmis."),
    ("Dossier de Lefort Ysoline transmis.", "Dossier de [PERSONNE] transmis."),
    ("Avis du Pr Roche et du Dr. Martin.", "Avis du Pr [PERSONNE] et du Dr. [PERSONNE]."),
    ("Plaidé par Me Vasseur.", "Plaidé par Me [PERSONNE]."),
    ("Rappeler J.-P. Martin demain.", "Rappeler [PERSONNE] demain."),
    ("Remboursement colloque Dumont T.", "Remboursement colloque [PERSONNE]."),
    ("Encadré par Ledoux A.L. et Monnier J.-L. ; signé.", "Encadré par [PERSONNE]. et [PERSONNE]. ; signé."),
    ("Animée par Monnier et A. Boisseau.", "Animée par [PERSONNE] et [PERSONNE]."),  # "A." is no "à" before a town
    ("Jury : Anne de La Tour, Yann Le Gall.", "Jury : [PERSONNE], [PERSONNE]."),
    ("Reçu LE MEUR Marie-José ce matin.", "Reçu [PERSONNE] ce matin."),
    ("Marie-Hélène DUPONT-LEFÈVRE absente.", "[PERSONNE] absente."),
    ("contact : Marc Aubry", "contact : [PERSONNE]"),
    ("dossier suivi par Lefort", "dossier suivi par [PERSONNE]"),
    ("merci de contacter sylvie quenardel", "merci de contacter [PERSONNE]"),
    ("Marie Lefort a appelé ; Lefort rappellera.", "[PERSONNE] a appelé ; [PERSONNE] rappellera."),
    ("Aminata N'Diaye et Nathalie Petit présentes.", "[PERSONNE] et [PERSONNE] présentes."),
])
def test_names_in_every_written_form(unknown: FreeTextScanner, text: str, expected: str) -> None:
    assert unknown.scan([text]).texts == [expected]


@pytest.mark.parametrize("text", [
    "Madame la Directrice générale des services a validé ; M. le Président informé.",
    "Prix Irène Joliot-Curie ; résidence Albert Camus ; chaire Gustave Eiffel ; halle Jean Jaurès.",
    "Association Les Amis de Jules Verne ; bourse Marie Skłodowska-Curie.",
    "Marché attribué à SAS Lefèvre Informatique et Dupuis Frères SARL.",
    "Établissements Martin et Fils, SIRET 73282932000074.",
    "Licence professionnelle Métiers du livre ; Master Économie du développement.",
    "Séminaire au 621 avenue Centrale, 38400 Saint-Martin-d'Hères, salle B-204, le 12 mars 2025 à 14 h.",
    "Contact : scolarite@univ-demo.fr ou standard : 04 76 00 00 00.",
    "Stage validé au laboratoire Jean Perrin, convention signée.",
    "Renseignements auprès du Laboratoire Jean Kuntzmann (UMR 5224).",
])
def test_what_is_not_a_person_stays(unknown: FreeTextScanner, text: str) -> None:
    result = unknown.scan([text])
    assert result.texts == [text]
    assert result.counts() == {}


@pytest.mark.parametrize("text, expected", [
    ("Relevé envoyé au 12 bis rue des Lilas, 38000 Grenoble pour signature.", ["12 bis rue des Lilas, 38000 Grenoble"]),
    ("domicile : 5, allée des Tilleuls 69003 Lyon", ["5, allée des Tilleuls 69003 Lyon"]),
    ("lieu-dit Les Granges, 38190 Bernin, accès difficile", ["lieu-dit Les Granges, 38190 Bernin"]),
    ("Résidence du Parc, bâtiment B, apt. 18, 81 chemin des Alpes, 69007 Lyon.",
     ["Résidence du Parc, bâtiment B, apt. 18, 81 chemin des Alpes, 69007 Lyon"]),
    ("courrier : 78 PLACE DE LA GARE, 38660 LE TOUVET", ["78 PLACE DE LA GARE, 38660 LE TOUVET"]),
    ("habite 12 rue des lilas depuis peu", ["12 rue des lilas"]),
    ("salle B-204, bâtiment C, rue Victor Hugo", []),                      # a street alone is a place
    (f"Rendez-vous au {SITE}.", []),                                     # the institution's own site
    ("Site : avenue Centrale, 38400 Saint-Martin-d'Hères", []),
])
def test_addresses(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in find_addresses(text, PublicAddresses([SITE]))] == expected


@pytest.mark.parametrize("text, expected", [
    ("né le 12/03/2001 à Lyon", ["12/03/2001"]), ("née le 3 mars 2001", ["3 mars 2001"]),
    ("date de naissance : 2001-03-12", ["2001-03-12"]), ("DDN 12.03.01", ["12.03.01"]),
    ("né(e) le 1er mars 2001", ["1er mars 2001"]), ("colloque le 12 mars 2025", []),
])
def test_birth_dates(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in find_birth_dates(text)] == expected


def test_labels_give_their_eponyms_never_a_person() -> None:
    from anonymisation.freetext import engine

    labels = ["Laboratoire Jean Kuntzmann", "Secrétariat de Mme Garnier", "Bâtiment Condillac",
              "Résidence universitaire Albert Camus"]
    assert eponyms(labels, engine.lexicon()) == ["Jean Kuntzmann", "Albert Camus"]


def test_the_gazetteer_knows_first_names_of_many_origins_and_no_function_words() -> None:
    names = first_names()
    assert len(names) > 30_000
    assert {"marie", "mamadou", "youssef", "minh", "maelys", "kylian"} <= names
    assert not {"le", "de", "du", "master", "service", "rue"} & names

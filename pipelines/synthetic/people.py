"""Fictitious persons: names, usual names, e-mail addresses, phones and home addresses.

Faker (fr_FR, seeded) provides the pools of first names, surnames, streets
and company names once per run; persons are then drawn from the pools with
numpy, so that a million rows cost no more than a thousand Faker calls.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
from faker import Faker
from faker.providers.person.fr_FR import Provider as FrenchPersons

from pipelines.synthetic.draws import weighted
from pipelines.synthetic.identifiers import cat, digits, mobiles
from pipelines.synthetic.ref_geo import COMMUNES, FOREIGN_COUNTRIES, MAIL_PROVIDERS, PUBLIC_NAMES

# Surnames and first names of today's France that Faker's lists lack.
EXTRA_SURNAMES = (
    "Le Gall", "Le Goff", "Le Roux", "Nguyen", "Diallo", "Traoré", "Haddad", "Benali", "Mendes", "Ferreira",
    "Dos Santos", "N'Diaye", "Ben Ali", "El Amrani", "Benoît", "Lemaître", "Pham", "Cissé", "Kone", "Saïdi",
    "de La Fontaine", "Da Costa", "Bouvier-Lenoir", "Hamidi", "Zhang", "Lévêque", "Kaya", "Rossi", "Öztürk",
)
MODERN_FEMALE = ("Emma", "Léa", "Chloé", "Manon", "Inès", "Camille", "Jade", "Louise", "Lina", "Sarah", "Zoé",
                 "Lola", "Clara", "Yasmine", "Maëlys", "Océane", "Anaïs", "Romane", "Juliette", "Nour", "Aïcha")
MODERN_MALE = ("Lucas", "Hugo", "Nathan", "Enzo", "Louis", "Gabriel", "Arthur", "Jules", "Mohamed", "Adam",
               "Yanis", "Rayan", "Noah", "Théo", "Tom", "Maël", "Sacha", "Ethan", "Mathis", "Kylian", "Ibrahim")
COMPOUND_FEMALE = ("Marie-Claire", "Anne-Sophie", "Marie-Laure", "Anne-Laure", "Marie-Christine", "Marie-Hélène",
                   "Marie-Pierre", "Anne-Marie", "Marie-Noëlle", "Lou-Anne")
COMPOUND_MALE = ("Jean-Pierre", "Jean-Baptiste", "Pierre-Louis", "Jean-Marc", "Jean-Luc", "Marc-Antoine",
                 "Paul-Henri", "Jean-François", "Jean-Michel", "Louis-Marie")


def slug(text: str) -> str:
    """E-mail form of a name: no accents, lower case, spaces and apostrophes removed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "").replace("'", "")


@dataclass(frozen=True)
class NamePools:
    """Pools of names, streets and company names, with draw weights and e-mail slugs.

    ``first`` holds the female first names, then the male ones
    (``n_female`` of the first kind).
    """

    surnames: np.ndarray
    surname_weights: np.ndarray
    surname_slugs: np.ndarray
    first: np.ndarray
    first_slugs: np.ndarray
    n_female: int
    streets: np.ndarray
    companies: np.ndarray

    @classmethod
    def build(cls, seed: int) -> NamePools:
        fake = Faker("fr_FR")
        fake.seed_instance(seed)
        rng = np.random.default_rng([seed, 7])
        base = list(FrenchPersons.last_names)
        # Faker lists surnames by frequency: a Zipf-like weight keeps Martin common and Guérin rarer.
        weights = [1.0 / (rank + 15) for rank in range(len(base))]
        pairs = rng.choice(len(base), size=(60, 2))
        compounds = sorted({f"{base[a]}-{base[b]}" for a, b in pairs if a != b})
        surnames = base + list(EXTRA_SURNAMES) + compounds
        weights += [0.004] * (len(EXTRA_SURNAMES) + len(compounds))
        streets = sorted({fake.street_name() for _ in range(400)})
        companies = sorted({fake.company() for _ in range(800)})
        female = sorted(set(FrenchPersons.first_names_female) | set(MODERN_FEMALE) | set(COMPOUND_FEMALE))
        male = sorted(set(FrenchPersons.first_names_male) | set(MODERN_MALE) | set(COMPOUND_MALE))
        w = np.asarray(weights)
        return cls(
            surnames=np.array(surnames, dtype=object), surname_weights=w / w.sum(),
            surname_slugs=np.array([slug(x) for x in surnames], dtype=object),
            first=np.array(female + male, dtype=object), first_slugs=np.array([slug(x) for x in female + male],
                                                                              dtype=object),
            n_female=len(female), streets=np.array(streets, dtype=object),
            companies=np.array(companies, dtype=object))

    def public_pairs(self) -> list[tuple[int, int]]:
        """(first name, surname) index pairs that would spell a famous eponym."""
        first = {name: i for i, name in enumerate(self.first)}
        last = {name: i for i, name in enumerate(self.surnames)}
        pairs = []
        for name in PUBLIC_NAMES:
            head, _, tail = name.partition(" ")
            if head in first and tail in last:
                pairs.append((first[head], last[tail]))
        return pairs


@dataclass
class People:
    """Names of ``n`` drawn persons (object arrays), with their e-mail slugs."""

    surname: np.ndarray
    first: np.ndarray
    surname_slug: np.ndarray
    first_slug: np.ndarray


def draw_people(rng: np.random.Generator, pools: NamePools, female: np.ndarray) -> People:
    """Draw a surname and a first name per person; never the name of a famous eponym.

    Persons named like "Marie Curie" would blur the line between personal
    data and public names that the leak guard must learn to draw.
    """
    n = len(female)
    s_idx = rng.choice(len(pools.surnames), size=n, p=pools.surname_weights)
    n_male = len(pools.first) - pools.n_female
    f_idx = np.where(female, rng.integers(0, pools.n_female, n), pools.n_female + rng.integers(0, n_male, n))
    for first, last in pools.public_pairs():
        clash = (f_idx == first) & (s_idx == last)
        s_idx[clash] = (last + 1) % len(pools.surnames)
    return People(pools.surnames[s_idx], pools.first[f_idx], pools.surname_slugs[s_idx], pools.first_slugs[f_idx])


def usual_names(rng: np.random.Generator, pools: NamePools, female: np.ndarray, rate_f: float,
                rate_m: float) -> np.ndarray:
    """Usual surnames (nom d'usage, e.g. a spouse's name) for a share of persons, None for the others."""
    n = len(female)
    has = rng.random(n) < np.where(female, rate_f, rate_m)
    out = np.full(n, None, dtype=object)
    out[has] = pools.surnames[rng.choice(len(pools.surnames), size=int(has.sum()), p=pools.surname_weights)]
    return out


def personal_emails(rng: np.random.Generator, people: People, birth_year: np.ndarray) -> np.ndarray:
    """Personal addresses at common providers, in the usual shapes (prenom.nom, pnom85...)."""
    n = len(people.surname)
    provider = np.asarray(MAIL_PROVIDERS, dtype=object)[rng.integers(0, len(MAIL_PROVIDERS), n)]
    first, last = people.first_slug, people.surname_slug
    initial = np.frompyfunc(lambda s: s[:1], 1, 1)(first)
    yy = digits(np.asarray(birth_year) % 100, 2)
    number = rng.integers(1, 99, n).astype(str)
    shapes = [cat(first, ".", last), cat(first, ".", last, number), cat(initial, last, yy),
              cat(last, ".", first), cat(first, last, yy)]
    pick = rng.integers(0, len(shapes), n)
    local = np.choose(pick, shapes)
    return cat(local, "@", provider)


def unique_work_emails(people: People, domain: str) -> np.ndarray:
    """prenom.nom@domain, numbered (prenom.nom2@...) when two persons share a name."""
    local = cat(people.first_slug, ".", people.surname_slug)
    order = np.argsort(local, kind="stable")
    sorted_local = local[order]
    starts = np.r_[True, sorted_local[1:] != sorted_local[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(local)), 0))
    rank = np.empty(len(local), dtype=np.int64)
    rank[order] = np.arange(len(local)) - group_start
    suffix = np.where(rank > 0, (rank + 1).astype(str), "")
    return cat(local, suffix, "@", domain)


@dataclass
class Addresses:
    """Home addresses: street line, postcode, commune name and INSEE code."""

    street: np.ndarray
    postcode: np.ndarray
    commune: np.ndarray
    commune_code: np.ndarray


def draw_addresses(rng: np.random.Generator, pools: NamePools, n: int) -> Addresses:
    """Addresses in the communes of the COG pool, most of them near the university."""
    idx = weighted(rng, [c.weight for c in COMMUNES], n)
    codes = np.array([c.code for c in COMMUNES], dtype=object)[idx]
    names = np.array([c.name for c in COMMUNES], dtype=object)[idx]
    postcode = np.array([c.postcode for c in COMMUNES], dtype=object)[idx]
    paris = codes == "75056"
    # Paris has one postcode per arrondissement.
    postcode[paris] = cat("750", digits(rng.integers(1, 21, int(paris.sum())), 2))
    number = rng.integers(1, 160, n).astype(str)
    bis = np.where(rng.random(n) < 0.05, " bis", "")
    street = cat(number, bis, " ", pools.streets[rng.integers(0, len(pools.streets), n)])
    return Addresses(street, postcode, names, codes)


def phones(rng: np.random.Generator, n: int, missing: float = 0.05) -> np.ndarray:
    """Mobile numbers, a few missing."""
    out = mobiles(rng, n)
    out[rng.random(n) < missing] = None
    return out


def nir_places(commune: np.ndarray, country: np.ndarray) -> np.ndarray:
    """Birthplace as the NIR writes it: the commune code, or 99 + INSEE country code when born abroad."""
    insee = {c.iso2: c.insee for c in FOREIGN_COUNTRIES}
    places = [c if c is not None else insee.get(k, "99100") for c, k in zip(commune, country, strict=True)]
    return np.array(places, dtype=object)

"""Names in free text: the deny-list of persons of the sources, public names, and what may be a name.

- The deny-list holds every person of the sources that no publication
  exception covers (CRPA L312-1-2: personal data are published only once
  the persons cannot be identified). A name is found whatever its case,
  accents, hyphens and order ("DUPONT Jean", "jean dupont", "Jéan-Pierre
  Dupont"), written with an initial ("J. Dupont") or as a surname after a
  civility ("M. Dupont", "Mme Le Gall"). A surname alone is not looked for:
  too many are common words (Petit, Blanc, Roux).
- Public names (config/public_names.yaml: "Marie Curie", "Jean Perrin") are
  eponyms of buildings and streets, not personal data. When a deny-listed
  person bears a public name, the public name wins only right after a place
  word ("amphithéâtre", "bâtiment", "rue"... up to 4 words before, as in
  "maison de l'étudiant Joséphine Baker"); anywhere else the person is
  redacted: a real agent called Marie Curie is protected when the text is
  about her, and "salle Marie Curie" still reads as a room.
- A name candidate is a capitalised word that is neither a civility, nor a
  common word opening a sentence ("Relevé de notes...", "Rappeler
  l'étudiant..."), nor an acronym of up to 5 capitals ("NIR", "TP", "UFR"),
  unless the word is a name of the deny-list or follows a civility. A
  PERSON found by the NER counts only where it holds a candidate not
  already redacted; the scanner runs the NER only on texts holding such a
  candidate (one that starts a firm's name excepted: a span holding only it
  is dropped as a company), and there on the words around it (``draft.py``):
  the same rule seen from both sides, so skipping the rest cannot change
  what is redacted.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence

from anonymisation.freetext.normalise import PhraseIndex, Token, name_words, person_words

CIVILITIES = frozenset({"m", "mr", "mme", "mlle", "monsieur", "madame", "mademoiselle", "dr", "docteur", "pr",
                        "professeur", "me", "maitre"})
PLACE_WORDS = frozenset({
    "amphitheatre", "amphi", "batiment", "salle", "rue", "avenue", "boulevard", "place", "allee", "impasse", "quai",
    "square", "laboratoire", "institut", "lycee", "college", "ecole", "campus", "centre", "bibliotheque", "maison",
    "residence", "pole", "espace", "hall", "stade", "gymnase", "universite", "faculte", "ufr", "iut", "site",
})
PLACE_WINDOW = 4
_SENTENCE_END = frozenset(".!?:;…\n")
_ACRONYM = 5


def is_civility(text: str, word: Token) -> bool:
    """A capitalised civility word ("M", "Mme", "Monsieur"...): "m" in "m'a" is not one."""
    return word.norm in CIVILITIES and text[word.start].isupper()


class DenyList:
    """Persons of the sources not covered by an exception, as word sequences (never as regexes)."""

    def __init__(self, names: Iterable[tuple[str | None, str | None]] = ()) -> None:
        self._full = PhraseIndex()
        self._initials = PhraseIndex()
        self._surnames = PhraseIndex()
        self.words: set[str] = set()
        self._persons = 0
        for first_words, last_words in person_words(names):
            if not last_words:
                continue
            self._persons += 1
            self._surnames.add(last_words)
            self.words.update(last_words)
            if first_words:
                self.words.update(first_words)
                self._full.add(first_words + last_words)
                self._full.add(last_words + first_words)
                self._initials.add((first_words[0][0],) + last_words)

    def __len__(self) -> int:
        """Number of (first name, surname) pairs read."""
        return self._persons

    def find(self, text: str, words: Sequence[Token]) -> list[tuple[int, int]]:
        """(first, last + 1) word positions of deny-listed names in `text`, left to right, no overlap."""
        if not self._persons:
            return []
        norms = [w.norm for w in words]
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(norms):
            size = self._full.longest_at(norms, i)
            if (not size and len(norms[i]) == 1 and text[words[i].end:words[i].end + 1] == "."
                    and not is_civility(text, words[i])):
                size = self._initials.longest_at(norms, i)  # "J. Dupont": the initial is part of the name
            if size:
                found.append((i, i + size))
                i += size
                continue
            if i > 0 and is_civility(text, words[i - 1]):
                size = self._surnames.longest_at(norms, i)  # "M. Dupont": the surname only, the civility stays
                if size:
                    found.append((i, i + size))
                    i += size
                    continue
            i += 1
        return found


class PublicNames:
    """The steward's public names, found as word sequences."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._index = PhraseIndex(name_words(n) for n in names)

    def __len__(self) -> int:
        return len(self._index)

    def find(self, words: Sequence[Token]) -> list[tuple[int, int]]:
        """(first, last + 1) word positions of public names, left to right, longest first."""
        return self._index.find(words) if len(self._index) else []

    def matches(self, name: str) -> bool:
        """True when `name` is itself a public name (normalised comparison)."""
        return name_words(name) in self._index


def after_place_word(words: Sequence[Token], i: int) -> bool:
    """True when a place word stands among the 4 words before word `i` ("l'amphithéâtre Marie Curie")."""
    return any(words[k].norm in PLACE_WORDS for k in range(max(0, i - PLACE_WINDOW), i))


def _opens_sentence(text: str, words: Sequence[Token], k: int) -> bool:
    """True for the first word of the text or of a sentence; "M. Roux" and "J. Roux" do not open one."""
    if k == 0:
        return True
    previous = words[k - 1]
    gap = text[previous.end:words[k].start]
    initial = len(previous.norm) == 1 and text[previous.start].isupper()  # "J. Roux"; "à 8 h. Entrée" ends one
    if gap.startswith(".") and (initial or is_civility(text, previous)):
        return False
    return any(ch in _SENTENCE_END for ch in gap)


def name_candidates(text: str, words: Sequence[Token], lexicon: Container[str], known: Container[str],
                    ) -> list[bool]:
    """For each word: may it be (part of) a person's name? See the module docstring for the rule."""
    out: list[bool] = []
    for k, word in enumerate(words):
        if not text[word.start].isupper() or is_civility(text, word):
            out.append(False)
        elif k > 0 and is_civility(text, words[k - 1]):
            out.append(True)
        elif word.norm in known and len(word.norm) > 1:  # "L" of "L'Hermite" is no name in "L'étudiant"
            out.append(True)
        elif word.end - word.start <= _ACRONYM and text[word.start:word.end].isupper():
            out.append(False)
        elif _opens_sentence(text, words, k) and text[word.start:word.end].lower() in lexicon:
            out.append(False)
        else:
            out.append(True)
    return out

"""When does what a rep typed count as evidence?

The rule's data are public constants so that other engines (the SQL of `playbook sql`)
apply the very same rule instead of a copy of it.
"""

from __future__ import annotations

import functools
import re

# Text reps type into required fields to get past them; none of it proves anything. Whole texts only (as
# normalise_evidence leaves them), so real evidence that holds one of them ("Mail folgt dem Protokoll") counts;
# shorter than MIN_LENGTH (k.A., n.v., s.o., N/D) is no evidence anyway.
_ENGLISH = (
    *("todo", "none", "null", "unknown", "pending", "asdf", "test", "same", "done", "true"),
    *("see above", "see below", "see notes", "see crm", "in crm", "n/a", "tbd"),
    *("to follow", "to come", "will follow", "later", "to be completed", "to be confirmed", "in progress"),
)
_GERMAN = (
    *("folgt", "folgt noch", "kommt", "kommt noch", "wird nachgereicht", "wird nachgeliefert", "nachreichen"),
    *(
        "noch offen",
        "offen",
        "ausstehend",
        "steht aus",
        "später",
        "spaeter",
        "in klärung",
        "in klaerung",
        "in arbeit",
        "in bearbeitung",
    ),
    *("siehe crm", "im crm", "siehe oben", "siehe unten", "siehe notiz", "siehe notizen", "wie oben", "dito"),
    *(
        "entfällt",
        "entfaellt",
        "keine",
        "keine angabe",
        "k. a",
        "n. v",
        "s. o",
        "s. u",
        "unbekannt",
        "erledigt",
        "wahr",
    ),
)
_FRENCH = (
    *("à venir", "a venir", "à suivre", "a suivre", "à compléter", "a completer", "à confirmer", "a confirmer"),
    *("à définir", "a definir", "à faire", "a faire", "en attente", "en cours", "plus tard", "voir crm"),
    *("dans le crm", "voir ci-dessus", "voir ci-dessous", "voir notes", "aucun", "aucune", "inconnu", "néant"),
    *("neant", "non renseigné", "non communiqué", "sans objet", "idem", "fait", "vrai"),
)
_SPANISH = (
    *("pendiente", "por definir", "por confirmar", "por completar", "a completar", "más tarde", "mas tarde"),
    *("en curso", "ver crm", "en el crm", "ver arriba", "ver notas", "ninguno", "ninguna", "desconocido"),
    *("sin datos", "hecho", "verdadero"),
)
_ITALIAN = (
    *("in attesa", "da definire", "da confermare", "da completare", "da fare", "a seguire", "più tardi"),
    *("piu tardi", "in corso", "vedi crm", "nel crm", "vedi sopra", "vedi note", "nessuno", "nessuna"),
    *("sconosciuto", "fatto", "vero"),
)
_DUTCH = (
    *("volgt", "volgt nog", "komt nog", "nog open", "openstaand", "nader te bepalen", "nog in te vullen"),
    *("n.v.t", "n.t.b", "zie crm", "zie boven", "zie hierboven", "zie notities", "geen", "onbekend", "gedaan"),
    *("waar", "in behandeling"),
)
_PORTUGUESE = (
    *("pendente", "a definir", "a confirmar", "em breve", "mais tarde", "em andamento", "ver acima"),
    *("no crm", "nenhum", "nenhuma", "desconhecido", "feito", "verdadeiro"),
)
PLACEHOLDERS = frozenset((*_ENGLISH, *_GERMAN, *_FRENCH, *_SPANISH, *_ITALIAN, *_DUTCH, *_PORTUGUESE))
# Stripped from both ends of an answer word (vocabulary.answer_word) and of evidence after lower-casing, so
# "n/a." and "(TBD)" are placeholders too.
SURROUNDING = ".,;:!?-_*'\"()[] "
# Quotation marks other than the straight ones: Word's curly quotes (what a rep pastes), low-9 quotes („folgt“),
# guillemets (« à venir »), CJK corner brackets and full-width quotes. Evidence in them is what it quotes, as in
# straight quotes: stripped from its ends with SURROUNDING (EVIDENCE_SURROUNDING), so “TBD” is a placeholder.
QUOTATION_MARKS = (
    "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b"  # “ ” „ ‟ ‘ ’ ‚ ‛
    "\u00ab\u00bb\u2039\u203a"  # « » ‹ ›
    "\u300c\u300d\u300e\u300f\u301d\u301e\u301f\uff02\uff07"  # 「 」 『 』 〝 〞 〟 ＂ ＇
)
EVIDENCE_SURROUNDING = SURROUNDING + QUOTATION_MARKS
# Characters that show nothing: Unicode's format characters (category Cf: the soft hyphen, zero-width spaces and
# joiners, the byte order mark, direction marks, tags …), which pasted text carries. Evidence is read without
# them, so evidence of them alone is blank and they hide no placeholder ("\u200bTBD"). Written out (as of
# Unicode 15), not read from unicodedata, so that every engine removes the same ones whatever Python's version.
INVISIBLE = "".join(
    chr(point)
    for first, last in (
        (0x00AD, 0x00AD),
        (0x0600, 0x0605),
        (0x061C, 0x061C),
        (0x06DD, 0x06DD),
        (0x070F, 0x070F),
        (0x0890, 0x0891),
        (0x08E2, 0x08E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x2064),
        (0x2066, 0x206F),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x1343F),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
    )
    for point in range(first, last + 1)
)
# Every character Python's str.isspace() (and so the regex \s) calls white space; runs of them count as one space.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The only characters whose lower case is not one character, or turns a non-ASCII letter into
# ASCII: an engine whose LOWER maps one character to one character must map these first.
LOWER_CASE_EXCEPTIONS = {"\u0130": "\u0130".lower(), "\u212a": "\u212a".lower()}
_WHITESPACE = re.compile(f"[{re.escape(WHITESPACE)}]+")
_WITHOUT_INVISIBLE = str.maketrans("", "", INVISIBLE)
MIN_LENGTH = 4


def without_invisible(text: str) -> str:
    """The text without the characters that show nothing (INVISIBLE)."""
    return text.translate(_WITHOUT_INVISIBLE)


def normalise_evidence(text: str) -> str:
    """Drop invisible characters, collapse white space, lower-case and strip surrounding punctuation and quotes."""
    return _WHITESPACE.sub(" ", without_invisible(text)).lower().strip(EVIDENCE_SURROUNDING)


def evidence_counts(text: str | None) -> bool:
    """True when `text` names real evidence: 4+ visible characters and not a placeholder."""
    if not text:
        return False
    return _counts(text)


@functools.lru_cache(maxsize=8192)  # reps paste the same evidence into many deals
def _counts(text: str) -> bool:
    normalised = normalise_evidence(text)
    return len(normalised) >= MIN_LENGTH and normalised not in PLACEHOLDERS

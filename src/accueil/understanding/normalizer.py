"""French text normaliser for intent detection.

Lower case, elisions expanded, SMS and spoken forms ("jveux", "bcp", "svp", "pr", "ke"), numbers
in words turned into digits, accents and punctuation removed. `normalize(text, french=False)` keeps
only the language-agnostic steps (used for the English benchmarks).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from unidecode import unidecode

from accueil.understanding.spelled import words_to_digits

_APOSTROPHES = re.compile(r"[’‘`´ʼ′]")
_ELISION = re.compile(r"\b(j|l|d|qu|n|s|m|t|c|jusqu|lorsqu|puisqu|quoiqu)'", re.IGNORECASE)
_ELIDED = {
    "j": "je",
    "l": "le",
    "d": "de",
    "qu": "que",
    "n": "ne",
    "s": "se",
    "m": "me",
    "t": "te",
    "c": "ce",
    "jusqu": "jusque",
    "lorsqu": "lorsque",
    "puisqu": "puisque",
    "quoiqu": "quoique",
}
_KEEP_TOGETHER = re.compile(r"\b(aujourd'hui|s'ils?|n\s?[°º])", re.IGNORECASE)
_KEPT = {"aujourd'hui": "aujourdhui", "s'il": "si il", "s'ils": "si ils"}
_JE_CONTRACTED = re.compile(
    r"\bj(veux|voudrais|voudrai|suis|peux|ai|arrive|narrive|comprends|comprend|dois|sais|pense|me|te|vais|fais|"
    r"trouve|recois|reçois|aimerais|ne|attends|attend|habite|travaille|viens|cherche|souhaite|besoin)\b"
)
_REPEATS = re.compile(r"([a-z])\1{2,}")
_NON_WORD = re.compile(r"[^a-z0-9@]+")
_SPACES = re.compile(r"\s+")

# SMS, chat and spoken forms -> the written form; applied to whole tokens after accents are removed.
SMS_FORMS: Final[dict[str, str]] = {
    "bcp": "beaucoup",
    "svp": "si il vous plait",
    "stp": "si il te plait",
    "svpl": "si il vous plait",
    "slvp": "si il vous plait",
    "pr": "pour",
    "ke": "que",
    "k": "que",
    "kel": "quel",
    "kelle": "quelle",
    "koi": "quoi",
    "kwa": "quoi",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "pourkoi": "pourquoi",
    "pcq": "parce que",
    "pck": "parce que",
    "psk": "parce que",
    "parske": "parce que",
    "tt": "tout",
    "ts": "tous",
    "ds": "dans",
    "vs": "vous",
    "ns": "nous",
    "slt": "salut",
    "bjr": "bonjour",
    "bjour": "bonjour",
    "bsr": "bonsoir",
    "cc": "coucou",
    "mrc": "merci",
    "mci": "merci",
    "mrci": "merci",
    "dsl": "desole",
    "rdv": "rendez vous",
    "qd": "quand",
    "qnd": "quand",
    "qq": "quelque",
    "qqn": "quelqu un",
    "qqun": "quelqu un",
    "qqch": "quelque chose",
    "pb": "probleme",
    "pbm": "probleme",
    "pblm": "probleme",
    "pbs": "problemes",
    "mdp": "mot de passe",
    "tjr": "toujours",
    "tjrs": "toujours",
    "ya": "il y a",
    "jsp": "je ne sais pas",
    "chepa": "je ne sais pas",
    "dc": "donc",
    "mm": "meme",
    "nn": "non",
    "ouai": "oui",
    "ouais": "oui",
    "wi": "oui",
    "vx": "veux",
    "cb": "combien",
    "auj": "aujourdhui",
    "ajd": "aujourdhui",
    "msg": "message",
    "tel": "telephone",
    "num": "numero",
    "chui": "je suis",
    "chuis": "je suis",
    "jai": "je ai",
    "g": "je ai",
    "c": "ce est",
    "ct": "ce etait",
    "fo": "faut",
    "fau": "faut",
    "pa": "pas",
    "ki": "qui",
    "b1": "bien",
    "bi1": "bien",
    "re1": "rien",
    "mwa": "moi",
    "twa": "toi",
    "o": "au",
    "ac": "avec",
    "avc": "avec",
    "ms": "mais",
    "cmt": "comment",
    "cmnt": "comment",
    "tkt": "ne te inquiete pas",
    "stv": "si tu veux",
    "vrmt": "vraiment",
    "cad": "ce est a dire",
    "jusqua": "jusque a",
    "infos": "informations",
    "info": "information",
}


def strip_controls(text: str) -> str:
    """Drop control characters, surrogates and private-use code points (binary input, garbage)."""
    if text.isprintable():
        return text
    return "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"} and ch not in "\n\t" else ch
        for ch in text
    )


def expand_elisions(text: str) -> str:
    """ "j'ai" -> "je ai", "l'attestation" -> "le attestation"; "aujourd'hui" and "s'il" stay readable."""
    text = _APOSTROPHES.sub("'", text)
    text = _KEEP_TOGETHER.sub(lambda m: _KEPT.get(m.group().lower(), "numero "), text)
    return _ELISION.sub(lambda m: _ELIDED[m.group(1).lower()] + " ", text)


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "€": " eur ", "ß": "ss", "’": "'", "«": " ", "»": " "})


def ascii_fold(text: str) -> str:
    """Lower-case ASCII: accents removed (NFKD, fast path), the rest transliterated by unidecode."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    folded = decomposed.encode("ascii", "ignore").decode("ascii")
    if len(folded) < len(decomposed) - sum(unicodedata.combining(ch) > 0 for ch in decomposed):
        folded = unidecode(decomposed)  # other scripts: transliterate rather than drop
    return folded.lower()


def expand_sms(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        token = _JE_CONTRACTED.sub(lambda m: "je " + m.group(1), token)
        out.extend(SMS_FORMS.get(token, token).split())
    return out


def normalize(text: str, *, french: bool = True) -> str:
    """The canonical text the classifier sees: lower case, ASCII, one space between tokens."""
    text = unicodedata.normalize("NFC", strip_controls(text)).lower()
    if french:
        text = words_to_digits(expand_elisions(text))
    text = ascii_fold(text)
    text = _REPEATS.sub(r"\1", text)
    tokens = _NON_WORD.sub(" ", text).split()
    if french:
        tokens = expand_sms(tokens)
    return " ".join(tokens)


def canonical_key(text: str) -> str:
    """A stable key for duplicates and the test split: lower case, no accents, letters and digits only."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", unidecode(unicodedata.normalize("NFC", text)).lower())).strip()

"""French stop words, accent-folded: the Snowball list, elided clitics, and the polite or interrogative words
of questions ("bonjour, comment faire pour..."), which carry no topic. Index and queries use the same list."""

from __future__ import annotations

from typing import Final

_SNOWBALL = """
au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes moi mon ne
nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j
l a m n s t y ete etee etees etes etant etante etants etantes suis es est sommes sont serai seras sera serons
serez seront serais serait serions seriez seraient etais etait etions etiez etaient fus fut fumes futes furent
sois soit soyons soyez soient fusse fusses fut fussions fussiez fussent ayant ayante ayantes ayants eu eue eues
eus ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient avais avait
avions aviez avaient eut eumes eutes eurent aie aies ait ayons ayez aient eusse eusses eussions eussiez eussent
"""

_CLITICS = "qu jusqu lorsqu puisqu quoiqu presqu"

_FUNCTION_WORDS = """
cet cette celui celle ceux celles ceci cela ca dont quoi lequel laquelle lesquels lesquelles auquel auxquels
duquel desquels si ni car donc or sans sous chez vers entre depuis pendant lors puis aussi tres plus moins bien
tout tous toute toutes autre autres meme memes chaque quelque quelques leurs notre votre mien tien sien nos
ici la y
"""

_QUESTION_WORDS = """
comment quel quelle quels quelles pourquoi est-ce bonjour bonsoir merci svp stp madame monsieur voudrais
voudrions souhaite souhaiterais souhaiterait aimerais aimerait puis peux pouvez peut veux voulez faut dois doit
"""

STOPWORDS: Final[frozenset[str]] = frozenset(
    (_SNOWBALL + " " + _CLITICS + " " + _FUNCTION_WORDS + " " + _QUESTION_WORDS).split()
)

ELISIONS: Final[tuple[str, ...]] = (
    "jusqu",
    "lorsqu",
    "puisqu",
    "quoiqu",
    "presqu",
    "qu",
    "l",
    "d",
    "j",
    "n",
    "s",
    "c",
    "m",
    "t",
)

/** `focal_lab/scoring.py`: the lab's criterion kinds (src/core/rubric/kinds.ts) in Python. */
export const SCORING_PY = String.raw`"""The lab's criteria, scored exactly as src/core/rubric/kinds.ts scores them.

A completion's words: its text split on runs of ASCII whitespace (space, tab, newline, carriage
return, form feed, vertical tab), empty pieces dropped; this is how the lab's decoded words join
into text and split back. Words are compared case-folded (str.lower, as the lab's toLowerCase).
The text a pattern searches is the words joined by single spaces, as the lab's rollout text is.
An empty completion scores 0 on every criterion, as in the lab.
"""

import re as _python_re

try:  # google-re2: linear time whatever the pattern, the engine the lab uses (re2js)
    import re2 as _re2
except ImportError:  # pragma: no cover - depends on the environment
    _re2 = None

PATTERN_ENGINE = "re2" if _re2 is not None else "re"

_WHITESPACE = _python_re.compile(r"[ \t\n\r\f\v]+")


def completion_text(completion):
    """A TRL completion is a string, or (conversational) a list of messages: the last one's content."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        content = completion[-1].get("content", "")
        return content if isinstance(content, str) else ""
    raise TypeError(f"cannot read a completion of type {type(completion).__name__}")


def words_of(text):
    return [w for w in _WHITESPACE.split(text) if w]


def fold(word):
    return word.lower()


# A pattern may run on Python's backtracking re only when it means the same there as in RE2.
# Accepted: ASCII letters, digits, spaces, and the operators | ( ) (?: ? * + . ^ $ [ ] - and
# {m} {m,} {m,n}. Refused: any backslash (\d \w \s \b are ASCII in RE2 but Unicode in re), (?
# flags or named groups, POSIX classes [[:x:]], {,n} (a literal in RE2, a repeat in re), and
# nested or set-operation brackets; case-insensitive, also i, I and ranges. On the lab's texts (words joined by single spaces, never a
# newline) $ and . then agree too.
_SAFE_FOR_RE = _python_re.compile(r"[A-Za-z0-9 |()?*+.^$\[\]\-{},]*")


def pattern_means_the_same_in_re(pattern, case_insensitive=False):
    if not _SAFE_FOR_RE.fullmatch(pattern):
        return False
    # Case-insensitive, re also matches i and I with dotless i and dotted I (and so any range
    # that spans them); RE2's simple case folding does not.
    if case_insensitive and ("i" in pattern or "I" in pattern or "-" in pattern):
        return False
    if "(?" in pattern.replace("(?:", "") or "{," in pattern or "[[" in pattern:
        return False
    return "&&" not in pattern and "--" not in pattern and "||" not in pattern


class PatternFallbackRefused(RuntimeError):
    pass


def compile_pattern(pattern, case_insensitive):
    """A search function for the pattern: RE2 when installed, else re where it means the same."""
    if _re2 is not None:
        options = _re2.Options()
        options.case_sensitive = not case_insensitive
        compiled = _re2.compile(pattern, options)
        return lambda text: compiled.search(text) is not None
    if not pattern_means_the_same_in_re(pattern, case_insensitive):
        raise PatternFallbackRefused(
            f"pattern {pattern!r} needs google-re2 (pip install google-re2): Python's re could read it "
            "differently, or take exponential time on it"
        )
    compiled = _python_re.compile(pattern, _python_re.IGNORECASE if case_insensitive else 0)
    return lambda text: compiled.search(text) is not None


def _binary(condition):
    return 1.0 if condition else 0.0


def prepare_scorer(params, lexicon):
    """One scorer per criterion, as src/core/rubric/kinds.ts: (folded words, text, folded topic) -> [0, 1]."""
    kind = params["kind"]
    if kind == "length":
        lo, hi, tolerance = params["min"], params["max"], params["tolerance"]

        def length(words, text, topic):
            n = len(words)
            distance = lo - n if n < lo else n - hi if n > hi else 0
            return max(0.0, 1 - distance / tolerance)

        return length
    if kind == "topic":
        return lambda words, text, topic: _binary(topic != "" and topic in words)
    if kind == "includes":
        listed = {fold(w) for w in params["words"]}
        if params["mode"] == "any":
            return lambda words, text, topic: _binary(any(w in listed for w in words))
        return lambda words, text, topic: len({w for w in words if w in listed}) / len(listed)
    if kind == "avoids":
        listed = {fold(w) for w in params["words"]}
        return lambda words, text, topic: _binary(not any(w in listed for w in words))
    if kind == "no-repeat":
        return lambda words, text, topic: _binary(len(set(words)) == len(words))
    if kind == "starts-with":
        listed = {fold(w) for w in params["words"]}
        return lambda words, text, topic: _binary(len(words) > 0 and words[0] in listed)
    if kind == "ends-with":
        listed = {fold(w) for w in params["words"]}
        return lambda words, text, topic: _binary(len(words) > 0 and words[-1] in listed)
    if kind == "regex":
        search = compile_pattern(params["pattern"], params["caseInsensitive"])
        return lambda words, text, topic: _binary(search(text))
    if kind == "word-class":
        members = {fold(w) for w in lexicon["wordClasses"][params["wordClass"]]}
        at_least = params["min"]
        return lambda words, text, topic: min(1.0, sum(1 for w in words if w in members) / at_least)
    if kind == "rhyme":
        rhyme_class = {}
        for word, cls in lexicon["rhymes"]:  # pairs in the lab's order: the first folded key wins
            rhyme_class.setdefault(fold(word), cls)

        def rhyme(words, text, topic):
            last = words[-1]
            last_class = rhyme_class.get(last)
            return _binary(last != topic and last_class is not None and last_class == rhyme_class.get(topic))

        return rhyme
    raise ValueError(f"unknown criterion kind {kind!r}")


def score_one(scorer, completion, topic):
    """One criterion's score of one completion (topic: the prompt's topic word, or "")."""
    raw_words = words_of(completion_text(completion))
    if not raw_words:  # an empty output is never rewarded
        return 0.0
    words = [fold(w) for w in raw_words]
    return float(scorer(words, " ".join(raw_words), fold((topic or "").strip())))
`;

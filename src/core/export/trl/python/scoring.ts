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


# Without google-re2, a pattern runs on Python's re through a translation (to_python_re): RE2's
# syntax read as RE2 reads it (docs/export.md in Focal Lab says how each construct maps), written
# out with explicit code-point classes, so that re's Unicode defaults never apply: \d \w \s are
# RE2's ASCII classes, \b and \B run under re.ASCII (ASCII word characters, as in RE2), $ is \Z
# (re's $ also matches before a final newline) and case-insensitive matching is RE2's simple case
# folding written out as classes (k also matches U+212A KELVIN SIGN and s U+017F LONG S, as in RE2;
# re's own IGNORECASE is never used). Only what cannot be written exactly is refused, naming the
# construct: Unicode classes (\p, \P), and non-ASCII letters or ranges under case-insensitive
# matching (re and RE2 fold them with different tables).
#
# Time: re backtracks where RE2 does not. The translation bounds the ways the pattern can match at
# one position of a text as long as the lab's longest (the task's maxNew words of its longest word,
# the lab's own cap): alternatives add (or, when they start with different characters, one at most
# matches), concatenation multiplies, a repeat of a one-way part adds one way per repetition count
# (none when the next part starts outside its class: \w+ followed by a space ends in one place). A
# repeat of a part that can match in several ways (exponential backtracking: (a|ab)*, (a*)*) and a
# pattern over MAX_WAYS (.*.*.* on a long text) are refused, naming the part; below the bound a
# search takes at most MAX_WAYS backtracking paths per text position on the lab's texts.
MAX_WAYS = 100_000


class PatternFallbackRefused(RuntimeError):
    pass


_MAX_CP = 0x10FFFF
_WORD = [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
_PERL = {"d": [(0x30, 0x39)], "s": [(0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)], "w": _WORD}
_POSIX = {
    "alnum": [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)],
    "alpha": [(0x41, 0x5A), (0x61, 0x7A)],
    "ascii": [(0x00, 0x7F)],
    "blank": [(0x09, 0x09), (0x20, 0x20)],
    "cntrl": [(0x00, 0x1F), (0x7F, 0x7F)],
    "digit": [(0x30, 0x39)],
    "graph": [(0x21, 0x7E)],
    "lower": [(0x61, 0x7A)],
    "print": [(0x20, 0x7E)],
    "punct": [(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
    "space": [(0x09, 0x0D), (0x20, 0x20)],
    "upper": [(0x41, 0x5A)],
    "word": _WORD,
    "xdigit": [(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)],
}
# RE2's case-folding orbits that leave ASCII: k K U+212A, s S U+017F.
_ORBIT_EXTRA = {ord("k"): 0x212A, ord("K"): 0x212A, ord("s"): 0x17F, ord("S"): 0x17F}


def _clean(ranges):
    out = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _negate(ranges):
    out, next_lo = [], 0
    for lo, hi in _clean(ranges):
        if lo > next_lo:
            out.append((next_lo, lo - 1))
        next_lo = hi + 1
    if next_lo <= _MAX_CP:
        out.append((next_lo, _MAX_CP))
    return out


def _fold(ranges, what):
    """RE2's simple case folding of ASCII ranges; beyond ASCII re's tables and RE2's may differ."""
    out = list(ranges)
    for lo, hi in ranges:
        if hi > 0x7F:
            raise PatternFallbackRefused(f"{what} beyond ASCII under case-insensitive matching")
        for c in range(lo, hi + 1):
            ch = chr(c)
            for other in {ch.lower(), ch.upper()}:
                out.append((ord(other), ord(other)))
            if c in _ORBIT_EXTRA:
                out.append((_ORBIT_EXTRA[c], _ORBIT_EXTRA[c]))
    return _clean(out)


def _q(text):
    return f"'{text}'"


def _caseless(c):
    """A character outside every case-folding orbit (no upper, lower or folded form of its own)."""
    ch = chr(c)
    return c > 0x7F and ch.lower() == ch.upper() == ch.casefold() == ch


def _emit_class(ranges):
    ranges = _clean(ranges)
    if not ranges:
        return "(?!)"
    esc = lambda c: "\\U%08x" % c  # noqa: E731
    return "[" + "".join(esc(lo) if lo == hi else f"{esc(lo)}-{esc(hi)}" for lo, hi in ranges) + "]"


class _Node:
    """A translated part: its re text; ways, a bound on the ways it can match at one position;
    nullable (it can match empty); first, the characters a non-empty match can start with; single
    (it matches exactly one character, of first)."""

    def __init__(self, py, ways=1, nullable=False, first=(), single=False):
        self.py, self.ways, self.nullable, self.first, self.single = py, ways, nullable, list(first), single


def _disjoint(a, b):
    a, b = _clean(a), _clean(b)
    return all(hi1 < lo2 or hi2 < lo1 for lo1, hi1 in a for lo2, hi2 in b)


_EMPTY = lambda py: _Node(py, nullable=True)  # noqa: E731  (anchors, \b, flag groups)


class _Translator:
    """RE2 syntax (patterns the lab accepted) to an equivalent re pattern, with its ways bound."""

    def __init__(self, pattern, case_insensitive, max_text):
        self.p, self.i, self.n = pattern, 0, max_text
        self.flags = {"i": case_insensitive, "m": False, "s": False}

    def refuse(self, construct):
        raise PatternFallbackRefused(construct)

    def peek(self, k=0):
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def check(self, node, start):
        if node.ways > MAX_WAYS:
            self.refuse(
                f"{_q(self.p[start:self.i])} can match at one position in about "
                f"{float(min(node.ways, 10**300)):.0e} ways on a {self.n}-character text (the lab's "
                "longest for this task), and re backtracks through them"
            )
        return node

    def alternation(self):
        start = self.i
        branches = [self.concat()]
        while self.peek() == "|":
            self.i += 1
            branches.append(self.concat())
        if len(branches) == 1:
            return branches[0]
        # Branches that cannot match empty and start with different characters: one at most matches.
        exclusive = not any(b.nullable for b in branches) and all(
            _disjoint(a.first, b.first) for k, a in enumerate(branches) for b in branches[k + 1 :]
        )
        ways = max(b.ways for b in branches) if exclusive else sum(b.ways for b in branches)
        first = [r for b in branches for r in b.first]
        node = _Node("|".join(b.py for b in branches), ways, any(b.nullable for b in branches), first)
        return self.check(node, start)

    def concat(self):
        start = self.i
        parts = []
        while self.peek() not in ("", "|", ")"):
            parts.append(self.repeat())
        ways, first, nullable = 1, [], True
        for k, part in enumerate(parts):
            if nullable:
                first += part.first
            nullable = nullable and part.nullable
            w = part.ways
            after = parts[k + 1] if k + 1 < len(parts) else None
            # A run of one class followed by a character outside it ends in one place only.
            if getattr(part, "run", None) is not None and after is not None and not after.nullable:
                if _disjoint(part.run, after.first):
                    w = 1
            ways *= w
        node = _Node("".join(p.py for p in parts), ways, nullable, first)
        return self.check(node, start)

    def repeat(self):
        start = self.i
        node = self.atom()
        c = self.peek()
        bounds = None
        if c in ("*", "+", "?"):
            self.i += 1
            bounds = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
        elif c == "{":
            m = _python_re.match(r"\{(\d+)(,(\d*))?\}", self.p[self.i :])
            if m:  # otherwise { is a literal, as in RE2 ({,n} included)
                self.i += m.end()
                lo = int(m.group(1))
                hi = lo if m.group(2) is None else (int(m.group(3)) if m.group(3) else None)
                bounds = (lo, hi)
        if bounds is None:
            return node
        if self.peek() == "?":  # non-greedy: the same texts match (only a match's extent differs)
            self.i += 1
        lo, hi = bounds
        py = "(?:%s){%d,%s}" % (node.py, lo, "" if hi is None else hi)
        top = self.n + 1 if hi is None else min(hi, self.n + 1)
        if lo == hi:
            ways = node.ways**lo
        elif hi == 1:
            ways = node.ways + 1
        elif node.ways > 1 or node.nullable:
            self.refuse(
                f"{_q(self.p[start:self.i])}, a repeat of a part that can match in several ways, "
                "can make re backtrack exponentially"
            )
        else:
            ways = max(1, top - min(lo, top) + 1)
        out = _Node(py, ways, lo == 0 or node.nullable, node.first)
        out.run = node.first if node.single and hi != lo else None
        return self.check(out, start)

    def fold_range(self, lo, hi, what):
        if not self.flags["i"] or (lo == hi and _caseless(lo)):
            return [(lo, hi)]
        return _fold([(lo, hi)], what)

    def chars(self, ranges):
        return _Node(_emit_class(ranges), first=ranges, single=True)

    def literal(self, c):
        return self.chars(self.fold_range(c, c, f"the letter {_q(chr(c))}"))

    def group_ranges(self, ranges, negated, what):
        if self.flags["i"]:
            ranges = _fold(ranges, what)
        return _negate(ranges) if negated else ranges

    def atom(self):
        c = self.peek()
        if c == "(":
            return self.group()
        if c == "[":
            return self.chars(self.bracket())
        if c == ".":
            self.i += 1
            return self.chars([(0, _MAX_CP)] if self.flags["s"] else _negate([(10, 10)]))
        if c == "^":
            self.i += 1
            return _EMPTY("(?m:^)" if self.flags["m"] else "\\A")
        if c == "$":
            self.i += 1
            return _EMPTY("(?m:$)" if self.flags["m"] else "\\Z")
        if c == "\\":
            return self.escape()
        self.i += 1
        return self.literal(ord(c))

    def group(self):
        self.i += 1  # (
        saved = dict(self.flags)
        if self.peek() == "?":
            m = _python_re.match(r"\?(P?<\w+>|[imsU-]*:|[imsU-]*\))", self.p[self.i :])
            if not m:
                self.refuse(f"the group {_q(self.p[self.i - 1 : self.i + 4])}")
            token = m.group(1)
            self.i += m.end()
            if token.endswith(")") or token.endswith(":"):
                on = True
                for f in token[:-1]:
                    if f == "-":
                        on = False
                    elif f in self.flags:
                        self.flags[f] = on
                    # U (ungreedy) only changes a match's extent, not whether there is one
                if token.endswith(")"):  # (?i) sets the flags for the rest of the enclosing group
                    return _EMPTY("")
        node = self.alternation()
        self.i += 1  # )
        self.flags = saved
        node.py = f"(?:{node.py})"
        return node

    def perl(self, letter):
        return self.group_ranges(_PERL[letter.lower()], letter.isupper(), f"\\{letter}")

    def escape_code(self):
        """A character escape at self.i (after the backslash): its code point, or None."""
        c = self.peek()
        simple = {"a": 7, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
        if c in simple:
            self.i += 1
            return simple[c]
        if c == "x":
            m = _python_re.match(r"x(\{([0-9A-Fa-f]+)\}|[0-9A-Fa-f]{2})", self.p[self.i :])
            self.i += m.end()
            return int(m.group(2) or m.group(1), 16)
        if c in "01234567" and c:
            m = _python_re.match(r"[0-7]{1,3}", self.p[self.i :])
            self.i += m.end()
            return int(m.group(0), 8)
        if c and c < "\x80" and not c.isalnum():
            self.i += 1
            return ord(c)
        return None

    def escape(self):
        self.i += 1  # backslash
        c = self.peek()
        if c in ("b", "B") and c:
            self.i += 1
            # Under re.ASCII: ASCII word characters, as in RE2. re's \B never matches an empty text.
            return _EMPTY("\\b" if c == "b" else "(?:\\B|\\A\\Z)")
        if c in ("A", "z") and c:
            self.i += 1
            return _EMPTY("\\A" if c == "A" else "\\Z")
        if c in "dDsSwW" and c:
            self.i += 1
            return self.chars(self.perl(c))
        if c in ("p", "P") and c:
            self.refuse(f"the Unicode class {_q(self.p[self.i - 1 : self.i + 2])} (re has no Unicode classes)")
        if c == "Q":  # \Q...\E: literal characters, each one an atom (a repeat after \E takes the last)
            end = self.p.find("\\E", self.i + 1)
            stop, after = (len(self.p), len(self.p)) if end < 0 else (end, end + 2)
            quoted = "".join("\\" + ch if ch < "\x80" and not ch.isalnum() else ch for ch in self.p[self.i + 1 : stop])
            self.p = self.p[: self.i - 1] + quoted + self.p[after:]
            self.i -= 1
            return self.atom() if quoted else _EMPTY("")
        code = self.escape_code()
        if code is None:
            self.refuse(f"the escape {_q(self.p[self.i - 1 : self.i + 1])}")
        return self.literal(code)

    def bracket(self):
        """A bracketed class at self.i: its code-point ranges (folded and negated as RE2 does)."""
        self.i += 1  # [
        negated = self.peek() == "^"
        if negated:
            self.i += 1
        ranges, first = [], True
        while first or self.peek() != "]":
            first = False
            if self.p.startswith("[:", self.i):
                m = _python_re.match(r"\[:(\^?)(\w+):\]", self.p[self.i :])
                if m and m.group(2) in _POSIX:
                    self.i += m.end()
                    ranges += self.group_ranges(_POSIX[m.group(2)], m.group(1) == "^", m.group(0))
                    continue
            if self.peek() == "\\" and self.peek(1) in tuple("dDsSwW"):
                self.i += 2
                ranges += self.perl(self.p[self.i - 1])
                continue
            if self.peek() == "\\" and self.peek(1) in ("p", "P"):
                self.refuse(f"the Unicode class {_q(self.p[self.i : self.i + 3])} (re has no Unicode classes)")
            start = self.i
            lo = self.class_char()
            hi = lo
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.i += 1
                hi = self.class_char()
            ranges += self.fold_range(lo, hi, f"the range {_q(self.p[start : self.i])}")
        self.i += 1  # ]
        return _clean(_negate(ranges) if negated else ranges)

    def class_char(self):
        c = self.peek()
        if c == "\\":
            self.i += 1
            code = self.escape_code()
            if code is None:
                self.refuse(f"the escape {_q(self.p[self.i - 1 : self.i + 1])} in a class")
            return code
        self.i += 1
        return ord(c)


def to_python_re(pattern, case_insensitive, max_text):
    """The re pattern that finds a match exactly where RE2 finds one (compile it with re.ASCII).
    Raises PatternFallbackRefused, with the construct, where that is impossible or too slow."""
    t = _Translator(pattern, case_insensitive, max_text)
    node = t.alternation()
    if t.i != len(t.p):
        t.refuse(f"the unmatched {_q(t.p[t.i])}")
    return node.py


def compile_pattern(pattern, case_insensitive, max_text=400):
    """A search function for the pattern: RE2 when installed, else re through to_python_re.
    max_text: the longest text the lab gives the pattern (the ways bound of the fallback)."""
    if _re2 is not None:
        options = _re2.Options()
        options.case_sensitive = not case_insensitive
        compiled = _re2.compile(pattern, options)
        return lambda text: compiled.search(text) is not None
    try:
        compiled = _python_re.compile(to_python_re(pattern, case_insensitive, max_text), _python_re.ASCII)
    except PatternFallbackRefused as error:
        raise PatternFallbackRefused(
            f"pattern {_q(pattern)} cannot run on Python's re as in RE2: {error}; install google-re2 for it"
        ) from None
    return lambda text: compiled.search(text) is not None


def max_text_length(vocabulary, max_words):
    """The lab's longest text: max_words words of the task's longest word, single spaces between."""
    longest = max((len(w) for w in vocabulary), default=1)
    return max_words * (longest + 1) - 1


def _binary(condition):
    return 1.0 if condition else 0.0


def prepare_scorer(params, lexicon, max_text=400):
    """One scorer per criterion, as src/core/rubric/kinds.ts: (folded words, text, folded topic) -> [0, 1].
    max_text: the lab's longest text for the task (max_text_length), for the pattern fallback."""
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
        search = compile_pattern(params["pattern"], params["caseInsensitive"], max_text)
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

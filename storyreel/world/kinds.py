"""The names of the procedural asset kinds: what planners may ask for and what ``assets.build_asset`` builds."""

from __future__ import annotations

#: Kinds that act: articulated, and cast as characters by planners.
CHARACTER_KINDS: frozenset[str] = frozenset(
    {
        "person",
        "child",
        "elder",
        "dog",
        "cat",
        "bird",
        "horse",
        "fish",
        "cow",
        "car",
        "bus",
        "truck",
        "bicycle",
        "boat",
        "plane",
        "robot",
        "dragon",
        "fox",
        "wolf",
        "panda",
        "bear",
        "raccoon",
        "rabbit",
        "deer",
        "elephant",
        "giraffe",
        "lion",
        "tiger",
        "pig",
        "sheep",
        "goat",
        "mouse",
        "corgi",
    }
)

#: Kinds that stand still unless something moves them.
PROP_KINDS: frozenset[str] = frozenset(
    {
        "ball",
        "tree",
        "pine",
        "house",
        "table",
        "chair",
        "bench",
        "lamp",
        "rock",
        "mountain",
        "flower",
        "bush",
        "box",
        "tower",
        "bed",
        "sofa",
        "cloud",
        "rocket",
        "fence",
        "generic",
    }
)

KINDS: frozenset[str] = CHARACTER_KINDS | PROP_KINDS

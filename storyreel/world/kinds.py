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
        # sea animals
        "whale",
        "dolphin",
        "shark",
        "octopus",
        "crab",
        "turtle",
        # insects and spiders
        "bee",
        "butterfly",
        "ant",
        "spider",
        "ladybug",
        # reptiles and amphibians
        "snake",
        "lizard",
        "crocodile",
        "frog",
        # vehicles
        "motorbike",
        "helicopter",
        "drone",
        "train",
        "ship",
        "submarine",
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
        # buildings
        "lighthouse",
        "castle",
        "shop",
        "barn",
        "tent",
        # furniture
        "desk",
        "shelf",
        "cupboard",
        # plants
        "cactus",
        "palm",
        "mushroom",
        "grass",
        # food and dishes
        "burger",
        "pizza",
        "cake",
        "apple",
        "bread",
        "cup",
        "mug",
        "plate",
        "bowl",
        "spoon",
        "bottle",
        # instruments
        "guitar",
        "violin",
        "drum",
        "piano",
        "trumpet",
        # tools and devices
        "phone",
        "laptop",
        "camera",
        "book",
        "umbrella",
        "lantern",
        "hammer",
        "sword",
        "telescope",
        "clock",
        "key",
        # toys
        "kite",
        "teddy",
        "balloon",
        "surfboard",
        "skateboard",
        "doll",
        "toy_car",
    }
)

KINDS: frozenset[str] = CHARACTER_KINDS | PROP_KINDS

#: Instruments one plays: "plays the guitar" is a hand's work, not a game.
INSTRUMENT_KINDS: frozenset[str] = frozenset({"guitar", "violin", "drum", "piano", "trumpet"})

#: Things one opens or works in one's hands: "he opens his umbrella" holds it; "she opens the door" does not.
HANDHELD_KINDS: frozenset[str] = frozenset(
    {"umbrella", "book", "laptop", "phone", "camera", "lantern", "bottle", "key", "guitar", "violin", "trumpet"}
)

#: Furniture that stands indoors: a story that names one and no place is set in a room ("Lily sits on the sofa").
INDOOR_KINDS: frozenset[str] = frozenset({"bed", "sofa", "desk", "shelf", "cupboard"})

#: Kinds that are people (they sit on seats, wear clothes).
PEOPLE_KINDS: frozenset[str] = frozenset({"person", "child", "elder"})

#: Where a kind belongs: 'air' (flying a few metres up), 'water' (floating at the surface) or 'underwater'
#: (swimming just below it); any other kind stands on the ground.
HABITATS: dict[str, str] = {
    **dict.fromkeys(("bird", "plane", "helicopter", "drone", "butterfly", "bee", "kite", "balloon"), "air"),
    **dict.fromkeys(("boat", "ship"), "water"),
    **dict.fromkeys(("fish", "whale", "dolphin", "shark", "octopus", "submarine"), "underwater"),
}

#: What one rides (sitting on it, carried where it goes), and the height of its seat as a share of its height.
MOUNTS: dict[str, float] = {"horse": 0.62, "elephant": 0.78, "bicycle": 0.82, "motorbike": 0.7}

"""The word lists the rule planner reads a story with: nouns to asset kinds, verbs to actions, settings, time,
weather, colours, sizes, spatial phrases, and the closed-class English words that tell ordinary words from nouns.

Everything here is data; ``rules.py`` holds the reading. Keys are lower-case singular nouns and verb base forms;
``rules.py`` reduces plurals and inflections to them.
"""

from __future__ import annotations

from collections.abc import Collection

from storyreel.schema import LocationKind, Relation, Style, TimeOfDay, Verb, Weather


def _words(text: str) -> frozenset[str]:
    """A word list written as one space-separated string."""
    return frozenset(text.split())


#: Noun -> asset kind (a key of ``storyreel.world.kinds.KINDS``).
NOUN_KINDS: dict[str, str] = {
    # people
    **dict.fromkeys(
        _words(
            "person man woman lady gentleman guy adult friend stranger owner farmer teacher doctor nurse "
            "police policeman policewoman officer driver pilot sailor captain astronaut scientist chef cook "
            "king queen prince princess knight wizard witch mother father mom mum dad parent "
            "aunt uncle brother sister husband wife neighbor neighbour traveler "
            "traveller hiker runner musician artist soldier worker fisherman shopkeeper waiter detective "
            "explorer people crowd citizen tourist passenger ghost"
        ),
        "person",
    ),
    **dict.fromkeys(
        _words("child kid boy girl baby toddler son daughter student pupil youngster"),
        "child",
    ),
    **dict.fromkeys(_words("dog puppy pup hound terrier poodle retriever beagle doggy"), "dog"),
    **dict.fromkeys(_words("cat kitten kitty tomcat tabby"), "cat"),
    **dict.fromkeys(
        _words(
            "bird sparrow eagle hawk owl crow raven pigeon dove seagull gull parrot robin duck goose swan "
            "falcon chick hen chicken rooster penguin"
        ),
        "bird",
    ),
    **dict.fromkeys(_words("horse pony stallion mare foal donkey zebra unicorn"), "horse"),
    **dict.fromkeys(_words("fish goldfish salmon trout tuna"), "fish"),
    **dict.fromkeys(_words("cow bull calf ox cattle"), "cow"),
    **dict.fromkeys(_words("car automobile taxi cab jeep sedan van limousine racecar"), "car"),
    **dict.fromkeys(_words("bus coach minibus tram"), "bus"),
    **dict.fromkeys(_words("truck lorry tractor pickup firetruck ambulance"), "truck"),
    **dict.fromkeys(_words("bicycle bike cycle tricycle"), "bicycle"),
    **dict.fromkeys(_words("boat ship yacht canoe kayak sailboat ferry raft steamer"), "boat"),
    **dict.fromkeys(_words("plane airplane aeroplane jet aircraft airliner glider"), "plane"),
    **dict.fromkeys(_words("robot android droid machine cyborg bot"), "robot"),
    **dict.fromkeys(_words("dragon dinosaur monster beast wyvern"), "dragon"),
    # props
    **dict.fromkeys(_words("ball football soccerball basketball orb"), "ball"),
    **dict.fromkeys(_words("tree oak palm maple willow birch elm sapling"), "tree"),
    **dict.fromkeys(_words("pine fir spruce evergreen cedar"), "pine"),
    **dict.fromkeys(_words("house cottage cabin hut building shed"), "house"),
    **dict.fromkeys(_words("table counter"), "table"),
    **dict.fromkeys(_words("chair stool seat armchair throne"), "chair"),
    **dict.fromkeys(_words("bench parkbench"), "bench"),
    **dict.fromkeys(_words("lamp lamppost streetlight streetlamp torch"), "lamp"),
    **dict.fromkeys(_words("rock stone boulder pebble"), "rock"),
    **dict.fromkeys(_words("flower rose tulip daisy sunflower lily blossom"), "flower"),
    **dict.fromkeys(_words("bush shrub hedge plant"), "bush"),
    **dict.fromkeys(_words("box crate package parcel chest present gift suitcase book"), "box"),
    **dict.fromkeys(_words("mountain volcano"), "mountain"),
    **dict.fromkeys(_words("tower skyscraper"), "tower"),
    **dict.fromkeys(_words("bed cot crib hammock"), "bed"),
    **dict.fromkeys(_words("sofa couch settee"), "sofa"),
    **dict.fromkeys(_words("cloud"), "cloud"),
    **dict.fromkeys(_words("rocket spaceship spacecraft shuttle ufo starship"), "rocket"),
    **dict.fromkeys(_words("fence wall railing gate"), "fence"),
    # kinds of their own
    **dict.fromkeys(_words("grandmother grandfather grandma grandpa granny grandad pensioner"), "elder"),
    **dict.fromkeys(_words("wolf"), "wolf"),
    **dict.fromkeys(_words("fox vixen"), "fox"),
    **dict.fromkeys(_words("panda"), "panda"),
    **dict.fromkeys(_words("bear grizzly"), "bear"),
    **dict.fromkeys(_words("raccoon"), "raccoon"),
    **dict.fromkeys(_words("rabbit bunny hare"), "rabbit"),
    **dict.fromkeys(_words("deer stag reindeer"), "deer"),
    **dict.fromkeys(_words("elephant"), "elephant"),
    **dict.fromkeys(_words("giraffe"), "giraffe"),
    **dict.fromkeys(_words("lion lioness"), "lion"),
    **dict.fromkeys(_words("tiger"), "tiger"),
    **dict.fromkeys(_words("pig piglet"), "pig"),
    **dict.fromkeys(_words("sheep lamb"), "sheep"),
    **dict.fromkeys(_words("goat"), "goat"),
    **dict.fromkeys(_words("mouse rat hamster"), "mouse"),
    **dict.fromkeys(_words("corgi"), "corgi"),
    **dict.fromkeys(_words("whale"), "whale"),
    **dict.fromkeys(_words("dolphin porpoise"), "dolphin"),
    **dict.fromkeys(_words("shark"), "shark"),
    **dict.fromkeys(_words("octopus squid"), "octopus"),
    **dict.fromkeys(_words("crab lobster"), "crab"),
    **dict.fromkeys(_words("turtle tortoise"), "turtle"),
    **dict.fromkeys(_words("bee bumblebee wasp"), "bee"),
    **dict.fromkeys(_words("butterfly moth"), "butterfly"),
    **dict.fromkeys(_words("ant"), "ant"),
    **dict.fromkeys(_words("spider"), "spider"),
    **dict.fromkeys(_words("ladybug ladybird beetle"), "ladybug"),
    **dict.fromkeys(_words("snake serpent"), "snake"),
    **dict.fromkeys(_words("lizard gecko iguana"), "lizard"),
    **dict.fromkeys(_words("crocodile alligator"), "crocodile"),
    **dict.fromkeys(_words("frog toad"), "frog"),
    **dict.fromkeys(_words("motorbike motorcycle scooter"), "motorbike"),
    **dict.fromkeys(_words("helicopter"), "helicopter"),
    **dict.fromkeys(_words("drone"), "drone"),
    **dict.fromkeys(_words("train locomotive"), "train"),
    **dict.fromkeys(_words("submarine"), "submarine"),
    **dict.fromkeys(_words("lighthouse"), "lighthouse"),
    **dict.fromkeys(_words("castle palace fortress"), "castle"),
    **dict.fromkeys(_words("shop store bakery cafe"), "shop"),
    **dict.fromkeys(_words("barn"), "barn"),
    **dict.fromkeys(_words("tent"), "tent"),
    **dict.fromkeys(_words("desk"), "desk"),
    **dict.fromkeys(_words("shelf bookshelf bookcase"), "shelf"),
    **dict.fromkeys(_words("cupboard wardrobe cabinet closet"), "cupboard"),
    **dict.fromkeys(_words("cactus"), "cactus"),
    **dict.fromkeys(_words("mushroom toadstool"), "mushroom"),
    **dict.fromkeys(_words("grass"), "grass"),
    **dict.fromkeys(_words("burger hamburger"), "burger"),
    **dict.fromkeys(_words("pizza"), "pizza"),
    **dict.fromkeys(_words("cake cupcake"), "cake"),
    **dict.fromkeys(_words("apple"), "apple"),
    **dict.fromkeys(_words("bread"), "bread"),
    **dict.fromkeys(_words("cup teacup"), "cup"),
    **dict.fromkeys(_words("mug"), "mug"),
    **dict.fromkeys(_words("plate"), "plate"),
    **dict.fromkeys(_words("bowl"), "bowl"),
    **dict.fromkeys(_words("spoon"), "spoon"),
    **dict.fromkeys(_words("bottle"), "bottle"),
    **dict.fromkeys(_words("guitar"), "guitar"),
    **dict.fromkeys(_words("violin fiddle cello"), "violin"),
    **dict.fromkeys(_words("drum drums"), "drum"),
    **dict.fromkeys(_words("piano"), "piano"),
    **dict.fromkeys(_words("trumpet"), "trumpet"),
    **dict.fromkeys(_words("phone telephone smartphone"), "phone"),
    **dict.fromkeys(_words("laptop computer"), "laptop"),
    **dict.fromkeys(_words("camera"), "camera"),
    **dict.fromkeys(_words("book notebook diary"), "book"),
    **dict.fromkeys(_words("umbrella parasol"), "umbrella"),
    **dict.fromkeys(_words("lantern"), "lantern"),
    **dict.fromkeys(_words("hammer"), "hammer"),
    **dict.fromkeys(_words("sword"), "sword"),
    **dict.fromkeys(_words("clock"), "clock"),
    **dict.fromkeys(_words("key"), "key"),
    **dict.fromkeys(_words("kite"), "kite"),
    **dict.fromkeys(_words("teddy"), "teddy"),
    **dict.fromkeys(_words("balloon"), "balloon"),
    **dict.fromkeys(_words("surfboard"), "surfboard"),
    **dict.fromkeys(_words("skateboard"), "skateboard"),
    **dict.fromkeys(_words("doll puppet"), "doll"),
}

#: Nouns that say whether a person is a he or a she, so pronouns pick the right one.
MALE_NOUNS: frozenset[str] = _words(
    "man gentleman guy policeman king prince father dad grandfather grandpa uncle brother husband boy son "
    "fisherman wizard knight"
)
FEMALE_NOUNS: frozenset[str] = _words(
    "woman lady policewoman queen princess mother mom mum grandmother grandma aunt sister wife girl daughter witch"
)

#: Verb base form -> the action it plays.
VERBS: dict[str, Verb] = {
    **dict.fromkeys(
        _words(
            "walk stroll wander amble march stride step tiptoe go come head move return arrive leave enter "
            "cross pass approach climb explore travel visit hike patrol pace limp trot carry bring fetch lead "
            "search roam"
        ),
        Verb.WALK,
    ),
    **dict.fromkeys(_words("run sprint dash race jog rush hurry flee escape bolt gallop scamper charge"), Verb.RUN),
    **dict.fromkeys(_words("chase follow pursue hunt track catch tail"), Verb.CHASE),
    **dict.fromkeys(_words("jump leap hop bounce skip spring vault dance play celebrate cheer"), Verb.JUMP),
    **dict.fromkeys(_words("sit kneel squat lie lay settle perch crouch land"), Verb.SIT),
    **dict.fromkeys(_words("fly soar glide hover flutter flap swoop float launch orbit drift circle"), Verb.FLY),
    **dict.fromkeys(_words("swim dive paddle splash surf wade"), Verb.SWIM),
    **dict.fromkeys(_words("drive ride sail steer cruise row zoom honk pedal"), Verb.DRIVE),
    **dict.fromkeys(
        _words(
            "talk say speak chat tell ask answer reply shout yell call whisper sing bark meow growl laugh "
            "greet meet explain argue cry scream chirp beep crow quack purr roar howl buzz"
        ),
        Verb.TALK,
    ),
    **dict.fromkeys(
        _words(
            "look watch see stare gaze glance peer notice spot observe find discover smile nod listen "
            "hear read study admire wonder"
        ),
        Verb.LOOK,
    ),
    **dict.fromkeys(
        _words(
            "idle sleep rest wait stand stay nap doze relax pause stop park hide eat drink think dream hold cook "
            "bake write paint knit give hand offer feed put show fish"
        ),
        Verb.IDLE,
    ),
    **dict.fromkeys(_words("roll tumble spin kick throw toss push hit shove"), Verb.ROLL),
    **dict.fromkeys(_words("wave raise point beckon salute signal gesture lift"), Verb.GESTURE),
    **dict.fromkeys(_words("open close shut light switch press touch reach grab pick unlock knock"), Verb.HANDLE),
    **dict.fromkeys(_words("clap applaud"), Verb.CLAP),
    **dict.fromkeys(_words("shake shiver tremble shudder wiggle wobble"), Verb.SHAKE),
    **dict.fromkeys(_words("slide skate ski sled"), Verb.WALK),
    "take": Verb.HANDLE,  # "takes the cup"; "the plane takes off" flies
    "turn": Verb.WALK,  # "the truck turns into a side road", "she turns to him"; "turns off the lamp" is handled
}

#: Verbs that tag quoted speech with who says it ('"Hi," she whispers.'), whatever action they play.
SPEECH_VERBS: frozenset[str] = _words(
    "say tell ask answer reply respond shout yell call whisper cry scream shriek sing speak exclaim mutter murmur "
    "mumble add continue laugh sigh gasp giggle chuckle sob wail bark growl roar chirp squeak grumble insist beg "
    "announce declare explain suggest repeat agree promise warn hiss snap bellow holler greet"
)

#: Particles after "turn" that make it a hand's work on a thing: "she turns off the lamp".
TURN_HANDLE_PARTICLES: frozenset[str] = frozenset({"on", "off", "out", "up", "down"})

#: WordNet's lexicographer files (verb.*) of verbs a viewer sees done: a verb whose most frequent sense is in one
#: of these and that VERBS does not know ("falls", "claps", "opens his umbrella") is an action the world cannot act
#: out (``Shot.unstaged``). Thinking, feeling, saying, seeing and having (cognition, emotion, communication,
#: perception, possession, stative) are not, nor are social acts ("helps", "takes"), whose sense is too loose.
VISIBLE_VERB_FILES: frozenset[str] = frozenset(
    {"body", "change", "competition", "consumption", "contact", "creation", "motion"}
)

#: Verbs whose doer sets its object moving: "kicks the ball" rolls the ball.
TRANSFER_VERBS: frozenset[str] = frozenset({"kick", "throw", "toss", "push", "hit", "shove"})

#: Irregular inflections -> base form.
IRREGULAR_VERBS: dict[str, str] = {
    "ran": "run",
    "flew": "fly",
    "flown": "fly",
    "swam": "swim",
    "swum": "swim",
    "drove": "drive",
    "driven": "drive",
    "rode": "ride",
    "ridden": "ride",
    "sat": "sit",
    "said": "say",
    "spoke": "speak",
    "spoken": "speak",
    "saw": "see",
    "seen": "see",
    "slept": "sleep",
    "went": "go",
    "gone": "go",
    "came": "come",
    "left": "leave",
    "leapt": "leap",
    "leaped": "leap",
    "caught": "catch",
    "threw": "throw",
    "thrown": "throw",
    "told": "tell",
    "found": "find",
    "heard": "hear",
    "stood": "stand",
    "lay": "lie",
    "lain": "lie",
    "lying": "lie",
    "led": "lead",
    "brought": "bring",
    "held": "hold",
    "hid": "hide",
    "hidden": "hide",
    "ate": "eat",
    "met": "meet",
    "eaten": "eat",
    "drank": "drink",
    "sang": "sing",
    "sung": "sing",
    "dove": "dive",
    "sprang": "spring",
    "sprung": "spring",
    "spun": "spin",
    "strode": "stride",
    "fled": "flee",
    "thought": "think",
    "dreamt": "dream",
    "laid": "lay",
}

#: Irregular plurals -> singular.
IRREGULAR_PLURALS: dict[str, str] = {
    "men": "man",
    "women": "woman",
    "children": "child",
    "people": "people",
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "sheep": "sheep",
    "fish": "fish",
    "deer": "deer",
    "wolves": "wolf",
    "calves": "calf",
    "policemen": "policeman",
    "fishermen": "fisherman",
    "oxen": "ox",
    "cattle": "cattle",
}

#: Setting words -> the kind of location they put a shot in.
SETTINGS: dict[str, LocationKind] = {
    **dict.fromkeys(_words("park garden playground yard backyard lawn zoo"), LocationKind.PARK),
    **dict.fromkeys(_words("street road avenue alley sidewalk pavement crossroads highway lane"), LocationKind.STREET),
    **dict.fromkeys(
        _words("beach shore coast seaside seashore bay harbor harbour pier riverbank riverside lakeside"),
        LocationKind.BEACH,
    ),
    **dict.fromkeys(_words("forest woods wood jungle woodland grove rainforest"), LocationKind.FOREST),
    **dict.fromkeys(
        _words(
            "room house home kitchen bedroom bathroom office classroom hall hallway apartment library attic "
            "basement studio cafe restaurant"
        ),
        LocationKind.ROOM,
    ),
    **dict.fromkeys(_words("space orbit galaxy planet moon mars cosmos spacestation"), LocationKind.SPACE),
    **dict.fromkeys(_words("ocean sea lake waves underwater river stream creek pond lagoon"), LocationKind.OCEAN),
    **dict.fromkeys(_words("mountain mountains hill hills cliff peak summit valley canyon"), LocationKind.MOUNTAIN),
    **dict.fromkeys(_words("city town downtown village skyline square plaza market"), LocationKind.CITY),
    **dict.fromkeys(_words("desert dune dunes oasis sahara"), LocationKind.DESERT),
    **dict.fromkeys(_words("snow arctic tundra glacier snowfield antarctica igloo"), LocationKind.SNOW),
    **dict.fromkeys(
        _words("field meadow farm countryside prairie pasture grassland savanna cornfield graveyard cemetery"),
        LocationKind.FIELD,
    ),
}

#: Two-word settings, read before single words.
SETTING_PHRASES: dict[tuple[str, str], LocationKind] = {
    ("living", "room"): LocationKind.ROOM,
    ("dining", "room"): LocationKind.ROOM,
    ("outer", "space"): LocationKind.SPACE,
    ("north", "pole"): LocationKind.SNOW,
    ("south", "pole"): LocationKind.SNOW,
    ("space", "station"): LocationKind.SPACE,
    ("river", "bank"): LocationKind.BEACH,  # land at the water's edge, the water behind
    ("lake", "shore"): LocationKind.BEACH,
}

#: Setting words that name a place only after a locative preposition ("in the house", "on the moon"); elsewhere
#: they are a prop, a weather or a backdrop ("a red house", "the snow fell", "the moon rose").
PLACE_NEEDS_PREPOSITION: frozenset[str] = frozenset({"house", "mountain", "moon", "snow", "hill"})

#: Prepositions that put a ``PLACE_NEEDS_PREPOSITION`` word as the place itself: "in the house", "on the moon"
#: ("walked to a house" passes a house where the story already is).
ENCLOSING_PREPOSITIONS: frozenset[str] = _words("in inside into within on onto up atop")

#: Prepositions that put the story beside a water, not in it: "at the lake", "by the sea", "along the river" are
#: its shore (land at the water's edge, the water behind).
SHORE_PREPOSITIONS: frozenset[str] = _words("at by beside near along")

#: Clothes: not props; a colour on them dresses their wearer ("a woman in a red coat").
CLOTHING: frozenset[str] = _words(
    "coat raincoat jacket dress shirt hat cap scarf sweater jumper cloak cape suit hoodie uniform skirt gown robe "
    "boots shoes helmet vest overalls"
)

#: Prepositions that put what follows them as the place of the action.
LOCATIVE_PREPOSITIONS: frozenset[str] = _words(
    "in inside into at through across to around along within on onto toward towards over past from by near "
    "down up under beneath above"
)

TIMES: dict[str, TimeOfDay] = {
    **dict.fromkeys(_words("morning dawn sunrise daybreak breakfast"), TimeOfDay.DAWN),
    **dict.fromkeys(_words("noon day daytime midday afternoon lunchtime today"), TimeOfDay.DAY),
    **dict.fromkeys(_words("evening sunset dusk twilight sundown supper"), TimeOfDay.DUSK),
    **dict.fromkeys(_words("night midnight tonight nighttime overnight moonlight nightfall"), TimeOfDay.NIGHT),
}

WEATHERS: dict[str, Weather] = {
    **dict.fromkeys(
        _words("rain raining rained rainy drizzle drizzling downpour shower showers"),
        Weather.RAIN,
    ),
    **dict.fromkeys(_words("storm stormy thunderstorm thunder gale tempest lightning"), Weather.STORM),
    **dict.fromkeys(_words("snow snowing snowed snowy snowfall blizzard snowflakes"), Weather.SNOW),
    **dict.fromkeys(_words("fog foggy mist misty haze hazy"), Weather.FOG),
    **dict.fromkeys(_words("cloudy clouds overcast gloomy"), Weather.CLOUDY),
    **dict.fromkeys(_words("sunny clear sunshine cloudless"), Weather.CLEAR),
}

#: Colour names -> sRGB in [0, 1].
COLORS: dict[str, tuple[float, float, float]] = {
    "red": (0.86, 0.12, 0.12),
    "orange": (0.98, 0.55, 0.10),
    "yellow": (0.98, 0.86, 0.15),
    "green": (0.20, 0.65, 0.25),
    "blue": (0.15, 0.35, 0.85),
    "purple": (0.55, 0.25, 0.70),
    "pink": (0.98, 0.60, 0.75),
    "brown": (0.50, 0.32, 0.16),
    "black": (0.08, 0.08, 0.08),
    "white": (0.95, 0.95, 0.95),
    "gray": (0.50, 0.50, 0.50),
    "grey": (0.50, 0.50, 0.50),
    "gold": (0.90, 0.72, 0.20),
    "golden": (0.90, 0.72, 0.20),
    "silver": (0.75, 0.76, 0.78),
    "teal": (0.00, 0.50, 0.50),
    "cyan": (0.10, 0.80, 0.85),
    "navy": (0.05, 0.10, 0.40),
    "maroon": (0.50, 0.05, 0.10),
    "beige": (0.90, 0.85, 0.70),
    "tan": (0.82, 0.70, 0.55),
    "violet": (0.56, 0.35, 0.85),
    "turquoise": (0.25, 0.85, 0.80),
    "crimson": (0.75, 0.08, 0.24),
    "magenta": (0.90, 0.10, 0.70),
    "lime": (0.65, 0.90, 0.20),
    "olive": (0.45, 0.48, 0.15),
    "ivory": (1.00, 0.98, 0.90),
    "indigo": (0.29, 0.00, 0.51),
    "scarlet": (1.00, 0.14, 0.00),
}

#: Size words -> scale against a kind's natural size.
SIZES: dict[str, float] = {
    "tiny": 0.5,
    "miniature": 0.5,
    "small": 0.75,
    "little": 0.8,
    "big": 1.4,
    "large": 1.5,
    "tall": 1.3,
    "huge": 2.2,
    "enormous": 2.6,
    "giant": 3.0,
    "gigantic": 3.0,
    "massive": 2.5,
}

#: Adjectives the planner keeps as descriptors (and never takes for nouns).
ADJECTIVES: frozenset[str] = _words(
    "old young new happy sad tired hungry brave fluffy shiny quiet loud fast slow bright dark beautiful pretty ugly "
    "wet dry cold hot warm cool friendly curious lonely lost busy empty crowded short long wide narrow heavy strange "
    "mysterious magic magical wooden metal plastic favourite favorite own only whole entire soft round sleepy playful "
    "excited scared angry gentle wild cute fat thin clever smart good bad great nice best small tiny shaggy striped "
    "spotted furry old-fashioned rusty shiny sparkling glowing broken lazy busy noisy calm still proud silly funny "
    "fierce kind mean grumpy cheerful shy bold loyal faithful ancient modern distant nearby"
)

#: Words that count or pick rather than describe: read inside a noun phrase, never kept as descriptors.
QUANTIFIERS: frozenset[str] = _words(
    "own only whole entire same other another first second third last next few many several every each one two "
    "three four five six seven eight nine ten dozen hundred"
)

#: Endings that mark an unknown word as an adjective rather than a noun ("a shiny telescope").
ADJECTIVE_SUFFIXES: tuple[str, ...] = ("ful", "ous", "ive", "ish", "less", "able", "ible", "ic", "y")

#: Spatial phrases -> relation of the entity before the phrase to the entity after it. The schema has no "under";
#: the nearest relation a layout can honour without stacking the reference on top is "next to".
SPATIAL_PHRASES: dict[tuple[str, ...], Relation] = {
    ("to", "the", "left", "of"): Relation.LEFT_OF,
    ("to", "the", "right", "of"): Relation.RIGHT_OF,
    ("in", "front", "of"): Relation.IN_FRONT_OF,
    ("on", "top", "of"): Relation.ON,
    ("next", "to"): Relation.NEXT_TO,
    ("close", "to"): Relation.NEXT_TO,
    ("left", "of"): Relation.LEFT_OF,
    ("right", "of"): Relation.RIGHT_OF,
    ("beside",): Relation.NEXT_TO,
    ("besides",): Relation.NEXT_TO,
    ("near",): Relation.NEXT_TO,
    ("by",): Relation.NEXT_TO,
    ("alongside",): Relation.NEXT_TO,
    ("behind",): Relation.BEHIND,
    ("on",): Relation.ON,
    ("onto",): Relation.ON,
    ("atop",): Relation.ON,
    ("upon",): Relation.ON,
    ("under",): Relation.NEXT_TO,
    ("beneath",): Relation.NEXT_TO,
    ("underneath",): Relation.NEXT_TO,
    ("below",): Relation.NEXT_TO,
}

#: Number words -> how many things a noun phrase counts ("two children" are two characters).
COUNTS: dict[str, int] = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "dozen": 12, "hundred": 100,
}  # fmt: skip

#: Words that open a noun phrase: the planner's signal that a noun follows.
DETERMINERS: frozenset[str] = _words(
    "a an the his her their its my our your some this that these those another every each two three four five six "
    "seven eight nine ten several many few"
)

#: Subject and object pronouns the planner resolves to a character.
PRONOUNS: frozenset[str] = _words("he him she her it they them")

#: Closed-class English words (and common auxiliaries): never nouns.
FUNCTION_WORDS: frozenset[str] = _words(
    "a an the and or but nor so yet for of to in on at by with from into onto over under above below between among "
    "through across along around about after before behind beside besides near off out up down upon within without "
    "toward towards past until till since while when where whenever as than then there here this that these those "
    "it its it's he him his she her hers they them their theirs we us our ours you your yours i me my mine who whom "
    "whose which what why how all any both each every some no not none one each other another such own same "
    "is are was were be been being am do does did doing done have has had having will would shall should can could "
    "may might must also just only very too quite really again still already soon now never always often once "
    "suddenly finally later together away back if because though although even ever every don't didn't can't "
    "won't isn't wasn't couldn't wouldn't let 's like"
)

#: Nouns that name a part of a scene, a body or a span of time, not a thing to build: never props, never unknown.
STOP_NOUNS: frozenset[str] = _words(
    "time moment minute minutes hour hours second seconds week year years while way end beginning start rest lot bit "
    "kind sort thing things something everything nothing anything someone everyone anyone nobody world sky ground "
    "air water sun stars star light wind breeze grass sand dirt mud wave horizon shadow shadows sound noise voice "
    "song game fun story idea name life heart head eye eyes face hand hands arm arms leg legs foot feet tail nose "
    "ear ears mouth paw paws wing wings back side top bottom middle edge center centre corner front left right "
    "distance direction path trail one ones others same first last next turn chance place spot area way journey "
    "adventure trip day days night nights hello goodbye joy surprise fear love smile tears inside outside moon "
    "weather rainbow sunlight moonlight tooth teeth"
)

#: Capitalised words that open sentences without being names.
SENTENCE_OPENERS: frozenset[str] = _words(
    "then suddenly meanwhile later soon finally once today tomorrow yesterday tonight everyone nobody somebody "
    "someone somewhere outside inside together afterwards eventually still again now here there next first "
    "after before when while one yes no oh wow hello goodbye everybody nothing something in on at"
)

#: Nouns after a determiner that name an action ("took a walk"): the action, done by the clause's subject.
NOMINAL_ACTIONS: frozenset[str] = _words(
    "walk stroll run jog race sprint swim dive ride drive flight nap chat talk look glance jump leap hop"
)

#: Style words a prompt uses for the look it wants, as regular expressions over the lower-cased text -> the raster
#: look that comes closest (the first one the text names wins).
LOOK_PHRASES: dict[str, Style] = {
    r"\bwatercolou?rs?\b|\baquarelle\b|\bink wash\b": Style.WATERCOLOR,
    r"\boil[- ](painting|paint|on canvas)s?\b|\bin oils\b|\bimpasto\b|\bimpressionist\b": Style.OIL,
    r"\bneon\b|\bcyberpunk\b|\bsynthwave\b|\bvaporwave\b": Style.NEON,
    r"\bclaymation\b|\bplasticine\b|\bstop[- ]motion\b|\bclay\b": Style.CLAY,
    r"\bcartoon\b|\banime\b|\bcel[- ]shaded\b|\bcomic\b": Style.TOON,
    r"\bflat (design|colou?rs?|illustration)\b|\bminimalist\b|\blow[- ]poly\b": Style.FLAT,
}


def verb_lemma(word: str, known: Collection[str]) -> str | None:
    """The base form of ``word`` (lower case) if it is an inflection of a verb in ``known``: walks, walked, walking,
    cried, and the irregular forms (ran, said)."""
    if word in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[word] if IRREGULAR_VERBS[word] in known else None
    candidates = [word]
    if word.endswith("ies") or word.endswith("ied"):
        candidates.append(word[:-3] + "y")
    if word.endswith("s"):
        candidates += [word[:-1], word[:-2]]
    if word.endswith("ed"):
        candidates += [word[:-1], word[:-2], word[:-3]]
    if word.endswith("ing"):
        candidates += [word[:-3], word[:-3] + "e", word[:-4]]
    return next((candidate for candidate in candidates if candidate in known), None)

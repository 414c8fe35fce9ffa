"""The offline rule planner: story text in, a valid, deterministic storyboard out."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from storyreel.planners.coverage import CLOSE_SIZES
from storyreel.planners.lexicon import NOUN_KINDS
from storyreel.planners.rules import MAX_SHOTS, MAX_STORY_CHARS, StoryError, plan_story
from storyreel.schema import (
    Action,
    CameraAngle,
    CameraMove,
    Coverage,
    LocationKind,
    Relation,
    Seen,
    ShotSize,
    Storyboard,
    TimeOfDay,
    Transition,
    Verb,
    Weather,
)
from storyreel.world.kinds import CHARACTER_KINDS, KINDS, PROP_KINDS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "stories"


def _kind_of(board: Storyboard, entity: str) -> str:
    for character in board.cast:
        if character.id == entity:
            return character.kind
    for location in board.locations:
        for prop in location.props:
            if prop.id == entity:
                return prop.kind
    raise KeyError(entity)


def _actions(board: Storyboard) -> set[tuple[str, Verb, str | None]]:
    return {(a.actor, a.verb, a.target) for shot in board.shots for a in shot.actions}


def test_lexicon_maps_150_plus_synonyms_onto_library_kinds() -> None:
    assert len(NOUN_KINDS) >= 150
    assert set(NOUN_KINDS.values()) <= KINDS


@pytest.mark.parametrize(
    ("noun", "kind"),
    [
        ("puppy", "dog"),
        ("hound", "dog"),
        ("terrier", "dog"),
        ("kitten", "cat"),
        ("automobile", "car"),
        ("taxi", "car"),
        ("yacht", "boat"),
        ("ship", "boat"),
        ("airplane", "plane"),
        ("jet", "plane"),
        ("sparrow", "bird"),
        ("eagle", "bird"),
        ("woman", "person"),
        ("girl", "child"),
    ],
)
def test_synonyms_become_cast_of_the_library_kind(noun: str, kind: str) -> None:
    board = plan_story(f"The {noun} moved slowly.")
    assert [c.kind for c in board.cast] == [kind]
    assert kind in CHARACTER_KINDS


@pytest.mark.parametrize(("noun", "kind"), [("oak", "tree"), ("palm", "tree"), ("boulder", "rock"), ("couch", "sofa")])
def test_prop_synonyms_become_location_props(noun: str, kind: str) -> None:
    board = plan_story(f"A dog sat next to the {noun}.")
    props = board.locations[0].props
    assert [p.kind for p in props] == [kind]
    assert kind in PROP_KINDS
    assert board.unknown_nouns == []


def test_proper_names_bound_to_nouns_and_alone() -> None:
    board = plan_story("A dog named Rex ran to Mia. Max the cat watched them. Her robot Zed beeped.")
    cast = {c.id: (c.name, c.kind) for c in board.cast}
    assert cast["rex"] == ("Rex", "dog")
    assert cast["mia"] == ("Mia", "person")
    assert cast["max"] == ("Max", "cat")
    assert cast["zed"] == ("Zed", "robot")
    assert "dog" not in cast and "cat" not in cast  # the noun and the name are one character


def test_sentence_initial_common_words_are_not_names() -> None:
    board = plan_story("Suddenly the dog barked. Then it jumped. Later the dog slept.")
    assert [c.id for c in board.cast] == ["dog"]


def test_pronouns_resolve_to_the_last_matching_character() -> None:
    board = plan_story("Tom met a girl named Ana in the park. She waved at him, and then he ran to her.")
    actions = _actions(board)
    assert ("ana", Verb.GESTURE, "tom") in actions
    assert ("tom", Verb.RUN, "ana") in actions


def test_it_means_the_thing_not_the_named_character() -> None:
    board = plan_story("Rex the dog found a ball. He kicked it.")
    assert ("ball", Verb.ROLL, None) in _actions(board)
    assert ("rex", Verb.LOOK, "ball") in _actions(board)


def test_unknown_noun_is_a_listed_generic_prop() -> None:
    board = plan_story("A girl looked through a shiny zorbascope.")
    props = board.locations[0].props
    assert [(p.name, p.kind, p.generic) for p in props] == [("zorbascope", "generic", True)]
    assert board.unknown_nouns == ["zorbascope"]
    assert props[0].appearance.descriptors == ["shiny"]


@pytest.mark.parametrize(
    ("sentence", "verb"),
    [
        ("The dog walks to the tree.", Verb.WALK),
        ("The dog walked to the tree.", Verb.WALK),
        ("The dog was walking to the tree.", Verb.WALK),
        ("The dog strolled to the tree.", Verb.WALK),
        ("The dog ran to the tree.", Verb.RUN),
        ("The dog sprints to the tree.", Verb.RUN),
        ("The dog pursued the cat.", Verb.CHASE),
        ("The dog hopped over the rock.", Verb.JUMP),
        ("The dog stared at the tree.", Verb.LOOK),
        ("The dog slept under the tree.", Verb.IDLE),
    ],
)
def test_verbs_in_any_inflection_become_actions(sentence: str, verb: Verb) -> None:
    board = plan_story(sentence)
    first = board.shots[0].actions[0]
    assert (first.actor, first.verb) == ("dog", verb)
    assert first.target is not None


def test_verbs_take_the_next_entity_as_target_and_fit_the_actor() -> None:
    board = plan_story("The puppy chased a red ball. A taxi raced past the bus. The eagle soared over the ship.")
    actions = _actions(board)
    assert ("puppy", Verb.CHASE, "ball") in actions
    assert ("taxi", Verb.DRIVE, "bus") in actions  # a car races by driving
    assert ("eagle", Verb.FLY, "ship") in actions


def test_settings_time_and_weather_choose_locations() -> None:
    board = plan_story(
        "On a foggy morning a man walked along the beach. Then he drove to the city. That night it rained in the city."
    )
    kinds = [(loc.kind, loc.time_of_day, loc.weather) for loc in board.locations]
    assert kinds == [
        (LocationKind.BEACH, TimeOfDay.DAWN, Weather.FOG),
        (LocationKind.CITY, TimeOfDay.DAWN, Weather.FOG),
        (LocationKind.CITY, TimeOfDay.NIGHT, Weather.RAIN),
    ]
    assert [shot.location for shot in board.shots] == [loc.id for loc in board.locations]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("A brown bear catches a salmon in the river.", LocationKind.OCEAN),
        ("A duck paddles across the pond.", LocationKind.OCEAN),
        ("An old man feeds the ducks at the lake.", LocationKind.BEACH),  # beside a water: its shore
        ("A girl walks along the river.", LocationKind.BEACH),
        ("A boat sails on the calm lake.", LocationKind.OCEAN),
        ("A vampire walks through a foggy graveyard.", LocationKind.FIELD),
    ],
)
def test_waters_and_open_ground_are_settings(text: str, kind: LocationKind) -> None:
    assert [location.kind for location in plan_story(text).locations] == [kind]


def test_story_returns_to_the_same_location() -> None:
    board = plan_story("A boy played in the park. He walked down the street. He went back to the park.")
    assert [shot.location for shot in board.shots] == ["park", "street", "park"]


def test_no_setting_means_one_park_by_day() -> None:
    board = plan_story("A cat sat quietly.")
    assert [(loc.kind, loc.time_of_day, loc.weather) for loc in board.locations] == [
        (LocationKind.PARK, TimeOfDay.DAY, Weather.CLEAR)
    ]


def test_colour_and_size_dress_the_character_in_every_shot() -> None:
    board = plan_story("A huge green dragon slept. The dragon woke and flew away. A tiny blue bird followed it.")
    dragon = next(c for c in board.cast if c.kind == "dragon")
    assert (dragon.appearance.color, dragon.appearance.size) == ("green", 2.2)
    assert dragon.appearance.rgb is not None and dragon.appearance.rgb[1] > dragon.appearance.rgb[0]
    bird = next(c for c in board.cast if c.kind == "bird")
    assert (bird.appearance.color, bird.appearance.size) == ("blue", 0.5)
    assert len(board.cast) == 2  # "the dragon" is the same dragon


def test_clothes_colour_their_wearer() -> None:
    board = plan_story("A woman in a red coat walked home.")
    assert board.cast[0].appearance.color == "red"
    assert board.unknown_nouns == []


@pytest.mark.parametrize(
    ("phrase", "relation"),
    [
        ("next to", Relation.NEXT_TO),
        ("beside", Relation.NEXT_TO),
        ("behind", Relation.BEHIND),
        ("in front of", Relation.IN_FRONT_OF),
        ("on", Relation.ON),
        ("to the left of", Relation.LEFT_OF),
        ("right of", Relation.RIGHT_OF),
        ("under", Relation.NEXT_TO),
    ],
)
def test_spatial_phrases_become_placements(phrase: str, relation: Relation) -> None:
    board = plan_story(f"A cat sat {phrase} a bench.")
    placements = [(p.subject, p.relation, p.reference) for p in board.locations[0].placements]
    assert placements == [("cat", relation, "bench")]


@pytest.mark.parametrize(
    ("story", "held"),
    [
        ("A man stands in a field. A boy runs to him with a kite.", ("kite", "boy")),
        ("A girl with a red balloon walks in the park.", ("balloon", "girl")),
        ("Tom carries a bag.", ("bag", "tom")),
        ("She holds a lamp.", ("lamp", "woman")),
        ("Tom brings a ball to the dog.", ("ball", "tom")),
    ],
)
def test_props_with_someone_or_carried_are_held(story: str, held: tuple[str, str]) -> None:
    board = plan_story(story)
    placements = [(p.subject, p.reference) for p in board.locations[0].placements if p.relation is Relation.HELD_BY]
    assert placements == [held]
    assert all(action.target != held[0] for shot in board.shots for action in shot.actions)


def test_a_dog_with_a_ball_holds_nothing() -> None:
    board = plan_story("A dog with a ball runs in the park.")
    assert all(p.relation is not Relation.HELD_BY for p in board.locations[0].placements)


def test_what_a_sentence_names_together_stands_together() -> None:
    board = plan_story("The old woman feeds the bird bread at the table. A dragon flies over the tower.")
    placements = {(p.subject, p.relation, p.reference) for p in board.locations[0].placements}
    assert placements == {("bread", Relation.HELD_BY, "woman"), ("table", Relation.NEXT_TO, "woman")}


def test_thing_before_a_spatial_phrase_is_placed() -> None:
    board = plan_story("The girl waited at a bench next to an oak tree.")
    placements = [(p.subject, p.relation, p.reference) for p in board.locations[0].placements]
    assert placements == [("bench", Relation.NEXT_TO, "tree")]


def test_shot_grammar() -> None:
    board = plan_story((EXAMPLES / "dog_and_ball.txt").read_text())
    shots = board.shots
    assert shots[0].size in {ShotSize.WIDE, ShotSize.EXTREME_WIDE}
    assert shots[0].transition == Transition.FADE
    assert all(shot.transition == Transition.CUT for shot in shots[1:])  # one location
    for before, after in itertools.pairwise(shots):
        assert (before.size, before.angle) != (after.size, after.angle)
    assert len({shot.move for shot in shots}) >= 3
    assert len({shot.angle for shot in shots}) >= 2
    talks = [shot for shot in shots if shot.actions and shot.actions[0].verb == Verb.TALK]
    assert talks and all(shot.must_see(shot.actions[0].actor) is Seen.FACE for shot in talks)
    alone = [shot for shot in talks if len(shot.subjects) == 1]  # a close shot holds one face
    assert all(shot.size in {ShotSize.MEDIUM_CLOSE_UP, ShotSize.CLOSE_UP} for shot in alone)
    together = [shot for shot in talks if len(shot.subjects) > 1]  # "Rex barked at the cat": both seen
    assert together and all(shot.size in {ShotSize.MEDIUM, ShotSize.FULL, ShotSize.WIDE} for shot in together)
    chase = next(shot for shot in shots if shot.actions and shot.actions[0].verb == Verb.CHASE)
    assert chase.size in {ShotSize.FULL, ShotSize.WIDE} and chase.move in {CameraMove.TRACK, CameraMove.PAN}
    assert all(3.0 <= shot.duration <= 6.0 for shot in shots)


def test_new_location_is_established_with_a_dissolve() -> None:
    board = plan_story("A bird flew over the forest. It landed on a rock. Then it flew to the ocean. It dove.")
    established = [shot for shot in board.shots if shot.transition != Transition.CUT]
    assert [shot.id for shot in established] == ["shot_01", "shot_03"]
    assert established[1].transition == Transition.DISSOLVE
    assert established[1].size in {ShotSize.WIDE, ShotSize.EXTREME_WIDE}
    assert board.shots[1].size not in {ShotSize.WIDE, ShotSize.EXTREME_WIDE}


def test_clause_splitting_and_merging() -> None:
    board = plan_story("The dog ran, and the cat jumped; the bird sang and then the fish swam. The end.")
    assert [shot.description for shot in board.shots] == [
        "The dog ran",
        "the cat jumped",
        "the bird sang",
        "the fish swam. The end.",
    ]
    lists = plan_story("Mia packed a ball, a box, and a lamp.")
    assert len(lists.shots) == 1


def test_shots_are_capped() -> None:
    board = plan_story(" ".join(f"The dog ran to tree number {n}." for n in range(40)))
    assert len(board.shots) == MAX_SHOTS


def test_deterministic_for_text_and_seed() -> None:
    text = (EXAMPLES / "city_night.txt").read_text()
    first = plan_story(text, seed=3).model_dump_json()
    assert plan_story(text, seed=3).model_dump_json() == first
    Storyboard.model_validate_json(first)


def test_options_and_title() -> None:
    board = plan_story("A robot walked in space.", fps=30, title="Alone")
    assert board.title == "Alone" and all(round(s.duration * 30, 6).is_integer() for s in board.shots)
    assert all(round(shot.duration * 30, 6).is_integer() for shot in board.shots)
    assert plan_story("Once upon a time a dragon slept.").title == "Once upon a time a dragon"


def test_one_sentence_story() -> None:
    board = plan_story("A red car drives down the street.")
    assert len(board.shots) == 1
    assert board.locations[0].kind == LocationKind.STREET
    assert board.cast[0].kind == "car" and board.cast[0].appearance.color == "red"
    assert board.shots[0].actions[0].verb == Verb.DRIVE


def test_story_without_nouns_idles_a_person_in_a_park() -> None:
    board = plan_story("It was quiet and calm.")
    assert [c.kind for c in board.cast] == ["person"]
    assert board.locations[0].kind == LocationKind.PARK
    assert board.shots[0].actions[0].verb == Verb.IDLE


def test_three_paragraph_story() -> None:
    text = (
        "Early one morning, Lily and her old dog Biscuit walked to the beach.\n\n"
        "Biscuit chased a white seagull along the shore, then he jumped into the sea. Lily laughed at him.\n\n"
        "In the evening they walked home. Lily sat on the sofa, and Biscuit slept beside her."
    )
    board = plan_story(text)
    cast = {c.id: c for c in board.cast}
    assert cast["biscuit"].kind == "dog" and cast["biscuit"].appearance.descriptors == ["old"]
    assert cast["lily"].kind == "person"
    assert [loc.kind for loc in board.locations] == [LocationKind.BEACH, LocationKind.ROOM]  # the sea is the beach's
    assert board.locations[-1].time_of_day == TimeOfDay.DUSK
    assert ("biscuit", Verb.CHASE, "seagull") in _actions(board)
    assert ("lily", Verb.TALK, "biscuit") in _actions(board)
    placements = [(p.subject, p.relation, p.reference) for p in board.locations[-1].placements]
    assert ("biscuit", Relation.NEXT_TO, "lily") in placements
    assert ("lily", Relation.ON, "sofa") in placements
    assert CameraAngle.EYE in {shot.angle for shot in board.shots}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_example_stories_plan_cleanly(path: Path) -> None:
    board = plan_story(path.read_text())
    assert 3 <= len(board.shots) <= 10
    assert all(shot.subjects and shot.actions for shot in board.shots)
    assert all(c.kind in CHARACTER_KINDS | PROP_KINDS for c in board.cast)  # a prop taken along is cast too
    assert all(p.kind in PROP_KINDS for loc in board.locations for p in loc.props)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the story is empty"),
        ("   \n\t ", "the story is empty"),
        ("... 123 !!! 42", "the story has no words"),
        ("Le chien court dans le parc avec son ami.", "reads English stories; translate it"),
        ("Собака бежит по парку за мячом.", "reads English stories; translate it"),
        ("小狗在公园里追着红色的球跑。", "reads English stories; translate it"),
    ],
)
def test_bad_input_raises_a_helpful_story_error(text: str, expected: str) -> None:
    with pytest.raises(StoryError, match=expected) as caught:
        plan_story(text)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_too_long_story_names_length_limit_and_fix() -> None:
    text = "The dog ran. " * (MAX_STORY_CHARS // 13 + 10)
    with pytest.raises(StoryError) as caught:
        plan_story(text)
    message = str(caught.value)
    assert f"{len(text):,}" in message and f"{MAX_STORY_CHARS:,}" in message and "split" in message


def test_no_words_message_gives_an_example() -> None:
    with pytest.raises(StoryError, match=r"write at least one sentence, e\.g\. 'A dog"):
        plan_story("?!")


def test_a_thing_the_story_takes_along_is_one_cast_member_in_every_location():
    board = plan_story("A fox sleeps in the forest. The fox runs to the beach. Then the fox swims in the ocean.")
    foxes = [c.id for c in board.cast if c.name == "fox"] + [p.id for loc in board.locations for p in loc.props]
    assert foxes == ["fox"], foxes
    assert len({shot.location for shot in board.shots}) >= 2
    assert all("fox" in shot.subjects for shot in board.shots)

    lantern = plan_story(
        "Mia finds a lantern in the forest. She carries the lantern to the house. The lantern glows in the kitchen."
    )
    ids = [c.id for c in lantern.cast] + [p.id for loc in lantern.locations for p in loc.props]
    assert ids.count("lantern") == 1 and not [i for i in ids if i.startswith("lantern_")], ids
    assert "lantern" in {c.id for c in lantern.cast}
    assert {shot.location for shot in lantern.shots if "lantern" in shot.subjects} == {"forest", "kitchen"}


def test_indoors_has_no_weather_and_outdoors_keeps_it():
    board = plan_story("Mia walks in the snowy forest. She goes into the kitchen. Then she walks to the park.")
    weather = {location.kind.value: location.weather.value for location in board.locations}
    assert weather == {"forest": "snow", "room": "clear", "park": "snow"}, weather


# ---------------------------------------------------------------------------------------- the language front end


def _cast(board: Storyboard) -> list[tuple[str, str]]:
    return [(c.id, c.kind) for c in board.cast]


def _props(board: Storyboard) -> list[tuple[str, str]]:
    return [(p.name, p.kind) for location in board.locations for p in location.props]


@pytest.mark.parametrize(
    "text",
    [
        "A hedgehog surfing at sunset",
        "an astronaut cat, watercolor",
        "Love",
        "Neon city at night, cyberpunk style",
        "Close-up of a lion yawning",
        "Kangaroo boxing",
        "A photorealistic portrait of a tiger",
        "Steampunk airship above the clouds",
    ],
)
def test_short_english_prompts_are_not_refused(text: str) -> None:
    board = plan_story(text)
    assert board.shots


@pytest.mark.parametrize(
    "text",
    ["Le chat dort.", "El perro corre en el parque.", "Der Hund läuft im Park.", "De hond rent door het park."],
)
def test_other_languages_get_the_one_line_refusal(text: str) -> None:
    with pytest.raises(StoryError, match="reads English stories; translate it"):
        plan_story(text)


@pytest.mark.parametrize(
    ("text", "cast", "props"),
    [
        ("A koala eats leaves.", [("koala", "bear")], []),
        ("Two otters climb a fence.", [("otter", "dog"), ("otter_2", "dog")], [("fence", "fence")]),
        ("A girl plays the cello.", [("girl", "child")], [("cello", "violin")]),
        ("A glider flies over the field.", [("glider", "plane")], []),
        ("A sandwich on a table", [], [("sandwich", "burger"), ("table", "table")]),
        ("An alien steps out of a spaceship.", [("alien", "person")], [("spaceship", "rocket")]),
        ("A teddy bear sits on the bed.", [], [("teddy bear", "teddy"), ("bed", "bed")]),
        ("Ice cream melting in the summer sun", [], [("ice cream", "box")]),
    ],
)
def test_nouns_the_lexicon_lacks_are_drawn_by_their_wordnet_kind(
    text: str, cast: list[tuple[str, str]], props: list[tuple[str, str]]
) -> None:
    board = plan_story(text)
    assert _cast(board) == cast or (not cast and [c.kind for c in board.cast] == ["person"])
    assert _props(board) == props
    assert board.unknown_nouns == []


@pytest.mark.parametrize(
    "text",
    [
        "An oil painting of a lighthouse in a storm",
        "A watercolor of a fox in the snow",
        "A vibrant color explosion over a field of tulips",
        "A vibrant, serene cozy cabin in the woods",
        "The idea of freedom",
        "A moment of silence",
    ],
)
def test_style_words_adjectives_and_abstract_nouns_build_nothing(text: str) -> None:
    board = plan_story(text)
    names = {p.name for location in board.locations for p in location.props} | {c.name for c in board.cast}
    assert names.isdisjoint({"painting", "oil", "watercolor", "color", "explosion", "vibrant", "serene", "cozy"})
    assert names.isdisjoint({"idea", "freedom", "moment", "silence"})
    assert board.unknown_nouns == []


def test_speech_is_not_scenery() -> None:
    board = plan_story('"Come with me, my friend," the old wizard said to the boy.')
    assert _cast(board) == [("wizard", "elder"), ("boy", "child")]
    board = plan_story('"Hello, Earth," said the robot as it landed in the field.')
    assert _cast(board) == [("robot", "robot")]
    assert ("robot", Verb.TALK, None) in _actions(board)


def test_a_quotation_does_not_end_the_sentence() -> None:
    board = plan_story('"Hold on!" he shouts.')
    assert len(board.shots) == 1
    assert [a.verb for a in board.shots[0].actions] == [Verb.TALK]
    board = plan_story('"Stop. Come back!" she shouted. The dog ran to the tree.')
    assert len(board.shots) == 2


def test_a_verb_after_its_subject_is_not_a_noun() -> None:
    board = plan_story("Her brother cooks dinner in the kitchen.")
    assert _cast(board) == [("brother", "person")]
    board = plan_story("Bob waves.")
    assert [location.kind for location in board.locations] == [LocationKind.PARK]
    assert ("bob", Verb.GESTURE, None) in _actions(board)
    board = plan_story("The rooster crows and the cows walk to the barn.")
    assert [c.kind for c in board.cast] == ["bird", "cow"]


def test_counts_cast_that_many_and_the_plural_means_the_group() -> None:
    board = plan_story("Two children play with a puppy. The children laugh.")
    assert _cast(board) == [("child", "child"), ("child_2", "child"), ("puppy", "dog")]
    assert {a.actor for a in board.shots[1].actions} == {"child", "child_2"}
    board = plan_story("A hundred birds fly over the lake.")
    assert [c.kind for c in board.cast] == ["bird"] * 6


@pytest.mark.parametrize(
    ("text", "cast"),
    [
        ("A fox sneaks through the tall grass.", [("fox", "fox")]),
        ("A clock ticks on the wall.", []),
        ("A horse grazes in a meadow at dawn.", [("horse", "horse")]),
        ("A bear and a rabbit share a picnic in the forest.", [("bear", "bear"), ("rabbit", "rabbit")]),
    ],
)
def test_a_verb_the_tagger_took_for_a_noun_is_no_compound(text: str, cast: list[tuple[str, str]]) -> None:
    board = plan_story(text)
    assert _cast(board) == cast or (not cast and [c.kind for c in board.cast] == ["person"])
    assert {p.name for location in board.locations for p in location.props}.isdisjoint({"sneak", "tick", "graze"})


@pytest.mark.parametrize(
    "text", ["Steampunk airship above the clouds", "Drone shot of a lighthouse", "Rainy street in Tokyo at night"]
)
def test_capitalised_common_words_and_places_are_not_characters(text: str) -> None:
    board = plan_story(text)
    assert {c.name for c in board.cast}.isdisjoint({"Steampunk", "Drone", "Tokyo"})


def test_a_name_bound_to_a_noun_the_lexicon_lacks_takes_its_wordnet_kind() -> None:
    board = plan_story("A koala named Bao eats leaves. Bao rolls down the hill.")
    assert [(c.id, c.name, c.kind) for c in board.cast] == [("bao", "Bao", "bear")]


@pytest.mark.parametrize(
    ("text", "look"),
    [
        ("an astronaut cat, watercolor", "watercolor"),
        ("A neon city street at night with a taxi.", "neon"),
        ("A fox in the snowy forest, oil painting", "oil"),
        ("Claymation of a robot dancing", "clay"),
        ("A dog runs in the park.", None),
        ("Mia lights the oil lamp.", None),
    ],
)
def test_a_style_word_asks_for_a_look_and_a_given_style_wins(text: str, look: str | None) -> None:
    from storyreel.schema import DEFAULT_LOOK, RunOptions, Style

    board = plan_story(text)
    assert (board.look.value if board.look else None) == look
    assert RunOptions().look(board) == (board.look or DEFAULT_LOOK)
    assert RunOptions(style=Style.FLAT).look(board) is Style.FLAT


def test_an_old_man_is_drawn_as_an_elder_and_still_answers_to_he():
    board = plan_story("An old man sits on a bench in the park. He laughs.")
    assert [(c.id, c.kind) for c in board.cast] == [("man", "elder")]
    assert board.shots[-1].subjects[0] == "man"


def test_a_shot_marks_what_must_be_seen_and_holds_every_subject() -> None:
    board = plan_story(
        "A young girl named Mia walks through a snowy forest at dusk. She finds a small fox sitting under a pine "
        'tree. Anna meets Ben in the park. "Hello," Anna says to Ben. The cake rises. '
        "The grandmother hands him a spoon."
    )
    walk, find, meet, hello, cake, spoon = board.shots
    assert hello.coverage is Coverage.OVER_THE_SHOULDER and hello.must_see("anna") is Seen.FACE
    assert walk.must_see("mia") is Seen.BODY
    assert find.must_see("mia") is Seen.FACE and find.must_see("fox") is Seen.SHOWN
    assert find.coverage is Coverage.TWO_SHOT and find.size not in CLOSE_SIZES  # a close-up cannot hold the fox
    assert meet.coverage is Coverage.OVER_THE_SHOULDER and meet.subjects[:2] == ["anna", "ben"]
    assert cake.coverage is Coverage.INSERT and cake.subjects[0] == "cake"
    assert spoon.size in {ShotSize.MEDIUM, ShotSize.FULL}  # a spoon spans under 8 % of a wider frame


def test_a_bare_name_that_is_also_a_noun_is_a_name() -> None:
    board = plan_story('Lily sits on the sofa with her cat. "Good night," she says.')
    assert [member.id for member in board.cast] == ["lily", "cat"]
    assert board.shots[1].subjects == ["lily"]
    assert [member.id for member in plan_story("Dogs run in the park.").cast] == ["dog"]


def test_looking_at_the_camera_turns_to_the_viewer() -> None:
    board = plan_story("An astronaut floats beside the rocket. She waves at the camera.")
    assert "camera" not in {prop.kind for location in board.locations for prop in location.props}
    assert board.shots[1].subjects == ["astronaut"]


def test_a_thrown_ball_rolls_to_whom_it_is_thrown() -> None:
    actions = plan_story("A boy throws a red ball to his dog in the garden.").shots[0].actions
    assert Action(actor="ball", verb=Verb.ROLL, target="dog") in actions


def test_a_colour_picks_one_of_a_group() -> None:
    board = plan_story('Two robots meet on a street. "Hello," says the blue robot. The red robot waves.')
    colours = {member.id: member.appearance.color for member in board.cast}
    assert colours == {"robot": "blue", "robot_2": "red"}
    assert board.shots[1].subjects == ["robot"] and board.shots[2].subjects == ["robot_2"]


def test_a_gesture_is_staged_and_an_action_without_motion_is_said() -> None:
    """Waving, raising a hand and pointing are gestures the world plays; falling has no motion, nor opening for one
    without hands, and the shot says so (``Shot.unstaged``) instead of idling in silence."""
    board = plan_story("He climbs in and waves at his sister. A student raises his hand. The cat opens its eyes.")
    waves, raises, opens = board.shots
    assert ("gesture", "sister") in [(a.verb.value, a.target) for a in waves.actions] and not waves.unstaged
    assert [a.verb for a in raises.actions] == [Verb.GESTURE] and not raises.unstaged
    assert opens.unstaged == ["open"] and opens.actions == [Action(actor="cat", verb=Verb.IDLE)]
    assert plan_story("One of them falls into the sand.").shots[0].unstaged == ["fall"]
    assert plan_story('"I can fall," she says.').shots[0].unstaged == []  # speech is not staged
    swims = plan_story("An old man stands at the lake. A duck swims to him.").shots[1]  # a flier flies there
    assert swims.unstaged == ["swim"] and [(a.actor, a.verb) for a in swims.actions] == [("duck", Verb.FLY)]
    assert not plan_story("A fish swims to the boat.").shots[0].unstaged


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("She turns off the lamp.", ("woman", Verb.HANDLE, "lamp")),
        ("He lights the lamp.", ("man", Verb.HANDLE, "lamp")),
        ("The man opens his umbrella.", ("man", Verb.HANDLE, "umbrella")),
        ("The grandfather claps.", ("grandfather", Verb.CLAP, None)),
        ("The dog shakes water off its fur.", ("dog", Verb.SHAKE, None)),
        ("The truck turns into a side road.", ("truck", Verb.DRIVE, None)),
        ("A girl plays the guitar on the stairs.", ("girl", Verb.HANDLE, "guitar")),
        ("The plane takes off from the field.", ("plane", Verb.FLY, None)),
        ("A penguin slides on the ice.", ("penguin", Verb.WALK, None)),
    ],
)
def test_the_hands_and_the_body_act_out_what_they_do(text: str, action: tuple[str, Verb, str | None]) -> None:
    """Opening, lighting, switching off a thing and playing an instrument are the hand's work on it; clapping and
    shaking water off are played by the limbs and the body; a vehicle that turns drives on, a plane that takes off
    flies. None is left unstaged."""
    shot = plan_story(text).shots[0]
    assert action in [(a.actor, a.verb, a.target) for a in shot.actions] and not shot.unstaged
    assert shot.seen[action[0]] is Seen.BODY


def test_indoor_furniture_sets_a_story_with_no_place_in_a_room() -> None:
    board = plan_story('Lily sits on the sofa with her cat. "Good night," she says.')
    assert [location.kind for location in board.locations] == [LocationKind.ROOM]
    assert plan_story("A dog sits on a bench.").locations[0].kind is LocationKind.PARK


def test_a_hands_work_on_a_handheld_thing_holds_it() -> None:
    """ "opens his umbrella" holds it (it opens over him, not on the grass), and one who plays the guitar on the
    stairs sits there with it; "lights the lamp" holds nothing, and a cup put on the table stays there."""

    def placements(text: str) -> set[tuple[str, Relation, str]]:
        return {(p.subject, p.relation, p.reference) for p in plan_story(text).locations[0].placements}

    assert ("umbrella", Relation.HELD_BY, "man") in placements("The man opens his umbrella.")
    assert placements("A girl plays the guitar on the stairs.") >= {
        ("girl", Relation.ON, "stairs"),
        ("guitar", Relation.HELD_BY, "girl"),
    }
    assert not any(relation is Relation.HELD_BY for _, relation, _ in placements("He lights the lamp."))
    cup = {(subject, relation) for subject, relation, _ in placements("She puts the cup on the table.")}
    assert ("cup", Relation.ON) in cup and ("cup", Relation.HELD_BY) not in cup


def test_a_second_subject_joined_by_and_is_not_a_compound() -> None:
    """ "a boy and his grandfather fish": two people fishing, not a grandfather-fish."""
    board = plan_story("A boy and his grandfather fish on the river bank.")
    assert [member.id for member in board.cast] == ["boy", "grandfather"]
    assert {action.actor for action in board.shots[0].actions} == {"boy", "grandfather"}


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("The dog catches the ball and runs to the house.", ("dog", Verb.FETCH, "ball")),
        ("The boy catches a fish.", ("boy", Verb.FETCH, "fish")),
        ("The ball rolls away. The dog brings it back.", ("dog", Verb.FETCH, "ball")),
        ("A horse runs. The girl catches the horse.", ("girl", Verb.CHASE, "horse")),
    ],
)
def test_what_one_catches_or_an_animal_brings_is_taken_up(text: str, action: tuple[str, Verb, str]) -> None:
    """A thing at most half the catcher's height is taken up and carried on; a horse is only run after."""
    assert action in [(a.actor, a.verb, a.target) for a in plan_story(text).shots[-1].actions]


def test_the_sea_is_the_beachs_and_the_ball_is_the_football() -> None:
    """ "Two children play football on the beach. The ball rolls into the sea.": one place, one ball."""
    board = plan_story("Two children play football on the beach. The ball rolls into the sea.")
    assert [location.kind for location in board.locations] == [LocationKind.BEACH]
    assert [prop.id for prop in board.locations[0].props] == ["football"]
    assert board.shots[1].actions[0].actor == "football"


def test_a_compound_wordnet_knows_is_one_thing() -> None:
    """ "waits at the bus stop" is no bus: the bus comes in the next sentence; "a red bus stops" is a bus."""
    board = plan_story("Tom waits at the bus stop in the rain. A red bus stops next to him.")
    assert [member.id for member in board.cast] == ["tom", "bus"]
    assert [[a.actor for a in shot.actions] for shot in board.shots] == [["tom"], ["bus"]]


def test_one_of_them_is_one_and_the_one_who_speaks_next() -> None:
    """ "One of them points at a ship. 'Look, a ship,' she says.": one friend points, and she (not the ship)
    speaks."""
    board = plan_story('Two friends walk along the beach. One of them points at a ship. "Look, a ship," she says.')
    points, says = board.shots[1:]
    assert [(a.actor, a.verb, a.target) for a in points.actions] == [("friend", Verb.GESTURE, "ship")]
    assert [(a.actor, a.verb) for a in says.actions] == [("friend", Verb.TALK)]


def test_a_verb_after_and_has_the_doer_of_the_verb_before() -> None:
    """ "finds a rock and picks it up": the robot picks it up, not the rock."""
    actions = plan_story("The robot finds a small rock and picks it up.").shots[0].actions
    assert [(a.actor, a.verb) for a in actions] == [("robot", Verb.LOOK), ("robot", Verb.HANDLE)]
    board = plan_story("Zoe plays in the living room. Her father opens the door and waves.")  # not the sea's waves
    assert [location.kind for location in board.locations] == [LocationKind.ROOM]
    assert [(a.actor, a.verb) for a in board.shots[1].actions] == [("father", Verb.HANDLE), ("father", Verb.GESTURE)]


def test_running_at_or_after_someone_is_a_chase() -> None:
    board = plan_story("The wolf runs at the rabbit. The dog runs after the cat. The boy runs to his mother.")
    assert [[(a.actor, a.verb, a.target) for a in shot.actions] for shot in board.shots] == [
        [("wolf", Verb.CHASE, "rabbit")],
        [("dog", Verb.CHASE, "cat")],
        [("boy", Verb.RUN, "mother")],
    ]


def test_riding_puts_the_rider_on_the_mount_and_the_mount_travels() -> None:
    board = plan_story("A knight rides a white horse to the castle.")
    actions = {(a.actor, a.verb, a.target) for a in board.shots[0].actions}
    assert actions == {("knight", Verb.SIT, None), ("horse", Verb.WALK, "castle")}
    assert board.shots[0].subjects[0] == "knight"
    placement = next(p for p in board.locations[0].placements if p.subject == "knight")
    assert (placement.relation.value, placement.reference) == ("on", "horse")


def test_two_riders_of_their_bikes_ride_a_bike_each() -> None:
    board = plan_story("Two boys ride their bikes along the beach.")
    mounts = {p.subject: p.reference for p in board.locations[0].placements if p.relation.value == "on"}
    assert sorted(mounts) == ["boy", "boy_2"] and len(set(mounts.values())) == 2
    assert {c.kind for c in board.cast if c.id in mounts.values()} == {"bicycle"}


# ---------------------------------------------------------------------------------------------------------- lines

FOX_STORY = (
    'A girl walks in a snowy forest. She finds a small fox. "Hello, little fox," she says. The fox wags its tail. '
    '"Come with me," says the girl.'
)


def _heard(board: Storyboard) -> list[list[tuple[str | None, str]]]:
    return [[(line.speaker, line.text) for line in shot.lines] for shot in board.shots]


def test_quoted_speech_becomes_the_speakers_line_and_names_nothing() -> None:
    board = plan_story(FOX_STORY)
    assert _heard(board) == [[], [], [("girl", "Hello, little fox.")], [], [("girl", "Come with me.")]]
    assert [c.id for c in board.cast] == ["girl", "fox"]  # "little fox" in the speech is no new fox
    assert not any(location.props for location in board.locations) and board.unknown_nouns == []
    curly = plan_story(FOX_STORY.replace('"Hello', "\u201cHello").replace('fox,"', "fox,\u201d"))
    assert _heard(curly) == _heard(board)


def test_a_named_speaker_and_whom_they_speak_to_answering_without_a_tag() -> None:
    board = plan_story('"Sit!" Mia said to Rex. "Woof!" Rex, a brown dog, sits.')
    assert _heard(board)[0] == [("mia", "Sit!"), ("rex", "Woof!")]  # one shot: the tag keeps its quotation
    assert board.shots[0].subjects == ["mia", "rex"]


def test_two_characters_in_dialogue_alternate_and_a_sentence_goes_on() -> None:
    story = (
        'A boy and a girl sit on a bench. "Hi," he says. "Hello," she replies, "nice day." "Do you like dogs?" '
        'he asks. "Yes!" The girl smiles. "Really?"'
    )
    heard = _heard(plan_story(story))
    assert heard[1:] == [
        [("boy", "Hi.")],
        [("girl", "Hello, nice day.")],  # a quotation that goes on in lower case joins the line
        [("boy", "Do you like dogs?"), ("girl", "Yes!")],  # no tag: the other side of the conversation answers
        [("girl", "Really?")],  # after the narration, no conversation: the last to act speaks
    ]


def test_a_story_without_quotation_marks_has_no_lines() -> None:
    board = plan_story("A dog chases a red ball in the park. The dog sits.")
    assert all(shot.lines == [] for shot in board.shots)


def test_a_quotation_is_never_cut_into_clauses() -> None:
    board = plan_story('A girl waves; "Come here; sit, and stay," she says to the dog.')
    assert _heard(board) == [[], [("girl", "Come here; sit, and stay.")]]


def test_a_line_that_calls_someone_frames_whom_it_calls():
    fox = plan_story('A girl finds a small fox. "Hello, little fox," she says.').shots[1]
    assert [(a.actor, a.verb, a.target) for a in fox.actions] == [("girl", Verb.TALK, "fox")]
    assert fox.subjects == ["girl", "fox"]
    rex = plan_story('Mia walks with her dog Rex. "Look at the sky, Rex," Mia says.').shots[1]
    assert rex.actions[0].target == "rex" and "rex" in rex.subjects
    # words that only mention someone, not set off by commas, call no one
    alone = plan_story('A girl finds a small fox. "I like the fox in the snow," she says.').shots[1]
    assert alone.actions[0].target is None


def test_what_one_puts_on_someone_does_not_stand_its_doer_on_them() -> None:
    """ "puts his hat on the girl": the hat is worn; the boy does not stand on her head. A rider still sits on a
    mount."""
    board = plan_story("A boy and a girl play in the park. The boy puts his red hat on the girl.")
    assert not [p for p in board.locations[0].placements if p.relation == Relation.ON]
    board = plan_story("A knight rides his horse to the castle.")
    assert ("knight", Relation.ON, "horse") in [
        (p.subject, p.relation, p.reference) for p in board.locations[0].placements
    ]

"""The raster pass on hand-built worlds: shapes, ids where objects project, metric depth, exact flow, looks."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import trimesh

from storyreel import geometry
from storyreel.schema import (
    Action,
    CameraPath,
    Character,
    Location,
    LocationKind,
    Prop,
    Resolution,
    Shot,
    Storyboard,
    Style,
    TimeOfDay,
    Verb,
    Weather,
)
from storyreel.tools.render import flow as flow_tools
from storyreel.tools.render import raster as raster_module
from storyreel.tools.render.raster import RasterRenderer, render_analysis, render_film, render_shot
from storyreel.world.build import build_world
from storyreel.world.rig import Asset, Clip, Part, Track
from storyreel.world.world import World, WorldObject

RESOLUTION = Resolution(width=320, height=180)
FPS = 24


def tiled_ground(tiles: int = 24, tile: float = 1.0) -> Asset:
    """A ground of many small quads in random colours, so a wrong warp shows as a large error."""
    rng = np.random.default_rng(7)
    parts = []
    half = tiles * tile / 2
    for i in range(tiles):
        for j in range(tiles):
            quad = trimesh.Trimesh(
                vertices=[[0, 0, 0], [tile, 0, 0], [tile, 0, tile], [0, 0, tile]], faces=[[0, 2, 1], [0, 3, 2]]
            )
            offset = np.array([i * tile - half, 0.0, j * tile - half])
            parts.append(Part(f"tile_{i}_{j}", quad, tuple(rng.uniform(0.1, 0.9, 3)), offset=offset))
    return Asset("ground", parts)


def box_asset(size: float = 1.0, color: tuple[float, float, float] = (0.8, 0.2, 0.1)) -> Asset:
    mesh = trimesh.creation.box(extents=(size, size, size))
    return Asset("box", [Part("box", mesh, color, offset=np.array([0.0, size / 2, 0.0]))])


def two_part_asset() -> Asset:
    """A body with a swinging limb: the limb is a child part with its own joint."""
    body = trimesh.creation.box(extents=(1.0, 0.8, 1.4))
    limb = trimesh.creation.box(extents=(0.25, 0.8, 0.25))
    limb.apply_translation([0.0, -0.4, 0.0])
    return Asset(
        "dog",
        [
            Part("body", body, (0.2, 0.4, 0.9), offset=np.array([0.0, 1.0, 0.0])),
            Part("leg_fl", limb, (0.9, 0.8, 0.2), parent=0, offset=np.array([0.4, -0.4, 0.5]), role="leg_fl"),
        ],
        animate=True,
    )


def make_world(*, moving: bool = True, fog: float = 0.0) -> World:
    walker_track = Track(
        times=np.array([0.0, 4.0]),
        positions=np.array([[-2.0, 0.0, -1.0], [2.0 if moving else -2.0, 0.0, -1.0]]),
        yaws=np.array([0.0, 0.6 if moving else 0.0]),
        clips=[Clip(0.0, 4.0, Verb.WALK, rate=1.5)],
    )
    return World(
        location=Location(id="yard", name="yard"),
        objects=[
            WorldObject("crate", box_asset(), Track.still(np.array([1.5, 0.0, 1.0])), instance_id=1),
            WorldObject("rex", two_part_asset(), walker_track, instance_id=2, is_character=True),
        ],
        environment=[WorldObject("ground", tiled_ground(), Track.still(np.zeros(3)), instance_id=0)],
        sky_top=(0.2, 0.4, 0.8),
        sky_horizon=(0.7, 0.8, 0.9),
        sun_direction=np.array([0.4, 1.0, 0.3]),
        sun_color=(1.0, 0.95, 0.9),
        ambient=0.35,
        fog=fog,
        duration=4.0,
    )


def orbit_path(frames: int, *, radius: float = 8.0, height: float = 3.0, sweep: float = 0.6) -> CameraPath:
    """A camera that circles and rises while looking at the middle of the yard."""
    positions, orientations = [], []
    for i in range(frames):
        angle = sweep * i / max(frames - 1, 1)
        eye = np.array([radius * np.sin(angle), height + 0.5 * angle, radius * np.cos(angle)])
        positions.append(tuple(eye))
        rotation = geometry.look_at_rotation(eye, np.array([0.0, 0.5, 0.0]))
        orientations.append(tuple(geometry.matrix_to_quaternion(rotation)))
    return CameraPath(fps=FPS, positions=positions, orientations=orientations, fov_y=[50.0] * frames)


def still_path(eye: np.ndarray, target: np.ndarray, frames: int = 1, fov: float = 50.0) -> CameraPath:
    quaternion = tuple(geometry.matrix_to_quaternion(geometry.look_at_rotation(eye, target)))
    return CameraPath(
        fps=FPS, positions=[tuple(eye)] * frames, orientations=[quaternion] * frames, fov_y=[fov] * frames
    )


@pytest.fixture(scope="module")
def orbit_frames():
    return render_shot(make_world(), orbit_path(6), start=0.5, style=Style.TOON, resolution=RESOLUTION, shot_id="s1")


def test_shapes_dtypes_and_names(orbit_frames):
    frames = orbit_frames
    n, h, w = 6, RESOLUTION.height, RESOLUTION.width
    assert frames.rgb.shape == (n, h, w, 3) and frames.rgb.dtype == np.uint8
    assert frames.instance.shape == (n, h, w) and frames.instance.dtype == np.uint8
    for field in (frames.depth, frames.next_depth):
        assert field.shape == (n, h, w) and field.dtype in (np.float16, np.float32)
    assert frames.flow.shape == (n, h, w, 2)
    assert len(frames) == n and frames.fps == FPS and frames.shot_id == "s1"
    assert frames.instance_names == {1: "crate", 2: "rex"}
    assert set(np.unique(frames.instance)) == {0, 1, 2}


def test_sky_is_infinitely_far_and_the_ground_is_not(orbit_frames):
    depth = orbit_frames.depth[0].astype(np.float32)
    assert np.isinf(depth[0]).all(), "the top row looks over the ground into the sky"
    assert np.isfinite(depth[-1]).all() and (depth[-1] > 0).all()
    assert (orbit_frames.instance[0][np.isinf(depth)] == 0).all()


def test_ids_land_where_objects_project(orbit_frames):
    world, path = make_world(), orbit_path(6)
    aspect = RESOLUTION.width / RESOLUTION.height
    for frame in (0, 5):
        view = geometry.view_matrix(np.array(path.positions[frame]), np.array(path.orientations[frame]))
        projection = geometry.perspective(path.fov_y[frame], aspect)
        for obj in world.objects:
            centre = obj.center(0.5 + frame / FPS)
            pixels, _ = geometry.project(centre[None], view, projection, RESOLUTION.width, RESOLUTION.height)
            x, y = pixels[0].astype(int)
            assert orbit_frames.instance[frame, y, x] == obj.instance_id, (frame, obj.name)


def test_depth_is_the_distance_along_the_view_axis():
    # Looking straight at the crate's front face (z = 1.5) from 6 m in front: depth 4.5 at the centre pixel.
    world = make_world()
    eye = np.array([1.5, 0.5, 6.0])
    frames = render_shot(
        world, still_path(eye, np.array([1.5, 0.5, 0.0])), start=0.0, style=Style.FLAT, resolution=RESOLUTION
    )
    h, w = RESOLUTION.height, RESOLUTION.width
    centre = frames.depth[0, h // 2 - 1 : h // 2 + 1, w // 2 - 1 : w // 2 + 1].astype(np.float32)
    assert np.allclose(centre, 4.5, rtol=2e-3)
    assert (frames.instance[0, h // 2 - 1 : h // 2 + 1, w // 2 - 1 : w // 2 + 1] == 1).all()
    # A still camera on a still crate: next depth equals depth and the flow is zero there.
    assert np.allclose(frames.next_depth[0, h // 2, w // 2], 4.5, rtol=2e-3)
    assert np.abs(frames.flow[0, h // 2, w // 2].astype(np.float32)).max() < 1e-2


def test_exact_flow_warps_the_next_frame_back():
    frames = render_shot(make_world(), orbit_path(8, sweep=1.2), start=0.0, style=Style.FLAT, resolution=RESOLUTION)
    rex_moves = 0
    for t in range(len(frames) - 1):
        mask = flow_tools.visibility_mask(frames.flow[t], frames.next_depth[t], frames.depth[t + 1])
        assert mask.mean() > 0.5
        exact = flow_tools.warp_error(frames.rgb[t], frames.rgb[t + 1], frames.flow[t], mask)
        still = flow_tools.warp_error(frames.rgb[t], frames.rgb[t + 1], np.zeros_like(frames.flow[t]), mask)
        assert exact < 0.02, (t, exact)
        assert still > 4 * exact, (t, still, exact)
        rex = (frames.instance[t] == 2) & mask
        rex_moves += int(rex.any())
    assert rex_moves == len(frames) - 1, "the moving subject is visible and covered by the check"


def test_subject_flow_differs_from_camera_only_flow():
    # With a still camera, only the walker moves: flow is zero on the ground and non-zero on the walker.
    eye, target = np.array([0.0, 3.0, 9.0]), np.array([0.0, 0.5, 0.0])
    frames = render_shot(
        make_world(), still_path(eye, target, frames=3), start=1.0, style=Style.FLAT, resolution=RESOLUTION
    )
    flow = np.linalg.norm(frames.flow[0].astype(np.float32), axis=-1)
    ground = (frames.instance[0] == 0) & np.isfinite(frames.depth[0].astype(np.float32))
    assert flow[ground].max() < 1e-2
    assert flow[frames.instance[0] == 2].mean() > 0.5


def test_sky_flow_follows_camera_rotation():
    # A camera panning left: the sky slides right, exactly as far-away points along each pixel's ray do.
    eye = np.array([0.0, 1.5, 8.0])
    orientations = [tuple(geometry.matrix_to_quaternion(geometry.rotation_y(yaw)[:3, :3])) for yaw in (0.0, 0.02)]
    path = CameraPath(fps=FPS, positions=[tuple(eye)] * 2, orientations=orientations, fov_y=[50.0] * 2)
    frames = render_shot(make_world(), path, start=0.0, style=Style.CLAY, resolution=RESOLUTION)
    w, h = RESOLUTION.width, RESOLUTION.height
    sky_rows, sky_cols = np.nonzero(np.isinf(frames.depth[0].astype(np.float32)))
    assert len(sky_rows) > 1000
    picks = np.linspace(0, len(sky_rows) - 1, 25).astype(int)
    pixels = np.c_[sky_cols[picks], sky_rows[picks]] + 0.5
    projection = geometry.perspective(50.0, w / h)
    # Rays through the pixel centres, pushed 1 km out: the sky's flow is where those points land next frame.
    ndc = np.c_[2 * pixels[:, 0] / w - 1, 1 - 2 * pixels[:, 1] / h]
    rays = np.c_[ndc[:, 0] / projection[0, 0], ndc[:, 1] / projection[1, 1], -np.ones(len(ndc))]
    far_points = eye + 1000.0 * rays @ geometry.rotation_y(0.0)[:3, :3].T
    view_next = geometry.view_matrix(eye, np.array(orientations[1]))
    landed, _ = geometry.project(far_points, view_next, projection, w, h)
    measured = frames.flow[0, sky_rows[picks], sky_cols[picks]].astype(np.float32)
    assert np.allclose(measured, landed - pixels, atol=0.05)
    assert (measured[:, 0] > 3).all()
    # The last frame looks one frame past the path: the pan goes on at the same rate, so the sky flows the same.
    both_sky = np.isinf(frames.depth[0].astype(np.float32)) & np.isinf(frames.depth[1].astype(np.float32))
    assert np.allclose(
        frames.flow[1][both_sky].astype(np.float32), frames.flow[0][both_sky].astype(np.float32), atol=0.05
    )


def test_looks_differ_and_fog_fades_to_the_horizon():
    world, path = make_world(), orbit_path(1)
    rendered = {style: render_shot(world, path, start=0.0, style=style, resolution=RESOLUTION) for style in Style}
    images = {style: frames.rgb[0].astype(int) for style, frames in rendered.items()}
    things = rendered[Style.FLAT].instance[0] > 0  # where the looks shade objects (toon: bands and rims)
    pairs = [(Style.FLAT, Style.TOON), (Style.FLAT, Style.CLAY), (Style.TOON, Style.CLAY)]
    for a, b in pairs + [(style, Style.TOON) for style in (Style.WATERCOLOR, Style.OIL, Style.NEON)]:
        assert np.abs(images[a] - images[b])[things].mean() > 3, (a, b)
    assert images[Style.NEON].mean() < images[Style.TOON].mean() / 2  # neon is a dark scene with glowing edges
    foggy = render_shot(make_world(fog=0.3), path, start=0.0, style=Style.FLAT, resolution=RESOLUTION).rgb[0]
    horizon = (np.array(world.sky_horizon) ** (1 / 2.2) * 255).astype(int)
    ground_row = foggy[-1].astype(int)
    clear_row = images[Style.FLAT][-1]
    assert np.abs(ground_row - horizon).mean() < np.abs(clear_row - horizon).mean() / 2


def test_renders_are_deterministic_and_one_renderer_serves_many_worlds():
    renderer = RasterRenderer(RESOLUTION)
    path = orbit_path(3)
    first = renderer.render(make_world(), path, start=0.0, style=Style.TOON)
    other = renderer.render(
        make_world(moving=False), still_path(np.array([0, 2, 5.0]), np.zeros(3)), start=0.0, style=Style.FLAT
    )
    again = renderer.render(make_world(), path, start=0.0, style=Style.TOON)
    assert np.array_equal(first.rgb, again.rgb)
    assert np.array_equal(first.instance, again.instance)
    assert np.array_equal(first.flow, again.flow)
    assert np.array_equal(first.depth, again.depth)
    assert len(other) == 1 and not np.array_equal(other.rgb[0], first.rgb[0])


def test_a_second_thread_renders_with_its_own_context(orbit_frames):
    """A GL context is current on one thread: a worker thread (an MCP server's, say) gets its own."""
    results: list[np.ndarray] = []
    worker = threading.Thread(
        target=lambda: results.append(
            render_shot(make_world(), orbit_path(6), start=0.5, style=Style.TOON, resolution=RESOLUTION).rgb.copy()
        )
    )
    worker.start()
    worker.join()
    np.testing.assert_array_equal(results[0], orbit_frames.rgb)


def test_film_pass_matches_the_full_render_reduced():
    """render_film's I420 images and GL-side analysis frames agree with render() reduced on the CPU."""
    world, path = make_world(), orbit_path(5)
    full = render_shot(world, path, start=0.0, style=Style.TOON, resolution=RESOLUTION)
    images, analysis = next(
        render_film(world, path, start=0.0, style=Style.TOON, resolution=RESOLUTION, analysis_factor=4)
    )
    reference = full.reduced(4)
    assert images.shape == (5, RESOLUTION.height * 3 // 2, RESOLUTION.width)
    luma = 16 + 219 * (full.rgb.astype(np.float64) / 255) @ [0.2126, 0.7152, 0.0722]
    assert np.abs(images[:, : RESOLUTION.height].astype(float) - luma).max() <= 0.51
    assert np.abs(analysis.rgb.astype(int) - reference.rgb).max() <= 1
    np.testing.assert_array_equal(analysis.instance, reference.instance)
    np.testing.assert_array_equal(analysis.flow.astype(np.float32), reference.flow)
    np.testing.assert_array_equal(analysis.depth, reference.depth)


def test_the_colour_only_film_pass_draws_the_same_images():
    """render_images (no geometry target: a kept attempt's film pass) gives render_film's I420 images bit for bit."""
    world, path = make_world(), orbit_path(5)
    images, _ = next(render_film(world, path, start=0.0, style=Style.CLAY, resolution=RESOLUTION, analysis_factor=4))
    expected = images.copy()
    alone = next(RasterRenderer(RESOLUTION).render_images(world, path, start=0.0, style=Style.CLAY))
    np.testing.assert_array_equal(alone, expected)


def test_the_analysis_pass_reads_like_the_full_render_reduced():
    """render_analysis draws at twice the analysis size and reduces: the ids, depth and flow of the full render
    reduced at the same pixels, and colour within a few levels (edges aside)."""
    world, path = make_world(), orbit_path(5)
    reference = render_shot(world, path, start=0.0, style=Style.TOON, resolution=RESOLUTION).reduced(4)
    small = render_analysis(world, path, start=0.0, style=Style.TOON, resolution=RESOLUTION, analysis_factor=4)
    assert small.rgb.shape == reference.rgb.shape
    assert (small.instance == reference.instance).mean() > 0.97  # ids sampled half a full-size pixel apart
    assert np.median(np.abs(small.rgb.astype(int) - reference.rgb)) <= 2
    solid = (small.instance == reference.instance) & np.isfinite(reference.depth)  # the sky is infinitely far
    depth, expected = small.depth[solid].astype(float), reference.depth[solid].astype(float)
    assert np.median(np.abs(depth - expected) / expected) < 0.02


SMALL = Resolution(width=160, height=90)


def setting_frames(
    kind: LocationKind = LocationKind.FOREST,
    time: TimeOfDay = TimeOfDay.DAY,
    weather: Weather = Weather.CLEAR,
    style: Style = Style.TOON,
    frames: int = 1,
):
    """A girl by a house at a location, from a still camera a little above and in front: the setting's look."""
    location = Location(
        id="here",
        name="here",
        kind=kind,
        time_of_day=time,
        weather=weather,
        props=[Prop(id="house", name="house", kind="house")],
    )
    walk = Shot(id="s", location="here", duration=2.0, subjects=["girl"], actions=[Action(actor="girl", verb="idle")])
    story = Storyboard(
        title="t", cast=[Character(id="girl", name="girl", kind="person")], locations=[location], shots=[walk]
    )
    world = build_world(story, "here")
    centre = world.object("girl").center(0.0)
    path = still_path(centre + np.array([7.0, 7.0, 13.0]), centre + np.array([0.0, 1.0, -4.0]), frames=frames, fov=55.0)
    return world, render_shot(world, path, start=0.1, style=style, resolution=SMALL)


def ground_luma(frames) -> float:
    """Mean luma of the environment in the frame's bottom third (the ground in front of the camera)."""
    bottom = slice(2 * SMALL.height // 3, None)
    luma = frames.rgb[0, bottom].astype(float) @ [0.2126, 0.7152, 0.0722]
    return float(luma[frames.instance[0, bottom] == 0].mean())


def test_snow_whitens_the_ground_and_its_flakes_fall():
    _, clear = setting_frames()
    _, snowy = setting_frames(weather=Weather.SNOW, frames=6)
    _, wet = setting_frames(weather=Weather.RAIN)
    assert ground_luma(snowy) > ground_luma(clear) + 60
    assert ground_luma(wet) < ground_luma(clear) - 10
    assert environment_changes(snowy) > 5 and environment_changes(setting_frames(frames=6)[1]) == 0


def environment_changes(frames) -> int:
    """Pixels of the environment that change between the first and the last frame (falling weather, swaying trees)."""
    still = (frames.instance[0] == 0) & (frames.instance[-1] == 0)
    return int((still & (np.abs(frames.rgb[-1].astype(int) - frames.rgb[0]).sum(-1) > 40)).sum())


def test_night_is_dark_with_lit_windows():
    _, day = setting_frames()
    night_world, night = setting_frames(time=TimeOfDay.NIGHT)
    house = night_world.object("house").instance_id
    assert ground_luma(night) < 0.7 * ground_luma(day)
    glowing, in_day = (lamplit(frames, house) for frames in (night, day))
    assert glowing >= 4 and in_day == 0


def lamplit(frames, instance: int) -> int:
    """Pixels of ``instance`` in warm light brighter than any sunlit wall: lit windows."""
    red, blue = frames.rgb[0, ..., 0].astype(int), frames.rgb[0, ..., 2].astype(int)
    return int(((frames.instance[0] == instance) & (red > 220) & (red - blue > 110)).sum())


def test_the_device_picked_is_a_gpu_when_there_is_one_and_is_named() -> None:
    """The renderer draws on a GPU's EGL device when the machine has one, and can say which device it uses."""
    device = raster_module.egl_device()
    assert device is None or device >= 0
    name = raster_module.gl_device().lower()
    assert name
    software = any(kind in name for kind in raster_module.SOFTWARE_RENDERERS)
    # On this project's CI machines there is no GPU: the software rasteriser is the one device, and it is named.
    # Where a GPU is present, the picked device must not be a software one.
    if device not in (None, 0):
        assert not software

"""The raster pass: a World filmed along a CameraPath, drawn with OpenGL (moderngl, EGL headless) into a FrameSet.

One draw call per frame renders the whole world: vertices carry the index of the part they ride on, and the part
transforms of every frame sit in one float texture (a row per frame) the vertex shader fetches from (Mesa's
llvmpipe shades vertices on one thread, and reads a texture about 2.4x faster than a storage buffer). Two colour
targets come out of one pass: the shaded image with the instance id in alpha, and (flow x, flow y, depth, next
depth), where the flow is exact: each surface point is moved by the next frame's part transform and projected by the
next frame's camera. A film pass whose checks read a smaller render of their own draws the colour target alone
(``render_images``). A background pass at the far plane fills the remaining pixels with the sky gradient and the
sky's rotation-only flow. The projection is flipped in y so the rows come back top-down, as a FrameSet stores them.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import moderngl
import numpy as np
from numpy.typing import NDArray

from storyreel import geometry
from storyreel.schema import CameraPath, Resolution, Style
from storyreel.tools.render.frames import FrameSet
from storyreel.world.world import GLOW, World

NEAR = 0.1
FAR = 500.0
#: Float precision of the geometry target (flow, depth, next depth). Half floats halve readback and memory; their
#: 11-bit mantissa keeps depth within 0.05 % and flow within 1/16 px below 128 px.
GEOMETRY_DTYPE = np.float16
PART_UNIT = 2  # the texture unit of the part matrices
#: Samples per analysis pixel each way when the checks' frames are drawn on their own (``render_analysis``): one
#: aliases edges enough to move warp_error by up to 0.8 of its threshold; two keep every score within 0.16.
ANALYSIS_SAMPLES = 2
# y flip applied after the projection: GL's first row is then the top of the image.
FLIP_Y = np.diag([1.0, -1.0, 1.0, 1.0])


@dataclass(frozen=True)
class _Look:
    """A raster look: its index in the shaders (``LOOK``) and how bright it draws the sky."""

    index: int
    sky: float = 1.0


_LOOKS = {
    Style.FLAT: _Look(0),
    Style.TOON: _Look(1),
    Style.CLAY: _Look(2),
    Style.WATERCOLOR: _Look(3),
    Style.OIL: _Look(4),
    Style.NEON: _Look(5, sky=0.03),
}

_SHADING = """
#version 430
#define LOOK {look}
#define GEOMETRY {geometry}  // 0: the colour target alone (a film pass whose checks read a smaller render)
uniform vec3 eye;
uniform vec3 sun_direction;   // towards the sun
uniform vec3 sun_color;
uniform float ambient;
uniform vec3 sky_top;
uniform vec3 sky_horizon;
uniform vec3 encoded_sky_top;     // the sky colours gamma-encoded, for blends done per pixel
uniform vec3 encoded_sky_horizon;
uniform float fog_exp2;           // -(fog density per metre) / ln 2: the share left after d metres is exp2(fog_exp2 d)
uniform vec2 size;                // viewport in pixels

const float GAMMA = 1.0 / 2.2;
const float GLOW = {glow};  // vertex colours at or above it belong to glowing parts
const vec3 LUMA = vec3(0.2126, 0.7152, 0.0722);

float hash(vec2 p) {
    return fract(sin(dot(p, vec2(12.9898, 78.233))) * 43758.5453);
}

// What a look does per pixel to a gamma-encoded colour: paper grain (watercolour), brush dabs (oil).
vec3 finish(vec3 color, vec2 pixel) {
#if LOOK == 3
    return mix(color, vec3(0.97, 0.95, 0.9), 0.06) * (0.93 + 0.07 * hash(floor(pixel)));
#elif LOOK == 4
    vec2 dab = floor(vec2(pixel.x + pixel.y, pixel.y - pixel.x) * vec2(0.08, 0.3));  // 9 x 2.5 px, diagonal
    return color * (0.88 + 0.24 * hash(dab));
#else
    return color;
#endif
}

// Pixel position (x right, y down) of a clip-space point of the unflipped projection.
vec2 to_pixels(vec4 clip) {
    vec2 ndc = clip.xy / clip.w;
    return vec2(ndc.x + 1.0, 1.0 - ndc.y) * 0.5 * size;
}
""".replace("{glow}", repr(GLOW))

# Lighting and gamma run per vertex: normals are per face and the sun is directional, so only the view-dependent
# rim term varies across a triangle, and it varies slowly. The rim darkens upright surfaces seen edge-on only: on
# the level ground, whose triangles are metres across, a view-dependent term read at their far-apart corners swept
# brightness over the whole ground as the camera moved (a toon track measured 1.2 % pumping a frame, 5 % at
# worst). Per pixel are left only fog (blended in gamma space), a look's cheap finish (paper grain, brush dabs,
# the neon grid) and the geometry outputs, which is what keeps a CPU rasteriser fast. A glowing part (colour
# raised by GLOW) is drawn unlit.
_VERTEX_SHADER = (
    _SHADING
    + """
uniform sampler2D part_matrices;  // a row per frame: every part now, then every part a frame on; a column per vec4
uniform int frame;                // this frame's row
uniform int parts;
uniform mat4 view_projection; // y-flipped, for rasterising
#if GEOMETRY
uniform mat4 next_view_projection;
#endif

in vec3 in_position;
in vec3 in_normal;
in vec3 in_color;
in float in_part;
in float in_instance;

out vec3 shaded;
#if GEOMETRY
out vec4 next_clip;
#endif
out vec3 world_position;
out float upward;             // how level the surface is: 1 on the ground
flat out float instance;

vec3 shade(vec3 base, vec3 n, vec3 to_eye) {
    float lambert = max(dot(n, sun_direction), 0.0);
    vec3 sun = sun_color * (1.0 - ambient);
#if LOOK == 0
    return base * (ambient + sun * (0.55 + 0.45 * lambert));
#elif LOOK == 1
    float band = lambert > 0.55 ? 1.0 : (lambert > 0.12 ? 0.62 : 0.3);
    float edge = (1.0 - abs(dot(n, to_eye))) * (1.0 - n.y * n.y);  // upright edges: level ground never darkens
    return base * (ambient + sun * band) * (1.0 - 0.55 * smoothstep(0.55, 0.8, edge));
#elif LOOK == 2
    float luma = dot(base, LUMA);
    vec3 clay = mix(vec3(luma), vec3(0.78, 0.56, 0.42) * (0.55 + 0.6 * luma), 0.75);
    float soft = clamp((dot(n, sun_direction) + 0.35) / 1.35, 0.0, 1.0);
    vec3 hemisphere = ambient * mix(sky_horizon * 0.6, sky_top, 0.5 + 0.5 * n.y);
    return clay * (hemisphere + sun * 0.9 * soft);
#elif LOOK == 3
    // watercolour: pale washes, soft light, a light outline
    vec3 wash = mix(max(mix(vec3(dot(base, LUMA)), base, 1.4), 0.0), vec3(0.8, 0.76, 0.68), 0.15);
    float soft = clamp((dot(n, sun_direction) + 0.5) / 1.5, 0.0, 1.0);
    float edge = (1.0 - abs(dot(n, to_eye))) * (1.0 - n.y * n.y);
    return wash * (ambient + sun * (0.6 + 0.4 * soft)) * (1.0 - 0.25 * smoothstep(0.6, 0.85, edge));
#elif LOOK == 4
    // oil: rich saturated paint, strong light and shade
    vec3 rich = max(mix(vec3(dot(base, LUMA)), base, 1.7), 0.0);
    return rich * (0.9 * ambient + sun * (0.3 + 0.8 * lambert));
#else
    // neon: a dark scene whose upright edges glow in the surface's own colour, saturated (the ground gets a grid)
    vec3 hue = base / max(max(base.r, max(base.g, base.b)), 1e-3);
    vec3 vivid = max(mix(vec3(dot(hue, LUMA)), hue, 1.8), 0.0);
    float edge = (1.0 - abs(dot(n, to_eye))) * (1.0 - n.y * n.y);
    return base * 0.03 * (ambient + sun * lambert) + vivid * smoothstep(0.25, 0.85, edge);
#endif
}

mat4 part_matrix(int index) {
    return mat4(
        texelFetch(part_matrices, ivec2(4 * index, frame), 0),
        texelFetch(part_matrices, ivec2(4 * index + 1, frame), 0),
        texelFetch(part_matrices, ivec2(4 * index + 2, frame), 0),
        texelFetch(part_matrices, ivec2(4 * index + 3, frame), 0)
    );
}

void main() {
    int part = int(in_part + 0.5);
    mat4 model = part_matrix(part);
    vec4 world = model * vec4(in_position, 1.0);
    vec3 to_eye = normalize(eye - world.xyz);
    vec3 n = normalize(mat3(model) * in_normal);
    bool glows = in_color.r >= GLOW;
    vec3 lit = glows ? in_color - GLOW : shade(in_color, dot(n, to_eye) < 0.0 ? -n : n, to_eye);
    shaded = pow(max(lit, 0.0), vec3(GAMMA));
    instance = in_instance;
    world_position = world.xyz;
    upward = n.y * n.y;
#if GEOMETRY
    next_clip = next_view_projection * (part_matrix(parts + part) * vec4(in_position, 1.0));
#endif
    gl_Position = view_projection * world;
}
"""
)

_SURFACE_SHADER = (
    _SHADING
    + """
in vec3 shaded;
#if GEOMETRY
in vec4 next_clip;
#endif
in vec3 world_position;
in float upward;
flat in float instance;

layout(location = 0) out vec4 out_color;
#if GEOMETRY
layout(location = 1) out vec4 out_geometry;
#endif

void main() {
    float depth = 1.0 / gl_FragCoord.w;
    vec3 color = shaded;
#if LOOK == 5
    // a glowing 4 m grid on level surfaces, lines a pixel wide at any distance
    vec2 cells = world_position.xz / 4.0;
    vec2 away = abs(fract(cells - 0.5) - 0.5) / max(fwidth(cells), vec2(1e-4));
    color += vec3(1.0, 0.2, 0.8) * (1.0 - min(min(away.x, away.y), 1.0)) * upward;
#endif
    color = finish(mix(encoded_sky_horizon, color, exp2(fog_exp2 * depth)), gl_FragCoord.xy);
    out_color = vec4(color, instance / 255.0);
#if GEOMETRY
    out_geometry = vec4(to_pixels(next_clip) - gl_FragCoord.xy, depth, next_clip.w);
#endif
}
"""
)

# The sky: a fullscreen triangle at the far plane, so only pixels no surface covered are shaded. A pixel's view ray
# is linear in screen position, in this camera and in the next, so both come interpolated from the corners and
# each pixel only normalises and divides.
_SKY_VERTEX_SHADER = """
#version 430
uniform mat3 camera_rotation;        // camera to world, this frame
uniform mat3 next_world_to_camera;   // world to camera, next frame
uniform vec2 tan_half_fov;           // (x, y) this frame

out vec3 direction;
out vec3 next_direction;

void main() {
    vec2 corner = vec2(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0);
    // Framebuffer rows run top-down, so the image's own y is the corner's y flipped.
    direction = camera_rotation * vec3(vec2(corner.x, -corner.y) * tan_half_fov, -1.0);
    next_direction = next_world_to_camera * direction;
    gl_Position = vec4(corner, 1.0, 1.0);
}
"""

_SKY_SHADER = (
    _SHADING
    + """
#if GEOMETRY
uniform vec2 next_focal;             // projection scale (x, y) next frame
#endif

in vec3 direction;
in vec3 next_direction;

layout(location = 0) out vec4 out_color;
#if GEOMETRY
layout(location = 1) out vec4 out_geometry;
#endif

void main() {
    float up = max(direction.y * inversesqrt(dot(direction, direction)), 0.0);
    out_color = vec4(finish(mix(encoded_sky_horizon, encoded_sky_top, sqrt(up)), gl_FragCoord.xy), 0.0);
#if GEOMETRY
    vec2 flow = vec2(0.0);
    if (next_direction.z < -1e-6) {
        flow = to_pixels(vec4(next_direction.xy * next_focal, 0.0, -next_direction.z)) - gl_FragCoord.xy;
    }
    float infinity = uintBitsToFloat(0x7F800000u);
    out_geometry = vec4(flow, infinity, infinity);
#endif
}
"""
)


# The analysis pass: one fragment per factor x factor block of the full-size targets. Colour is the block's mean;
# instance id and geometry are the block's centre pixel, the flow rescaled to the small image's pixels.
_REDUCE_VERTEX_SHADER = """
#version 430
void main() {
    gl_Position = vec4(gl_VertexID == 1 ? 3.0 : -1.0, gl_VertexID == 2 ? 3.0 : -1.0, 0.0, 1.0);
}
"""

_REDUCE_SHADER = """
#version 430
#define FACTOR {factor}
uniform sampler2D color;
uniform sampler2D geometry;

layout(location = 0) out vec4 out_color;
layout(location = 1) out vec4 out_geometry;

void main() {
    ivec2 corner = ivec2(gl_FragCoord.xy) * FACTOR;
    vec3 sum = vec3(0.0);
    for (int y = 0; y < FACTOR; ++y) {
        for (int x = 0; x < FACTOR; ++x) {
            sum += texelFetch(color, corner + ivec2(x, y), 0).rgb;
        }
    }
    ivec2 centre = corner + ivec2(FACTOR / 2);
    vec4 middle = texelFetch(geometry, centre, 0);
    out_color = vec4(sum / float(FACTOR * FACTOR), texelFetch(color, centre, 0).a);
    out_geometry = vec4(middle.xy / float(FACTOR), middle.zw);
}
"""


class _Reduction:
    """Framebuffer and program of the analysis pass for one reduction factor."""

    def __init__(self, ctx: moderngl.Context, resolution: Resolution, factor: int, geometry_dtype: str) -> None:
        self.ctx = ctx
        self.shape = (resolution.height // factor, resolution.width // factor)
        size = (self.shape[1], self.shape[0])
        self.fbo = ctx.framebuffer(
            [
                ctx.renderbuffer(size, components=4, dtype="f1"),
                ctx.renderbuffer(size, components=4, dtype=geometry_dtype),
            ]
        )
        self.program = ctx.program(
            vertex_shader=_REDUCE_VERTEX_SHADER, fragment_shader=_REDUCE_SHADER.replace("{factor}", str(factor))
        )
        self.program["color"] = 0
        self.program["geometry"] = 1
        self.vao = ctx.vertex_array(self.program, [])

    def run(self, color: moderngl.Texture, geometry: moderngl.Texture) -> None:
        self.fbo.use()
        color.use(location=0)
        geometry.use(location=1)
        self.ctx.disable(moderngl.DEPTH_TEST)
        self.vao.render(moderngl.TRIANGLES, vertices=3)
        self.ctx.enable(moderngl.DEPTH_TEST)


# The film pass: the image as planar YUV 4:2:0 (I420), BT.709 limited range, the form H.264 stores, so the encoder
# converts nothing and a third less crosses the pipe. Luma at full size; chroma from each 2x2 block's mean colour.
_LUMA_SHADER = """
#version 430
uniform sampler2D color;
out float luma;
void main() {
    vec3 rgb = texelFetch(color, ivec2(gl_FragCoord.xy), 0).rgb;
    luma = (16.0 + 219.0 * dot(rgb, vec3(0.2126, 0.7152, 0.0722))) / 255.0;
}
"""

_CHROMA_SHADER = """
#version 430
uniform sampler2D color;
layout(location = 0) out float cb;
layout(location = 1) out float cr;
void main() {
    ivec2 corner = ivec2(gl_FragCoord.xy) * 2;
    vec3 rgb = 0.25 * (texelFetch(color, corner, 0).rgb + texelFetch(color, corner + ivec2(1, 0), 0).rgb
                       + texelFetch(color, corner + ivec2(0, 1), 0).rgb
                       + texelFetch(color, corner + ivec2(1, 1), 0).rgb);
    float y = dot(rgb, vec3(0.2126, 0.7152, 0.0722));
    cb = (128.0 + 224.0 * (rgb.b - y) / 1.8556) / 255.0;
    cr = (128.0 + 224.0 * (rgb.r - y) / 1.5748) / 255.0;
}
"""


class _YuvPass:
    """Framebuffers and programs that turn the colour target into an I420 frame."""

    def __init__(self, ctx: moderngl.Context, resolution: Resolution) -> None:
        self.ctx = ctx
        self.width, self.height = resolution.width, resolution.height
        half = (self.width // 2, self.height // 2)
        self.luma_fbo = ctx.framebuffer([ctx.renderbuffer((self.width, self.height), components=1, dtype="f1")])
        self.chroma_fbo = ctx.framebuffer(
            [ctx.renderbuffer(half, components=1, dtype="f1"), ctx.renderbuffer(half, components=1, dtype="f1")]
        )
        self.luma = ctx.vertex_array(ctx.program(vertex_shader=_REDUCE_VERTEX_SHADER, fragment_shader=_LUMA_SHADER), [])
        self.chroma = ctx.vertex_array(
            ctx.program(vertex_shader=_REDUCE_VERTEX_SHADER, fragment_shader=_CHROMA_SHADER), []
        )

    def run(self, color: moderngl.Texture, out: NDArray[np.uint8]) -> None:
        """Write the I420 frame of ``color`` into ``out`` ((H * 3 / 2, W) uint8: Y, then U, then V)."""
        plane = self.width * self.height
        flat = out.reshape(-1)
        color.use(location=0)
        self.ctx.disable(moderngl.DEPTH_TEST)
        self.luma_fbo.use()
        self.luma.render(moderngl.TRIANGLES, vertices=3)
        self.luma_fbo.read_into(flat[:plane], components=1, dtype="f1")
        self.chroma_fbo.use()
        self.chroma.render(moderngl.TRIANGLES, vertices=3)
        self.chroma_fbo.read_into(flat[plane : plane * 5 // 4], attachment=0, components=1, dtype="f1")
        self.chroma_fbo.read_into(flat[plane * 5 // 4 :], attachment=1, components=1, dtype="f1")
        self.ctx.enable(moderngl.DEPTH_TEST)


@dataclass
class _Camera:
    """One frame's camera: world-to-camera, unflipped projection, and what the sky pass needs."""

    view: NDArray[np.float64]
    projection: NDArray[np.float64]
    position: NDArray[np.float64]
    fov_y: float

    @classmethod
    def at(cls, path: CameraPath, frame: int, aspect: float) -> _Camera:
        position = np.asarray(path.positions[frame], dtype=float)
        fov_y = path.fov_y[frame]
        view = geometry.view_matrix(position, np.asarray(path.orientations[frame], dtype=float))
        return cls(view, geometry.perspective(fov_y, aspect, NEAR, FAR), position, fov_y)


def _next_camera(path: CameraPath, frame: int, aspect: float) -> _Camera:
    """The camera of frame ``frame + 1``; one past the last frame continues the last frame's motion."""
    if frame + 1 < path.frames:
        return _Camera.at(path, frame + 1, aspect)
    if path.frames == 1:
        return _Camera.at(path, frame, aspect)
    last, before = _Camera.at(path, frame, aspect), _Camera.at(path, frame - 1, aspect)
    step = last.view @ np.linalg.inv(before.view)  # camera motion over one frame, as a world-to-camera change
    view = step @ last.view
    position = -view[:3, :3].T @ view[:3, 3]
    return _Camera(view, last.projection, position, last.fov_y)


def _encode(color: NDArray[np.float64]) -> NDArray[np.float64]:
    """Linear RGB -> the gamma-encoded values the shaders write."""
    return np.clip(np.asarray(color, dtype=float), 0.0, None) ** (1 / 2.2)


def _mat(matrix: NDArray[np.float64]) -> tuple[float, ...]:
    """A numpy (row-major, column-vector) matrix in GL's column-major order."""
    return tuple(np.asarray(matrix, dtype=np.float32).T.ravel().tolist())


class _ThreadGL(threading.local):
    """A GL context is current on one thread: each thread that renders gets its own context and renderers."""

    context: moderngl.Context | None = None
    renderers: dict[tuple[int, int], RasterRenderer]

    def __init__(self) -> None:
        self.renderers = {}


_THREAD = _ThreadGL()


def gl_context() -> moderngl.Context:
    """This thread's headless OpenGL context, on the EGL device :func:`egl_device` picks."""
    if _THREAD.context is None:
        _THREAD.context = _egl_context(egl_device())
    return _THREAD.context


#: Renderers of Mesa's software drivers: a device whose GL_RENDERER names one of them is a CPU.
SOFTWARE_RENDERERS = ("llvmpipe", "softpipe", "swrast", "lavapipe")


@functools.cache
def egl_device() -> int | None:
    """The EGL device to draw on: the first whose driver is not a software rasteriser (a GPU) when there is one,
    else the first; None when ``GLCONTEXT_DEVICE_INDEX`` chooses (glcontext reads it)."""
    if "GLCONTEXT_DEVICE_INDEX" in os.environ:
        return None
    index = 0
    while True:
        try:
            context = _egl_context(index)
        except Exception:  # glcontext raises a bare Exception past the last device
            return 0
        renderer = str(context.info["GL_RENDERER"]).lower()
        context.release()
        if not any(name in renderer for name in SOFTWARE_RENDERERS):
            return index
        index += 1


def gl_device() -> str:
    """What this thread's context draws on (GL_RENDERER), for the report."""
    return str(gl_context().info["GL_RENDERER"])


def _egl_context(device: int | None) -> moderngl.Context:
    # GL 4.3 for explicit layout locations; moderngl's **settings is mis-inferred by mypy as a dict of dicts.
    chosen = {} if device is None else {"device_index": device}
    return moderngl.create_context(require=430, standalone=True, backend="egl", **chosen)  # type: ignore[arg-type]


@dataclass
class _Programs:
    """A look's surface and sky programs, with or without the geometry target."""

    surface: moderngl.Program
    sky: moderngl.Program
    sky_vao: moderngl.VertexArray


class RasterRenderer:
    """Renders worlds at one resolution: framebuffers and shader programs on the process's GL context, kept."""

    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self.ctx = gl_context()
        size = (resolution.width, resolution.height)
        self._geometry_dtype = np.dtype(GEOMETRY_DTYPE).str[1:]
        self._color = self.ctx.texture(size, components=4, dtype="f1")
        self._geometry = self.ctx.texture(size, components=4, dtype=self._geometry_dtype)
        self.fbo = self.ctx.framebuffer([self._color, self._geometry], self.ctx.depth_renderbuffer(size))
        self.color_fbo = self.ctx.framebuffer([self._color], self.fbo.depth_attachment)
        self._reductions: dict[int, _Reduction] = {}
        self._programs: dict[tuple[Style, bool], _Programs] = {}
        self._kept: list[NDArray[np.uint8]] | None = None
        self._yuv: _YuvPass | None = None

    def render(self, world: World, path: CameraPath, *, start: float, style: Style, shot_id: str = "") -> FrameSet:
        """Render ``path.frames`` frames of ``world``; frame i shows story time ``start + i / path.fps``.

        The FrameSet's fields are views into two arrays read straight from the framebuffer (rgb and instance share
        one RGBA array, flow and both depths one float array), so nothing is copied after readback; make a field
        contiguous before handing it to code that needs that."""
        color, geometry_out = self._buffers(path.frames)
        for frame in self._draw(world, path, start=start, style=style):
            self._read(frame, color, geometry_out)
        return _frame_set(color, geometry_out, path.fps, shot_id, world)

    def render_film(
        self, world: World, path: CameraPath, *, start: float, style: Style, analysis_factor: int, chunk: int = 24
    ) -> Iterator[tuple[NDArray[np.uint8], FrameSet]]:
        """Render for a film: per chunk of up to ``chunk`` frames, the images as I420 (BT.709 limited range,
        shape (n, H * 3 / 2, W): what an H.264 encoder takes as is) and a FrameSet of the same frames
        ``analysis_factor`` times smaller each way, reduced on the GL side exactly as :meth:`FrameSet.reduced` does
        (colour block means; ids and geometry at each block's centre, flow rescaled).

        Full-size geometry never leaves the GL side, so readback is a fifth of :meth:`render`'s. Images alternate
        between two buffers the renderer keeps (no fresh memory per shot: first-touching gigabytes of frames costs
        more than drawing them here): a chunk's images stay valid until the chunk after next is yielded."""
        reduction = self._reduction(analysis_factor)
        if self._yuv is None:
            self._yuv = _YuvPass(self.ctx, self.resolution)
        images = self._kept_images(chunk)
        color = np.empty((chunk, *reduction.shape, 4), dtype=np.uint8)
        geometry_out = np.empty((chunk, *reduction.shape, 4), dtype=GEOMETRY_DTYPE)
        filled, produced = 0, 0
        for frame in self._draw(world, path, start=start, style=style):
            target = images[produced % 2]
            self._yuv.run(self._color, target[filled])
            reduction.run(self._color, self._geometry)
            reduction.fbo.read_into(color[filled], attachment=0, components=4, dtype="f1")
            reduction.fbo.read_into(geometry_out[filled], attachment=1, components=4, dtype=self._geometry_dtype)
            self.fbo.use()
            filled += 1
            if filled == chunk or frame == path.frames - 1:
                analysis = _frame_set(color[:filled].copy(), geometry_out[:filled].copy(), path.fps, "", world)
                yield target[:filled], analysis
                filled, produced = 0, produced + 1

    def render_reduced(
        self, world: World, path: CameraPath, *, start: float, style: Style, factor: int, shot_id: str = ""
    ) -> FrameSet:
        """Every output ``factor`` times smaller each way, reduced on the GL side as :meth:`render_film` reduces
        them (colour block means of factor x factor samples), with no image for a film."""
        reduction = self._reduction(factor)
        color = np.empty((path.frames, *reduction.shape, 4), dtype=np.uint8)
        geometry_out = np.empty((path.frames, *reduction.shape, 4), dtype=GEOMETRY_DTYPE)
        for frame in self._draw(world, path, start=start, style=style):
            reduction.run(self._color, self._geometry)
            reduction.fbo.read_into(color[frame], attachment=0, components=4, dtype="f1")
            reduction.fbo.read_into(geometry_out[frame], attachment=1, components=4, dtype=self._geometry_dtype)
            self.fbo.use()
        return _frame_set(color, geometry_out, path.fps, shot_id, world)

    def _reduction(self, factor: int) -> _Reduction:
        if factor not in self._reductions:
            self._reductions[factor] = _Reduction(self.ctx, self.resolution, factor, self._geometry_dtype)
        return self._reductions[factor]

    def _kept_images(self, chunk: int) -> list[NDArray[np.uint8]]:
        shape = (chunk, self.resolution.height * 3 // 2, self.resolution.width)
        if self._kept is None or self._kept[0].shape[0] < chunk:
            self._kept = [np.zeros(shape, dtype=np.uint8), np.zeros(shape, dtype=np.uint8)]
        return [buffer[:chunk] for buffer in self._kept]

    def _buffers(self, frames: int) -> tuple[NDArray[np.uint8], NDArray[np.floating]]:
        shape = (frames, self.resolution.height, self.resolution.width, 4)
        return np.empty(shape, dtype=np.uint8), np.empty(shape, dtype=GEOMETRY_DTYPE)

    def _read(self, index: int, color: NDArray[np.uint8], geometry_out: NDArray[np.floating]) -> None:
        self.fbo.read_into(color[index], attachment=0, components=4, dtype="f1")
        self.fbo.read_into(geometry_out[index], attachment=1, components=4, dtype=self._geometry_dtype)

    def render_rgb(self, world: World, path: CameraPath, *, start: float, style: Style) -> NDArray[np.uint8]:
        """Only the images, (N, H, W, 3) sRGB: for previews (animatics, contact sheets) that need no geometry."""
        rgb = np.empty((path.frames, self.resolution.height, self.resolution.width, 3), dtype=np.uint8)
        for frame in self._draw(world, path, start=start, style=style, geometry=False):
            self.color_fbo.read_into(rgb[frame], attachment=0, components=3, dtype="f1")
        return rgb

    def render_images(
        self, world: World, path: CameraPath, *, start: float, style: Style, chunk: int = 24
    ) -> Iterator[NDArray[np.uint8]]:
        """The film pass of a shot whose checks read a render of their own: per chunk of up to ``chunk`` frames,
        the images alone as I420 (as :meth:`render_film` gives them, from the same buffers), drawn without the
        geometry target."""
        if self._yuv is None:
            self._yuv = _YuvPass(self.ctx, self.resolution)
        images = self._kept_images(chunk)
        filled, produced = 0, 0
        for frame in self._draw(world, path, start=start, style=style, geometry=False):
            target = images[produced % 2]
            self._yuv.run(self._color, target[filled])
            self.color_fbo.use()
            filled += 1
            if filled == chunk or frame == path.frames - 1:
                yield target[:filled]
                filled, produced = 0, produced + 1

    def _programs_for(self, style: Style, geometry: bool) -> _Programs:
        """The look's programs, compiled on first use."""
        key = (style, geometry)
        if key not in self._programs:
            look = str(_LOOKS[style].index)

            def source(shader: str) -> str:
                return shader.replace("{look}", look).replace("{geometry}", str(int(geometry)))

            surface = self.ctx.program(vertex_shader=source(_VERTEX_SHADER), fragment_shader=source(_SURFACE_SHADER))
            sky = self.ctx.program(vertex_shader=_SKY_VERTEX_SHADER, fragment_shader=source(_SKY_SHADER))
            self._programs[key] = _Programs(surface, sky, self.ctx.vertex_array(sky, []))
        return self._programs[key]

    def _draw(
        self, world: World, path: CameraPath, *, start: float, style: Style, geometry: bool = True
    ) -> Iterator[int]:
        """Draw each frame into the framebuffer (``color_fbo`` when not ``geometry``) in turn and yield its index
        while it is there to be read. All part matrices go up once, in one float texture (a row per frame, four
        texels per matrix: GL's columns); a uniform tells each frame its row."""
        aspect = self.resolution.width / self.resolution.height
        frames = path.frames
        times = start + np.arange(frames) / path.fps
        now, on = world.part_matrices(times), world.part_matrices(times, ahead=1.0 / path.fps)
        parts = now.shape[1]
        width = 2 * parts * 4
        if width > self.ctx.info["GL_MAX_TEXTURE_SIZE"] or frames > self.ctx.info["GL_MAX_TEXTURE_SIZE"]:
            raise ValueError(f"{parts} moving parts over {frames} frames exceed this GL's texture size")
        matrices = np.stack([now, on], axis=1).astype(np.float32)  # (frames, now / a frame on, parts, 4, 4)
        columns = np.ascontiguousarray(matrices.transpose(0, 1, 2, 4, 3))  # GL reads matrices column by column

        arrays = world.render_arrays()
        vertices = np.concatenate(
            [arrays.positions, arrays.normals, arrays.colors, arrays.part_index[:, None], arrays.instance_id[:, None]],
            axis=1,
        ).astype(np.float32)
        programs = self._programs_for(style, geometry)
        program = programs.surface
        fbo = self.fbo if geometry else self.color_fbo
        vbo = self.ctx.buffer(np.ascontiguousarray(vertices).tobytes())
        vao = self.ctx.vertex_array(
            program,
            [(vbo, "3f 3f 3f 1f 1f", "in_position", "in_normal", "in_color", "in_part", "in_instance")],
        )
        part_texture = self.ctx.texture((width, frames), components=4, data=columns.tobytes(), dtype="f4")
        part_texture.filter = (moderngl.NEAREST, moderngl.NEAREST)
        try:
            self._set_lighting(world, style, programs)
            self.ctx.enable_only(moderngl.DEPTH_TEST)
            self.ctx.depth_func = "<="
            if "parts" in program:  # only the geometry target reads the matrices a frame on
                program["parts"] = parts
            program["part_matrices"] = PART_UNIT
            fbo.use()
            for frame in range(frames):
                program["frame"] = frame
                part_texture.use(location=PART_UNIT)  # the analysis and I420 passes bind units 0 and 1
                cameras = _Camera.at(path, frame, aspect), _next_camera(path, frame, aspect)
                self._set_cameras(programs, *cameras)
                fbo.clear(depth=1.0)
                vao.render(moderngl.TRIANGLES)
                programs.sky_vao.render(moderngl.TRIANGLES, vertices=3)
                yield frame
        finally:
            vao.release()
            vbo.release()
            part_texture.release()

    def _set_lighting(self, world: World, style: Style, programs: _Programs) -> None:
        """The world's sun, ambient, sky (as bright as the look draws it) and fog, on the look's programs (a uniform
        a program does not use is skipped)."""
        sun = np.asarray(world.sun_direction, dtype=float)
        sun = sun / max(float(np.linalg.norm(sun)), 1e-9)
        size = (float(self.resolution.width), float(self.resolution.height))
        gain = _LOOKS[style].sky
        sky_top, sky_horizon = gain * np.asarray(world.sky_top), gain * np.asarray(world.sky_horizon)
        for program in (programs.surface, programs.sky):
            uniforms = {
                "sun_direction": tuple(sun),
                "sun_color": tuple(world.sun_color),
                "ambient": float(world.ambient),
                "sky_top": tuple(sky_top),
                "sky_horizon": tuple(sky_horizon),
                "encoded_sky_top": tuple(_encode(sky_top)),
                "encoded_sky_horizon": tuple(_encode(sky_horizon)),
                "fog_exp2": -float(world.fog) / float(np.log(2.0)),
                "size": size,
            }
            for name, value in uniforms.items():
                if name in program:
                    program[name] = value

    def _set_cameras(self, programs: _Programs, camera: _Camera, following: _Camera) -> None:
        """This frame's camera for drawing and the next frame's for the flow (when the programs draw geometry), on
        the surface and sky programs."""
        surface, sky = programs.surface, programs.sky
        surface["view_projection"] = _mat(FLIP_Y @ camera.projection @ camera.view)
        surface["eye"] = tuple(camera.position)
        tan_y = float(np.tan(np.radians(camera.fov_y) / 2.0))
        sky["camera_rotation"] = _mat(camera.view[:3, :3].T)
        sky["tan_half_fov"] = (tan_y * self.resolution.width / self.resolution.height, tan_y)
        if "next_focal" in sky:
            surface["next_view_projection"] = _mat(following.projection @ following.view)
            sky["next_world_to_camera"] = _mat(following.view[:3, :3])
            sky["next_focal"] = (float(following.projection[0, 0]), float(following.projection[1, 1]))


def _frame_set(
    color: NDArray[np.uint8], geometry_out: NDArray[np.floating], fps: int, shot_id: str, world: World
) -> FrameSet:
    return FrameSet(
        rgb=color[..., :3],
        instance=color[..., 3],
        depth=geometry_out[..., 2],
        flow=geometry_out[..., :2],
        next_depth=geometry_out[..., 3],
        fps=fps,
        shot_id=shot_id,
        instance_names={obj.instance_id: obj.name for obj in world.objects},
    )


def renderer_for(resolution: Resolution) -> RasterRenderer:
    """This thread's renderer for ``resolution``, created on first use."""
    key = (resolution.width, resolution.height)
    if key not in _THREAD.renderers:
        _THREAD.renderers[key] = RasterRenderer(resolution)
    return _THREAD.renderers[key]


def render_shot(
    world: World, path: CameraPath, *, start: float, style: Style, resolution: Resolution, shot_id: str = ""
) -> FrameSet:
    """Render one shot: ``path.frames`` frames of ``world`` from story time ``start``, with exact flow and depth."""
    return renderer_for(resolution).render(world, path, start=start, style=style, shot_id=shot_id)


def render_analysis(
    world: World,
    path: CameraPath,
    *,
    start: float,
    style: Style,
    resolution: Resolution,
    analysis_factor: int,
    shot_id: str = "",
) -> FrameSet:
    """A shot's frames as the checks read them, for a film at ``resolution`` reduced ``analysis_factor`` times,
    without drawing it at that size: drawn at ``ANALYSIS_SAMPLES`` times the analysis size each way and reduced as
    :func:`render_film` reduces (plain, when the analysis size is the film's own)."""
    if analysis_factor == 1:
        return render_shot(world, path, start=start, style=style, resolution=resolution, shot_id=shot_id)
    samples = min(ANALYSIS_SAMPLES, analysis_factor)
    drawn = Resolution(
        width=resolution.width // analysis_factor * samples, height=resolution.height // analysis_factor * samples
    )
    return renderer_for(drawn).render_reduced(world, path, start=start, style=style, factor=samples, shot_id=shot_id)


def render_film(
    world: World,
    path: CameraPath,
    *,
    start: float,
    style: Style,
    resolution: Resolution,
    analysis_factor: int,
    chunk: int = 24,
) -> Iterator[tuple[NDArray[np.uint8], FrameSet]]:
    """I420 images and analysis-size FrameSets of a shot, chunk by chunk (see ``RasterRenderer.render_film``)."""
    return renderer_for(resolution).render_film(
        world, path, start=start, style=style, analysis_factor=analysis_factor, chunk=chunk
    )

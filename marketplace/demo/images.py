"""Photos for demo listings, drawn with Pillow alone.

Each photo is a studio shot: a soft gradient backdrop in a colour that suits the item, a soft
shadow, and a simple drawing of the item (a phone with its camera bump, a car, a sofa...) in the
item's own colour. The photos of one listing differ like real shots do: angle, distance,
framing, backdrop. Everything is drawn from the photo's own seed, so the pixels never change.

Drawings are made in a 100 x 100 unit square (``Pen``) that is scaled to the photo.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable, Sequence
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from marketplace.images import ProcessedImage, process_listing_image

from .generate import PhotoPlan

WIDTH, HEIGHT = 1024, 768
Colour = tuple[int, int, int]

BLACK: Colour = (34, 34, 38)
METAL: Colour = (188, 191, 197)
GLASS: Colour = (28, 34, 48)
WOOD: Colour = (150, 104, 64)
TYRE: Colour = (40, 40, 42)
WHITE: Colour = (246, 246, 242)


def photo_upload(plan: PhotoPlan, position: int) -> ProcessedImage:
    """Photo ``position`` of a listing, put through the same pipeline as a seller's upload:
    validated, re-encoded, with a card thumbnail. Needs settings, not the database, so it can
    run in a worker process."""
    upload = SimpleUploadedFile(f"demo-{position + 1}.jpg", render_photo(plan, position))
    return process_listing_image(upload, name_stem=f"photo-{position + 1}")


def render_photo(plan: PhotoPlan, position: int) -> bytes:
    """The JPEG bytes of photo ``position`` (0 is the cover) of a listing."""
    rng = random.Random(plan.seed)
    steady = plan.kind in _STEADY  # vehicles, houses, furniture: the camera tilts, they don't
    backdrop = _backdrop(rng, plan.colour, position)
    zoom = 1.0 if position == 0 else rng.uniform(0.84, 1.05)
    # The cover is a straight product shot; half the other shots are taken at an angle.
    tilt = 2.5 if steady else 8.0
    angle = rng.uniform(-tilt, tilt) if position and rng.random() < 0.5 else 0.0
    # Wide things (cars, sofas, laptops) get the frame's width, the rest its height.
    side = round((WIDTH * 0.88 if plan.kind in _WIDE else HEIGHT * 0.98) * zoom)
    left = WIDTH / 2 + rng.uniform(-0.05, 0.05) * WIDTH - side / 2
    top = HEIGHT / 2 + rng.uniform(-0.03, 0.03) * HEIGHT - side / 2

    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    _DRAWINGS.get(plan.kind, _box)(Pen(layer), plan.colour, rng, position)
    if position % 2 == 1 and plan.kind not in _NO_MIRROR:
        layer = layer.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    # Work on the drawing's bounding box only: rotating is by far the costliest step.
    x0, y0, x1, y1 = layer.getbbox() or (0, 0, side, side)
    item = layer.crop((x0, y0, x1, y1))
    if angle:
        item = item.rotate(angle, resample=Image.Resampling.BILINEAR, expand=True)
    middle_x, middle_y = left + (x0 + x1) / 2, top + (y0 + y1) / 2
    _shadow(backdrop, middle_x, top + y1, (x1 - x0) * (0.52 if steady else 0.42), rng)
    backdrop.paste(
        item, (round(middle_x - item.width / 2), round(middle_y - item.height / 2)), item
    )

    buffer = io.BytesIO()
    backdrop.save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


# --- Backdrop and shadow --------------------------------------------------------------------


def _backdrop(rng: random.Random, colour: Colour, position: int) -> Image.Image:
    luma = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
    if luma > 200:  # white, silver, beige items on a deeper backdrop so they stand out
        accent = rng.choice(((92, 112, 134), (120, 108, 98), (88, 120, 116)))
        top, bottom = _mix(accent, WHITE, 0.25), _mix(accent, BLACK, 0.25)
    elif luma < 70:  # black items on a light one
        accent = rng.choice(((226, 222, 214), (214, 224, 232), (236, 226, 222)))
        top, bottom = _mix(accent, WHITE, 0.5), _mix(accent, BLACK, 0.1)
    else:
        top, bottom = _mix(colour, WHITE, 0.86), _mix(colour, WHITE, 0.62)
    # Every shot is lit a little differently.
    shift = rng.uniform(-0.08, 0.08) if position else 0.0
    top = _mix(top, WHITE if shift > 0 else BLACK, abs(shift))
    # Colouring a one-pixel-wide strip and stretching it is ten times cheaper than colouring
    # the whole frame.
    strip = ImageOps.colorize(_vertical_gradient(), black=top, white=bottom)
    return strip.resize((WIDTH, HEIGHT), Image.Resampling.NEAREST)


@cache
def _vertical_gradient() -> Image.Image:
    return Image.linear_gradient("L").resize((1, HEIGHT), Image.Resampling.BILINEAR)


def _shadow(
    image: Image.Image, cx: float, cy: float, half_width: float, rng: random.Random
) -> None:
    """A soft elliptic shadow, blurred at a quarter of its size (blurring is the costly part)."""
    scale, margin = 4, 8
    w, h = half_width / scale, half_width / scale * 0.16
    mask = Image.new("L", (round(2 * (w + margin)), round(2 * (h + margin))), 0)
    ImageDraw.Draw(mask).ellipse(
        (margin, margin, margin + 2 * w, margin + 2 * h), fill=round(rng.uniform(70, 110))
    )
    mask = mask.filter(ImageFilter.GaussianBlur(5))
    mask = mask.resize((mask.width * scale, mask.height * scale), Image.Resampling.BILINEAR)
    image.paste(BLACK, (round(cx - mask.width / 2), round(cy - mask.height / 2)), mask)


# --- Drawing --------------------------------------------------------------------------------


class Pen:
    """ImageDraw in units: the layer is 100 x 100 units whatever its size in pixels."""

    def __init__(self, layer: Image.Image):
        self.draw = ImageDraw.Draw(layer)
        self.u = layer.width / 100

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
        u = self.u
        return (x0 * u, y0 * u, x1 * u, y1 * u)

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: Colour,
        radius: float = 0,
        outline: Colour | None = None,
        width: float = 0,
    ) -> None:
        self.draw.rounded_rectangle(
            self._box(x0, y0, x1, y1),
            radius=radius * self.u,
            fill=fill,
            outline=outline,
            width=round(width * self.u),
        )

    def ellipse(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        fill: Colour | None,
        outline: Colour | None = None,
        width: float = 0,
    ) -> None:
        self.draw.ellipse(
            self._box(x0, y0, x1, y1), fill=fill, outline=outline, width=round(width * self.u)
        )

    def circle(
        self,
        x: float,
        y: float,
        r: float,
        fill: Colour | None,
        outline: Colour | None = None,
        width: float = 0,
    ) -> None:
        self.ellipse(x - r, y - r, x + r, y + r, fill, outline, width)

    def pieslice(
        self, x0: float, y0: float, x1: float, y1: float, start: float, end: float, fill: Colour
    ) -> None:
        self.draw.pieslice(self._box(x0, y0, x1, y1), start, end, fill=fill)

    def polygon(self, points: Sequence[tuple[float, float]], fill: Colour) -> None:
        self.draw.polygon([(x * self.u, y * self.u) for x, y in points], fill=fill)

    def line(self, points: Sequence[tuple[float, float]], fill: Colour, width: float) -> None:
        self.draw.line(
            [(x * self.u, y * self.u) for x, y in points],
            fill=fill,
            width=max(1, round(width * self.u)),
            joint="curve",
        )

    def arc(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        start: float,
        end: float,
        fill: Colour,
        width: float,
    ) -> None:
        self.draw.arc(self._box(x0, y0, x1, y1), start, end, fill=fill, width=round(width * self.u))


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _dark(c: Colour, t: float = 0.35) -> Colour:
    return _mix(c, (0, 0, 0), t)


def _light(c: Colour, t: float = 0.35) -> Colour:
    return _mix(c, (255, 255, 255), t)


def _pastel(rng: random.Random) -> Colour:
    return rng.choice(
        ((120, 170, 230), (240, 150, 120), (130, 200, 160), (250, 200, 90), (190, 150, 230))
    )


Drawing = Callable[[Pen, Colour, random.Random, int], None]


# Phones, tablets, screens -------------------------------------------------------------------


def _phone(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    if position == 1:  # the front: screen with app icons
        p.rect(31, 8, 69, 92, BLACK, radius=6)
        p.rect(33, 10, 67, 90, _mix(_pastel(rng), GLASS, 0.55), radius=5)
        for row in range(5):
            for col in range(4):
                x, y = 36 + col * 7.8, 16 + row * 9
                p.rect(x, y, x + 5.4, y + 5.4, _pastel(rng), radius=1.4)
        p.rect(44, 11.5, 56, 14, BLACK, radius=1.2)
        return
    p.rect(31, 8, 69, 92, _dark(c, 0.12), radius=6)
    p.rect(32, 9, 68, 91, c, radius=5.5)
    p.rect(35, 12, 53, 32, _dark(c, 0.18), radius=4)  # the camera bump
    for x, y in ((40, 17), (48, 17), (40, 26)):
        p.circle(x, y, 3.2, BLACK, outline=METAL, width=0.6)
        p.circle(x, y, 1.2, (60, 70, 90))
    p.circle(48, 26, 1.4, (250, 240, 200))  # flash


def _tablet(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(14, 18, 86, 82, _dark(c, 0.1) if c != BLACK else (70, 70, 74), radius=4)
    p.rect(17, 21, 83, 79, _mix(_pastel(rng), GLASS, 0.45), radius=2)
    for i in range(3):
        x = 23 + i * 20
        p.rect(x, 28, x + 15, 50, _light(_pastel(rng), 0.3), radius=1.5)
    p.rect(23, 56, 78, 72, _light(_pastel(rng), 0.5), radius=1.5)


def _screen(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(8, 16, 92, 66, BLACK, radius=1.5)
    sky, hill = _pastel(rng), (90, 150, 100)
    p.rect(10, 18, 90, 64, _light(sky, 0.2))
    p.polygon([(10, 52), (30, 36), (48, 50), (66, 32), (90, 50), (90, 64), (10, 64)], hill)
    p.circle(74, 27, 4, (255, 230, 150))
    p.rect(46, 66, 54, 78, _dark(METAL, 0.25))
    p.rect(32, 78, 68, 82, _dark(METAL, 0.2), radius=1.5)


def _laptop(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    body = c if c != BLACK else (62, 63, 68)
    p.rect(18, 18, 82, 62, _dark(body, 0.2), radius=2.5)
    p.rect(20, 20, 80, 60, GLASS, radius=1)
    p.rect(22, 22, 78, 58, _mix(_pastel(rng), GLASS, 0.4))
    p.rect(25, 26, 56, 52, _light(_pastel(rng), 0.55), radius=1)  # a window
    p.rect(25, 26, 56, 29, _dark(_pastel(rng), 0.1), radius=1)
    p.polygon([(12, 64), (88, 64), (94, 74), (6, 74)], body)
    p.rect(6, 74, 94, 76.5, _dark(body, 0.3), radius=1)
    for row in range(3):
        y = 65.8 + row * 2.6
        p.rect(18 + row * 1.5, y, 82 - row * 1.5, y + 1.8, _dark(body, 0.22), radius=0.4)
    p.rect(42, 71.5, 58, 73.5, _dark(body, 0.12), radius=0.5)


def _watch(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    strap = c if c not in (WHITE,) else (210, 210, 205)
    p.rect(40, 8, 60, 92, _dark(strap, 0.15), radius=6)
    p.rect(30, 30, 70, 70, _dark(METAL, 0.35), radius=9)
    p.rect(33, 33, 67, 67, GLASS, radius=7)
    p.arc(38, 38, 62, 62, -90, 180, _pastel(rng), 3)
    p.arc(43, 43, 57, 57, -90, 90, _pastel(rng), 3)
    p.rect(70, 44, 73, 52, METAL, radius=1)


def _camera(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    body = BLACK if c in (WHITE,) else c
    p.rect(14, 32, 86, 76, body, radius=6)
    p.rect(22, 24, 44, 34, _dark(body, 0.2), radius=2)
    p.rect(14, 40, 86, 46, _dark(body, 0.35))
    p.circle(52, 56, 19, _dark(METAL, 0.5))
    p.circle(52, 56, 15, BLACK, outline=METAL, width=1)
    p.circle(52, 56, 9, (40, 60, 100))
    p.circle(48, 52, 3, (180, 200, 240))
    p.rect(72, 34, 80, 39, METAL, radius=1)


def _headphones(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.arc(20, 12, 80, 80, 180, 360, _dark(c, 0.2), 6)
    p.arc(22, 14, 78, 78, 180, 360, c, 3.5)
    for x in (16, 68):
        p.rect(x, 44, x + 16, 80, _dark(c, 0.25), radius=7)
        p.rect(x + 2, 47, x + 14, 77, c, radius=6)


def _earbuds(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(26, 36, 74, 80, WHITE, radius=14)
    p.line([(26, 54), (74, 54)], (220, 220, 216), 0.8)
    p.circle(50, 64, 1.5, (120, 200, 120))
    for x in (34, 62):
        p.circle(x, 24, 6, WHITE)
        p.rect(x - 2, 24, x + 2, 38, WHITE, radius=2)


def _gamepad(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    pad = c if c != BLACK else (48, 48, 54)
    p.ellipse(10, 34, 46, 78, pad)
    p.ellipse(54, 34, 90, 78, pad)
    p.rect(26, 34, 74, 62, pad, radius=12)
    p.rect(22, 48, 34, 52, _dark(pad, 0.5), radius=1)
    p.rect(26, 44, 30, 56, _dark(pad, 0.5), radius=1)
    for x, y, col in ((72, 44, (90, 200, 120)), (78, 50, (230, 90, 90)), (66, 50, (90, 140, 230))):
        p.circle(x, y, 2.6, col)
    p.circle(72, 56, 2.6, (240, 200, 80))
    p.circle(40, 60, 4.5, _dark(pad, 0.55))
    p.circle(60, 60, 4.5, _dark(pad, 0.55))


def _speaker(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(30, 10, 70, 90, _dark(c, 0.1), radius=8)
    p.rect(32, 12, 68, 88, c, radius=7)
    p.circle(50, 34, 11, _dark(c, 0.45))
    p.circle(50, 34, 5, _dark(c, 0.65))
    p.circle(50, 66, 15, _dark(c, 0.45))
    p.circle(50, 66, 7, _dark(c, 0.65))


def _drone(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    grey = (110, 112, 118)
    p.line([(24, 30), (76, 70)], grey, 5)
    p.line([(76, 30), (24, 70)], grey, 5)
    for x, y in ((24, 30), (76, 30), (24, 70), (76, 70)):
        p.ellipse(x - 14, y - 3, x + 14, y + 3, (200, 200, 205))
        p.circle(x, y, 3, BLACK)
    p.rect(38, 40, 62, 60, (150, 152, 158), radius=6)
    p.circle(50, 62, 4, BLACK)


def _mouse(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    body = c if c != WHITE else (90, 92, 98)
    p.ellipse(30, 14, 70, 86, _dark(body, 0.15))
    p.ellipse(32, 16, 68, 84, body)
    p.line([(50, 16), (50, 40)], _dark(body, 0.4), 1)
    p.rect(47.5, 22, 52.5, 32, _dark(body, 0.5), radius=2)


def _gadget(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(24, 30, 76, 74, _dark(c, 0.12), radius=8)
    p.rect(26, 32, 74, 72, c, radius=7)
    p.circle(50, 52, 8, _dark(c, 0.4))
    p.circle(66, 40, 2, (120, 220, 140))


# Vehicles -----------------------------------------------------------------------------------


def _car(shape: str) -> Drawing:
    """Side view of a car; ``shape`` sets the roofline."""

    def draw(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
        length = {"hatchback": (14, 84), "coupe": (10, 90), "van": (10, 90)}.get(shape, (8, 92))
        x0, x1 = length
        bottom, waist = 70, 52
        roof = {
            "hatchback": [(28, waist), (38, 36), (68, 36), (80, waist)],
            "sedan": [(30, waist), (40, 37), (62, 37), (74, waist)],
            "estate": [(28, waist), (38, 36), (84, 37), (88, waist)],
            "suv": [(26, waist), (34, 32), (82, 32), (88, waist)],
            "van": [(14, waist), (20, 28), (86, 28), (90, waist)],
            "coupe": [(32, waist), (46, 38), (60, 38), (78, waist)],
        }[shape]
        p.polygon(roof, _dark(c, 0.1))
        p.rect(x0, waist - 2, x1, bottom, c, radius=6)
        p.polygon(
            [(x0 + 1, waist + 1), (x0 + 8, waist - 4), (x1 - 6, waist - 4), (x1, waist + 1)], c
        )
        glass = _mix(GLASS, (120, 150, 180), 0.35)
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = roof
        p.polygon([(ax + 3, ay), (bx + 1.5, by + 2), (cx - 1.5, cy + 2), (dx - 3, dy)], glass)
        pillar = (bx + cx) / 2
        p.line([(pillar, by + 1), (pillar, waist)], _dark(c, 0.15), 1.6)
        p.line([(x0 + 2, 60), (x1 - 2, 60)], _dark(c, 0.12), 0.6)
        p.rect(x1 - 4, 55, x1 - 0.5, 58, (255, 236, 180), radius=1)
        p.rect(x0 + 0.5, 55, x0 + 3, 58, (200, 40, 40), radius=1)
        for wx in (x0 + 15, x1 - 15):
            p.circle(wx, bottom, 9, TYRE)
            p.circle(wx, bottom, 5, METAL)
            p.circle(wx, bottom, 1.6, _dark(METAL, 0.4))

    return draw


def _scooter(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.circle(26, 72, 10, TYRE)
    p.circle(26, 72, 5, METAL)
    p.circle(74, 72, 10, TYRE)
    p.circle(74, 72, 5, METAL)
    p.polygon([(60, 70), (84, 70), (84, 58), (70, 46), (56, 50)], c)
    p.polygon([(36, 56), (60, 56), (60, 70), (40, 70)], _dark(c, 0.15))
    p.rect(54, 42, 80, 48, BLACK, radius=3)
    p.polygon([(22, 62), (30, 62), (36, 30), (30, 28)], c)
    p.line([(30, 28), (34, 20)], METAL, 2)
    p.line([(26, 20), (42, 20)], BLACK, 2.5)
    p.circle(30, 34, 3, (255, 236, 180))


def _motorbike(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    for x in (22, 78):
        p.circle(x, 68, 14, TYRE)
        p.circle(x, 68, 9, _dark(METAL, 0.2))
        p.circle(x, 68, 2.5, BLACK)
    p.line([(22, 68), (32, 38)], METAL, 2.5)
    p.line([(78, 68), (56, 56)], BLACK, 3)
    p.polygon([(38, 48), (66, 48), (58, 64), (44, 64)], (70, 72, 78))
    p.polygon([(34, 40), (56, 36), (62, 46), (36, 50)], c)
    p.polygon([(56, 40), (80, 40), (84, 46), (60, 46)], BLACK)
    p.line([(28, 34), (40, 32)], BLACK, 2.5)
    p.circle(30, 42, 3.5, (255, 236, 180))


# Home ---------------------------------------------------------------------------------------


def _sofa(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(12, 30, 88, 62, _dark(c, 0.12), radius=6)
    p.rect(8, 46, 20, 74, c, radius=4)
    p.rect(80, 46, 92, 74, c, radius=4)
    p.rect(18, 56, 82, 72, _light(c, 0.08), radius=3)
    p.line([(50, 57), (50, 71)], _dark(c, 0.2), 0.6)
    p.rect(20, 34, 48, 54, _light(c, 0.12), radius=5)
    p.rect(52, 34, 80, 54, _light(c, 0.12), radius=5)
    for x in (13, 85):
        p.rect(x, 74, x + 3, 80, (80, 60, 40))


def _armchair(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(28, 20, 72, 62, _dark(c, 0.12), radius=10)
    p.rect(22, 44, 34, 74, c, radius=5)
    p.rect(66, 44, 78, 74, c, radius=5)
    p.rect(32, 54, 68, 72, _light(c, 0.08), radius=4)
    for x in (25, 73):
        p.line([(x, 74), (x - 2, 84)], (90, 64, 40), 2)


def _table(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    top = c if c not in (WHITE,) else (232, 230, 226)
    p.polygon([(14, 40), (86, 40), (92, 48), (8, 48)], _light(top, 0.1))
    p.rect(8, 48, 92, 52, _dark(top, 0.2))
    for x in (12, 84):
        p.rect(x, 52, x + 4, 84, _dark(top, 0.3))
    for x in (22, 74):
        p.rect(x, 48, x + 3, 76, _dark(top, 0.45))


def _chair(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(30, 12, 70, 46, c, radius=8)
    p.polygon([(28, 54), (72, 54), (76, 62), (24, 62)], _dark(c, 0.1))
    p.line([(34, 46), (32, 56)], _dark(c, 0.3), 2)
    p.line([(66, 46), (68, 56)], _dark(c, 0.3), 2)
    for x0, x1 in ((28, 22), (72, 78), (36, 34), (64, 66)):
        p.line([(x0, 62), (x1, 88)], (150, 110, 70) if x0 in (36, 64) else (120, 90, 60), 2)


def _bed(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(8, 24, 22, 76, _dark(c, 0.2), radius=3)
    p.rect(10, 50, 92, 66, _dark(c, 0.1), radius=2)
    p.rect(12, 40, 90, 54, WHITE, radius=4)
    p.rect(14, 34, 32, 46, (236, 236, 232), radius=4)
    p.rect(40, 38, 90, 56, _light(_pastel(rng), 0.35), radius=4)
    for x in (12, 86):
        p.rect(x, 66, x + 4, 74, _dark(c, 0.35))


def _wardrobe(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(22, 8, 78, 86, _dark(c, 0.12), radius=1)
    p.rect(24, 10, 49.5, 84, c)
    p.rect(50.5, 10, 76, 84, c)
    p.rect(45, 42, 47, 54, METAL, radius=1)
    p.rect(53, 42, 55, 54, METAL, radius=1)
    p.rect(24, 88, 28, 92, _dark(c, 0.4))
    p.rect(72, 88, 76, 92, _dark(c, 0.4))


def _shelf(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(18, 10, 82, 90, _dark(c, 0.15))
    for row in range(4):
        for col in range(4):
            x, y = 20 + col * 15.5, 12 + row * 19.5
            p.rect(x, y, x + 14, y + 18, _dark(c, 0.35) if c != BLACK else (20, 20, 22))
            if rng.random() < 0.5:  # books and boxes on the shelves
                books = rng.randint(2, 4)
                for b in range(books):
                    bx = x + 2 + b * 3
                    p.rect(bx, y + 6 + rng.random() * 3, bx + 2.4, y + 18, _pastel(rng))


def _lamp(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(34, 16), (66, 16), (76, 40), (24, 40)], c)
    p.ellipse(24, 37, 76, 43, _dark(c, 0.15))
    p.rect(48.5, 40, 51.5, 84, _dark(METAL, 0.3))
    p.ellipse(34, 82, 66, 90, _dark(METAL, 0.4))


def _appliance(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(26, 10, 74, 90, _dark(c, 0.1), radius=3)
    p.rect(28, 12, 72, 88, c, radius=2)
    p.rect(28, 24, 72, 26, _dark(c, 0.2))
    p.rect(32, 15, 50, 21, GLASS, radius=1)
    p.circle(62, 18, 2.5, _dark(c, 0.4))
    p.rect(64, 34, 67, 60, METAL, radius=1)


def _mixer(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(24, 80, 76, 88, c, radius=3)
    p.rect(56, 26, 70, 84, c, radius=5)
    p.rect(26, 20, 70, 36, c, radius=8)
    p.polygon([(30, 54), (58, 54), (54, 80), (34, 80)], METAL)
    p.line([(44, 36), (44, 54)], METAL, 1.5)


def _pot(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.ellipse(16, 38, 84, 50, _dark(c, 0.2))
    p.rect(18, 44, 82, 78, c, radius=8)
    p.ellipse(20, 32, 80, 46, _light(c, 0.1))
    p.rect(44, 28, 56, 34, _dark(c, 0.3), radius=2)
    p.rect(8, 50, 18, 56, _dark(c, 0.25), radius=2)
    p.rect(82, 50, 92, 56, _dark(c, 0.25), radius=2)


def _grill(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.ellipse(22, 20, 78, 64, c)
    p.rect(22, 40, 78, 44, _dark(c, 0.4))
    p.rect(46, 18, 54, 22, METAL, radius=1)
    for x0, x1 in ((32, 24), (68, 76), (50, 50)):
        p.line([(x0, 60), (x1, 88)], METAL, 1.8)
    p.circle(24, 88, 3, BLACK)
    p.circle(76, 88, 3, BLACK)


def _planter(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    green = (70, 140, 80)
    for i in range(9):
        x = 20 + i * 7.5
        p.ellipse(x - 6, 22 + (i % 3) * 4, x + 6, 44, _mix(green, (120, 180, 90), (i % 3) / 3))
    p.rect(12, 40, 88, 82, WOOD)
    for y in (52, 66):
        p.line([(12, y), (88, y)], _dark(WOOD, 0.3), 0.8)


def _plant(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    green = (64, 132, 76)
    for i in range(7):
        angle_x = 50 + (i - 3) * 9
        p.ellipse(
            angle_x - 10,
            12 + abs(i - 3) * 6,
            angle_x + 10,
            44 + abs(i - 3) * 4,
            _mix(green, (110, 170, 90), i / 7),
        )
        p.line([(50, 64), (angle_x, 32 + abs(i - 3) * 5)], _dark(green, 0.3), 1)
    p.polygon([(32, 62), (68, 62), (64, 90), (36, 90)], (196, 110, 70))
    p.rect(30, 60, 70, 66, (176, 96, 60), radius=1)


def _mower(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.ellipse(18, 44, 82, 76, _dark(c, 0.1))
    p.ellipse(20, 42, 80, 72, c)
    p.rect(56, 46, 66, 52, (230, 120, 40), radius=1)
    p.circle(28, 74, 6, TYRE)
    p.circle(72, 74, 6, TYRE)


def _parasol(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(10, 40), (50, 14), (90, 40)], c)
    p.ellipse(10, 36, 90, 44, _dark(c, 0.15))
    p.rect(49, 14, 51, 86, _dark(METAL, 0.3))
    p.rect(36, 84, 64, 90, (90, 90, 94), radius=2)


def _drill(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(20, 28, 70, 48, c, radius=8)
    p.rect(70, 34, 80, 42, BLACK, radius=2)
    p.rect(80, 36.5, 94, 39.5, METAL)
    p.polygon([(38, 46), (54, 46), (50, 76), (36, 76)], _dark(c, 0.2))
    p.rect(30, 74, 60, 88, BLACK, radius=3)
    p.rect(50, 50, 54, 56, BLACK, radius=1)


def _ladder(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.line([(34, 90), (44, 8)], c, 3)
    p.line([(66, 90), (56, 8)], c, 3)
    for i in range(8):
        y = 84 - i * 10
        t = (90 - y) / 82
        p.line([(34 + 10 * t, y), (66 - 10 * t, y)], _dark(c, 0.2), 2)


def _rug(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(20, 40), (80, 40), (94, 78), (6, 78)], c)
    lines = _dark(c, 0.35)
    for i in range(5):
        t = i / 4
        p.line([(30 + 40 * t, 44), (14 + 72 * t, 74)], lines, 0.8)
    p.line([(18, 50), (82, 50)], lines, 0.8)
    p.line([(12, 66), (88, 66)], lines, 0.8)


def _mirror(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(34, 6, 66, 94, c, radius=16)
    p.rect(37, 9, 63, 91, (196, 214, 226), radius=14)
    p.polygon([(42, 20), (48, 14), (58, 60), (52, 66)], (222, 234, 242))


# Fashion ------------------------------------------------------------------------------------


def _shirt(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(30, 16), (14, 30), (22, 44), (32, 38)], _dark(c, 0.06))
    p.polygon([(70, 16), (86, 30), (78, 44), (68, 38)], _dark(c, 0.06))
    p.polygon([(30, 16), (42, 12), (58, 12), (70, 16), (70, 86), (30, 86)], c)
    p.ellipse(41, 8, 59, 20, _dark(c, 0.25))
    p.ellipse(43, 7, 57, 17, c)


def _jacket(p: Pen, c: Colour, rng: random.Random, position: int, length: float = 80) -> None:
    p.polygon([(30, 16), (12, 34), (14, 74), (24, 74), (26, 42)], _dark(c, 0.08))
    p.polygon([(70, 16), (88, 34), (86, 74), (76, 74), (74, 42)], _dark(c, 0.08))
    p.polygon([(30, 16), (42, 12), (58, 12), (70, 16), (72, length), (28, length)], c)
    p.polygon([(42, 12), (50, 30), (58, 12)], _dark(c, 0.35))
    p.line([(50, 30), (50, length)], _dark(c, 0.3), 0.8)
    for y in range(38, int(length) - 4, 10):
        p.circle(52.5, y, 1.2, _dark(c, 0.45))


def _coat(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    _jacket(p, c, rng, position, length=92)


def _dress(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(40, 10), (44, 10), (46, 22), (38, 22)], c)
    p.polygon([(60, 10), (56, 10), (54, 22), (62, 22)], c)
    p.polygon([(36, 22), (64, 22), (60, 44), (40, 44)], c)
    p.polygon([(40, 44), (60, 44), (80, 90), (20, 90)], c)
    p.rect(39, 42, 61, 46, _dark(c, 0.2))
    for _ in range(8):  # a pattern, as summer dresses have
        p.circle(rng.uniform(30, 70), rng.uniform(52, 86), 1.8, _light(c, 0.45))


def _trousers(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(30, 10), (70, 10), (74, 92), (54, 92), (50, 36), (46, 92), (26, 92)], c)
    p.rect(30, 10, 70, 15, _dark(c, 0.2))
    p.line([(50, 15), (50, 34)], _dark(c, 0.3), 0.7)
    p.line([(28, 86), (46, 86)], _dark(c, 0.2), 0.6)
    p.line([(54, 86), (72, 86)], _dark(c, 0.2), 0.6)


def _suit(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    _jacket(p, c, rng, position, length=74)
    p.polygon([(45, 13), (55, 13), (52, 30), (48, 30)], WHITE)
    p.polygon([(48, 16), (52, 16), (53, 28), (50, 32), (47, 28)], _dark(c, 0.5))


def _shoe(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    sole = WHITE if c != WHITE else (60, 60, 64)
    p.polygon([(10, 60), (22, 40), (44, 38), (58, 48), (86, 56), (92, 66), (10, 66)], c)
    p.rect(8, 64, 94, 72, sole, radius=3)
    p.polygon([(22, 40), (34, 30), (46, 30), (46, 40)], _dark(c, 0.1))
    for i in range(4):
        x = 46 + i * 6
        p.line([(x, 42 + i), (x + 3, 46 + i)], _light(c, 0.6) if c != WHITE else BLACK, 0.9)


def _boot(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(24, 14), (52, 14), (54, 52), (84, 58), (90, 72), (20, 72)], c)
    p.rect(18, 70, 92, 80, _dark(c, 0.5), radius=2)
    p.line([(24, 20), (52, 20)], _dark(c, 0.3), 0.8)
    for i in range(5):
        p.circle(50, 24 + i * 6, 1.2, (210, 190, 120))


def _bag(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.arc(32, 12, 68, 52, 180, 360, _dark(c, 0.3), 3)
    p.polygon([(20, 34), (80, 34), (86, 86), (14, 86)], c)
    p.rect(20, 34, 80, 40, _dark(c, 0.15))
    p.rect(46, 44, 54, 50, (210, 190, 120), radius=1)


def _backpack(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.arc(40, 6, 60, 22, 180, 360, _dark(c, 0.3), 2.5)
    p.rect(26, 14, 74, 88, c, radius=12)
    p.rect(32, 54, 68, 82, _dark(c, 0.12), radius=6)
    p.rect(34, 24, 66, 28, _dark(c, 0.25), radius=2)
    p.rect(44, 60, 56, 66, _light(c, 0.5), radius=2)


def _glasses(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    frame = c if c != WHITE else BLACK
    for x in (14, 54):
        p.rect(x, 36, x + 32, 62, frame, radius=8)
        p.rect(x + 3, 39, x + 29, 59, (50, 64, 70), radius=6)
    p.arc(44, 38, 56, 50, 200, 340, frame, 2.5)
    p.line([(14, 40), (6, 38)], frame, 2.5)
    p.line([(86, 40), (94, 38)], frame, 2.5)


def _scarf(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(28, 10, 48, 90, c, radius=3)
    p.rect(52, 20, 72, 84, _dark(c, 0.1), radius=3)
    p.rect(30, 30, 70, 46, _light(c, 0.05), radius=6)
    for x in range(28, 48, 3):
        p.line([(x + 1, 90), (x + 1, 96)], c, 1)


def _onesie(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    shade = _light(c, 0.4)
    p.polygon([(30, 18), (16, 34), (24, 44), (32, 36)], shade)
    p.polygon([(70, 18), (84, 34), (76, 44), (68, 36)], shade)
    p.polygon([(30, 18), (70, 18), (70, 66), (60, 84), (40, 84), (30, 66)], shade)
    p.ellipse(42, 12, 58, 24, _light(c, 0.7))
    p.circle(50, 46, 6, _light(_pastel(rng), 0.2))


# Kids ---------------------------------------------------------------------------------------


def _stroller(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.pieslice(18, 16, 70, 68, 180, 300, _dark(c, 0.15))  # the hood
    p.rect(18, 40, 70, 60, c, radius=8)
    p.line([(70, 42), (84, 18)], BLACK, 2)
    p.line([(80, 18), (88, 18)], BLACK, 3)
    p.line([(30, 60), (24, 78)], METAL, 1.8)
    p.line([(60, 60), (70, 78)], METAL, 1.8)
    for x in (24, 70):
        p.circle(x, 80, 8, TYRE)
        p.circle(x, 80, 3.5, METAL)


def _carseat(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.pieslice(20, 10, 80, 100, 180, 360, _dark(c, 0.2))
    p.rect(26, 30, 74, 82, c, radius=14)
    p.rect(34, 38, 66, 76, _light(c, 0.15), radius=10)
    p.line([(40, 40), (50, 62)], BLACK, 2)
    p.line([(60, 40), (50, 62)], BLACK, 2)
    p.rect(46, 60, 54, 66, (200, 60, 60), radius=1)
    p.rect(20, 80, 80, 88, BLACK, radius=4)


def _highchair(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    wood = c if c not in (WHITE,) else (214, 180, 130)
    p.line([(30, 8), (24, 92)], wood, 4)
    p.line([(70, 8), (76, 92)], wood, 4)
    p.line([(26, 92), (80, 92)], wood, 3)
    for y in (16, 24):
        p.line([(30, y), (70, y)], wood, 3)
    p.rect(28, 44, 72, 48, wood)
    p.rect(30, 66, 72, 70, wood)


def _blocks(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    colours = ((220, 60, 50), (60, 120, 210), (250, 200, 50), (70, 170, 90), (240, 240, 236))
    layout = ((14, 64, 44), (44, 64, 44), (74, 64, 28), (28, 46, 44), (58, 46, 28), (40, 28, 28))
    for x, y, w in layout:
        col = rng.choice(colours)
        p.rect(x, y, x + w - 1, y + 17, col, radius=1)
        for k in range(int(w // 10)):
            sx = x + 5 + k * 10
            p.rect(sx, y - 4, sx + 6, y + 1, _dark(col, 0.08), radius=1)


def _kidbike(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    for x in (26, 74):
        p.circle(x, 68, 14, TYRE)
        p.circle(x, 68, 11, _light(METAL, 0.5))
        p.circle(x, 68, 2, BLACK)
    p.line([(26, 68), (44, 46), (68, 46), (74, 68)], c, 3.2)
    p.line([(44, 46), (40, 36)], c, 3)
    p.rect(32, 32, 48, 37, BLACK, radius=2)
    p.line([(68, 46), (64, 28)], METAL, 2.2)
    p.line([(58, 28), (70, 28)], BLACK, 3)


def _teddy(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    fur = (176, 126, 80) if c in ((38, 38, 42),) else _mix(c, (176, 126, 80), 0.5)
    for x in (34, 66):
        p.circle(x, 20, 8, fur)
    p.circle(50, 34, 18, fur)
    p.ellipse(42, 36, 58, 48, _light(fur, 0.4))
    p.circle(43, 30, 2, BLACK)
    p.circle(57, 30, 2, BLACK)
    p.circle(50, 39, 2.4, BLACK)
    p.ellipse(28, 50, 72, 90, fur)
    p.circle(28, 62, 8, fur)
    p.circle(72, 62, 8, fur)
    p.ellipse(40, 60, 60, 82, _light(fur, 0.35))


def _cot(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    frame = c if c != BLACK else WHITE
    p.rect(10, 20, 16, 88, frame)
    p.rect(84, 20, 90, 88, frame)
    p.rect(10, 20, 90, 25, frame)
    p.rect(10, 62, 90, 70, frame)
    for x in range(20, 82, 6):
        p.rect(x, 25, x + 2.2, 62, frame)
    p.rect(16, 54, 84, 62, _light(_pastel(rng), 0.4))


def _bouncer(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.pieslice(14, 20, 86, 92, 200, 340, c)
    p.line([(20, 84), (80, 84)], METAL, 2.5)
    p.line([(24, 84), (30, 58)], METAL, 2)
    p.line([(76, 84), (70, 58)], METAL, 2)
    p.line([(30, 28), (70, 28)], METAL, 1.5)
    for x in (38, 50, 62):
        p.line([(x, 28), (x, 36)], METAL, 0.8)
        p.circle(x, 39, 3, _pastel(rng))


# Sports and hobbies -------------------------------------------------------------------------


def _bike(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    for x in (20, 80):
        p.circle(x, 64, 17, TYRE)
        p.circle(x, 64, 14.5, _light(METAL, 0.55))
        p.circle(x, 64, 2, BLACK)
    frame = [(20, 64), (40, 38), (70, 38), (80, 64)]
    p.line(frame, c, 2.6)
    p.line([(40, 38), (48, 64), (70, 38)], c, 2.6)
    p.line([(48, 64), (20, 64)], c, 2)
    p.line([(40, 38), (37, 30)], c, 2.2)
    p.rect(30, 27, 44, 31, BLACK, radius=2)
    p.line([(70, 38), (67, 26)], METAL, 2)
    p.line([(62, 26), (72, 26)], BLACK, 2.6)
    p.circle(48, 64, 4, _dark(METAL, 0.3))


def _racket(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.ellipse(24, 6, 76, 64, c)
    p.ellipse(28, 10, 72, 60, (238, 238, 232))
    for i in range(1, 8):
        x = 28 + i * 5.5
        p.line([(x, 11), (x, 59)], (150, 150, 150), 0.5)
        p.line([(29, 12 + i * 6), (71, 12 + i * 6)], (150, 150, 150), 0.5)
    p.polygon([(44, 62), (56, 62), (53, 72), (47, 72)], c)
    p.rect(46, 72, 54, 94, BLACK, radius=2)


def _skis(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    for x in (38, 56):
        p.rect(x, 6, x + 9, 94, c, radius=4)
        p.rect(x + 1.5, 18, x + 7.5, 80, _light(c, 0.3), radius=2)
        p.rect(x - 1, 44, x + 10, 54, BLACK, radius=2)


def _sup(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.ellipse(10, 40, 90, 62, c)
    p.ellipse(16, 44, 84, 58, _light(c, 0.3))
    p.rect(40, 47, 60, 55, (60, 60, 64), radius=2)
    p.line([(76, 30), (24, 36)], METAL, 1.5)
    p.ellipse(76, 26, 90, 34, BLACK)


def _dumbbell(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    plate = BLACK if c not in (BLACK,) else (70, 70, 74)
    for y in (36, 64):
        p.rect(26, y - 3, 74, y + 3, METAL, radius=1)
        for x in (18, 24, 70, 76):
            p.rect(x, y - 10, x + 5, y + 10, plate, radius=1.5)


def _rower(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.line([(8, 78), (80, 58)], _dark(METAL, 0.3), 3)
    p.circle(80, 50, 12, BLACK)
    p.circle(80, 50, 8, _dark(c, 0.2))
    p.rect(34, 64, 48, 70, c, radius=2)
    p.line([(10, 78), (10, 88)], BLACK, 3)
    p.line([(84, 60), (84, 88)], BLACK, 3)


def _mat(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(10, 68), (60, 68), (70, 80), (20, 80)], c)
    p.rect(58, 30, 80, 70, c, radius=10)
    p.circle(69, 40, 8, _dark(c, 0.25))
    p.circle(69, 40, 4, _dark(c, 0.4))


def _tent(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(10, 80), (50, 22), (90, 80)], c)
    p.polygon([(50, 22), (90, 80), (70, 80)], _dark(c, 0.2))
    p.polygon([(40, 80), (50, 52), (60, 80)], _dark(c, 0.5))
    p.line([(50, 22), (50, 16)], METAL, 1)
    p.line([(6, 84), (94, 84)], (100, 140, 80), 1)


def _ring(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    for i, r in enumerate((30, 24, 18)):
        p.circle(50, 52, r, None, outline=_mix(c, WHITE, i * 0.2), width=4)
    p.rect(34, 12, 66, 22, BLACK, radius=3)


def _guitar(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(47, 6, 53, 54, (80, 50, 30))
    p.rect(45, 2, 55, 10, BLACK, radius=2)
    p.circle(50, 62, 14, c)
    p.circle(50, 80, 17, c)
    p.circle(50, 68, 4, BLACK)
    p.rect(43, 80, 57, 84, _dark(c, 0.5))
    for x in (48.5, 50, 51.5):
        p.line([(x, 8), (x, 82)], (220, 220, 220), 0.25)


def _keyboard(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    body = c if c != WHITE else BLACK
    p.rect(6, 36, 94, 64, body, radius=2)
    p.rect(8, 46, 92, 62, WHITE)
    for i in range(20):
        x = 8 + i * 4.2
        p.line([(x, 46), (x, 62)], (180, 180, 180), 0.3)
        if i % 7 not in (2, 6):
            p.rect(x + 2.6, 46, x + 5.2, 55, BLACK)
    for x in (70, 80):
        p.circle(x, 41, 2, METAL)
    p.line([(16, 64), (14, 84)], BLACK, 2)
    p.line([(84, 64), (86, 84)], BLACK, 2)


def _drums(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    for x, y, r in ((30, 58, 12), (70, 58, 12), (50, 70, 16), (40, 38, 9), (60, 38, 9)):
        p.circle(x, y, r, _dark(c, 0.3))
        p.circle(x, y, r - 2, (240, 240, 236))
    for x in (14, 86):
        p.line([(x, 84), (x, 24)], METAL, 1.2)
        p.ellipse(x - 10, 22, x + 10, 26, (214, 180, 90))


def _boardgame(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(14, 22, 86, 78, _dark(c, 0.2), radius=2)
    p.rect(16, 24, 84, 76, c, radius=1)
    for i in range(7):
        x, y = 26 + (i % 4) * 14 + (i // 4) * 7, 34 + (i // 4) * 14
        p.polygon(
            [
                (x, y - 7),
                (x + 6, y - 3.5),
                (x + 6, y + 3.5),
                (x, y + 7),
                (x - 6, y + 3.5),
                (x - 6, y - 3.5),
            ],
            _pastel(rng),
        )
    p.rect(22, 64, 78, 70, _light(c, 0.6), radius=1)


def _vinyl(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(10, 18, 66, 82, c)
    p.circle(60, 50, 32, BLACK)
    for r in (28, 22, 16):
        p.circle(60, 50, r, None, outline=(60, 60, 64), width=0.4)
    p.circle(60, 50, 9, _pastel(rng))
    p.circle(60, 50, 1, BLACK)


def _basketball(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.circle(50, 52, 32, (226, 120, 50))
    p.line([(18, 52), (82, 52)], BLACK, 0.8)
    p.line([(50, 20), (50, 84)], BLACK, 0.8)
    p.arc(26, 24, 74, 80, 300, 60, BLACK, 0.8)
    p.arc(26, 24, 74, 80, 120, 240, BLACK, 0.8)


def _ball(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.circle(50, 52, 32, WHITE)
    p.polygon([(50, 40), (60, 47), (56, 59), (44, 59), (40, 47)], BLACK)
    for x, y in ((30, 34), (70, 34), (24, 62), (76, 62), (50, 80)):
        p.circle(x, y, 5, BLACK)


def _golfbag(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    for x, h in ((38, 6), (46, 2), (54, 8), (62, 4)):
        p.line([(x, h + 10), (x, 30)], METAL, 1)
        p.rect(x - 3, h + 4, x + 3, h + 10, BLACK, radius=1.5)
    p.rect(32, 26, 68, 90, c, radius=6)
    p.rect(32, 26, 68, 32, _dark(c, 0.3), radius=3)
    p.rect(38, 50, 62, 70, _dark(c, 0.15), radius=3)


def _binoculars(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    body = (56, 66, 58)
    for x in (22, 56):
        p.rect(x, 30, x + 22, 78, body, radius=6)
        p.circle(x + 11, 78, 10, BLACK)
        p.circle(x + 11, 78, 7, (60, 90, 130))
    p.rect(42, 40, 58, 54, _dark(body, 0.3), radius=3)
    p.circle(50, 34, 5, _dark(body, 0.4))


# Property -----------------------------------------------------------------------------------


def _house(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    wall = _light(c, 0.35)
    roof = (150, 60, 50) if c[0] < 200 else (90, 90, 100)
    p.line([(2, 86), (98, 86)], (110, 160, 90), 4)
    p.rect(18, 44, 82, 84, wall)
    p.polygon([(10, 46), (50, 14), (90, 46)], roof)
    p.rect(64, 18, 72, 32, _dark(roof, 0.2))
    p.rect(44, 62, 56, 84, (110, 76, 50))
    for x in (24, 64):
        p.rect(x, 52, x + 12, 64, (170, 200, 225))
        p.line([(x + 6, 52), (x + 6, 64)], WHITE, 0.8)
    p.circle(50, 34, 4, (170, 200, 225))


def _apartment(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    wall = _light(c, 0.25)
    p.rect(20, 10, 80, 90, wall)
    p.rect(18, 8, 82, 12, _dark(wall, 0.25))
    for row in range(5):
        for col in range(3):
            x, y = 26 + col * 18, 16 + row * 14
            lit = rng.random() < 0.3
            p.rect(x, y, x + 10, y + 9, (250, 226, 150) if lit else (150, 180, 210))
            if row and col == 1:
                p.rect(x - 2, y + 8, x + 12, y + 10, _dark(wall, 0.35))  # a balcony
    p.rect(44, 80, 56, 90, (100, 72, 50))


def _room(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    wall = _light(c, 0.45)
    p.rect(4, 4, 96, 70, wall)
    p.polygon([(4, 70), (96, 70), (100, 96), (0, 96)], (196, 160, 120))
    p.rect(58, 16, 86, 46, (170, 206, 230))
    p.line([(72, 16), (72, 46)], WHITE, 1)
    p.rect(8, 52, 48, 74, WHITE, radius=2)
    p.rect(8, 48, 18, 58, (232, 232, 228), radius=2)
    p.rect(20, 56, 48, 66, _light(_pastel(rng), 0.3), radius=2)
    p.rect(64, 58, 76, 78, (120, 90, 60))
    p.circle(70, 52, 7, (80, 140, 80))


def _garage(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    wall = _light(c, 0.3)
    p.rect(14, 30, 86, 84, wall)
    p.polygon([(10, 32), (50, 16), (90, 32)], _dark(wall, 0.35))
    p.rect(24, 44, 76, 84, (180, 184, 190))
    for y in range(48, 84, 6):
        p.line([(24, y), (76, y)], (140, 144, 150), 0.7)
    p.line([(2, 86), (98, 86)], (120, 120, 120), 3)


def _plot(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.polygon([(0, 60), (100, 54), (100, 96), (0, 96)], (120, 170, 90))
    for x in range(6, 96, 10):
        p.line([(x, 70), (x, 58)], (150, 110, 70), 1.2)
    p.line([(4, 62), (96, 58)], (150, 110, 70), 0.8)
    p.line([(74, 56), (74, 36)], (110, 80, 50), 2)
    p.circle(74, 30, 12, (70, 130, 70))
    p.rect(18, 46, 36, 58, WHITE)
    p.line([(27, 58), (27, 72)], (120, 90, 60), 1.2)


def _office(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(22, 6, 78, 92, _mix(c, (120, 140, 160), 0.5))
    for row in range(9):
        for col in range(4):
            x, y = 26 + col * 13, 10 + row * 9
            p.rect(x, y, x + 10, y + 6, (180, 210, 235) if rng.random() < 0.8 else (250, 226, 150))
    p.rect(42, 84, 58, 92, GLASS)


# Jobs and services --------------------------------------------------------------------------


def _briefcase(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.arc(38, 18, 62, 42, 180, 360, _dark(c, 0.3), 3)  # the handle
    p.rect(14, 32, 86, 82, c, radius=6)
    p.rect(14, 50, 86, 54, _dark(c, 0.25))
    p.rect(44, 46, 56, 58, (214, 180, 90), radius=2)


def _cup(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.ellipse(14, 74, 86, 88, _light(c, 0.6))
    p.polygon([(26, 32), (70, 32), (66, 78), (30, 78)], WHITE)
    p.arc(60, 40, 84, 64, 270, 90, WHITE, 4)
    p.ellipse(26, 28, 70, 38, (120, 78, 50))
    for x in (38, 48, 58):
        p.arc(x - 4, 8, x + 4, 26, 90, 270, _light(c, 0.7), 1)


def _cross(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(14, 26, 86, 80, WHITE, radius=6)
    p.rect(38, 16, 62, 28, (214, 214, 210), radius=4)
    p.rect(44, 36, 56, 70, (210, 50, 50), radius=1)
    p.rect(33, 47, 67, 59, (210, 50, 50), radius=1)


def _box(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    card = (196, 152, 100)
    p.polygon([(14, 36), (50, 24), (86, 36), (50, 48)], _light(card, 0.15))
    p.polygon([(14, 36), (50, 48), (50, 90), (14, 78)], card)
    p.polygon([(86, 36), (50, 48), (50, 90), (86, 78)], _dark(card, 0.15))
    p.polygon([(30, 30), (66, 42), (66, 48), (30, 36)], (220, 200, 160))


def _book(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    for i, col in enumerate((c, _pastel(rng), _dark(c, 0.3))):
        y = 70 - i * 14
        p.rect(18 + i * 3, y, 82 - i * 2, y + 12, col, radius=1.5)
        p.rect(20 + i * 3, y + 2, 78 - i * 2, y + 4, WHITE)
    p.rect(40, 14, 60, 26, _pastel(rng), radius=1)


def _wrench(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    steel = METAL
    p.line([(30, 72), (66, 32)], steel, 9)
    p.circle(72, 26, 13, steel)
    p.polygon([(72, 26), (88, 16), (84, 10), (70, 18)], _mix(c, WHITE, 0.85))
    p.circle(24, 78, 10, steel)
    p.circle(24, 78, 5, _mix(c, WHITE, 0.85))
    p.line([(36, 66), (58, 42)], _dark(steel, 0.2), 2)


def _roller(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(16, 14, 76, 34, c, radius=8)
    p.line([(76, 24), (86, 24), (86, 44), (52, 48), (52, 60)], METAL, 2.4)
    p.rect(48, 58, 56, 92, BLACK, radius=3)
    p.rect(10, 80, 40, 84, c, radius=1)


def _van(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    _car("van")(p, c if c != (230, 140, 40) else (242, 242, 238), rng, position)


def _note(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    ink = c if sum(c) < 600 else BLACK
    p.ellipse(18, 66, 40, 82, ink)
    p.ellipse(58, 58, 80, 74, ink)
    p.rect(36, 18, 40, 74, ink)
    p.rect(76, 10, 80, 66, ink)
    p.polygon([(36, 18), (80, 10), (80, 22), (36, 30)], ink)


def _paw(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.ellipse(30, 44, 70, 82, c)
    for x, y in ((24, 34), (40, 20), (60, 20), (76, 34)):
        p.ellipse(x - 8, y - 10, x + 8, y + 10, c)


def _spray(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.rect(32, 40, 64, 92, c, radius=8)
    p.rect(38, 28, 58, 42, _dark(c, 0.2), radius=2)
    p.polygon([(38, 22), (70, 22), (74, 30), (58, 30)], WHITE)
    p.line([(48, 30), (40, 44)], WHITE, 2)
    p.rect(36, 56, 60, 76, WHITE, radius=2)
    for i in range(5):
        p.circle(80 + i % 2 * 4, 18 + i * 4, 1.2, (170, 210, 240))


def _scissors(p: Pen, c: Colour, rng: random.Random, position: int) -> None:
    p.line([(30, 14), (62, 66)], METAL, 4)
    p.line([(70, 14), (38, 66)], METAL, 4)
    for x in (32, 68):
        p.circle(x, 76, 9, None, outline=c, width=4)
    p.circle(50, 40, 2, BLACK)


_DRAWINGS: dict[str, Drawing] = {
    "phone": _phone,
    "tablet": _tablet,
    "ereader": _tablet,
    "screen": _screen,
    "laptop": _laptop,
    "watch": _watch,
    "camera": _camera,
    "headphones": _headphones,
    "earbuds": _earbuds,
    "gamepad": _gamepad,
    "speaker": _speaker,
    "toniebox": _speaker,
    "drone": _drone,
    "mouse": _mouse,
    "gadget": _gadget,
    "hatchback": _car("hatchback"),
    "sedan": _car("sedan"),
    "estate": _car("estate"),
    "suv": _car("suv"),
    "coupe": _car("coupe"),
    "van": _van,
    "scooter": _scooter,
    "motorbike": _motorbike,
    "sofa": _sofa,
    "armchair": _armchair,
    "table": _table,
    "chair": _chair,
    "highchair": _highchair,
    "bed": _bed,
    "wardrobe": _wardrobe,
    "shelf": _shelf,
    "lamp": _lamp,
    "appliance": _appliance,
    "playkitchen": _appliance,
    "mixer": _mixer,
    "pot": _pot,
    "grill": _grill,
    "planter": _planter,
    "plant": _plant,
    "mower": _mower,
    "parasol": _parasol,
    "drill": _drill,
    "ladder": _ladder,
    "rug": _rug,
    "mirror": _mirror,
    "shirt": _shirt,
    "jacket": _jacket,
    "coat": _coat,
    "suit": _suit,
    "dress": _dress,
    "trousers": _trousers,
    "shoe": _shoe,
    "boot": _boot,
    "bag": _bag,
    "golfbag": _golfbag,
    "backpack": _backpack,
    "glasses": _glasses,
    "scarf": _scarf,
    "onesie": _onesie,
    "stroller": _stroller,
    "carseat": _carseat,
    "bouncer": _bouncer,
    "blocks": _blocks,
    "kidbike": _kidbike,
    "teddy": _teddy,
    "cot": _cot,
    "bike": _bike,
    "racket": _racket,
    "skis": _skis,
    "sup": _sup,
    "dumbbell": _dumbbell,
    "rower": _rower,
    "mat": _mat,
    "tent": _tent,
    "rope": _ring,
    "guitar": _guitar,
    "keyboard": _keyboard,
    "drums": _drums,
    "boardgame": _boardgame,
    "vinyl": _vinyl,
    "ball": _ball,
    "basketball": _basketball,
    "binoculars": _binoculars,
    "house": _house,
    "apartment": _apartment,
    "room": _room,
    "garage": _garage,
    "plot": _plot,
    "office": _office,
    "briefcase": _briefcase,
    "cup": _cup,
    "cross": _cross,
    "box": _box,
    "book": _book,
    "wrench": _wrench,
    "roller": _roller,
    "note": _note,
    "paw": _paw,
    "spray": _spray,
    "scissors": _scissors,
}
# Things that stand on the floor: only the camera tilts, a little.
_STEADY = frozenset(
    {
        "hatchback", "sedan", "estate", "suv", "coupe", "van", "scooter", "motorbike",
        "sofa", "armchair", "table", "chair", "bed", "wardrobe", "shelf", "appliance",
        "house", "apartment", "room", "garage", "plot", "office", "cot", "highchair",
    }
)  # fmt: skip
_WIDE = frozenset(
    {
        "hatchback", "sedan", "estate", "suv", "coupe", "van", "scooter", "motorbike",
        "sofa", "table", "bed", "laptop", "screen", "keyboard", "rug", "sup", "bike",
        "kidbike", "stroller", "glasses", "drone", "shoe", "boot", "drums", "plot", "room",
    }
)  # fmt: skip
# A mirrored music note is not a note any more.
_NO_MIRROR = frozenset({"note"})

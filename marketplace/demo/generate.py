"""Turning a seed into a demo marketplace: users, listings, favourites and conversations.

Pure Python, no database. The same seed and sizes give the same plan on every machine:
``random.Random`` seeded with a string is stable across processes and Python versions. People,
listings and conversations each draw from their own stream, and every photo from its own, so
drawing the photos or leaving them out changes nothing else. Times are offsets back from "now";
the writer turns them into timestamps.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial
from itertools import accumulate
from typing import Any

from . import data

AttributeValue = str | int


@dataclass(frozen=True)
class UserPlan:
    username: str
    first_name: str
    last_name: str
    email: str
    city: str
    bio: str
    joined: timedelta  # how long ago they signed up
    trade: str = ""  # empty for a private person; what the business does otherwise


@dataclass(frozen=True)
class PhotoPlan:
    kind: str  # which drawing (see images.py)
    colour: tuple[int, int, int]
    seed: str  # the photo's own random stream, so its pixels never depend on anything else


@dataclass(frozen=True)
class ListingPlan:
    seller: int  # index into DemoPlan.users
    category: str
    title: str
    description: str
    price: Decimal
    currency: str
    condition: str
    city: str
    attributes: dict[str, AttributeValue]
    status: str
    age: timedelta | None  # published this long ago; None for a draft
    photos: tuple[PhotoPlan, ...]
    noun: str  # what buyers call it in messages ("the iPhone 13", "the room")
    talk: str  # which kind of conversation it gets (a key of data.CONVERSATIONS)


@dataclass(frozen=True)
class MessagePlan:
    from_buyer: bool
    body: str
    age: timedelta
    read: bool


@dataclass(frozen=True)
class ThreadPlan:
    listing: int
    buyer: int
    messages: tuple[MessagePlan, ...]


@dataclass(frozen=True)
class FavouritePlan:
    user: int
    listing: int
    age: timedelta


@dataclass(frozen=True)
class DemoPlan:
    users: tuple[UserPlan, ...]
    listings: tuple[ListingPlan, ...]
    favourites: tuple[FavouritePlan, ...] = ()
    threads: tuple[ThreadPlan, ...] = ()


# Share of listings per category, roughly as on a general classifieds site. A category added to
# marketplace/catalog.py needs a weight here and a generator in _GENERATORS.
CATEGORY_WEIGHTS: dict[str, int] = {
    "electronics": 14,
    "phones": 11,
    "vehicles": 8,
    "home-garden": 15,
    "fashion": 13,
    "kids": 9,
    "sports-hobbies": 11,
    "real-estate": 7,
    "jobs": 5,
    "services": 7,
}

STATUS_WEIGHTS = {"active": 90, "sold": 6, "draft": 4}
MAX_AGE_DAYS = 45


def build_plan(seed: int, users: int, listings: int) -> DemoPlan:
    """The whole demo for ``seed``: ``users`` people and businesses, ``listings`` ads, and the
    favourites and message threads between them."""
    if users < 2:
        raise ValueError("The demo needs at least two users (a seller and a buyer).")
    people = plan_users(seed, users)
    ads = tuple(iter_listings(seed, listings, people))
    rng = random.Random(f"{seed}:social")
    return DemoPlan(
        people,
        ads,
        favourites=_plan_favourites(rng, people, ads),
        threads=_plan_threads(rng, people, ads),
    )


# --- Users ----------------------------------------------------------------------------------


def plan_users(seed: int, count: int) -> tuple[UserPlan, ...]:
    rng = random.Random(f"{seed}:users")
    businesses = min(len(data.BUSINESSES), max(1, round(count * 0.14)))
    german_cities = [(city, w) for city, w in data.CITIES if city not in data.COUNTRIES]
    taken: set[str] = set()
    people: list[UserPlan] = []
    full_names = [
        (first, last, female)
        for female, firsts in ((True, data.FEMALE_NAMES), (False, data.MALE_NAMES))
        for first in firsts
        for last in data.LAST_NAMES
    ]
    for first, last, female in rng.sample(full_names, count - businesses):
        city = _weighted(rng, data.CITIES)
        username = _unique(_username(rng, first, last, city), taken)
        bios = data.BIOS + (data.FEMALE_BIOS if female else data.MALE_BIOS)
        bio = rng.choice(bios).format(city=city, other_city=rng.choice(data.OTHER_CITY_FOR_BIO))
        people.append(
            UserPlan(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{rng.choice(('example.com', 'example.org', 'example.net'))}",
                city=city,
                bio=bio,
                joined=timedelta(days=rng.randint(MAX_AGE_DAYS + 2, 1500)),
            )
        )
    for name, trade, bio in rng.sample(data.BUSINESSES, businesses):
        username = _unique(_ascii(name).lower().replace(" & ", "-").replace(" ", "_"), taken)
        people.append(
            UserPlan(
                username=username,
                first_name=name,
                last_name="",
                email=f"info@{username.replace('_', '-')}.example.com",
                city=_weighted(rng, german_cities),
                bio=bio,
                joined=timedelta(days=rng.randint(200, 2000)),
                trade=trade,
            )
        )
    # Private people first: the command suggests logging in as the first of them.
    return tuple(people)


def _username(rng: random.Random, first: str, last: str, city: str) -> str:
    f, la = _ascii(first).lower(), _ascii(last).lower().replace(" ", "")
    tag = data.CITY_TAGS.get(city, _ascii(city).lower()[:3])
    patterns = (
        f"{f}.{la}",
        f"{f}.{la}",
        f"{f}{la[0]}{rng.randint(80, 99)}",
        f"{f}_{tag}",
        f"{f[0]}{la}",
        f"{la}{rng.randint(1965, 2004)}",
        f"{f}.{la[:1]}",
        f"{f}{la}",
        f"{f}_{la}",
        f"{f}{rng.randint(1, 999)}",
        f"the_real_{f}",
    )
    return rng.choice(patterns)


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}{n}", n + 1
    taken.add(candidate)
    return candidate


_GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def _ascii(text: str) -> str:
    text = text.translate(_GERMAN_LETTERS)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace("'", "")


# --- Listings -------------------------------------------------------------------------------


@dataclass
class _Ad:
    """What a category generator decides; the shared code turns it into a ListingPlan."""

    title: str
    description: str
    price: Decimal  # final: in the seller's currency, rounded the way people round
    attributes: dict[str, AttributeValue]
    kind: str
    colour: str = ""  # a catalog colour name, if the item has one
    condition: str = ""
    noun: str = ""
    talk: str = "goods"
    photos: tuple[int, ...] = (0, 1, 1, 2, 2, 2, 3, 4)  # photo counts to choose from


@dataclass
class _Seller:
    index: int
    plan: UserPlan
    currency: str
    country: str  # "Germany" or where the city is
    voice: str


def iter_listings(seed: int, count: int, users: Sequence[UserPlan]) -> Iterator[ListingPlan]:
    """``count`` listings spread over every category (each gets at least one when ``count``
    allows), sold by ``users``. A generator, so the benchmark can stream 50,000 of them."""
    rng = random.Random(f"{seed}:listings")
    categories = _allocate(rng, count)
    private = [i for i, u in enumerate(users) if not u.trade] or list(range(len(users)))
    # A few people sell a lot and most sell a little, as on every marketplace; the few
    # sellers abroad sell little, so that nearly every price is in euros.
    activity = [
        (0.15 if users[i].city in data.COUNTRIES else 1) / (rank + 1) ** 0.6
        for rank, i in enumerate(private)
    ]
    sellers = _SellerChoice(private, list(accumulate(activity)), users)
    voices = {
        i: rng.choice(("terse", "plain", "plain", "chatty", "sloppy")) for i in range(len(users))
    }
    for number, slug in enumerate(categories):
        seller_index = sellers.choose(rng, slug)
        seller_plan = users[seller_index]
        seller = _Seller(
            index=seller_index,
            plan=seller_plan,
            currency="GBP" if seller_plan.city in data.GBP_CITIES else "EUR",
            country=data.COUNTRIES.get(seller_plan.city, "Germany"),
            voice=voices[seller_index],
        )
        ad = _GENERATORS[slug](rng, seller)
        yield _finish(rng, seed, number, slug, ad, seller)


def _allocate(rng: random.Random, count: int) -> list[str]:
    """Category of each listing: proportional to the weights, every category at least once."""
    total = sum(CATEGORY_WEIGHTS.values())
    shares = {slug: count * w / total for slug, w in CATEGORY_WEIGHTS.items()}
    counts = {slug: int(share) for slug, share in shares.items()}
    if count >= len(counts):
        for slug in counts:
            counts[slug] = max(counts[slug], 1)
    by_remainder = sorted(shares, key=lambda s: shares[s] - int(shares[s]), reverse=True)
    while sum(counts.values()) < count:
        for slug in by_remainder:
            if sum(counts.values()) == count:
                break
            counts[slug] += 1
    while sum(counts.values()) > count:
        largest = max(counts, key=lambda s: counts[s])
        counts[largest] -= 1
    order = [slug for slug, n in counts.items() for _ in range(n)]
    rng.shuffle(order)
    return order


class _SellerChoice:
    """Who posts a listing: businesses post jobs and half of the services in their trade,
    private people everything else."""

    def __init__(self, private: list[int], cumulative: list[float], users: Sequence[UserPlan]):
        self.private, self.cumulative = private, cumulative
        self.employers = [i for i, u in enumerate(users) if u.trade]
        offering = {s.trade for s in data.SERVICES} - {"any"}
        self.providers = [i for i in self.employers if users[i].trade in offering]

    def choose(self, rng: random.Random, slug: str) -> int:
        if slug == "jobs" and self.employers:
            return rng.choice(self.employers)
        if slug == "services" and self.providers and rng.random() < 0.5:
            return rng.choice(self.providers)
        return rng.choices(self.private, cum_weights=self.cumulative)[0]


def _finish(
    rng: random.Random, seed: int, number: int, slug: str, ad: _Ad, seller: _Seller
) -> ListingPlan:
    status = _weighted(rng, tuple(STATUS_WEIGHTS.items()))
    age = None
    if status != "draft":
        # Newer listings are more frequent: the age is skewed towards zero.
        age = timedelta(days=MAX_AGE_DAYS * rng.random() ** 1.7, minutes=rng.randint(5, 90))
    colour = data.COLOUR_RGB.get(ad.colour) or rng.choice(_PALETTES[slug])
    photos = tuple(
        PhotoPlan(kind=ad.kind, colour=colour, seed=f"{seed}:photo:{number}:{position}")
        for position in range(rng.choice(ad.photos))
    )
    return ListingPlan(
        seller=seller.index,
        category=slug,
        title=ad.title[:120],
        description=ad.description[:5000],
        price=ad.price,
        currency=seller.currency,
        condition=ad.condition,
        city=seller.plan.city,
        attributes=ad.attributes,
        status=status,
        age=age,
        photos=photos,
        noun=ad.noun,
        talk=ad.talk,
    )


# Background colours for items that have no colour attribute.
_PALETTES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "electronics": ((38, 38, 42), (196, 199, 204), (128, 132, 138), (46, 98, 176)),
    "phones": ((38, 38, 42),),
    "vehicles": (
        (186, 40, 46),
        (46, 98, 176),
        (196, 199, 204),
        (38, 38, 42),
        (242, 242, 238),
        (58, 128, 84),
    ),
    "home-garden": ((116, 78, 50),),
    "fashion": ((38, 38, 42),),
    "kids": ((232, 156, 176), (90, 170, 200), (240, 190, 80), (120, 190, 140)),
    "sports-hobbies": ((200, 60, 50), (46, 98, 176), (250, 170, 40), (38, 38, 42), (58, 128, 84)),
    "real-estate": ((214, 120, 90), (236, 220, 190), (150, 170, 190), (190, 90, 70)),
    "jobs": ((60, 80, 120), (120, 80, 60), (40, 110, 110)),
    "services": ((230, 140, 40), (46, 98, 176), (58, 128, 84), (186, 40, 46)),
}


def _asking_price(rng: random.Random, price: float) -> Decimal:
    """Round like people do: whole euros for small things, 5, 10 or 50 for more, and now and
    then a charm price (349, 1,990)."""
    if price < 20:
        value = max(1, round(price))
        return Decimal(f"{value}.50") if rng.random() < 0.1 else Decimal(value)
    if price < 100:
        step = 5
    elif price < 1000:
        step = 10
    elif price < 10000:
        step = 50
    else:
        step = 100 if price < 100_000 else 1000
    value = max(step, round(price / step) * step)
    if rng.random() < 0.15 and 100 <= value < 100_000:
        value -= 1 if value < 1000 else 10
    return Decimal(value)


def _round_to(amount: float, step: int) -> int:
    return max(step, round(amount / step) * step)


def _in_currency(amount_eur: float, currency: str) -> float:
    return amount_eur * 0.86 if currency == "GBP" else amount_eur


# --- Writing: shared by every category of goods ---------------------------------------------


class _Slots(dict[str, str]):
    """Values for the phrase templates, made up only when a template asks for them."""

    def __init__(self, rng: random.Random, seller: _Seller, makers: dict[str, Callable[[], Any]]):
        super().__init__()
        self.update(city=seller.plan.city, country=seller.country)
        self.makers: dict[str, Callable[[], Any]] = {
            "place": lambda: _place(rng, seller.plan.city),
            "shipping": lambda: _money(rng.choice((4.99, 5.49, 6.99, 7.49)), seller.currency),
            "inspection": lambda: "TÜV" if seller.country == "Germany" else "Inspection",
            "years": lambda: rng.randint(2, 9),
            "months": lambda: rng.randint(3, 20),
            **makers,
        }

    def __missing__(self, key: str) -> str:
        value = str(self.makers[key]())
        self[key] = value
        return value


def _place(rng: random.Random, city: str) -> str:
    neighbourhoods = data.NEIGHBOURHOODS.get(city)
    if neighbourhoods and rng.random() < 0.7:
        return f"{city}-{rng.choice(neighbourhoods)}"
    return city


def _money(amount: float, currency: str) -> str:
    text = f"{amount:,.2f}" if amount % 1 else f"{amount:,.0f}"
    return f"£{text}" if currency == "GBP" else f"{text} €"


def _conditions(breakable: bool) -> tuple[tuple[str, int], ...]:
    """How often each condition occurs; only things that can break are sold for parts."""
    weights = (("new", 7), ("like_new", 24), ("good", 46), ("fair", 17))
    return (*weights, ("for_parts", 6)) if breakable else weights


def _goods(
    rng: random.Random,
    seller: _Seller,
    *,
    name: str,
    noun: str,
    low: int,
    high: int,
    attributes: dict[str, AttributeValue],
    kind: str,
    details: Sequence[str],
    defects: Sequence[str],
    shippable: bool,
    broken: Sequence[str] = ("it doesn't work anymore",),
    colour: str = "",
    extra_titles: Sequence[str] = (),
    tags: dict[str, tuple[str, ...]] = data.TITLE_TAGS,
    condition_sentences: dict[str, tuple[str, ...]] = data.CONDITION_SENTENCES,
    makers: dict[str, Callable[[], Any]] | None = None,
    condition_weights: Sequence[tuple[str, int]] = _conditions(breakable=True),
) -> _Ad:
    condition = _weighted(rng, tuple(condition_weights))
    factor = {"new": 1.25, "like_new": 1.08, "good": 1.0, "fair": 0.78, "for_parts": 0.35}
    price = _in_currency(rng.triangular(low, high) * factor[condition], seller.currency)
    new_price = _round_to(_in_currency(high * 1.6, seller.currency), 10)
    slots = _Slots(
        rng,
        seller,
        {"new_price": lambda: _money(new_price, seller.currency), **(makers or {})},
    )
    slots["defect"] = rng.choice(defects).format_map(slots)
    slots["broken"] = rng.choice(broken)
    slots["noun"] = noun
    # "iPhone 15 for sale", not "IPhone 15 for sale".
    slots["noun_cap"] = noun if noun[1:2].isupper() else noun[:1].upper() + noun[1:]
    title = _title(rng, name, tags[condition], extra_titles, condition)
    condition_line = rng.choice(condition_sentences[condition]).format_map(slots)
    if condition in ("new", "like_new"):
        pattern = _NOT_NEW if condition == "new" else _NOT_LIKE_NEW
        details = [d for d in details if not pattern.search(d)]
    description = _describe(rng, seller, condition_line, condition, details, slots, shippable)
    return _Ad(
        title=title,
        description=description,
        price=_asking_price(rng, price),
        attributes=attributes,
        kind=kind,
        colour=colour,
        condition=condition,
        noun=f"the {noun}",
        talk="shippable" if shippable and rng.random() < 0.4 else "goods",
    )


# Details that a new (or like new) thing cannot have.
_NOT_NEW = re.compile(
    r"\b(used|worn|washed|serviced|replaced|cleaned|season|signs of use|years ago)\b", re.I
)
_NOT_LIKE_NEW = re.compile(r"signs of use", re.I)


def _title(
    rng: random.Random, name: str, tags: Sequence[str], extra: Sequence[str], condition: str
) -> str:
    core = rng.choice([name, name, *extra]) if extra else name
    tag = rng.choice(tags)
    if not tag:
        return core
    patterns = ["{core}, {tag}", "{core} - {tag}", "{core} {tag}"]
    if not core.endswith(")"):
        patterns.append("{core} ({tag})")
    pattern = rng.choice(patterns)
    if condition in ("new", "for_parts") and rng.random() < 0.3:
        pattern = "{TAG}: {core}"
    return pattern.format(core=core, tag=tag, TAG=tag.upper())


def _describe(
    rng: random.Random,
    seller: _Seller,
    condition_line: str,
    condition: str,
    details: Sequence[str],
    slots: _Slots,
    shippable: bool,
) -> str:
    voice = seller.voice
    fill = lambda template: template.format_map(slots)  # noqa: E731
    item_lines = [
        fill(line) for line in rng.sample(list(details), min(len(details), rng.randint(1, 3)))
    ]
    if shippable and seller.country != "the UK":
        logistics = fill(rng.choice(data.SHIPPING_SENTENCES))
    elif shippable:
        logistics = fill("Can post it (Royal Mail, tracked) for {shipping}, or pickup in {place}.")
    else:
        logistics = fill(rng.choice(data.PICKUP_SENTENCES))

    if voice == "terse":
        bits = rng.sample(data.TERSE_BITS, rng.randint(1, 3))
        if not shippable:
            bits = [b for b in bits if b != "shipping possible"] or ["pickup only"]
        text = " ".join([*item_lines[:1], ", ".join(bits) + "."])
        if condition in ("fair", "for_parts"):
            text = f"{condition_line} {text}"
        return text.lower() if rng.random() < 0.4 else text

    sentences: list[str] = []
    if voice == "chatty" or rng.random() < 0.4:
        sentences.append(fill(rng.choice(data.OPENERS)))
    sentences += [condition_line, *item_lines]
    if voice == "chatty" or rng.random() < 0.45:
        sentences.append(rng.choice(data.REASONS))
    sentences.append(logistics)
    if voice == "chatty" or rng.random() < 0.35:
        sentences.append(rng.choice(data.PAYMENT_SENTENCES))
    if rng.random() < 0.5:
        sentences.append(rng.choice(data.PRICE_SENTENCES))
    if voice == "chatty":
        sentences += rng.sample(data.CLOSINGS, 2)
    elif rng.random() < 0.5:
        sentences.append(rng.choice(data.CLOSINGS))

    if voice == "chatty":
        # Chatty sellers write in paragraphs and end on a smile.
        middle = max(2, len(sentences) // 2)
        text = " ".join(sentences[:middle]) + "\n\n" + " ".join(sentences[middle:])
        return text + rng.choice(("", " :)", " Cheers!", ""))
    text = " ".join(sentences)
    return _sloppy(rng, text) if voice == "sloppy" else text


def _sloppy(rng: random.Random, text: str) -> str:
    """A hurried writer: abbreviations, missing apostrophes, a lower-case i and a typo or two."""
    for long, short in rng.sample(data.ABBREVIATIONS, 3):
        text = text.replace(long, short)
    text = text.replace("n't", "nt").replace("I'm", "Im").replace("it's", "its")
    if rng.random() < 0.5:
        text = text.replace(" I ", " i ")
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 5 and w.isalpha()]
    for i in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
        words[i] = _typo(rng, words[i])
    return " ".join(words)


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randint(1, len(word) - 3)
    operation = rng.choice(("swap", "drop", "double"))
    if operation == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if operation == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


# --- The categories of goods ----------------------------------------------------------------


def _electronics(rng: random.Random, seller: _Seller) -> _Ad:
    gadget = rng.choice(data.GADGETS)
    kind = gadget.kind or data.ELECTRONICS_KIND_BY_TYPE[gadget.type]
    name = f"{gadget.brand} {gadget.model}"
    short = gadget.model.split(" with ")[0]
    extra = (f"{short} ({gadget.brand})", f"{gadget.brand} {short}")
    # "my 4 Model B kit" needs its brand; "my MacBook Air M2" does not.
    noun = short if short[0].isalpha() and not short.startswith("TV") else name
    return _goods(
        rng,
        seller,
        name=name,
        noun=noun,
        low=gadget.low,
        high=gadget.high,
        attributes={"brand": gadget.brand, "model": gadget.model, "type": gadget.type},
        kind=kind,
        details=data.GADGET_DETAILS[gadget.type],
        defects=data.ELECTRONICS_DEFECTS,
        broken=data.BROKEN["electronics"],
        shippable=gadget.type != "tv",
        extra_titles=extra,
        tags=data.GADGET_TITLE_TAGS,
        makers={
            "ram": lambda: rng.choice((8, 16, 16, 32)),
            "ssd": lambda: rng.choice((256, 512, 512, 1000)),
            "hours": lambda: rng.randint(4, 12),
            "cycles": lambda: rng.randint(40, 600),
            "shutter": lambda: f"{rng.randint(3, 60) * 1000:,}",
            "games": lambda: rng.choice(data.GAMES),
        },
    )


def _phones(rng: random.Random, seller: _Seller) -> _Ad:
    phone = rng.choice(data.PHONES)
    step = rng.randrange(len(phone.storages))
    storage = phone.storages[step]
    colour = rng.choice(phone.colours)
    model = phone.model
    full = model if model.startswith("iPhone") else f"{phone.brand} {model}"
    # "the 4" or "the Phone (1)" is not what anyone calls their phone.
    noun = full if model[0].isdigit() or model.startswith("Phone") else model
    battery = rng.randint(79, 100)
    price = phone.price * (1 + 0.13 * step)
    spaced = rng.random() < 0.5
    gb = f"{storage} GB" if spaced else f"{storage}GB"
    extras = (
        f"{full} {gb} {colour}",
        f"{full} {gb}, {colour}",
        f"{full} {gb} | battery {battery}%",
        f"{full} - {gb} - {colour}",
    )
    return _goods(
        rng,
        seller,
        name=f"{full} {gb}",
        noun=noun,
        low=round(price * 0.9),
        high=round(price * 1.12),
        attributes={"brand": phone.brand, "model": model, "storage_gb": storage, "colour": colour},
        kind="phone",
        colour=colour,
        details=data.PHONE_DETAILS,
        defects=data.PHONE_DEFECTS,
        broken=data.BROKEN["phones"],
        shippable=True,
        extra_titles=extras,
        tags=data.GADGET_TITLE_TAGS,
        makers={"battery": lambda: battery},
    )


def _vehicles(rng: random.Random, seller: _Seller) -> _Ad:
    vehicle = rng.choice(data.VEHICLES)
    year = rng.randint(vehicle.first_year, vehicle.last_year)
    age = max(1, 2026 - year)
    two_wheeler = vehicle.kind in ("scooter", "motorbike")
    yearly = rng.gauss(4500 if two_wheeler else 14000, 1500 if two_wheeler else 4500)
    mileage = int(max(800, age * max(1500, yearly)) // 100 * 100)
    expected = age * (4500 if two_wheeler else 14000)
    wear = min(1.25, max(0.6, 1 - 0.25 * (mileage - expected) / expected))
    # Cars lose most of their value in the first years, bikes and scooters less.
    if two_wheeler:
        value = vehicle.new_price * 0.9**age * wear
    else:
        value = vehicle.new_price * 0.8 * 0.87 ** min(age, 6) * 0.92 ** max(0, age - 6) * wear
    fuel = rng.choice(vehicle.fuels)
    condition = _weighted(rng, (("like_new", 10), ("good", 60), ("fair", 24), ("for_parts", 6)))
    if age <= 3 and condition == "fair":
        condition = "good"
    low, high = round(max(500, value * 0.92)), round(max(600, value * 1.08))
    colour = rng.choice(("black", "white", "silver", "grey", "blue", "red", "green"))
    fuel_word = {
        "electric": "electric",
        "hybrid": "hybrid",
        "lpg": "LPG",
        "diesel": "diesel",
        "petrol": "",
    }[fuel]
    name = f"{vehicle.make} {vehicle.model}"
    details = data.TWO_WHEELER_DETAILS if two_wheeler else data.VEHICLE_DETAILS
    if fuel == "electric" or mileage < 90_000:
        # No timing belt in an electric car, and no new chain on a young bike.
        details = tuple(d for d in details if "{belt}" not in d)
    km = f"{mileage:,} km".replace(",", ".") if rng.random() < 0.5 else f"{mileage // 1000}k km"
    extras = (
        f"{name} {year}, {km}",
        f"{name} {fuel_word} {year}".replace("  ", " "),
        f"{name}, first registered {year}, {km}",
        f"{name} {year} {colour}",
    )
    ad = _goods(
        rng,
        seller,
        name=name,
        noun=vehicle.model,
        low=low,
        high=high,
        attributes={
            "make": vehicle.make,
            "model": vehicle.model,
            "year": year,
            "mileage_km": mileage,
            "fuel": fuel,
        },
        kind=vehicle.kind,
        colour=colour,
        details=details,
        defects=data.VEHICLE_DEFECTS,
        broken=data.BROKEN["vehicles"],
        shippable=False,
        extra_titles=extras,
        tags=data.VEHICLE_TITLE_TAGS,
        condition_weights=((condition, 1),),
        makers={
            "tuv": lambda: (
                f"{rng.choice(('03', '05', '08', '10', '11'))}/{rng.choice((2027, 2028))}"
            ),
            "belt": lambda: f"{max(1000, mileage - rng.randint(1, 30) * 1000):,}".replace(",", "."),
        },
    )
    ad.photos = (1, 2, 2, 3, 4)
    return ad


def _home(rng: random.Random, seller: _Seller) -> _Ad:
    item = rng.choice(data.HOME_ITEMS)
    colour = rng.choice(item.colours)
    material = rng.choice(item.materials)
    noun = item.name.split(",")[0]
    if item.name.split()[0] not in data.HOME_BRANDS:
        noun = noun[0].lower() + noun[1:]  # "my solid pine wardrobe", "my IKEA PAX wardrobe"
    extras = (f"{item.name}, {colour}", f"{item.name} in {colour}", f"{item.name} ({material})")
    furniture = data.FURNITURE_SIZES.get(item.type)
    width, depth, height = (
        rng.randrange(low, high + 1, 5) for low, high in furniture or ((0, 0),) * 3
    )
    return _goods(
        rng,
        seller,
        name=item.name,
        noun=noun,
        low=item.low,
        high=item.high,
        attributes={"type": item.type, "material": material, "colour": colour},
        kind=item.kind,
        colour=colour,
        details=data.HOME_DETAILS
        + (data.FURNITURE_DETAILS if furniture else ())
        + (data.APPLIANCE_DETAILS if item.kind in data.BREAKABLE_HOME_KINDS else ()),
        defects=data.HOME_DEFECTS,
        broken=data.BROKEN["home-garden"],
        condition_weights=_conditions(item.kind in data.BREAKABLE_HOME_KINDS),
        shippable=not item.heavy,
        extra_titles=extras,
        makers={
            "assembly": lambda: rng.choice(
                (
                    "Already taken apart, all screws in a labelled bag.",
                    "Still assembled, you'll need to take it apart or bring a big van.",
                )
            ),
            "w": lambda: width,
            "d": lambda: depth,
            "h": lambda: height,
        },
    )


def _fashion(rng: random.Random, seller: _Seller) -> _Ad:
    garment = rng.choice(data.GARMENTS)
    sizes = data.SIZES[garment.sizes]
    size = rng.choice(sizes)
    colour = rng.choice(garment.colours)
    brand = garment.brand
    label = f"{brand} {garment.name}" if brand != "Vintage" else f"Vintage {garment.name}"
    attributes: dict[str, AttributeValue] = {
        "brand": "Levi's" if brand == "Vintage" else brand,
        "size": size,
        "colour": colour,
        "gender": garment.gender,
    }
    if garment.sizes == "one_size":
        name, fit = label, data.ACCESSORY_DETAILS
        extras: tuple[str, ...] = (f"{label}, {colour}", f"{label} in {colour}")
    else:
        sized = size if size.startswith(("EU", "W")) else f"size {size}"
        name = f"{label} {sized}"
        fit = data.SHOE_DETAILS if garment.sizes.startswith("shoes") else data.CLOTHES_DETAILS
        extras = (
            f"{label}, {sized}",
            f"{label} {colour}, {sized}",
            f"{label} - {sized} - {colour}",
            f"{label} ({garment.gender}, {sized})",
        )
    smaller_index = max(0, sizes.index(size) - 1)
    return _goods(
        rng,
        seller,
        name=name,
        noun=garment.name,
        low=garment.low,
        high=garment.high,
        attributes=attributes,
        kind=garment.kind,
        colour=colour,
        details=fit + data.FASHION_DETAILS,
        defects=data.FASHION_DEFECTS,
        shippable=True,
        extra_titles=extras,
        condition_sentences=data.FASHION_CONDITION_SENTENCES,
        condition_weights=(("new", 14), ("like_new", 34), ("good", 40), ("fair", 12)),
        makers={
            "smaller": lambda: sizes[smaller_index],
            "shop": lambda: rng.choice(data.SHOPS),
            "height": lambda: rng.randint(158, 192),
        },
    )


def _kids(rng: random.Random, seller: _Seller) -> _Ad:
    item = rng.choice(data.KIDS_ITEMS)
    age_group = rng.choice(item.ages)
    label = f"{item.brand} {item.name}" if item.brand != "Various" else item.name.capitalize()
    extras = (
        f"{label}, ages {age_group}",
        f"{label} - great condition",
        f"{item.name} ({item.brand})",
    )
    return _goods(
        rng,
        seller,
        name=label,
        noun=item.name.split(",")[0],
        low=item.low,
        high=item.high,
        attributes={"brand": item.brand, "age_group": age_group},
        kind=item.kind,
        details=data.KIDS_DETAILS,
        defects=data.KIDS_DEFECTS,
        shippable=not item.heavy,
        extra_titles=extras,
        condition_weights=(("new", 6), ("like_new", 30), ("good", 48), ("fair", 16)),
    )


def _sports(rng: random.Random, seller: _Seller) -> _Ad:
    item = rng.choice(data.SPORTS_ITEMS)
    attributes: dict[str, AttributeValue] = {"brand": item.brand, "sport": item.sport}
    label = f"{item.brand} {item.name}"
    extras: tuple[str, ...] = (f"{item.name} by {item.brand}",)
    if item.sizes:
        size = rng.choice(item.sizes)
        attributes["size"] = size
        extras += (f"{label}, size {size}" if len(size) <= 3 else f"{label}, {size}",)
    return _goods(
        rng,
        seller,
        name=label,
        noun=item.name.split(",")[0],
        low=item.low,
        high=item.high,
        attributes=attributes,
        kind=item.kind,
        details=data.SPORTS_DETAILS + data.SPORTS_KIND_DETAILS.get(item.kind, ()),
        defects=data.SPORTS_DEFECTS + data.SPORTS_KIND_DEFECTS.get(item.kind, ()),
        broken=data.BROKEN["sports-hobbies"],
        condition_weights=_conditions(item.kind in data.BREAKABLE_SPORTS_KINDS),
        shippable=not item.heavy,
        extra_titles=extras,
    )


# --- Real estate, jobs and services: no condition, their own way of writing -----------------


def _real_estate(rng: random.Random, seller: _Seller) -> _Ad:
    kind = _weighted(rng, data.PROPERTY_TYPES)
    offer = "sale" if rng.random() < data.PROPERTY_SALE_SHARE[kind] else "rent"
    rooms, area = _property_size(rng, kind)
    price = _property_price(rng, kind, offer, area, seller.plan.city)
    city = seller.plan.city
    area_name = rng.choice(data.NEIGHBOURHOODS.get(city, (city,)))
    slots = _Slots(
        rng,
        seller,
        {
            "garden": lambda: rng.randrange(150, 900, 10),
            "available": lambda: rng.choice(data.MOVE_IN_DATES),
            "energy": lambda: rng.choice("ABCDE"),
            "feature": lambda: rng.choice(("balcony", "garden", "fitted kitchen", "lift")),
        },
    )
    slots.update(
        rooms=str(rooms),
        room_count="1 room" if rooms == 1 else f"{rooms} rooms",
        area=str(area),
        area_name=area_name,
        where=area_name if area_name == city else f"{city}-{area_name}",
        verb="for rent" if offer == "rent" else "for sale",
        adjective=rng.choice(data.PROPERTY_ADJECTIVES),
    )
    sentences = [data.PROPERTY_INTROS[kind].format_map(slots)]
    if kind in ("apartment", "house", "room"):
        features = data.HOUSE_FEATURES if kind == "house" else data.APARTMENT_FEATURES
        first, second, third = (f.format_map(slots) for f in rng.sample(features, 3))
        sentences.append(f"Highlights: {first}, {second} and {third}.")
    money = partial(_money, currency=seller.currency)
    if offer == "sale":
        sentences.append(f"Purchase price {money(price)}, no commission.")
    elif kind == "garage":
        sentences.append(f"Rent {money(price)} a month.")
    elif kind == "room":
        sentences.append(
            f"Rent {money(price)} a month including all bills and internet. "
            "Deposit: two months' rent."
        )
    else:
        charges = _round_to(area * rng.uniform(2.2, 3.2), 5)
        sentences.append(
            f"Cold rent {money(price)} plus about {money(charges)} service charges. "
            "Deposit: three months' cold rent."
        )
    notes = rng.sample(
        data.REAL_ESTATE_NOTES + (data.RENTAL_NOTES if offer == "rent" else data.SALE_NOTES),
        rng.randint(1, 3),
    )
    sentences += [note.format_map(slots) for note in notes]
    attributes: dict[str, AttributeValue] = {"type": kind, "offer": offer, "area_m2": area}
    if rooms:
        attributes["rooms"] = rooms
    return _Ad(
        title=rng.choice(data.PROPERTY_TITLES[kind]).format_map(slots),
        description=" ".join(sentences),
        price=Decimal(price),
        attributes=attributes,
        kind=kind,
        noun=f"the {data.PROPERTY_NOUNS[kind]}",
        talk="rental" if offer == "rent" and kind in ("apartment", "room", "house") else "property",
        photos=(2, 3, 3, 4),
    )


def _property_size(rng: random.Random, kind: str) -> tuple[int, int]:
    """Rooms (0 where rooms make no sense) and area in m²."""
    if kind == "room":
        return 1, rng.randint(10, 24)
    if kind == "garage":
        return 0, rng.randint(15, 20)
    if kind == "plot":
        return 0, rng.randrange(350, 1200, 10)
    rooms = {
        "apartment": _weighted(rng, ((1, 15), (2, 35), (3, 30), (4, 15), (5, 5))),
        "house": rng.randint(4, 7),
        "office": rng.randint(1, 6),
    }[kind]
    low, high = {"apartment": (22, 34), "house": (24, 34), "office": (18, 40)}[kind]
    return rooms, round(rooms * rng.uniform(low, high) + rng.uniform(6, 14))


def _property_price(rng: random.Random, kind: str, offer: str, area: int, city: str) -> int:
    """Monthly cold rent or sale price from the city's going rate per m², in local money."""
    if offer == "rent":
        rate = data.RENT_PER_M2.get(city, data.DEFAULT_RENT_PER_M2)
        price = {
            "apartment": area * rate * rng.uniform(0.85, 1.2),
            "house": area * rate * rng.uniform(0.8, 1.05),
            "office": area * rate * rng.uniform(0.8, 1.3),
            "room": max(320, area * rate * rng.uniform(1.8, 2.6)),  # furnished, bills included
            "garage": rate * rng.uniform(5, 9),
        }[kind]
        return _round_to(price, 10)
    rate = data.SALE_PER_M2.get(city, data.DEFAULT_SALE_PER_M2)
    price = {
        "apartment": area * rate * rng.uniform(0.8, 1.2),
        "house": area * rate * rng.uniform(0.75, 1.05),
        "office": area * rate * rng.uniform(0.7, 1.0),
        "garage": rate * rng.uniform(3, 6),
        "plot": area * rate * rng.uniform(0.08, 0.16),
    }[kind]
    return _round_to(price, 1000)


def _jobs(rng: random.Random, seller: _Seller) -> _Ad:
    # Businesses post the jobs of their trade; without any, a private person hires.
    business = seller.plan.first_name if seller.plan.trade else ""
    fitting = [j for j in data.JOBS if j.trade in (seller.plan.trade, "any")] if business else []
    job = rng.choice(fitting or data.JOBS)
    employment = rng.choice(job.employments)
    remote = rng.choice(job.remote)
    salary = rng.uniform(*job.salary)
    if employment == "part-time":
        salary *= rng.uniform(0.5, 0.65)
    elif employment == "freelance":
        salary *= 1.3
    elif employment == "internship":
        salary = rng.uniform(1200, 1600)
    if employment == "mini-job":
        pay = rng.choice((300, 400, 450, 520, 550, 600))
    else:
        pay = _round_to(_in_currency(salary, seller.currency), 50)
    place = _place(rng, seller.plan.city)
    name = f"{job.title} (m/f/d)"
    # "a junior Python developer", "a UX designer", "an office assistant"
    role = job.title if job.title[1].isupper() else job.title[0].lower() + job.title[1:]
    a_role = f"{'an' if role[0] in 'aeiou' else 'a'} {role}"
    titles = (
        f"{name} - {employment}",
        f"{name} in {place}",
        f"{name}, {employment}, {'remote' if remote == 'yes' else place}",
        f"{business} is hiring: {job.title} ({employment})"
        if business
        else f"Looking for {a_role} ({employment})",
    )
    slots = _Slots(rng, seller, {})
    requirements = data.JOB_REQUIREMENTS[job.field]
    perks = rng.sample(data.JOB_PERKS + data.FIELD_PERKS.get(job.field, ()), 3)
    start = rng.choice(("as soon as possible", "on 1 March", "in April", "next month"))
    lines = [
        f"{business + ' is' if business else 'We are'} looking for {a_role} ({employment}) "
        f"in {place}, starting {start}.",
        *(line.format_map(slots) for line in rng.sample(requirements, min(2, len(requirements)))),
        f"What we offer: {perks[0]}, {perks[1]} and {perks[2]}.",
        data.REMOTE_SENTENCES[remote],
        f"Pay: {_money(pay, seller.currency)} gross per month"
        + (" (mini-job, no tax or deductions for you)." if employment == "mini-job" else "."),
        "Interested? Send us a message here with a few lines about yourself.",
    ]
    return _Ad(
        title=rng.choice(titles),
        description=" ".join(lines),
        price=Decimal(pay),
        attributes={"employment": employment, "field": job.field, "remote": remote},
        kind=job.kind,
        noun="the position",
        talk="jobs",
        photos=(0, 0, 1),
    )


def _services(rng: random.Random, seller: _Seller) -> _Ad:
    business = seller.plan.first_name if seller.plan.trade else ""
    if business:
        fitting = [s for s in data.SERVICES if s.trade == seller.plan.trade]
    else:
        fitting = [s for s in data.SERVICES if s.trade in ("any", "tutoring")]
    service = rng.choice(fitting)
    amount = _in_currency(rng.uniform(service.low, service.high), seller.currency)
    price = _round_to(amount, 50 if amount >= 1000 else 5)
    city = seller.plan.city
    per = {"per hour": "/h", "per day": "/day", "per job": ""}[service.rate]
    titles = (
        service.title,
        f"{service.title} in {city}",
        f"{service.title} - {city} and surroundings",
        f"{service.title}, also at short notice",
        f"{service.title} - {_money(price, seller.currency)}{per}"
        if per
        else f"{service.title}, fair prices",
        f"{business}: {service.title}" if business else f"{service.title} ({city})",
    )
    slots = _Slots(rng, seller, {})
    if service.kind in ("note", "book"):
        pool = data.SERVICE_DETAILS + data.LESSON_DETAILS
    elif service.kind in ("paw", "teddy"):
        pool = data.SERVICE_DETAILS  # care needs neither tools nor a first free lesson
    else:
        pool = data.SERVICE_DETAILS + data.WORK_DETAILS
    details = rng.sample(pool, rng.randint(2, 3))
    lines = [
        f"{business}, {city}: {service.pitch}"
        if business
        else f"Hi, I'm {seller.plan.first_name} from {city}. {service.pitch}",
        *(detail.format_map(slots) for detail in details),
        f"Price: {_money(price, seller.currency)} {service.rate}.",
        "We look forward to your message!"
        if business
        else "Just send me a message with what you need.",
    ]
    text = " ".join(lines)
    return _Ad(
        title=rng.choice(titles),
        description=_sloppy(rng, text) if seller.voice == "sloppy" and not business else text,
        price=Decimal(price),
        attributes={"service": service.service, "rate": service.rate},
        kind=service.kind,
        noun="the offer",
        talk="services",
        photos=(0, 1, 1, 2),
    )


_GENERATORS: dict[str, Callable[[random.Random, _Seller], _Ad]] = {
    "electronics": _electronics,
    "phones": _phones,
    "vehicles": _vehicles,
    "home-garden": _home,
    "fashion": _fashion,
    "kids": _kids,
    "sports-hobbies": _sports,
    "real-estate": _real_estate,
    "jobs": _jobs,
    "services": _services,
}


# --- Favourites and conversations -----------------------------------------------------------


def _plan_favourites(
    rng: random.Random, users: Sequence[UserPlan], listings: Sequence[ListingPlan]
) -> tuple[FavouritePlan, ...]:
    public = [i for i, listing in enumerate(listings) if listing.age is not None]
    favourites: list[FavouritePlan] = []
    for user_index in range(len(users)):
        wanted = rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 8))
        if user_index == 0:
            wanted = max(wanted, 6)  # the suggested demo login has a full favourites page
        choices = [i for i in public if listings[i].seller != user_index]
        for listing_index in rng.sample(choices, min(wanted, len(choices))):
            listing_age = listings[listing_index].age
            assert listing_age is not None
            favourites.append(
                FavouritePlan(user_index, listing_index, listing_age * rng.uniform(0.05, 0.9))
            )
    return tuple(favourites)


def _plan_threads(
    rng: random.Random, users: Sequence[UserPlan], listings: Sequence[ListingPlan]
) -> tuple[ThreadPlan, ...]:
    public = [i for i, listing in enumerate(listings) if listing.age is not None]
    if not public:
        return ()
    wanted = max(3, round(len(users) * 1.5))
    pairs: set[tuple[int, int]] = set()
    threads: list[ThreadPlan] = []
    # The suggested demo login gets conversations as a seller and as a buyer.
    own = [i for i in public if listings[i].seller == 0]
    others = [i for i in public if listings[i].seller != 0]
    planned = [(rng.choice(own), None) for _ in range(3) if own] + [
        (rng.choice(others), 0) for _ in range(2) if others
    ]
    planned += [(rng.choice(public), None) for _ in range(wanted)]
    for listing_index, buyer in planned:
        listing = listings[listing_index]
        if buyer is None:
            buyer = rng.choice(
                [u for u in range(len(users)) if u != listing.seller and not users[u].trade] or [0]
            )
        if buyer == listing.seller or (listing_index, buyer) in pairs:
            continue
        pairs.add((listing_index, buyer))
        threads.append(_conversation(rng, users, listing, listing_index, buyer))
    return tuple(threads)


def _conversation(
    rng: random.Random, users: Sequence[UserPlan], listing: ListingPlan, index: int, buyer: int
) -> ThreadPlan:
    script = rng.choice(data.CONVERSATIONS[listing.talk])
    script = script[: rng.randint(min(2, len(script)), len(script))]
    money = lambda amount: _money(float(Decimal(amount).quantize(Decimal(1))), listing.currency)  # noqa: E731
    price = float(listing.price)
    values = {
        "item": listing.noun.removeprefix("the "),
        "price": money(price),
        "offer": money(_nice(price * 0.8)),
        "counter": money(_nice(price * 0.9)),
        "lowball": money(_nice(price * 0.5)),
        "day": rng.choice(data.WEEKDAYS),
        "time": rng.choice(data.TIMES),
        "city": users[buyer].city,
        "seller_city": users[listing.seller].city,
        "estimate": money(price * 3 if listing.attributes.get("rate") == "per hour" else price),
        "buyer": users[buyer].first_name,
        "seller": users[listing.seller].first_name,
        "shipping": _money(rng.choice((4.99, 5.49, 6.99)), listing.currency),
        "charges": money(_nice(price * 0.2)),
    }
    assert listing.age is not None
    age = listing.age * rng.uniform(0.3, 0.95)
    messages = []
    unread_last = rng.random() < 0.45
    for position, (speaker, text) in enumerate(script):
        if position:
            gap = timedelta(minutes=rng.choice((3, 8, 15, 40, 90, 240, 600)))
            age = max(timedelta(minutes=1), age - min(gap, age / 2))
        last = position == len(script) - 1
        messages.append(
            MessagePlan(
                from_buyer=speaker == "buyer",
                body=text.format(**values),
                age=age,
                read=not (last and unread_last),
            )
        )
    return ThreadPlan(listing=index, buyer=buyer, messages=tuple(messages))


def _nice(amount: float) -> int:
    step = 5 if amount < 200 else 10 if amount < 2000 else 100
    return max(step, round(amount / step) * step)


# --- Helpers --------------------------------------------------------------------------------


def _weighted(rng: random.Random, options: Sequence[tuple[Any, int]]) -> Any:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights)[0]

"""Screening a listing: prohibited items and the usual patterns of classified-ad scams.

Verdicts: ``reject`` for items no marketplace may carry (weapons, drugs, identity documents,
counterfeits of a named brand) or for scam signs of two different kinds (a payment method,
money before seeing the item, leaving Bazaar's messages); ``review`` for
anything else suspicious (restricted items, one scam signal, a price far below comparable
listings); ``ok`` otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .attributes import Facts
from .lexicon import BRANDS
from .text import PhraseIndex, tokens


@dataclass(frozen=True)
class Rule:
    code: str
    detail: str
    severity: str  # "reject" or "review"
    # Scam signs of different kinds add up to a reject; several of one kind are one sign.
    scam_kind: str = ""
    # Words that, right before or after the phrase, make it harmless ("glue gun", "puppy pads").
    harmless_before: frozenset[str] = frozenset()
    harmless_after: frozenset[str] = frozenset()


def _words(text: str) -> list[str]:
    return text.split()


def _rule(
    code: str, detail: str, severity: str, before: str = "", after: str = "", scam_kind: str = ""
) -> Rule:
    return Rule(
        code, detail, severity, scam_kind, frozenset(tokens(before)), frozenset(tokens(after))
    )


WEAPON = _rule(
    "prohibited_item",
    "weapons and ammunition cannot be sold on Bazaar",
    "reject",
    # Tools and toys; airsoft and air guns are restricted items, checked by their own rule.
    before="glue water nail heat spray massage paint staple caulking caulk nerf toy grease "
    "soldering foam bubble hot tape airsoft air bb paintball",
    after="metal grey gray",
)
DRUG = _rule(
    "prohibited_item",
    "drugs and prescription medicines cannot be sold on Bazaar",
    "reject",
    after="killer control remover barrier membrane eater trimmer wacker",
)
DOCUMENT = _rule(
    "prohibited_item",
    "identity documents and certificates cannot be sold on Bazaar",
    "reject",
    after="holder cover wallet case photo photos sleeve",
)
COUNTERFEIT = _rule(
    "prohibited_item",
    "counterfeit goods cannot be sold on Bazaar",
    "reject",
    after="leather fur plant plants flower flowers tan tree grass snow eyelashes nails jersey "
    "shirt kit",  # official "replica" football shirts are genuine merchandise
)
ADULT = _rule(
    "prohibited_item", "adult services cannot be offered on Bazaar", "reject", before="ford"
)
ANIMAL = _rule(
    "restricted_item",
    "live animals need a check before they can be listed",
    "review",
    after="pad pads heel heels food toy toys bed crate training pen gate",
)
RESTRICTED = _rule(
    "restricted_item",
    "a restricted item needs a check",
    "review",
    after="glasses sunglasses lens lenses",
)
STOLEN = _rule("other", "the text suggests goods of unclear origin", "review")
PAYMENT = _rule(
    "payment_scam", "asks for a payment method that scammers prefer", "review", scam_kind="payment"
)
ADVANCE = _rule(
    "payment_scam", "asks for money before the buyer sees the item", "review", scam_kind="advance"
)
OFF_PLATFORM = _rule(
    "off_platform_contact",
    "asks buyers to leave Bazaar's messages",
    "review",
    scam_kind="off_platform",
)

RULES: dict[str, Rule] = {
    **dict.fromkeys(
        _words("gun guns pistol revolver rifle shotgun firearm firearms ammunition ammo glock "
               "ak-47 ar-15 silencer suppressor grenade explosives switchblade"),
        WEAPON,
    ),
    "brass knuckles": WEAPON, "knuckle duster": WEAPON, "butterfly knife": WEAPON,
    "stun gun": WEAPON, "taser": WEAPON,
    **dict.fromkeys(
        _words("cocaine heroin meth methamphetamine mdma ecstasy lsd ketamine weed marijuana "
               "cannabis shrooms xanax oxycodone oxycontin fentanyl tramadol codeine steroids "
               "anabolic"),
        DRUG,
    ),
    "magic mushrooms": DRUG, "prescription pills": DRUG, "sleeping pills": DRUG,
    **dict.fromkeys(_words("passport passports"), DOCUMENT),
    "id card": DOCUMENT, "identity card": DOCUMENT, "driver's license": DOCUMENT,
    "drivers license": DOCUMENT, "driving licence": DOCUMENT, "residence permit": DOCUMENT,
    "birth certificate": DOCUMENT, "fake diploma": DOCUMENT, "diploma for sale": DOCUMENT,
    "social security card": DOCUMENT,
    **dict.fromkeys(_words("replica counterfeit fake knockoff knock-off"), COUNTERFEIT),
    "1:1 copy": COUNTERFEIT, "aaa quality": COUNTERFEIT, "mirror quality": COUNTERFEIT,
    "escort": ADULT, "sexual services": ADULT, "erotic massage": ADULT,
    **dict.fromkeys(_words("puppy puppies kitten kittens"), ANIMAL),
    "dog for sale": ANIMAL, "cat for sale": ANIMAL, "parrot": ANIMAL, "exotic animal": ANIMAL,
    "breeding pair": ANIMAL, "reptile": ANIMAL,
    **dict.fromkeys(
        _words("airsoft paintball crossbow vape cigarettes antibiotics insulin"), RESTRICTED
    ),
    "air rifle": RESTRICTED, "pepper spray": RESTRICTED, "e-liquid": RESTRICTED,
    "prescription": RESTRICTED,
    "no questions asked": STOLEN, "stolen": STOLEN,
    "western union": PAYMENT, "moneygram": PAYMENT, "gift card": PAYMENT,
    "gift cards": PAYMENT, "steam card": PAYMENT, "itunes card": PAYMENT,
    "google play card": PAYMENT, "paysafecard": PAYMENT, "bitcoin": PAYMENT, "btc": PAYMENT,
    "crypto": PAYMENT, "cryptocurrency": PAYMENT, "usdt": PAYMENT, "ethereum": PAYMENT,
    "friends and family": PAYMENT, "friends & family": PAYMENT,
    "payment in advance": ADVANCE, "pay in advance": ADVANCE, "advance payment": ADVANCE,
    "upfront payment": ADVANCE, "pay upfront": ADVANCE, "deposit before viewing": ADVANCE,
    "money first": ADVANCE, "send the money first": ADVANCE, "shipping only": ADVANCE,
    "only shipping": ADVANCE, "no pickup": ADVANCE, "no viewing": ADVANCE,
    "no viewings": ADVANCE, "bank transfer only": ADVANCE,
    **dict.fromkeys(_words("whatsapp telegram viber wechat"), OFF_PLATFORM),
    "whats app": OFF_PLATFORM, "signal me": OFF_PLATFORM, "text me at": OFF_PLATFORM,
    "call me at": OFF_PLATFORM, "email me at": OFF_PLATFORM, "e-mail me at": OFF_PLATFORM,
    "contact me at": OFF_PLATFORM, "my number is": OFF_PLATFORM, "reach me on": OFF_PLATFORM,
}  # fmt: skip

_RULES = PhraseIndex(RULES.items())
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<![\w.,])(?:\+|00|0)\d[\d\s\-/().]{7,}\d")
_URL = re.compile(r"\bhttps?://|\bwww\.|\b[\w-]+\.(?:com|net|org|ru|xyz|io|info|biz)\b")
_VEHICLE_PARTS = re.compile(r"\b(parts?|spares|wreck|tyres?|tires?|rims?|wheels?)\b")
_BRAND_WORDS = PhraseIndex((brand, True) for brand in BRANDS)


@dataclass(frozen=True)
class Finding:
    code: str
    detail: str
    severity: str


def _harmless(words: list[str], start: int, phrase: tuple[str, ...], rule: Rule) -> bool:
    before = words[start - 1] if start > 0 else ""
    after_index = start + len(phrase)
    after = words[after_index] if after_index < len(words) else ""
    return before in rule.harmless_before or after in rule.harmless_after


def screen(
    facts: Facts,
    *,
    price: float | None = None,
    reference_median: float | None = None,
    reference_count: int = 0,
    category: str | None = None,
) -> tuple[str, list[Finding]]:
    """(verdict, findings) for a listing's text and price."""
    findings: list[Finding] = []
    scam_kinds: set[str] = set()
    for start, phrase, value in _RULES.find(facts.words, facts.positions):
        rule = value
        if _harmless(facts.words, start, phrase, rule):
            continue
        severity = rule.severity
        if rule is COUNTERFEIT and not _BRAND_WORDS.find(facts.words, facts.positions):
            severity = "review"  # "replica" of no named brand: perhaps a model or a costume
        findings.append(Finding(rule.code, f"{rule.detail} (“{' '.join(phrase)}”)", severity))
        if rule.scam_kind:
            scam_kinds.add(rule.scam_kind)

    if _EMAIL.search(facts.text):
        findings.append(Finding("off_platform_contact", "contains an e-mail address", "review"))
        scam_kinds.add("off_platform")
    without_emails = _EMAIL.sub(" ", facts.text)
    if _PHONE.search(without_emails):
        findings.append(Finding("off_platform_contact", "contains a phone number", "review"))
        scam_kinds.add("off_platform")
    if _URL.search(without_emails):
        findings.append(Finding("off_platform_contact", "links to another website", "review"))
        scam_kinds.add("off_platform")

    has_reference = bool(reference_median) and reference_count >= 5
    if price is not None and has_reference and price < 0.25 * (reference_median or 0):
        findings.append(
            Finding(
                "suspicious_price",
                f"the price {price:g} is far below the {reference_median:g} typical of "
                f"{reference_count} comparable listings",
                "review",
            )
        )
    elif (
        price is not None
        and not has_reference
        and category == "vehicles"
        and 0 < price < 300
        and not _VEHICLE_PARTS.search(facts.text)
    ):
        findings.append(
            Finding("suspicious_price", f"a vehicle for {price:g} is implausibly cheap", "review")
        )

    if any(finding.severity == "reject" for finding in findings) or len(scam_kinds) >= 2:
        verdict = "reject"
    elif findings:
        verdict = "review"
    else:
        verdict = "ok"
    return verdict, findings

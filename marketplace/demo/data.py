"""The vocabularies the demo marketplace is written from.

Plain data only: places, people, the goods of each category with realistic used prices (EUR),
and the phrases sellers and buyers use. ``generate`` combines them. Prices are what such an item
fetches second-hand in good condition; the generator moves them with condition, age and luck.
"""

from __future__ import annotations

from typing import NamedTuple

# The tables below read best as one row per line, so the formatter leaves this file alone.
# fmt: off

# --- Places ---------------------------------------------------------------------------------

# (city, weight): the big cities get most of the people, as on any classifieds site.
CITIES: tuple[tuple[str, int], ...] = (
    ("Berlin", 16),
    ("Hamburg", 10),
    ("Munich", 9),
    ("Cologne", 7),
    ("Frankfurt", 6),
    ("Stuttgart", 5),
    ("Düsseldorf", 5),
    ("Leipzig", 5),
    ("Dresden", 4),
    ("Dortmund", 3),
    ("Essen", 3),
    ("Bremen", 3),
    ("Hanover", 3),
    ("Nuremberg", 3),
    ("Bonn", 2),
    ("Münster", 2),
    ("Karlsruhe", 2),
    ("Mannheim", 2),
    ("Freiburg", 2),
    ("Heidelberg", 1),
    ("Potsdam", 1),
    ("Kiel", 1),
    ("Rostock", 1),
    ("Augsburg", 1),
    ("Vienna", 2),
    ("Salzburg", 1),
    ("Amsterdam", 1),
    ("Brussels", 1),
    ("London", 1),
    ("Manchester", 1),
)
# Where a city is, for shipping and paperwork; German cities are not listed.
COUNTRIES: dict[str, str] = {
    "Vienna": "Austria",
    "Salzburg": "Austria",
    "Amsterdam": "the Netherlands",
    "Brussels": "Belgium",
    "London": "the UK",
    "Manchester": "the UK",
}
GBP_CITIES = frozenset({"London", "Manchester"})

# Short forms people put in usernames.
CITY_TAGS: dict[str, str] = {
    "Berlin": "ber",
    "Hamburg": "hh",
    "Munich": "muc",
    "Cologne": "koeln",
    "Frankfurt": "ffm",
    "Stuttgart": "str",
    "Düsseldorf": "dus",
    "Leipzig": "lej",
    "Dresden": "dd",
    "Vienna": "wien",
    "London": "ldn",
}

NEIGHBOURHOODS: dict[str, tuple[str, ...]] = {
    "Berlin": (
        "Prenzlauer Berg",
        "Kreuzberg",
        "Neukölln",
        "Friedrichshain",
        "Charlottenburg",
        "Wedding",
        "Pankow",
        "Schöneberg",
        "Moabit",
        "Steglitz",
    ),
    "Hamburg": ("Eimsbüttel", "Altona", "Winterhude", "Ottensen", "St. Pauli", "Barmbek", "Eppendorf"),
    "Munich": ("Schwabing", "Maxvorstadt", "Haidhausen", "Giesing", "Sendling", "Neuhausen", "Pasing"),
    "Cologne": ("Ehrenfeld", "Nippes", "Sülz", "Deutz", "Südstadt", "Lindenthal"),
    "Frankfurt": ("Bornheim", "Nordend", "Sachsenhausen", "Bockenheim", "Gallus"),
    "Stuttgart": ("West", "Bad Cannstatt", "Vaihingen", "Degerloch"),
    "Düsseldorf": ("Bilk", "Flingern", "Oberkassel", "Pempelfort", "Unterbilk"),
    "Leipzig": ("Plagwitz", "Connewitz", "Gohlis", "Südvorstadt", "Lindenau"),
    "Dresden": ("Neustadt", "Striesen", "Löbtau", "Blasewitz"),
    "Vienna": ("Neubau", "Leopoldstadt", "Ottakring", "Wieden"),
    "London": ("Hackney", "Peckham", "Islington", "Brixton"),
}

# Typical asking rents (cold, per m² and month) and sale prices (per m²), in local currency.
RENT_PER_M2: dict[str, float] = {
    "Munich": 22.0,
    "Frankfurt": 17.5,
    "Berlin": 16.0,
    "Hamburg": 15.5,
    "Stuttgart": 15.5,
    "Düsseldorf": 13.5,
    "Cologne": 14.0,
    "Heidelberg": 13.5,
    "Freiburg": 14.5,
    "Potsdam": 13.0,
    "Leipzig": 9.0,
    "Dresden": 9.0,
    "Dortmund": 9.5,
    "Essen": 9.0,
    "Vienna": 15.0,
    "Salzburg": 16.0,
    "Amsterdam": 26.0,
    "Brussels": 15.0,
    "London": 30.0,
    "Manchester": 17.0,
}
DEFAULT_RENT_PER_M2 = 11.0
SALE_PER_M2: dict[str, int] = {
    "Munich": 9500,
    "Frankfurt": 6500,
    "Hamburg": 6200,
    "Berlin": 5600,
    "Stuttgart": 5500,
    "Düsseldorf": 5000,
    "Cologne": 5000,
    "Freiburg": 5800,
    "Heidelberg": 5200,
    "Potsdam": 5000,
    "Leipzig": 3300,
    "Dresden": 3300,
    "Dortmund": 2900,
    "Essen": 2800,
    "Vienna": 6000,
    "Salzburg": 6500,
    "Amsterdam": 7500,
    "Brussels": 4200,
    "London": 9000,
    "Manchester": 3500,
}
DEFAULT_SALE_PER_M2 = 3800

# --- People ---------------------------------------------------------------------------------

FEMALE_NAMES: tuple[str, ...] = (
    "Anna",
    "Mia",
    "Emma",
    "Lena",
    "Sophie",
    "Hannah",
    "Laura",
    "Julia",
    "Lea",
    "Clara",
    "Marie",
    "Katharina",
    "Sarah",
    "Johanna",
    "Nele",
    "Ayşe",
    "Elif",
    "Agnieszka",
    "Olga",
    "Giulia",
    "Fatima",
    "Lina",
    "Chiara",
    "Ines",
    "Greta",
    "Frieda",
    "Ulrike",
    "Sabine",
    "Petra",
)
MALE_NAMES: tuple[str, ...] = (
    "Lukas",
    "Leon",
    "Jonas",
    "Felix",
    "Paul",
    "Max",
    "Niklas",
    "Tim",
    "Finn",
    "Moritz",
    "Jan",
    "Tobias",
    "David",
    "Simon",
    "Florian",
    "Mehmet",
    "Can",
    "Piotr",
    "Dmitri",
    "Marco",
    "Yusuf",
    "Omar",
    "Tom",
    "Bastian",
    "Matteo",
    "Sven",
    "Ole",
    "Karl",
    "Jürgen",
    "Thomas",
    "Andreas",
)
LAST_NAMES: tuple[str, ...] = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Krause",
    "Lehmann",
    "Köhler",
    "Vogel",
    "Jäger",
    "Lorenz",
    "Brandt",
    "Yilmaz",
    "Kaya",
    "Demir",
    "Nowak",
    "Kowalski",
    "Wiśniewska",
    "Rossi",
    "Bianchi",
    "Haddad",
    "Petrov",
    "Ivanova",
    "Nguyen",
    "Jansen",
    "de Vries",
    "Novák",
    "Berger",
    "Huber",
    "Frank",
    "Sommer",
    "Engel",
)

# Small businesses post most of the job ads and some of the services.
# (name, what they do: a key of JOBS_BY_TRADE / SERVICES_BY_TRADE, bio)
BUSINESSES: tuple[tuple[str, str, str], ...] = (
    (
        "Café Lindenblatt",
        "hospitality",
        "Neighbourhood café with our own bakery. Breakfast all day, cakes from Grandma's recipes.",
    ),
    (
        "Radwerk Schmidt",
        "bikes",
        "Bike workshop since 2009. Repairs, used bikes with six months' warranty, fair prices.",
    ),
    (
        "Umzüge Krause & Sohn",
        "moving",
        "Family-run removals. Local moves, furniture assembly, disposal. Insured.",
    ),
    (
        "Pixelhafen GmbH",
        "it",
        "Small software agency, 14 people. We build web apps for logistics and healthcare.",
    ),
    (
        "Pflegedienst Sonnenschein",
        "healthcare",
        "Outpatient care service. We look after 120 people at home, with a team that stays.",
    ),
    (
        "Malerbetrieb Vogel",
        "painting",
        "Painting and decorating, wallpaper, small plastering jobs. Free quotes.",
    ),
    (
        "Lernstudio Kopfsache",
        "tutoring",
        "Tutoring for all school years: maths, German, English, physics. Small groups.",
    ),
    (
        "Gartenglück",
        "garden",
        "Garden care for private gardens and small businesses: hedges, lawns, clear-outs.",
    ),
    (
        "Trattoria da Marco",
        "hospitality",
        "Italian family restaurant. Fresh pasta every day, wood-fired oven.",
    ),
    (
        "Lagerlogistik Nord",
        "logistics",
        "Warehousing and same-day delivery for online shops.",
    ),
)

BIOS: tuple[str, ...] = (
    "Moving to {other_city} in spring, so selling what won't fit in the van.",
    "Hobby photographer. Everything comes from a smoke-free home.",
    "Student in {city}. Quick replies in the evenings.",
    "I fix up old bikes in my spare time.",
    "Decluttering, one cupboard at a time.",
    "Gamer and tech nerd. I look after my stuff.",
    "Retired teacher. I prefer pickup and cash.",
    "Usually reply within a few hours. No shipping of large items, sorry.",
    "Designer, plant lover, too many chairs.",
    "Just moved in together, so we have two of everything now.",
    "Runner, cyclist, occasional skier.",
    "Always happy to answer questions about the items.",
    "Working shifts, so replies can take a day.",
    "Collector of vinyl and vintage cameras.",
    "",
    "",
)

FEMALE_BIOS: tuple[str, ...] = (
    "Mum of three, {city}. Pickup usually possible at weekends.",
    "Mum of two. The kids grow faster than we can keep up, so there's always something.",
)
MALE_BIOS: tuple[str, ...] = (
    "Dad of two. The kids grow faster than we can keep up, so there's always something.",
    "Father of a toddler and owner of far too many bikes.",
)

OTHER_CITY_FOR_BIO: tuple[str, ...] = ("Lisbon", "Vienna", "Copenhagen", "Zurich", "Barcelona")

# --- Colours --------------------------------------------------------------------------------

# The catalog's colour names, as the photo studio paints them.
COLOUR_RGB: dict[str, tuple[int, int, int]] = {
    "black": (38, 38, 42),
    "white": (242, 242, 238),
    "grey": (128, 132, 138),
    "silver": (196, 199, 204),
    "blue": (46, 98, 176),
    "red": (186, 40, 46),
    "green": (58, 128, 84),
    "gold": (206, 170, 96),
    "pink": (232, 156, 176),
    "brown": (116, 78, 50),
    "beige": (218, 198, 166),
}

# --- Electronics ----------------------------------------------------------------------------


class Gadget(NamedTuple):
    brand: str
    model: str
    type: str  # one of the catalog's electronics types
    low: int
    high: int
    kind: str = ""  # which drawing; empty: the type's


GADGETS: tuple[Gadget, ...] = (
    Gadget("Apple", "MacBook Air M1 13\"", "laptop", 480, 680),
    Gadget("Apple", "MacBook Air M2", "laptop", 720, 950),
    Gadget("Apple", "MacBook Pro 14\" M1 Pro", "laptop", 1100, 1450),
    Gadget("Apple", "MacBook Pro 13\" 2017", "laptop", 260, 380),
    Gadget("Lenovo", "ThinkPad T14 Gen 2", "laptop", 380, 560),
    Gadget("Lenovo", "ThinkPad X1 Carbon Gen 9", "laptop", 620, 880),
    Gadget("Lenovo", "IdeaPad 5 14\"", "laptop", 290, 420),
    Gadget("Dell", "XPS 13 9310", "laptop", 480, 700),
    Gadget("Dell", "Latitude 5420", "laptop", 280, 400),
    Gadget("HP", "EliteBook 840 G7", "laptop", 290, 430),
    Gadget("HP", "Pavilion 15", "laptop", 220, 340),
    Gadget("ASUS", "ZenBook 14 OLED", "laptop", 430, 600),
    Gadget("ASUS", "ROG Strix G15", "laptop", 700, 980),
    Gadget("Acer", "Swift 3", "laptop", 250, 390),
    Gadget("Microsoft", "Surface Laptop 4", "laptop", 450, 640),
    Gadget("Apple", "iPad 9th gen 64 GB", "tablet", 190, 260),
    Gadget("Apple", "iPad Air 4 64 GB", "tablet", 330, 430),
    Gadget("Apple", "iPad Pro 11\" (2021)", "tablet", 560, 760),
    Gadget("Apple", "iPad mini 6", "tablet", 350, 450),
    Gadget("Samsung", "Galaxy Tab S7", "tablet", 290, 400),
    Gadget("Samsung", "Galaxy Tab A8", "tablet", 110, 160),
    Gadget("Lenovo", "Tab P11", "tablet", 120, 170),
    Gadget("Amazon", "Kindle Paperwhite (11th gen)", "other", 65, 95, "ereader"),
    Gadget("Samsung", "55\" QLED Q60B", "tv", 340, 480),
    Gadget("LG", "OLED55C1", "tv", 620, 880),
    Gadget("LG", "43UP7500 4K", "tv", 170, 240),
    Gadget("Sony", "Bravia KD-49XF8096", "tv", 210, 300),
    Gadget("Philips", "50PUS8506 Ambilight", "tv", 260, 360),
    Gadget("TCL", "50\" 4K Android TV", "tv", 150, 220),
    Gadget("Panasonic", "TX-40 Full HD", "tv", 90, 140),
    Gadget("Sony", "Alpha 6400 with 16-50 mm kit lens", "camera", 620, 790),
    Gadget("Sony", "RX100 III", "camera", 280, 380),
    Gadget("Canon", "EOS 250D with 18-55 mm", "camera", 380, 480),
    Gadget("Canon", "EOS R6 body", "camera", 1450, 1850),
    Gadget("Nikon", "D3500 with kit lens", "camera", 270, 350),
    Gadget("Nikon", "Z50", "camera", 560, 720),
    Gadget("Fujifilm", "X-T30", "camera", 560, 740),
    Gadget("Fujifilm", "Instax Mini 11", "camera", 35, 55),
    Gadget("Olympus", "OM-D E-M10 Mark III", "camera", 300, 400),
    Gadget("GoPro", "Hero 10 Black", "camera", 200, 260),
    Gadget("Sony", "WH-1000XM4", "headphones", 150, 210),
    Gadget("Sony", "WH-1000XM5", "headphones", 220, 280),
    Gadget("Bose", "QuietComfort 45", "headphones", 150, 200),
    Gadget("Apple", "AirPods Pro (2nd gen)", "headphones", 120, 170, "earbuds"),
    Gadget("Apple", "AirPods Max", "headphones", 290, 380),
    Gadget("Sennheiser", "HD 600", "headphones", 220, 280),
    Gadget("Beyerdynamic", "DT 770 Pro 80 Ohm", "headphones", 80, 110),
    Gadget("JBL", "Tune 760NC", "headphones", 40, 60),
    Gadget("Samsung", "Galaxy Buds2 Pro", "headphones", 70, 100, "earbuds"),
    Gadget("Sony", "PlayStation 5 Disc Edition", "console", 360, 450),
    Gadget("Sony", "PlayStation 5 Digital Edition", "console", 300, 380),
    Gadget("Sony", "PlayStation 4 Pro 1 TB", "console", 150, 210),
    Gadget("Microsoft", "Xbox Series X", "console", 320, 400),
    Gadget("Microsoft", "Xbox Series S", "console", 170, 230),
    Gadget("Nintendo", "Switch OLED", "console", 230, 290),
    Gadget("Nintendo", "Switch Lite", "console", 110, 150),
    Gadget("Valve", "Steam Deck 64 GB", "console", 280, 350),
    Gadget("Sonos", "One (Gen 2)", "speaker", 120, 160),
    Gadget("Sonos", "Beam (Gen 2)", "speaker", 300, 380),
    Gadget("JBL", "Charge 5", "speaker", 90, 120),
    Gadget("Bose", "SoundLink Flex", "speaker", 80, 110),
    Gadget("Marshall", "Stanmore II", "speaker", 180, 240),
    Gadget("Ultimate Ears", "Boom 3", "speaker", 60, 90),
    Gadget("Teufel", "Boomster", "speaker", 150, 220),
    Gadget("Dell", "UltraSharp U2720Q 27\" 4K", "monitor", 280, 380),
    Gadget("LG", "27GL850 144 Hz", "monitor", 240, 320),
    Gadget("Samsung", "Odyssey G5 27\"", "monitor", 180, 240),
    Gadget("BenQ", "GW2480 24\"", "monitor", 70, 100),
    Gadget("ASUS", "ProArt PA278QV", "monitor", 220, 280),
    Gadget("Apple", "Watch Series 7 45 mm", "other", 180, 260, "watch"),
    Gadget("Garmin", "Forerunner 245", "other", 120, 160, "watch"),
    Gadget("DJI", "Mini 2 Fly More Combo", "other", 260, 340, "drone"),
    Gadget("Raspberry Pi", "4 Model B 4 GB kit", "other", 60, 90),
    Gadget("Logitech", "MX Master 3", "other", 50, 70, "mouse"),
    Gadget("Apple", "TV 4K (2nd gen)", "other", 90, 130),
)

ELECTRONICS_KIND_BY_TYPE: dict[str, str] = {
    "laptop": "laptop",
    "tablet": "tablet",
    "tv": "screen",
    "monitor": "screen",
    "camera": "camera",
    "headphones": "headphones",
    "console": "gamepad",
    "speaker": "speaker",
    "other": "gadget",
}

# Sentences about the item, by electronics type. {n} placeholders are filled by the generator.
GADGET_DETAILS: dict[str, tuple[str, ...]] = {
    "laptop": (
        "{ram} GB RAM, {ssd} GB SSD.",
        "Battery still lasts around {hours} hours of normal use.",
        "Freshly reset, ready to set up with your own account.",
        "Original charger included.",
        "Keyboard is German layout (QWERTZ).",
        "Keyboard is US layout, which I find better for coding.",
        "Used mostly at a desk with an external screen, so the keyboard is barely worn.",
        "Battery cycle count is {cycles}.",
    ),
    "tablet": (
        "Wi-Fi only, no SIM slot.",
        "Comes with a folio case that has protected it from day one.",
        "Pencil not included.",
        "Screen protector on since day one.",
        "Battery is still strong, easily gets through a day.",
    ),
    "tv": (
        "Wall mount included, and the original feet too.",
        "Smart TV with Netflix, YouTube, Disney+ etc. built in.",
        "No dead pixels, no burn-in.",
        "Remote included, batteries too.",
        "Only selling because we got a bigger one for the new living room.",
    ),
    "camera": (
        "Shutter count around {shutter}.",
        "Two batteries, the charger and the strap are included.",
        "Sensor was cleaned at a shop last month.",
        "Original box and manual are there.",
        "Perfect for getting started with photography.",
    ),
    "headphones": (
        "Noise cancelling works perfectly.",
        "Ear pads replaced last month with originals.",
        "Comes with the case and both cables.",
        "Battery still lasts well over a day.",
    ),
    "console": (
        "Two controllers included.",
        "Comes with {games}.",
        "HDMI and power cables included, plus the original box.",
        "Controller has a slight stick drift, hence the price.",
        "Runs quiet, I cleaned the fan recently.",
    ),
    "speaker": (
        "Battery lasts a full day at the lake.",
        "Pairs instantly, no connection problems ever.",
        "Sounds great, just don't need two of them.",
        "Waterproof, has survived a few pool parties.",
    ),
    "monitor": (
        "No dead pixels.",
        "Height-adjustable stand included.",
        "USB-C with power delivery works great with a MacBook.",
        "Cables included (DisplayPort and USB-C).",
    ),
    "other": (
        "Comes with the original box and cable.",
        "Works perfectly, just don't use it anymore.",
        "Bought it as a backup and never really needed it.",
    ),
}
GAMES: tuple[str, ...] = (
    "FIFA 23 and Gran Turismo 7",
    "Mario Kart 8 Deluxe and Zelda: Breath of the Wild",
    "Forza Horizon 5",
    "Spider-Man: Miles Morales",
    "three games (Elden Ring, Horizon, Ratchet & Clank)",
    "Animal Crossing",
)
ELECTRONICS_DEFECTS: tuple[str, ...] = (
    "a small dent on one corner",
    "a few light scratches on the lid",
    "the battery doesn't last long anymore",
    "one of the ports is a bit loose",
    "a hairline scratch on the screen, not visible when it's on",
    "the housing has some scuffs",
    "the button on the side sticks sometimes",
    "a few stickers left residue on the back",
)

# --- Phones ---------------------------------------------------------------------------------


class Phone(NamedTuple):
    brand: str
    model: str
    price: int  # smallest storage, good condition
    storages: tuple[int, ...]
    colours: tuple[str, ...]


PHONES: tuple[Phone, ...] = (
    Phone("Apple", "iPhone XR", 150, (64, 128), ("black", "white", "red", "blue")),
    Phone("Apple", "iPhone 11", 210, (64, 128), ("black", "white", "red", "green")),
    Phone("Apple", "iPhone 11 Pro", 290, (64, 256), ("grey", "silver", "gold", "green")),
    Phone("Apple", "iPhone 12 mini", 250, (64, 128), ("black", "white", "blue")),
    Phone("Apple", "iPhone 12", 300, (64, 128, 256), ("black", "white", "blue", "green", "red")),
    Phone("Apple", "iPhone 12 Pro", 400, (128, 256), ("grey", "silver", "gold", "blue")),
    Phone("Apple", "iPhone 13", 420, (128, 256, 512), ("pink", "blue", "black", "white", "red")),
    Phone("Apple", "iPhone 13 Pro", 560, (128, 256, 512), ("grey", "gold", "silver", "blue")),
    Phone("Apple", "iPhone SE (2022)", 220, (64, 128), ("black", "white", "red")),
    Phone("Apple", "iPhone 14", 540, (128, 256), ("blue", "black", "white", "red")),
    Phone("Apple", "iPhone 14 Pro", 760, (128, 256, 512), ("black", "silver", "gold")),
    Phone("Apple", "iPhone 15", 680, (128, 256), ("black", "blue", "green", "pink")),
    Phone("Samsung", "Galaxy S20 FE", 170, (128,), ("blue", "red", "white", "green")),
    Phone("Samsung", "Galaxy S21", 260, (128, 256), ("grey", "white", "pink")),
    Phone("Samsung", "Galaxy S22", 350, (128, 256), ("black", "white", "green", "pink")),
    Phone("Samsung", "Galaxy S23", 520, (128, 256), ("black", "green", "beige")),
    Phone("Samsung", "Galaxy S23 Ultra", 760, (256, 512), ("black", "green", "beige")),
    Phone("Samsung", "Galaxy A52s 5G", 160, (128,), ("black", "white", "green")),
    Phone("Samsung", "Galaxy A54", 230, (128, 256), ("black", "white", "green")),
    Phone("Samsung", "Galaxy Z Flip4", 400, (128, 256), ("grey", "gold", "blue")),
    Phone("Google", "Pixel 6", 200, (128,), ("black", "green")),
    Phone("Google", "Pixel 7", 300, (128, 256), ("black", "white", "green")),
    Phone("Google", "Pixel 7a", 270, (128,), ("black", "white", "blue")),
    Phone("Google", "Pixel 8 Pro", 650, (128, 256), ("black", "white", "blue")),
    Phone("Xiaomi", "Redmi Note 12", 130, (128,), ("grey", "blue", "green")),
    Phone("Xiaomi", "13T", 380, (256,), ("black", "blue", "green")),
    Phone("OnePlus", "Nord 2T", 170, (128,), ("grey", "green")),
    Phone("OnePlus", "11", 430, (128, 256), ("black", "green")),
    Phone("Fairphone", "4", 300, (128, 256), ("grey", "green")),
    Phone("Motorola", "moto g54", 110, (128, 256), ("blue", "black")),
    Phone("Nothing", "Phone (1)", 220, (128, 256), ("black", "white")),
)

PHONE_DETAILS: tuple[str, ...] = (
    "Battery health {battery}%.",
    "Always had a case and a screen protector.",
    "Unlocked, works with every network.",
    "Original box and cable included, no charger.",
    "Reset to factory settings, iCloud / Google account removed.",
    "Dual SIM (nano SIM + eSIM).",
    "Bought {months} months ago at MediaMarkt, receipt available.",
    "Comes with two cases and a spare screen protector.",
    "Invoice available, the remaining warranty can be transferred.",
)
PHONE_DEFECTS: tuple[str, ...] = (
    "a crack in the corner of the screen protector (the screen itself is fine)",
    "a scratch on the back glass",
    "a small dent in the frame from a drop",
    "the battery is at {battery}% so it needs charging in the evening",
    "Face ID stopped working after a screen repair",
    "a burn-in shadow of the keyboard on the screen",
)

# --- Vehicles -------------------------------------------------------------------------------


class Vehicle(NamedTuple):
    make: str
    model: str
    new_price: int
    fuels: tuple[str, ...]
    first_year: int
    last_year: int
    kind: str  # car drawing variant or two-wheeler


VEHICLES: tuple[Vehicle, ...] = (
    Vehicle("Volkswagen", "Golf", 27000, ("petrol", "diesel", "hybrid"), 2008, 2022, "hatchback"),
    Vehicle("Volkswagen", "Polo", 19000, ("petrol",), 2009, 2022, "hatchback"),
    Vehicle("Volkswagen", "Passat Variant", 36000, ("diesel", "petrol"), 2008, 2021, "estate"),
    Vehicle("Volkswagen", "up!", 13000, ("petrol", "electric"), 2012, 2021, "hatchback"),
    Vehicle("Volkswagen", "Tiguan", 36000, ("diesel", "petrol"), 2010, 2022, "suv"),
    Vehicle("Volkswagen", "ID.3", 38000, ("electric",), 2020, 2023, "hatchback"),
    Vehicle("Volkswagen", "T5 Multivan", 42000, ("diesel",), 2006, 2015, "van"),
    Vehicle("BMW", "320d Touring", 45000, ("diesel",), 2010, 2021, "estate"),
    Vehicle("BMW", "118i", 30000, ("petrol",), 2011, 2021, "hatchback"),
    Vehicle("BMW", "X1 sDrive18d", 38000, ("diesel",), 2011, 2021, "suv"),
    Vehicle("Mercedes-Benz", "C 200", 44000, ("petrol", "diesel"), 2009, 2021, "sedan"),
    Vehicle("Mercedes-Benz", "A 180", 31000, ("petrol", "diesel"), 2012, 2022, "hatchback"),
    Vehicle("Mercedes-Benz", "E 220 d T-Modell", 55000, ("diesel",), 2010, 2020, "estate"),
    Vehicle("Audi", "A3 Sportback", 31000, ("petrol", "diesel"), 2009, 2022, "hatchback"),
    Vehicle("Audi", "A4 Avant", 43000, ("diesel", "petrol"), 2009, 2021, "estate"),
    Vehicle("Audi", "Q5", 50000, ("diesel",), 2010, 2020, "suv"),
    Vehicle("Opel", "Corsa", 17000, ("petrol", "lpg"), 2007, 2022, "hatchback"),
    Vehicle("Opel", "Astra Sports Tourer", 24000, ("petrol", "diesel", "lpg"), 2010, 2021, "estate"),
    Vehicle("Opel", "Zafira", 26000, ("petrol", "diesel", "lpg"), 2008, 2018, "van"),
    Vehicle("Ford", "Fiesta", 17000, ("petrol",), 2008, 2022, "hatchback"),
    Vehicle("Ford", "Focus Turnier", 24000, ("petrol", "diesel"), 2009, 2021, "estate"),
    Vehicle("Ford", "Kuga", 32000, ("diesel", "hybrid"), 2013, 2022, "suv"),
    Vehicle("Škoda", "Octavia Combi", 28000, ("diesel", "petrol"), 2009, 2022, "estate"),
    Vehicle("Škoda", "Fabia", 16000, ("petrol",), 2009, 2022, "hatchback"),
    Vehicle("SEAT", "Leon", 24000, ("petrol", "diesel"), 2010, 2022, "hatchback"),
    Vehicle("Toyota", "Yaris Hybrid", 21000, ("hybrid",), 2013, 2023, "hatchback"),
    Vehicle("Toyota", "Corolla Touring Sports", 29000, ("hybrid",), 2019, 2023, "estate"),
    Vehicle("Toyota", "RAV4 Hybrid", 40000, ("hybrid",), 2016, 2023, "suv"),
    Vehicle("Renault", "Clio", 17000, ("petrol", "diesel"), 2009, 2022, "hatchback"),
    Vehicle("Renault", "Zoe", 31000, ("electric",), 2015, 2022, "hatchback"),
    Vehicle("Fiat", "500", 15000, ("petrol",), 2008, 2021, "hatchback"),
    Vehicle("Fiat", "Panda", 12000, ("petrol",), 2008, 2021, "hatchback"),
    Vehicle("Hyundai", "i30", 23000, ("petrol", "diesel"), 2010, 2022, "hatchback"),
    Vehicle("Hyundai", "Kona Elektro", 38000, ("electric",), 2018, 2023, "suv"),
    Vehicle("Kia", "Ceed SW", 24000, ("petrol", "diesel"), 2012, 2022, "estate"),
    Vehicle("Tesla", "Model 3 Long Range", 50000, ("electric",), 2019, 2023, "sedan"),
    Vehicle("Mini", "Cooper", 26000, ("petrol",), 2008, 2021, "hatchback"),
    Vehicle("Mazda", "CX-5", 33000, ("petrol", "diesel"), 2012, 2022, "suv"),
    Vehicle("Volvo", "V60", 44000, ("diesel", "hybrid"), 2011, 2021, "estate"),
    Vehicle("Dacia", "Sandero", 11000, ("petrol", "lpg"), 2009, 2022, "hatchback"),
    Vehicle("Nissan", "Leaf", 33000, ("electric",), 2013, 2022, "hatchback"),
    Vehicle("Porsche", "Cayman", 62000, ("petrol",), 2006, 2016, "coupe"),
    Vehicle("Vespa", "Primavera 125", 5200, ("petrol",), 2014, 2023, "scooter"),
    Vehicle("Piaggio", "Zip 50", 2100, ("petrol",), 2010, 2022, "scooter"),
    Vehicle("NIU", "NQi GT", 3800, ("electric",), 2019, 2023, "scooter"),
    Vehicle("Yamaha", "MT-07", 7800, ("petrol",), 2014, 2022, "motorbike"),
    Vehicle("Honda", "CB500F", 6500, ("petrol",), 2013, 2022, "motorbike"),
    Vehicle("KTM", "390 Duke", 5800, ("petrol",), 2015, 2022, "motorbike"),
    Vehicle("BMW", "R 1200 GS", 17000, ("petrol",), 2008, 2018, "motorbike"),
    Vehicle("Kawasaki", "Z650", 7200, ("petrol",), 2017, 2022, "motorbike"),
)

VEHICLE_DETAILS: tuple[str, ...] = (
    "{inspection} valid until {tuv}.",
    "Full service history, always serviced at the dealer.",
    "Second owner, non-smoker car.",
    "Timing belt changed at {belt} km.",
    "New tyres last autumn, winter tyres on rims included.",
    "Air conditioning works, was serviced this year.",
    "Parking sensors front and back, cruise control, heated seats.",
    "Tow bar fitted, good for a bike rack.",
    "Registered until the end of the month, then deregistered.",
    "Garage kept, never been in an accident.",
    "Bluetooth, Apple CarPlay, navigation.",
    "Spare key available.",
)
TWO_WHEELER_DETAILS: tuple[str, ...] = (
    "Always garaged over winter.",
    "New chain and sprockets at {belt} km.",
    "Top box and helmet included.",
    "Service done in March, invoice available.",
    "Can be ridden with an A2 licence.",
)
VEHICLE_DEFECTS: tuple[str, ...] = (
    "a few scratches on the rear bumper",
    "a small dent in the driver's door",
    "rust starting on the wheel arches",
    "the air conditioning needs a refill",
    "the clutch is slipping a little",
    "a stone chip in the windscreen",
    "the engine warning light comes on now and then",
)

# --- Home & Garden --------------------------------------------------------------------------


class HomeItem(NamedTuple):
    name: str
    type: str  # one of the catalog's home types
    low: int
    high: int
    materials: tuple[str, ...]
    colours: tuple[str, ...]
    kind: str
    heavy: bool = True


HOME_ITEMS: tuple[HomeItem, ...] = (
    HomeItem("IKEA KALLAX shelf 4x4", "shelf", 35, 70, ("chipboard",), ("white", "black", "brown"), "shelf"),
    HomeItem("IKEA BILLY bookcase", "shelf", 20, 40, ("chipboard",), ("white", "brown"), "shelf"),
    HomeItem("Vintage teak wall shelf", "shelf", 90, 180, ("teak",), ("brown",), "shelf", False),
    HomeItem("String Pocket wall shelf", "shelf", 60, 95, ("metal",), ("white", "black"), "shelf", False),
    HomeItem("IKEA PAX wardrobe 200 cm", "wardrobe", 90, 240, ("chipboard",), ("white", "brown"), "wardrobe"),
    HomeItem("Solid pine wardrobe, 2 doors", "wardrobe", 60, 130, ("solid pine",), ("beige", "brown"), "wardrobe"),
    HomeItem("Chest of drawers, 6 drawers", "wardrobe", 40, 90, ("oak veneer", "chipboard"), ("white", "brown"), "wardrobe"),
    HomeItem("3-seater sofa", "sofa", 120, 320, ("fabric", "velvet"), ("grey", "blue", "green", "beige"), "sofa"),
    HomeItem("Corner sofa with sleep function", "sofa", 180, 450, ("fabric",), ("grey", "beige", "blue"), "sofa"),
    HomeItem("Chesterfield leather sofa", "sofa", 400, 850, ("leather",), ("brown", "black"), "sofa"),
    HomeItem("IKEA EKTORP 2-seater", "sofa", 90, 180, ("fabric",), ("white", "grey", "beige"), "sofa"),
    HomeItem("Armchair with footstool", "sofa", 70, 180, ("fabric", "leather"), ("green", "grey", "brown"), "armchair"),
    HomeItem("Solid oak dining table 180x90", "table", 260, 520, ("solid oak",), ("brown", "beige"), "table"),
    HomeItem("Extendable dining table", "table", 90, 220, ("walnut veneer", "glass"), ("brown", "white"), "table"),
    HomeItem("Round bistro table", "table", 40, 90, ("metal", "marble"), ("black", "white", "green"), "table", False),
    HomeItem("Desk with drawers 140x70", "table", 50, 120, ("chipboard", "solid beech"), ("white", "brown"), "table"),
    HomeItem("Height-adjustable standing desk", "table", 180, 340, ("steel", "bamboo"), ("black", "white"), "table"),
    HomeItem("Coffee table", "table", 25, 80, ("glass", "solid oak", "rattan"), ("brown", "black", "white"), "table", False),
    HomeItem("Set of 4 Eames-style chairs", "chair", 80, 160, ("plastic", "beech"), ("white", "black", "grey"), "chair"),
    HomeItem("Thonet bentwood chair", "chair", 60, 140, ("beech",), ("brown", "black"), "chair", False),
    HomeItem("Vitra Panton Chair", "chair", 120, 200, ("plastic",), ("red", "white", "black"), "chair", False),
    HomeItem("Office chair Herman Miller Aeron", "chair", 380, 620, ("mesh",), ("black", "grey"), "chair"),
    HomeItem("IKEA MARKUS office chair", "chair", 50, 90, ("fabric",), ("black", "grey"), "chair"),
    HomeItem("Boxspring bed 180x200", "bed", 220, 480, ("fabric",), ("grey", "beige", "blue"), "bed"),
    HomeItem("IKEA MALM bed frame 160x200", "bed", 60, 130, ("oak veneer", "chipboard"), ("white", "brown", "black"), "bed"),
    HomeItem("Loft bed with desk", "bed", 90, 200, ("solid pine", "metal"), ("white", "black"), "bed"),
    HomeItem("Artemide Tolomeo desk lamp", "lamp", 90, 150, ("aluminium",), ("silver",), "lamp", False),
    HomeItem("Arc floor lamp", "lamp", 40, 110, ("steel", "marble"), ("silver", "gold", "black"), "lamp"),
    HomeItem("Rattan pendant lamp", "lamp", 20, 50, ("rattan",), ("beige", "brown"), "lamp", False),
    HomeItem("Philips Hue starter set", "lamp", 50, 90, ("plastic",), ("white",), "lamp", False),
    HomeItem("Bosch dishwasher 60 cm", "kitchen", 130, 260, ("stainless steel",), ("white", "silver"), "appliance"),
    HomeItem("Siemens fridge freezer", "kitchen", 150, 320, ("stainless steel",), ("white", "silver"), "appliance"),
    HomeItem("KitchenAid Artisan stand mixer", "kitchen", 220, 320, ("metal",), ("red", "silver", "beige"), "mixer", False),
    HomeItem("De'Longhi Magnifica coffee machine", "kitchen", 150, 240, ("plastic",), ("black", "silver"), "appliance", False),
    HomeItem("Le Creuset casserole 24 cm", "kitchen", 90, 140, ("cast iron",), ("red", "blue", "green"), "pot", False),
    HomeItem("WMF pot set, 5 pieces", "kitchen", 50, 90, ("stainless steel",), ("silver",), "pot", False),
    HomeItem("Thermomix TM6", "kitchen", 750, 950, ("plastic",), ("white",), "mixer", False),
    HomeItem("Weber Spirit E-310 gas grill", "garden", 230, 360, ("steel",), ("black",), "grill"),
    HomeItem("Weber kettle grill 57 cm", "garden", 80, 140, ("steel",), ("black", "red"), "grill"),
    HomeItem("Rattan garden lounge set", "garden", 150, 380, ("rattan",), ("grey", "brown"), "sofa"),
    HomeItem("Raised bed made of larch", "garden", 40, 90, ("larch",), ("brown",), "planter"),
    HomeItem("Monstera deliciosa, 1.2 m", "garden", 25, 60, ("plant",), ("green",), "plant", False),
    HomeItem("Olive tree in terracotta pot", "garden", 40, 110, ("plant",), ("green",), "plant"),
    HomeItem("Husqvarna Automower 305", "garden", 450, 680, ("plastic",), ("grey",), "mower"),
    HomeItem("Parasol 3 m with stand", "garden", 30, 80, ("fabric",), ("beige", "grey"), "parasol"),
    HomeItem("Bosch Professional GSR 18V drill", "tools", 80, 140, ("plastic",), ("blue",), "drill", False),
    HomeItem("Makita cordless screwdriver set", "tools", 90, 160, ("plastic",), ("green",), "drill", False),
    HomeItem("Kärcher K5 pressure washer", "tools", 120, 200, ("plastic",), ("gold",), "appliance"),
    HomeItem("Einhell table saw", "tools", 90, 150, ("metal",), ("red",), "appliance"),
    HomeItem("Aluminium ladder 3x9 rungs", "tools", 60, 110, ("aluminium",), ("silver",), "ladder"),
    HomeItem("Festool Domino DF 500", "tools", 600, 820, ("plastic",), ("green",), "drill", False),
    HomeItem("Berber rug 200x300", "other", 90, 220, ("wool",), ("beige", "white"), "rug"),
    HomeItem("Large floor mirror 180 cm", "other", 40, 90, ("glass",), ("gold", "black"), "mirror"),
    HomeItem("Vintage sideboard (60s)", "other", 250, 480, ("teak",), ("brown",), "wardrobe"),
)

# Names that start with a brand keep their capital in the middle of a sentence.
HOME_BRANDS = frozenset(
    {
        "Artemide", "Bosch", "Chesterfield", "De'Longhi", "Einhell", "Emma", "Festool",
        "Husqvarna", "IKEA", "KitchenAid", "Kärcher", "Le", "Makita", "Monstera", "Philips",
        "Siemens", "String", "Thermomix", "Thonet", "Vitra", "WMF", "Weber",
    }
)
HOME_DETAILS: tuple[str, ...] = (
    "Bought {years} years ago for {new_price}.",
    "Some signs of use, see photos.",
)
# Only things with a motor, a plug or a battery are ever sold as broken.
BREAKABLE_HOME_KINDS = frozenset({"appliance", "mixer", "drill", "lamp", "mower"})
BREAKABLE_SPORTS_KINDS = frozenset({"bike", "rower", "keyboard", "drums", "watch"})
APPLIANCE_DETAILS: tuple[str, ...] = (
    "Original box is still in the cellar.",
    "Manual included.",
    "Cleaned and ready to use.",
)
# Furniture: width, depth and height ranges in cm, by type.
FURNITURE_SIZES: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    "sofa": ((150, 280), (85, 100), (75, 95)),
    "table": ((80, 200), (60, 100), (45, 76)),
    "chair": ((45, 65), (50, 65), (78, 110)),
    "bed": ((150, 200), (205, 215), (30, 110)),
    "wardrobe": ((80, 250), (45, 65), (100, 236)),
    "shelf": ((40, 150), (28, 40), (80, 200)),
}
FURNITURE_DETAILS: tuple[str, ...] = (
    "Dimensions: W {w} x D {d} x H {h} cm.",
    "{assembly}",
    "Assembly instructions included.",
    "Fits perfectly in a small flat.",
    "Easy to clean.",
)
HOME_DEFECTS: tuple[str, ...] = (
    "a few scratches on the surface",
    "a small chip at the back",
    "a few marks from our cat",
    "signs of wear on the edges",
    "sun-faded on one side",
    "a small dent, see photos",
)

# --- Fashion --------------------------------------------------------------------------------


class Garment(NamedTuple):
    brand: str
    name: str
    gender: str
    low: int
    high: int
    sizes: str  # a key of SIZES
    colours: tuple[str, ...]
    kind: str


SIZES: dict[str, tuple[str, ...]] = {
    "clothing": ("XS", "S", "M", "L", "XL", "XXL"),
    "women": ("34", "36", "38", "40", "42", "44"),
    "jeans": ("W28/L32", "W30/L32", "W31/L32", "W32/L32", "W32/L34", "W33/L34", "W34/L32", "W36/L34"),
    "shoes_women": ("EU 36", "EU 37", "EU 38", "EU 39", "EU 40", "EU 41"),
    "shoes_men": ("EU 41", "EU 42", "EU 43", "EU 44", "EU 45", "EU 46"),
    "shoes": ("EU 37", "EU 38", "EU 39", "EU 40", "EU 41", "EU 42", "EU 43", "EU 44"),
    "one_size": ("one size",),
}

GARMENTS: tuple[Garment, ...] = (
    Garment("Levi's", "501 jeans", "men", 20, 40, "jeans", ("blue", "black"), "trousers"),
    Garment("Levi's", "Ribcage straight jeans", "women", 25, 45, "jeans", ("blue",), "trousers"),
    Garment("Nike", "Air Force 1 '07", "unisex", 40, 70, "shoes", ("white", "black"), "shoe"),
    Garment("Nike", "Air Max 90", "men", 45, 80, "shoes_men", ("white", "grey", "red"), "shoe"),
    Garment("Adidas", "Stan Smith", "unisex", 30, 50, "shoes", ("white", "green"), "shoe"),
    Garment("Adidas", "Samba OG", "unisex", 50, 85, "shoes", ("black", "white"), "shoe"),
    Garment("Adidas", "vintage track jacket", "unisex", 30, 60, "clothing", ("blue", "black", "red"), "jacket"),
    Garment("Veja", "V-10 sneakers", "women", 50, 80, "shoes_women", ("white", "beige"), "shoe"),
    Garment("New Balance", "574", "unisex", 35, 55, "shoes", ("grey", "blue", "green"), "shoe"),
    Garment("Converse", "Chuck 70 Hi", "unisex", 25, 45, "shoes", ("black", "white", "beige"), "shoe"),
    Garment("Dr. Martens", "1460 boots", "unisex", 60, 100, "shoes", ("black", "red"), "boot"),
    Garment("Birkenstock", "Arizona", "unisex", 30, 50, "shoes", ("brown", "black", "white"), "shoe"),
    Garment("Timberland", "6-inch premium boots", "men", 60, 100, "shoes_men", ("beige", "brown"), "boot"),
    Garment("The North Face", "Nuptse 1996 down jacket", "unisex", 120, 190, "clothing", ("black", "blue", "green"), "jacket"),
    Garment("Patagonia", "Better Sweater fleece", "men", 50, 80, "clothing", ("grey", "green", "blue"), "jacket"),
    Garment("Barbour", "Bedale wax jacket", "men", 100, 170, "clothing", ("green", "brown"), "jacket"),
    Garment("Arc'teryx", "Beta AR shell jacket", "men", 220, 340, "clothing", ("black", "blue", "red"), "jacket"),
    Garment("Jack Wolfskin", "rain jacket", "women", 35, 60, "clothing", ("red", "blue", "green"), "jacket"),
    Garment("Zara", "oversized blazer", "women", 15, 30, "clothing", ("beige", "black", "grey"), "jacket"),
    Garment("Zara", "satin midi skirt", "women", 10, 20, "clothing", ("green", "gold", "black"), "dress"),
    Garment("H&M", "summer dress with flowers", "women", 6, 14, "women", ("blue", "pink", "white"), "dress"),
    Garment("COS", "wool coat", "women", 60, 110, "women", ("beige", "grey", "black"), "coat"),
    Garment("Arket", "merino jumper", "men", 25, 45, "clothing", ("grey", "blue", "beige"), "shirt"),
    Garment("Massimo Dutti", "leather jacket", "women", 80, 150, "women", ("black", "brown"), "jacket"),
    Garment("Ralph Lauren", "polo shirt, custom fit", "men", 20, 35, "clothing", ("blue", "white", "red", "green"), "shirt"),
    Garment("Tommy Hilfiger", "cable-knit jumper", "men", 25, 45, "clothing", ("blue", "white", "red"), "shirt"),
    Garment("Uniqlo", "ultra light down vest", "unisex", 15, 25, "clothing", ("black", "blue", "beige"), "shirt"),
    Garment("Mango", "linen shirt dress", "women", 15, 30, "women", ("white", "beige", "green"), "dress"),
    Garment("Reformation", "silk slip dress", "women", 60, 110, "women", ("black", "red", "green"), "dress"),
    Garment("Pronovias", "wedding dress", "women", 350, 800, "women", ("white", "beige"), "dress"),
    Garment("Hugo Boss", "two-piece suit", "men", 90, 180, "clothing", ("blue", "grey", "black"), "suit"),
    Garment("Carhartt WIP", "Detroit jacket", "men", 70, 120, "clothing", ("brown", "black", "beige"), "jacket"),
    Garment("Carhartt WIP", "double knee pants", "men", 40, 65, "jeans", ("brown", "black", "beige"), "trousers"),
    Garment("Longchamp", "Le Pliage tote, large", "women", 40, 70, "one_size", ("black", "blue", "green"), "bag"),
    Garment("Michael Kors", "Jet Set handbag", "women", 60, 110, "one_size", ("brown", "black", "pink"), "bag"),
    Garment("Fjällräven", "Kånken backpack", "unisex", 35, 55, "one_size", ("green", "red", "blue", "grey"), "backpack"),
    Garment("Freitag", "messenger bag F12 Dragnet", "unisex", 90, 150, "one_size", ("blue", "red", "grey"), "bag"),
    Garment("Ray-Ban", "Wayfarer sunglasses", "unisex", 50, 85, "one_size", ("black", "brown"), "glasses"),
    Garment("Casio", "G-Shock DW-5600", "unisex", 40, 70, "one_size", ("black", "white"), "watch"),
    Garment("Vintage", "Levi's denim jacket (90s)", "unisex", 35, 65, "clothing", ("blue",), "jacket"),
    Garment("Acne Studios", "scarf Canada", "unisex", 80, 130, "one_size", ("grey", "pink", "blue"), "scarf"),
)

FASHION_DETAILS: tuple[str, ...] = (
    "Original, bought at {shop}, receipt somewhere.",
    "Bundle discount if you take more from my other ads.",
    "More photos of the details on request.",
)
# Extra lines for clothes and for shoes, by SIZES key family.
CLOTHES_DETAILS: tuple[str, ...] = (
    "Fits true to size.",
    "Runs a bit small, better for a {smaller}.",
    "Only worn a handful of times.",
    "Washed once, not ironed yet.",
    "New with tags, bought the wrong size and missed the return window.",
    "I'm {height} cm tall for reference.",
    "Measurements on request.",
)
SHOE_DETAILS: tuple[str, ...] = (
    "Fits true to size.",
    "Run a bit small, better for a {smaller}.",
    "Only worn a handful of times, the soles are almost clean.",
    "Original box included.",
    "Insoles are new.",
)
ACCESSORY_DETAILS: tuple[str, ...] = (
    "Comes with the original dust bag.",
    "Used only on holidays.",
    "Box and papers included.",
)
SHOPS: tuple[str, ...] = (
    "Zalando",
    "the brand store",
    "KaDeWe",
    "Breuninger",
    "About You",
    "a vintage shop in Amsterdam",
)
FASHION_DEFECTS: tuple[str, ...] = (
    "a tiny mark on the sleeve (see last photo)",
    "a little pilling under the arms",
    "the soles are worn on the heels",
    "one button is missing, a spare is included",
    "slightly faded from washing",
)

# --- Kids & Baby ----------------------------------------------------------------------------


class KidsItem(NamedTuple):
    brand: str
    name: str
    ages: tuple[str, ...]
    low: int
    high: int
    kind: str
    heavy: bool = False


KIDS_ITEMS: tuple[KidsItem, ...] = (
    KidsItem("Bugaboo", "Fox 2 pram with carrycot", ("0-1", "1-3"), 350, 560, "stroller", True),
    KidsItem("Bugaboo", "Bee 6 buggy", ("0-1", "1-3"), 220, 340, "stroller", True),
    KidsItem("Cybex", "Priam pram, complete set", ("0-1", "1-3"), 400, 650, "stroller", True),
    KidsItem("Joolz", "Day+ stroller", ("0-1", "1-3"), 250, 400, "stroller", True),
    KidsItem("Babyzen", "YOYO² 6+", ("1-3",), 200, 300, "stroller", True),
    KidsItem("Maxi-Cosi", "Pebble 360 infant car seat", ("0-1",), 80, 140, "carseat"),
    KidsItem("Cybex", "Sirona Z i-Size car seat", ("0-1", "1-3"), 150, 220, "carseat"),
    KidsItem("Britax Römer", "Kidfix i-Size booster", ("3-6", "6-12"), 60, 100, "carseat"),
    KidsItem("Stokke", "Tripp Trapp high chair with baby set", ("0-1", "1-3"), 120, 190, "highchair"),
    KidsItem("BabyBjörn", "Bouncer Bliss", ("0-1",), 80, 120, "bouncer"),
    KidsItem("Ergobaby", "Omni 360 baby carrier", ("0-1", "1-3"), 50, 90, "bag"),
    KidsItem("LEGO", "Duplo big box", ("1-3",), 20, 45, "blocks"),
    KidsItem("LEGO", "Technic Liebherr excavator (complete)", ("12+",), 180, 260, "blocks"),
    KidsItem("LEGO", "Harry Potter Hogwarts Castle", ("6-12", "12+"), 90, 150, "blocks"),
    KidsItem("LEGO", "City fire station", ("6-12",), 35, 60, "blocks"),
    KidsItem("Playmobil", "big farm with animals", ("3-6",), 30, 55, "blocks"),
    KidsItem("PUKY", "balance bike LR M", ("1-3", "3-6"), 40, 60, "kidbike"),
    KidsItem("woom", "3 kids' bike 16\"", ("3-6",), 190, 260, "kidbike", True),
    KidsItem("woom", "4 kids' bike 20\"", ("6-12",), 260, 330, "kidbike", True),
    KidsItem("Tonies", "Toniebox with 8 figures", ("3-6",), 60, 100, "toniebox"),
    KidsItem("Hape", "wooden play kitchen", ("1-3", "3-6"), 45, 80, "playkitchen", True),
    KidsItem("Steiff", "teddy bear, 35 cm", ("0-1", "1-3"), 25, 45, "teddy"),
    KidsItem("Sigikid", "cuddly toys, bundle of 5", ("0-1", "1-3"), 10, 20, "teddy"),
    KidsItem("Various", "baby clothes bundle, size 62-68", ("0-1",), 15, 35, "onesie"),
    KidsItem("Petit Bateau", "bodysuits, pack of 6, size 74", ("0-1",), 12, 25, "onesie"),
    KidsItem("Scout", "school satchel set Sunny II", ("6-12",), 50, 90, "backpack"),
    KidsItem("ergobag", "pack school backpack set", ("6-12",), 60, 110, "backpack"),
    KidsItem("Paidi", "cot 70x140 with mattress", ("0-1", "1-3"), 70, 140, "cot", True),
    KidsItem("Philips Avent", "video baby monitor", ("0-1",), 50, 90, "gadget"),
    KidsItem("HABA", "wooden marble run, big set", ("3-6", "6-12"), 40, 75, "blocks"),
    KidsItem("Kettler", "tricycle with push bar", ("1-3",), 35, 60, "kidbike", True),
)
KIDS_DETAILS: tuple[str, ...] = (
    "Everything washed and clean.",
    "Used for both of our kids, still in great shape.",
    "Complete, we counted all the pieces.",
    "Instructions included.",
    "Our daughter has outgrown it.",
    "Our son has outgrown it.",
    "All covers are removable and washable.",
)
KIDS_DEFECTS: tuple[str, ...] = (
    "a few signs of play",
    "a small stain that didn't wash out",
    "the colours have faded a little",
    "a few scuffs here and there",
)

# --- Sports & Hobbies -----------------------------------------------------------------------


class SportsItem(NamedTuple):
    brand: str
    name: str
    sport: str
    low: int
    high: int
    sizes: tuple[str, ...]  # empty: no size
    kind: str
    heavy: bool = False


SPORTS_ITEMS: tuple[SportsItem, ...] = (
    SportsItem("Canyon", "Endurace CF 7 road bike", "cycling", 1200, 1700, ("S", "M", "L"), "bike", True),
    SportsItem("Cube", "Attain GTC road bike", "cycling", 700, 1000, ("53 cm", "56 cm", "58 cm"), "bike", True),
    SportsItem("Specialized", "Allez Sport", "cycling", 450, 650, ("52 cm", "54 cm", "56 cm"), "bike", True),
    SportsItem("Trek", "Marlin 7 mountain bike", "cycling", 480, 700, ("M", "L", "XL"), "bike", True),
    SportsItem("YT", "Capra 29 Core 2", "cycling", 1800, 2500, ("M", "L"), "bike", True),
    SportsItem("Gazelle", "Chamonix city bike", "cycling", 200, 380, ("50 cm", "54 cm", "57 cm"), "bike", True),
    SportsItem("Riese & Müller", "Charger3 e-bike", "cycling", 2300, 3200, ("M", "L"), "bike", True),
    SportsItem("Brompton", "M6L folding bike", "cycling", 850, 1200, ("one size",), "bike", True),
    SportsItem("Vintage Peugeot", "steel racer from the 80s", "cycling", 180, 320, ("56 cm", "58 cm"), "bike", True),
    SportsItem("Wilson", "Blade 98 v8 tennis racket", "tennis", 80, 130, ("L2", "L3"), "racket"),
    SportsItem("Babolat", "Pure Drive tennis racket", "tennis", 70, 120, ("L2", "L3", "L4"), "racket"),
    SportsItem("Head", "Speed MP", "tennis", 70, 110, ("L2", "L3"), "racket"),
    SportsItem("Atomic", "Redster Q7 skis with bindings", "skiing", 160, 280, ("163 cm", "170 cm", "177 cm"), "skis"),
    SportsItem("Völkl", "Deacon 76 skis", "skiing", 180, 300, ("158 cm", "165 cm", "172 cm"), "skis"),
    SportsItem("Salomon", "S/Pro ski boots", "skiing", 70, 120, ("Mondo 26.5", "Mondo 27.5", "Mondo 28.5"), "boot"),
    SportsItem("Burton", "Custom snowboard", "snowboarding", 160, 300, ("154 cm", "158 cm", "162 cm"), "skis"),
    SportsItem("Asics", "Gel-Kayano 29 running shoes", "running", 40, 70, ("EU 40", "EU 42", "EU 43", "EU 44"), "shoe"),
    SportsItem("Garmin", "Forerunner 55 running watch", "running", 80, 120, (), "watch"),
    SportsItem("Manduka", "PRO yoga mat", "yoga", 40, 70, (), "mat"),
    SportsItem("Lululemon", "yoga set, leggings and top", "yoga", 40, 75, ("XS", "S", "M"), "shirt"),
    SportsItem("Bowflex", "SelectTech 552 dumbbells (pair)", "fitness", 250, 380, (), "dumbbell", True),
    SportsItem("Gorilla Sports", "dumbbell set 2x 20 kg", "fitness", 45, 80, (), "dumbbell", True),
    SportsItem("Concept2", "Model D rowing machine", "rowing", 700, 950, (), "rower", True),
    SportsItem("Kettler", "Skylon 1 treadmill", "fitness", 200, 420, (), "rower", True),
    SportsItem("Aqua Marina", "Beast SUP board 10'6\"", "water sports", 150, 280, ("10'6\"",), "sup"),
    SportsItem("Mistral", "windsurf board with rig", "water sports", 250, 500, ("140 l",), "sup", True),
    SportsItem("MSR", "Hubba Hubba NX 2-person tent", "camping", 220, 320, (), "tent"),
    SportsItem("Vaude", "Campo 3P tent", "camping", 90, 150, (), "tent"),
    SportsItem("Deuter", "Aircontact 65+10 backpack", "hiking", 70, 120, ("M", "L"), "backpack"),
    SportsItem("Black Diamond", "climbing harness and belay set", "climbing", 50, 90, ("S", "M", "L"), "rope"),
    SportsItem("La Sportiva", "Tarantulace climbing shoes", "climbing", 35, 60, ("EU 40", "EU 41", "EU 42", "EU 43"), "shoe"),
    SportsItem("Fender", "Player Stratocaster", "music", 480, 640, (), "guitar"),
    SportsItem("Yamaha", "F310 acoustic guitar", "music", 70, 110, (), "guitar"),
    SportsItem("Squier", "Classic Vibe 60s Jazz Bass", "music", 280, 380, (), "guitar"),
    SportsItem("Yamaha", "P-45 digital piano", "music", 220, 300, (), "keyboard", True),
    SportsItem("Roland", "FP-30X digital piano", "music", 420, 540, (), "keyboard", True),
    SportsItem("Millenium", "MPS-850 e-drum set", "music", 300, 450, (), "drums", True),
    SportsItem("Kosmos", "Catan with Seafarers expansion", "board games", 20, 35, (), "boardgame"),
    SportsItem("Pegasus", "board game collection (12 games)", "board games", 60, 110, (), "boardgame"),
    SportsItem("Various", "vinyl collection, 60 LPs (jazz, soul)", "music", 120, 260, (), "vinyl"),
    SportsItem("Adidas", "Predator football boots", "football", 30, 60, ("EU 40", "EU 42", "EU 44"), "shoe"),
    SportsItem("Derbystar", "match balls, set of 5", "football", 40, 70, ("size 5",), "ball"),
    SportsItem("Callaway", "Strata golf set with bag", "golf", 220, 380, ("right-handed",), "golfbag", True),
    SportsItem("Spalding", "NBA outdoor basketball", "basketball", 15, 25, ("size 7",), "basketball"),
    SportsItem("Nikon", "Monarch 7 binoculars 10x42", "birdwatching", 200, 300, (), "binoculars"),
)
SPORTS_DETAILS: tuple[str, ...] = (
    "Barely used, my ambitions were bigger than my free time.",
    "Used for one season.",
    "Happy to let you try it before buying.",
    "Perfect for beginners and intermediates.",
    "New price was around {new_price}.",
)
# More to say about some kinds of sports gear (by drawing kind).
SPORTS_KIND_DETAILS: dict[str, tuple[str, ...]] = {
    "bike": (
        "Serviced this spring, gears and brakes adjusted.",
        "New tyres and chain this year.",
        "Lights and mudguards fitted.",
    ),
    "skis": ("Edges sharpened and waxed last winter.", "Comes with a ski bag."),
    "racket": ("Freshly strung.", "Comes with a cover."),
    "guitar": ("New strings, freshly set up.", "Gig bag included."),
    "keyboard": ("All keys work, none sticking.", "Stand and pedal included."),
    "drums": ("Sticks, stool and headphones included.",),
    "rower": ("Runs smoothly and quietly.", "Folds up to save space."),
    "dumbbell": ("No rust, stored indoors.",),
    "tent": ("Complete with all pegs and guy lines.", "Always packed away dry."),
    "sup": ("Pump, paddle and leash included.",),
}
SPORTS_DEFECTS: tuple[str, ...] = (
    "visible wear on the edges",
    "a few scuffs from normal use",
)
SPORTS_KIND_DEFECTS: dict[str, tuple[str, ...]] = {
    "bike": ("some scratches on the frame", "the saddle is a bit worn"),
    "racket": ("the grip tape needs replacing",),
    "skis": ("a few scratches on the bases",),
    "boardgame": ("the box corners are worn", "a few cards are bent"),
    "vinyl": ("some sleeves have ring wear",),
    "guitar": ("a few dings in the finish",),
}

# --- Real estate ----------------------------------------------------------------------------

PROPERTY_TYPES: tuple[tuple[str, int], ...] = (
    ("apartment", 55),
    ("room", 14),
    ("house", 12),
    ("garage", 8),
    ("plot", 4),
    ("office", 7),
)
# How many of each are offered for sale rather than for rent.
PROPERTY_SALE_SHARE: dict[str, float] = {
    "apartment": 0.3,
    "room": 0.0,
    "house": 0.65,
    "garage": 0.4,
    "plot": 1.0,
    "office": 0.15,
}
PROPERTY_NOUNS: dict[str, str] = {
    "apartment": "flat",
    "room": "room",
    "house": "house",
    "garage": "garage",
    "plot": "plot",
    "office": "office",
}
PROPERTY_ADJECTIVES: tuple[str, ...] = ("Bright", "Quiet", "Cosy", "Spacious", "Renovated", "Sunny", "Charming")
MOVE_IN_DATES: tuple[str, ...] = ("now", "from 1 March", "from 1 April", "from 15 May", "from 1 June", "from 1 September", "from 1 October")
# Placeholders: {adjective} {rooms} {area} {area_name} {where} {verb} {feature} {available} {city}
PROPERTY_TITLES: dict[str, tuple[str, ...]] = {
    "apartment": (
        "{adjective} {rooms}-room apartment in {area_name}",
        "{rooms}-room flat, {area} m², {area_name}",
        "{adjective} {rooms}-room flat with {feature} - {area_name}",
        "{area} m² apartment {verb} in {where}",
    ),
    "room": (
        "Furnished room in a friendly flatshare, {area_name}",
        "{area} m² room in a 3-person flatshare ({area_name})",
        "Room available {available} in {area_name}",
    ),
    "house": (
        "Detached house with garden in {where}",
        "{rooms}-room family house, {area} m², {area_name}",
        "Terraced house {verb} in {where}",
    ),
    "garage": ("Garage {verb} in {area_name}", "Lockable garage, {area_name}"),
    "plot": ("Building plot {area} m² on the edge of {city}", "Plot of land, {area} m², {where}"),
    "office": ("Office space {area} m² in {area_name}", "{rooms}-room office {verb}, {area_name}"),
}
PROPERTY_INTROS: dict[str, str] = {
    "apartment": "{adjective} {rooms}-room apartment with {area} m² in {where}.",
    "room": "We're looking for a new flatmate for our {area} m² room in {where}.",
    "house": "{rooms}-room house with {area} m² of living space in {where}.",
    "garage": "Garage in a quiet courtyard in {where}, {area} m², with electricity.",
    "plot": "Building plot of {area} m² in {where}, fully developed, free choice of builder.",
    "office": "Office space of {area} m² ({room_count}) in {where}.",
}
APARTMENT_FEATURES: tuple[str, ...] = (
    "balcony facing south",
    "fitted kitchen",
    "original wooden floors",
    "high ceilings (3.4 m)",
    "lift in the building",
    "cellar compartment",
    "bathtub and separate shower",
    "bike storage in the courtyard",
    "underfloor heating",
    "quiet courtyard side",
    "new windows (2021)",
    "roof terrace shared with two neighbours",
)
HOUSE_FEATURES: tuple[str, ...] = (
    "garden of about {garden} m²",
    "garage and a second parking space",
    "heat pump installed in 2022",
    "solar panels on the roof",
    "fully renovated bathroom",
    "finished basement with a workshop",
    "wood-burning stove in the living room",
    "conservatory",
)
REAL_ESTATE_NOTES: tuple[str, ...] = (
    "Public transport is a five-minute walk away.",
    "Shops, schools and a park just around the corner.",
    "Viewings by appointment, usually weekday evenings.",
    "Energy certificate available, class {energy}.",
)
RENTAL_NOTES: tuple[str, ...] = (
    "Available {available}.",
    "Pets by arrangement.",
    "Please send a short introduction about yourself with your message.",
    "No agency fee, you're renting directly from the owner.",
)
SALE_NOTES: tuple[str, ...] = (
    "Private sale, no estate agent involved.",
    "Floor plans and the energy certificate are available on request.",
    "Handover {available} or by arrangement.",
)

# --- Jobs -----------------------------------------------------------------------------------


class Job(NamedTuple):
    title: str
    field: str
    salary: tuple[int, int]  # full-time monthly gross
    employments: tuple[str, ...]
    remote: tuple[str, ...]
    trade: str  # which kind of business posts it
    kind: str


JOBS: tuple[Job, ...] = (
    Job("Barista", "hospitality", (2300, 2700), ("full-time", "part-time", "mini-job"), ("no",), "hospitality", "cup"),
    Job("Service staff", "hospitality", (2200, 2600), ("part-time", "mini-job"), ("no",), "hospitality", "cup"),
    Job("Cook", "hospitality", (2600, 3200), ("full-time",), ("no",), "hospitality", "cup"),
    Job("Kitchen help", "hospitality", (2100, 2400), ("part-time", "mini-job"), ("no",), "hospitality", "cup"),
    Job("Bike mechanic", "trades", (2600, 3200), ("full-time", "part-time"), ("no",), "bikes", "briefcase"),
    Job("Junior Python developer", "IT", (3800, 4600), ("full-time",), ("hybrid", "yes"), "it", "briefcase"),
    Job("Senior backend engineer (Django)", "IT", (5800, 7500), ("full-time",), ("yes", "hybrid"), "it", "briefcase"),
    Job("Frontend developer (React)", "IT", (4200, 5600), ("full-time", "freelance"), ("yes", "hybrid"), "it", "briefcase"),
    Job("UX designer", "design", (4000, 5200), ("full-time", "part-time"), ("hybrid",), "it", "briefcase"),
    Job("Working student in marketing", "marketing", (2600, 3000), ("part-time",), ("hybrid",), "it", "briefcase"),
    Job("Marketing intern", "marketing", (1200, 1600), ("internship",), ("hybrid", "no"), "it", "briefcase"),
    Job("Registered nurse", "healthcare", (3400, 4100), ("full-time", "part-time"), ("no",), "healthcare", "cross"),
    Job("Care assistant", "healthcare", (2500, 2900), ("full-time", "part-time", "mini-job"), ("no",), "healthcare", "cross"),
    Job("Painter and decorator", "trades", (2800, 3400), ("full-time",), ("no",), "painting", "briefcase"),
    Job("Removal helper", "logistics", (2300, 2600), ("part-time", "mini-job"), ("no",), "moving", "box"),
    Job("Van driver (licence class B)", "logistics", (2500, 2900), ("full-time", "part-time"), ("no",), "moving", "box"),
    Job("Warehouse operative", "logistics", (2400, 2800), ("full-time", "part-time"), ("no",), "logistics", "box"),
    Job("Dispatcher", "logistics", (2900, 3400), ("full-time",), ("no", "hybrid"), "logistics", "box"),
    Job("Maths tutor", "education", (2400, 2900), ("part-time", "mini-job", "freelance"), ("no", "hybrid"), "tutoring", "book"),
    Job("English teacher for small groups", "education", (2600, 3200), ("part-time", "freelance"), ("no", "yes"), "tutoring", "book"),
    Job("Gardener", "trades", (2500, 3000), ("full-time", "part-time"), ("no",), "garden", "briefcase"),
    Job("Office assistant", "office", (2700, 3200), ("full-time", "part-time"), ("no", "hybrid"), "any", "briefcase"),
    Job("Bookkeeper", "finance", (3000, 3700), ("part-time", "full-time"), ("hybrid",), "any", "briefcase"),
    Job("Cleaner", "cleaning", (2200, 2500), ("mini-job", "part-time"), ("no",), "any", "briefcase"),
    Job("Sales assistant", "retail", (2300, 2700), ("part-time", "full-time", "mini-job"), ("no",), "bikes", "briefcase"),
)
REMOTE_SENTENCES: dict[str, str] = {
    "yes": "The job is fully remote.",
    "hybrid": "Two days a week in the office, the rest from home.",
    "no": "The work is on site.",
}
JOB_PERKS: tuple[str, ...] = (
    "a permanent contract after the probation period",
    "30 days of holiday",
    "a Deutschlandticket paid by us",
    "flexible hours that fit around your life",
    "a team that actually likes working together",
    "paid training and a budget for courses",
    "a company bike through JobRad",
)
# Perks that only make sense in some fields.
FIELD_PERKS: dict[str, tuple[str, ...]] = {
    "hospitality": ("tips shared fairly among the whole team", "a free meal every shift"),
    "IT": ("a laptop of your choice", "a free lunch every day"),
    "design": ("a laptop of your choice",),
    "marketing": ("a laptop of your choice",),
}
JOB_REQUIREMENTS: dict[str, tuple[str, ...]] = {
    "hospitality": (
        "You enjoy working with people and stay friendly when it gets busy.",
        "Experience is nice but not required, we'll train you.",
        "Weekend shifts are part of the job (alternating).",
    ),
    "IT": (
        "You have {years}+ years of experience with Python and Django or a similar framework.",
        "You write tests without being asked and like code reviews.",
        "You speak English; German is a plus but not required.",
    ),
    "design": (
        "You have a portfolio that shows how you think, not just the final screens.",
        "You are comfortable with Figma and talking to users.",
    ),
    "marketing": (
        "You are enrolled at a university for the whole contract period.",
        "You write well in German and English.",
        "You have run a social media account beyond your own.",
    ),
    "healthcare": (
        "You have completed training as a nurse or care assistant.",
        "A driving licence (class B) is required.",
        "You are reliable and treat our clients with respect.",
    ),
    "trades": (
        "You have completed vocational training or have equivalent experience.",
        "You can work independently and enjoy working with your hands.",
        "A driving licence (class B) is a plus.",
    ),
    "logistics": (
        "You can lift up to 25 kg and don't mind early starts.",
        "A driving licence (class B) is required.",
        "Forklift licence is a plus.",
    ),
    "education": (
        "You can explain things patiently, also the third time.",
        "You are studying or have studied the subject.",
    ),
    "office": (
        "You are organised and comfortable with Excel and email.",
        "Good German is required, English is a plus.",
    ),
    "finance": (
        "You know DATEV and have done monthly closings before.",
        "You are precise and like numbers.",
    ),
    "cleaning": (
        "You work carefully and reliably.",
        "Hours can be arranged, mornings preferred.",
    ),
    "retail": (
        "You like advising customers and know a bit about the products.",
        "Saturdays are part of the job.",
    ),
}

# --- Services -------------------------------------------------------------------------------


class Service(NamedTuple):
    title: str
    service: str
    rate: str  # per hour / per job / per day
    low: int
    high: int
    trade: str
    kind: str
    pitch: str  # what the provider says first


SERVICES: tuple[Service, ...] = (
    Service("Moving help with van and two strong people", "removals", "per hour", 45, 75, "moving", "van", "From a single sofa to a whole flat: we carry, load and drive."),
    Service("Small transports with a van, also at short notice", "transport", "per job", 60, 150, "moving", "van", "Bought something big on Bazaar and can't get it home? I'll bring it."),
    Service("IKEA furniture assembly", "furniture assembly", "per hour", 25, 40, "moving", "wrench", "Wardrobes, beds, kitchens: assembled quickly and properly, wall mounting included."),
    Service("Piano lessons for children and adults", "music lessons", "per hour", 30, 45, "tutoring", "note", "Classical or pop, complete beginners welcome, lessons at my place or yours."),
    Service("Guitar lessons (acoustic and electric)", "music lessons", "per hour", 25, 40, "tutoring", "note", "Learn the songs you actually want to play, from the first chords to solos."),
    Service("Maths and physics tutoring, grades 5-13", "tutoring", "per hour", 20, 35, "tutoring", "book", "Patient help with homework, exam preparation and the Abitur."),
    Service("German lessons for beginners (A1-B1)", "language lessons", "per hour", 25, 40, "tutoring", "book", "Relaxed lessons for everyday German: shopping, appointments, small talk."),
    Service("English conversation practice with a native speaker", "language lessons", "per hour", 25, 35, "tutoring", "book", "Get confident speaking English for work or travel, over coffee or online."),
    Service("Dog walking and pet sitting", "pet care", "per hour", 12, 18, "any", "paw", "Walks in the park, feeding while you're away, lots of cuddles included."),
    Service("Bike repair and service", "bike repair", "per job", 25, 70, "bikes", "wrench", "Punctures, brakes, gears, full service: usually ready the same day."),
    Service("Wedding and event photography", "photography", "per day", 800, 1500, "any", "camera", "Natural, unposed photos of your day, delivered edited within two weeks."),
    Service("Portrait and family photo shoots", "photography", "per job", 120, 250, "any", "camera", "An hour outdoors or at your home, 30 edited photos included."),
    Service("Apartment cleaning, reliable and thorough", "cleaning", "per hour", 18, 28, "any", "spray", "Weekly or every two weeks, I bring my own products if you like."),
    Service("Final cleaning when you move out", "cleaning", "per job", 150, 350, "any", "spray", "Handover-ready cleaning including windows, kitchen and bathroom."),
    Service("Painting walls and ceilings", "painting", "per day", 240, 360, "painting", "roller", "Clean, fast work with everything covered up properly before we start."),
    Service("Wallpapering and small plastering jobs", "painting", "per hour", 35, 50, "painting", "roller", "Woodchip off, smooth walls on: we do the messy part."),
    Service("Handyman for everything around the house", "handyman", "per hour", 30, 45, "any", "wrench", "Hanging lamps, fixing doors, drilling into concrete: the jobs nobody gets round to."),
    Service("Garden maintenance: hedges, lawn, leaves", "gardening", "per hour", 25, 35, "garden", "plant", "Regular care or a one-off tidy-up, green waste taken away."),
    Service("Tree and hedge cutting", "gardening", "per job", 80, 250, "garden", "plant", "Hedges trimmed, small trees felled, everything cleared up afterwards."),
    Service("Computer help: setup, repairs, data rescue", "IT help", "per hour", 30, 50, "it", "laptop", "Slow laptop, new printer, lost photos: I come to you and explain everything."),
    Service("Websites for small businesses", "web design", "per job", 500, 1600, "it", "laptop", "A clean, fast website that you can edit yourself, online within two weeks."),
    Service("Tailoring and alterations", "tailoring", "per job", 10, 40, "any", "scissors", "Hems, zips, taking in and letting out: most jobs done within a week."),
    Service("Babysitting in the evenings and at weekends", "childcare", "per hour", 12, 16, "any", "teddy", "Experienced with children from one year up, first-aid course done."),
    Service("Personal training in the park", "personal training", "per hour", 40, 70, "any", "dumbbell", "Strength, mobility and running technique, adapted to your level."),
    Service("Translation German-English, certified", "translation", "per job", 40, 300, "any", "book", "Certified translations of certificates, contracts and documents."),
)
SERVICE_DETAILS: tuple[str, ...] = (
    "Available weekdays after 5 pm and on Saturdays.",
    "Invoice available (small business, no VAT under §19 UStG).",
    "Over {years} years of experience.",
    "References from happy customers on request.",
    "Travel within {city} is included, outside by arrangement.",
)
LESSON_DETAILS: tuple[str, ...] = (
    "First session free so you can see if it fits.",
    "Online lessons by video call are possible too.",
    "Material is included in the price.",
)
WORK_DETAILS: tuple[str, ...] = (
    "Fully insured.",
    "I bring all the tools needed; materials are charged at cost.",
    "Free quote after a short call or a few photos.",
)

# --- The way people write -------------------------------------------------------------------

OPENERS: tuple[str, ...] = (
    "Selling my {noun}.",
    "Hi, I'm selling my {noun}.",
    "Up for sale: {noun}.",
    "Offering my {noun} here.",
    "As the title says.",
    "Hello everyone!",
    "Hi there!",
    "{noun_cap} for sale.",
    "Letting go of my {noun}.",
)
CONDITION_SENTENCES: dict[str, tuple[str, ...]] = {
    "new": (
        "Brand new and still sealed in the original packaging.",
        "Never used, it was an unwanted gift.",
        "New and unopened, I bought two by mistake.",
    ),
    "like_new": (
        "Used maybe five times, it really looks like new.",
        "In mint condition, no visible signs of use.",
        "Hardly used and always well looked after.",
    ),
    "good": (
        "Normal signs of use, everything works as it should.",
        "Used but in good condition.",
        "A few traces of use, nothing dramatic, fully working.",
    ),
    "fair": (
        "It works fine but has visible wear: {defect}.",
        "Fully functional. Only flaw: {defect}.",
        "Well used ({defect}), hence the low price.",
    ),
    "for_parts": (
        "Defective: {broken}. For parts or for someone handy.",
        "Sold as not working ({broken}). No returns.",
        "For spare parts or repair: {broken}.",
    ),
}
# Clothes are worn, not used; they are never "for parts".
FASHION_CONDITION_SENTENCES: dict[str, tuple[str, ...]] = {
    "new": (
        "New with tags, never worn.",
        "Brand new, still in the bag it came in.",
    ),
    "like_new": (
        "Worn twice, looks brand new.",
        "Like new, no signs of wear at all.",
    ),
    "good": (
        "Worn but well looked after.",
        "Good condition, normal signs of wear.",
    ),
    "fair": (
        "Worn quite a bit: {defect}.",
        "Still lots of life in it, but there is {defect}.",
    ),
}
# What is wrong with things sold for parts, by category.
BROKEN: dict[str, tuple[str, ...]] = {
    "electronics": (
        "it doesn't switch on anymore",
        "water damage",
        "the screen is cracked",
        "it charges only now and then",
    ),
    "phones": (
        "the display is cracked and touch doesn't work in the lower half",
        "it is stuck in a boot loop",
        "water damage, it doesn't switch on",
        "the charging port is broken",
    ),
    "vehicles": (
        "engine damage, it doesn't start",
        "the gearbox is faulty",
        "accident damage at the front",
        "it failed its inspection, needs welding",
    ),
    "home-garden": (
        "the motor is dead",
        "it doesn't switch on anymore",
        "the switch is broken",
    ),
    "sports-hobbies": (
        "it needs a complete service",
        "the electronics are faulty",
        "a broken part that I never got round to replacing",
    ),
}
REASONS: tuple[str, ...] = (
    "Selling because I'm moving abroad.",
    "Got a new one, so this one has to go.",
    "We need the space.",
    "Was a gift and really isn't my style.",
    "Clearing out the cellar.",
    "Upgraded, so it's just lying around.",
    "Moving in with my partner and we have two of everything now.",
    "I simply don't use it enough.",
    "Bought it for a project that never happened.",
)
PICKUP_SENTENCES: tuple[str, ...] = (
    "Pickup in {place} only.",
    "Collection only, it's heavy!",
    "Pickup in {place}, I can help carry it to the car.",
    "Can deliver within {city} for a small fee.",
    "Pickup only, ground floor, easy to load.",
)
SHIPPING_SENTENCES: tuple[str, ...] = (
    "Can ship within {country} for {shipping} (tracked).",
    "Shipping possible at the buyer's cost, or pickup in {place}.",
    "Pickup in {place} or shipping with Hermes.",
    "I ship the next working day after payment.",
    "Happy to send it, or you pick it up in {place}.",
)
PAYMENT_SENTENCES: tuple[str, ...] = (
    "Payment in cash on pickup or via PayPal.",
    "PayPal goods & services, buyer pays the fee.",
    "Bank transfer or cash, whatever suits you.",
    "Cash only on pickup, please.",
)
PRICE_SENTENCES: tuple[str, ...] = (
    "Price is slightly negotiable.",
    "Fixed price.",
    "Open to reasonable offers.",
    "No lowballers please, I know what it's worth.",
    "First come, first served.",
    "Price is final, no haggling please.",
    "Make me an offer.",
)
CLOSINGS: tuple[str, ...] = (
    "Smoke-free and pet-free home.",
    "Private sale, so no warranty and no returns.",
    "Feel free to ask if you have questions!",
    "Please only message me if you're really interested.",
    "If the ad is online, it's still available.",
    "More photos on request.",
    "Have a look at my other ads too.",
    "Thanks for looking!",
)
# Phrases a terse seller uses instead of full sentences.
TERSE_BITS: tuple[str, ...] = (
    "no returns",
    "pickup only",
    "VB",
    "cash on pickup",
    "no shipping",
    "shipping possible",
    "smoke-free home",
    "works 100%",
    "first come first served",
    "price negotiable",
)
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (" with ", " w/ "),
    (" please", " pls"),
    (" and ", " & "),
    (" because ", " bc "),
    ("Thanks", "Thx"),
    (" approximately ", " approx. "),
    (" you ", " u "),
)
VEHICLE_TITLE_TAGS: dict[str, tuple[str, ...]] = {
    "like_new": ("first owner", "garage kept", "like new"),
    "good": ("well maintained", "accident-free", "full service history", ""),
    "fair": ("needs some work", "bargain", ""),
    "for_parts": ("engine damage", "for export", "defective"),
}
TITLE_TAGS: dict[str, tuple[str, ...]] = {
    "new": ("NEW", "brand new", "new with tags", "unused"),
    "like_new": ("like new", "as new", "barely used", "top condition"),
    "good": ("good condition", "great condition", "well kept", ""),
    "fair": ("used", "bargain", "well loved", ""),
    "for_parts": ("defective", "for parts", "needs repair"),
}
GADGET_TITLE_TAGS: dict[str, tuple[str, ...]] = {
    "new": ("NEW", "new & sealed", "brand new", "unopened"),
    "like_new": ("like new", "as new", "mint", "barely used", "top condition"),
    "good": ("good condition", "fully working", "well kept", ""),
    "fair": ("used", "works", "bargain", ""),
    "for_parts": ("defective", "for parts", "needs repair"),
}

# --- Conversations --------------------------------------------------------------------------

# Each is a list of (speaker, text) where speaker is "buyer" or "seller". Placeholders:
# {item} (short), {price}, {offer}, {counter}, {lowball}, {estimate} (three hours of a service),
# {day}, {time}, {city} (the buyer's), {seller_city}, {buyer}, {seller}, {shipping}, {charges}.
CONVERSATIONS: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    "goods": (
        (
            ("buyer", "Hi, is the {item} still available?"),
            ("seller", "Hi! Yes, still available."),
            ("buyer", "Great. Would you take {offer}?"),
            ("seller", "{counter} and it's yours."),
            ("buyer", "Deal. Could I pick it up {day} evening?"),
            ("seller", "Sure, after 6 works. I'll send you the address."),
        ),
        (
            ("buyer", "Hi {seller}, does it have any scratches that aren't in the photos?"),
            ("seller", "Hi, no, what you see is what you get. Happy to send more photos."),
            ("buyer", "That would be great, especially of the back."),
        ),
        (
            ("buyer", "Would you do {lowball}?"),
            ("seller", "Sorry, that's too low. {price} is already a fair price."),
        ),
        (
            ("buyer", "Hi! Still there? I could come by {day} at {time}."),
            ("seller", "Hi {buyer}, yes. {day} at {time} is fine."),
            ("buyer", "See you then!"),
            ("seller", "The doorbell says {seller}, 3rd floor."),
        ),
        (
            ("buyer", "Hello, I'm interested. Is the price negotiable?"),
            ("seller", "A little. What did you have in mind?"),
            ("buyer", "{offer}?"),
        ),
        (
            ("buyer", "hi is this still avail? can pick up today"),
            ("seller", "Sorry, someone is coming for it tonight. I'll let you know if it falls through."),
            ("buyer", "ok thx"),
        ),
    ),
    "shippable": (
        (
            ("buyer", "Hello, could you ship the {item} to {city}?"),
            ("seller", "Yes, tracked shipping is {shipping}. Payment via PayPal."),
            ("buyer", "Perfect, please send me your PayPal details."),
        ),
        (
            ("buyer", "Hi, would you send it? I'd pay {offer} plus shipping."),
            ("seller", "Hi {buyer}, {counter} plus shipping and we have a deal."),
            ("buyer", "Ok, deal!"),
        ),
    ),
    "rental": (
        (
            (
                "buyer",
                "Hello, I'm very interested in the {item}. I work full-time, no pets, non-smoker. "
                "Is a viewing possible this week?",
            ),
            (
                "seller",
                "Thank you for your message. Viewing on {day} at {time}. Please bring proof of "
                "income and ID.",
            ),
            ("buyer", "Thank you, I'll be there."),
        ),
        (
            ("buyer", "Hi, is the {item} still available? What are the service charges?"),
            ("seller", "Hi, yes. Service charges are about {charges} a month including heating."),
        ),
        (
            ("buyer", "Hi {seller}! I'm {buyer}, 27, working as a nurse. Could I come and see the {item}?"),
            ("seller", "Hi {buyer}, sure. Would {day} at {time} work for you?"),
        ),
    ),
    "property": (
        (
            ("buyer", "Good afternoon, is the {item} still for sale? Could I see it on {day}?"),
            ("seller", "Good afternoon, yes. {day} at {time} would suit me."),
            ("buyer", "Perfect, see you then."),
        ),
        (
            ("buyer", "Hello, is there any flexibility on the price?"),
            ("seller", "Hello, only a little. Let's talk after the viewing."),
        ),
    ),
    "jobs": (
        (
            ("buyer", "Hi, I'd like to apply. Should I send my CV here?"),
            (
                "seller",
                "Hi {buyer}, thanks for your interest! A short intro here is enough, plus when "
                "you could start.",
            ),
            (
                "buyer",
                "I've worked two years in a similar role and could start on the 1st of next month.",
            ),
            ("seller", "Sounds good. Could you come by {day} at {time} for a chat?"),
        ),
        (
            ("buyer", "Hello, is the position still open? Is part-time also possible?"),
            ("seller", "Hello, yes it's open. Part-time from 25 hours a week is possible."),
        ),
    ),
    "services": (
        (
            ("buyer", "Hi, are you free on {day}? It's a small job in {seller_city}."),
            ("seller", "Hi, {day} works. Can you send a few photos so I can estimate the time?"),
            ("buyer", "Sure, sending them now."),
        ),
        (
            ("buyer", "Hello, how much would it be roughly for about 3 hours?"),
            ("seller", "Hello, that would be around {estimate} in total. Travel is included."),
            ("buyer", "Great, let's do it. {day} at {time}?"),
            ("seller", "Booked. See you then."),
        ),
    ),
}
WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
TIMES: tuple[str, ...] = ("10:00", "12:30", "17:30", "18:00", "18:30", "19:00")

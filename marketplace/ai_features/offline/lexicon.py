"""What the offline model knows, written from general knowledge of classified ads.

Keyed by the slugs of Bazaar's catalog (``marketplace/catalog.py``); a category a fork adds
gets words from its name and, above all, from the listings in the database
(``llm.offline.classifier``). Nothing here comes from an evaluation set.
"""

from __future__ import annotations

# The tables below are laid out by hand for reading; the formatter would put one entry a line.
# fmt: off

# --- Category cues: phrase → weight (3 says it all, 1 is a hint) --------------------------------

CATEGORY_KEYWORDS: dict[str, dict[str, float]] = {
    "phones": {
        "iphone": 3, "smartphone": 3, "mobile phone": 3, "cell phone": 3, "cellphone": 3,
        "phone": 2, "handy": 1, "galaxy": 2, "pixel": 2, "oneplus": 3, "redmi": 3, "xiaomi": 2,
        "huawei": 2, "nokia": 2, "motorola": 2, "xperia": 3, "oppo": 2, "realme": 2,
        "fairphone": 3, "dual sim": 2, "sim": 1, "unlocked": 1, "android": 1, "ios": 1,
        "phone case": 2, "screen protector": 2,
    },
    "electronics": {
        "laptop": 3, "notebook": 2, "macbook": 3, "chromebook": 3, "ipad": 3, "tablet": 2,
        "tv": 3, "television": 3, "smart tv": 3, "oled": 2, "monitor": 3, "camera": 3,
        "dslr": 3, "mirrorless": 3, "lens": 2, "headphones": 3, "headphone": 3, "earbuds": 3,
        "airpods": 3, "speaker": 2, "soundbar": 3, "playstation": 3, "ps4": 3, "ps5": 3,
        "xbox": 3, "nintendo": 3, "switch oled": 3, "console": 3, "gaming pc": 3,
        "graphics card": 3, "gpu": 3, "rtx": 3, "pc": 2, "computer": 2, "keyboard": 1,
        "mouse": 1, "printer": 3, "router": 2, "drone": 2, "kindle": 2, "e-reader": 2,
        "smartwatch": 2, "apple watch": 3, "projector": 3, "amplifier": 2, "hifi": 2,
        "ssd": 2, "hard drive": 2, "gopro": 3, "thinkpad": 3, "surface pro": 3, "hdmi": 1,
    },
    "vehicles": {
        "car": 3, "auto": 1, "motorbike": 3, "motorcycle": 3, "moped": 3, "van": 2,
        "truck": 2, "trailer": 2, "caravan": 3, "camper": 3, "motorhome": 3, "tyres": 2,
        "tires": 2, "rims": 2, "mileage": 3, "diesel": 2, "petrol": 2, "gearbox": 2,
        "manual transmission": 2, "automatic transmission": 2, "mot": 2, "tüv": 3,
        "first registration": 3, "service history": 2, "hatchback": 3, "sedan": 3,
        "estate car": 3, "suv": 2, "convertible": 2, "e-scooter": 2, "kilometres": 1,
        "miles": 1, "horsepower": 2, "volkswagen": 2, "vw": 2, "bmw": 2, "mercedes": 2,
        "audi": 2, "opel": 2, "ford": 2, "toyota": 2, "renault": 2, "peugeot": 2, "skoda": 2,
        "seat": 1, "fiat": 2, "hyundai": 2, "kia": 2, "mazda": 2, "nissan": 2, "volvo": 2,
        "tesla": 2, "citroen": 2, "dacia": 2, "porsche": 2, "golf": 1, "passat": 3,
        "polo": 1, "yamaha": 1, "kawasaki": 2, "ducati": 3, "vespa": 3,
    },
    "home-garden": {
        "sofa": 3, "couch": 3, "armchair": 3, "table": 2, "dining table": 3, "desk": 2,
        "chair": 2, "chairs": 2, "bed": 2, "bed frame": 3, "mattress": 3, "wardrobe": 3,
        "closet": 2, "shelf": 2, "shelves": 2, "bookcase": 3, "dresser": 3,
        "chest of drawers": 3, "sideboard": 3, "lamp": 2, "rug": 2, "carpet": 2,
        "curtains": 2, "mirror": 1, "kitchen": 2, "fridge": 3, "refrigerator": 3,
        "freezer": 3, "washing machine": 3, "dishwasher": 3, "dryer": 2, "oven": 2,
        "microwave": 2, "coffee machine": 2, "kettle": 2, "toaster": 2, "vacuum": 2,
        "vacuum cleaner": 3, "lawn mower": 3, "lawnmower": 3, "garden": 2, "plant": 1,
        "plants": 2, "flower pot": 2, "bbq": 2, "grill": 2, "drill": 2, "tools": 2,
        "toolbox": 2, "ladder": 2, "ikea": 2, "furniture": 3, "cushion": 1, "duvet": 2,
        "cutlery": 2, "dishes": 1, "pan": 1, "pans": 1, "cookware": 2, "vase": 2,
        "stool": 2, "cabinet": 2, "nightstand": 3, "bedside table": 3,
    },
    "fashion": {
        "jacket": 3, "coat": 3, "dress": 3, "shirt": 2, "t-shirt": 3, "tshirt": 3, "jeans": 3,
        "trousers": 3, "pants": 2, "skirt": 3, "shoes": 3, "sneakers": 3, "trainers": 2,
        "boots": 2, "heels": 3, "sandals": 2, "handbag": 3, "purse": 2, "bag": 1,
        "hoodie": 3, "sweater": 3, "jumper": 2, "cardigan": 3, "blouse": 3, "suit": 2,
        "blazer": 3, "scarf": 2, "hat": 1, "cap": 1, "jewellery": 2, "jewelry": 2,
        "necklace": 2, "bracelet": 2, "earrings": 2, "sunglasses": 2, "wallet": 2,
        "clothes": 3, "clothing": 3, "size": 1, "zara": 2, "h&m": 2, "levi's": 2, "levis": 2,
        "gucci": 2, "prada": 2, "louis vuitton": 2, "north face": 2, "tommy hilfiger": 2,
        "ralph lauren": 2, "converse": 2, "vans": 1, "dr martens": 2, "birkenstock": 2,
        "uniqlo": 2, "mango": 1, "hugo boss": 2, "calvin klein": 2, "lacoste": 2,
        "timberland": 2, "nike": 1, "adidas": 1, "puma": 1, "new balance": 1, "asics": 1,
        "wedding dress": 3, "leather jacket": 3, "winter coat": 3,
    },
    "kids": {
        "stroller": 3, "pram": 3, "pushchair": 3, "buggy": 2, "car seat": 2, "baby": 3,
        "toddler": 3, "kids": 2, "children": 2, "child": 1, "crib": 3, "cot": 3,
        "high chair": 3, "highchair": 3, "baby carrier": 3, "toys": 3, "toy": 2, "lego": 3,
        "playmobil": 3, "duplo": 3, "diapers": 3, "nappies": 3, "baby clothes": 3,
        "bugaboo": 3, "cybex": 3, "stokke": 3, "maxi-cosi": 3, "joie": 2, "britax": 3,
        "school bag": 2, "balance bike": 3, "playpen": 3, "baby monitor": 3, "newborn": 3,
        "months": 1, "nursing": 2, "changing table": 3,
    },
    "sports-hobbies": {
        "bike": 3, "bicycle": 3, "road bike": 3, "mountain bike": 3, "mtb": 3, "e-bike": 3,
        "ebike": 3, "helmet": 1, "skis": 3, "ski": 2, "snowboard": 3, "tennis": 2,
        "racket": 2, "football": 2, "soccer": 2, "golf clubs": 3, "treadmill": 3,
        "dumbbells": 3, "weights": 2, "kettlebell": 3, "yoga mat": 3, "gym": 2, "fitness": 2,
        "guitar": 3, "piano": 3, "drums": 3, "violin": 3, "ukulele": 3, "instrument": 2,
        "vinyl": 2, "records": 1, "books": 2, "book": 1, "novel": 2, "board game": 3,
        "puzzle": 2, "camping": 3, "tent": 3, "sleeping bag": 3, "fishing": 3, "kayak": 3,
        "surfboard": 3, "skateboard": 3, "climbing": 2, "airsoft": 3, "paintball": 3, "frame size": 3, "shimano": 2,
        "trek": 2, "cube": 1, "canyon": 2, "specialized": 1, "decathlon": 2, "salomon": 2,
        "garmin": 1, "rowing machine": 3, "exercise bike": 3,
    },
    "real-estate": {
        "apartment": 3, "flat for rent": 3, "flat": 2, "house": 2, "room": 1, "rooms": 2,
        "studio apartment": 3, "for rent": 2, "rental": 2, "sqm": 3, "m2": 3, "m²": 3,
        "square meters": 3, "square metres": 3, "bedroom": 1, "bathroom": 1, "balcony": 2,
        "parking space": 2, "plot": 2, "land": 1, "office space": 3, "deposit": 1,
        "utilities": 2, "landlord": 3, "tenant": 3, "sublet": 3, "wg": 2, "shared flat": 3,
        "flatshare": 3, "furnished": 1, "monthly rent": 3, "cold rent": 3, "warm rent": 3,
        "kaltmiete": 3, "lease": 2, "floor": 1, "elevator": 1, "move in": 2, "move-in": 2,
        "garage": 1, "detached": 2, "terraced": 2, "condo": 3,
    },
    "jobs": {
        "job": 3, "hiring": 3, "we are hiring": 3, "vacancy": 3, "position": 2,
        "full-time": 2, "part-time": 2, "salary": 3, "employee": 2, "staff": 1, "waiter": 2,
        "waitress": 2, "barista": 2, "cashier": 2, "driver wanted": 3, "apply": 2,
        "applicants": 3, "application": 2, "cv": 3, "resume": 3, "experience required": 2,
        "internship": 3, "intern": 2, "minijob": 3, "mini-job": 3, "working hours": 2,
        "shift": 2, "shifts": 2, "we offer": 2, "your profile": 3, "team": 1, "wanted": 1,
        "join our team": 3, "job offer": 3, "employer": 2, "per month gross": 3,
    },
    "services": {
        "service": 1, "services": 2, "repair": 2, "repairs": 2, "cleaning": 2, "cleaner": 2,
        "moving": 2, "removals": 3, "movers": 3, "tutoring": 3, "tutor": 3, "lessons": 2,
        "plumber": 3, "plumbing": 3, "electrician": 3, "handyman": 3, "painter": 2,
        "gardening": 2, "photographer": 2, "photography": 2, "babysitting": 3,
        "babysitter": 3, "dog walking": 3, "pet sitting": 3, "hairdresser": 3, "haircut": 2,
        "massage": 2, "translation": 2, "web design": 3, "it support": 3,
        "computer repair": 3, "hourly rate": 2, "free estimate": 3, "free quote": 3,
        "i offer": 2, "we offer": 1, "available for": 1, "certified": 1, "assembly": 2,
        "furniture assembly": 3, "alterations": 2, "driving lessons": 3,
    },
}

# --- Brands: canonical spelling and where they sell -------------------------------------------

BRANDS: dict[str, str] = {
    # phones and electronics
    "apple": "Apple", "samsung": "Samsung", "google": "Google", "xiaomi": "Xiaomi",
    "redmi": "Xiaomi", "oneplus": "OnePlus", "huawei": "Huawei", "nokia": "Nokia",
    "motorola": "Motorola", "sony": "Sony", "oppo": "Oppo", "realme": "Realme",
    "fairphone": "Fairphone", "dell": "Dell", "hp": "HP", "lenovo": "Lenovo", "asus": "Asus",
    "acer": "Acer", "msi": "MSI", "microsoft": "Microsoft", "lg": "LG", "philips": "Philips",
    "panasonic": "Panasonic", "canon": "Canon", "nikon": "Nikon", "fujifilm": "Fujifilm",
    "bose": "Bose", "jbl": "JBL", "sennheiser": "Sennheiser", "nintendo": "Nintendo",
    "dyson": "Dyson", "bosch": "Bosch", "siemens": "Siemens", "miele": "Miele",
    "garmin": "Garmin", "gopro": "GoPro", "dji": "DJI", "amazon": "Amazon", "logitech": "Logitech",
    "razer": "Razer", "nvidia": "Nvidia", "amd": "AMD", "intel": "Intel", "tcl": "TCL",
    "hisense": "Hisense", "beats": "Beats", "marshall": "Marshall", "sonos": "Sonos",
    # fashion
    "nike": "Nike", "adidas": "Adidas", "puma": "Puma", "zara": "Zara", "h&m": "H&M",
    "levi's": "Levi's", "levis": "Levi's", "gucci": "Gucci", "prada": "Prada",
    "louis vuitton": "Louis Vuitton", "the north face": "The North Face",
    "north face": "The North Face", "patagonia": "Patagonia", "new balance": "New Balance",
    "converse": "Converse", "vans": "Vans", "mango": "Mango", "uniqlo": "Uniqlo",
    "hugo boss": "Hugo Boss", "calvin klein": "Calvin Klein", "birkenstock": "Birkenstock",
    "dr martens": "Dr. Martens", "dr. martens": "Dr. Martens", "timberland": "Timberland",
    "asics": "Asics", "reebok": "Reebok", "under armour": "Under Armour", "lacoste": "Lacoste",
    "tommy hilfiger": "Tommy Hilfiger", "ralph lauren": "Ralph Lauren", "esprit": "Esprit",
    "michael kors": "Michael Kors", "chanel": "Chanel", "burberry": "Burberry",
    "rolex": "Rolex", "omega": "Omega", "cartier": "Cartier", "tag heuer": "TAG Heuer",
    "breitling": "Breitling", "hermes": "Hermès", "hermès": "Hermès", "dior": "Dior",
    "balenciaga": "Balenciaga", "versace": "Versace", "fendi": "Fendi", "moncler": "Moncler",
    "canada goose": "Canada Goose", "ray-ban": "Ray-Ban", "supreme": "Supreme",
    "yves saint laurent": "Yves Saint Laurent", "saint laurent": "Saint Laurent",
    "massimo dutti": "Massimo Dutti", "cos": "COS", "arket": "Arket", "jack wolfskin": "Jack Wolfskin",
    # kids
    "lego": "LEGO", "playmobil": "Playmobil", "bugaboo": "Bugaboo", "cybex": "Cybex",
    "stokke": "Stokke", "maxi-cosi": "Maxi-Cosi", "britax": "Britax", "joie": "Joie",
    "chicco": "Chicco", "fisher-price": "Fisher-Price", "hauck": "Hauck", "vtech": "VTech",
    # sports
    "trek": "Trek", "specialized": "Specialized", "cube": "Cube", "canyon": "Canyon",
    "giant": "Giant", "scott": "Scott", "cannondale": "Cannondale", "decathlon": "Decathlon",
    "wilson": "Wilson", "head": "Head", "babolat": "Babolat", "salomon": "Salomon",
    "rossignol": "Rossignol", "shimano": "Shimano", "yamaha": "Yamaha", "fender": "Fender",
    "gibson": "Gibson", "burton": "Burton", "atomic": "Atomic", "peloton": "Peloton",
    # home and garden
    "ikea": "IKEA", "kitchenaid": "KitchenAid", "nespresso": "Nespresso", "tefal": "Tefal",
    "smeg": "Smeg", "wmf": "WMF", "le creuset": "Le Creuset", "rowenta": "Rowenta",
    "krups": "Krups", "gardena": "Gardena", "weber": "Weber", "makita": "Makita",
    "stihl": "STIHL", "einhell": "Einhell", "vorwerk": "Vorwerk", "thermomix": "Thermomix",
    "roomba": "Roomba", "irobot": "iRobot",
}

# Brand tokens that are ordinary words too: they count only next to a model or in a
# category where they are a brand ("head" in a racket ad, not "head of the table").
AMBIGUOUS_BRANDS = {"apple", "head", "giant", "cube", "mango", "vans", "scott", "cos", "arket",
                    "beats", "trek", "specialized", "atomic", "joie", "google", "amazon"}

CAR_MAKES: dict[str, str] = {
    "volkswagen": "Volkswagen", "vw": "Volkswagen", "bmw": "BMW", "mercedes-benz": "Mercedes-Benz",
    "mercedes": "Mercedes-Benz", "audi": "Audi", "opel": "Opel", "vauxhall": "Vauxhall",
    "ford": "Ford", "toyota": "Toyota", "renault": "Renault", "peugeot": "Peugeot",
    "skoda": "Škoda", "škoda": "Škoda", "seat": "SEAT", "cupra": "Cupra", "fiat": "Fiat",
    "hyundai": "Hyundai", "kia": "Kia", "mazda": "Mazda", "nissan": "Nissan", "honda": "Honda",
    "volvo": "Volvo", "tesla": "Tesla", "citroen": "Citroën", "citroën": "Citroën",
    "dacia": "Dacia", "porsche": "Porsche", "mini": "Mini", "smart": "Smart", "suzuki": "Suzuki",
    "subaru": "Subaru", "mitsubishi": "Mitsubishi", "jeep": "Jeep", "land rover": "Land Rover",
    "jaguar": "Jaguar", "alfa romeo": "Alfa Romeo", "lexus": "Lexus", "chevrolet": "Chevrolet",
    "yamaha": "Yamaha", "kawasaki": "Kawasaki", "ducati": "Ducati", "ktm": "KTM",
    "harley-davidson": "Harley-Davidson", "vespa": "Vespa", "triumph": "Triumph",
}
# Makes that are ordinary words: only with a car cue or a model next to them.
AMBIGUOUS_MAKES = {"seat", "mini", "smart", "triumph", "honda"}

# Models by make, as written in ads; the longest match wins ("golf gti" over "golf").
CAR_MODELS: dict[str, tuple[str, ...]] = {
    "Volkswagen": ("golf", "golf gti", "golf variant", "polo", "passat", "tiguan", "touran",
                   "up", "t-roc", "arteon", "id.3", "id.4", "id3", "id4", "caddy", "sharan",
                   "transporter", "beetle", "jetta", "scirocco", "touareg", "t5", "t6"),
    "BMW": ("1 series", "2 series", "3 series", "4 series", "5 series", "x1", "x3", "x5",
            "i3", "116i", "118i", "118d", "120d", "318i", "320i", "320d", "330i", "330d",
            "520d", "530d", "z4", "m3", "m5"),
    "Mercedes-Benz": ("a-class", "b-class", "c-class", "e-class", "s-class", "a 180", "c 200",
                      "c 220", "e 220", "glc", "gla", "cla", "sprinter", "vito", "a180",
                      "c200", "c220", "e220"),
    "Audi": ("a1", "a3", "a4", "a5", "a6", "a8", "q2", "q3", "q5", "q7", "tt", "e-tron"),
    "Opel": ("corsa", "astra", "insignia", "zafira", "meriva", "mokka", "adam", "vectra"),
    "Vauxhall": ("corsa", "astra", "insignia", "zafira", "mokka"),
    "Ford": ("fiesta", "focus", "mondeo", "kuga", "puma", "ka", "galaxy", "transit", "mustang",
             "s-max", "c-max", "ranger"),
    "Toyota": ("yaris", "corolla", "auris", "prius", "rav4", "aygo", "c-hr", "chr", "hilux",
               "land cruiser"),
    "Renault": ("clio", "megane", "mégane", "captur", "twingo", "zoe", "kangoo", "scenic",
                "kadjar", "laguna"),
    "Peugeot": ("206", "207", "208", "306", "307", "308", "508", "2008", "3008", "5008",
                "partner"),
    "Škoda": ("octavia", "fabia", "superb", "kodiaq", "karoq", "yeti", "citigo", "scala",
              "kamiq", "enyaq"),
    "SEAT": ("ibiza", "leon", "león", "arona", "ateca", "alhambra", "mii", "tarraco"),
    "Fiat": ("500", "panda", "punto", "tipo", "doblo", "ducato", "500x", "500l"),
    "Hyundai": ("i10", "i20", "i30", "tucson", "kona", "ioniq", "santa fe"),
    "Kia": ("picanto", "rio", "ceed", "sportage", "niro", "sorento", "stonic", "ev6"),
    "Mazda": ("2", "3", "6", "cx-3", "cx-5", "cx-30", "mx-5", "mazda2", "mazda3", "mazda6"),
    "Nissan": ("micra", "juke", "qashqai", "leaf", "x-trail", "note", "navara"),
    "Honda": ("civic", "jazz", "cr-v", "hr-v", "accord"),
    "Volvo": ("v40", "v60", "v70", "v90", "xc40", "xc60", "xc90", "s60", "s90"),
    "Tesla": ("model 3", "model s", "model y", "model x"),
    "Citroën": ("c1", "c3", "c4", "c5", "berlingo", "c4 picasso", "ds3"),
    "Dacia": ("sandero", "duster", "logan", "spring", "jogger", "lodgy"),
    "Porsche": ("911", "cayenne", "macan", "panamera", "boxster", "cayman", "taycan"),
    "Mini": ("cooper", "one", "countryman", "clubman", "cooper s"),
    "Suzuki": ("swift", "vitara", "ignis", "jimny", "sx4"),
}

# Phone and electronics models: (brand, words one of which the text must contain for the
# expression to be tried at all, regular expression over normalised text, category). The
# expression's first group is the model as the seller wrote it.
PRODUCT_MODELS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("Apple", ("iphone",), r"\b(iphone\s?(?:\d{1,2}|se|x[rs]?)(?:\s?(?:pro max|pro|plus|max|mini|e))?)\b", "phones"),
    ("Apple", ("ipad",), r"\b(ipad(?:\s?(?:pro|air|mini))?(?:\s?\d{1,2}(?:\.\d)?(?:\"|\s?inch)?)?)", "electronics"),
    ("Apple", ("macbook",), r"\b(macbook(?:\s?(?:air|pro))?(?:\s?m[1-4](?:\s?(?:pro|max))?)?(?:\s?1[3-6](?:\"|\s?inch)?)?)", "electronics"),
    ("Apple", ("imac", "mac ", "watch", "airpods"), r"\b(imac|mac mini|mac studio|apple watch(?:\s?(?:se|ultra|series\s?\d+))?|airpods(?:\s?(?:pro|max))?(?:\s?\d)?)\b", "electronics"),
    ("Samsung", ("galaxy",), r"\b(galaxy\s?(?:s\d{1,2}|a\d{2}|z\s?(?:fold|flip)\s?\d|note\s?\d{1,2}|tab\s?s?\d{1,2})(?:\s?(?:ultra|plus|\+|fe|lite))?)", "phones"),
    ("Google", ("pixel",), r"\b(pixel\s?\d{1,2}a?(?:\s?(?:pro|xl))?)\b", "phones"),
    ("Xiaomi", ("redmi", "xiaomi"), r"\b((?:redmi\s?(?:note\s?)?\d{1,2}|xiaomi\s?\d{1,2}t?)(?:\s?(?:pro|ultra|lite))?)\b", "phones"),
    ("OnePlus", ("oneplus",), r"\b(oneplus\s?(?:nord\s?)?\d{1,2}t?(?:\s?pro)?)\b", "phones"),
    ("Sony", ("playstation", "ps3", "ps4", "ps5"), r"\b(playstation\s?[345](?:\s?(?:pro|slim))?|ps[345](?:\s?(?:pro|slim))?)\b", "electronics"),
    ("Sony", ("xperia", "wh-1000", "a7", "alpha"), r"\b(xperia\s?\d{1,2}(?:\s?[ivx]+)?|wh-1000xm\d|a7\s?[ivx]+|alpha\s?\d{4})\b", "electronics"),
    ("Microsoft", ("xbox", "surface"), r"\b(xbox(?:\s?(?:series\s?[xs]|one(?:\s?[xs])?|360))?|surface\s?(?:pro|laptop|go)?\s?\d{0,2})\b", "electronics"),
    ("Nintendo", ("switch",), r"\b(switch(?:\s?(?:oled|lite|2))?)\b", "electronics"),
    ("Lenovo", ("thinkpad", "ideapad", "legion", "yoga"), r"\b(thinkpad\s?[a-z]?\d{1,3}[a-z]?(?:\s?(?:carbon|yoga))?|ideapad\s?\w+|legion\s?\w+|yoga\s?\d+\w*)\b", "electronics"),
    ("Dell", ("xps", "latitude", "inspiron", "alienware"), r"\b(xps\s?1[3-7]|latitude\s?\d{4}|inspiron\s?\d{2,4}|alienware\s?\w+)\b", "electronics"),
    ("HP", ("elitebook", "probook", "pavilion", "spectre", "envy", "omen"), r"\b((?:elitebook|probook|pavilion|spectre|envy|omen)\s?\w*)\b", "electronics"),
    ("Asus", ("zenbook", "vivobook", "rog", "tuf"), r"\b((?:zenbook|vivobook|rog\s?\w+|tuf\s?\w+)(?:\s?\d+\w*)?)\b", "electronics"),
    ("Nvidia", ("rtx", "gtx"), r"\b((?:rtx|gtx)\s?\d{3,4}(?:\s?(?:ti|super))?)\b", "electronics"),
    ("Canon", ("eos", "powershot"), r"\b(eos\s?\w+|powershot\s?\w+)\b", "electronics"),
    ("Dyson", ("dyson",), r"\b(v\d{1,2}(?:\s?(?:absolute|animal|detect))?)\b", "home-garden"),
)

# --- Attribute vocabularies -------------------------------------------------------------------

COLOURS: dict[str, str] = {
    "black": "black", "white": "white", "grey": "grey", "gray": "grey", "space grey": "grey",
    "space gray": "grey", "graphite": "grey", "anthracite": "grey", "charcoal": "grey",
    "silver": "silver", "blue": "blue", "navy": "blue", "navy blue": "blue", "red": "red",
    "burgundy": "red", "green": "green", "olive": "green", "khaki": "green", "gold": "gold",
    "rose gold": "pink", "pink": "pink", "brown": "brown", "beige": "beige", "cream": "beige",
    "midnight": "black", "starlight": "white", "purple": "purple", "yellow": "yellow",
    "orange": "orange", "turquoise": "blue", "teal": "blue",
}

MATERIALS: dict[str, str] = {
    "solid wood": "solid wood", "wood": "wood", "wooden": "wood", "oak": "oak", "pine": "pine",
    "walnut": "walnut", "beech": "beech", "teak": "teak", "leather": "leather",
    "faux leather": "faux leather", "metal": "metal", "steel": "steel", "glass": "glass",
    "fabric": "fabric", "velvet": "velvet", "linen": "linen", "rattan": "rattan",
    "plastic": "plastic", "marble": "marble", "bamboo": "bamboo", "wool": "wool",
}

# Words for the values of attributes with fixed choices, per attribute key.
CHOICE_SYNONYMS: dict[str, dict[str, str]] = {
    "type": {
        # electronics
        "laptop": "laptop", "notebook": "laptop", "macbook": "laptop", "chromebook": "laptop",
        "thinkpad": "laptop", "ultrabook": "laptop", "tablet": "tablet", "ipad": "tablet",
        "tv": "tv", "television": "tv", "smart tv": "tv", "camera": "camera", "dslr": "camera",
        "mirrorless": "camera", "gopro": "camera", "headphones": "headphones",
        "headphone": "headphones", "earbuds": "headphones", "airpods": "headphones",
        "headset": "headphones", "console": "console", "playstation": "console", "ps4": "console",
        "ps5": "console", "xbox": "console", "nintendo switch": "console", "speaker": "speaker",
        "soundbar": "speaker", "monitor": "monitor", "screen": "monitor",
        # home & garden
        "sofa": "sofa", "couch": "sofa", "table": "table", "dining table": "table",
        "desk": "table", "coffee table": "table", "chair": "chair", "armchair": "chair",
        "stool": "chair", "bed": "bed", "bed frame": "bed", "mattress": "bed",
        "wardrobe": "wardrobe", "closet": "wardrobe", "shelf": "shelf", "bookcase": "shelf",
        "shelving": "shelf", "lamp": "lamp", "floor lamp": "lamp", "kitchen": "kitchen",
        "fridge": "kitchen", "oven": "kitchen", "dishwasher": "kitchen", "microwave": "kitchen",
        "coffee machine": "kitchen", "garden": "garden", "lawn mower": "garden",
        "lawnmower": "garden", "bbq": "garden", "drill": "tools", "tools": "tools",
        "toolbox": "tools", "saw": "tools", "ladder": "tools",
        # real estate
        "apartment": "apartment", "flat": "apartment", "studio": "apartment",
        "condo": "apartment", "house": "house", "detached": "house", "terraced": "house",
        "single room": "room", "private room": "room", "furnished room": "room",
        "room in": "room", "room for rent": "room", "wg": "room", "shared flat": "room",
        "flatshare": "room",
        "garage": "garage", "parking space": "garage", "plot": "plot", "land": "plot",
        "office": "office", "office space": "office",
    },
    "fuel": {
        "petrol": "petrol", "gasoline": "petrol", "gas": "petrol", "benzin": "petrol",
        "tsi": "petrol", "tfsi": "petrol", "diesel": "diesel", "tdi": "diesel",
        "cdi": "diesel", "hdi": "diesel", "dci": "diesel", "crdi": "diesel",
        "electric": "electric", "ev": "electric", "bev": "electric", "hybrid": "hybrid",
        "plug-in hybrid": "hybrid", "phev": "hybrid", "lpg": "lpg", "autogas": "lpg",
    },
    "gender": {
        "women": "women", "woman": "women", "women's": "women", "womens": "women",
        "ladies": "women", "lady": "women", "female": "women", "girls": "women",
        "men": "men", "man": "men", "men's": "men", "mens": "men", "male": "men",
        "gents": "men", "boys": "men", "unisex": "unisex",
    },
    "offer": {
        "for rent": "rent", "to rent": "rent", "rent": "rent", "rental": "rent",
        "monthly rent": "rent", "per month": "rent", "sublet": "rent", "lease": "rent",
        "for sale": "sale", "sale": "sale", "to buy": "sale", "buy": "sale",
        "purchase price": "sale", "freehold": "sale",
    },
    "employment": {
        "full-time": "full-time", "full time": "full-time", "fulltime": "full-time",
        "part-time": "part-time", "part time": "part-time", "parttime": "part-time",
        "mini-job": "mini-job", "minijob": "mini-job", "mini job": "mini-job",
        "freelance": "freelance", "freelancer": "freelance", "contractor": "freelance",
        "internship": "internship", "intern": "internship", "trainee": "internship",
    },
    "remote": {
        "remote": "yes", "fully remote": "yes", "work from home": "yes", "home office": "yes",
        "hybrid": "hybrid", "on-site": "no", "onsite": "no", "on site": "no",
        "in office": "no",
    },
    "rate": {
        "per hour": "per hour", "hourly": "per hour", "an hour": "per hour",
        "/h": "per hour", "per job": "per job", "fixed price": "per job", "flat fee": "per job",
        "per day": "per day", "daily": "per day", "day rate": "per day",
    },
}

SPORTS: dict[str, str] = {
    "bike": "cycling", "bicycle": "cycling", "road bike": "cycling", "mountain bike": "cycling",
    "mtb": "cycling", "e-bike": "cycling", "cycling": "cycling", "ski": "skiing",
    "skis": "skiing", "skiing": "skiing", "snowboard": "snowboarding", "tennis": "tennis",
    "football": "football", "soccer": "football", "golf": "golf", "golf clubs": "golf",
    "running": "running", "fitness": "fitness", "gym": "fitness", "dumbbells": "fitness",
    "treadmill": "fitness", "kettlebell": "fitness", "yoga": "yoga", "climbing": "climbing",
    "bouldering": "climbing", "surfing": "surfing", "surfboard": "surfing",
    "skateboard": "skateboarding", "camping": "camping", "tent": "camping",
    "hiking": "hiking", "fishing": "fishing", "kayak": "kayaking", "swimming": "swimming",
    "basketball": "basketball", "hockey": "hockey", "boxing": "boxing", "badminton": "badminton",
    "horse riding": "horse riding", "diving": "diving",
}

JOB_FIELDS: dict[str, str] = {
    "waiter": "hospitality", "waitress": "hospitality", "barista": "hospitality",
    "chef": "hospitality", "cook": "hospitality", "restaurant": "hospitality",
    "bartender": "hospitality", "hotel": "hospitality", "cashier": "retail",
    "sales assistant": "retail", "shop": "retail", "store": "retail", "retail": "retail",
    "developer": "IT", "software": "IT", "programmer": "IT", "devops": "IT",
    "frontend": "IT", "backend": "IT", "data": "IT", "driver": "logistics",
    "warehouse": "logistics", "delivery": "logistics", "courier": "logistics",
    "logistics": "logistics", "nurse": "care", "caregiver": "care", "care": "care",
    "construction": "construction", "builder": "construction", "office": "office",
    "receptionist": "office", "assistant": "office", "accountant": "finance",
    "bookkeeping": "finance", "cleaner": "cleaning", "cleaning": "cleaning",
    "teacher": "education", "tutor": "education", "marketing": "marketing",
    "designer": "design",
}

SERVICES: dict[str, str] = {
    "cleaning": "cleaning", "cleaner": "cleaning", "moving": "moving", "removals": "moving",
    "movers": "moving", "plumber": "plumbing", "plumbing": "plumbing",
    "electrician": "electrical", "handyman": "handyman", "painting": "painting",
    "painter": "painting", "gardening": "gardening", "gardener": "gardening",
    "tutoring": "tutoring", "tutor": "tutoring", "lessons": "lessons",
    "driving lessons": "driving lessons", "photography": "photography",
    "photographer": "photography", "babysitting": "childcare", "babysitter": "childcare",
    "dog walking": "pet care", "pet sitting": "pet care", "hairdresser": "hair & beauty",
    "haircut": "hair & beauty", "massage": "massage", "translation": "translation",
    "web design": "web design", "it support": "IT support", "computer repair": "IT support",
    "furniture assembly": "assembly", "assembly": "assembly", "repair": "repair",
    "repairs": "repair", "alterations": "tailoring", "tailor": "tailoring",
}

# Condition, most specific first: the first group with a phrase in the text decides.
CONDITIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("for_parts", ("for parts", "spares or repair", "not working", "doesn't work",
                   "does not work", "broken", "defective", "faulty", "for repair")),
    ("new", ("brand new", "new in box", "new in packaging", "sealed", "unopened", "never used",
             "unused", "new with tags", "bnib", "nwt", "still in packaging", "never worn")),
    ("like_new", ("like new", "as new", "mint", "barely used", "hardly used", "used once",
                  "used twice", "worn once", "excellent condition", "perfect condition",
                  "immaculate", "pristine")),
    ("good", ("minor scratches", "small scratches", "light scratches", "few scratches",
              "a few scratches", "minor signs of wear", "light signs of wear")),
    ("fair", ("fair condition", "heavily used", "well used", "signs of wear", "worn",
              "scratches", "scratched", "dents", "dented", "cracked", "stains", "stained")),
    ("good", ("good condition", "very good condition", "works perfectly", "works fine",
              "works well", "fully working", "fully functional", "used", "lightly used",
              "well maintained", "well looked after")),
)

CONDITION_LABELS = {
    "new": "New",
    "like_new": "Like new",
    "good": "Good",
    "fair": "Fair",
    "for_parts": "For parts",
}

# Cities the search understands without being told; callers may pass their own list.
CITIES = (
    "Berlin", "Hamburg", "Munich", "München", "Cologne", "Köln", "Frankfurt", "Stuttgart",
    "Düsseldorf", "Leipzig", "Dortmund", "Essen", "Bremen", "Dresden", "Hanover", "Hannover",
    "Nuremberg", "Nürnberg", "Vienna", "Wien", "Zurich", "Zürich", "Amsterdam", "Rotterdam",
    "Brussels", "Paris", "Lyon", "Marseille", "London", "Manchester", "Birmingham", "Dublin",
    "Madrid", "Barcelona", "Valencia", "Lisbon", "Porto", "Rome", "Milan", "Naples", "Turin",
    "Warsaw", "Krakow", "Kraków", "Prague", "Budapest", "Copenhagen", "Stockholm", "Oslo",
    "Helsinki", "Athens", "Bucharest", "Sofia", "New York", "Los Angeles", "Chicago",
    "San Francisco", "Toronto",
)
# fmt: on

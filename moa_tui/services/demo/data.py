"""The demo clinic's invented people, payers, hours and supplies (all fictitious)."""

import datetime as dt

FIRST = (
    "Ada Basil Cora Dex Ember Flint Greta Hollis Iris Jasper Kit Linden Mabel Nico Opal Perrin "
    "Quill Rosa Sage Tobin Una Vesper Wren Xavi Yara Zeke Alba Bram Clover Dorian Elsie Fenn "
    "Gwen Hugo Ines Jonah Kestrel Lark Milo Nell Orson Pippa Reed Sunny Thea Ulric Violet "
    "Willa Yusuf Zora Arlo Bea Cyrus Delphine Ezra Fern Gideon Hazel Ivo June"
).split()
LAST = (
    "Applewood Brightwater Cobblestone Dapplegrey Elderberry Fernsby Gumdrop Hollyhock "
    "Inkwell Juniper Kettleby Lanternfield Marigold Nutmeg Oakhaven Pebbleton Quackenbush "
    "Rosehip Saltmarsh Thistledown Umberfield Vellichor Willowisp Yarrowby Zephyrine "
    "Acornfield Bramblewood Candlewick Dewberry Everbright Foxglove Gingersnap Honeydew "
    "Ironbark Jellybean Kindlewood Lemonbalm Moonpenny Nettlefield Orchardly Puddingstone "
    "Quillfeather Riverstone Snapdragon Tumbleweed Underhill Valerian Whistledown Yellowfin "
    "Zestwood Smithwick Smithers Smallbrook Jonesbury Johnsonia Brownstone Greenleaf"
).split()
STREETS = "Maple Oak Cedar Elm Birch Willow Aspen Spruce Poplar Chestnut".split()
PROVIDERS = (
    ("Dr. Avery Quillfeather", "Dr Quillfeather", "MD"),
    ("Dr. Blake Moonpenny", "Dr Moonpenny", "DO"),
    ("Dr. Casey Everbright", "Dr Everbright", "MD"),
    ("Jordan Saltmarsh, NP", "NP Saltmarsh", "NP"),
)
# name, minutes, colour, may be overbooked
TYPES = (
    ("Follow-up", 15, "green", False),
    ("Sick visit", 15, "yellow", True),
    ("New patient", 30, "cyan", False),
    ("Physical", 30, "blue", False),
    ("Procedure", 30, "magenta", False),
)
HOURS = (("08:00", "12:00"), ("13:00", "17:00"))  # every day: a walk-in friendly practice
# A demo is opened to see the desk at work, at whatever hour someone tries it, and a clinic at
# rest (before opening, after closing, at 03:00) shows an empty flow board. So the demo clinic
# sits where it is mid-day now: in New York while its day there is under way, else in the
# first of these zones (American ones first) where it is. Moving the clinic, rather than
# opening it at midnight or faking the clock, keeps everything else true: the time on screen
# is the real time there, the morning is done, the afternoon to come, the evening empty, and
# audit instants are real UTC. Whole-hour steps of at most three hours, so one always fits.
DEMO_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Athens",
    "Asia/Dubai",
    "Asia/Dhaka",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Brisbane",
    "Pacific/Auckland",
)
MIDDAY = (dt.time(9, 30), dt.time(15, 30))  # every step of the flow board has people in it
LATE_MINUTES = 60  # a visit an hour past its time was seen or is a no-show, never still booked
PAYERS = (
    ("Acme Health Plan (demo)", "DEMO1"),
    ("Blue Demo Shield", "DEMO2"),
    ("Medicare (demo)", "DEMO3"),
    ("Medicaid (demo)", "DEMO4"),
    ("Sunrise Mutual (demo)", "DEMO5"),
)
STAFF = (
    ("desk", "Morgan Deskworth", "front_desk"),
    ("desk2", "Riley Frontley", "front_desk"),
    ("billing", "Sam Ledgerly", "billing"),
    ("nurse", "Pat Carewell", "clinician"),
    ("manager", "Dana Officer", "manager"),
    ("admin", "Alex Keyholder", "admin"),
    ("kiosk", "Waiting Room Kiosk", "kiosk"),
)
DEMO_PASSWORD = "demo-password-2026"
# Public HCPCS Level II codes with demo charges in cents.
HCPCS = (
    ("G0438", 17500),
    ("G0439", 12500),
    ("G0008", 3500),
    ("J3420", 2500),
    ("J1100", 1500),
    ("Q0091", 4500),
    ("G0442", 2000),
    ("G0444", 2200),
    ("A4550", 1200),
    ("J0696", 1800),
)
ICD10 = ("Z00.00", "I10", "E11.9", "J06.9", "M54.50", "Z23", "E78.5", "R05.9", "F41.1", "K21.9")
SUPPLIES = (
    ("Exam gloves nitrile M", "box of 100"),
    ("Exam gloves nitrile L", "box of 100"),
    ("Exam gloves nitrile S", "box of 100"),
    ("Exam table paper", "roll"),
    ("Alcohol prep pads", "box of 200"),
    ("Cotton balls", "bag of 300"),
    ("Gauze pads 2x2", "pack of 200"),
    ("Gauze pads 4x4", "pack of 100"),
    ("Adhesive bandages", "box of 100"),
    ("Tongue depressors", "box of 500"),
    ("Syringe 3 mL", "box of 100"),
    ("Syringe 1 mL TB", "box of 100"),
    ("Needle 25G 1in", "box of 100"),
    ("Needle 22G 1.5in", "box of 100"),
    ("Sharps container 1 qt", "each"),
    ("Sharps container 1 gal", "each"),
    ("Specimen cups", "case of 100"),
    ("Urine dipsticks", "bottle of 100"),
    ("Glucose test strips", "box of 50"),
    ("Lancets", "box of 200"),
    ("Thermometer probe covers", "box of 500"),
    ("Otoscope specula 2.5mm", "box of 250"),
    ("Otoscope specula 4mm", "box of 250"),
    ("Face masks", "box of 50"),
    ("N95 respirators", "box of 20"),
    ("Isolation gowns", "pack of 10"),
    ("Hand sanitizer 16 oz", "bottle"),
    ("Disinfectant wipes", "canister"),
    ("Biohazard bags", "box of 100"),
    ("Paper gowns", "case of 50"),
    ("Drape sheets", "case of 100"),
    ("Blood pressure cuff adult", "each"),
    ("Blood pressure cuff large", "each"),
    ("Pulse oximeter", "each"),
    ("ECG electrodes", "pack of 100"),
    ("Ultrasound gel", "bottle"),
    ("Suture kit", "each"),
    ("Skin stapler", "each"),
    ("Lidocaine 1% 20 mL", "vial"),
    ("Saline flush 10 mL", "box of 30"),
    ("Tourniquets", "pack of 25"),
    ("Vacutainer tubes lavender", "box of 100"),
    ("Vacutainer tubes red", "box of 100"),
    ("Butterfly needles 23G", "box of 50"),
    ("Cold packs", "case of 24"),
    ("Elastic bandage 3in", "each"),
    ("Finger splints", "each"),
    ("Cotton-tipped applicators", "box of 1000"),
    ("Printer paper", "case"),
    ("Toner cartridge", "each"),
    ("Patient labels", "roll"),
    ("Clipboard", "each"),
    ("Pens", "box of 12"),
    ("File folders", "box of 100"),
    ("Envelopes #10", "box of 500"),
    ("Flu vaccine syringes", "box of 10"),
    ("Tetanus vaccine", "vial"),
    ("Pregnancy tests", "box of 25"),
    ("Strep A tests", "kit of 25"),
    ("COVID antigen tests", "kit of 25"),
)


INTAKE = (
    # name, every how many days (None: once, 0: every visit), for which types (None: all)
    ("Privacy notice acknowledged", None, None),
    ("Consent to treat signed", 365, None),
    ("Health history form", 365, ("New patient", "Physical")),
    ("ID and insurance card copied", 365, None),
)

#!/usr/bin/env python3
"""Generates a synthetic arsrapport project of about N pages, for benchmarks.

    python3 tests/bench/generate.py PAGES DIR [--seed S]

The project is a region's annual report: Swedish prose chapters (headings,
nested and numbered lists, footnotes, block quotes, GFM tables, links between
chapters, figures from data and statements in the text), a consolidated
resultaträkning and balansräkning with notes, one resultaträkning, one goal
area and per-municipality tables for each board (nämnd), and a notes chapter.
Every figure is consistent, so the project builds without errors or warnings.

The output depends only on PAGES and the seed (default 2013): the same
arguments always give byte-identical files. Standard library only.
DIR must not exist or be empty; it is created.
"""

import argparse
import os
import random
import sys

# The number of boards grows with the page count; one board chapter with its
# goals, tables and statement is about PAGES_PER_BOARD pages, and the common
# chapters (förvaltningsberättelse, statements, notes) about FIXED_PAGES.
# Measured on the default theme; `run.sh` prints the real page count.
PAGES_PER_BOARD = 7.7
FIXED_PAGES = 8.5

MUNICIPALITIES = [
    "Ale", "Alingsås", "Bengtsfors", "Bollebygd", "Borås", "Dals-Ed", "Essunga", "Falköping",
    "Färgelanda", "Grästorp", "Gullspång", "Göteborg", "Götene", "Herrljunga", "Hjo", "Härryda",
    "Karlsborg", "Kungälv", "Lerum", "Lidköping", "Lilla Edet", "Lysekil", "Mariestad", "Mark",
    "Mellerud", "Munkedal", "Mölndal", "Orust", "Partille", "Skara", "Skövde", "Sotenäs",
    "Stenungsund", "Strömstad", "Svenljunga", "Tanum", "Tibro", "Tidaholm", "Tjörn", "Tranemo",
    "Trollhättan", "Töreboda", "Uddevalla", "Ulricehamn", "Vara", "Vänersborg", "Vårgårda",
    "Åmål", "Öckerö",
]

# (title stem, slug stem, what the board does, the unit it counts, activity columns)
BOARD_KINDS = [
    ("Hälso- och sjukvårdsnämnden", "hsn", "hälso- och sjukvård", "besök",
     ["Läkarbesök", "Sjukvårdande behandling", "Digitala besök", "Hembesök"]),
    ("Kulturnämnden", "kultur", "kultur och bildning", "besökare",
     ["Barn och unga", "Vuxna", "Skolklasser", "Evenemang"]),
    ("Regionutvecklingsnämnden", "ru", "regional utveckling", "projekt",
     ["Näringsliv", "Forskning", "Kompetens", "Infrastruktur"]),
    ("Kollektivtrafiknämnden", "kt", "kollektivtrafik", "resor",
     ["Buss", "Spårvagn", "Tåg", "Närtrafik"]),
    ("Miljönämnden", "miljo", "miljö och klimat", "tillsynsbesök",
     ["Livsmedel", "Miljöfarlig verksamhet", "Hälsoskydd", "Naturvård"]),
    ("Folktandvården", "ftv", "tandvård", "behandlingar",
     ["Barn", "Unga vuxna", "Vuxna", "Äldre"]),
    ("Habiliteringen", "hab", "habilitering och hälsa", "insatser",
     ["Barn", "Ungdomar", "Vuxna", "Anhöriga"]),
    ("Primärvårdsnämnden", "pv", "primärvård", "listade",
     ["Vårdcentraler", "Barnavård", "Mödravård", "Rehabilitering"]),
    ("Psykiatrinämnden", "psyk", "psykiatri", "vårdtillfällen",
     ["Öppenvård", "Slutenvård", "Barn och unga", "Beroende"]),
    ("Fastighetsnämnden", "fast", "fastigheter och lokaler", "kvadratmeter",
     ["Vårdlokaler", "Kontor", "Skolor", "Övrigt"]),
    ("Servicenämnden", "service", "intern service", "uppdrag",
     ["IT", "Transport", "Städ", "Inköp"]),
    ("Utbildningsnämnden", "utb", "utbildning", "elever",
     ["Folkhögskola", "Naturbruk", "Vårdutbildning", "Uppdragsutbildning"]),
    ("Ambulanssjukvården", "amb", "prehospital vård", "uppdrag",
     ["Prio 1", "Prio 2", "Prio 3", "Transporter"]),
    ("Hjälpmedelsnämnden", "hjm", "hjälpmedel", "förskrivningar",
     ["Rörelse", "Kommunikation", "Syn och hörsel", "Vardag"]),
    ("Patientnämnden", "pat", "patientfrågor", "ärenden",
     ["Bemötande", "Vård och behandling", "Kommunikation", "Tillgänglighet"]),
    ("Sjukhusstyrelsen", "sjh", "specialiserad sjukvård", "vårdtillfällen",
     ["Medicin", "Kirurgi", "Barnsjukvård", "Akutmottagning"]),
    ("Beställarnämnden", "best", "beställning av vård", "avtal",
     ["Primärvård", "Specialistvård", "Rehabilitering", "Läkemedel"]),
    ("Laboratoriemedicin", "lab", "laboratoriemedicin", "analyser",
     ["Klinisk kemi", "Mikrobiologi", "Patologi", "Transfusion"]),
    ("Digitaliseringsnämnden", "dig", "digitalisering", "tjänster",
     ["E-tjänster", "Journalsystem", "Infrastruktur", "Support"]),
    ("Turistrådet", "tur", "besöksnäring", "gästnätter",
     ["Hotell", "Camping", "Stugor", "Vandrarhem"]),
]

DISTRICTS = [
    ("Göteborg", "gbg"), ("Sjuhärad", "sjh"), ("Skaraborg", "skb"), ("Fyrbodal", "fyr"),
    ("Norra Bohuslän", "nbo"), ("Södra Bohuslän", "sbo"), ("Dalsland", "dal"), ("Älvsborg", "alv"),
    ("Västra Hisingen", "vhi"), ("Östra Göteborg", "ogb"),
]

FIRST_NAMES = ["Anna", "Lars", "Karin", "Per", "Eva", "Mikael", "Maria", "Johan", "Sara", "Anders",
               "Lena", "Erik", "Ingrid", "Peter", "Åsa", "Magnus", "Helena", "Björn", "Sofia", "Göran"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
              "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Åberg"]
ROLES = ["Förvaltningschef", "Ekonomichef", "Verksamhetschef", "Controller", "Kvalitetschef",
         "Utvecklingsledare", "Nämndsekreterare"]

# Prose: sentences built from parts, so that paragraphs differ as in a real report.
OPENINGS = [
    "Under året har", "Sedan föregående år har", "Under det första halvåret har",
    "Under hösten har", "I samverkan med kommunerna har", "Inom ramen för uppdraget har",
    "Trots ett ansträngt ekonomiskt läge har", "Med stöd av statliga medel har",
    "Efter beslut i nämnden har", "I likhet med tidigare år har",
]
SUBJECTS = [
    "förvaltningen", "verksamheten", "nämnden", "medarbetarna", "ledningsgruppen",
    "enheterna", "styrgruppen", "projektorganisationen", "regionens verksamheter",
    "de lokala arbetsgrupperna",
]
ACTIONS = [
    "arbetat vidare med att förbättra tillgängligheten för invånarna",
    "genomfört en översyn av rutinerna för uppföljning och intern kontroll",
    "utvecklat samarbetet med kommunerna, högskolan och det civila samhället",
    "infört nya digitala arbetssätt som förenklar kontakterna med invånarna",
    "prioriterat kompetensförsörjningen och arbetat med att behålla medarbetare",
    "sett över lokalbehovet och planerat för de kommande årens investeringar",
    "fortsatt arbetet med att minska klimatpåverkan från resor och transporter",
    "tagit fram en ny handlingsplan för jämlikhet, jämställdhet och mångfald",
    "stärkt det förebyggande arbetet och insatserna för barn och unga",
    "genomfört medarbetarsamtal och följt upp resultaten av medarbetarenkäten",
    "anpassat verksamheten efter de nya föreskrifterna från Socialstyrelsen",
    "samordnat upphandlingar för att få bättre villkor och lägre kostnader",
]
CONSEQUENCES = [
    "vilket har gett märkbara resultat i uppföljningen",
    "men arbetet behöver fortsätta under de kommande åren",
    "och resultaten redovisas närmare i avsnittet om måluppfyllelse",
    "vilket bedöms stärka verksamhetens långsiktiga förutsättningar",
    "även om effekterna ännu inte går att mäta fullt ut",
    "och erfarenheterna sprids nu till fler enheter",
    "vilket också har uppmärksammats i den externa granskningen",
    "samtidigt som kostnaderna har hållits inom budget",
]
REFLECTIONS = [
    "Efterfrågan på verksamhetens tjänster fortsätter att öka, särskilt bland äldre invånare och i glesbygd.",
    "Sjukfrånvaron har minskat något jämfört med föregående år men ligger fortfarande över det regionala snittet.",
    "Rekryteringsläget är fortsatt svårt för flera yrkesgrupper, framför allt specialistsjuksköterskor och ingenjörer.",
    "Den demografiska utvecklingen innebär att behoven växer snabbare än de ekonomiska ramarna.",
    "Samverkan med kommunerna har fördjupats genom gemensamma planer och regelbundna dialogmöten.",
    "Invånarnas förtroende för verksamheten är högt enligt den senaste medborgarundersökningen.",
    "Investeringarna i nya lokaler och ny utrustning har delvis skjutits fram till nästa år.",
    "Det systematiska kvalitetsarbetet har utvecklats, och avvikelser följs nu upp varje månad.",
    "Kostnaderna för inhyrd personal har minskat tydligt efter ett målmedvetet arbete.",
    "Arbetet med den nya digitala plattformen har tagit längre tid än planerat.",
    "Ökade energikostnader och högre priser på material har påverkat resultatet negativt.",
    "Flera verksamheter har fått utmärkelser för sitt förbättringsarbete under året.",
]
HEADINGS_2 = [
    "Årets verksamhet", "Viktiga händelser", "Ekonomi", "Personal och kompetens",
    "Kvalitet och patientsäkerhet", "Miljö och hållbarhet", "Samverkan", "Framtiden",
]
HEADINGS_3 = [
    "Tillgänglighet", "Digitalisering", "Lokaler", "Arbetsmiljö", "Uppföljning",
    "Investeringar", "Jämställdhet", "Folkhälsa", "Upphandling", "Intern kontroll",
]
LIST_ITEMS = [
    "nya rutiner för uppföljning av avvikelser",
    "en gemensam plan för kompetensförsörjning",
    "utökade öppettider under sommaren",
    "ett pilotprojekt med digitala möten",
    "en översyn av avgifter och taxor",
    "utbildning i klarspråk för alla chefer",
    "samordnade transporter mellan enheterna",
    "en ny webbplats med bättre tillgänglighet",
    "en handlingsplan för minskad energianvändning",
    "regelbundna dialogmöten med brukarråden",
]
FOOTNOTES = [
    "Uppgifterna bygger på verksamhetens egen statistik och har inte granskats externt.",
    "Jämförelsen avser samma period föregående år, justerat för organisationsförändringar.",
    "Se även nämndens verksamhetsplan för det kommande året.",
    "Enligt Sveriges Kommuner och Regioners jämförelsedata för året.",
]


# Charts in the boards' chapters and the goal chart (`--no-charts` leaves them out).
CHARTS = True


def amount(n):
    """An integer written the Swedish way, as in the example: `-50 970`."""
    sign = "-" if n < 0 else ""
    digits = str(abs(n))
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + " ".join(groups)


def pair(a, b):
    return f"[{amount(a)}, {amount(b)}]"


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Writer:
    def __init__(self, root):
        self.root = root

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)


class Board:
    def __init__(self, index, rng):
        kind = BOARD_KINDS[index % len(BOARD_KINDS)]
        district = DISTRICTS[(index // len(BOARD_KINDS)) % len(DISTRICTS)]
        round_ = index // (len(BOARD_KINDS) * len(DISTRICTS))
        suffix = f" {round_ + 1}" if round_ else ""
        self.title = f"{kind[0]} {district[0]}{suffix}"
        self.id = f"{kind[1]}_{district[1]}" + (f"_{round_ + 1}" if round_ else "")
        self.field, self.unit, self.categories = kind[2], kind[3], kind[4]
        self.owner = f"{rng.choice(ROLES)} {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        # Statement figures in tkr, for 2013 and 2012.
        scale = rng.choice([1, 2, 5, 10, 20])
        self.intakter = [rng.randint(20_000, 90_000) * scale for _ in range(2)]
        self.kostnader = [-rng.randint(150_000, 400_000) * scale for _ in range(2)]
        self.avskrivningar = [-rng.randint(1_000, 9_000) * scale for _ in range(2)]
        self.netto = [self.intakter[i] + self.kostnader[i] + self.avskrivningar[i] for i in range(2)]
        # The board's budget (kommunbidrag) leaves a small surplus or deficit.
        self.bidrag = [-self.netto[i] + rng.randint(-3_000, 5_000) * scale for i in range(2)]
        self.resultat = [self.netto[i] + self.bidrag[i] for i in range(2)]
        # Its revenue note: the parts add up to the revenue line.
        parts = [rng.randint(10, 40) for _ in range(3)]
        self.revenue_parts = []
        for year in range(2):
            total = self.intakter[year]
            a = total * parts[0] // 100
            b = total * parts[1] // 100
            c = total * parts[2] // 100
            self.revenue_parts.append([a, b, c, total - a - b - c])
        self.staff = rng.randint(40, 2_500)
        self.sick_leave = f"{rng.randint(35, 85) // 10},{rng.randint(35, 85) % 10}"


def sentence(rng):
    return f"{rng.choice(OPENINGS)} {rng.choice(SUBJECTS)} {rng.choice(ACTIONS)}, {rng.choice(CONSEQUENCES)}."


def paragraph(rng, sentences=None):
    n = sentences or rng.randint(3, 6)
    parts = []
    for _ in range(n):
        parts.append(sentence(rng) if rng.random() < 0.6 else rng.choice(REFLECTIONS))
    # Some emphasis, as authors write it.
    if rng.random() < 0.3:
        i = rng.randrange(len(parts))
        words = parts[i].split(" ")
        j = rng.randrange(1, max(2, len(words) - 1))
        words[j] = f"*{words[j].rstrip(',.')}*" + ("," if words[j].endswith(",") else "")
        parts[i] = " ".join(words)
    return " ".join(parts)


def bullet_list(rng, nested=False):
    items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
    lines = [f"- {item}" for item in items]
    if nested:
        sub = rng.sample(LIST_ITEMS, 2)
        lines.insert(2, f"  - {sub[0]}")
        lines.insert(3, f"  - {sub[1]}")
    return "\n".join(lines)


def numbered_list(rng):
    return "\n".join(f"{i}. {item[0].upper()}{item[1:]}" for i, item in enumerate(rng.sample(LIST_ITEMS, 3), 1))


def front_matter(status, owner):
    return f"---\nstatus: {status}\nansvarig: {owner}\n---\n"


def board_chapter(board, rng, statements_file, footnote_counter):
    b = board.id
    out = [front_matter("klar" if rng.random() < 0.9 else "granskning", board.owner)]
    out.append(f"# {board.title}\n")
    out.append(f"{board.title} ansvarar för {board.field} i sitt område. " + paragraph(rng) + "\n")
    out.append("## Årets resultat\n")
    out.append(
        f"Nämnden redovisar ett resultat på {{{{ figures.{b}_rr.arets_resultat[\"2013\"] | belopp }}}} tkr, "
        f"mot {{{{ figures.{b}_rr.arets_resultat[\"2012\"] | belopp }}}} tkr året innan. "
        f"Verksamhetens intäkter uppgick till {{{{ figures.{b}_rr.intakter[\"2013\"] | belopp }}}} tkr och "
        f"nettokostnaderna till {{{{ figures.{b}_rr.nettokostnader[\"2013\"] | belopp }}}} tkr. "
        f"Nämnden hade {{{{ data.nyckeltal.{b}_anstallda | belopp }}}} anställda vid årets slut, och "
        f"sjukfrånvaron var {{{{ data.nyckeltal.{b}_sjukfranvaro | procent }}}}. "
        f"Resultaträkningen för hela regionen finns i [resultaträkningen]({statements_file}).\n"
    )
    out.append(f"{{{{ table(id=\"{b}_rr\") }}}}\n")
    if CHARTS:
        out.append(f"{{{{ chart(id=\"{b}_resultat\") }}}}\n")
    sections = rng.sample(HEADINGS_2[:-1], rng.randint(3, 5))
    for heading in sections:
        out.append(f"## {heading}\n")
        out.append(paragraph(rng) + "\n")
        for sub in rng.sample(HEADINGS_3, rng.randint(1, 3)):
            out.append(f"### {sub}\n")
            text = paragraph(rng)
            if rng.random() < 0.35:
                footnote_counter[0] += 1
                label = f"n{footnote_counter[0]}"
                text += f"[^{label}]"
                out.append(text + "\n")
                out.append(f"[^{label}]: {rng.choice(FOOTNOTES)}\n")
            else:
                out.append(text + "\n")
            roll = rng.random()
            if roll < 0.3:
                out.append("Under året har nämnden bland annat genomfört\n\n" + bullet_list(rng, rng.random() < 0.3) + "\n")
            elif roll < 0.45:
                out.append("Arbetet har skett i tre steg:\n\n" + numbered_list(rng) + "\n")
            elif roll < 0.55:
                out.append(f"> {rng.choice(REFLECTIONS)} {rng.choice(REFLECTIONS)}\n")
        if heading == "Personal och kompetens":
            out.append(personnel_table(board, rng) + "\n")
    out.append("## Mål och måluppfyllelse\n")
    out.append(paragraph(rng, 2) + "\n")
    out.append(f"{{{{ area(id=\"{b}\") }}}}\n")
    out.append(f"{{{{ goals(area=\"{b}\") }}}}\n")
    out.append(f"{{{{ goal_summary(area=\"{b}\") }}}}\n")
    out.append("## Verksamheten per kommun\n")
    out.append(paragraph(rng, 3) + "\n")
    out.append(f"{{{{ table(id=\"{b}_kommuner\") }}}}\n")
    if CHARTS:
        out.append(f"{{{{ chart(id=\"{b}_kommuner\") }}}}\n")
    out.append("## Framtiden\n")
    out.append(paragraph(rng) + "\n" + paragraph(rng) + "\n")
    return "\n".join(out)


def personnel_table(board, rng):
    rows = ["Tabell: Personal i siffror", "", "| Nyckeltal | 2013 | 2012 |", "| --- | ---: | ---: |"]
    for label in ["Tillsvidareanställda", "Visstidsanställda", "Nyanställda", "Avgångar"]:
        a = rng.randint(5, board.staff)
        rows.append(f"| {label} | {amount(a)} | {amount(a + rng.randint(-30, 30))} |")
    return "\n".join(rows)


def statements(boards, rng):
    """resultatrakning.yaml, balansrakning.yaml and noter.yaml, consistent to the krona."""
    n = len(boards)
    sums = lambda attr: [sum(getattr(b, attr)[i] for b in boards) for i in range(2)]
    intakter, kostnader, avskr, bidrag = sums("intakter"), sums("kostnader"), sums("avskrivningar"), sums("bidrag")
    netto = [intakter[i] + kostnader[i] + avskr[i] for i in range(2)]
    # The boards' budget is financed by taxes and state grants.
    skatt = [bidrag[i] * 7 // 10 for i in range(2)]
    statsbidrag = [bidrag[i] - skatt[i] for i in range(2)]
    fin_int = [rng.randint(5_000, 40_000) for _ in range(2)]
    fin_kost = [rng.randint(5_000, 60_000) for _ in range(2)]
    resultat = [netto[i] + skatt[i] + statsbidrag[i] + fin_int[i] - fin_kost[i] for i in range(2)]

    rr = [
        "# Resultaträkningar 2013 och 2012, belopp i tkr. Genererad för prestandamätning.",
        "defaults:", "  unit: tkr", '  columns: ["2013", "2012"]', "  tolerance: 0", "", "tables:",
        "  - id: rr", "    title: Resultaträkning, regionen totalt", "    rows:",
        "      - {id: intakter, label: Verksamhetens intäkter, note: intakter}",
        "      - {id: kostnader, label: Verksamhetens kostnader, note: kostnader, sign: negative}",
        "      - {id: avskrivningar, label: Avskrivningar, note: avskrivningar, sign: negative}",
        "      - id: nettokostnader", "        label: Verksamhetens nettokostnader",
        "        sum: [intakter, kostnader, avskrivningar]", f"        claimed: {pair(*netto)}",
        "      - {id: skatteintakter, label: Skatteintäkter, note: skatteintakter}",
        "      - {id: statsbidrag, label: Generella statsbidrag och utjämning, note: statsbidrag}",
        "      - {id: finansiella_intakter, label: Finansiella intäkter, note: finansiella_intakter}",
        "      - {id: finansiella_kostnader, label: Finansiella kostnader, note: finansiella_kostnader, sign: negative}",
        "      - id: arets_resultat", "        label: Årets resultat",
        "        sum: [nettokostnader, skatteintakter, statsbidrag, finansiella_intakter, finansiella_kostnader]",
        f"        claimed: {pair(*resultat)}", "",
    ]
    for b in boards:
        rr += [
            f"  - id: {b.id}_rr", f"    title: {quote('Resultaträkning, ' + b.title)}", "    rows:",
            f"      - {{id: intakter, label: Verksamhetens intäkter, note: {b.id}_intakter}}",
            f"      - {{id: kostnader, label: Verksamhetens kostnader, values: {pair(*b.kostnader)}}}",
            f"      - {{id: avskrivningar, label: Avskrivningar, values: {pair(*b.avskrivningar)}}}",
            "      - {id: nettokostnader, label: Verksamhetens nettokostnader, sum: [intakter, kostnader, avskrivningar], "
            f"claimed: {pair(*b.netto)}}}",
            f"      - {{id: kommunbidrag, label: Regionbidrag, values: {pair(*b.bidrag)}}}",
            "      - {id: arets_resultat, label: Årets resultat, sum: [nettokostnader, kommunbidrag], "
            f"claimed: {pair(*b.resultat)}}}",
            "",
        ]
    rr += ["checks:", "  # Nämndernas nettokostnader är regionens."]
    rr.append("  - rr.nettokostnader = " + " + ".join(f"{b.id}_rr.nettokostnader" for b in boards))
    rr.append("  - rr.skatteintakter + rr.statsbidrag = " + " + ".join(f"{b.id}_rr.kommunbidrag" for b in boards))

    # Balance sheet: the short-term debts balance it.
    byggnader_in = [rng.randint(2_000_000, 4_000_000) * max(1, n // 20)]
    inv = [rng.randint(100_000, 600_000) * max(1, n // 20) for _ in range(2)]
    # 2012: in, +inv, +avskr (negative) = out; 2013 starts where 2012 ended.
    b12_in = byggnader_in[0]
    b12_out = b12_in + inv[1] + avskr[1]
    b13_in = b12_out
    b13_out = b13_in + inv[0] + avskr[0]
    fordringar = [[rng.randint(50_000, 400_000) * max(1, n // 20) for _ in range(3)] for _ in range(2)]
    kassa = [rng.randint(100_000, 900_000) * max(1, n // 20) for _ in range(2)]
    ek12_in = rng.randint(1_000_000, 3_000_000) * max(1, n // 20)
    ek12_out = ek12_in + resultat[1]
    ek13_out = ek12_out + resultat[0]
    pension = [rng.randint(300_000, 900_000) * max(1, n // 20) for _ in range(2)]
    langfristiga = [rng.randint(200_000, 800_000) * max(1, n // 20) for _ in range(2)]
    tillgangar = [
        b13_out + sum(fordringar[0]) + kassa[0],
        b12_out + sum(fordringar[1]) + kassa[1],
    ]
    ek = [ek13_out, ek12_out]
    kort_total = [tillgangar[i] - ek[i] - pension[i] - langfristiga[i] for i in range(2)]
    kort_parts = []
    for i in range(2):
        lev = abs(kort_total[i]) // 3
        sem = abs(kort_total[i]) // 4
        kort_parts.append([lev, sem, kort_total[i] - lev - sem])

    br = [
        "# Balansräkning per den 31 december, belopp i tkr. Genererad för prestandamätning.",
        "defaults:", "  unit: tkr", '  columns: ["2013", "2012"]', "  tolerance: 0", "", "tables:",
        "  - id: br", "    title: Balansräkning", "    rows:",
        "      - {label: Tillgångar, heading: true}",
        "      - {id: byggnader, label: \"Mark, byggnader och tekniska anläggningar\", note: byggnader}",
        "      - {id: fordringar, label: Fordringar, note: fordringar}",
        "      - {id: kassa, label: Kassa och bank, note: kassa}",
        "      - id: summa_tillgangar", "        label: Summa tillgångar",
        "        sum: [byggnader, fordringar, kassa]", f"        claimed: {pair(*tillgangar)}",
        "      - {label: \"Eget kapital, avsättningar och skulder\", heading: true}",
        "      - {id: eget_kapital, label: Eget kapital, note: eget_kapital}",
        "      - {id: darav_arets_resultat, label: därav årets resultat, from: rr.arets_resultat, total: false}",
        "      - {id: pensioner, label: Avsättningar för pensioner, note: pensioner}",
        "      - {id: langfristiga, label: Långfristiga skulder, note: langfristiga}",
        "      - {id: kortfristiga, label: Kortfristiga skulder, note: kortfristiga}",
        "      - id: summa_ek_skulder", "        label: Summa eget kapital, avsättningar och skulder",
        "        sum: [eget_kapital, pensioner, langfristiga, kortfristiga]",
        f"        claimed: {pair(*tillgangar)}", "",
        "checks:", "  - br.summa_tillgangar = br.summa_ek_skulder",
    ]

    notes = [
        "# Noter till resultat- och balansräkningen, belopp i tkr. Genererad för prestandamätning.",
        "defaults:", "  unit: tkr", '  columns: ["2013", "2012"]', "  tolerance: 0", "", "notes:",
    ]

    def per_board_note(nid, title, attr, negate):
        lines = [f"  - id: {nid}", f"    title: {title}", "    rows:"]
        for b in boards:
            v = getattr(b, attr)
            v = [-x for x in v] if negate else v
            lines.append(f"      - {{label: {quote(b.title)}, values: {pair(*v)}}}")
        total = sums(attr)
        total = [-x for x in total] if negate else total
        lines.append(f"      - {{id: summa, label: Summa, sum: all, claimed: {pair(*total)}}}")
        return lines + [""]

    notes += per_board_note("intakter", "Verksamhetens intäkter", "intakter", False)
    notes += per_board_note("kostnader", "Verksamhetens kostnader", "kostnader", True)
    notes += per_board_note("avskrivningar", "Avskrivningar", "avskrivningar", True)
    skatt_parts = [[s * 97 // 100, s - s * 97 // 100] for s in skatt]
    notes += [
        "  - id: skatteintakter", "    title: Skatteintäkter", "    rows:",
        f"      - {{label: Preliminär regionalskatt, values: {pair(skatt_parts[0][0], skatt_parts[1][0])}}}",
        f"      - {{label: Slutavräkning, values: {pair(skatt_parts[0][1], skatt_parts[1][1])}}}",
        f"      - {{id: summa, label: Summa, sum: all, claimed: {pair(*skatt)}}}", "",
        "  - id: statsbidrag", "    title: Generella statsbidrag och utjämning", "    rows:",
        f"      - {{label: Inkomstutjämning, values: {pair(statsbidrag[0] // 2, statsbidrag[1] // 2)}}}",
        "      - {label: Kostnadsutjämning, values: "
        f"{pair(statsbidrag[0] - statsbidrag[0] // 2, statsbidrag[1] - statsbidrag[1] // 2)}}}",
        f"      - {{id: summa, label: Summa, sum: all, claimed: {pair(*statsbidrag)}}}", "",
        "  - id: finansiella_intakter", "    title: Finansiella intäkter", "    rows:",
        f"      - {{label: Ränteintäkter, values: {pair(*fin_int)}}}", "",
        "  - id: finansiella_kostnader", "    title: Finansiella kostnader", "    rows:",
        f"      - {{label: Räntekostnader, values: {pair(fin_kost[0] // 3, fin_kost[1] // 3)}}}",
        "      - {label: Ränta på pensionsskuld, values: "
        f"{pair(fin_kost[0] - fin_kost[0] // 3, fin_kost[1] - fin_kost[1] // 3)}}}",
        f"      - {{id: summa, label: Summa, sum: all, claimed: {pair(*fin_kost)}}}", "",
        "  - id: byggnader", "    title: \"Mark, byggnader och tekniska anläggningar\"", "    rows:",
        f"      - {{id: ingaende, label: Ingående balans, values: {pair(b13_in, b12_in)}}}",
        f"      - {{id: investeringar, label: Investeringar, values: {pair(*inv)}}}",
        "      - {id: avskrivningar, label: Avskrivningar, from: rr.avskrivningar}",
        f"      - {{id: utgaende, label: Utgående balans, sum: [ingaende, investeringar, avskrivningar], "
        f"claimed: {pair(b13_out, b12_out)}}}", "",
        "  - id: fordringar", "    title: Fordringar", "    rows:",
        f"      - {{label: Kundfordringar, values: {pair(fordringar[0][0], fordringar[1][0])}}}",
        f"      - {{label: Statsbidragsfordringar, values: {pair(fordringar[0][1], fordringar[1][1])}}}",
        f"      - {{label: Förutbetalda kostnader och upplupna intäkter, values: {pair(fordringar[0][2], fordringar[1][2])}}}",
        f"      - {{id: summa, label: Summa, sum: all, claimed: {pair(sum(fordringar[0]), sum(fordringar[1]))}}}", "",
        "  - id: kassa", "    title: Kassa och bank", "    rows:",
        f"      - {{label: Bankkonton, values: {pair(*kassa)}}}", "",
        "  - id: eget_kapital", "    title: Eget kapital", "    rows:",
        f"      - {{id: ingaende, label: Ingående eget kapital, values: {pair(ek12_out, ek12_in)}}}",
        "      - {id: arets_resultat, label: Årets resultat, from: rr.arets_resultat}",
        "      - {id: utgaende, label: Utgående eget kapital, sum: [ingaende, arets_resultat], "
        f"claimed: {pair(ek13_out, ek12_out)}}}", "",
        "  - id: pensioner", "    title: Avsättningar för pensioner", "    rows:",
        f"      - {{label: Pensioner inklusive löneskatt, values: {pair(*pension)}}}", "",
        "  - id: langfristiga", "    title: Långfristiga skulder", "    rows:",
        f"      - {{label: Lån i Kommuninvest, values: {pair(*langfristiga)}}}", "",
        "  - id: kortfristiga", "    title: Kortfristiga skulder", "    rows:",
        f"      - {{label: Leverantörsskulder, values: {pair(kort_parts[0][0], kort_parts[1][0])}}}",
        f"      - {{label: Semesterlöneskuld, values: {pair(kort_parts[0][1], kort_parts[1][1])}}}",
        f"      - {{label: Övriga kortfristiga skulder, values: {pair(kort_parts[0][2], kort_parts[1][2])}}}",
        f"      - {{id: summa, label: Summa, sum: all, claimed: {pair(*kort_total)}}}", "",
    ]
    for b in boards:
        notes += [
            f"  - id: {b.id}_intakter", f"    title: {quote('Verksamhetens intäkter, ' + b.title)}", "    rows:",
        ]
        for label, i in [("Patientavgifter och taxor", 0), ("Statliga bidrag", 1), ("Försäljning av tjänster", 2),
                         ("Övriga intäkter", 3)]:
            notes.append(f"      - {{label: {label}, values: {pair(b.revenue_parts[0][i], b.revenue_parts[1][i])}}}")
        notes.append(f"      - {{id: summa, label: Summa, sum: all, claimed: {pair(*b.intakter)}}}")
        notes.append("")
    notes += [
        "checks:",
        "  - byggnader.ingaende[2013] = byggnader.utgaende[2012]",
        "  - eget_kapital.ingaende[2013] = eget_kapital.utgaende[2012]",
        "  - rr.intakter = " + " + ".join(f"{b.id}_rr.intakter" for b in boards),
    ]
    return "\n".join(rr) + "\n", "\n".join(br) + "\n", "\n".join(notes) + "\n"


def municipality_tables(boards, rng):
    lines = [
        "# Verksamheten per kommun och kategori (antal). Genererad för prestandamätning.",
        "defaults:", "  unit: antal", "", "tables:",
    ]
    for b in boards:
        places = MUNICIPALITIES if rng.random() < 0.5 else rng.sample(MUNICIPALITIES, rng.randint(10, 25))
        places = sorted(places, key=MUNICIPALITIES.index)
        lines += [
            f"  - id: {b.id}_kommuner",
            f"    title: {quote(b.unit.capitalize() + ' per kommun och kategori 2013, ' + b.title)}",
            # A blank cell means no visits: the totals add it as 0.
            "    row_label: Kommun", "    row_total: Summa", "    empty_is_zero: true", "    columns:",
        ]
        for i, c in enumerate(b.categories):
            lines.append(f"      - {{id: k{i}, label: {quote(c)}}}")
        lines.append("    rows:")
        totals = [0] * len(b.categories)
        for place in places:
            values = []
            for i in range(len(b.categories)):
                if rng.random() < 0.08:
                    values.append(None)
                else:
                    v = rng.randint(0, 20_000)
                    totals[i] += v
                    values.append(v)
            cells = ", ".join("~" if v is None else amount(v) for v in values)
            row_sum = sum(v for v in values if v is not None)
            claimed = f", claimed: {{summa: {amount(row_sum)}}}" if rng.random() < 0.5 else ""
            lines.append(f"      - {{label: {quote(place)}, values: [{cells}]{claimed}}}")
        lines.append(
            f"      - {{id: summa, label: Summa, sum: all, claimed: [{', '.join(amount(t) for t in totals)}, "
            f"{amount(sum(totals))}]}}"
        )
        lines.append("")
    return "\n".join(lines)


def charts_file(boards):
    """Two charts per board (its result, a column of its table per kommun) and
    the goal fulfilment of all boards: charts only point at existing figures."""
    lines = ["# Diagram över tabellernas siffror. Genererad för prestandamätning.", "charts:"]
    for b in boards:
        lines += [
            f"  - {{id: {b.id}_resultat, type: grouped, title: {quote('Intäkter och nettokostnader, ' + b.title)}, "
            f"series: [{{row: {b.id}_rr.intakter}}, {{row: {b.id}_rr.nettokostnader}}]}}",
            f"  - {{id: {b.id}_kommuner, type: bar, horizontal: true, "
            f"title: {quote(b.categories[0] + ' per kommun 2013, ' + b.title)}, "
            f"series: [{{column: \"{b.id}_kommuner[k0]\"}}]}}",
        ]
    lines.append("  - {id: maluppfyllelse, type: stacked, horizontal: true, title: Måluppfyllelse per nämnd, "
                 "source: {goals: mal, by: area}}")
    return "\n".join(lines) + "\n"


def goals_file(boards, rng):
    lines = [
        "# Mål och måluppföljning 2013 per nämnd. Genererad för prestandamätning.",
        "strategic_goals:",
        "  - {id: tillganglighet, title: God tillgänglighet för alla invånare}",
        "  - {id: hallbarhet, title: En hållbar region}",
        "  - {id: kompetens, title: Attraktiv arbetsgivare}",
        "partly_from: 75 %",
        "record_fields:",
        "  - {id: uppdrag, label: Uppdrag}",
        "  - {id: aktiviteter, label: Viktiga aktiviteter}",
        "  - {id: uppfoljning, label: Hur mäta}",
        "areas:",
    ]
    strategic = ["tillganglighet", "hallbarhet", "kompetens"]
    for b in boards:
        lines += [
            f"  - id: {b.id}",
            f"    title: {quote(b.title)}",
            "    record:",
            f"      uppdrag: {quote(f'Att ansvara för {b.field} med god kvalitet och hushållning med resurserna.')}",
            "      aktiviteter:",
        ]
        for item in rng.sample(LIST_ITEMS, 3):
            lines.append(f"        - {quote(item[0].upper() + item[1:])}")
        lines += [
            f"      uppfoljning: {quote(f'Antal {b.unit} per kommun, enkäter och verksamhetens egen statistik.')}",
            "    goals:",
        ]
        for g in range(rng.randint(6, 12)):
            title = rng.choice(LIST_ITEMS)
            unit = b.unit
            kind = rng.choice(["at_least", "at_least", "at_most", "about", "range", "change", "done"])
            lines += [f"      - id: mal{g + 1}", f"        title: {quote(title.capitalize())}"]
            if rng.random() < 0.4:
                lines.append(f"        strategic: [{rng.choice(strategic)}]")
            base = rng.randint(100, 50_000)
            outcome = base * rng.randint(60, 130) // 100
            if kind == "at_least":
                target = f"{{at_least: {amount(base)}, unit: {unit}, period: 2013}}"
            elif kind == "at_most":
                target = f"{{at_most: {amount(base)}, unit: {unit}, period: 2013}}"
            elif kind == "about":
                target = f"{{about: {amount(base)}, tolerance: 10 %, unit: {unit}, period: 2013}}"
            elif kind == "range":
                target = f"{{range: [{amount(base)}, {amount(base * 12 // 10)}], unit: {unit}, period: 2013}}"
            elif kind == "change":
                target = f"{{change: +5 %, baseline: {amount(base)}, unit: {unit}, period: 2013}}"
            else:
                target = "{done: true, period: 2013}"
            lines.append(f"        target: {target}")
            comment = f", comment: {quote(rng.choice(REFLECTIONS))}" if rng.random() < 0.5 else ""
            if kind == "done":
                lines.append(f"        outcome: {{done: {rng.choice(['true', 'true', 'false', 'partly'])}{comment}}}")
            else:
                lines.append(f"        outcome: {{value: {amount(outcome)}, unit: {unit}{comment}}}")
    return "\n".join(lines) + "\n"


def key_figures(boards, rng):
    lines = ["# Nyckeltal som används i löptexten. Genererad för prestandamätning.",
             f"invanare: {amount(1_700_000 + rng.randint(0, 50_000))}",
             f"skattesats: 11,48",
             f"antal_anstallda: {amount(sum(b.staff for b in boards))}"]
    for b in boards:
        lines.append(f"{b.id}_anstallda: {amount(b.staff)}")
        lines.append(f"{b.id}_sjukfranvaro: {b.sick_leave}")
    return "\n".join(lines) + "\n"


def common_chapters(boards, rng, files):
    """The chapters every report has, around the boards' chapters."""
    chapters = {}
    ordf = [front_matter("klar", "Regionstyrelsens ordförande"), "# Regionstyrelsens ordförande har ordet\n"]
    for _ in range(4):
        ordf.append(paragraph(rng) + "\n")
    ordf.append(f"> {rng.choice(REFLECTIONS)}\n")
    ordf.append(paragraph(rng) + "\n")
    chapters["ordforande"] = "\n".join(ordf)

    fb = [front_matter("klar", "Regiondirektör"), "# Förvaltningsberättelse\n", "## Översikt\n"]
    fb.append(
        "Regionen har {{ data.nyckeltal.invanare | belopp }} invånare och en skattesats på "
        "{{ data.nyckeltal.skattesats | belopp(decimaler=2) }} kronor. Antalet anställda var "
        "{{ data.nyckeltal.antal_anstallda | belopp }} vid årets slut. " + paragraph(rng) + "\n"
    )
    fb.append("## Ekonomiskt resultat\n")
    fb.append(
        "Regionen redovisar ett resultat på {{ figures.rr.arets_resultat[\"2013\"] | belopp }} tkr, "
        "mot {{ figures.rr.arets_resultat[\"2012\"] | belopp }} tkr året innan. Skatteintäkterna uppgick till "
        "{{ figures.rr.skatteintakter[\"2013\"] | belopp }} tkr. Nämndernas resultat redovisas i "
        f"[respektive kapitel]({files['first_board']}) och i [noterna]({files['notes']}).\n"
    )
    fb.append("Tabell: Nämndernas resultat 2013 (tkr)\n\n| Nämnd | Resultat 2013 | Resultat 2012 |\n| --- | ---: | ---: |")
    for b in boards:
        fb.append(
            f"| {b.title} | {{{{ figures.{b.id}_rr.arets_resultat[\"2013\"] | belopp }}}} | "
            f"{{{{ figures.{b.id}_rr.arets_resultat[\"2012\"] | belopp }}}} |"
        )
    fb.append("")
    for heading in ["Väsentliga händelser", "Personal", "Förväntad utveckling"]:
        fb.append(f"## {heading}\n")
        fb.append(paragraph(rng) + "\n")
        fb.append(bullet_list(rng, True) + "\n")
        fb.append(paragraph(rng) + "\n")
    fb.append("## God ekonomisk hushållning\n")
    fb.append(paragraph(rng, 3) + "\n")
    fb.append("{{ goal_summary() }}\n")
    if CHARTS:
        fb.append("## Måluppfyllelse\n")
        fb.append("{{ goal_legend() }}\n")
        fb.append("{{ chart(id=\"maluppfyllelse\") }}\n")
    chapters["forvaltningsberattelse"] = "\n".join(fb)

    rr = [front_matter("klar", "Ekonomidirektör"), "# Resultaträkning\n"]
    rr.append(
        "Alla belopp anges i tusentals kronor (tkr). Regionens verksamhetens intäkter uppgick till "
        "{{ figures.rr.intakter[\"2013\"] | belopp }} tkr och nettokostnaderna till "
        "{{ figures.rr.nettokostnader[\"2013\"] | belopp }} tkr. Nämndernas egna resultaträkningar finns i "
        "deras kapitel.\n"
    )
    rr.append("{{ table(id=\"rr\") }}\n")
    chapters["resultatrakning"] = "\n".join(rr)

    br = [front_matter("klar", "Ekonomidirektör"), "# Balansräkning\n"]
    br.append(
        "Belopp i tusentals kronor (tkr) per den 31 december. Balansomslutningen uppgick till "
        "{{ figures.br.summa_tillgangar[\"2013\"] | belopp }} tkr och det egna kapitalet till "
        "{{ figures.eget_kapital.utgaende[\"2013\"] | belopp }} tkr.\n"
    )
    br.append("{{ table(id=\"br\") }}\n")
    chapters["balansrakning"] = "\n".join(br)

    notes = [front_matter("klar", "Ekonomidirektör"), "# Noter\n",
             "Belopp i tusentals kronor (tkr).\n", "{{ notes() }}\n"]
    chapters["noter"] = "\n".join(notes)
    return chapters


def generate(pages, root, seed):
    rng = random.Random(seed)
    n_boards = max(1, round((pages - FIXED_PAGES) / PAGES_PER_BOARD))
    boards = [Board(i, rng) for i in range(n_boards)]
    w = Writer(root)

    width = len(str(n_boards + 6))
    names = {}
    order = ["ordforande", "forvaltningsberattelse"] + [b.id for b in boards] + ["resultatrakning", "balansrakning", "noter"]
    for i, key in enumerate(order, 1):
        slug = key.replace("_", "-")
        names[key] = f"{i:0{width}d}-{slug}.md"
    files = {"first_board": names[boards[0].id], "notes": names["noter"], "rr": names["resultatrakning"]}

    w.write("content/report.yaml", "\n".join([
        "# Syntetiskt projekt för prestandamätning (tests/bench/generate.py).",
        "organisation: Västra regionen",
        "subtitle: Syntetisk årsredovisning",
        f"title: Årsredovisning 2013 ({pages} sidor)",
        "kind: arsredovisning",
        "year: 2013",
        "decision:",
        "  body: Regionfullmäktige",
        "  date: 2014-04-15",
        "language: sv",
        f"description: En syntetisk årsredovisning på omkring {pages} sidor för att mäta byggtiden.",
        "accessibility_statement: https://www.example.org/tillganglighetsredogorelse",
        "contact: mailto:info@example.org",
        "",
    ]))
    for key, text in common_chapters(boards, rng, files).items():
        w.write(f"content/chapters/{names[key]}", text)
    counter = [0]
    for b in boards:
        w.write(f"content/chapters/{names[b.id]}", board_chapter(b, rng, files["rr"], counter))
    rr, br, notes = statements(boards, rng)
    w.write("content/data/resultatrakning.yaml", rr)
    w.write("content/data/balansrakning.yaml", br)
    w.write("content/data/noter.yaml", notes)
    w.write("content/data/statistik.yaml", municipality_tables(boards, rng))
    w.write("content/data/mal.yaml", goals_file(boards, rng))
    if CHARTS:
        w.write("content/data/diagram.yaml", charts_file(boards))
    w.write("content/data/nyckeltal.yaml", key_figures(boards, rng))
    return n_boards


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=int, help="about how many pages the report should have")
    parser.add_argument("dir", help="the project folder to create")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--no-charts", action="store_true", help="leave out the charts (to measure what they cost)")
    args = parser.parse_args()
    global CHARTS
    CHARTS = not args.no_charts
    if args.pages < 1:
        parser.error("PAGES must be at least 1")
    if os.path.exists(args.dir) and os.listdir(args.dir):
        parser.error(f"{args.dir} exists and is not empty")
    boards = generate(args.pages, args.dir, args.seed)
    print(f"{args.dir}: {boards} boards for about {args.pages} pages", file=sys.stderr)


if __name__ == "__main__":
    main()

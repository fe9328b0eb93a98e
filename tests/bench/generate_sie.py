#!/usr/bin/env python3
"""Generates a synthetic kommun's SIE 4 export with ROWS #TRANS lines, and its
known answer, for the ledger benchmark and tests.

    python3 tests/bench/generate_sie.py ROWS FILE.se [--answer FILE.json] [--seed S]

The kommun is invented ("Exempelby kommun"). Its accounts follow the account
groups of Kommun-Bas (SKR's chart for kommuner), simplified: one or two
accounts per group, classes 1–2 balance sheet, 3–7 verksamhet, 8 skatter,
utjämning and finans. Dimension 1 holds the nämnder (every row of a result
account in classes 3–7 carries one), dimension 6 a few projects. Every voucher
balances; #UB is #IB plus the year's rows and #RES the year's rows, so the
file is consistent. A few vouchers carry an #RTRANS row with its repetition
as #TRANS (counted once) and a #BTRANS row (never summed).

The answer (JSON) gives what a correct reader finds: the number of vouchers
and of counted rows, each account's sum of rows, and each (account, nämnd)
sum. The file is code page 437 (#FORMAT PC8) and depends only on ROWS and the
seed. Standard library only.
"""

import argparse
import json
import random

NAMNDER = [
    ("100", "Kommunstyrelsen"),
    ("200", "Barn- och utbildningsnämnden"),
    ("300", "Socialnämnden"),
    ("400", "Tekniska nämnden"),
    ("500", "Kultur- och fritidsnämnden"),
    ("600", "Miljö- och byggnadsnämnden"),
]
PROJEKT = [("P01", "Ny förskola Ängen"), ("P02", "Gång- och cykelväg Åby"), ("P03", "Digitalisering")]

BALANCE = [
    ("1110", "Markreserv och byggnader", "T"),
    ("1210", "Maskiner och inventarier", "T"),
    ("1310", "Aktier i kommunala bolag", "T"),
    ("1510", "Kundfordringar", "T"),
    ("1930", "Bank", "T"),
    ("2010", "Eget kapital", "S"),
    ("2230", "Avsättning för pensioner", "S"),
    ("2310", "Lån hos kreditinstitut", "S"),
    ("2440", "Leverantörsskulder", "S"),
    ("2710", "Personalens källskatt", "S"),
]
INCOME = [
    ("3110", "Försäljning av verksamhet", "I"),
    ("3410", "Taxor och avgifter", "I"),
    ("3510", "Hyror och arrenden", "I"),
    ("3610", "Bidrag från staten", "I"),
]
COST = [
    ("4010", "Material och varor", "K"),
    ("5010", "Löner månadsavlönade", "K"),
    ("5410", "Sociala avgifter", "K"),
    ("6410", "Lokalhyror", "K"),
    ("7010", "Köp av huvudverksamhet", "K"),
    ("7810", "Avskrivningar", "K"),
]
FINANCE = [
    ("8010", "Kommunalskatt", "I"),
    ("8210", "Inkomstutjämning", "I"),
    ("8410", "Ränteintäkter", "I"),
    ("8510", "Räntekostnader", "K"),
]


def amount(ore):
    sign = "-" if ore < 0 else ""
    return f"{sign}{abs(ore) // 100}.{abs(ore) % 100:02d}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rows", type=int, help="#TRANS lines, at least 2")
    parser.add_argument("file")
    parser.add_argument("--answer", help="where to write the known answer (JSON)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rows = max(2, args.rows)

    sums = {}          # account -> öre
    by_namnd = {}      # (account, nämnd) -> öre
    vouchers = 0
    counted = 0
    body = []

    def row(label, account, ore, objects, date, text=""):
        body.append(f'   {label} {account} {{{objects}}} {amount(ore)} {date} "{text}"\n')

    def count(account, ore, namnd):
        sums[account] = sums.get(account, 0) + ore
        if namnd:
            by_namnd[(account, namnd)] = by_namnd.get((account, namnd), 0) + ore

    remaining = rows
    while remaining > 0:
        size = min(rng.randint(2, 6), remaining)
        if remaining - size == 1:
            size = remaining
        remaining -= size
        vouchers += 1
        month = rng.randint(1, 12)
        date = f"2024{month:02d}{rng.randint(1, 28):02d}"
        kind = rng.random()
        body.append(f'#VER "A" {vouchers} {date} "Verifikation {vouchers}"\n{{\n')
        lines = []  # (account, öre, nämnd or None, project or None)
        if kind < 0.1:
            # Skatt and utjämning, paid into the bank.
            for _ in range(size - 1):
                account = rng.choice(FINANCE[:2])[0]
                lines.append((account, -rng.randint(10_000_00, 500_000_00), None, None))
            lines.append(("1930", -sum(o for _, o, _, _ in lines), None, None))
        elif kind < 0.35:
            # Income of a nämnd, to kundfordringar.
            for _ in range(size - 1):
                lines.append((rng.choice(INCOME)[0], -rng.randint(1_00, 20_000_00), rng.choice(NAMNDER)[0], None))
            lines.append(("1510", -sum(o for _, o, _, _ in lines), None, None))
        else:
            # Costs of a nämnd, some on a project, to leverantörsskulder or the bank.
            for _ in range(size - 1):
                project = rng.choice(PROJEKT)[0] if rng.random() < 0.1 else None
                lines.append((rng.choice(COST)[0], rng.randint(1_00, 60_000_00), rng.choice(NAMNDER)[0], project))
            lines.append((rng.choice(["2440", "1930"]), -sum(o for _, o, _, _ in lines), None, None))
        special = vouchers % 500 == 0 and size >= 3
        for i, (account, ore, namnd, project) in enumerate(lines):
            objects = " ".join(
                ([f'1 "{namnd}"'] if namnd else []) + ([f'6 "{project}"'] if project else [])
            )
            if special and i == 0:
                # A row removed afterwards, never summed, and the row added instead.
                row("#BTRANS", account, ore + 100_00, objects, date, "borttagen")
                row("#RTRANS", account, ore, objects, date, "tillagd")
            row("#TRANS", account, ore, objects, date)
            count(account, ore, namnd)
            counted += 1
        body.append("}\n")

    # Opening balances that balance (eget kapital takes the difference).
    opening = {a: rng.randint(-900_000_000_00, 900_000_000_00) for a, _, _ in BALANCE if a != "2010"}
    opening["2010"] = -sum(opening.values())

    head = [
        "#FLAGGA 0\n",
        '#PROGRAM "arsrapport tests/bench/generate_sie.py" 1\n',
        "#FORMAT PC8\n",
        "#GEN 20250131\n",
        "#SIETYP 4\n",
        '#FNAMN "Exempelby kommun (påhittad)"\n',
        "#ORGNR 212000-0000\n",
        "#KPTYP KOMMUNBAS\n",
        "#RAR 0 20240101 20241231\n",
        "#RAR -1 20230101 20231231\n",
        '#DIM 1 "Ansvar (nämnd)"\n',
    ]
    head += [f'#OBJEKT 1 "{n}" "{name}"\n' for n, name in NAMNDER]
    head.append("#DIM 6 Projekt\n")
    head += [f'#OBJEKT 6 "{n}" "{name}"\n' for n, name in PROJEKT]
    for account, name, kind in BALANCE + INCOME + COST + FINANCE:
        head.append(f'#KONTO {account} "{name}"\n#KTYP {account} {kind}\n')
    for account, _, _ in BALANCE:
        head.append(f"#IB 0 {account} {amount(opening[account])}\n")
        head.append(f"#UB 0 {account} {amount(opening[account] + sums.get(account, 0))}\n")
    for account, _, _ in INCOME + COST + FINANCE:
        if account in sums:
            head.append(f"#RES 0 {account} {amount(sums[account])}\n")

    with open(args.file, "wb") as out:
        out.write("".join(head).encode("cp437"))
        chunk = []
        for line in body:
            chunk.append(line)
            if len(chunk) >= 10_000:
                out.write("".join(chunk).encode("cp437"))
                chunk = []
        out.write("".join(chunk).encode("cp437"))

    if args.answer:
        answer = {
            "trans_lines": rows,
            "vouchers": vouchers,
            "rows": counted,
            "sums": {a: amount(o) for a, o in sorted(sums.items())},
            "by_namnd": {f"{a} {n}": amount(o) for (a, n), o in sorted(by_namnd.items())},
            "opening": {a: amount(o) for a, o in sorted(opening.items())},
        }
        with open(args.answer, "w") as out:
            json.dump(answer, out, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()

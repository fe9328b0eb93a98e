//! Where typst placed the text of every table: no laid-out text leaves its
//! cell, in both documents of the example and in a generated large report.
//!
//! The documents are laid out in-process, through the library, and the
//! positions come from typst's frames: each table cell's start tag gives its
//! origin, the table's columns (the widths the theme fitted) give its width,
//! and the next row's origin on the same page its foot. Every run of text
//! inside a cell must lie within that box.
//!
//! Made to fail by reverting the measurers' split on breakable spaces only
//! (`whitespace` in themes/default/typst/lib.typ and `is_break_space` in
//! src/render/measure.rs): "minst 500 lärarutbildningsdagar" then ran 14pt
//! into the outcome column of Navet's goals table in the annual report.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use arsrapport::pipeline;
use arsrapport::project::Project;
use arsrapport::render::Report;
use arsrapport::render::layout::Caches;
use arsrapport::render::pdf;
use arsrapport::theme::Theme;
use typst::foundations::{Content, Value};
use typst::introspection::{Location, Tag};
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::model::{TableCell, TableElem};
use typst::utils::Numeric;
use typst_layout::PagedDocument;

use crate::common::*;

/// How far text may reach past its cell: rounding in typst's own sums.
const SLACK: f64 = 0.05;

/// Every document of the project at `root`, laid out as `build` lays it out.
fn laid_out(root: &Path) -> Vec<(String, PagedDocument)> {
    let project = Project::load(Some(root), root).unwrap_or_else(|e| panic!("{e}"));
    let mut documents = Vec::new();
    for config in &project.documents {
        let built = pipeline::build(&project, config).unwrap_or_else(|e| panic!("{e}"));
        let theme = Theme::load(&project.root, &config.theme, &config.language).unwrap_or_else(|e| panic!("{e}"));
        let report = Report { root: project.root.clone(), config, theme: &theme };
        let compiled = pdf::compile(&report, &built.chapters, Caches::Prune).unwrap_or_else(|e| panic!("{e}"));
        documents.push((config.output_name.clone(), compiled.document().clone()));
    }
    documents
}

/// Every run of text typst laid out in the project's documents, with the
/// left edge of the run on its page.
pub fn text_runs(root: &Path) -> Vec<(String, Abs)> {
    fn collect(frame: &Frame, ts: Transform, out: &mut Vec<(String, Abs)>) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(group) => {
                    let inner = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(group.transform);
                    collect(&group.frame, inner, out);
                }
                FrameItem::Text(text) => out.push((text.text.to_string(), pos.transform(ts).x)),
                _ => {}
            }
        }
    }
    let mut runs = Vec::new();
    for (_, document) in laid_out(root) {
        for page in document.pages() {
            collect(&page.frame, Transform::identity(), &mut runs);
        }
    }
    runs
}

/// The colour of every solid shape and run of text typst laid out in the
/// project's documents.
pub fn fills(root: &Path) -> Vec<[u8; 3]> {
    fn collect(frame: &Frame, out: &mut Vec<[u8; 3]>) {
        for (_, item) in frame.items() {
            let fill = match item {
                FrameItem::Group(group) => {
                    collect(&group.frame, out);
                    None
                }
                FrameItem::Shape(shape, _) => shape.fill.as_ref(),
                FrameItem::Text(text) => Some(&text.fill),
                _ => None,
            };
            if let Some(typst::visualize::Paint::Solid(colour)) = fill {
                let rgb = colour.to_rgb();
                out.push([rgb.red, rgb.green, rgb.blue].map(|c| (c * 255.0).round() as u8));
            }
        }
    }
    let mut fills = Vec::new();
    for (_, document) in laid_out(root) {
        for page in document.pages() {
            collect(&page.frame, &mut fills);
        }
    }
    fills
}

/// A table cell as the grid placed it.
struct Cell {
    table: usize,
    x: usize,
    y: usize,
    colspan: usize,
    rowspan: usize,
}

/// A run of text inside a cell, with the cell's origin on that page.
struct Run {
    cell: Location,
    page: usize,
    origin: Point,
    /// The run's extent: left, right, top (cap height), baseline.
    left: Abs,
    right: Abs,
    top: Abs,
    baseline: Abs,
    text: String,
}

#[derive(Default)]
struct Tables {
    /// Each table's column widths.
    columns: Vec<Vec<Abs>>,
    cells: HashMap<Location, Cell>,
    /// Each cell's origin on each page it is on.
    origins: HashMap<(Location, usize), Point>,
    runs: Vec<Run>,
    /// Tables whose columns are not fixed lengths: they cannot be checked.
    unfixed: Vec<String>,
}

fn int(content: &Content, field: &str) -> Option<usize> {
    match content.get_by_name(field) {
        Ok(Value::Int(n)) => usize::try_from(n).ok(),
        _ => None,
    }
}

/// The table's column widths, if every column has a fixed length.
fn column_widths(table: &Content) -> Option<Vec<Abs>> {
    let Ok(Value::Array(columns)) = table.get_by_name("columns") else { return None };
    columns
        .iter()
        .map(|c| match c {
            Value::Length(l) if l.em.is_zero() => Some(l.abs),
            Value::Relative(r) if r.rel.is_zero() && r.abs.em.is_zero() => Some(r.abs.abs),
            _ => None,
        })
        .collect()
}

impl Tables {
    fn walk(&mut self, frame: &Frame, ts: Transform, page: usize, open: &mut Vec<(Location, Point)>) {
        for (pos, item) in frame.items() {
            let at = pos.transform(ts);
            match item {
                FrameItem::Group(group) => {
                    let inner = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(group.transform);
                    // The later pieces of a cell broken across pages are
                    // groups whose logical parent is the cell.
                    let parent = group.parent.map(|p| p.location).filter(|l| self.cells.contains_key(l));
                    if let Some(cell) = parent {
                        let origin = Point::zero().transform(inner);
                        self.origins.entry((cell, page)).or_insert(origin);
                        open.push((cell, origin));
                    }
                    self.walk(&group.frame, inner, page, open);
                    if parent.is_some() {
                        open.pop();
                    }
                }
                FrameItem::Tag(Tag::Start(content, _)) => {
                    let Some(location) = content.location() else { continue };
                    if content.to_packed::<TableElem>().is_some() {
                        match column_widths(content) {
                            Some(widths) => self.columns.push(widths),
                            None => {
                                self.unfixed.push(format!("page {page}: {:?}", content.get_by_name("columns")));
                                self.columns.push(Vec::new());
                            }
                        }
                    } else if content.to_packed::<TableCell>().is_some() {
                        let cell = Cell {
                            table: self.columns.len() - 1,
                            x: int(content, "x").expect("a laid-out cell knows its column"),
                            y: int(content, "y").expect("a laid-out cell knows its row"),
                            colspan: int(content, "colspan").unwrap_or(1),
                            rowspan: int(content, "rowspan").unwrap_or(1),
                        };
                        self.cells.insert(location, cell);
                        self.origins.insert((location, page), at);
                        open.push((location, at));
                    }
                }
                FrameItem::Tag(Tag::End(location, ..)) => {
                    if let Some(i) = open.iter().rposition(|(l, _)| l == location) {
                        open.remove(i);
                    }
                }
                FrameItem::Text(text) => {
                    let Some(&(cell, origin)) = open.last() else { continue };
                    let cap = text.font.metrics().cap_height.at(text.size);
                    self.runs.push(Run {
                        cell,
                        page,
                        origin,
                        left: at.x,
                        right: at.x + text.width(),
                        top: at.y - cap,
                        baseline: at.y,
                        text: text.text.to_string(),
                    });
                }
                _ => {}
            }
        }
    }

    /// Where each run leaves its cell, as lines of a report.
    fn escapes(&self, document: &str) -> Vec<String> {
        // The top of each row of each table on each page, to find a cell's foot.
        let mut row_tops: HashMap<(usize, usize), Vec<(usize, Abs)>> = HashMap::new();
        for ((location, page), origin) in &self.origins {
            let cell = &self.cells[location];
            row_tops.entry((cell.table, *page)).or_default().push((cell.y, origin.y));
        }
        let mut out = Vec::new();
        for run in &self.runs {
            let cell = &self.cells[&run.cell];
            let widths = &self.columns[cell.table];
            let width: Abs = widths[cell.x..(cell.x + cell.colspan).min(widths.len())].iter().copied().sum();
            let (left, right, top) = (run.origin.x, run.origin.x + width, run.origin.y);
            // The foot: the top of the next row below this cell on the page, if any.
            let foot = row_tops[&(cell.table, run.page)]
                .iter()
                .filter(|(y, _)| *y >= cell.y + cell.rowspan)
                .map(|(_, top)| *top)
                .fold(None, |min: Option<Abs>, t| Some(min.map_or(t, |m| m.min(t))));
            let slack = Abs::pt(SLACK);
            let mut sides = Vec::new();
            if run.left < left - slack {
                sides.push(format!("{:.2}pt left of it", (left - run.left).to_pt()));
            }
            if run.right > right + slack {
                sides.push(format!("{:.2}pt right of it", (run.right - right).to_pt()));
            }
            if run.top < top - slack {
                sides.push(format!("{:.2}pt above it", (top - run.top).to_pt()));
            }
            if let Some(foot) = foot
                && run.baseline > foot + slack
            {
                sides.push(format!("{:.2}pt below it", (run.baseline - foot).to_pt()));
            }
            if !sides.is_empty() {
                out.push(format!(
                    "{document}, page {}: `{}` in the cell at column {}, row {} of a table reaches {}",
                    run.page,
                    run.text,
                    cell.x,
                    cell.y,
                    sides.join(" and ")
                ));
            }
        }
        out
    }
}

/// Checks every table of every document of the project at `root`; returns
/// how many tables and runs of cell text were checked.
fn assert_text_stays_in_cells(root: &Path) -> (usize, usize) {
    let (mut tables, mut runs) = (0, 0);
    let mut escapes = Vec::new();
    for (name, document) in laid_out(root) {
        let mut found = Tables::default();
        for (i, page) in document.pages().iter().enumerate() {
            found.walk(&page.frame, Transform::identity(), i + 1, &mut Vec::new());
        }
        assert!(found.unfixed.is_empty(), "{name}: tables the theme did not fix the columns of: {:?}", found.unfixed);
        escapes.extend(found.escapes(&name));
        tables += found.columns.len();
        runs += found.runs.len();
    }
    assert!(escapes.is_empty(), "{} runs of text leave their cells:\n{}", escapes.len(), escapes.join("\n"));
    (tables, runs)
}

#[test]
fn no_text_leaves_its_table_cell_in_the_example() {
    let dir = example();
    let (tables, runs) = assert_text_stays_in_cells(dir.path());
    // Both documents hold dozens of tables: statements, notes, budgets, goals.
    assert!(tables > 40, "only {tables} tables were found");
    assert!(runs > 1000, "only {runs} runs of cell text were found");
}

#[test]
fn no_text_leaves_its_table_cell_in_a_generated_large_report() {
    let dir = tempfile::tempdir().unwrap();
    generate_report(dir.path(), 12);
    let (tables, runs) = assert_text_stays_in_cells(dir.path());
    assert!(tables > 60, "only {tables} tables were found");
    assert!(runs > 2500, "only {runs} runs of cell text were found");
}

/// The check itself finds text that leaves its cell: a word wider than its
/// fixed column runs into the next.
#[test]
fn the_check_finds_text_that_leaves_its_cell() {
    let files: Vec<Vec<u8>> = std::fs::read_dir(repo().join("themes/default/fonts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "otf"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let fonts: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
    let today = typst::foundations::Datetime::from_ymd(2014, 2, 6).unwrap();
    let mut world = arsrapport::render::world::ReportWorld::new(Path::new("."), &fonts, today);
    world.add_source(
        "/report.typ",
        "#set text(font: \"Inter\")\n#table(columns: (40pt, 60pt), [Lärarutbildningsdagar], [500], [Mål], [Utfall])\n"
            .to_owned(),
    );
    let document = arsrapport::render::layout::layout(&world, Caches::Prune).output.expect("lays out");
    let mut found = Tables::default();
    for (i, page) in document.pages().iter().enumerate() {
        found.walk(&page.frame, Transform::identity(), i + 1, &mut Vec::new());
    }
    assert_eq!(found.columns, [vec![Abs::pt(40.0), Abs::pt(60.0)]]);
    assert_eq!(found.runs.len(), 4, "four cells of text");
    let escapes = found.escapes("test");
    assert_eq!(escapes.len(), 1, "{escapes:?}");
    assert!(escapes[0].contains("`Lärarutbildningsdagar` in the cell at column 0, row 0"), "{escapes:?}");
    assert!(escapes[0].contains("right of it"), "{escapes:?}");
}

// ---------------------------------------------------------------------------
// A generated report, comparable to the benchmark's (tests/bench/generate.py):
// a region's boards, each with its resultaträkning, staff table, goals of every
// kind in long Swedish units, goal summary and a table per municipality, and a
// notes chapter whose rows are the boards' names. Deterministic.

/// A small deterministic generator (a linear congruential one).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low + 1) as u64) as i64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
}

/// An integer the Swedish way, as authors type it: `-50 970`.
fn amount(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

const MUNICIPALITIES: [&str; 24] = [
    "Ale",
    "Alingsås",
    "Bengtsfors",
    "Bollebygd",
    "Borås",
    "Dals-Ed",
    "Essunga",
    "Falköping",
    "Färgelanda",
    "Grästorp",
    "Gullspång",
    "Göteborg",
    "Götene",
    "Herrljunga",
    "Hjo",
    "Härryda",
    "Karlsborg",
    "Kungälv",
    "Lerum",
    "Lidköping",
    "Lilla Edet",
    "Mark",
    "Mellerud",
    "Munkedal",
];

/// (board, slug, unit counted, activity columns)
const BOARDS: [(&str, &str, &str, [&str; 4]); 8] = [
    (
        "Hälso- och sjukvårdsnämnden",
        "hsn",
        "lärarutbildningsdagar",
        ["Läkarbesök", "Sjukvårdande behandling", "Digitala besök", "Hembesök"],
    ),
    ("Miljönämnden", "miljo", "tillsynsbesök", ["Livsmedel", "Miljöfarlig verksamhet", "Hälsoskydd", "Naturvård"]),
    ("Hjälpmedelsnämnden", "hjm", "förskrivningar", ["Rörelse", "Kommunikation", "Syn och hörsel", "Vardag"]),
    ("Psykiatrinämnden", "psyk", "vårdtillfällen", ["Öppenvård", "Slutenvård", "Barn och unga", "Beroende"]),
    ("Fastighetsnämnden", "fast", "kvadratmeter", ["Vårdlokaler", "Kontor", "Skolor", "Övrigt"]),
    ("Kollektivtrafiknämnden", "kt", "resor", ["Buss", "Spårvagn", "Tåg", "Närtrafik"]),
    (
        "Digitaliseringsnämnden",
        "dig",
        "kompetensutvecklingsinsatser",
        ["E-tjänster", "Journalsystem", "Infrastruktur", "Support"],
    ),
    ("Kulturnämnden", "kultur", "besökare", ["Barn och unga", "Vuxna", "Skolklasser", "Evenemang"]),
];

const GOAL_TITLES: [&str; 8] = [
    "Nya rutiner för uppföljning av avvikelser",
    "En gemensam plan för kompetensförsörjning",
    "Utökade öppettider under sommaren",
    "Ett pilotprojekt med digitala möten",
    "En översyn av avgifter och taxor",
    "Utbildning i klarspråk för alla chefer",
    "Samordnade transporter mellan enheterna",
    "Regelbundna dialogmöten med brukarråden",
];

const COMMENTS: [&str; 4] = [
    "Efterfrågan fortsätter att öka, särskilt bland äldre invånare och i glesbygd.",
    "Rekryteringsläget är fortsatt svårt för specialistsjuksköterskor och ingenjörer.",
    "Arbetet med den nya digitala plattformen har tagit längre tid än planerat.",
    "Kostnaderna för inhyrd personal har minskat tydligt efter ett målmedvetet arbete.",
];

/// A project of `boards` boards (about eight pages each) at `root`.
fn generate_report(root: &Path, boards: usize) {
    let mut rng = Rng(2013);
    write_file(
        root,
        "content/report.yaml",
        "organisation: Västra regionen\ntitle: Årsredovisning 2013\nkind: arsredovisning\nyear: 2013\ndecision:\n  body: Regionfullmäktige\n  date: 2014-04-15\nlanguage: sv\n",
    );
    let mut statements = String::from(
        "defaults:\n  unit: tkr\n  columns: [\"2013\", \"2012\"]\n\ntables:\n  - id: rr\n    title: Resultaträkning, regionen\n    rows:\n      - {id: intakter, label: Verksamhetens intäkter, note: intakter}\n",
    );
    let mut notes = String::from(
        "defaults:\n  unit: tkr\n  columns: [\"2013\", \"2012\"]\n\nnotes:\n  - id: intakter\n    title: Verksamhetens intäkter per nämnd\n    rows:\n",
    );
    let mut statistics = String::from("defaults:\n  unit: antal\n\ntables:\n");
    let mut goals = String::from(
        "strategic_goals:\n  - {id: tillganglighet, title: God tillgänglighet för alla invånare}\npartly_from: 75 %\nrecord_fields:\n  - {id: uppdrag, label: Uppdrag}\n  - {id: uppfoljning, label: Hur mäta}\nareas:\n",
    );
    let mut overview = String::from(
        "# Förvaltningsberättelse\n\nNämndernas resultat och måluppfyllelse sammanfattas här.\n\nTabell: Nämndernas resultat (tkr)\n\n| Nämnd | Resultat 2013 | Resultat 2012 |\n| --- | ---: | ---: |\n",
    );
    for i in 0..boards {
        let (name, slug, unit, categories) = BOARDS[i % BOARDS.len()];
        let title = format!("{name} {}", ["Sjuhärad", "Skaraborg", "Fyrbodal", "Göteborg"][i / BOARDS.len() % 4]);
        let id = format!("{slug}_{i}");
        let scale = *rng.pick(&[1, 5, 20]);
        let year = |rng: &mut Rng, low, high| [rng.range(low, high) * scale, rng.range(low, high) * scale];
        let (intakter, kostnader, avskr, bidrag) = (
            year(&mut rng, 20_000, 90_000),
            year(&mut rng, -400_000, -150_000),
            year(&mut rng, -9_000, -1_000),
            year(&mut rng, 150_000, 400_000),
        );
        let pair = |v: [i64; 2]| format!("[{}, {}]", amount(v[0]), amount(v[1]));
        let resultat = [0, 1].map(|y| intakter[y] + kostnader[y] + avskr[y] + bidrag[y]);
        writeln!(
            statements,
            "  - id: {id}_rr\n    title: \"Resultaträkning, {title}\"\n    rows:\n      - {{id: intakter, label: Verksamhetens intäkter, values: {}}}\n      - {{id: kostnader, label: Verksamhetens kostnader, values: {}}}\n      - {{id: avskrivningar, label: Avskrivningar, values: {}}}\n      - {{id: nettokostnader, label: Verksamhetens nettokostnader, sum: [intakter, kostnader, avskrivningar]}}\n      - {{id: bidrag, label: Regionbidrag, values: {}}}\n      - {{id: arets_resultat, label: Årets resultat, sum: [nettokostnader, bidrag], claimed: {}}}\n",
            pair(intakter), pair(kostnader), pair(avskr), pair(bidrag), pair(resultat)
        )
        .unwrap();
        writeln!(notes, "      - {{label: \"{title}\", values: {}}}", pair(intakter)).unwrap();
        writeln!(overview, "| {title} | {} | {} |", amount(resultat[0]), amount(resultat[1])).unwrap();

        writeln!(statistics, "  - id: {id}_kommuner\n    title: \"{} per kommun 2013, {title}\"\n    row_label: Kommun\n    row_total: Summa\n    columns:", unit).unwrap();
        for (c, label) in categories.iter().enumerate() {
            writeln!(statistics, "      - {{id: k{c}, label: \"{label}\"}}").unwrap();
        }
        statistics.push_str("    rows:\n");
        for place in MUNICIPALITIES.iter().take(rng.range(10, 24) as usize) {
            let cells: Vec<String> = (0..4)
                .map(|_| if rng.range(0, 12) == 0 { "~".to_owned() } else { amount(rng.range(0, 20_000)) })
                .collect();
            writeln!(statistics, "      - {{label: \"{place}\", values: [{}]}}", cells.join(", ")).unwrap();
        }
        statistics.push_str("      - {id: summa, label: Summa, sum: all}\n");

        writeln!(goals, "  - id: {id}\n    title: \"{title}\"\n    record:\n      uppdrag: \"Att ansvara för verksamheten med god kvalitet.\"\n      uppfoljning: \"Antal {unit} per kommun och verksamhetens egen statistik.\"\n    narrative:\n      tillganglighet: {{text: Tillgängligheten har förbättrats., result: Sex av åtta mål nåddes.}}\n    goals:").unwrap();
        for g in 0..rng.range(6, 10) {
            let base = rng.range(100, 50_000);
            let outcome = base * rng.range(60, 130) / 100;
            let target = match g % 7 {
                0 | 1 => format!("{{at_least: {}, unit: {unit}, period: 2013}}", amount(base)),
                2 => format!("{{at_most: {}, unit: {unit}, period: 2013}}", amount(base)),
                3 => format!("{{about: {}, tolerance: 10 %, unit: {unit}, period: 2013}}", amount(base)),
                4 => format!("{{range: [{}, {}], unit: {unit}, period: 2013}}", amount(base), amount(base * 12 / 10)),
                5 => format!("{{change: +5 %, baseline: {}, unit: {unit}, period: 2013}}", amount(base)),
                _ => "{done: true, period: 2013}".to_owned(),
            };
            let comment =
                if rng.range(0, 1) == 0 { format!(", comment: \"{}\"", rng.pick(&COMMENTS)) } else { String::new() };
            let outcome = if g % 7 == 6 {
                format!("{{done: {}{comment}}}", rng.pick(&["true", "false", "partly"]))
            } else {
                format!("{{value: {}, unit: {unit}{comment}}}", amount(outcome))
            };
            writeln!(goals, "      - id: mal{g}\n        title: \"{}\"\n        strategic: [tillganglighet]\n        target: {target}\n        outcome: {outcome}", rng.pick(&GOAL_TITLES)).unwrap();
        }

        let mut chapter = format!(
            "# {title}\n\n{title} redovisar sitt resultat, sin personal och sina mål.\n\n{{{{ table(id=\"{id}_rr\") }}}}\n\n## Personal\n\nTabell: Personal i siffror\n\n| Nyckeltal | 2013 | 2012 |\n| --- | ---: | ---: |\n"
        );
        for label in
            ["Tillsvidareanställda", "Visstidsanställda", "Kompetensutvecklingsinsatser per medarbetare", "Avgångar"]
        {
            let a = rng.range(5, 2_500);
            writeln!(chapter, "| {label} | {} | {} |", amount(a), amount(a + rng.range(-30, 30))).unwrap();
        }
        write!(
            chapter,
            "\nTabell: Möten under året\n\n| Forum | Antal | Kommentar |\n| --- | --- | --- |\n| Dialogmöten med brukarråden | 6–8 möten | minst 5 dagar före varje nämndsammanträde |\n| Samverkansgrupper | 90 % | Uppföljningen sker i verksamhetsplaneringsprocessen |\n\n## Mål och måluppfyllelse\n\n{{{{ area(id=\"{id}\") }}}}\n\n{{{{ goals(area=\"{id}\") }}}}\n\n{{{{ goal_summary(area=\"{id}\") }}}}\n\n## Verksamheten per kommun\n\n{{{{ table(id=\"{id}_kommuner\") }}}}\n"
        )
        .unwrap();
        write_file(root, &format!("content/chapters/{:02}-{}.md", i + 2, id.replace('_', "-")), &chapter);
    }
    overview.push_str("\n{{ goal_summary() }}\n");
    notes.push_str("      - {id: summa, label: Summa, sum: all}\n");
    write_file(root, "content/chapters/01-forvaltningsberattelse.md", &overview);
    write_file(
        root,
        &format!("content/chapters/{:02}-noter.md", boards + 2),
        "# Resultaträkning och noter\n\n{{ table(id=\"rr\") }}\n\n## Noter\n\n{{ notes(level=3) }}\n",
    );
    write_file(root, "content/data/resultatrakning.yaml", &statements);
    write_file(root, "content/data/noter.yaml", &notes);
    write_file(root, "content/data/statistik.yaml", &statistics);
    write_file(root, "content/data/mal.yaml", &goals);
}

// ---------------------------------------------------------------------------
// Contrast.

/// WCAG's relative luminance of an sRGB colour.
fn luminance(rgb: [f32; 3]) -> f64 {
    let channel = |c: f32| {
        let c = f64::from(c);
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

/// WCAG's contrast ratio of two colours.
fn contrast(a: [f32; 3], b: [f32; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Each text colour on the pages, with the smallest size and lightest weight
/// it is set in and an example of its text; decoration that the tagged PDF
/// marks as an artifact (the contents' leader dots) is left out.
fn text_colours(frame: &Frame, artifacts: &mut Vec<Location>, out: &mut HashMap<[u8; 3], (f64, u16, String)>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => text_colours(&group.frame, artifacts, out),
            FrameItem::Tag(Tag::Start(content, _)) => {
                let decoration = content.to_packed::<typst::pdf::ArtifactElem>().is_some()
                    || content.to_packed::<typst::layout::RepeatElem>().is_some();
                if let (true, Some(location)) = (decoration, content.location()) {
                    artifacts.push(location);
                }
            }
            FrameItem::Tag(Tag::End(location, ..)) => artifacts.retain(|l| l != location),
            FrameItem::Text(text) if artifacts.is_empty() => {
                let typst::visualize::Paint::Solid(colour) = &text.fill else { continue };
                let rgb = colour.to_rgb();
                let key = [rgb.red, rgb.green, rgb.blue].map(|c| (c * 255.0).round() as u8);
                let weight = text.font.info().variant.weight.to_number();
                let size = text.size.to_pt();
                let entry = out.entry(key).or_insert((size, weight, text.text.to_string()));
                if size < entry.0 || (size == entry.0 && weight < entry.1) {
                    *entry = (size, weight, text.text.to_string());
                }
            }
            _ => {}
        }
    }
}

/// Every colour the theme sets text in meets WCAG AA against the white page:
/// 4.5:1, or 3:1 for large text (18pt, or 14pt bold). Failed before the fix
/// on the chapter openers' number (accent lightened 45 %: 2.78:1).
#[test]
fn every_text_colour_meets_wcag_contrast() {
    let dir = example();
    let white = [1.0, 1.0, 1.0];
    let mut failures = Vec::new();
    let mut colours = HashMap::new();
    for (_, document) in laid_out(dir.path()) {
        for page in document.pages() {
            text_colours(&page.frame, &mut Vec::new(), &mut colours);
        }
    }
    // Body text, headings and links, the muted furniture, the chapter numbers.
    assert!(colours.len() >= 4, "{colours:?}");
    for (rgb, (size, weight, text)) in &colours {
        let large = *size >= 18.0 || (*size >= 14.0 && *weight >= 700);
        let needed = if large { 3.0 } else { 4.5 };
        let ratio = contrast(rgb.map(|c| f32::from(c) / 255.0), white);
        if ratio < needed {
            failures.push(format!(
                "#{:02x}{:02x}{:02x} ({size}pt, weight {weight}, e.g. `{text}`): {ratio:.2}:1, needs {needed}:1",
                rgb[0], rgb[1], rgb[2]
            ));
        }
    }
    assert!(failures.is_empty(), "text colours below WCAG AA contrast:\n{}", failures.join("\n"));
}

#[test]
fn contrast_is_computed_as_wcag_defines_it() {
    assert!((contrast([0.0; 3], [1.0; 3]) - 21.0).abs() < 1e-9);
    // #595959 on white is the classic 7:1 grey; #767676 the 4.54:1 one.
    let grey = |v: u8| [f32::from(v) / 255.0; 3];
    assert!((contrast(grey(0x59), [1.0; 3]) - 7.0).abs() < 0.01);
    assert!((contrast(grey(0x76), [1.0; 3]) - 4.54).abs() < 0.01);
}

// ---------------------------------------------------------------------------
// Status symbols.

/// Each status symbol's run of text, and whether it lies inside an artifact.
fn symbols(frame: &Frame, artifacts: &mut Vec<Location>, out: &mut Vec<(String, bool)>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => symbols(&group.frame, artifacts, out),
            FrameItem::Tag(Tag::Start(content, _)) => {
                if let (true, Some(location)) =
                    (content.to_packed::<typst::pdf::ArtifactElem>().is_some(), content.location())
                {
                    artifacts.push(location);
                }
            }
            FrameItem::Tag(Tag::End(location, ..)) => artifacts.retain(|l| l != location),
            FrameItem::Text(text) if text.text.contains(['✓', '✗']) || text.text.contains("Uppfyllt") => {
                out.push((text.text.to_string(), !artifacts.is_empty()));
            }
            _ => {}
        }
    }
}

/// "✓ Uppfyllt": the symbol is an artifact of the tagged PDF, so a screen
/// reader announces the word only. Failed without the theme's show rule:
/// every symbol was read as text.
#[test]
fn status_symbols_are_artifacts_and_their_words_are_read() {
    let dir = example();
    let mut found = Vec::new();
    for (_, document) in laid_out(dir.path()) {
        for page in document.pages() {
            symbols(&page.frame, &mut Vec::new(), &mut found);
        }
    }
    let marks: Vec<&(String, bool)> = found.iter().filter(|(t, _)| t.contains(['✓', '✗'])).collect();
    assert!(marks.len() > 20, "only {} status symbols in the example", marks.len());
    let read: Vec<&String> = marks.iter().filter(|(_, artifact)| !artifact).map(|(t, _)| t).collect();
    assert!(read.is_empty(), "status symbols read aloud: {read:?}");
    let words = found.iter().filter(|(t, _)| t.contains("Uppfyllt")).collect::<Vec<_>>();
    assert!(!words.is_empty() && words.iter().all(|(_, artifact)| !artifact), "{words:?}");
}

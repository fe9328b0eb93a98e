//! The two renderers. Both take the same [`Report`] and chapters and return
//! files in memory; writing them is the output module's job.

pub mod bounds;
pub mod html;
pub mod layout;
pub mod measure;
pub mod pdf;
pub mod pdf_size;
pub mod world;

use std::path::PathBuf;

use serde::Serialize;

use crate::content::Status;
use crate::project::ReportConfig;
use crate::theme::Theme;

/// Everything loaded and checked, shared by both renderers.
pub struct Report<'a> {
    pub root: PathBuf,
    pub config: &'a ReportConfig,
    pub theme: &'a Theme,
}

/// One chapter, converted for both outputs from a single Markdown parse.
#[derive(Debug, Clone)]
pub struct RenderedChapter {
    pub file: String,
    pub slug: String,
    pub title: String,
    /// 1-based chapter number.
    pub number: usize,
    pub status: Option<Status>,
    pub owner: Option<String>,
    pub typst: String,
    /// Chapter-file line for each line of `typst`.
    pub line_map: Vec<usize>,
    /// The text of the chapter's tables, for their widths.
    pub tables: Vec<crate::markdown::model::TableText>,
    pub html: String,
    /// Project-relative paths of the images used.
    pub images: Vec<String>,
}

impl RenderedChapter {
    pub fn href(&self) -> String {
        format!("{}.html", self.slug)
    }
}

/// The document's facts as both renderers present them.
#[derive(Serialize)]
pub struct ReportMeta<'a> {
    pub organisation: &'a str,
    pub subtitle: &'a str,
    pub title: &'a str,
    pub kind: &'a str,
    pub year: i32,
    pub decision_body: &'a str,
    pub decision_date: &'a str,
    pub language: &'a str,
    pub description: &'a str,
    pub chapter_numbers: bool,
    /// A delårsrapport's period in words, `januari–augusti 2013`; empty otherwise.
    pub period: String,
    /// Its first and last day, ISO dates; empty otherwise.
    pub period_from: &'a str,
    pub period_to: &'a str,
}

/// An image for typst: its path in typst's file system and its alt text.
#[derive(Serialize)]
pub struct LogoMeta<'a> {
    pub src: String,
    pub alt: &'a str,
}

impl Report<'_> {
    pub fn meta(&self) -> ReportMeta<'_> {
        let c = self.config;
        ReportMeta {
            organisation: &c.organisation,
            subtitle: &c.subtitle,
            title: &c.title,
            kind: c.kind.name(),
            year: c.year,
            decision_body: c.decision.as_ref().map(|d| d.body.as_str()).unwrap_or_default(),
            decision_date: c.decision.as_ref().and_then(|d| d.date.as_deref()).unwrap_or_default(),
            language: &c.language,
            description: &c.description,
            chapter_numbers: c.chapter_numbers,
            period: c.period.as_ref().map(|p| self.period_in_words(p)).unwrap_or_default(),
            period_from: c.period.as_ref().map(|p| p.from.as_str()).unwrap_or_default(),
            period_to: c.period.as_ref().map(|p| p.to.as_str()).unwrap_or_default(),
        }
    }

    /// `januari–augusti 2013`, with the month names of the theme's language.
    fn period_in_words(&self, period: &crate::project::Period) -> String {
        let months: Vec<&str> = self.theme.label("months").split(',').map(str::trim).collect();
        let month = |m: u32| months.get(m as usize - 1).copied().unwrap_or_default().to_owned();
        let year = self.config.year;
        match months.len() {
            12 => format!("{}\u{2013}{} {year}", month(period.first_month), month(period.last_month)),
            _ => format!("{}\u{2013}{}", period.from, period.to),
        }
    }

    /// The title page's logo as typst reads it: the report's own, else the theme's.
    pub fn logo(&self) -> Option<LogoMeta<'_>> {
        match (&self.config.logo, &self.theme.config.logo) {
            (Some(logo), _) => Some(LogoMeta { src: format!("/{}", logo.file), alt: &logo.alt }),
            (None, Some(logo)) => Some(LogoMeta { src: self.theme.config.logo_path()?, alt: &logo.alt }),
            (None, None) => None,
        }
    }

    /// `/report.json` for typst: the metadata, the theme's labels and settings.
    pub fn metadata_json(&self) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            report: ReportMeta<'a>,
            labels: &'a std::collections::BTreeMap<String, String>,
            theme: &'a crate::theme::ThemeConfig,
            logo: Option<LogoMeta<'a>>,
        }
        serde_json::to_string(&Json {
            report: self.meta(),
            labels: &self.theme.labels,
            theme: &self.theme.config,
            logo: self.logo(),
        })
        .unwrap_or_default()
    }
}

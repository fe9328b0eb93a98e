//! The typst World: generated sources held in memory, the theme's fonts plus
//! typst's embedded ones (never the system's), and read access to project
//! files (images) only inside the project root.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};
use typst_kit::fonts::FontStore;

pub struct ReportWorld {
    library: LazyHash<Library>,
    fonts: FontStore,
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    root: PathBuf,
    /// Project files read so far (images), cached for the world's lifetime.
    disk: Mutex<HashMap<FileId, FileResult<Bytes>>>,
    today: Datetime,
}

/// The file id of an absolute virtual path such as `/report.typ`.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| VirtualPath::new("/invalid").expect("valid path"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl ReportWorld {
    /// `fonts` are the theme's font files; `today` is the document's date, so
    /// output does not depend on when it was built.
    pub fn new(root: &Path, fonts: &[&[u8]], today: Datetime) -> Self {
        let mut store = FontStore::new();
        for data in fonts {
            for font in Font::iter(Bytes::new(data.to_vec())) {
                let info = font.info().clone();
                store.push((font, info));
            }
        }
        store.extend(typst_kit::fonts::embedded());
        Self {
            library: LazyHash::new(super::bounds::library()),
            fonts: store,
            main: file_id("/report.typ"),
            sources: HashMap::new(),
            files: HashMap::new(),
            root: root.to_path_buf(),
            disk: Mutex::new(HashMap::new()),
            today,
        }
    }

    pub fn add_source(&mut self, path: &str, text: String) {
        let id = file_id(path);
        self.sources.insert(id, Source::new(id, text));
    }

    pub fn add_file(&mut self, path: &str, bytes: Vec<u8>) {
        self.files.insert(file_id(path), Bytes::new(bytes));
    }

    pub fn set_main(&mut self, path: &str) {
        self.main = file_id(path);
    }

    /// Reads a project file, refusing anything that resolves outside the root.
    fn read_project_file(&self, id: FileId) -> FileResult<Bytes> {
        let vpath = id.vpath();
        let rel = vpath.get_without_slash();
        let path = self.root.join(rel);
        let resolved = path.canonicalize().map_err(|e| FileError::from_io(e, &path))?;
        let root = self.root.canonicalize().map_err(|e| FileError::from_io(e, &self.root))?;
        if !resolved.starts_with(&root) {
            return Err(FileError::AccessDenied);
        }
        if resolved.is_dir() {
            return Err(FileError::IsDirectory);
        }
        std::fs::read(&resolved).map(Bytes::new).map_err(|e| FileError::from_io(e, &path))
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.sources.get(&id) {
            Some(source) => Ok(source.clone()),
            None => {
                let bytes = self.file(id)?;
                let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
                Ok(Source::new(id, text.to_owned()))
            }
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(source) = self.sources.get(&id) {
            return Ok(Bytes::from_string(source.clone()));
        }
        if let Some(bytes) = self.files.get(&id) {
            return Ok(bytes.clone());
        }
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(FileError::AccessDenied);
        }
        let mut disk = self.disk.lock().unwrap_or_else(|e| e.into_inner());
        disk.entry(id).or_insert_with(|| self.read_project_file(id)).clone()
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

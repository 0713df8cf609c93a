//! What `figdig extract` is asked to read: finding inputs, recognising what each file is, and
//! giving each its own output folder, all before any work is done.
//!
//! Naming rule (documented in the README): a figure is written to `OUT/<stem>/`, a PDF page to
//! `OUT/<stem>_p<N>/`, standard input to `OUT/stdin/`. When two inputs of one run would get the
//! same folder (compared ignoring case, as some file systems do), each of them gets
//! `<parent folder>_<file name>` instead (`d1_fig.svg`, `d2_fig.svg`; a PDF page
//! `fig.pdf_p1`); if names still collide the run stops with a usage error before writing.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli_output::{CONVERSION_PREFIX, mark};

/// A mistake in how figdig was called: reported before any work, exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// What an input file holds, from its first bytes (and, failing that, its extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SVG text.
    Svg,
    /// Gzip-compressed SVG (`.svgz`).
    Gzip,
    /// A PDF document, read one page at a time through MuPDF.
    Pdf,
    /// SVG text on standard input (`-`).
    Stdin,
}

/// One figure to extract.
#[derive(Debug, Clone)]
pub struct Input {
    /// The path as given (`-` for standard input).
    pub path: PathBuf,
    /// What the file is, or why figdig cannot read it (the figure then fails, the batch goes on).
    pub kind: Result<Kind, String>,
    /// The PDF page to read (PDF only).
    pub page: Option<u32>,
    /// The output folder's name under `--out`.
    pub out_name: String,
}

/// Extensions a directory is searched for.
const FIGURE_EXTENSIONS: &[&str] = &["svg", "svgz", "pdf"];

/// Files named by the arguments, directories expanded (sorted). With no argument, `figures/`.
pub fn collect_inputs(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if paths.is_empty() && !Path::new("figures").is_dir() {
        return Err(UsageError(
            "no figure given and no figures/ folder here (with no PATH, figdig extract reads every SVG in \
             ./figures); give files or folders, e.g. figdig extract paper_fig3.svg, or - for SVG on standard input"
                .into(),
        )
        .into());
    }
    let paths = if paths.is_empty() { vec![PathBuf::from("figures")] } else { paths.to_vec() };
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(&p)
                .with_context(|| format!("{}: cannot list directory", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|e| FIGURE_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x))))
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(p);
        }
    }
    Ok(out)
}

/// What a file is, from its first bytes; `Err` says what it is and what figdig reads instead.
pub fn sniff(path: &Path) -> Result<Kind, String> {
    if path.as_os_str() == "-" {
        return Ok(Kind::Stdin);
    }
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).map_err(|e| format!("cannot read: {e}"))?;
    let head = &head[..n];
    let raster = |what: &str| {
        Err(format!(
            "the file is a {what} image (pixels), not a vector figure: figdig reads SVG (also gzip-compressed \
             .svgz) and pages of PDF files; export the figure from its source as SVG or PDF"
        ))
    };
    match head {
        [0x89, b'P', b'N', b'G', ..] => raster("PNG"),
        [0xff, 0xd8, 0xff, ..] => raster("JPEG"),
        [b'G', b'I', b'F', b'8', ..] => raster("GIF"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => raster("WebP"),
        [b'%', b'P', b'D', b'F', ..] => Ok(Kind::Pdf),
        [0x1f, 0x8b, ..] => Ok(Kind::Gzip),
        _ if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) => Ok(Kind::Pdf),
        _ => Ok(Kind::Svg),
    }
}

/// The page count of a PDF from MuPDF, or `None` when mutool cannot tell (missing, or a file it
/// cannot open; the conversion then reports why).
pub fn pdf_page_count(path: &Path) -> Option<u32> {
    let o = std::process::Command::new("mutool").arg("show").arg(path).arg("trailer/Root/Pages/Count").output().ok()?;
    if !o.status.success() {
        return None;
    }
    String::from_utf8_lossy(&o.stdout).trim().parse().ok()
}

/// Check each input against `--page` and give it an output folder name; usage errors (a page
/// on an SVG, a page past the end, names that cannot be told apart) come before any work.
pub fn plan(paths: &[PathBuf], page: Option<u32>) -> anyhow::Result<Vec<Input>> {
    let mut inputs = Vec::new();
    for path in paths {
        let mut kind = sniff(path);
        let page = match (&kind, page) {
            (Ok(Kind::Pdf), p) => match pdf_page(path, p)? {
                Ok(n) => Some(n),
                // That figure fails (a directory may hold such a PDF); the others go on.
                Err(why) => {
                    kind = Err(why);
                    None
                }
            },
            (Ok(_), Some(n)) => {
                return Err(UsageError(format!(
                    "{}: --page {n} applies to PDF input, and this is SVG (which has no pages); leave --page out",
                    path.display()
                ))
                .into());
            }
            _ => None,
        };
        let out_name = default_name(path, page);
        inputs.push(Input { path: path.clone(), kind, page, out_name });
    }
    disambiguate(&mut inputs)?;
    Ok(inputs)
}

/// The page to read from a PDF: `--page` if within the document (past its end: a usage error),
/// else page 1 of a one-page PDF. A PDF of several pages without `--page` is `Ok(Err(why))`:
/// that figure cannot be read, and the message says how many pages it has.
fn pdf_page(path: &Path, page: Option<u32>) -> anyhow::Result<Result<u32, String>> {
    let count = pdf_page_count(path);
    match (page, count) {
        (Some(n), Some(c)) if n > c => Err(UsageError(format!(
            "{}: --page {n} is past the end: the PDF has {c} page{}",
            path.display(),
            if c == 1 { "" } else { "s" }
        ))
        .into()),
        (Some(n), _) => Ok(Ok(n)),
        (None, Some(c)) if c > 1 => Ok(Err(format!(
            "a PDF document of {c} pages; figdig reads SVG figures, and one PDF page at a time: give --page N \
             (1 to {c}) for the page holding the figure"
        ))),
        (None, _) => Ok(Ok(1)),
    }
}

fn default_name(path: &Path, page: Option<u32>) -> String {
    if path.as_os_str() == "-" {
        return "stdin".into();
    }
    figdig::default_id(path, page)
}

/// `<parent folder>_<file name>` (plus `_p<N>` for a PDF page): the name of an input whose
/// default name another input of the run shares.
fn qualified_name(path: &Path, page: Option<u32>) -> String {
    let file = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "stdin".into());
    let parent = std::fs::canonicalize(path)
        .ok()
        .and_then(|p| p.parent().and_then(|d| d.file_name()).map(|s| s.to_string_lossy().into_owned()));
    let mut name = match parent {
        Some(d) => format!("{d}_{file}"),
        None => file,
    };
    if let Some(p) = page {
        name.push_str(&format!("_p{p}"));
    }
    name
}

/// Rename inputs sharing a default name by [`qualified_name`]; refuse names still shared.
fn disambiguate(inputs: &mut [Input]) -> anyhow::Result<()> {
    let groups = |inputs: &[Input]| {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, inp) in inputs.iter().enumerate() {
            by_name.entry(inp.out_name.to_lowercase()).or_default().push(i);
        }
        by_name.into_values().filter(|v| v.len() > 1).collect::<Vec<_>>()
    };
    for group in groups(inputs) {
        for i in group {
            inputs[i].out_name = qualified_name(&inputs[i].path, inputs[i].page);
        }
    }
    if let Some(group) = groups(inputs).first() {
        let names: Vec<String> = group.iter().map(|&i| inputs[i].path.display().to_string()).collect();
        return Err(UsageError(format!(
            "{} would all be written to the same output folder '{}' (also with their parent folder's name added); \
             give each once, or extract them into different --out folders",
            names.join(", "),
            inputs[group[0]].out_name
        ))
        .into());
    }
    Ok(())
}

/// The SVG text of an input: read (or decompressed) with at most `max_bytes` bytes.
pub fn read_svg(input: &Input, kind: Kind, max_bytes: usize) -> anyhow::Result<Vec<u8>> {
    let limit = max_bytes as u64;
    let over = |what: &str| {
        anyhow::anyhow!(
            "{what} over the limit of {max_bytes} bytes (SceneOptions::max_bytes, the largest accepted file)"
        )
    };
    let mut bytes = Vec::new();
    match kind {
        Kind::Svg => {
            let len = std::fs::metadata(&input.path).context("cannot read")?.len();
            if len > limit {
                return Err(over(&format!("the file is {len} bytes,")));
            }
            std::fs::File::open(&input.path)
                .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
                .context("cannot read")?;
        }
        Kind::Gzip => {
            let f = std::fs::File::open(&input.path).context("cannot read")?;
            bytes = gunzip(std::io::BufReader::new(f), limit)
                .map_err(|e| e.unwrap_or_else(|| over("decompressed, the SVG is")))?;
        }
        Kind::Stdin => {
            std::io::stdin().lock().take(limit + 1).read_to_end(&mut bytes).context("cannot read standard input")?;
            if bytes.starts_with(&[0x1f, 0x8b]) {
                bytes = gunzip(&bytes[..], limit).map_err(|e| e.unwrap_or_else(|| over("decompressed, the SVG is")))?;
            }
        }
        Kind::Pdf => unreachable_pdf()?,
    }
    if bytes.len() as u64 > limit {
        return Err(over("the file is"));
    }
    Ok(bytes)
}

/// Decompress gzip data, reading at most `limit + 1` bytes of output; `Err(None)` when the
/// result would be over `limit`, so a small file cannot expand into unbounded memory.
fn gunzip(r: impl std::io::Read, limit: u64) -> Result<Vec<u8>, Option<anyhow::Error>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(r)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| Some(anyhow::anyhow!("cannot decompress (gzip): {e}")))?;
    if out.len() as u64 > limit { Err(None) } else { Ok(out) }
}

/// PDF input is converted by the caller, never read here.
fn unreachable_pdf() -> anyhow::Result<()> {
    Err(anyhow::anyhow!("internal: PDF input is converted page by page, not read as SVG"))
}

/// Convert one PDF page to SVG text with MuPDF, the route whose output figdig knows best.
pub fn pdf_page_to_svg(path: &Path, page: u32) -> anyhow::Result<Vec<u8>> {
    let dir = std::env::temp_dir().join(format!(
        "{CONVERSION_PREFIX}{}-{page}-{}",
        std::process::id(),
        rayon::current_thread_index().unwrap_or(0)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    mark(&dir)?;
    let pattern = dir.join("page%d.svg");
    let run = std::process::Command::new("mutool")
        .args(["convert", "-F", "svg", "-O", "text=text", "-o"])
        .arg(&pattern)
        .arg(path)
        .arg(page.to_string())
        .output();
    let result = match run {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(anyhow::anyhow!(
            "PDF input needs MuPDF's mutool, which is not installed (Debian/Ubuntu: sudo apt-get install mupdf-tools); or convert the page yourself: mutool convert -F svg -O text=text -o page.svg paper.pdf {page}"
        )),
        Err(e) => Err(anyhow::anyhow!("cannot run mutool: {e}")),
        Ok(o) if !o.status.success() => {
            Err(anyhow::anyhow!("mutool could not convert page {page}: {}", String::from_utf8_lossy(&o.stderr).trim()))
        }
        Ok(_) => {
            // mutool numbers output files from 1 whatever the page; take the one it wrote.
            let svg = std::fs::read_dir(&dir).ok().and_then(|mut d| {
                d.find_map(|e| e.ok().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "svg")))
            });
            match svg {
                Some(p) => std::fs::read(&p).with_context(|| format!("{}: cannot read", p.display())),
                None => Err(anyhow::anyhow!("mutool wrote no SVG for page {page} (does the PDF have that page?)")),
            }
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// The figure's profile `<stem>.toml` beside it, if any (none for standard input).
pub fn read_profile(input: &Input) -> anyhow::Result<Option<figdig::Profile>> {
    if input.kind == Ok(Kind::Stdin) {
        return Ok(None);
    }
    let profile_path = input.path.with_extension("toml");
    if !profile_path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&profile_path)
        .with_context(|| format!("{}: cannot read profile", profile_path.display()))?;
    Ok(Some(figdig::Profile::parse(&text).with_context(|| format!("{}", profile_path.display()))?))
}

/// The SVG bytes of an input: the file (decompressed when gzip), standard input, or a PDF page.
pub fn input_bytes(input: &Input, opts: &figdig::ExtractOptions) -> anyhow::Result<Vec<u8>> {
    let kind = input.kind.clone().map_err(anyhow::Error::msg)?;
    match kind {
        Kind::Pdf => pdf_page_to_svg(&input.path, input.page.unwrap_or(1)),
        _ => read_svg(input, kind, opts.scene.max_bytes),
    }
}

//! Writing a report file into a directory the user chose.

use crate::error::ReportError;
use crate::labels::ReportLanguage;
use crate::model::ReportInput;
use hinomi_core::atomic_file::{Access, write_atomically};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Markdown,
    Html,
    Pdf,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
            ReportFormat::Pdf => "pdf",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ExportedReport {
    pub format: ReportFormat,
    pub path: String,
}

/// Renders the report and writes `<dir>/<INC-…-slug>.<ext>`, creating `dir` if needed. The file
/// is written to a temporary name first and renamed, so a failed export never leaves half a
/// report under the final name; a full disk is reported as such.
pub fn write_report(
    input: &ReportInput,
    format: ReportFormat,
    language: ReportLanguage,
    dir: &Path,
) -> Result<ExportedReport, ReportError> {
    let bytes = render(input, format, language)?;
    if dir.as_os_str().is_empty() {
        return Err(ReportError::NoFolder);
    }
    std::fs::create_dir_all(dir).map_err(|source| ReportError::CreateFolder {
        path: dir.to_owned(),
        source,
    })?;
    let stem = input.incident.report_file_stem();
    let path: PathBuf = dir.join(format!("{stem}.{}", format.extension()));
    // Temporary file, fsync, rename, fsync of the folder: a crash leaves the old report or the
    // new one, and the next export removes a temporary it may have left.
    write_atomically(&path, &bytes, Access::Shared)?;
    Ok(ExportedReport {
        format,
        path: path.display().to_string(),
    })
}

pub fn render(
    input: &ReportInput,
    format: ReportFormat,
    language: ReportLanguage,
) -> Result<Vec<u8>, ReportError> {
    let labels = language.labels();
    Ok(match format {
        ReportFormat::Markdown => crate::markdown::render(input, labels).into_bytes(),
        ReportFormat::Html => crate::html::render(input, labels).into_bytes(),
        ReportFormat::Pdf => crate::pdf::render(input, labels)?,
    })
}

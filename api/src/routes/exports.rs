//! Downloads of lists: an organization's staff and visitors, a contact
//! query's answer. A CSV download streams one page at a time while the
//! client reads. An XLSX download is written in constant memory into a
//! temporary file and sent once complete, so it is bounded in rows instead.
//! Every cell is safe from spreadsheet formula injection.

use std::fs::File;
use std::io::Read;
use std::sync::Arc;

use actix_web::{HttpResponse, web};

use crate::db::{self, Db, DbConnection};
use crate::error::ApiError;
use crate::xlsx::Sheet;

/// Rows per page of an export.
pub const PAGE_ROWS: usize = 200;

/// Fetches one page of an export: its rows of cells and where the next page
/// starts, if there is one. Each page writes its own ledger entries.
pub type FetchPage = dyn Fn(&mut DbConnection, Option<i64>) -> Result<(Vec<Vec<String>>, Option<i64>), ApiError>
    + Send
    + Sync;

/// Counts the rows an export would hold, before any is fetched.
pub type CountRows = dyn Fn(&mut DbConnection) -> Result<i64, ApiError> + Send + Sync;

/// One list as a download.
pub struct Export {
    /// The file name without its extension, e.g. `staff`.
    pub name: &'static str,
    pub columns: Vec<&'static str>,
    pub fetch: Arc<FetchPage>,
    /// Counts the rows before an XLSX is built; without it only the guard
    /// while writing bounds the file.
    pub count: Option<Arc<CountRows>>,
}

fn attachment(name: &str, extension: &str) -> (&'static str, String) {
    (
        "Content-Disposition",
        format!("attachment; filename=\"{name}.{extension}\""),
    )
}

fn csv_lines(rows: &[Vec<String>]) -> String {
    rows.iter().map(|cells| crate::csv::line(cells)).collect()
}

/// A CSV download that fetches one page at a time while the client reads,
/// each page in its own transaction, so that no export holds everything in
/// memory or runs into a request timeout. The first page is fetched before
/// answering, so that a refusal is still a proper problem.
pub async fn csv(db: Db, export: Export) -> Result<HttpResponse, ApiError> {
    let Export {
        name,
        columns,
        fetch,
        ..
    } = export;
    let first = fetch.clone();
    let (rows, next) = db.transaction(move |conn| first(conn, None)).await?;
    let head = crate::csv::line(&columns) + &csv_lines(&rows);
    let head = futures_util::stream::once(async move { Ok::<_, ApiError>(web::Bytes::from(head)) });
    let rest = futures_util::stream::unfold(next, move |cursor| {
        let db = db.clone();
        let fetch = fetch.clone();
        async move {
            let after = cursor?;
            match db.transaction(move |conn| fetch(conn, Some(after))).await {
                Ok((rows, next)) => Some((Ok(web::Bytes::from(csv_lines(&rows))), next)),
                Err(err) => {
                    tracing::error!(error.cause = ?err, "export.page_failed");
                    Some((Err(err), None))
                }
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment(name, "csv"))
        .streaming(futures_util::StreamExt::chain(head, rest)))
}

fn too_large(rows: i64, limit: i64) -> ApiError {
    ApiError::unprocessable(
        "export_too_large",
        format!(
            "This list has {rows} rows; an XLSX file holds at most {limit}. \
             Narrow the filter (a shorter window, one checkpoint, a colour) or download \
             the CSV, which has no limit."
        ),
    )
}

/// An XLSX download: counted first and refused with a 422 above `limit`
/// rows (`ANTOAN_XLSX_MAX_ROWS`), since it is built whole before the first
/// byte is sent; then written page by page (each page in its own
/// transaction, as the CSV) into a temporary file, which is sent in chunks.
pub async fn xlsx(db: Db, export: Export, limit: i64) -> Result<HttpResponse, ApiError> {
    let Export {
        name,
        columns,
        fetch,
        count,
    } = export;
    let (file, length) = db
        .run(move |conn| {
            if let Some(count) = count {
                let rows = db::transaction(conn, |conn| count(conn))?;
                if rows > limit {
                    return Err(too_large(rows, limit));
                }
            }
            let mut sheet = Sheet::new(name, &columns)?;
            let mut cursor = None;
            loop {
                let (rows, next) = db::transaction(conn, |conn| fetch(conn, cursor))?;
                for row in rows {
                    // Rows that arrived after the count can push it over.
                    if i64::from(sheet.rows()) >= limit {
                        return Err(too_large(limit + 1, limit));
                    }
                    sheet.push(&row)?;
                }
                match next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            let file = sheet.finish()?;
            let length = file
                .metadata()
                .map_err(|err| ApiError::internal(format!("reading the XLSX file: {err}")))?
                .len();
            Ok((file, length))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(crate::xlsx::CONTENT_TYPE)
        .insert_header(attachment(name, "xlsx"))
        .no_chunking(length)
        .streaming(file_chunks(file)))
}

/// Bytes read from a file off the async executor, 64 KiB at a time.
fn file_chunks(
    file: File,
) -> impl futures_util::Stream<Item = Result<web::Bytes, ApiError>> + 'static {
    futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let read = web::block(move || {
            let mut chunk = vec![0; 64 * 1024];
            let n = file.read(&mut chunk)?;
            chunk.truncate(n);
            Ok::<_, std::io::Error>((file, chunk))
        })
        .await;
        match read {
            Ok(Ok((_, chunk))) if chunk.is_empty() => None,
            Ok(Ok((file, chunk))) => Some((Ok(web::Bytes::from(chunk)), Some(file))),
            Ok(Err(err)) => Some((
                Err(ApiError::internal(format!("reading the XLSX file: {err}"))),
                None,
            )),
            Err(err) => Some((
                Err(ApiError::internal(format!("blocking task failed: {err}"))),
                None,
            )),
        }
    })
}

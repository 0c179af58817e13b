//! `store status NAME`: a snap's channel map and revisions as tables.

use ucore::store::publisher_api::SnapStatus;

/// The status as text: the snap's name, id and publisher, then its channels (per
/// architecture: the revision, or `closed`, or `↑` for a channel that follows a more stable
/// one), then its revisions, newest first.
pub fn render(status: &SnapStatus) -> String {
    let mut out = format!(
        "name:      {}\nsnap-id:   {}\npublisher: {}\n",
        status.name, status.snap_id, status.publisher
    );
    out.push('\n');
    if status.channel_map.is_empty() {
        out.push_str("channels:  none released\n");
    } else {
        let rows: Vec<Vec<String>> = status
            .channel_map
            .iter()
            .map(|c| {
                let (revision, state) = match (c.state.as_str(), c.revision) {
                    ("closed", _) => ("-".to_string(), "closed".to_string()),
                    ("tracking", r) => (
                        r.map_or_else(|| "↑".to_string(), |r| format!("↑ {r}")),
                        match &c.follows {
                            Some(f) => format!("tracking {f}"),
                            None => "tracking".to_string(),
                        },
                    ),
                    (s, Some(r)) => (r.to_string(), s.to_string()),
                    (s, None) => ("-".to_string(), s.to_string()),
                };
                vec![c.architecture.clone(), c.channel.clone(), revision, state]
            })
            .collect();
        table(&mut out, &["Arch", "Channel", "Revision", "State"], &rows);
    }
    out.push('\n');
    if status.revisions.is_empty() {
        out.push_str("revisions: none uploaded\n");
    } else {
        let rows: Vec<Vec<String>> = status
            .revisions
            .iter()
            .map(|r| {
                vec![
                    r.revision.to_string(),
                    r.version.clone(),
                    r.architectures.join(","),
                    r.size.to_string(),
                    r.created_at.clone(),
                ]
            })
            .collect();
        table(
            &mut out,
            &["Revision", "Version", "Arch", "Size", "Uploaded"],
            &rows,
        );
    }
    out
}

/// Appends a table: columns padded to their widest cell, two spaces apart, no trailing
/// blanks.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let mut line = String::new();
        for (cell, w) in row.iter().zip(&widths) {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', w - cell.chars().count() + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

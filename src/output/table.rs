//! Tables as comfy-table frames them, fitted to the console (a column
//! shortened in the middle, optional columns dropped), written row by row
//! for long lists; and `fit_line` for the lines around them.

use super::text::printable;
use super::ui::Ui;
use std::io::Write;

/// A table made one row at a time (a report's streamed list, as a person
/// reads it).
pub trait TableSource: Send + Sync {
    fn header(&self) -> Vec<&'static str>;
    /// Call `each` with every row's cells, in order; called twice (widths
    /// first, then the text), so the rows are never all held.
    fn rows(&self, each: &mut dyn FnMut(Vec<String>));
    /// Columns never shortened (an id a person types back).
    fn fixed(&self) -> Vec<usize> {
        Vec::new()
    }
    /// Columns left out, in this order, on a console too narrow for the
    /// others at their narrowest.
    fn optional(&self) -> Vec<usize> {
        Vec::new()
    }
    /// No rows: a person gets no table (the message gives the count).
    fn is_empty(&self) -> bool {
        false
    }
}

/// `src` in the frame the other tables have (comfy-table's
/// UTF8_FULL_CONDENSED), written as it is made: comfy-table holds every
/// cell of every row, 40 MiB for 10,000 backups.
/// `limit`: the terminal's width; the widest columns are shortened (in
/// the middle, with an ellipsis) until the table fits it.
pub fn write_table(
    out: &mut dyn Write,
    src: &dyn TableSource,
    limit: Option<usize>,
) -> std::io::Result<()> {
    let header = src.header();
    let width = |s: &str| s.chars().count();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    // Every cell is untrusted text: shown, never emitted.
    src.rows(&mut |cells| {
        for (w, c) in widths.iter_mut().zip(&cells) {
            *w = (*w).max(width(&printable(c)));
        }
    });
    let mut shown: Vec<usize> = (0..header.len()).collect();
    if let Some(limit) = limit {
        let fixed = src.fixed();
        let narrowest = |i: usize, w: usize| {
            if fixed.contains(&i) {
                w
            } else {
                w.min(MIN_COLUMN)
            }
        };
        let need = |cols: &[usize]| {
            cols.iter().map(|&i| narrowest(i, widths[i])).sum::<usize>() + 3 * cols.len() + 1
        };
        for drop in src.optional() {
            if need(&shown) <= limit {
                break;
            }
            shown.retain(|&i| i != drop);
        }
        let mut kept: Vec<usize> = shown.iter().map(|&i| widths[i]).collect();
        let floors: Vec<usize> = shown.iter().map(|&i| narrowest(i, widths[i])).collect();
        fit(&mut kept, &floors, limit);
        for (&i, w) in shown.iter().zip(kept) {
            widths[i] = w;
        }
    }
    let pick = |all: Vec<String>| -> Vec<String> {
        shown.iter().filter_map(|&i| all.get(i).cloned()).collect()
    };
    let header: Vec<&str> = shown.iter().map(|&i| header[i]).collect();
    let widths: Vec<usize> = shown.iter().map(|&i| widths[i]).collect();
    let rule = |out: &mut dyn Write, (l, fill, mid, r): (&str, &str, &str, &str)| {
        let parts: Vec<String> = widths.iter().map(|w| fill.repeat(w + 2)).collect();
        writeln!(out, "{l}{}{r}", parts.join(mid))
    };
    let line = |out: &mut dyn Write, cells: &[&str]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let c = shorten(c, *w);
                format!(" {c}{} ", " ".repeat(w.saturating_sub(width(&c))))
            })
            .collect();
        writeln!(out, "│{}│", parts.join("┆"))
    };
    rule(out, ("┌", "─", "┬", "┐"))?;
    line(out, &header)?;
    rule(out, ("╞", "═", "╪", "╡"))?;
    let mut result = Ok(());
    src.rows(&mut |cells| {
        if result.is_ok() {
            let cells: Vec<String> = pick(cells).iter().map(|c| printable(c)).collect();
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            result = line(out, &cells);
        }
    });
    result?;
    rule(out, ("└", "─", "┴", "┘"))
}

/// A column shortened to fit a console keeps at least this much.
const MIN_COLUMN: usize = 12;

/// Narrow the widest column above its floor, one character at a time,
/// until the table (its cells, a space either side, and the rules between)
/// fits `limit`.
fn fit(widths: &mut [usize], floors: &[usize], limit: usize) {
    let total = |w: &[usize]| w.iter().sum::<usize>() + 3 * w.len() + 1;
    while total(widths) > limit {
        let Some((i, _)) = widths
            .iter()
            .enumerate()
            .filter(|(i, w)| **w > floors[*i])
            .max_by_key(|(_, w)| **w)
        else {
            return;
        };
        widths[i] -= 1;
    }
}

/// `text` in at most `width` characters: the start and the end kept, the
/// middle an ellipsis (a path keeps its drive and its file name).
pub fn shorten(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width || width < 3 {
        return text.to_string();
    }
    let keep = width - 1;
    let head = keep / 2;
    let tail = keep - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A `label: value` line in at most `columns` characters on a terminal:
/// words wrap onto lines indented under the value, a word wider than that
/// (a path) is shortened in the middle. Piped (`None`), the line is whole.
pub fn fit_line(line: &str, columns: Option<usize>) -> String {
    let Some(width) = columns else {
        return line.to_string();
    };
    if line.chars().count() <= width {
        return line.to_string();
    }
    // The value starts after "label:" and its padding; keep at least half
    // the width for it.
    let indent = line
        .find(": ")
        .map(|i| i + 2 + line[i + 2..].len() - line[i + 2..].trim_start().len())
        .filter(|&i| line[..i].chars().count() <= width / 2)
        .map_or(2, |i| line[..i].chars().count());
    let room = width.saturating_sub(indent).max(8);
    let mut out = String::new();
    let mut current = String::new();
    let mut used = 0;
    for word in line.split(' ') {
        let first_line = out.is_empty();
        let limit = if first_line { width } else { indent + room };
        let word = if word.chars().count() > room {
            shorten(word, room)
        } else {
            word.to_string()
        };
        let len = word.chars().count();
        if used > 0 && used + 1 + len > limit {
            out.push_str(current.trim_end());
            out.push('\n');
            current = " ".repeat(indent);
            used = indent;
        } else if used > 0 {
            current.push(' ');
            used += 1;
        }
        current.push_str(&word);
        used += len;
    }
    out.push_str(current.trim_end());
    out
}

/// A table of `rows` under `header`, fitted to the terminal (Ui::columns);
/// the `fixed` columns are never shortened.
pub fn render_table(
    ui: &Ui,
    header: &[&'static str],
    fixed: &[usize],
    rows: Vec<Vec<String>>,
) -> String {
    struct Rows<'a>(&'a [&'static str], &'a [usize], Vec<Vec<String>>);
    impl TableSource for Rows<'_> {
        fn header(&self) -> Vec<&'static str> {
            self.0.to_vec()
        }
        fn rows(&self, each: &mut dyn FnMut(Vec<String>)) {
            for r in &self.2 {
                each(r.clone());
            }
        }
        fn fixed(&self) -> Vec<usize> {
            self.1.to_vec()
        }
    }
    let mut out = Vec::new();
    let _ = write_table(&mut out, &Rows(header, fixed, rows), ui.columns);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_wraps_under_its_value_and_a_long_word_is_shortened() {
        let line = "MIM build: unknown (no versioned Microsoft.ResourceManagement.Service.exe in the Service folder)";
        let fitted = fit_line(line, Some(40));
        for l in fitted.lines() {
            assert!(l.chars().count() <= 40, "{l:?} in\n{fitted}");
        }
        assert!(
            fitted.lines().skip(1).all(|l| l.starts_with("           ")),
            "{fitted}"
        );
        assert!(
            fitted.contains('…'),
            "the exe name is wider than the room: {fitted}"
        );
        assert_eq!(fit_line(line, None), line);
        assert_eq!(fit_line("short: line", Some(40)), "short: line");
        let at_60 = fit_line(line, Some(60));
        let words: Vec<&str> = at_60.split_whitespace().collect();
        assert_eq!(words.join(" "), line, "at 60 nothing is cut, only wrapped");
    }

    struct Two;
    impl TableSource for Two {
        fn header(&self) -> Vec<&'static str> {
            vec!["id", "label"]
        }
        fn rows(&self, each: &mut dyn FnMut(Vec<String>)) {
            each(vec![
                "20261201T000000Z (latest)".into(),
                "before change é".into(),
            ]);
            each(vec!["x".into(), String::new()]);
        }
    }

    #[test]
    fn a_streamed_table_looks_like_the_other_tables() {
        let mut ours = Vec::new();
        write_table(&mut ours, &Two, None).unwrap();
        let mut theirs = comfy_table::Table::new();
        theirs
            .load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
            .set_header(Two.header());
        Two.rows(&mut |cells| {
            theirs.add_row(cells);
        });
        assert_eq!(String::from_utf8(ours).unwrap(), format!("{theirs}\n"));
    }
}

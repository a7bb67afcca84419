//! Windows event exports: the XML that `wevtutil qe LOG /f:xml` and
//! `Get-WinEvent | ForEach-Object { $_.ToXml() }` write — `<Event>`
//! elements of the `http://schemas.microsoft.com/win/2004/08/events/event`
//! schema, one after another or inside one root (`/e:Events`).
//!
//! Streamed: one event is held at a time, whatever the size of the export,
//! and each byte is looked at a fixed number of times. Nothing in the file
//! is trusted: no DOCTYPE (so no entity is ever declared or expanded), no
//! run of more than [`MAX_RUN`] bytes without a `<` (a Windows event holds
//! at most 64 KB, so such a run is not an export and would otherwise grow
//! the parser's buffer), UTF-8 or UTF-16 with a byte-order mark only. A
//! broken file is an error at its line and column.

use crate::formats::bounded;
use crate::formats::settings_xml::resolve_ref;
use crate::formats::xml_rules;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use time::OffsetDateTime;

/// An export of a busy Application log can be large; past this, export
/// fewer events (`wevtutil qe … /c:N`, or a time window).
pub const EVENTS_CAP: u64 = 1 << 30;
/// The longest run of bytes without a `<` (one text, or one tag).
pub const MAX_RUN: usize = 1 << 20;
/// What one event's texts may add up to; the rest is dropped (a Windows
/// event record is at most 64 KB, so only a hostile file gets here).
const EVENT_TEXT_CAP: usize = 256 << 10;
/// Elements nested deeper than this are not an event export.
const MAX_DEPTH: usize = 64;
/// The first bytes of a binary `.evtx` log.
const EVTX_MAGIC: &[u8] = b"ElfFile\0";

/// One `<Event>`: the fields mimmfa reads, as the file has them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventRecord {
    /// 1-based: the n-th event of its file.
    pub ordinal: u64,
    /// The line of the file where the event starts.
    pub line: u64,
    /// System/Provider@Name (a classic source such as
    /// `Microsoft.ResourceManagement`, or a manifest provider).
    pub provider: String,
    pub event_id: Option<u32>,
    /// System/TimeCreated@SystemTime; `None` when absent or unreadable.
    pub time: Option<OffsetDateTime>,
    pub channel: String,
    pub computer: String,
    /// EventData/Data (its Name attribute, if any, and its text), and the
    /// leaf elements of UserData (their names and texts).
    pub data: Vec<(Option<String>, String)>,
    /// RenderingInfo/Message (`wevtutil qe … /f:RenderedXml`).
    pub message: String,
}

impl EventRecord {
    /// Every text of the event a person would read: the message, then the
    /// data, one per line.
    pub fn text(&self) -> String {
        let mut out = self.message.clone();
        for (_, value) in &self.data {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(value);
        }
        out
    }

    /// The value of the EventData/UserData field named `name` (any case).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.data
            .iter()
            .find(|(n, _)| n.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v.as_str())
    }
}

/// An export that cannot be read, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadExport {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl std::fmt::Display for BadExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Why reading failed: the file itself (not there, not a regular file, too
/// large), or its contents.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    Bad(BadExport),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::Bad(b) => write!(f, "{b}"),
        }
    }
}

/// Read the export at `path`, calling `each` with every event in file
/// order; returns how many there were.
pub fn read_file(path: &Path, each: &mut dyn FnMut(EventRecord)) -> Result<u64, ReadError> {
    let open = || bounded::open_capped(path, EVENTS_CAP);
    let result = read(open().map_err(ReadError::Io)?, each);
    // The position of a fault is found by reading the file again up to
    // it: the stream keeps no lines behind it.
    locate(result, || open().map(|r| Box::new(r) as Box<dyn Read>))
}

/// [`read_file`] for an export already in memory (a `wevtutil` run).
#[cfg(any(windows, test))]
pub fn read_bytes(bytes: &[u8], each: &mut dyn FnMut(EventRecord)) -> Result<u64, ReadError> {
    let result = read(bytes, each);
    locate(result, || Ok(Box::new(bytes) as Box<dyn Read + '_>))
}

/// A fault `at` bytes into the decoded text, not yet placed on a line.
struct Fault {
    at: u64,
    message: String,
}

fn fault(at: u64, message: impl Into<String>) -> Fault {
    Fault {
        at,
        message: message.into(),
    }
}

enum Failed {
    Io(io::Error),
    Bad(Fault),
}

fn locate<'a>(
    result: Result<u64, Failed>,
    reopen: impl Fn() -> io::Result<Box<dyn Read + 'a>>,
) -> Result<u64, ReadError> {
    match result {
        Ok(n) => Ok(n),
        Err(Failed::Io(e)) => Err(ReadError::Io(e)),
        Err(Failed::Bad(f)) => {
            let (line, column) = reopen()
                .ok()
                .and_then(|r| position_of(r, f.at).ok())
                .unwrap_or((0, 0));
            Err(ReadError::Bad(BadExport {
                line,
                column,
                message: f.message,
            }))
        }
    }
}

/// 1-based line and column (in characters) of the decoded offset `at`.
fn position_of(raw: impl Read, at: u64) -> io::Result<(u64, u64)> {
    let (mut text, _) = decoded(raw)?;
    let (mut line, mut column, mut seen) = (1u64, 1u64, 0u64);
    let mut buf = [0u8; 64 << 10];
    while seen < at {
        // A text that stops decoding stops here: the fault is near.
        let n = text.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        let take = usize::try_from(at - seen).unwrap_or(usize::MAX).min(n);
        for b in &buf[..take] {
            if *b == b'\n' {
                line += 1;
                column = 1;
            } else if (*b & 0xC0) != 0x80 {
                column += 1;
            }
        }
        seen += take as u64;
    }
    Ok((line, column))
}

/// The text of an export as UTF-8: as it is, or decoded from UTF-16 (what
/// Windows PowerShell 5.1's `>` writes). Also says whether it is a binary
/// `.evtx` log.
fn decoded<'a>(raw: impl Read + 'a) -> io::Result<(Box<dyn Read + 'a>, bool)> {
    let mut raw = BufReader::with_capacity(64 << 10, raw);
    let head = raw.fill_buf()?;
    let evtx = head.starts_with(EVTX_MAGIC);
    let text: Box<dyn Read + 'a> = match head {
        [0xFF, 0xFE, ..] => {
            raw.consume(2);
            Box::new(Utf16::new(raw, false))
        }
        [0xFE, 0xFF, ..] => {
            raw.consume(2);
            Box::new(Utf16::new(raw, true))
        }
        // UTF-16 without a byte-order mark starts `<` NUL.
        [b'<', 0, ..] => Box::new(Utf16::new(raw, false)),
        [0xEF, 0xBB, 0xBF, ..] => {
            raw.consume(3);
            Box::new(raw)
        }
        _ => Box::new(raw),
    };
    Ok((text, evtx))
}

fn read(raw: impl Read, each: &mut dyn FnMut(EventRecord)) -> Result<u64, Failed> {
    let (text, evtx) = decoded(raw).map_err(Failed::Io)?;
    if evtx {
        return Err(Failed::Bad(fault(
            0,
            "this is a binary .evtx log, which mimmfa does not read: turn it into XML on any Windows machine with `wevtutil qe FILE.evtx /lf:true /f:xml > events.xml` and pass events.xml",
        )));
    }
    let mut parser = Parser {
        reader: Reader::from_reader(Tracked::new(BufReader::with_capacity(64 << 10, text))),
        stack: Vec::new(),
        event: None,
        events: 0,
    };
    parser.run(each)
}

/// Where the parser is, and the event it is filling.
struct Parser<R: BufRead> {
    reader: Reader<Tracked<R>>,
    /// The local names of the open elements, the outermost first.
    stack: Vec<String>,
    event: Option<Partial>,
    events: u64,
}

/// An event being read: the record, the text budget left, and the Data
/// element (name, text so far) that is open.
struct Partial {
    record: EventRecord,
    budget: usize,
    data: Option<(Option<String>, String)>,
    /// The depth of the `<Event>` element in `stack`.
    depth: usize,
}

impl<R: BufRead> Parser<R> {
    fn run(&mut self, each: &mut dyn FnMut(EventRecord)) -> Result<u64, Failed> {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let before = self.reader.buffer_position();
            let event = match self.reader.read_event_into(&mut buf) {
                Ok(e) => e,
                Err(quick_xml::Error::Io(e)) => {
                    // A run too long for an export is the guard's own error.
                    let at = self.reader.get_ref().consumed;
                    // So is text that does not decode; the rest is the file's.
                    let content = e.to_string().contains(RUN_MESSAGE)
                        || e.kind() == io::ErrorKind::InvalidData;
                    return Err(if content {
                        Failed::Bad(fault(at, e.to_string()))
                    } else {
                        Failed::Io(io::Error::new(e.kind(), e.to_string()))
                    });
                }
                Err(e) => {
                    return Err(Failed::Bad(fault(
                        self.reader.error_position(),
                        format!("not well-formed XML: {e}"),
                    )));
                }
            };
            // A comment or CDATA section may hold `<` and still grow
            // past what an event holds.
            if self.reader.buffer_position() - before > MAX_RUN as u64 {
                return Err(Failed::Bad(fault(before, run_message())));
            }
            match event {
                Event::Eof => break,
                Event::DocType(_) => {
                    return Err(Failed::Bad(fault(
                        before,
                        "a DOCTYPE: an event export has none, and mimmfa expands no entity declaration; export the events again with wevtutil or Get-WinEvent",
                    )));
                }
                Event::Start(start) => self.open(&start, before)?,
                Event::Empty(start) => {
                    // `<Data/>`, `<Event/>`: they end where they start.
                    self.open(&start, before)?;
                    if let Some(done) = self.close() {
                        each(done);
                    }
                }
                Event::End(_) => {
                    if let Some(done) = self.close() {
                        each(done);
                    }
                }
                Event::Text(text) => {
                    let text = utf8(&text, before)?;
                    if let Some(e) = xml_rules::bad_char(text) {
                        return Err(Failed::Bad(fault(before + e.at as u64, e.message)));
                    }
                    // References come as their own events (GeneralRef).
                    self.text(text, before)?;
                }
                Event::CData(data) => {
                    let text = utf8(&data, before)?.to_string();
                    self.text(&text, before)?;
                }
                Event::GeneralRef(r) => {
                    let resolved = resolve_ref(&r).ok_or_else(|| {
                        Failed::Bad(fault(
                            before,
                            format!(
                                "the entity reference &{}; is not one of XML's own (&lt; &gt; &amp; &apos; &quot; or a character): mimmfa expands no other",
                                shown(&r)
                            ),
                        ))
                    })?;
                    self.text(&resolved, before)?;
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
        if !self.stack.is_empty() {
            let at = self.reader.buffer_position();
            return Err(Failed::Bad(fault(
                at,
                format!(
                    "the file ends inside <{}>: it was cut short; export it again",
                    self.stack.last().map_or("", String::as_str)
                ),
            )));
        }
        Ok(self.events)
    }

    fn open(&mut self, start: &BytesStart<'_>, at: u64) -> Result<(), Failed> {
        let name = utf8(start.local_name().into_inner(), at)?.to_string();
        let depth = self.stack.len();
        if depth >= MAX_DEPTH {
            return Err(Failed::Bad(fault(
                at,
                format!("elements nested deeper than {MAX_DEPTH}: this is not an event export"),
            )));
        }
        match &mut self.event {
            None if name == "Event" => {
                self.events += 1;
                self.event = Some(Partial {
                    record: EventRecord {
                        ordinal: self.events,
                        line: self.reader.get_ref().line,
                        ..EventRecord::default()
                    },
                    budget: EVENT_TEXT_CAP,
                    data: None,
                    depth,
                });
            }
            // One root around the events (`wevtutil qe … /e:Events`).
            None if depth == 0 && name == "Events" => {}
            None => {
                return Err(Failed::Bad(fault(
                    at,
                    format!(
                        "<{}> where an <Event> was expected: this is not an export of `wevtutil qe LOG /f:xml` or of Get-WinEvent's ToXml()",
                        printable_name(&name)
                    ),
                )));
            }
            Some(partial) => {
                let parent = self.stack.last().map(String::as_str);
                let attr = |key: &str| attribute(start, key, at);
                match (parent, name.as_str()) {
                    (Some("System"), "Provider") => {
                        partial.record.provider = attr("Name")?.unwrap_or_default();
                    }
                    (Some("System"), "TimeCreated") => {
                        partial.record.time = attr("SystemTime")?.as_deref().and_then(parse_time);
                    }
                    (Some("EventData"), "Data") => {
                        partial.data = Some((attr("Name")?, String::new()));
                    }
                    _ if self
                        .stack
                        .iter()
                        .skip(partial.depth)
                        .any(|s| s == "UserData") =>
                    {
                        partial.data = Some((Some(name.clone()), String::new()));
                    }
                    _ => {}
                }
            }
        }
        self.stack.push(name);
        Ok(())
    }

    /// Close the innermost element; the finished event, if it was one.
    fn close(&mut self) -> Option<EventRecord> {
        let name = self.stack.pop()?;
        let partial = self.event.as_mut()?;
        if self.stack.len() == partial.depth {
            return self.event.take().map(|p| p.record);
        }
        let _ = name;
        if let Some(data) = partial.data.take() {
            partial.record.data.push(data);
        }
        None
    }

    fn text(&mut self, text: &str, at: u64) -> Result<(), Failed> {
        let Some(partial) = self.event.as_mut() else {
            if text.trim().is_empty() {
                return Ok(());
            }
            return Err(Failed::Bad(fault(
                at,
                "text outside an <Event> element: this is not an export of `wevtutil qe LOG /f:xml` or of Get-WinEvent's ToXml()",
            )));
        };
        let keep = &text[..floor_char(text, partial.budget)];
        partial.budget -= keep.len();
        let parent = self.stack.last().map(String::as_str).unwrap_or("");
        let grand = self
            .stack
            .len()
            .checked_sub(2)
            .and_then(|i| self.stack.get(i));
        let record = &mut partial.record;
        match (grand.map(String::as_str), parent) {
            (Some("System"), "EventID") => {
                record.event_id = keep.trim().parse().ok();
            }
            (Some("System"), "Channel") => record.channel.push_str(keep),
            (Some("System"), "Computer") => record.computer.push_str(keep),
            (Some("RenderingInfo"), "Message") => record.message.push_str(keep),
            _ => {
                if let Some((_, value)) = partial.data.as_mut() {
                    value.push_str(keep);
                }
            }
        }
        Ok(())
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a
/// character boundary.
fn floor_char(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    (0..=max)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

fn utf8(bytes: &[u8], at: u64) -> Result<&str, Failed> {
    std::str::from_utf8(bytes).map_err(|e| {
        Failed::Bad(fault(
            at + e.valid_up_to() as u64,
            "not UTF-8 text (nor UTF-16 with a byte-order mark): this is not an event export",
        ))
    })
}

fn attribute(start: &BytesStart<'_>, key: &str, at: u64) -> Result<Option<String>, Failed> {
    for attr in start.attributes() {
        let attr = attr.map_err(|e| Failed::Bad(fault(at, format!("not well-formed XML: {e}"))))?;
        if attr.key.local_name().as_ref() == key.as_bytes() {
            let raw = utf8(&attr.value, at)?;
            let value = quick_xml::escape::unescape(raw)
                .map_err(|e| Failed::Bad(fault(at, format!("not well-formed XML: {e}"))))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// `2026-11-23T14:05:01.1234567Z` (wevtutil) or with nine digits
/// (Get-WinEvent), or none.
pub fn parse_time(raw: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    OffsetDateTime::parse(raw.trim(), &Rfc3339).ok()
}

/// A name from the file, short and with no control character, for a
/// message.
fn printable_name(name: &str) -> String {
    name.chars()
        .take(64)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn shown(bytes: &[u8]) -> String {
    printable_name(&String::from_utf8_lossy(bytes))
}

const RUN_MESSAGE: &str = "bytes without a `<`";

fn run_message() -> String {
    format!(
        "more than {MAX_RUN} {RUN_MESSAGE} (one text, tag or comment): a Windows event holds at most 64 KB, so this is not an event export"
    )
}

/// The parser's input: counts the lines it has consumed (so each event
/// knows its line) and refuses a run of more than [`MAX_RUN`] bytes
/// without a `<`, before the parser's buffer can grow past it.
struct Tracked<R> {
    inner: R,
    line: u64,
    run: usize,
    consumed: u64,
}

impl<R> Tracked<R> {
    fn new(inner: R) -> Self {
        Tracked {
            inner,
            line: 1,
            run: 0,
            consumed: 0,
        }
    }
}

impl<R: BufRead> Read for Tracked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(out.len());
            out[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.run > MAX_RUN {
            return Err(io::Error::other(run_message()));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if amt == 0 {
            return;
        }
        if let Ok(buf) = self.inner.fill_buf() {
            for b in &buf[..amt.min(buf.len())] {
                match b {
                    b'<' => self.run = 0,
                    b'\n' => {
                        self.line += 1;
                        self.run += 1;
                    }
                    _ => self.run += 1,
                }
            }
        }
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

/// UTF-16 (little or big endian) in, UTF-8 out, a chunk at a time.
struct Utf16<R> {
    inner: R,
    big_endian: bool,
    out: Vec<u8>,
    pos: usize,
    /// A byte of a code unit, or a high surrogate, left from the last chunk.
    odd: Option<u8>,
    high: Option<u16>,
    /// Code units decoded so far (for the error's position).
    units: u64,
}

impl<R: Read> Utf16<R> {
    fn new(inner: R, big_endian: bool) -> Self {
        Utf16 {
            inner,
            big_endian,
            out: Vec::new(),
            pos: 0,
            odd: None,
            high: None,
            units: 0,
        }
    }

    fn refill(&mut self) -> io::Result<bool> {
        let mut raw = [0u8; 32 << 10];
        let n = self.inner.read(&mut raw)?;
        self.out.clear();
        self.pos = 0;
        if n == 0 {
            if self.odd.is_some() || self.high.is_some() {
                return Err(self.broken());
            }
            return Ok(false);
        }
        let mut bytes: Vec<u8> = self.odd.take().into_iter().collect();
        bytes.extend_from_slice(&raw[..n]);
        if bytes.len() % 2 == 1 {
            self.odd = bytes.pop();
        }
        for pair in bytes.chunks_exact(2) {
            let unit = if self.big_endian {
                u16::from_be_bytes([pair[0], pair[1]])
            } else {
                u16::from_le_bytes([pair[0], pair[1]])
            };
            self.units += 1;
            let c = match (self.high.take(), unit) {
                (None, 0xD800..=0xDBFF) => {
                    self.high = Some(unit);
                    continue;
                }
                (Some(high), 0xDC00..=0xDFFF) => {
                    char::decode_utf16([high, unit]).next().and_then(Result::ok)
                }
                (None, 0xDC00..=0xDFFF) | (Some(_), _) => None,
                (None, u) => char::from_u32(u32::from(u)),
            };
            let Some(c) = c else {
                return Err(self.broken());
            };
            let mut tmp = [0u8; 4];
            self.out
                .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        Ok(true)
    }

    fn broken(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "not valid UTF-16 near character {}: the file is damaged or not an event export",
                self.units
            ),
        )
    }
}

impl<R: Read> Read for Utf16<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = (self.out.len() - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "http://schemas.microsoft.com/win/2004/08/events/event";

    fn event(id: u32, data: &str) -> String {
        format!(
            "<Event xmlns='{NS}'><System><Provider Name='Microsoft.ResourceManagement'/><EventID Qualifiers='0'>{id}</EventID><TimeCreated SystemTime='2026-11-23T14:05:01.1234567Z'/><Channel>Forefront Identity Manager</Channel><Computer>mim01.contoso.example</Computer></System><EventData><Data>{data}</Data></EventData></Event>"
        )
    }

    fn all(bytes: &[u8]) -> Result<Vec<EventRecord>, ReadError> {
        let mut out = Vec::new();
        read_bytes(bytes, &mut |e| out.push(e))?;
        Ok(out)
    }

    fn bad(bytes: &[u8]) -> BadExport {
        match all(bytes) {
            Err(ReadError::Bad(b)) => b,
            other => panic!("expected a bad export, got {other:?}"),
        }
    }

    #[test]
    fn reads_the_fields_with_or_without_a_root() {
        let two = format!(
            "{}\r\n{}",
            event(3, "a &amp; b"),
            event(4, "<![CDATA[x<y]]>")
        );
        for doc in [two.clone(), format!("<Events>{two}</Events>")] {
            let events = all(doc.as_bytes()).unwrap();
            assert_eq!(events.len(), 2);
            let e = &events[0];
            assert_eq!(e.provider, "Microsoft.ResourceManagement");
            assert_eq!(e.event_id, Some(3));
            assert_eq!(e.channel, "Forefront Identity Manager");
            assert_eq!(e.computer, "mim01.contoso.example");
            assert_eq!(e.data, vec![(None, "a & b".to_string())]);
            assert_eq!(e.time.unwrap().unix_timestamp(), 1795442701);
            assert_eq!(events[1].data[0].1, "x<y");
            assert_eq!(events[1].ordinal, 2);
        }
        assert_eq!(all(two.as_bytes()).unwrap()[1].line, 2);
    }

    #[test]
    fn utf16_with_a_bom_reads_like_utf8() {
        let doc = event(7, "Jörg 😀");
        let mut le = vec![0xFF, 0xFE];
        le.extend(doc.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(doc.encode_utf16().flat_map(u16::to_be_bytes));
        for bytes in [le, be] {
            assert_eq!(all(&bytes).unwrap()[0].data[0].1, "Jörg 😀");
        }
    }

    #[test]
    fn hostile_input_is_an_error_at_its_position() {
        let b = bad(format!("<!DOCTYPE e [<!ENTITY x 'y'>]>\n{}", event(1, "&x;")).as_bytes());
        assert!(b.message.contains("DOCTYPE"), "{b}");
        assert_eq!((b.line, b.column), (1, 1));
        let b = bad(format!("{}\n{}", event(1, "ok"), event(2, "&x;")).as_bytes());
        assert!(b.message.contains("&x;"), "{b}");
        assert_eq!(b.line, 2);
        let cut = event(1, "ok");
        let b = bad(&cut.as_bytes()[..cut.len() - 20]);
        assert!(b.message.contains("cut short"), "{b}");
        let b = bad(b"ElfFile\0\x01\x02\x03");
        assert!(b.message.contains("wevtutil qe FILE.evtx /lf:true"), "{b}");
        let b = bad(b"\x00\x01\x02garbage\xff\xfe");
        assert!(!b.message.is_empty());
        let b = bad(b"hello, not XML");
        assert!(b.message.contains("text outside"), "{b}");
        let b = bad(b"<Settings><Event/></Settings>");
        assert!(b.message.contains("where an <Event>"), "{b}");
        let mut long = event(1, "").into_bytes();
        long.splice(200..200, vec![b'x'; MAX_RUN + 10]);
        let b = bad(&long);
        assert!(b.message.contains("without a `<`"), "{b}");
        let deep = "<a>".repeat(100);
        let b = bad(format!("<Event>{deep}").as_bytes());
        assert!(b.message.contains("nested deeper"), "{b}");
    }

    #[test]
    fn one_event_texts_are_capped() {
        let big = "y".repeat(100_000);
        let doc = event(1, &format!("{big}</Data><Data>{big}</Data><Data>{big}"));
        let e = &all(doc.as_bytes()).unwrap()[0];
        let total: usize = e.data.iter().map(|(_, v)| v.len()).sum();
        // The System fields count too: a few dozen bytes.
        assert!(
            total <= EVENT_TEXT_CAP && total > EVENT_TEXT_CAP - 100,
            "{total}"
        );
    }
}

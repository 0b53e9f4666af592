//! Android binary XML (AXML), as in a packaged `AndroidManifest.xml`, read
//! the way apksig's `AndroidBinXmlParser` reads it, and the minimum SDK
//! version signapk derives from it (`ApkUtils.getMinSdkVersionFromBinaryAndroidManifest`).
//!
//! ```text
//! file      = chunk*                       (the first RES_XML chunk is used)
//! chunk     = u16 type, u16 header_size, u32 chunk_size, header rest, contents
//! RES_XML   = 0x0003: its contents are a sequence of chunks:
//!   STRING_POOL   0x0001  u32 string_count, style_count, flags, strings_start, styles_start
//!   RESOURCE_MAP  0x0180  u32 resource id per attribute-name string index
//!   START_ELEMENT 0x0102  u32 ns, name; u16 attr_start, attr_size, attr_count; ...
//!   END_ELEMENT   0x0103  u32 ns, name
//! attribute = u32 ns, name, raw_value; u16 size; u8 res0; u8 type; u32 data
//! ```
//!
//! Every offset, length and count read from the file is checked before use:
//! a hostile manifest yields an [`AxmlError`], never a panic or an
//! allocation sized by the input. Where apksig reads past a structure (the
//! NUL after a string may lie just past the string pool), this parser reads
//! the same byte of the file, so both accept the same inputs.

use std::fmt;

/// Why a binary XML document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxmlError(String);

impl AxmlError {
    fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}

impl fmt::Display for AxmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AxmlError {}

type Result<T> = core::result::Result<T, AxmlError>;

const CHUNK_HEADER_MIN: usize = 8;
const TYPE_STRING_POOL: u16 = 0x0001;
const TYPE_RES_XML: u16 = 0x0003;
const TYPE_START_ELEMENT: u16 = 0x0102;
const TYPE_END_ELEMENT: u16 = 0x0103;
const TYPE_RESOURCE_MAP: u16 = 0x0180;
const NO_NAMESPACE: u32 = 0xffff_ffff;
const STRING_POOL_UTF8: u32 = 1 << 8;

/// Attribute value types (`Res_value::dataType`).
const VALUE_REFERENCE: u8 = 0x01;
const VALUE_STRING: u8 = 0x03;
const VALUE_INT_DEC: u8 = 0x10;
const VALUE_INT_HEX: u8 = 0x11;
const VALUE_INT_BOOLEAN: u8 = 0x12;

/// The resource ID of `android:minSdkVersion`.
pub const MIN_SDK_VERSION_ATTR_ID: u32 = 0x0101_020c;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn short(what: &str) -> AxmlError {
    AxmlError::new(format!("{what} truncated"))
}

/// A chunk: its type and the absolute ranges of its header and contents in the file.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    kind: u16,
    header: (usize, usize),
    contents: (usize, usize),
}

/// Reads the chunk at `*pos` of `file[..end]`, as apksig's `Chunk.get`: a
/// chunk whose header or body does not fit ends the sequence (`None`).
fn next_chunk(file: &[u8], pos: &mut usize, end: usize) -> Result<Option<Chunk>> {
    let start = *pos;
    let remaining = end.saturating_sub(start);
    if remaining < CHUNK_HEADER_MIN {
        *pos = end;
        return Ok(None);
    }
    let kind = u16_at(file, start).ok_or_else(|| short("chunk header"))?;
    let header_size = usize::from(u16_at(file, start + 2).ok_or_else(|| short("chunk header"))?);
    let chunk_size = u32_at(file, start + 4).ok_or_else(|| short("chunk header"))?;
    let chunk_size = usize::try_from(chunk_size).map_err(|_| AxmlError::new("chunk too large"))?;
    // JDK compat: apksig compares `chunkSize - 8` (a long, negative for tiny
    // sizes) with the bytes left after the 8-byte header.
    if chunk_size >= CHUNK_HEADER_MIN
        && chunk_size - CHUNK_HEADER_MIN > remaining - CHUNK_HEADER_MIN
    {
        *pos = end;
        return Ok(None);
    }
    if header_size < CHUNK_HEADER_MIN {
        return Err(AxmlError::new(format!(
            "Malformed chunk: header too short: {header_size} bytes"
        )));
    }
    if header_size > chunk_size {
        return Err(AxmlError::new(format!(
            "Malformed chunk: header too long: {header_size} bytes. Chunk size: {chunk_size} bytes"
        )));
    }
    let chunk_end = start + chunk_size;
    *pos = chunk_end;
    Ok(Some(Chunk {
        kind,
        header: (start, start + header_size),
        contents: (start + header_size, chunk_end),
    }))
}

/// The string pool: strings are decoded on demand.
#[derive(Debug, Clone, Copy)]
struct StringPool {
    /// Absolute range of the chunk contents (the offsets array starts here).
    contents: (usize, usize),
    /// Absolute range of the strings section.
    strings: (usize, usize),
    count: u32,
    utf8: bool,
}

impl StringPool {
    fn parse(file: &[u8], chunk: Chunk) -> Result<Self> {
        let (hs, he) = chunk.header;
        let header_size = he - hs;
        if header_size - CHUNK_HEADER_MIN < 20 {
            return Err(AxmlError::new(format!(
                "XML chunk's header too short. Required at least 20 bytes. Available: {} bytes",
                header_size - CHUNK_HEADER_MIN
            )));
        }
        let field = |i: usize| {
            u32_at(file, hs + CHUNK_HEADER_MIN + 4 * i).ok_or_else(|| short("string pool header"))
        };
        let count = field(0)?;
        if i32::try_from(count).is_err() {
            return Err(AxmlError::new(format!("Too many strings: {count}")));
        }
        let style_count = field(1)?;
        if i32::try_from(style_count).is_err() {
            return Err(AxmlError::new(format!("Too many styles: {style_count}")));
        }
        let flags = field(2)?;
        let strings_start = u64::from(field(3)?);
        let styles_start = u64::from(field(4)?);
        let (cs, ce) = chunk.contents;
        let strings = if count > 0 {
            let rel = |v: u64| -> Result<usize> {
                let r = v.checked_sub(header_size as u64).ok_or_else(|| {
                    AxmlError::new(format!("strings offset {v} inside the header"))
                })?;
                usize::try_from(r).map_err(|_| AxmlError::new("strings offset too large"))
            };
            let from = rel(strings_start)?;
            let to = if style_count > 0 {
                if styles_start < strings_start {
                    return Err(AxmlError::new(format!(
                        "Styles offset ({styles_start}) < strings offset ({strings_start})"
                    )));
                }
                rel(styles_start)?
            } else {
                ce - cs
            };
            if to > ce - cs {
                return Err(AxmlError::new(format!(
                    "strings section end {to} out of bounds: {}",
                    ce - cs
                )));
            }
            if from > to {
                return Err(AxmlError::new(format!("end < start: {to} < {from}")));
            }
            (cs + from, cs + to)
        } else {
            (cs, cs)
        };
        Ok(Self { contents: chunk.contents, strings, count, utf8: flags & STRING_POOL_UTF8 != 0 })
    }

    /// The string at `index`, decoded as apksig does (invalid sequences become U+FFFD).
    fn get(&self, file: &[u8], index: u32) -> Result<String> {
        if index >= self.count {
            return Err(AxmlError::new(format!(
                "Unsuported string index: {index}, max: {}",
                i64::from(self.count) - 1
            )));
        }
        let idx = usize::try_from(index).map_err(|_| AxmlError::new("string index too large"))?;
        let at = idx
            .checked_mul(4)
            .and_then(|o| o.checked_add(self.contents.0))
            .ok_or_else(|| short("string offsets"))?;
        if at + 4 > self.contents.1 {
            return Err(short("string offsets"));
        }
        let offset = u32_at(file, at).ok_or_else(|| short("string offsets"))?;
        let (ss, se) = self.strings;
        let offset =
            usize::try_from(offset).map_err(|_| AxmlError::new("string offset too large"))?;
        if offset >= se - ss {
            return Err(AxmlError::new(format!(
                "Offset of string idx {idx} out of bounds: {offset}, max: {}",
                (se - ss) as i64 - 1
            )));
        }
        let mut pos = ss + offset;
        if self.utf8 {
            let mut byte = || -> Result<usize> {
                if pos >= se {
                    return Err(short("string length"));
                }
                let b = usize::from(file[pos]);
                pos += 1;
                Ok(b)
            };
            // The UTF-16 length comes first; only the UTF-8 byte length is used.
            let l = byte()?;
            if l & 0x80 != 0 {
                byte()?;
            }
            let mut len = byte()?;
            if len & 0x80 != 0 {
                len = ((len & 0x7f) << 8) | byte()?;
            }
            let end =
                pos.checked_add(len).filter(|&e| e <= se).ok_or_else(|| short("UTF-8 string"))?;
            // JDK compat: the terminating NUL is read from the backing array, so it may
            // lie just past the strings section (apksig AndroidBinXmlParser).
            if file.get(end) != Some(&0) {
                return Err(AxmlError::new("UTF-8 encoded form of string not NULL terminated"));
            }
            Ok(String::from_utf8_lossy(&file[pos..end]).into_owned())
        } else {
            let mut unit = || -> Result<usize> {
                if pos + 2 > se {
                    return Err(short("string length"));
                }
                let v = usize::from(u16::from_le_bytes([file[pos], file[pos + 1]]));
                pos += 2;
                Ok(v)
            };
            let mut chars = unit()?;
            if chars & 0x8000 != 0 {
                chars = ((chars & 0x7fff) << 16) | unit()?;
            }
            let bytes = chars * 2;
            let end = pos
                .checked_add(bytes)
                .filter(|&e| e <= se)
                .ok_or_else(|| short("UTF-16 string"))?;
            if file.get(end) != Some(&0) || file.get(end + 1) != Some(&0) {
                return Err(AxmlError::new("UTF-16 encoded form of string not NULL terminated"));
            }
            let units: Vec<u16> =
                file[pos..end].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            Ok(String::from_utf16_lossy(&units))
        }
    }
}

/// An event of the document, as apksig reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A start tag.
    StartElement,
    /// An end tag.
    EndElement,
    /// The end of the document.
    EndDocument,
}

/// One attribute of the current start element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    /// String index of the namespace (`0xffffffff` for none).
    pub namespace: u32,
    /// String index of the name.
    pub name: u32,
    /// The resource ID of the name (from the resource map; 0 when absent).
    pub name_resource_id: u32,
    /// `Res_value::dataType`.
    pub value_type: u8,
    /// `Res_value::data`.
    pub data: u32,
}

/// A pull parser over a binary XML document.
#[derive(Debug)]
pub struct AxmlParser<'a> {
    file: &'a [u8],
    pos: usize,
    end: usize,
    pool: Option<StringPool>,
    resource_map: Option<(usize, usize)>,
    depth: usize,
    event: Option<Event>,
    name: String,
    namespace: String,
    attributes: (usize, usize),
    attr_size: usize,
    attr_count: usize,
}

impl<'a> AxmlParser<'a> {
    /// Finds the document's XML chunk.
    ///
    /// # Errors
    /// No XML chunk, or a malformed chunk header before it.
    pub fn new(file: &'a [u8]) -> Result<Self> {
        let mut pos = 0;
        while pos < file.len() {
            match next_chunk(file, &mut pos, file.len())? {
                None => break,
                Some(c) if c.kind == TYPE_RES_XML => {
                    return Ok(Self {
                        file,
                        pos: c.contents.0,
                        end: c.contents.1,
                        pool: None,
                        resource_map: None,
                        depth: 0,
                        event: None,
                        name: String::new(),
                        namespace: String::new(),
                        attributes: (0, 0),
                        attr_size: 0,
                        attr_count: 0,
                    });
                }
                Some(_) => {}
            }
        }
        Err(AxmlError::new("No XML chunk in file"))
    }

    /// Depth of the current element (the root element is 1).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The current element's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The current element's namespace (empty for none).
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Number of attributes of the current start element.
    #[must_use]
    pub fn attribute_count(&self) -> usize {
        if self.event == Some(Event::StartElement) { self.attr_count } else { 0 }
    }

    /// Moves to the next start tag, end tag or the end of the document.
    ///
    /// # Errors
    /// Malformed chunks, string pools or element records.
    pub fn next_event(&mut self) -> Result<Event> {
        if self.event == Some(Event::EndElement) {
            self.depth = self.depth.saturating_sub(1);
        }
        while self.pos < self.end {
            let Some(chunk) = next_chunk(self.file, &mut self.pos, self.end)? else { break };
            match chunk.kind {
                TYPE_STRING_POOL => {
                    if self.pool.is_some() {
                        return Err(AxmlError::new("Multiple string pools not supported"));
                    }
                    self.pool = Some(StringPool::parse(self.file, chunk)?);
                }
                TYPE_START_ELEMENT => {
                    let pool = self.pool.ok_or_else(|| {
                        AxmlError::new("Named element encountered before string pool")
                    })?;
                    let (cs, ce) = chunk.contents;
                    let len = ce - cs;
                    if len < 20 {
                        return Err(AxmlError::new(format!(
                            "Start element chunk too short. Need at least 20 bytes. Available: {len} bytes"
                        )));
                    }
                    let f = self.file;
                    let ns = u32_at(f, cs).ok_or_else(|| short("start element"))?;
                    let name = u32_at(f, cs + 4).ok_or_else(|| short("start element"))?;
                    let attr_start =
                        usize::from(u16_at(f, cs + 8).ok_or_else(|| short("start element"))?);
                    let attr_size =
                        usize::from(u16_at(f, cs + 10).ok_or_else(|| short("start element"))?);
                    let attr_count =
                        usize::from(u16_at(f, cs + 12).ok_or_else(|| short("start element"))?);
                    let attr_end = attr_start + attr_count * attr_size;
                    if attr_start > len {
                        return Err(AxmlError::new(format!(
                            "Attributes start offset out of bounds: {attr_start}, max: {len}"
                        )));
                    }
                    if attr_end > len {
                        return Err(AxmlError::new(format!(
                            "Attributes end offset out of bounds: {attr_end}, max: {len}"
                        )));
                    }
                    self.name = pool.get(f, name)?;
                    self.namespace =
                        if ns == NO_NAMESPACE { String::new() } else { pool.get(f, ns)? };
                    self.attributes = (cs + attr_start, cs + attr_end);
                    self.attr_size = attr_size;
                    self.attr_count = attr_count;
                    self.depth += 1;
                    self.event = Some(Event::StartElement);
                    return Ok(Event::StartElement);
                }
                TYPE_END_ELEMENT => {
                    let pool = self.pool.ok_or_else(|| {
                        AxmlError::new("Named element encountered before string pool")
                    })?;
                    let (cs, ce) = chunk.contents;
                    if ce - cs < 8 {
                        return Err(AxmlError::new(format!(
                            "End element chunk too short. Need at least 8 bytes. Available: {} bytes",
                            ce - cs
                        )));
                    }
                    let ns = u32_at(self.file, cs).ok_or_else(|| short("end element"))?;
                    let name = u32_at(self.file, cs + 4).ok_or_else(|| short("end element"))?;
                    self.name = pool.get(self.file, name)?;
                    self.namespace =
                        if ns == NO_NAMESPACE { String::new() } else { pool.get(self.file, ns)? };
                    self.attr_count = 0;
                    self.event = Some(Event::EndElement);
                    return Ok(Event::EndElement);
                }
                TYPE_RESOURCE_MAP => {
                    if self.resource_map.is_some() {
                        return Err(AxmlError::new("Multiple resource maps not supported"));
                    }
                    self.resource_map = Some(chunk.contents);
                }
                _ => {}
            }
        }
        self.event = Some(Event::EndDocument);
        Ok(Event::EndDocument)
    }

    /// The `index`th attribute of the current start element.
    ///
    /// # Errors
    /// No current start element, an index out of range, or an attribute
    /// record shorter than its 20 bytes.
    pub fn attribute(&self, index: usize) -> Result<Attribute> {
        if self.event != Some(Event::StartElement) || index >= self.attr_count {
            return Err(AxmlError::new("attribute index out of range"));
        }
        let at = self.attributes.0 + index * self.attr_size;
        if self.attr_size < 20 {
            return Err(AxmlError::new(format!(
                "attribute record too short: {} bytes",
                self.attr_size
            )));
        }
        let f = self.file;
        let namespace = u32_at(f, at).ok_or_else(|| short("attribute"))?;
        let name = u32_at(f, at + 4).ok_or_else(|| short("attribute"))?;
        let value_type = *f.get(at + 15).ok_or_else(|| short("attribute"))?;
        let data = u32_at(f, at + 16).ok_or_else(|| short("attribute"))?;
        Ok(Attribute {
            namespace,
            name,
            name_resource_id: self.resource_id(name),
            value_type,
            data,
        })
    }

    /// The resource ID the resource map gives the string index `name` (0 when none).
    fn resource_id(&self, name: u32) -> u32 {
        let Some((s, e)) = self.resource_map else { return 0 };
        let Ok(i) = usize::try_from(name) else { return 0 };
        if i >= (e - s) / 4 {
            return 0;
        }
        u32_at(self.file, s + 4 * i).unwrap_or(0)
    }

    /// A string attribute value (`data` as a string index).
    ///
    /// # Errors
    /// An index outside the string pool.
    pub fn string(&self, index: u32) -> Result<String> {
        self.pool.ok_or_else(|| AxmlError::new("no string pool"))?.get(self.file, index)
    }
}

/// Why the minimum SDK version could not be determined (apksig's
/// `MinSdkVersionException`; the text is apksig's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinSdkVersionError(pub String);

impl fmt::Display for MinSdkVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MinSdkVersionError {}

/// The minimum SDK version declared by a binary `AndroidManifest.xml`: the
/// largest `android:minSdkVersion` of the `uses-sdk` elements directly under
/// the root element, each defaulting to 1, and 1 when there are none.
///
/// # Errors
/// A malformed document, or a value that is neither an integer nor a known
/// codename (apksig's messages).
pub fn min_sdk_version(manifest: &[u8]) -> core::result::Result<i32, MinSdkVersionError> {
    let malformed = |e: AxmlError| {
        MinSdkVersionError(format!(
            "Unable to determine APK's minimum supported Android platform version: malformed binary resource: AndroidManifest.xml: {e}"
        ))
    };
    let mut parser = AxmlParser::new(manifest).map_err(malformed)?;
    let mut result = 1i32;
    loop {
        match parser.next_event().map_err(malformed)? {
            Event::EndDocument => return Ok(result),
            Event::StartElement
                if parser.depth() == 2
                    && parser.name() == "uses-sdk"
                    && parser.namespace().is_empty() =>
            {
                let mut min = 1i32;
                for i in 0..parser.attribute_count() {
                    let attr = parser.attribute(i).map_err(malformed)?;
                    if attr.name_resource_id != MIN_SDK_VERSION_ATTR_ID {
                        continue;
                    }
                    min = match attr.value_type {
                        // JDK compat: the int is the raw 32-bit value, negative included.
                        VALUE_INT_DEC | VALUE_INT_HEX => {
                            i32::from_le_bytes(attr.data.to_le_bytes())
                        }
                        VALUE_STRING => {
                            min_sdk_for_codename(&parser.string(attr.data).map_err(malformed)?)?
                        }
                        _ => {
                            return Err(MinSdkVersionError(
                                "Unable to determine APK's minimum supported Android: unsupported value type in AndroidManifest.xml's minSdkVersion. Only integer values supported.".into(),
                            ));
                        }
                    };
                    break;
                }
                result = result.max(min);
            }
            _ => {}
        }
    }
}

/// The API level apksig assumes for a platform codename: one below the
/// release for known first letters, and one more per later letter.
fn min_sdk_for_codename(codename: &str) -> core::result::Result<i32, MinSdkVersionError> {
    const CODENAMES: [(char, i32); 13] = [
        ('C', 2),
        ('D', 3),
        ('E', 4),
        ('F', 7),
        ('G', 8),
        ('H', 10),
        ('I', 13),
        ('J', 15),
        ('K', 18),
        ('L', 20),
        ('M', 22),
        ('N', 23),
        ('O', 25),
    ];
    // JDK compat: charAt(0) is a UTF-16 unit; only A-Z matter here.
    let first = codename.chars().next().unwrap_or(' ');
    if first.is_ascii_uppercase() {
        if let Some(&(_, level)) = CODENAMES.iter().find(|(c, _)| *c == first) {
            return Ok(level);
        }
        return Ok(match CODENAMES.iter().rev().find(|(c, _)| *c < first) {
            None => 1,
            Some(&(c, level)) => level + (u32::from(first) - u32::from(c)) as i32,
        });
    }
    Err(MinSdkVersionError(format!(
        "Unable to determine APK's minimum supported Android platform version : Unsupported codename in AndroidManifest.xml's minSdkVersion: \"{codename}\""
    )))
}

/// Value types, for tests and tools that build documents.
pub mod value_type {
    /// A reference to a resource.
    pub const REFERENCE: u8 = super::VALUE_REFERENCE;
    /// A string-pool index.
    pub const STRING: u8 = super::VALUE_STRING;
    /// A decimal integer.
    pub const INT_DEC: u8 = super::VALUE_INT_DEC;
    /// A hexadecimal integer.
    pub const INT_HEX: u8 = super::VALUE_INT_HEX;
    /// A boolean.
    pub const INT_BOOLEAN: u8 = super::VALUE_INT_BOOLEAN;
}

#[cfg(test)]
mod tests;

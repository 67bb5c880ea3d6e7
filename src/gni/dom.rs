//! Well-formedness: turns the bytes of a view into a small element tree, or a located error.
//!
//! This module owns the XML-level rules (size cap, UTF-8, no DOCTYPE or entity declarations,
//! exactly one `network-data` root, nesting depth) and nothing about the GNI vocabulary beyond
//! the root's name. The tree borrows names, attribute values and text from the input, so
//! it costs one small node per element and no per-value allocation unless a value is escaped.
//! Comments, processing instructions and whitespace between elements are dropped here, which
//! is what makes the readers in `convert` indifferent to both serializations' layout.
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::borrow::Cow;

use super::{Limits, ViewError};

/// The only root element a view may have.
pub(crate) const ROOT: &str = "network-data";

/// One element: its name, attributes, child elements and trimmed text.
#[derive(Debug)]
pub(crate) struct Element<'a> {
    pub(crate) name: &'a str,
    attrs: Vec<(&'a str, Cow<'a, str>)>,
    pub(crate) children: Vec<Element<'a>>,
    text: Option<Cow<'a, str>>,
}

impl<'a> Element<'a> {
    fn new(name: &'a str) -> Self {
        Element {
            name,
            attrs: Vec::new(),
            children: Vec::new(),
            text: None,
        }
    }

    /// The attribute's value; an empty value counts as absent.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_ref())
            .filter(|v| !v.is_empty())
    }

    /// The element's text; an empty element (`<publicIp/>`, the 5.x way of writing "absent")
    /// counts as absent.
    pub(crate) fn text(&self) -> Option<&str> {
        self.text.as_deref().filter(|t| !t.is_empty())
    }

    /// Child elements with this name, in document order.
    pub(crate) fn children_named<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// `<property name="…">` children, in document order.
    pub(crate) fn property<'s>(
        &'s self,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.children
            .iter()
            .filter(move |c| c.name == "property" && c.attr("name") == Some(name))
    }
}

/// Parses `bytes` into the root element, enforcing `limits`.
pub(crate) fn parse<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Element<'a>, ViewError> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(ViewError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_bytes,
        });
    }
    let input = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        ViewError::Syntax {
            line,
            column,
            message: "input is not valid UTF-8".into(),
        }
    })?;
    Builder {
        input,
        limits,
        stack: Vec::new(),
        root: None,
    }
    .run()
}

struct Builder<'a, 'l> {
    input: &'a str,
    limits: &'l Limits,
    stack: Vec<Element<'a>>,
    root: Option<Element<'a>>,
}

impl<'a> Builder<'a, '_> {
    fn run(mut self) -> Result<Element<'a>, ViewError> {
        let mut reader = Reader::from_str(self.input);
        reader.config_mut().trim_text(true);
        loop {
            let before = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    return Err(self.syntax(reader.error_position() as usize, e.to_string()));
                }
            };
            match event {
                Event::Start(start) => self.open(&start, before)?,
                Event::Empty(start) => {
                    self.open(&start, before)?;
                    self.close();
                }
                Event::End(_) => self.close(),
                Event::Text(text) => {
                    let value = text
                        .unescape()
                        .map_err(|e| self.syntax(before, e.to_string()))?;
                    self.add_text(value, before)?;
                }
                Event::CData(data) => {
                    let value = match data.into_inner() {
                        Cow::Borrowed(b) => self.reborrow(b).map(Cow::Borrowed),
                        Cow::Owned(b) => String::from_utf8(b).ok().map(Cow::Owned),
                    };
                    let value = value.ok_or_else(|| self.syntax(before, "bad CDATA".into()))?;
                    self.add_text(value, before)?;
                }
                Event::DocType(_) => {
                    let (line, column) = line_col(self.input.as_bytes(), before);
                    return Err(ViewError::Doctype { line, column });
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => return self.finish(),
            }
        }
    }

    fn open(&mut self, start: &BytesStart<'_>, at: usize) -> Result<(), ViewError> {
        let name = self
            .reborrow(start.name().as_ref())
            .ok_or_else(|| self.syntax(at, "bad element name".into()))?;
        if self.stack.is_empty() {
            if self.root.is_some() {
                return Err(self.syntax(at, format!("<{name}> after the root element")));
            }
            if name != ROOT {
                return Err(self.syntax(at, format!("root element is <{name}>, not <{ROOT}>")));
            }
        }
        if self.stack.len() >= self.limits.max_depth {
            let limit = self.limits.max_depth;
            return Err(self.syntax(at, format!("elements nested deeper than {limit} levels")));
        }
        let mut element = Element::new(name);
        for attr in start.attributes() {
            let attr = attr.map_err(|e| self.syntax(at, e.to_string()))?;
            let key = self.reborrow(attr.key.as_ref());
            let raw = match &attr.value {
                Cow::Borrowed(b) => self.reborrow(b),
                Cow::Owned(_) => None,
            };
            let (Some(key), Some(raw)) = (key, raw) else {
                return Err(self.syntax(at, "bad attribute".into()));
            };
            let value =
                quick_xml::escape::unescape(raw).map_err(|e| self.syntax(at, e.to_string()))?;
            element.attrs.push((key, value));
        }
        self.stack.push(element);
        Ok(())
    }

    /// Pops the current element into its parent. quick-xml has already checked that the end
    /// tag matches, so an empty stack here cannot happen with a well-formed input.
    fn close(&mut self) {
        if let Some(done) = self.stack.pop() {
            match self.stack.last_mut() {
                Some(parent) => parent.children.push(done),
                None => self.root = Some(done),
            }
        }
    }

    fn add_text(&mut self, value: Cow<'a, str>, at: usize) -> Result<(), ViewError> {
        match self.stack.last_mut() {
            // Text split by a comment or CDATA section is joined, as a DOM would.
            Some(current) => match &mut current.text {
                Some(existing) => existing.to_mut().push_str(&value),
                None => current.text = Some(value),
            },
            None => return Err(self.syntax(at, "text outside the root element".into())),
        }
        Ok(())
    }

    fn finish(self) -> Result<Element<'a>, ViewError> {
        if let Some(open) = self.stack.last() {
            let name = open.name;
            let at = self.input.len();
            return Err(self.syntax(
                at,
                format!("unexpected end of input: <{name}> is not closed"),
            ));
        }
        let missing = self.syntax(self.input.len(), format!("no <{ROOT}> element"));
        self.root.ok_or(missing)
    }

    /// Turns a slice that quick-xml borrowed from the input back into a `&'a str`, so the
    /// tree can keep it without copying. quick-xml's `BytesStart` only lends its name and
    /// attributes for the event's lifetime, but for a slice reader they point into `input`.
    fn reborrow(&self, piece: &[u8]) -> Option<&'a str> {
        let base = self.input.as_ptr() as usize;
        let start = (piece.as_ptr() as usize).checked_sub(base)?;
        self.input.get(start..start.checked_add(piece.len())?)
    }

    fn syntax(&self, at: usize, message: String) -> ViewError {
        let (line, column) = line_col(self.input.as_bytes(), at);
        ViewError::Syntax {
            line,
            column,
            message,
        }
    }
}

/// 1-based line and column (in characters) of byte offset `at`.
pub(crate) fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let at = at.min(bytes.len());
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    // Count characters, not bytes: continuation bytes (0b10xxxxxx) do not start a character.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count()
        + 1;
    (line, column)
}

//! Output lines, as canon's writer wrote them, parsed straight into Python
//! objects: the records Python gets are the CLI's JSON by construction, and
//! no intermediate tree (or second parser) is built.
//!
//! The values are those `json.loads` gives for the same line: objects become
//! `dict` (keys in order), arrays `list`, numbers `int` when written without
//! a fraction or exponent and `float` otherwise, `true`/`false`/`null`
//! `bool`/`None`.

use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::hash::Hasher;

/// The key serde_json uses, with its `arbitrary_precision` feature (which
/// canon enables), to hand a number over as a one-entry map holding its
/// text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Strings this short are looked up in [`Strings`] before a Python string is
/// made: they are dictionary keys, terms and ids, which repeat.
const SHORT_STRING_BYTES: usize = 24;

/// Slots of [`Strings`] (a power of two): enough for the keys and the
/// frequent terms of a corpus, small enough to stay in the CPU's caches.
const SLOTS: usize = 4096;

/// Python strings already made for short strings, shared by the records of
/// one call: a repeated term or key costs a hash, one comparison and a
/// reference.
///
/// A direct-mapped cache: each string has one slot (by its hash), a new
/// string takes it from the one there. Unlike a map it does not grow with
/// the vocabulary of a batch, so lookups stay in cache; rare terms lose
/// their slot, frequent ones (keys, function words, entity ids) keep it.
pub struct Strings<'py> {
    slots: Vec<Option<Slot<'py>>>,
}

/// A string of at most [`SHORT_STRING_BYTES`] bytes and its Python string.
struct Slot<'py> {
    len: u8,
    bytes: [u8; SHORT_STRING_BYTES],
    string: Bound<'py, PyString>,
}

impl<'py> Strings<'py> {
    /// An empty cache.
    pub fn new() -> Self {
        Strings {
            slots: std::iter::repeat_with(|| None).take(SLOTS).collect(),
        }
    }

    fn get(&mut self, py: Python<'py>, s: &str) -> Bound<'py, PyString> {
        if s.len() > SHORT_STRING_BYTES {
            return PyString::new(py, s);
        }
        let mut hasher = rustc_hash::FxHasher::default();
        hasher.write(s.as_bytes());
        // FxHash's high bits are its best mixed.
        let index = (hasher.finish() >> 32) as usize & (SLOTS - 1);
        let slot = &mut self.slots[index];
        if let Some(slot) = slot
            && slot.bytes[..usize::from(slot.len)] == *s.as_bytes()
        {
            return slot.string.clone();
        }
        let string = PyString::new(py, s);
        let mut bytes = [0; SHORT_STRING_BYTES];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        *slot = Some(Slot {
            len: s.len() as u8,
            bytes,
            string: string.clone(),
        });
        string
    }
}

/// Parses one JSON text (an output line, with or without its `\n`) into a
/// Python object.
pub fn parse<'py>(
    py: Python<'py>,
    strings: &mut Strings<'py>,
    json: &[u8],
) -> PyResult<Bound<'py, PyAny>> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let value = Seed { py, strings }
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|e| {
            pyo3::exceptions::PyValueError::new_err(format!("canon wrote invalid JSON: {e}"))
        })?;
    Ok(value)
}

struct Seed<'s, 'py> {
    py: Python<'py>,
    strings: &'s mut Strings<'py>,
}

impl<'de, 'py> DeserializeSeed<'de> for Seed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for Seed<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(pyo3::types::PyBool::new(self.py, v).to_owned().into_any())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        v.into_pyobject(self.py)
            .map(Bound::into_any)
            .map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        v.into_pyobject(self.py)
            .map(Bound::into_any)
            .map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.py, v).into_any())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.strings.get(self.py, v).into_any())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Seed {
            py: self.py,
            strings: &mut *self.strings,
        })? {
            items.push(item);
        }
        PyList::new(self.py, items)
            .map(Bound::into_any)
            .map_err(de::Error::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut next = map.next_key::<Key<'de>>()?;
        // A number comes as a one-entry map: no dict is made for it.
        if next.as_ref().is_some_and(|key| key.0 == NUMBER_TOKEN) {
            let text = map.next_value::<Key<'de>>()?;
            return number(self.py, &text.0).map_err(de::Error::custom);
        }
        let dict = PyDict::new(self.py);
        while let Some(name) = next {
            let key = self.strings.get(self.py, &name.0);
            let value = map.next_value_seed(Seed {
                py: self.py,
                strings: &mut *self.strings,
            })?;
            dict.set_item(key, value).map_err(de::Error::custom)?;
            next = map.next_key::<Key<'de>>()?;
        }
        Ok(dict.into_any())
    }
}

/// A key (or a number's text), borrowed from the line when it has no escapes.
struct Key<'a>(std::borrow::Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A JSON number's text as `json.loads` reads it: `int` without a fraction
/// or exponent, `float` otherwise.
fn number<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(n) = text.parse::<i64>() {
            return Ok(n.into_pyobject(py)?.into_any());
        }
        // Larger than 64 bits: Python's int reads any length.
        return py
            .get_type::<pyo3::types::PyInt>()
            .call1((text,))
            .map(Bound::into_any);
    }
    let value: f64 = text
        .parse()
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("number {text:?}: {e}")))?;
    Ok(PyFloat::new(py, value).into_any())
}

//! The part of the Java Object Serialization Stream Protocol that JCEKS
//! secret keys use: objects, class descriptors, strings, arrays, enums and
//! back references. No code runs and nothing is instantiated: the reader
//! builds a tree of values, and callers check it against the few classes the
//! JDK's `jceks.key.serialFilter` admits.
//!
//! ```text
//! stream:      0xACED 0x0005 content
//! object:      TC_OBJECT classDesc newHandle classdata[]
//! classDesc:   TC_CLASSDESC className serialVersionUID newHandle flags
//!              fieldCount (typecode fieldName [className1])* classAnnotation superClassDesc
//!            | TC_NULL | TC_REFERENCE handle
//! newString:   TC_STRING newHandle (utf)
//! newArray:    TC_ARRAY classDesc newHandle size values[size]
//! newEnum:     TC_ENUM classDesc newHandle enumConstantName
//! ```

use std::collections::HashMap;
use std::rc::Rc;

use crate::error::{Error, Result};
use crate::javaio::{DataInput, decode_modified_utf8, encode_modified_utf8};

const STREAM_MAGIC: u16 = 0xaced;
const STREAM_VERSION: u16 = 5;
const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_ARRAY: u8 = 0x75;
const TC_CLASS: u8 = 0x76;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_LONGSTRING: u8 = 0x7c;
const TC_BLOCKDATALONG: u8 = 0x7a;
const TC_ENUM: u8 = 0x7e;
const BASE_WIRE_HANDLE: u32 = 0x7e_0000;

const SC_WRITE_METHOD: u8 = 0x01;
const SC_SERIALIZABLE: u8 = 0x02;
const SC_EXTERNALIZABLE: u8 = 0x04;
const SC_BLOCK_DATA: u8 = 0x08;
const SC_ENUM: u8 = 0x10;

/// Refuse streams nested deeper than this.
const MAX_DEPTH: usize = 32;
/// Refuse streams with more elements than this (a sealed key has about 20).
const MAX_ELEMENTS: usize = 4096;

/// A class descriptor.
#[derive(Debug)]
pub(crate) struct ClassDesc {
    pub(crate) name: String,
    pub(crate) suid: i64,
    pub(crate) flags: u8,
    pub(crate) fields: Vec<FieldDesc>,
    pub(crate) super_class: Option<Rc<ClassDesc>>,
}

/// A serializable field of a class descriptor.
#[derive(Debug)]
pub(crate) struct FieldDesc {
    /// `B C D F I J S Z` for primitives, `L` or `[` for references.
    pub(crate) typecode: u8,
    pub(crate) name: String,
    /// The JVM type signature of a reference field (`Ljava/lang/String;`, `[B`).
    pub(crate) signature: Option<Rc<str>>,
}

/// A value read from the stream.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Null,
    /// A primitive field value, big-endian as written.
    Primitive,
    Str(Rc<str>),
    Bytes(Rc<Vec<u8>>),
    /// Any other array.
    Array,
    Object(Rc<Object>),
    Enum {
        class: Rc<ClassDesc>,
        constant: Rc<str>,
    },
    Class,
}

/// The field values one class of an object's hierarchy wrote, by name.
pub(crate) type ClassData = (Rc<ClassDesc>, Vec<(String, Value)>);

/// An object: its class and, per class of its hierarchy (super first), the
/// field values by name.
#[derive(Debug)]
pub(crate) struct Object {
    pub(crate) class: Rc<ClassDesc>,
    pub(crate) data: Vec<ClassData>,
}

impl Object {
    /// The value of `field` declared by the class named `class_name`.
    pub(crate) fn field(&self, class_name: &str, field: &str) -> Option<&Value> {
        self.data
            .iter()
            .find(|(c, _)| c.name == class_name)
            .and_then(|(_, values)| values.iter().find(|(n, _)| n == field).map(|(_, v)| v))
    }
}

#[derive(Clone)]
enum Handle {
    Desc(Rc<ClassDesc>),
    Value(Value),
    /// An object whose data is still being read (back references to it are refused).
    Pending,
}

struct Parser<'a, 'b> {
    r: &'b mut DataInput<'a>,
    handles: Vec<Handle>,
    elements: usize,
    max_array: usize,
}

fn corrupt(msg: impl Into<String>) -> Error {
    Error::Serialization(msg.into())
}

/// Reads one stream (header and one object) from the start of `data`.
/// Returns the value and the number of bytes used. `max_array` bounds array
/// lengths (the JDK bounds them by the keystore's length).
pub(crate) fn read_stream(data: &[u8], max_array: usize) -> Result<(Value, usize)> {
    let mut r = DataInput::new(data);
    let magic = r.u16()?;
    let version = r.u16()?;
    if magic != STREAM_MAGIC || version != STREAM_VERSION {
        return Err(corrupt(format!("invalid stream header: {magic:04X}{version:04X}")));
    }
    let mut p = Parser { r: &mut r, handles: Vec::new(), elements: 0, max_array };
    let value = p.content(0)?;
    Ok((value, r.position()))
}

impl Parser<'_, '_> {
    fn new_handle(&mut self, h: Handle) -> usize {
        self.handles.push(h);
        self.handles.len() - 1
    }

    fn handle(&mut self) -> Result<Handle> {
        let wire = self.r.i32()?.cast_unsigned();
        let idx = wire
            .checked_sub(BASE_WIRE_HANDLE)
            .ok_or_else(|| corrupt(format!("invalid handle value: {wire:08X}")))?;
        self.handles
            .get(idx as usize)
            .cloned()
            .ok_or_else(|| corrupt(format!("invalid handle value: {wire:08X}")))
    }

    fn count(&mut self, depth: usize) -> Result<()> {
        self.elements += 1;
        if self.elements > MAX_ELEMENTS || depth > MAX_DEPTH {
            return Err(corrupt("serialization stream too large or too deeply nested"));
        }
        Ok(())
    }

    fn string_body(&mut self, long: bool) -> Result<Rc<str>> {
        let len = if long {
            usize::try_from(self.r.i64()?).map_err(|_| corrupt("negative string length"))?
        } else {
            usize::from(self.r.u16()?)
        };
        let s: Rc<str> = decode_modified_utf8(self.r.take(len)?)?.into();
        self.new_handle(Handle::Value(Value::Str(s.clone())));
        Ok(s)
    }

    fn content(&mut self, depth: usize) -> Result<Value> {
        self.count(depth)?;
        let tc = self.r.u8()?;
        match tc {
            TC_NULL => Ok(Value::Null),
            TC_REFERENCE => match self.handle()? {
                Handle::Value(v) => Ok(v),
                Handle::Desc(_) => Ok(Value::Class),
                Handle::Pending => {
                    Err(corrupt("unsupported back reference to an incomplete object"))
                }
            },
            TC_STRING => Ok(Value::Str(self.string_body(false)?)),
            TC_LONGSTRING => Ok(Value::Str(self.string_body(true)?)),
            TC_CLASS => {
                self.class_desc_after_tag(depth, None)?;
                self.new_handle(Handle::Value(Value::Class));
                Ok(Value::Class)
            }
            TC_ARRAY => self.array(depth),
            TC_ENUM => {
                let class =
                    self.class_desc(depth)?.ok_or_else(|| corrupt("enum without a class"))?;
                let idx = self.new_handle(Handle::Pending);
                let constant = match self.content(depth + 1)? {
                    Value::Str(s) => s,
                    _ => return Err(corrupt("enum constant name is not a string")),
                };
                let v = Value::Enum { class, constant };
                self.handles[idx] = Handle::Value(v.clone());
                Ok(v)
            }
            TC_OBJECT => self.object(depth),
            other => Err(corrupt(format!("invalid type code: {other:02X}"))),
        }
    }

    /// A class descriptor in a position where one is expected.
    fn class_desc(&mut self, depth: usize) -> Result<Option<Rc<ClassDesc>>> {
        self.count(depth)?;
        let tc = self.r.u8()?;
        self.class_desc_after_tag(depth, Some(tc))
    }

    fn class_desc_after_tag(
        &mut self,
        depth: usize,
        tc: Option<u8>,
    ) -> Result<Option<Rc<ClassDesc>>> {
        let tc = match tc {
            Some(tc) => tc,
            None => self.r.u8()?,
        };
        match tc {
            TC_NULL => Ok(None),
            TC_REFERENCE => match self.handle()? {
                Handle::Desc(d) => Ok(Some(d)),
                _ => Err(corrupt("reference is not a class descriptor")),
            },
            TC_CLASSDESC => {
                let name = self.r.utf()?;
                let suid = self.r.i64()?;
                let idx = self.new_handle(Handle::Pending);
                let flags = self.r.u8()?;
                let nfields = self.r.u16()?;
                let mut fields = Vec::new();
                for _ in 0..nfields {
                    let typecode = self.r.u8()?;
                    let fname = self.r.utf()?;
                    let signature = match typecode {
                        b'B' | b'C' | b'D' | b'F' | b'I' | b'J' | b'S' | b'Z' => None,
                        b'L' | b'[' => match self.content(depth + 1)? {
                            Value::Str(s) => Some(s),
                            _ => return Err(corrupt("field type is not a string")),
                        },
                        other => {
                            return Err(corrupt(format!("invalid field type code: {other:02X}")));
                        }
                    };
                    fields.push(FieldDesc { typecode, name: fname, signature });
                }
                self.annotations(depth + 1)?;
                let super_class = self.class_desc(depth + 1)?;
                let desc = Rc::new(ClassDesc { name, suid, flags, fields, super_class });
                self.handles[idx] = Handle::Desc(desc.clone());
                Ok(Some(desc))
            }
            other => Err(corrupt(format!("invalid class descriptor type code: {other:02X}"))),
        }
    }

    /// Skips contents up to and including `TC_ENDBLOCKDATA`.
    fn annotations(&mut self, depth: usize) -> Result<()> {
        loop {
            self.count(depth)?;
            match self.r.rest().first().copied() {
                Some(TC_ENDBLOCKDATA) => {
                    self.r.u8()?;
                    return Ok(());
                }
                Some(TC_BLOCKDATA) => {
                    self.r.u8()?;
                    let n = self.r.u8()?;
                    self.r.take(usize::from(n))?;
                }
                Some(TC_BLOCKDATALONG) => {
                    self.r.u8()?;
                    let n = usize::try_from(self.r.i32()?)
                        .map_err(|_| corrupt("negative block length"))?;
                    self.r.take(n)?;
                }
                Some(_) => {
                    self.content(depth + 1)?;
                }
                None => return Err(Error::Truncated),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value> {
        let class = self.class_desc(depth)?.ok_or_else(|| corrupt("array without a class"))?;
        let idx = self.new_handle(Handle::Pending);
        let len =
            usize::try_from(self.r.i32()?).map_err(|_| corrupt("Array length is negative"))?;
        if len > self.max_array || len > self.r.rest().len() {
            return Err(corrupt("array longer than the input"));
        }
        let component =
            class.name.as_bytes().get(1).copied().ok_or_else(|| corrupt("bad array class name"))?;
        let value = match component {
            b'B' => Value::Bytes(Rc::new(self.r.take(len)?.to_vec())),
            b'Z' => self.skip_prims(len, 1)?,
            b'C' | b'S' => self.skip_prims(len, 2)?,
            b'I' | b'F' => self.skip_prims(len, 4)?,
            b'J' | b'D' => self.skip_prims(len, 8)?,
            b'L' | b'[' => {
                for _ in 0..len {
                    self.content(depth + 1)?;
                }
                Value::Array
            }
            _ => return Err(corrupt("bad array class name")),
        };
        self.handles[idx] = Handle::Value(value.clone());
        Ok(value)
    }

    fn skip_prims(&mut self, len: usize, size: usize) -> Result<Value> {
        self.r.take(len.checked_mul(size).ok_or(Error::Truncated)?)?;
        Ok(Value::Array)
    }

    fn object(&mut self, depth: usize) -> Result<Value> {
        let class = self.class_desc(depth)?.ok_or_else(|| corrupt("object without a class"))?;
        let idx = self.new_handle(Handle::Pending);
        let mut chain = Vec::new();
        let mut c = Some(class.clone());
        while let Some(d) = c {
            if chain.len() > MAX_DEPTH {
                return Err(corrupt("class hierarchy too deep"));
            }
            c = d.super_class.clone();
            chain.push(d);
        }
        chain.reverse();
        let mut data = Vec::new();
        for d in chain {
            let mut values = Vec::new();
            if d.flags & SC_SERIALIZABLE != 0 && d.flags & SC_ENUM == 0 {
                for f in &d.fields {
                    let v = match f.typecode {
                        b'B' | b'Z' => self.prim(1)?,
                        b'C' | b'S' => self.prim(2)?,
                        b'I' | b'F' => self.prim(4)?,
                        b'J' | b'D' => self.prim(8)?,
                        _ => self.content(depth + 1)?,
                    };
                    values.push((f.name.clone(), v));
                }
                if d.flags & SC_WRITE_METHOD != 0 {
                    self.annotations(depth + 1)?;
                }
            } else if d.flags & SC_EXTERNALIZABLE != 0 {
                if d.flags & SC_BLOCK_DATA == 0 {
                    return Err(corrupt("unsupported externalizable data"));
                }
                self.annotations(depth + 1)?;
            }
            data.push((d, values));
        }
        let v = Value::Object(Rc::new(Object { class, data }));
        self.handles[idx] = Handle::Value(v.clone());
        Ok(v)
    }

    fn prim(&mut self, size: usize) -> Result<Value> {
        self.r.take(size)?;
        Ok(Value::Primitive)
    }
}

// ----------------------------------------------------------------------------
// Writing, byte for byte as `java.io.ObjectOutputStream` writes these classes.

/// A reference-typed field declaration: name and JVM type signature.
pub(crate) struct Field<'a> {
    pub(crate) typecode: u8,
    pub(crate) name: &'a str,
    pub(crate) signature: &'a str,
}

/// A class descriptor to write.
pub(crate) struct Desc<'a> {
    pub(crate) name: &'a str,
    pub(crate) suid: i64,
    pub(crate) flags: u8,
    /// Reference fields in the order `ObjectStreamClass` sorts them (by name).
    pub(crate) fields: &'a [Field<'a>],
}

/// An `ObjectOutputStream` over a `Vec`, for one stream.
pub(crate) struct Writer {
    out: Vec<u8>,
    next: u32,
    descs: HashMap<String, u32>,
    /// Field signatures are interned strings in the JVM, so the JDK writes
    /// each once and refers back to it.
    signatures: HashMap<String, u32>,
}

impl Writer {
    /// Starts a stream (writes the header).
    pub(crate) fn new() -> Self {
        let mut out = Vec::new();
        out.extend_from_slice(&STREAM_MAGIC.to_be_bytes());
        out.extend_from_slice(&STREAM_VERSION.to_be_bytes());
        Self { out, next: 0, descs: HashMap::new(), signatures: HashMap::new() }
    }

    fn assign(&mut self) -> u32 {
        let h = self.next;
        self.next += 1;
        h
    }

    fn utf(&mut self, s: &str) {
        let enc = encode_modified_utf8(s);
        // Names and signatures written here are short literals.
        let len = u16::try_from(enc.len()).unwrap_or(u16::MAX);
        self.out.extend_from_slice(&len.to_be_bytes());
        self.out.extend_from_slice(&enc[..usize::from(len)]);
    }

    fn reference(&mut self, handle: u32) {
        self.out.push(TC_REFERENCE);
        self.out.extend_from_slice(&(BASE_WIRE_HANDLE + handle).to_be_bytes());
    }

    /// A class descriptor chain: `descs[0]` is the class, the rest its supers.
    pub(crate) fn class_desc(&mut self, descs: &[Desc<'_>]) {
        let Some((d, supers)) = descs.split_first() else {
            self.out.push(TC_NULL);
            return;
        };
        if let Some(&h) = self.descs.get(d.name) {
            self.reference(h);
            return;
        }
        self.out.push(TC_CLASSDESC);
        self.utf(d.name);
        self.out.extend_from_slice(&d.suid.to_be_bytes());
        let h = self.assign();
        self.descs.insert(d.name.to_owned(), h);
        self.out.push(d.flags);
        let n = u16::try_from(d.fields.len()).unwrap_or(0);
        self.out.extend_from_slice(&n.to_be_bytes());
        for f in d.fields.iter().take(usize::from(n)) {
            self.out.push(f.typecode);
            self.utf(f.name);
            if let Some(&h) = self.signatures.get(f.signature) {
                self.reference(h);
            } else {
                self.out.push(TC_STRING);
                self.utf(f.signature);
                let h = self.assign();
                self.signatures.insert(f.signature.to_owned(), h);
            }
        }
        self.out.push(TC_ENDBLOCKDATA);
        self.class_desc(supers);
    }

    /// Starts an object of the given class chain; field values follow.
    pub(crate) fn begin_object(&mut self, descs: &[Desc<'_>]) {
        self.out.push(TC_OBJECT);
        self.class_desc(descs);
        self.assign();
    }

    /// A new string object (or null).
    pub(crate) fn string(&mut self, s: Option<&str>) {
        match s {
            None => self.out.push(TC_NULL),
            Some(s) => {
                self.out.push(TC_STRING);
                self.utf(s);
                self.assign();
            }
        }
    }

    /// A back reference to the string written as handle `handle`.
    pub(crate) fn string_ref(&mut self, handle: u32) {
        self.reference(handle);
    }

    /// The handle the next new object will get.
    pub(crate) fn next_handle(&self) -> u32 {
        self.next
    }

    /// A `byte[]` (or null).
    pub(crate) fn byte_array(&mut self, bytes: Option<&[u8]>) {
        let Some(bytes) = bytes else {
            self.out.push(TC_NULL);
            return;
        };
        self.out.push(TC_ARRAY);
        self.class_desc(&[Desc {
            name: "[B",
            suid: BYTE_ARRAY_SUID,
            flags: SC_SERIALIZABLE,
            fields: &[],
        }]);
        self.assign();
        let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
        self.out.extend_from_slice(&len.to_be_bytes());
        self.out.extend_from_slice(bytes);
    }

    /// An enum constant of the class chain `descs`.
    pub(crate) fn enum_constant(&mut self, descs: &[Desc<'_>], constant: &str) {
        self.out.push(TC_ENUM);
        self.class_desc(descs);
        self.assign();
        self.string(Some(constant));
    }

    /// The stream bytes.
    pub(crate) fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// `serialVersionUID` of `byte[]`, which the JVM computes as `0xACF317F8060854E0`.
pub(crate) const BYTE_ARRAY_SUID: i64 = 0xacf3_17f8_0608_54e0_u64.cast_signed();
/// Flag of an ordinary `Serializable` class.
pub(crate) const FLAGS_SERIALIZABLE: u8 = SC_SERIALIZABLE;
/// Flags of an enum class.
pub(crate) const FLAGS_ENUM: u8 = SC_SERIALIZABLE | SC_ENUM;

#[cfg(test)]
mod tests {
    use super::*;

    /// `ObjectOutputStream.writeObject(new SecretKeySpec(new byte[]{1,2,3}, "AES"))`
    /// as JDK 17 writes it.
    const SPEC_AES_123: &str = "aced00057372001f6a617661782e63727970746f2e737065632e5365637265744b6579537065635b470b66e230614d0200024c0009616c676f726974686d7400124c6a6176612f6c616e672f537472696e673b5b00036b65797400025b427870740003414553757200025b42acf317f8060854e0020000787000000003010203";

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn reads_a_secret_key_spec() {
        let data = unhex(SPEC_AES_123);
        let (v, used) = read_stream(&data, data.len()).unwrap();
        assert_eq!(used, data.len());
        let Value::Object(o) = v else { panic!("not an object") };
        assert_eq!(o.class.name, "javax.crypto.spec.SecretKeySpec");
        let Some(Value::Str(alg)) = o.field("javax.crypto.spec.SecretKeySpec", "algorithm") else {
            panic!()
        };
        assert_eq!(&**alg, "AES");
        let Some(Value::Bytes(key)) = o.field("javax.crypto.spec.SecretKeySpec", "key") else {
            panic!()
        };
        assert_eq!(**key, [1, 2, 3]);
    }

    #[test]
    fn writes_a_secret_key_spec_as_the_jdk() {
        let mut w = Writer::new();
        w.begin_object(&[Desc {
            name: "javax.crypto.spec.SecretKeySpec",
            suid: 0x5b47_0b66_e230_614d,
            flags: FLAGS_SERIALIZABLE,
            fields: &[
                Field { typecode: b'L', name: "algorithm", signature: "Ljava/lang/String;" },
                Field { typecode: b'[', name: "key", signature: "[B" },
            ],
        }]);
        w.string(Some("AES"));
        w.byte_array(Some(&[1, 2, 3]));
        assert_eq!(w.finish(), unhex(SPEC_AES_123));
    }

    #[test]
    fn hostile_streams_fail_cleanly() {
        let data = unhex(SPEC_AES_123);
        for n in 0..data.len() {
            assert!(read_stream(&data[..n], data.len()).is_err());
        }
        // Bad magic.
        assert!(read_stream(&[0xac, 0xed, 0, 4, TC_NULL], 10).is_err());
        // A dangling reference.
        assert!(read_stream(&[0xac, 0xed, 0, 5, TC_REFERENCE, 0, 0x7e, 0, 5], 10).is_err());
        // Deep nesting of arrays of objects.
        let mut deep = vec![0xac, 0xed, 0, 5];
        for _ in 0..100 {
            deep.extend_from_slice(&[TC_ARRAY, TC_CLASSDESC, 0, 2, b'[', b'L']);
            deep.extend_from_slice(&[0; 8]);
            deep.extend_from_slice(&[SC_SERIALIZABLE, 0, 0, TC_ENDBLOCKDATA, TC_NULL, 0, 0, 0, 1]);
        }
        assert!(read_stream(&deep, deep.len()).is_err());
    }
}

use super::*;

/// A tiny AXML writer for tests: UTF-8 or UTF-16 string pool, a resource
/// map for the first `ids.len()` strings, and elements.
struct Doc {
    strings: Vec<String>,
    ids: Vec<u32>,
    utf8: bool,
    body: Vec<u8>,
}

const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";

impl Doc {
    fn new(utf8: bool) -> Self {
        // Index 0 is minSdkVersion, mapped to its resource ID.
        Self {
            strings: vec!["minSdkVersion".into()],
            ids: vec![MIN_SDK_VERSION_ATTR_ID],
            utf8,
            body: Vec::new(),
        }
    }

    fn string(&mut self, s: &str) -> u32 {
        if let Some(i) = self.strings.iter().position(|x| x == s) {
            return u32::try_from(i).unwrap();
        }
        self.strings.push(s.into());
        u32::try_from(self.strings.len() - 1).unwrap()
    }

    /// `attrs`: (name index, type, data).
    fn start(&mut self, ns: Option<&str>, name: &str, attrs: &[(u32, u8, u32)]) {
        let ns = ns.map_or(NO_NAMESPACE, |n| self.string(n));
        let name = self.string(name);
        let android = self.string(ANDROID_NS);
        let mut c = Vec::new();
        c.extend_from_slice(&0x0102u16.to_le_bytes());
        c.extend_from_slice(&16u16.to_le_bytes());
        let size = 16 + 20 + 20 * attrs.len();
        c.extend_from_slice(&u32::try_from(size).unwrap().to_le_bytes());
        c.extend_from_slice(&1u32.to_le_bytes());
        c.extend_from_slice(&NO_NAMESPACE.to_le_bytes());
        c.extend_from_slice(&ns.to_le_bytes());
        c.extend_from_slice(&name.to_le_bytes());
        c.extend_from_slice(&20u16.to_le_bytes());
        c.extend_from_slice(&20u16.to_le_bytes());
        c.extend_from_slice(&u16::try_from(attrs.len()).unwrap().to_le_bytes());
        c.extend_from_slice(&[0; 6]);
        for &(n, t, d) in attrs {
            c.extend_from_slice(&android.to_le_bytes());
            c.extend_from_slice(&n.to_le_bytes());
            c.extend_from_slice(&(if t == VALUE_STRING { d } else { NO_NAMESPACE }).to_le_bytes());
            c.extend_from_slice(&8u16.to_le_bytes());
            c.push(0);
            c.push(t);
            c.extend_from_slice(&d.to_le_bytes());
        }
        self.body.extend_from_slice(&c);
    }

    fn end(&mut self, name: &str) {
        let name = self.string(name);
        let mut c = Vec::new();
        c.extend_from_slice(&0x0103u16.to_le_bytes());
        c.extend_from_slice(&16u16.to_le_bytes());
        c.extend_from_slice(&24u32.to_le_bytes());
        c.extend_from_slice(&1u32.to_le_bytes());
        c.extend_from_slice(&NO_NAMESPACE.to_le_bytes());
        c.extend_from_slice(&NO_NAMESPACE.to_le_bytes());
        c.extend_from_slice(&name.to_le_bytes());
        self.body.extend_from_slice(&c);
    }

    fn build(&self) -> Vec<u8> {
        let mut data = Vec::new();
        let mut offsets = Vec::new();
        for s in &self.strings {
            offsets.push(u32::try_from(data.len()).unwrap());
            if self.utf8 {
                let units = s.encode_utf16().count();
                data.push(u8::try_from(units).unwrap());
                data.push(u8::try_from(s.len()).unwrap());
                data.extend_from_slice(s.as_bytes());
                data.push(0);
            } else {
                let units: Vec<u16> = s.encode_utf16().collect();
                data.extend_from_slice(&u16::try_from(units.len()).unwrap().to_le_bytes());
                for u in units {
                    data.extend_from_slice(&u.to_le_bytes());
                }
                data.extend_from_slice(&[0, 0]);
            }
        }
        while data.len() % 4 != 0 {
            data.push(0);
        }
        let header = 28usize;
        let strings_start = header + 4 * offsets.len();
        let mut pool = Vec::new();
        pool.extend_from_slice(&1u16.to_le_bytes());
        pool.extend_from_slice(&28u16.to_le_bytes());
        pool.extend_from_slice(&u32::try_from(strings_start + data.len()).unwrap().to_le_bytes());
        pool.extend_from_slice(&u32::try_from(offsets.len()).unwrap().to_le_bytes());
        pool.extend_from_slice(&0u32.to_le_bytes());
        pool.extend_from_slice(&(if self.utf8 { STRING_POOL_UTF8 } else { 0 }).to_le_bytes());
        pool.extend_from_slice(&u32::try_from(strings_start).unwrap().to_le_bytes());
        pool.extend_from_slice(&0u32.to_le_bytes());
        for o in offsets {
            pool.extend_from_slice(&o.to_le_bytes());
        }
        pool.extend_from_slice(&data);
        let mut map = Vec::new();
        map.extend_from_slice(&0x0180u16.to_le_bytes());
        map.extend_from_slice(&8u16.to_le_bytes());
        map.extend_from_slice(&u32::try_from(8 + 4 * self.ids.len()).unwrap().to_le_bytes());
        for id in &self.ids {
            map.extend_from_slice(&id.to_le_bytes());
        }
        let total = 8 + pool.len() + map.len() + self.body.len();
        let mut out = Vec::new();
        out.extend_from_slice(&3u16.to_le_bytes());
        out.extend_from_slice(&8u16.to_le_bytes());
        out.extend_from_slice(&u32::try_from(total).unwrap().to_le_bytes());
        out.extend_from_slice(&pool);
        out.extend_from_slice(&map);
        out.extend_from_slice(&self.body);
        out
    }
}

fn manifest(utf8: bool, uses_sdk: &[&[(u32, u8, u32)]]) -> Vec<u8> {
    let mut d = Doc::new(utf8);
    d.start(None, "manifest", &[]);
    for attrs in uses_sdk {
        d.start(None, "uses-sdk", attrs);
        d.end("uses-sdk");
    }
    d.start(None, "application", &[]);
    // A nested uses-sdk (depth 3) does not count.
    d.start(None, "uses-sdk", &[(0, VALUE_INT_DEC, 99)]);
    d.end("uses-sdk");
    d.end("application");
    d.end("manifest");
    d.build()
}

#[test]
fn min_sdk_values() {
    for utf8 in [true, false] {
        assert_eq!(min_sdk_version(&manifest(utf8, &[])), Ok(1));
        assert_eq!(min_sdk_version(&manifest(utf8, &[&[(0, VALUE_INT_DEC, 21)]])), Ok(21));
        assert_eq!(min_sdk_version(&manifest(utf8, &[&[(0, VALUE_INT_HEX, 0x1c)]])), Ok(28));
        // The largest of several, each defaulting to 1.
        assert_eq!(
            min_sdk_version(&manifest(
                utf8,
                &[&[(0, VALUE_INT_DEC, 9)], &[], &[(0, VALUE_INT_DEC, 14)]]
            )),
            Ok(14)
        );
        assert_eq!(min_sdk_version(&manifest(utf8, &[&[(0, VALUE_INT_DEC, u32::MAX)]])), Ok(1));
        assert!(min_sdk_version(&manifest(utf8, &[&[(0, VALUE_REFERENCE, 0x7f01_0000)]])).is_err());
        assert!(min_sdk_version(&manifest(utf8, &[&[(0, VALUE_INT_BOOLEAN, 1)]])).is_err());
    }
}

#[test]
fn codenames() {
    assert_eq!(min_sdk_for_codename("O"), Ok(25));
    assert_eq!(min_sdk_for_codename("P"), Ok(26));
    assert_eq!(min_sdk_for_codename("Q"), Ok(27));
    assert_eq!(min_sdk_for_codename("KitKat"), Ok(18));
    assert_eq!(min_sdk_for_codename("B"), Ok(1));
    assert!(min_sdk_for_codename("").is_err());
    assert!(min_sdk_for_codename("q").is_err());
    let mut d = Doc::new(true);
    let q = d.string("Q");
    d.start(None, "manifest", &[]);
    d.start(None, "uses-sdk", &[(0, VALUE_STRING, q)]);
    d.end("uses-sdk");
    d.end("manifest");
    assert_eq!(min_sdk_version(&d.build()), Ok(27));
}

#[test]
fn namespaced_uses_sdk_is_ignored() {
    let mut d = Doc::new(false);
    d.start(None, "manifest", &[]);
    d.start(Some("urn:x"), "uses-sdk", &[(0, VALUE_INT_DEC, 30)]);
    d.end("uses-sdk");
    d.end("manifest");
    assert_eq!(min_sdk_version(&d.build()), Ok(1));
}

#[test]
fn not_xml() {
    assert!(min_sdk_version(b"").is_err());
    assert!(min_sdk_version(b"<manifest/>").is_err());
    let e = min_sdk_version(&[2, 0, 8, 0, 8, 0, 0, 0]).unwrap_err();
    assert!(e.0.contains("No XML chunk"), "{e}");
    // A chunk whose header claims less than 8 bytes.
    assert!(AxmlParser::new(&[3, 0, 4, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
}

#[test]
fn hostile_inputs_never_panic() {
    let good = manifest(true, &[&[(0, VALUE_INT_DEC, 21)]]);
    let good16 = manifest(false, &[&[(0, VALUE_INT_DEC, 21)]]);
    for doc in [&good, &good16] {
        for cut in 0..doc.len() {
            let _ = min_sdk_version(&doc[..cut]);
        }
        // Every byte set to a few interesting values.
        for i in 0..doc.len() {
            for v in [0x00, 0x01, 0x7f, 0x80, 0xff] {
                let mut m = doc.clone();
                m[i] = v;
                let _ = min_sdk_version(&m);
            }
        }
    }
    // A deterministic pseudo-random mutation run.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        let mut m = good.clone();
        for _ in 0..4 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = usize::try_from(x % m.len() as u64).unwrap();
            m[i] = u8::try_from(x >> 56).unwrap();
        }
        let _ = min_sdk_version(&m);
    }
}

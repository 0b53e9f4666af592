//! The iteration orders of the Java collections the JDK keystores use, so
//! signkit writes entries and attributes in the order the JDK writes them.

/// `java.lang.String.hashCode()`: `h = 31 * h + c` over the UTF-16 code units.
pub(crate) fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// `java.util.Arrays.hashCode(byte[])`: `h = 31 * h + b` from 1, bytes signed.
pub(crate) fn java_bytes_hash(bytes: &[u8]) -> i32 {
    bytes.iter().fold(1i32, |h, &b| h.wrapping_mul(31).wrapping_add(i32::from(b.cast_signed())))
}

/// An operation on a keystore's alias table, in the order it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TableOp {
    /// `Hashtable.put(key, ...)`.
    Put(String),
    /// `Hashtable.remove(key)`.
    Remove(String),
}

/// The key structure of a `java.util.Hashtable<String, _>` created with
/// `new Hashtable()`: 11 buckets, load factor 0.75, new entries at the head
/// of their bucket, growth to `2n + 1` buckets when the count reaches the
/// threshold, and enumeration from the last bucket to the first.
#[derive(Debug)]
pub(crate) struct JavaHashtable {
    /// Each bucket's chain, head first, as (hash, key).
    buckets: Vec<Vec<(i32, String)>>,
    count: usize,
    threshold: usize,
}

impl JavaHashtable {
    pub(crate) fn new() -> Self {
        Self::with_capacity(11)
    }

    fn with_capacity(capacity: usize) -> Self {
        Self { buckets: vec![Vec::new(); capacity], count: 0, threshold: threshold(capacity) }
    }

    fn index(hash: i32, capacity: usize) -> usize {
        // JDK compat: java.util.Hashtable uses (hash & 0x7FFFFFFF) % table.length.
        (hash & 0x7fff_ffff).unsigned_abs() as usize % capacity
    }

    /// `put`: a new key goes to the head of its bucket; an existing key keeps its place.
    pub(crate) fn put(&mut self, key: &str) {
        let hash = java_string_hash(key);
        let idx = Self::index(hash, self.buckets.len());
        if self.buckets[idx].iter().any(|(h, k)| *h == hash && k == key) {
            return;
        }
        let idx = if self.count >= self.threshold {
            self.rehash();
            Self::index(hash, self.buckets.len())
        } else {
            idx
        };
        self.buckets[idx].insert(0, (hash, key.to_owned()));
        self.count += 1;
    }

    /// `remove`: unlinks the key; the table never shrinks.
    pub(crate) fn remove(&mut self, key: &str) {
        let hash = java_string_hash(key);
        let idx = Self::index(hash, self.buckets.len());
        if let Some(pos) = self.buckets[idx].iter().position(|(h, k)| *h == hash && k == key) {
            self.buckets[idx].remove(pos);
            self.count -= 1;
        }
    }

    fn rehash(&mut self) {
        let new_capacity = self.buckets.len() * 2 + 1;
        let old = std::mem::replace(&mut self.buckets, vec![Vec::new(); new_capacity]);
        self.threshold = threshold(new_capacity);
        // JDK compat: Hashtable.rehash walks the old buckets from the last to
        // the first, each chain from its head, and pushes every entry on the
        // head of its new bucket.
        for chain in old.into_iter().rev() {
            for (hash, key) in chain {
                let idx = Self::index(hash, new_capacity);
                self.buckets[idx].insert(0, (hash, key));
            }
        }
    }

    /// The keys in `keys()` enumeration order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.buckets.iter().rev().flat_map(|chain| chain.iter().map(|(_, k)| k.as_str()))
    }

    /// Replays a history of operations on a new table.
    pub(crate) fn replay(ops: &[TableOp]) -> Self {
        let mut table = Self::new();
        for op in ops {
            match op {
                TableOp::Put(k) => table.put(k),
                TableOp::Remove(k) => table.remove(k),
            }
        }
        table
    }
}

/// `(int) (capacity * 0.75f)`; exact for every capacity a keystore reaches.
fn threshold(capacity: usize) -> usize {
    capacity * 3 / 4
}

/// The iteration order of a `java.util.HashSet<PKCS12Attribute>` (a `HashMap`
/// with 16 buckets and load factor 0.75) into which `items` (attribute
/// encodings, hashed with `Arrays.hashCode`) were added in order, together
/// with `extra` further elements that are not returned (the core attributes
/// PKCS12KeyStore adds, which only affect the table size). Returns indexes
/// into `items`, duplicates removed.
pub(crate) fn java_hashset_order(items: &[Vec<u8>], extra: usize) -> Vec<usize> {
    let mut unique: Vec<usize> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if !unique.iter().any(|&j| items[j] == *item) {
            unique.push(i);
        }
    }
    // A HashMap doubles when its size exceeds 0.75 * capacity; resizing keeps
    // the relative order of the entries of a bucket, so the final order is by
    // bucket index under the final capacity, then by insertion.
    let total = unique.len() + extra;
    let mut capacity = 16usize;
    while total > capacity * 3 / 4 {
        capacity *= 2;
    }
    let spread = |h: i32| -> usize {
        let h = h ^ ((h.cast_unsigned() >> 16).cast_signed());
        h.cast_unsigned() as usize & (capacity - 1)
    };
    let mut order: Vec<(usize, usize)> =
        unique.iter().enumerate().map(|(n, &i)| (spread(java_bytes_hash(&items[i])), n)).collect();
    order.sort_unstable();
    order.into_iter().map(|(_, n)| unique[n]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java() {
        // Values computed by java.lang.String.hashCode().
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("mykey"), 104_374_579);
        assert_eq!(java_string_hash("Aa"), java_string_hash("BB"));
        // Supplementary characters hash as two UTF-16 units.
        assert_eq!(java_string_hash("\u{1F600}"), 0xd83d * 31 + 0xde00);
    }

    #[test]
    fn bytes_hash_matches_java() {
        assert_eq!(java_bytes_hash(&[]), 1);
        assert_eq!(java_bytes_hash(&[0xff]), 31 - 1);
    }

    #[test]
    fn hashtable_growth_and_order() {
        // Twelve single-letter keys: the ninth insertion grows 11 -> 23.
        let mut t = JavaHashtable::new();
        let keys: Vec<String> = (b'a'..=b'l').map(|c| (c as char).to_string()).collect();
        for k in &keys {
            t.put(k);
        }
        assert_eq!(t.buckets.len(), 23);
        let got: Vec<&str> = t.keys().collect();
        // 'a'..'l' hash to 97..108; modulo 23 they are 5..16, enumerated downward.
        let want: Vec<&str> = keys.iter().rev().map(String::as_str).collect();
        assert_eq!(got, want);
        // Removing does not shrink the table; re-putting an existing key keeps its place.
        t.remove("c");
        t.put("a");
        assert_eq!(t.buckets.len(), 23);
        assert_eq!(t.keys().count(), 11);
    }

    #[test]
    fn hashtable_collisions_flip_on_reinsert() {
        // "Aa" and "BB" collide; a new key goes to the head of its chain, so
        // enumerating and re-inserting reverses the chain (as the JDK's
        // JKS re-save does).
        let mut t = JavaHashtable::new();
        t.put("Aa");
        t.put("BB");
        let first: Vec<String> = t.keys().map(str::to_owned).collect();
        assert_eq!(first, ["BB", "Aa"]);
        let mut again = JavaHashtable::new();
        for k in &first {
            again.put(k);
        }
        assert_eq!(again.keys().collect::<Vec<_>>(), ["Aa", "BB"]);
    }

    #[test]
    fn hashset_order_is_by_bucket() {
        let items = vec![vec![1u8], vec![0u8], vec![1u8]];
        // Arrays.hashCode([0]) = 31, [1] = 32; buckets 15 and 0.
        assert_eq!(java_hashset_order(&items, 2), vec![0, 1]);
    }
}

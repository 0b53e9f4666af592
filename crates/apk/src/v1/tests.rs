use super::*;

#[test]
fn java_string_order() {
    let mut names = vec!["b", "a/b", "\u{ffff}", "\u{10000}", "A", "a"];
    names.sort_by(|a, b| java_cmp(a, b));
    // UTF-16 order puts the surrogate pair of U+10000 (0xD800) before U+FFFF.
    assert_eq!(names, ["A", "a", "a/b", "b", "\u{10000}", "\u{ffff}"]);
}

#[test]
fn lines_wrap_at_70_bytes() {
    let mut out = Vec::new();
    write_attribute(&mut out, "Name", &"x".repeat(200));
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0].len(), 70);
    assert!(lines[1].starts_with(' ') && lines[1].len() == 70);
    assert_eq!(lines.iter().map(|l| l.trim_start_matches(' ').len()).sum::<usize>(), 206);
    assert_eq!(lines.last(), Some(&""));
}

#[test]
fn digest_needed() {
    for (name, needed) in [
        ("classes.dex", true),
        ("res/", false),
        ("META-INF/MANIFEST.MF", false),
        ("META-INF/manifest.mf", false),
        ("META-INF/CERT.SF", false),
        ("META-INF/x.rsa", false),
        ("META-INF/X.DSA", false),
        ("META-INF/X.EC", false),
        ("META-INF/SIG-FOO", false),
        ("META-INF/services/x", true),
        ("META-INF/x.txt", true),
        ("META-INF/com/android/otacert", true),
    ] {
        assert_eq!(is_digest_needed(name), needed, "{name}");
    }
}

#[test]
fn suggested_digests() {
    use signkit_crypto::EcCurve;
    assert_eq!(V1Digest::suggested(KeyAlgorithm::Rsa, 17).unwrap(), V1Digest::Sha1);
    assert_eq!(V1Digest::suggested(KeyAlgorithm::Rsa, 18).unwrap(), V1Digest::Sha256);
    assert_eq!(V1Digest::suggested(KeyAlgorithm::Dsa, 20).unwrap(), V1Digest::Sha1);
    assert_eq!(V1Digest::suggested(KeyAlgorithm::Dsa, 21).unwrap(), V1Digest::Sha256);
    assert!(V1Digest::suggested(KeyAlgorithm::Ec(EcCurve::P256), 17).is_err());
    assert_eq!(V1Digest::suggested(KeyAlgorithm::Ec(EcCurve::P384), 18).unwrap(), V1Digest::Sha256);
}

#[test]
fn manifest_main_section_rules() {
    let mut digests = BTreeMap::new();
    digests.insert(JavaString("b".into()), vec![1u8; 32]);
    digests.insert(JavaString("a".into()), vec![2u8; 32]);
    let m = generate_manifest(V1Digest::Sha256, &digests, None).unwrap();
    let text = String::from_utf8(m.contents.clone()).unwrap();
    assert!(text.starts_with("Manifest-Version: 1.0\r\n\r\nName: a\r\nSHA-256-Digest: "), "{text}");
    assert_eq!(m.sections.len(), 2);
    // The source's main section is kept, sorted, with the version first; a
    // lower-case duplicate of the version survives (apksig removes it by exact name).
    let src = b"Zeta: z\r\nmanifest-version: 2.0\r\nAlpha: a\r\n\r\n";
    let m = generate_manifest(V1Digest::Sha1, &BTreeMap::new(), Some(src)).unwrap();
    assert_eq!(
        String::from_utf8(m.contents).unwrap(),
        "Manifest-Version: 2.0\r\nAlpha: a\r\nZeta: z\r\nmanifest-version: 2.0\r\n\r\n"
    );
    assert!(
        generate_manifest(V1Digest::Sha1, &BTreeMap::new(), Some(b"Alpha: a\r\n\r\n")).is_err()
    );
    let mut bad = BTreeMap::new();
    bad.insert(JavaString("a\nb".into()), vec![0u8; 20]);
    assert!(generate_manifest(V1Digest::Sha1, &bad, None).is_err());
}

#[test]
fn signature_file_layout() {
    let mut digests = BTreeMap::new();
    digests.insert(JavaString("a".into()), vec![0u8; 20]);
    let m = generate_manifest(V1Digest::Sha1, &digests, None).unwrap();
    let sf = String::from_utf8(generate_signature_file(
        &[2, 3],
        V1Digest::Sha1,
        "1.0 (Android SignApk)",
        &m,
    ))
    .unwrap();
    let lines: Vec<&str> = sf.split("\r\n").collect();
    assert_eq!(lines[0], "Signature-Version: 1.0");
    assert_eq!(lines[1], "Created-By: 1.0 (Android SignApk)");
    assert!(lines[2].starts_with("SHA1-Digest-Manifest: "));
    assert_eq!(lines[3], "X-Android-APK-Signed: 2, 3");
    assert_eq!(lines[5], "Name: a");
    assert!(lines[6].starts_with("SHA1-Digest: "));
    let without = String::from_utf8(generate_signature_file(&[], V1Digest::Sha1, "x", &m)).unwrap();
    assert!(!without.contains("X-Android-APK-Signed"));
}

#[test]
fn signature_file_never_a_multiple_of_1024() {
    // Grow the manifest until the .SF length hits a multiple of 1024 once.
    let mut hit = false;
    for n in 0..40 {
        let mut digests = BTreeMap::new();
        for i in 0..n {
            digests.insert(JavaString(format!("f{i:03}")), vec![0u8; 32]);
        }
        for pad in 0..40 {
            let m = generate_manifest(V1Digest::Sha256, &digests, None).unwrap();
            let sf = generate_signature_file(&[2], V1Digest::Sha256, &"c".repeat(pad), &m);
            assert_ne!(sf.len() % 1024, 0);
            hit |= sf.len() % 1024 == 2 && sf.ends_with(b"\r\n\r\n\r\n");
        }
    }
    assert!(hit, "the extra CRLF case was exercised");
}

#[test]
fn signer_names() {
    assert_eq!(safe_signer_name("CERT"), "CERT");
    assert_eq!(safe_signer_name("cert12345678"), "CERT1234");
    assert_eq!(safe_signer_name("a.b"), "A_B");
}

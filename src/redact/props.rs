//! The redaction property: a secret planted in any output path (text, the
//! line-buffered writer split at any point, JSON, YAML, a table cell, a diff's
//! context lines, an export file, a header, a flag, a URL, a PEM block, a
//! value read from a Secret) never reaches the output.

use std::io::Write;

use proptest::prelude::*;

use super::*;

/// A secret: a fixed prefix (so it never occurs in the surrounding text by
/// chance) and characters a password, token or key may hold.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_.+=/-]{6,28}".prop_map(|tail| format!("Zq7{tail}"))
}

/// The output paths, each returning what would be written for `s`.
fn paths(s: &str) -> Vec<(&'static str, String)> {
    let props = format!(
        "connector.name=iceberg\ns3.endpoint=http://rgw:80\ns3.aws-secret-key={s}\nquery.max-memory=8GB\n"
    );
    let jdbc = format!("connection-url=jdbc:postgresql://nessie:{s}@pg:5432/db\n");
    let object = serde_json::json!({"data": {"iceberg.properties": props, "gcs.json": {"private_key": format!("-----BEGIN PRIVATE KEY-----\n{s}\n-----END PRIVATE KEY-----\n")}}, "sparkConf": {"spark.hadoop.fs.s3a.secret.key": s}});
    let mut json = Vec::new();
    crate::render::json(&mut json, &object).unwrap();
    let yaml = crate::render::yaml_string(&object).unwrap();
    let mut table = Vec::new();
    crate::render::table(
        &mut table,
        &["NAME", "MESSAGE"],
        vec![vec!["x".into(), format!("failed: password={s}")]],
    )
    .unwrap();
    let old = format!("a=1\nhttp-server.https.keystore.key={s}\n-Xmx4G\n");
    let new = old.replace("-Xmx4G", "-Xmx2G");
    let labels = crate::render::diff::Labels {
        old: "old".into(),
        new: "new".into(),
        unchanged: None,
    };
    let diff = crate::render::diff::unified(&labels, &old, &new, 3);
    let (export, _) =
        literals::placeholders_in_text("catalog/x.properties", &format!("{props}{jdbc}"));
    vec![
        ("properties", props.clone()),
        ("jdbc url", jdbc),
        ("json", String::from_utf8(json).unwrap()),
        ("yaml", yaml),
        ("table", String::from_utf8(table).unwrap()),
        ("diff context", diff),
        ("export file", export),
        (
            "crash log",
            format!(
                "INFO GET /v1 Authorization: Bearer {s}\nDEBUG Cookie: JSESSIONID={s}; Path=/\nstarting --password {s} --user x\n"
            ),
        ),
        (
            "error message",
            format!("driver failed: {{\"password\": \"{s}\", \"user\": \"x\"}}"),
        ),
        (
            "jvm flags",
            format!("-Djavax.net.ssl.trustStorePassword={s}\n"),
        ),
        (
            "userinfo",
            format!("spark.jars.repositories=https://builder:{s}@maven.example/m2\n"),
        ),
        (
            "pem",
            format!(
                "key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  {s}\n  -----END RSA PRIVATE KEY-----\n"
            ),
        ),
    ]
}

/// `text` through a [`Redacting`] writer in pieces cut at `cuts`.
fn through_writer(text: &str, cuts: &[usize]) -> String {
    let mut out = Vec::new();
    {
        let mut writer = Redacting::new(&mut out);
        let bytes = text.as_bytes();
        let mut at = 0;
        for cut in cuts.iter().map(|c| c % (bytes.len() + 1)) {
            if cut > at {
                writer.write_all(&bytes[at..cut]).unwrap();
                at = cut;
            }
        }
        writer.write_all(&bytes[at..]).unwrap();
        writer.flush().unwrap();
    }
    String::from_utf8(out).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_planted_secret_reaches_any_output(s in secret(), mut cuts in proptest::collection::vec(0usize..400, 0..6)) {
        cuts.sort_unstable();
        for (path, output) in paths(&s) {
            let masked = text(&output);
            prop_assert!(!masked.contains(&s), "{} leaked through text(): {}", path, masked);
            let written = through_writer(&output, &cuts);
            prop_assert!(!written.contains(&s), "{} leaked through the writer: {}", path, written);
        }
    }

    #[test]
    fn values_read_from_secrets_are_masked_anywhere(s in secret(), before in "[a-z ]{0,12}", after in "[a-z ]{0,12}") {
        learn_value(s.as_bytes());
        let line = format!("{before}{s}{after}\n");
        prop_assert!(!text(&line).contains(&s));
        prop_assert!(!through_writer(&line, &[before.len() + 2]).contains(&s));
    }

    #[test]
    fn any_text_passes_without_a_panic_and_masking_is_stable(input in "\\PC{0,200}") {
        let once = text(&input).into_owned();
        prop_assert_eq!(text(&once).into_owned(), once.clone());
        let _ = through_writer(&input, &[3, 17]);
    }
}

//! `docs/openapi.json` is the document generated from the code: regenerate it with
//! `UPDATE_OPENAPI=1 cargo test -p hadath-serve --test openapi` after changing the API.

use std::path::PathBuf;

#[test]
fn checked_in_openapi_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let generated = hadath_serve::openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).expect("writing docs/openapi.json");
        eprintln!("wrote {}", path.display());
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p hadath-serve --test openapi` and commit it"
    );
}

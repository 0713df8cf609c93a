//! The corpus of real figures (`../shared/corpus`), scored by its own runner and scorer.
//!
//! Every set listed in `tests/corpus/passing.txt` must keep passing, and the number of figures
//! with wrong points at exit 0 may not grow past the committed known list
//! (`tests/corpus/wrong_at_exit0.txt`, each entry with the reason it is still wrong).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use crate::common::{shared, tempdir};

fn listed(file: &str) -> BTreeSet<String> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus").join(file);
    std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn corpus_sets_that_passed_keep_passing_and_no_new_figure_is_silently_wrong() {
    let Some(corpus) = shared("corpus") else { return };
    let out = tempdir("corpus-run");
    let run = Command::new(corpus.join("run"))
        .arg(env!("CARGO_BIN_EXE_figdig"))
        .arg(&out)
        .output()
        .expect("run the corpus runner (needs bash and python3)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    // The scorer exits non-zero while any figure fails; its score file is what counts here.
    assert!(
        out.join("score.json").exists(),
        "corpus runner wrote no score: {stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Python's json writes Infinity and NaN, which are not JSON.
    let text = std::fs::read_to_string(out.join("score.json")).expect("score.json");
    let text = text.replace(": Infinity", ": null").replace(": -Infinity", ": null").replace(": NaN", ": null");
    let score: serde_json::Value = serde_json::from_str(&text).expect("score json");
    let mut passing = BTreeSet::new();
    for fig in score.as_array().expect("list") {
        for set in ["markers", "lines"] {
            if fig[set]["ok"].as_bool() == Some(true) {
                passing.insert(format!("{} {set}", fig["name"].as_str().unwrap_or("")));
            }
        }
    }
    let committed = listed("passing.txt");
    let lost: Vec<&String> = committed.iter().filter(|s| !passing.contains(*s)).collect();
    assert!(lost.is_empty(), "corpus sets that passed no longer pass: {lost:?}\n{stdout}");
    // The scorer's last line: "... figures with wrong points at exit 0: N (a, b)".
    let last = stdout.lines().last().unwrap_or("");
    let wrong: BTreeSet<String> = last
        .split_once("exit 0: ")
        .and_then(|(_, r)| r.split_once('(').map(|(_, names)| names.trim_end_matches(')').to_string()))
        .map(|names| names.split(", ").map(str::to_string).collect())
        .unwrap_or_default();
    let known = listed("wrong_at_exit0.txt");
    let new: Vec<&String> = wrong.iter().filter(|w| !known.contains(*w)).collect();
    assert!(new.is_empty(), "figures now silently wrong (wrong points at exit 0): {new:?}\n{stdout}");
    let newly_passing: Vec<&String> = passing.iter().filter(|s| !committed.contains(*s)).collect();
    if !newly_passing.is_empty() {
        eprintln!("corpus sets now passing, to add to tests/corpus/passing.txt: {newly_passing:?}");
    }
}

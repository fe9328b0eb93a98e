//! Inputs a user can type whose cost once grew with the square of their size: each is
//! measured at two sizes in one run: the CPU time `check` spends on it must grow no
//! faster than the input (a ratio, not an absolute time, so a loaded machine does not
//! decide the result), and the memory it adds must stay within a fixed multiple of it.

use std::path::Path;
use std::process::ExitStatus;

use crate::common::*;

/// Runs `check` on `root`, with what it cost.
fn measured_check(root: &Path) -> (ExitStatus, String, Cost) {
    measured(bin().arg("check").arg("--root").arg(root), &root.join("stderr.txt"))
}

/// The base project with `file` holding `text`.
fn project_with(file: &str, text: &str) -> tempfile::TempDir {
    let dir = fixtures_base();
    write_file(dir.path(), file, text);
    dir
}

/// The most memory a check may add per byte of input.
const MEMORY_PER_INPUT_BYTE: f64 = 64.0;

/// One shape at `n` and `2n`: the cost each adds to the same shape at a hundredth
/// of `n` (which costs what reading the project and refusing or building it does),
/// and the ratio.
fn ratios(file: &str, shape: impl Fn(usize) -> String, n: usize, expect_ok: bool) -> String {
    let mut added = Vec::new();
    for size in [n / 100, n, 2 * n] {
        let dir = project_with(file, &shape(size));
        let (status, stderr, cost) = measured_check(dir.path());
        assert_eq!(status.success(), expect_ok, "{size}: {}", &stderr[..stderr.len().min(2000)]);
        added.push(cost);
    }
    let base = added.remove(0);
    let cpu = |c: Cost| c.cpu.saturating_sub(base.cpu).as_secs_f64().max(0.001);
    let kib = |c: Cost| (c.peak_kib - base.peak_kib).max(1) as f64;
    // Under a tenth of a second at the larger size is bounded whatever the ratio of two
    // such small times (quadratic work at these sizes takes minutes).
    let time_ratio = if cpu(added[1]) < 0.1 { 1.0 } else { cpu(added[1]) / cpu(added[0]) };
    // Peak memory moves in steps of the allocator's, so a ratio of two small peaks says
    // little; instead the memory added at either size must stay within a fixed number
    // of bytes per input byte (quadratic growth took gigabytes from a few megabytes).
    let input_kib = (shape(2 * n).len() / 1024) as f64;
    let memory_per_byte = kib(added[1]).max(kib(added[0]) * 2.0) / input_kib;
    let line = format!(
        "{file} at {n} and {}: {:.3} s and {:.3} s of CPU beyond a hundredth of the size (ratio {time_ratio:.2}), {:.0} and {:.0} KiB more memory ({memory_per_byte:.1} bytes per byte of the larger input)",
        2 * n,
        cpu(added[0]),
        cpu(added[1]),
        kib(added[0]),
        kib(added[1]),
    );
    // Linear work doubles; quadratic work quadruples. 3 leaves room for noise.
    assert!(time_ratio < 3.0 && memory_per_byte < MEMORY_PER_INPUT_BYTE, "{line}");
    line
}

/// 150 000 and 300 000 top-level keys in a data file (100 000 took 45 s when a key given
/// twice was searched for among all before it); nested image syntax (`![a` × n, 4.3 GB at
/// 20 000) and nested list markers on one line (`- - - …`, over 2 minutes), at sizes
/// near the 4 MB limit of a chapter: refused at the documented depth, after linear work.
/// Failed with the key check made quadratic again (`yaml.rs` searching each key among the
/// entries before it): 300 000 keys ran for over 110 s of CPU (1.1 s when linear) and
/// the check had to be killed.
#[test]
fn typed_shapes_cost_linear_time_and_memory_at_two_sizes() {
    let keys = |n: usize| (0..n).map(|i| format!("k{i}: 1\n")).collect::<String>();
    let images = |n: usize| format!("# Djup\n\n{}x\n", "![a".repeat(n));
    let lists = |n: usize| format!("# Djup\n\n{}x\n", "- ".repeat(n));
    let report = [
        ratios("content/data/nycklar.yaml", keys, 150_000, true),
        ratios("content/chapters/02-djup.md", images, 600_000, false),
        ratios("content/chapters/02-djup.md", lists, 900_000, false),
    ];
    eprintln!("{}", report.join("\n"));
}

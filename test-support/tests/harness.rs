//! The hostile-input checks fail where they should: memory past the budget, time that grows
//! faster than the input, a hang, a panic.

use std::time::Duration;

use ucore_test_support::hostile::{Check, Limits};

#[global_allocator]
static ALLOC: ucore_test_support::alloc::Counting = ucore_test_support::alloc::Counting;

fn quick() -> Limits {
    Limits {
        timeout: Duration::from_secs(5),
        ..Limits::default()
    }
}

#[test]
fn a_linear_parser_passes() {
    let check = Check::new("lines", quick(), |input: &[u8]| {
        let v: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
        std::hint::black_box(v);
    });
    let [small, _, large] = check.growth("lines", 2_000, |n| b"ab\n".repeat(n));
    assert!(large.peak_bytes > small.peak_bytes, "the peak is measured");
}

#[test]
#[should_panic(expected = "over the budget")]
fn memory_past_the_budget_fails() {
    let check = Check::new("greedy", quick(), |input: &[u8]| {
        std::hint::black_box(vec![0u8; input.len() * 64 + (2 << 20)]);
    });
    check.input("x", &[0; 1000]);
}

#[test]
#[should_panic(expected = "time grows faster than the input")]
fn quadratic_time_fails() {
    let check = Check::new("quadratic", quick(), |input: &[u8]| {
        let mut sum = 0u64;
        for i in 0..input.len() {
            for j in 0..input.len() {
                sum = sum.wrapping_add(u64::from(input[i] ^ input[j]));
            }
        }
        std::hint::black_box(sum);
    });
    check.growth("pairs", 200, |n| vec![7; n]);
}

#[test]
#[should_panic(expected = "did not finish")]
fn a_hang_fails() {
    let limits = Limits {
        timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let check = Check::new("sleepy", limits, |_: &[u8]| {
        std::thread::sleep(Duration::from_secs(2));
    });
    check.input("x", b"x");
}

#[test]
#[should_panic(expected = "the parser panicked")]
fn a_panic_fails() {
    let check = Check::new("panicky", quick(), |input: &[u8]| {
        assert!(input.is_empty(), "boom");
    });
    check.input("x", b"x");
}

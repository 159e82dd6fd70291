//! How often the default wait polls and how late it notices the end, on tokio's paused clock: the
//! server decides each answer from the time since the submit, on the same clock.

use std::time::Duration;

use mediagen_tests::follow_paused as follow;

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

#[tokio::test(start_paused = true)]
async fn without_hints_10_minutes_cost_at_most_40_gets_and_the_end_is_noticed_within_10_s_on_average() {
    let mut delays = Vec::new();
    for (minutes, max_gets) in [(0.5, 8), (1.0, 10), (10.0, 40), (29.0, 110)] {
        let (gets, late) = follow(Duration::from_secs_f64(minutes * 60.0), false).await;
        eprintln!("{minutes} min: {gets} GETs, noticed {:.1} s late", secs(late));
        assert!(gets <= max_gets, "{minutes} min: {gets} GETs");
        assert!(late <= Duration::from_secs(18), "{minutes} min: noticed {late:?} late");
        delays.push(secs(late));
    }
    // Before: 45 GETs for 10 minutes, 121 for 29, and a 30-second job noticed 11.6 s late.
    assert!(delays[0] <= 10.0, "30 s noticed {:.1} s late", delays[0]);
    let mean = delays.iter().sum::<f64>() / delays.len() as f64;
    assert!(mean <= 10.0, "mean delay {mean:.1} s: {delays:?}");
}

#[tokio::test(start_paused = true)]
async fn with_linear_progress_the_end_is_noticed_within_5_s_on_average() {
    let mut delays = Vec::new();
    for seconds in [570, 590, 600, 610, 630] {
        let (gets, late) = follow(Duration::from_secs(seconds), true).await;
        eprintln!("{seconds} s with progress: {gets} GETs, noticed {:.1} s late", secs(late));
        assert!(gets <= 30, "{seconds} s: {gets} GETs");
        delays.push(secs(late));
    }
    let mean = delays.iter().sum::<f64>() / delays.len() as f64;
    assert!(mean <= 5.0, "mean delay {mean:.1} s: {delays:?}");
}

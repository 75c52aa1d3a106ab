//! The rules engine over a whole synthetic quarter: scoring (Art.7–9), grading (Art.10) and
//! settlement with ledger (Art.11), through the one entry point `compute_quarter`.
//!
//! Shape of the county: about 4 cadres per village, 20 villages per town, two sequences, the
//! default policy (16 village items, 9 cadre items), one event per 100 cadres, ids shared as
//! an importer interns them. At national scale (2M cadres, 26M score rows) this is the shape
//! of the national target (docs/rules.md, ARCHITECTURE.md Scale). Run: `cargo bench --bench engine`; throughput is reported in cadres/s.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kaohe_domain::{
    Cadre, CadreId, Date, Event, EventId, EventKind, Level, Money, Points, Policy, Quarter, Scope,
    Score, Sequence, Subject, TownCode, VillageCode,
};
use kaohe_settlement::{QuarterInput, compute_quarter};

struct County {
    policy: Policy,
    roster: Vec<Cadre>,
    scores: Vec<Score>,
    events: Vec<Event>,
}

/// A small deterministic generator (SplitMix64): benches must not depend on a random crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn county(n: usize) -> County {
    let policy = Policy::default();
    let quarter = Quarter::parse("2026Q3").unwrap();
    let mut rng = Rng(n as u64);
    let seqs = [
        Sequence::parse("正职").unwrap(),
        Sequence::parse("委员").unwrap(),
    ];
    let n_villages = n.div_ceil(4);
    let villages: Vec<VillageCode> = (0..n_villages)
        .map(|v| VillageCode::parse(&format!("V{v:07}")).unwrap())
        .collect();
    let towns: Vec<TownCode> = (0..n_villages.div_ceil(20))
        .map(|t| TownCode::parse(&format!("T{t:05}")).unwrap())
        .collect();
    let start = Date::parse("2020-01-01").unwrap();
    let roster: Vec<Cadre> = (0..n)
        .map(|i| {
            let v = i / 4;
            // One cadre in 50 joins or leaves within the quarter.
            let (start_date, end_date) = match rng.below(50) {
                0 => (Date::parse("2026-08-10").unwrap(), None),
                1 => (start, Some(Date::parse("2026-09-20").unwrap())),
                _ => (start, None),
            };
            Cadre {
                id: CadreId::parse(&format!("C{i:08}")).unwrap(),
                name: format!("干部{i}"),
                town: towns[v / 20].clone(),
                village: villages[v].clone(),
                sequence: seqs[usize::from(i % 4 >= 2)].clone(),
                position: "委员".into(),
                monthly_subsidy: Money::from_hundredths(150_000 + rng.below(50_000) as i64),
                start_date,
                end_date,
            }
        })
        .collect();
    let mut scores = Vec::with_capacity(n_villages * 16 + n * 9);
    let points = |max: Points, rng: &mut Rng| {
        // Multiples of 0.25 from 60% of the maximum up to it.
        let top = max.hundredths() / 25;
        Points::from_hundredths((top * 6 / 10 + rng.below((top * 4 / 10 + 1) as u64) as i64) * 25)
    };
    for (_, section, item) in policy.items() {
        match section.scope {
            Scope::Village => {
                for v in &villages {
                    scores.push(Score {
                        quarter,
                        subject: Subject::from(v),
                        item: item.id.clone(),
                        points: points(item.max, &mut rng),
                    });
                }
            }
            Scope::Cadre => {
                for c in &roster {
                    scores.push(Score {
                        quarter,
                        subject: Subject::from(&c.id),
                        item: item.id.clone(),
                        points: points(item.max, &mut rng),
                    });
                }
            }
        }
    }
    // Rows by subject, as a store reads them back.
    scores.sort_by(|a, b| a.subject.cmp(&b.subject));
    let kinds = [
        ("inspection_praise", true),
        ("work_promoted", true),
        ("inspection_criticized", true),
        ("media_exposure", true),
        ("commendation", false),
    ];
    let events = (0..n / 100)
        .map(|e| {
            let (kind, village) = kinds[e % kinds.len()];
            let subject = if village {
                Subject::from(&villages[rng.below(n_villages as u64) as usize])
            } else {
                Subject::from(&roster[rng.below(n as u64) as usize].id)
            };
            Event {
                id: EventId::parse(&format!("E{e}")).unwrap(),
                date: Date::new(2026, 7 + (e % 3) as u8, 1 + (e % 28) as u8).unwrap(),
                subject,
                kind: EventKind::parse(kind).unwrap(),
                level: (kind != "media_exposure").then(|| Level::ALL[e % 4]),
                note: String::new(),
            }
        })
        .collect();
    County {
        policy,
        roster,
        scores,
        events,
    }
}

fn engine(c: &mut Criterion) {
    let quarter = Quarter::parse("2026Q3").unwrap();
    let mut group = c.benchmark_group("compute_quarter");
    for n in [10_000usize, 1_000_000] {
        let data = county(n);
        let input = QuarterInput {
            quarter,
            policy: &data.policy,
            roster: &data.roster,
            roster_index: None,
            scores: (&data.scores).into(),
            events: &data.events,
            history: &[],
            missing_as_zero: false,
        };
        let lines = compute_quarter(&input)
            .expect("valid synthetic county")
            .lines
            .len();
        assert_eq!(lines, n);
        if n >= 1_000_000 {
            group.sample_size(10);
            group.warm_up_time(Duration::from_secs(1));
            group.measurement_time(Duration::from_secs(15));
        } else {
            group.sample_size(20);
            group.measurement_time(Duration::from_secs(5));
        }
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &input, |b, input| {
            b.iter(|| black_box(compute_quarter(black_box(input)).unwrap().lines.len()));
        });
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);

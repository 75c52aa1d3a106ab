//! **Binary** mode (`-- binary`, what `cargo xtask bench` runs): every phase as the real
//! `kaohe` binary (`KAOHE_BIN`, else `target/release/kaohe`) in a child process, timed wall
//! clock with its peak RSS and CPU (`/usr/bin/time -v` when installed, else the child's
//! `VmHWM` polled from `/proc` every 2 ms, also with `KAOHE_BENCH_POLL` set).
//!
//! The synthetic county of [`generate`] (villages of 4–6 cadres) is generated once per size
//! into `target/bench/county-N/` (folder 0700, files 0600; regenerated when
//! [`GENERATOR`] changes) and reused. Each run: `kaohe compute` from the files (alternating
//! with the `peer=CMD` tool, if any); then on each store, a fresh one per run (a new redb file;
//! a new PostgreSQL schema, dropped after), `kaohe import roster`, `import scores`,
//! `import events` and `kaohe settle --quarter Q`, a `CHECKPOINT` before each on PostgreSQL;
//! then, in this process, the raw bulk write of the same rows read back from that store
//! ([`raw_redb`], [`raw_pg`]). The table gives medians over the runs and each phase's ratio to
//! the raw write of its rows.
//!
//! `peer=CMD` is a command template, split on whitespace (no shell), in which `{dir}` (the
//! folder of roster.csv, scores.csv, events.csv), `{quarter}` and `{out}` (a file to write)
//! are replaced.

use std::ffi::OsString;
use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
use std::process::Stdio;

use super::*;

/// Bump when [`generate`] changes what it writes: cached counties of another version are
/// generated again.
const GENERATOR: u32 = 2;

/// Set (to anything) to poll `/proc` even where `/usr/bin/time` is installed.
const POLL_VAR: &str = "KAOHE_BENCH_POLL";

/// What one run of a child (or one raw write) measured.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: Duration,
    /// Peak resident set size in KiB; `None` when it could not be measured.
    peak_kib: Option<u64>,
    /// User + system CPU; `None` when it could not be measured.
    cpu: Option<Duration>,
}

/// Where a phase ran, for the RSS and CPU columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Where {
    Child,
    InProcess,
}

/// One row of the table: a phase over the runs.
#[derive(Debug)]
struct Line {
    phase: String,
    rows: u64,
    samples: Vec<Sample>,
    place: Where,
    /// The phase (of the same table) holding the raw bulk write of these rows.
    raw: Option<&'static str>,
}

#[derive(Debug, Default)]
struct Table {
    lines: Vec<Line>,
}

impl Table {
    fn add(&mut self, phase: &str, rows: u64, s: Sample, place: Where, raw: Option<&'static str>) {
        match self.lines.iter_mut().find(|l| l.phase == phase) {
            Some(l) => l.samples.push(s),
            None => self.lines.push(Line {
                phase: phase.to_owned(),
                rows,
                samples: vec![s],
                place,
                raw,
            }),
        }
    }

    fn median_wall(&self, phase: &str) -> Option<Duration> {
        let l = self.lines.iter().find(|l| l.phase == phase)?;
        Some(median(
            &l.samples.iter().map(|s| s.wall).collect::<Vec<_>>(),
        ))
    }

    fn print(&self, title: &str, load_before: &str) {
        println!("\n  {title} (before: {load_before}; after: {})", load());
        println!(
            "  {:<24} {:>11} {:>10} {:>17} {:>11} {:>9} {:>9} {:>8}",
            "phase", "rows", "wall ms", "min–max ms", "rows/s", "peak MiB", "CPU ms", "× raw"
        );
        for l in &self.lines {
            let walls: Vec<Duration> = l.samples.iter().map(|s| s.wall).collect();
            let m = median(&walls);
            let lo = walls.iter().min().copied().unwrap_or_default();
            let hi = walls.iter().max().copied().unwrap_or_default();
            let peaks: Vec<u64> = l.samples.iter().filter_map(|s| s.peak_kib).collect();
            let cpus: Vec<Duration> = l.samples.iter().filter_map(|s| s.cpu).collect();
            let (peak, cpu) = match l.place {
                Where::InProcess => ("in-proc".to_owned(), "in-proc".to_owned()),
                Where::Child => (
                    peaks
                        .iter()
                        .max()
                        .map_or("no data".into(), |k| thousands(k >> 10)),
                    match (!cpus.is_empty()).then(|| median(&cpus)) {
                        None => "no data".into(),
                        // The kernel counts CPU in ticks of 10 ms.
                        Some(d) if d.is_zero() => "<10".into(),
                        Some(d) => ms(d),
                    },
                ),
            };
            let ratio = match l.raw.and_then(|r| self.median_wall(r)) {
                Some(raw) => times(m, raw),
                None => "none".into(),
            };
            println!(
                "  {:<24} {:>11} {:>10} {:>17} {:>11} {:>9} {:>9} {:>8}",
                l.phase,
                thousands(l.rows),
                ms(m),
                format!("{}–{}", ms(lo), ms(hi)),
                thousands(rate(l.rows, m)),
                peak,
                cpu,
                ratio
            );
        }
    }
}

/// `a / b` as `3.21×`, without floats.
fn times(a: Duration, b: Duration) -> String {
    let (a, b) = (a.as_micros(), b.as_micros().max(1));
    format!("{}.{:02}×", a / b, a * 100 / b % 100)
}

const LEGEND: &str =
    "  rows: rows read (compute: roster + score + event rows) or written (settle: lines + ledger
  [+ redb's appraisal index]); wall: median over the runs of the child's wall clock (process
  start to exit); peak MiB: the highest peak RSS over the runs; CPU: median user + system;
  × raw: wall / the raw bulk write of the same rows on the same store (none: no raw write
  of those rows); in-proc: measured inside the bench process, which holds other data;
  <10: under the kernel's 10 ms CPU tick.";

// ---- the machine ----------------------------------------------------------------------------

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "CPU model unknown".into());
    let mem = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| status_kib(&s, "MemTotal:"))
        .map_or("memory unknown".into(), |k| {
            format!("{} MiB RAM", thousands(k >> 10))
        });
    format!("{cores} cores ({model}), {mem}, {}", load())
}

// ---- the cached county ----------------------------------------------------------------------

/// `target/bench` (under `CARGO_TARGET_DIR` when set), or `KAOHE_BENCH_DIR`.
fn bench_root() -> PathBuf {
    if let Some(d) = std::env::var_os("KAOHE_BENCH_DIR") {
        return PathBuf::from(d);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), |d| root.join(d))
        .join("bench")
}

/// Creates `path` (and its missing parents) as folders only the owner can enter (0700).
fn private_dir(path: &Path) -> R<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700))?;
    Ok(())
}

fn marker_text(c: &County) -> String {
    format!(
        "generator={GENERATOR}\ncadres={}\nvillages={}\nscores={}\nevents={}\nbytes={}\n",
        c.cadres, c.villages, c.scores, c.events, c.bytes
    )
}

fn parse_marker(text: &str) -> Option<County> {
    let field = |name: &str| -> Option<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))?
            .parse()
            .ok()
    };
    (field("generator")? == u64::from(GENERATOR)).then_some(())?;
    Some(County {
        cadres: field("cadres")?,
        villages: field("villages")?,
        scores: field("scores")?,
        events: field("events")?,
        bytes: field("bytes")?,
    })
}

/// The county of `cadres` cadres in `target/bench/county-N/`, generated unless it is there.
/// It is generated into a folder of its own and renamed into place when complete, so a
/// stopped generation leaves no half-written county to reuse.
fn cached_county(cadres: usize) -> R<(PathBuf, County)> {
    let root = bench_root();
    private_dir(&root)?;
    let dir = root.join(format!("county-{cadres}"));
    let marker = dir.join("county.txt");
    if let Some(c) = fs::read_to_string(&marker)
        .ok()
        .and_then(|t| parse_marker(&t))
    {
        println!("  reusing {}", dir.display());
        return Ok((dir, c));
    }
    let part = root.join(format!("county-{cadres}.part-{}", std::process::id()));
    let _ = fs::remove_dir_all(&part);
    private_dir(&part)?;
    let t = Instant::now();
    let county = generate(
        &part,
        Shape {
            cadres,
            village_min: 4,
            village_max: 6,
        },
    )?;
    create_private(&part.join("county.txt"))?.write_all(marker_text(&county).as_bytes())?;
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    fs::rename(&part, &dir)?;
    println!("  generated {} in {} ms", dir.display(), ms(t.elapsed()));
    Ok((dir, county))
}

// ---- measuring a child ----------------------------------------------------------------------

/// Seconds as `/usr/bin/time` prints them (`1.23`), exactly.
fn seconds(text: &str) -> Option<Duration> {
    let (s, frac) = text.split_once('.').unwrap_or((text, "0"));
    let frac = format!("{frac:0<3}");
    Some(Duration::from_secs(s.parse().ok()?) + Duration::from_millis(frac[..3].parse().ok()?))
}

/// Runs `program args` to its end, its output into `log.out` and `log.err`; an error (with
/// the end of its stderr) unless it succeeds.
fn measure(program: &Path, args: &[OsString], log: &Path) -> R<Sample> {
    let out = create_private(&log.with_extension("out"))?;
    let err_path = log.with_extension("err");
    let err = create_private(&err_path)?;
    let time_v = Path::new("/usr/bin/time");
    let (status, sample) = if time_v.exists() && std::env::var_os(POLL_VAR).is_none() {
        let report = log.with_extension("time");
        let t = Instant::now();
        let status = Command::new(time_v)
            .arg("-v")
            .arg("-o")
            .arg(&report)
            .arg(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .status()?;
        let wall = t.elapsed();
        let text = fs::read_to_string(&report).unwrap_or_default();
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .map(|v| v.trim().to_owned())
        };
        let cpu = field("User time (seconds):")
            .and_then(|u| seconds(&u))
            .zip(field("System time (seconds):").and_then(|s| seconds(&s)))
            .map(|(u, s)| u + s);
        let peak_kib = field("Maximum resident set size (kbytes):").and_then(|v| v.parse().ok());
        (
            status,
            Sample {
                wall,
                peak_kib,
                cpu,
            },
        )
    } else {
        poll(Command::new(program).args(args).stdout(out).stderr(err))?
    };
    if !status.success() {
        let text = fs::read_to_string(&err_path).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "{} {} failed ({status}):\n{}",
            program.display(),
            args.iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            tail.join("\n")
        )
        .into());
    }
    Ok(sample)
}

/// No `/usr/bin/time`: the child's `VmHWM` (its peak so far) every 2 ms, and its CPU from
/// `/proc/PID/stat` once it has exited and is not yet reaped (a zombie keeps its times).
fn poll(cmd: &mut Command) -> R<(std::process::ExitStatus, Sample)> {
    let t = Instant::now();
    let mut child = cmd.stdin(Stdio::null()).spawn()?;
    let (status_path, stat_path) = (
        format!("/proc/{}/status", child.id()),
        format!("/proc/{}/stat", child.id()),
    );
    let mut peak_kib = None;
    let mut cpu = None;
    loop {
        if let Some(k) = fs::read_to_string(&status_path)
            .ok()
            .and_then(|s| status_kib(&s, "VmHWM:"))
        {
            peak_kib = Some(k);
        }
        let stat = fs::read_to_string(&stat_path).unwrap_or_default();
        let f: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, r)| r)
            .split_whitespace()
            .collect();
        if f.first() == Some(&"Z") {
            let tick = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
            cpu = tick(11)
                .zip(tick(12))
                .map(|(u, s)| Duration::from_millis((u + s) * 10));
            break;
        }
        if child.try_wait()?.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = child.wait()?;
    let wall = t.elapsed();
    Ok((
        status,
        Sample {
            wall,
            peak_kib,
            cpu,
        },
    ))
}

// ---- the runs -------------------------------------------------------------------------------

struct Bench<'a> {
    bin: PathBuf,
    county: County,
    files: Files,
    dir: PathBuf,
    work: &'a Path,
}

impl Bench<'_> {
    fn os(parts: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
        parts.iter().map(|p| p.as_ref().to_owned()).collect()
    }

    /// `kaohe compute` (and the peer, alternating) over the files, `runs` times.
    fn compute(&self, runs: usize, peer: Option<&str>) -> R<()> {
        let load_before = load();
        let out = self.work.join("compute.csv");
        let peer_out = self.work.join("peer.csv");
        let inputs = self.county.cadres + self.county.scores + self.county.events;
        let mut table = Table::default();
        let args = Bench::os(&[
            &"compute",
            &"--quarter",
            &QUARTER,
            &"--roster",
            &self.files.roster,
            &"--scores",
            &self.files.scores,
            &"--events",
            &self.files.events,
            &"--format",
            &"csv",
            &"--out",
            &out,
        ]);
        let peer_argv: Option<Vec<String>> = peer.map(|p| {
            p.split_whitespace()
                .map(|w| {
                    w.replace("{dir}", &self.dir.display().to_string())
                        .replace("{quarter}", QUARTER)
                        .replace("{out}", &peer_out.display().to_string())
                })
                .collect()
        });
        for k in 0..runs {
            let s = measure(&self.bin, &args, &self.work.join("compute"))?;
            table.add("kaohe compute", inputs, s, Where::Child, None);
            let mut note = String::new();
            if let Some(argv) = &peer_argv {
                let (program, rest) = argv.split_first().ok_or("peer=CMD is empty")?;
                let rest: Vec<OsString> = rest.iter().map(OsString::from).collect();
                let p = measure(Path::new(program), &rest, &self.work.join("peer"))?;
                table.add("peer", inputs, p, Where::Child, None);
                note = format!(", peer {} ms", ms(p.wall));
            }
            println!(
                "  run {}: kaohe compute {} ms{note} ({})",
                k + 1,
                ms(s.wall),
                load()
            );
        }
        table.print(&format!("files only: median of {runs} runs"), &load_before);
        if let Some(cmd) = peer {
            let (a, b) = (
                table.median_wall("kaohe compute").unwrap_or_default(),
                table.median_wall("peer").unwrap_or_default(),
            );
            let same = match (fs::read(&out), fs::read(&peer_out)) {
                (Ok(x), Ok(y)) if x == y => "byte for byte the same".to_owned(),
                (Ok(x), Ok(y)) => format!("different ({} vs {} bytes)", x.len(), y.len()),
                _ => "not both written".to_owned(),
            };
            println!(
                "  kaohe compute / peer: {} (peer: `{cmd}`); the two reports are {same}",
                times(a, b)
            );
        }
        Ok(())
    }

    /// One store's four phases as children, `CHECKPOINT`ed before each with `pg`.
    async fn phases(&self, url: &str, pg: Option<&str>) -> R<[Sample; 4]> {
        let f = &self.files;
        let steps: [Vec<OsString>; 4] = [
            Bench::os(&[&"--store", &url, &"import", &"roster", &f.roster]),
            Bench::os(&[&"--store", &url, &"import", &"scores", &f.scores]),
            Bench::os(&[&"--store", &url, &"import", &"events", &f.events]),
            Bench::os(&[&"--store", &url, &"settle", &"--quarter", &QUARTER]),
        ];
        let mut out = Vec::with_capacity(4);
        for (i, args) in steps.iter().enumerate() {
            if let Some(pg) = pg {
                checkpoint(pg).await;
            }
            out.push(measure(
                &self.bin,
                args,
                &self.work.join(format!("phase{i}")),
            )?);
        }
        out.try_into().map_err(|_| "four phases".into())
    }

    fn record(&self, table: &mut Table, kaohe: [Sample; 4], raw: [(u64, Duration); 3]) {
        let c = &self.county;
        let settle_rows = raw[2].0;
        for (phase, rows, s, raw) in [
            (
                "kaohe import roster",
                c.cadres,
                kaohe[0],
                Some("raw: roster rows"),
            ),
            (
                "kaohe import scores",
                c.scores,
                kaohe[1],
                Some("raw: score rows"),
            ),
            ("kaohe import events", c.events, kaohe[2], None),
            (
                "kaohe settle",
                settle_rows,
                kaohe[3],
                Some("raw: settle rows"),
            ),
        ] {
            table.add(phase, rows, s, Where::Child, raw);
        }
        const RAW: [&str; 3] = ["raw: roster rows", "raw: score rows", "raw: settle rows"];
        for (phase, (rows, wall)) in RAW.into_iter().zip(raw) {
            let s = Sample {
                wall,
                peak_kib: None,
                cpu: None,
            };
            table.add(phase, rows, s, Where::InProcess, Some(phase));
        }
    }

    async fn redb(&self, runs: usize) -> R<()> {
        println!("\n== redb: a new store file per run ==");
        let load_before = load();
        let mut table = Table::default();
        for k in 0..runs {
            let path = self.work.join(format!("store-{k}.redb"));
            let url = format!("redb:{}", path.display());
            let kaohe = self.phases(&url, None).await?;
            let store = kaohe::open_store(&url).await?;
            let written = stored(&*store).await?;
            drop(store);
            let _ = fs::remove_file(&path);
            let raw = raw_redb(&self.work.join("raw.redb"), written)?;
            println!(
                "  run {}: settle {} ms, import scores {} ms ({})",
                k + 1,
                ms(kaohe[3].wall),
                ms(kaohe[1].wall),
                load()
            );
            self.record(&mut table, kaohe, raw);
        }
        table.print(&format!("redb: median of {runs} runs"), &load_before);
        Ok(())
    }

    async fn postgres(&self, runs: usize) -> R<()> {
        let Some(url) = std::env::var(PG_VAR).ok().filter(|u| !u.is_empty()) else {
            println!(
                "\n== PostgreSQL: SKIPPED — {PG_VAR} is not set (e.g. \
                 {PG_VAR}=postgres://postgres@127.0.0.1:5432/test) =="
            );
            return Ok(());
        };
        // As the end-to-end tests: no TLS to a local server unless the URL asks for it.
        let base = if url.contains("sslmode=") {
            url
        } else {
            with_param(&url, "sslmode", "disable")
        };
        println!("\n== PostgreSQL: a new schema per run (dropped after) ==");
        let load_before = load();
        let mut table = Table::default();
        for k in 0..runs {
            let schema = format!("kaohe_bench_{}_{k}", unique_suffix());
            let outcome = self.pg_run(&base, &schema).await;
            let dropped = drop_schema(&base, &schema).await;
            let (kaohe, raw) = outcome?;
            dropped?;
            println!(
                "  run {}: settle {} ms, import scores {} ms ({})",
                k + 1,
                ms(kaohe[3].wall),
                ms(kaohe[1].wall),
                load()
            );
            self.record(&mut table, kaohe, raw);
        }
        table.print(&format!("PostgreSQL: median of {runs} runs"), &load_before);
        Ok(())
    }

    async fn pg_run(&self, base: &str, schema: &str) -> R<([Sample; 4], [(u64, Duration); 3])> {
        let mut conn = PgConnection::connect(base).await?;
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
            .execute(&mut conn)
            .await?;
        let _ = conn.close().await;
        let url = with_param(base, "options[search_path]", schema);
        let kaohe = self.phases(&url, Some(base)).await?;
        let store = kaohe_store_postgres::PgStore::connect_with_schema(base, schema).await?;
        let written = stored(&store).await;
        store.close().await;
        let raw = raw_pg(base, schema, &written?).await?;
        Ok((kaohe, raw))
    }
}

fn with_param(url: &str, key: &str, value: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{key}={value}")
}

/// The rows kaohe wrote, read back from the store (the scores through the grid of the roster
/// and the policy in force, as `settle` reads them, then as the rows the raw write takes).
async fn stored(store: &dyn Store) -> R<Written> {
    let q = Quarter::parse(QUARTER)?;
    let cadres = store.roster().await?;
    let policies = store.policies().await?;
    let default = Policy::default();
    let policy = Policy::in_force(&policies, q).map_or(&default, |(_, p)| p);
    let index = kaohe_domain::RosterIndex::new(&cadres);
    let names = kaohe_domain::ScoreNames::new(&index, policy);
    let scores = store.scores_on(q, &names).await?.into_rows(&names);
    drop(names);
    drop(index);
    Ok(Written {
        cadres,
        scores,
        lines: store.settlement_lines(q).await?,
        ledger: store.ledger(q).await?,
    })
}

/// The binary mode: see the module docs.
pub(super) fn run(args: &Args) -> R<()> {
    let cadres = args.cadres.unwrap_or(100_000);
    println!(
        "kaohe bench: {} cadres, {} runs; machine: {}",
        thousands(cadres as u64),
        args.runs,
        machine()
    );
    let bin = kaohe_bin();
    if !bin.exists() {
        return Err(format!(
            "{} does not exist: build it with `cargo build --release -p kaohe-cli` (or set \
             KAOHE_BIN), or run `cargo xtask bench`",
            bin.display()
        )
        .into());
    }
    let (dir, county) = cached_county(cadres)?;
    print_county(&county);
    // The stores and reports beside the county (on the same disk, not a tmpfs), removed after.
    let work = TempDir {
        path: bench_root().join(format!("work-{}", std::process::id())),
        keep: false,
    };
    private_dir(&work.path)?;
    let bench = Bench {
        bin,
        county,
        files: Files::in_dir(&dir),
        dir,
        work: &work.path,
    };
    println!("\n== kaohe compute: from the files, no store ==");
    bench.compute(args.runs, args.peer.as_deref())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if args.redb {
        rt.block_on(bench.redb(args.runs))?;
    }
    if args.postgres {
        rt.block_on(bench.postgres(args.runs))?;
    }
    println!("\n{LEGEND}");
    Ok(())
}

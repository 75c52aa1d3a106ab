#!/usr/bin/env python3
"""Generate the synthetic sample county: roster.csv, scores.csv, events.csv.

Python 3 standard library only. Deterministic: the generator draws only from
random.Random(SEED).random() (the Mersenne Twister output is the same on every
CPython version and platform) and keeps every score and amount as an integer
number of hundredths, so re-running it reproduces the files byte for byte.

    python3 generate.py            # (re)write the CSV files beside this script
    python3 generate.py --check    # verify the committed files are what this script
                                   # writes, validate them against SPEC 3.1-3.4 and
                                   # print totals, grades and the interesting cases

The rules in --check follow /work/shared/SPEC.md sections 3.1-3.4 with the default
policy of section 4; they are a self-check of the data, not the product.
"""

import argparse
import csv
import io
import os
import sys
from decimal import ROUND_HALF_UP, Decimal
from datetime import date, timedelta
from random import Random

SEED = 20260701
HERE = os.path.dirname(os.path.abspath(__file__))
QUARTERS = ("2026Q2", "2026Q3")

# --------------------------------------------------------------------------- policy
# Default rubric of SPEC 4; maxima in hundredths of a point.
RUBRIC = [
    ("party", "village", [
        ("party.organization", 400), ("party.leadership", 500), ("party.members", 500),
        ("party.org_life", 400), ("party.operations", 400), ("party.funding", 400),
        ("party.venue", 400)]),
    ("poverty", "village", [
        ("poverty.industry", 500), ("poverty.medical", 500), ("poverty.education", 500),
        ("poverty.employment", 500), ("poverty.ecology", 500), ("poverty.relocation", 500),
        ("poverty.social_security", 500), ("poverty.finance", 500)]),
    ("collective", "village", [("collective.economy", 1000)]),
    ("duty", "cadre", [
        ("duty.attendance", 125), ("duty.work_log", 125), ("duty.leave", 125),
        ("duty.talks", 125), ("duty.reporting", 125), ("duty.commitment", 125),
        ("duty.audit", 125), ("duty.review", 125)]),
    ("public", "cadre", [("public.satisfaction", 1000)]),
]
ITEM_MAX = {item: mx for _, _, items in RUBRIC for item, mx in items}
ITEM_ORDER = {item: i for i, item in enumerate(ITEM_MAX)}
VILLAGE_ITEMS = [i for sec, sc, items in RUBRIC if sc == "village" for i, _ in items]
CADRE_ITEMS = [i for sec, sc, items in RUBRIC if sc == "cadre" for i, _ in items]
DUTY_ITEMS = [i for i in CADRE_ITEMS if i.startswith("duty.")]
LEVELS = ("national", "provincial", "municipal", "county")
EVENT_POINTS = {  # hundredths, by level; None = no level
    "inspection_praise": ("village", dict(zip(LEVELS, (1000, 700, 400, 200)))),
    "work_promoted": ("village", dict(zip(LEVELS, (2000, 1500, 1000, 500)))),
    "commendation": ("cadre", dict(zip(LEVELS, (1000, 700, 400, 200)))),
    "inspection_criticized": ("village", dict(zip(LEVELS, (-1000, -700, -400, -200)))),
    "media_exposure": ("village", {None: -1000}),
}
EXCELLENT_RATIO_PCT = 20
EXCELLENT_MIN = 9000
QUALIFIED_MIN = 6000

# --------------------------------------------------------------------------- county
# (town code, number of villages)
TOWNS = [("T01", 9), ("T02", 10), ("T03", 9)]

# The interesting cadres (codes are fixed by the layout below; --check asserts each case).
DISMISSAL = "T02V07-02"       # 村委会主任, unqualified in 2026Q2 and 2026Q3
UNQ_Q2_ONLY = "T01V04-04"     # 委员, unqualified in 2026Q2 only
UNQ_Q3_ONLY = "T03V06-03"     # 委员, unqualified in 2026Q3 only
LEFT_2025 = "T01V06-03"       # left 2025-12-31: not assessed
SUCC_2025 = "T01V06-06"       # successor, from 2026-01-05
JOIN_Q2 = "T01V02-05"         # new seat from 2026-05-18
LEAVE_Q2 = "T02V09-03"        # left 2026-06-10: assessed in 2026Q2 only
LEAVE_Q3 = "T02V04-02"        # 村委会主任 until 2026-08-15
SUCC_Q3 = "T02V04-05"         # 村委会主任 from 2026-08-16
PRED_Q3 = "T03V03-03"         # 文书 until 2026-07-09
WORKED_A = "T03V03-05"        # 文书 2026-07-10..2026-09-20, M 1500.07, total 82.73 (SPEC 6)
WORKED_B = "T01V05-04"        # M 1406.08, excellent in 2026Q3 (SPEC 6, second case)

# Ties engineered at the top of groups (checked in --check):
TIE_KEYS = ("2026Q2", "T01", "正职")      # ranks 1 and 2 tie on total; `public` decides
TIE_QUOTA = ("2026Q3", "T02", "委员")     # ranks quota and quota+1 tie on total (>= 90)
TIE_FULL = ("2026Q3", "T03", "正职")      # two chiefs of one village tie on total, public
TIE_FULL_VILLAGE = "T03V02"               # and duty: cadre_id decides

FIXED_MEMBERS = {"T01V02": 2, "T01V06": 3, "T02V04": 2, "T03V03": 2}

MEMBER_POSITIONS = ["村委会副主任", "妇联主席", "村务监督委员会主任", "文书", "组织委员",
                    "宣传委员", "纪检委员"]

SURNAMES = ("王王王李李李张张张刘刘刘陈陈杨杨赵赵黄黄周周吴吴徐孙胡朱高林何郭马罗梁宋郑谢"
            "韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚"
            "谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
MALE = ("伟 磊 勇 军 刚 强 平 斌 涛 杰 鹏 辉 明 华 波 超 峰 林 建国 建华 建军 国强 国华 志强 "
        "志刚 志明 永刚 永强 海涛 海军 文斌 文华 德明 德福 春生 春林 俊杰 红军 卫东 卫国 "
        "振华 振兴 小龙 晓东 东升 长青 长林 福林 金山 宝山 学文 学军 新民 庆华 宏伟 世平 "
        "成林 忠良 光明 红旗").split()
FEMALE = ("丽 敏 静 芳 娟 艳 霞 燕 玲 萍 红 梅 秀英 桂英 秀兰 玉兰 桂兰 秀珍 凤英 丽娟 海燕 "
          "春梅 玉梅 红梅 晓燕 小红 丽萍 雪梅 金凤 翠花 桂芳 玉珍 美玲 艳红 慧敏 婷婷").split()


class Rng:
    """Draws only from random() so the stream is stable across Python versions."""

    def __init__(self, seed):
        self.r = Random(seed)

    def u(self, a=0.0, b=1.0):
        return a + (b - a) * self.r.random()

    def below(self, n):
        return min(int(self.r.random() * n), n - 1)

    def pick(self, seq):
        return seq[self.below(len(seq))]

    def chance(self, p):
        return self.r.random() < p

    def noise(self, width):  # triangular on [-width, width]
        return (self.r.random() + self.r.random() - 1.0) * width


# --------------------------------------------------------------------------- helpers
def d(s):
    return date.fromisoformat(s)


def quarter_bounds(q):
    y, n = int(q[:4]), int(q[5])
    first = date(y, 3 * n - 2, 1)
    nxt = date(y + (n == 4), 1 if n == 4 else 3 * n + 1, 1)
    return first, nxt - timedelta(days=1)


def quarter_of(day):
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def in_office(c, day):
    return c["start"] <= day and (c["end"] is None or day <= c["end"])


def assessed(c, q):
    first, last = quarter_bounds(q)
    return c["start"] <= last and (c["end"] is None or c["end"] >= first)


def fmt_points(h):
    """Hundredths -> shortest decimal text ('5', '4.5', '1.25')."""
    s = f"{h // 100}.{h % 100:02d}" if h >= 0 else "-" + fmt_points(-h)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def fmt2(h):
    sign = "-" if h < 0 else ""
    h = abs(h)
    return f"{sign}{h // 100}.{h % 100:02d}"


def clamp(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


# --------------------------------------------------------------------------- roster
def make_name(rng, female, taken):
    while True:
        name = rng.pick(SURNAMES) + rng.pick(FEMALE if female else MALE)
        if name not in taken:
            taken.add(name)
            return name


def subsidy(rng, lo, hi):
    """Fen. Mostly round tens, some whole yuan, some with fen."""
    yuan = int(rng.u(lo, hi))
    r = rng.r.random()
    if r < 0.55:
        return (yuan // 10) * 1000
    if r < 0.8:
        return yuan * 100
    return yuan * 100 + 1 + rng.below(99)


def election_day(rng):
    # the 2021 village two-committee election, January to March 2021
    return date(2021, 1, 8) + timedelta(days=rng.below(80))


def later_day(rng):
    return date(2022, 3, 1) + timedelta(days=rng.below(1300))  # up to 2025-09


def build_roster(rng):
    cadres = []
    villages = []  # (town, village)
    for town, nv in TOWNS:
        for vi in range(1, nv + 1):
            v = f"{town}V{vi:02d}"
            villages.append((town, v))
            taken = set()
            n_members = 2 + rng.below(3)          # 2..4 members -> 4..6 cadres
            # villages that get a successor row: fixed size, so the codes above hold
            n_members = FIXED_MEMBERS.get(v, n_members)
            rows = []
            rows.append(("正职", "党组织书记", subsidy(rng, 2500, 2800)))
            rows.append(("正职", "村委会主任", subsidy(rng, 2200, 2600)))
            positions = list(MEMBER_POSITIONS)
            chosen = []
            for _ in range(n_members):
                p = positions.pop(rng.below(len(positions)))
                chosen.append(p)
            chosen.sort(key=MEMBER_POSITIONS.index)
            if v == "T03V03":  # the clerk who leaves on 2026-07-09 is -03
                chosen = ["文书"] + [p for p in chosen if p != "文书"][:n_members - 1]
            for p in chosen:
                rows.append(("委员", p, subsidy(rng, 1500, 2000)))
            for k, (seq, pos, m) in enumerate(rows, start=1):
                female = pos == "妇联主席" or rng.chance(0.18)
                start = election_day(rng) if rng.chance(0.8) else later_day(rng)
                cadres.append({
                    "id": f"{v}-{k:02d}", "name": make_name(rng, female, taken),
                    "town": town, "village": v, "sequence": seq, "position": pos,
                    "subsidy": m, "start": start, "end": None, "_taken": taken,
                })
    by_id = {c["id"]: c for c in cadres}

    def add(v, seq, pos, m, start, end=None, female=False):
        town = v[:3]
        k = 1 + max(int(c["id"][-2:]) for c in cadres if c["village"] == v)
        taken = next(c["_taken"] for c in cadres if c["village"] == v)
        c = {"id": f"{v}-{k:02d}", "name": make_name(rng, female, taken), "town": town,
             "village": v, "sequence": seq, "position": pos, "subsidy": m,
             "start": d(start), "end": d(end) if end else None, "_taken": taken}
        cadres.append(c)
        by_id[c["id"]] = c
        return c

    # -- office changes
    # T01V06: a member left at the end of 2025 (not assessed); successor from 2026-01-05.
    left = by_id[LEFT_2025]
    left["end"] = d("2025-12-31")
    s = add("T01V06", "委员", left["position"], subsidy(rng, 1500, 2000), "2026-01-05")
    assert s["id"] == SUCC_2025, s["id"]
    # T01V02: a new seat (宣传委员 or 纪检委员) filled on 2026-05-18.
    pos = next(p for p in ("宣传委员", "纪检委员", "组织委员")
               if p not in [c["position"] for c in cadres if c["village"] == "T01V02"])
    s = add("T01V02", "委员", pos, subsidy(rng, 1500, 2000), "2026-05-18")
    assert s["id"] == JOIN_Q2, s["id"]
    # T02V09: a member resigned on 2026-06-10.
    by_id[LEAVE_Q2]["end"] = d("2026-06-10")
    # T02V04: the villagers' committee director left on 2026-08-15; successor from 08-16.
    by_id[LEAVE_Q3]["end"] = d("2026-08-15")
    s = add("T02V04", "正职", "村委会主任", subsidy(rng, 2200, 2600), "2026-08-16")
    assert s["id"] == SUCC_Q3, s["id"]
    # T03V03: the clerk left on 2026-07-09; the new clerk served 2026-07-10..2026-09-20
    # (then seconded to the town government). Same figures as SPEC section 6.
    pred = by_id[PRED_Q3]
    assert pred["position"] == "文书"
    pred["end"] = d("2026-07-09")
    s = add("T03V03", "委员", "文书", 150007, "2026-07-10", "2026-09-20", female=True)
    assert s["id"] == WORKED_A, s["id"]
    # T01V05: a member on 1406.08 a month (SPEC section 6, second case).
    by_id[WORKED_B]["subsidy"] = 140608
    by_id[WORKED_B]["start"] = d("2021-02-20")
    # every case-bearing cadre took office well before 2026
    for cid in (DISMISSAL, UNQ_Q2_ONLY, UNQ_Q3_ONLY):
        by_id[cid]["start"] = min(by_id[cid]["start"], d("2023-06-01"))

    for c in cadres:
        del c["_taken"]
    cadres.sort(key=lambda c: c["id"])
    return cadres, villages


# --------------------------------------------------------------------------- events
# (date, subject, kind, level, note). Subjects refer to the fixed layout above.
EVENTS = [
    ("2026-03-26", "T03V05", "inspection_praise", "county", "一季度产业项目督查获好评"),
    ("2026-04-14", "T01V02", "inspection_praise", "county", "春季农村人居环境整治检查获好评"),
    ("2026-04-27", "T01V05", "work_promoted", "municipal", "食用菌合作社带贫模式在全市推广"),
    ("2026-05-09", "T02V01-01", "commendation", "provincial", "获评全省脱贫攻坚先进个人"),
    ("2026-05-21", "T03V04", "inspection_criticized", "county", "扶贫资金台账不规范，全县通报"),
    ("2026-05-28", "T02V07", "media_exposure", "", "低保评定不公被市电视台曝光，造成不良影响"),
    ("2026-06-05", "T02V03", "inspection_praise", "provincial", "易地搬迁安置点省级验收获好评"),
    ("2026-06-18", "T02V09", "inspection_criticized", "municipal", "防返贫监测信息录入滞后，全市通报"),
    ("2026-06-23", "T01V01-02", "commendation", "county", "县级优秀村委会主任"),
    ("2026-06-26", "T03V01", "work_promoted", "county", "村集体茶园入股分红经验在全县推广"),
    ("2026-07-03", WORKED_A, "commendation", "county", "县级扶贫信息员先进个人"),
    ("2026-07-16", "T03V02", "inspection_praise", "municipal", "市级产业扶贫观摩获好评"),
    ("2026-07-22", "T02V01", "work_promoted", "provincial", "光伏扶贫电站收益分配模式在全省推广"),
    ("2026-08-06", "T02V07", "inspection_criticized", "provincial", "危房改造验收不达标，全省通报"),
    ("2026-08-10", "T02V04", "inspection_praise", "county", "防汛救灾工作检查获好评"),
    ("2026-08-19", "T01V08", "inspection_praise", "national", "国家脱贫攻坚成效第三方评估获好评"),
    ("2026-08-27", "T03V07-01", "commendation", "municipal", "全市优秀党组织书记"),
    ("2026-09-04", "T02V04", "inspection_criticized", "county", "秸秆禁烧巡查发现火点，全县通报"),
    ("2026-09-11", "T03V06", "media_exposure", "", "扶贫公益岗位冒名顶替被省报曝光"),
    ("2026-09-17", "T01V05-04", "commendation", "county", "县级优秀村干部"),
    ("2026-09-24", "T03V08", "inspection_criticized", "municipal", "教育资助台账错漏，全市通报"),
]


def build_events():
    out = []
    for i, (day, subject, kind, level, note) in enumerate(sorted(EVENTS), start=1):
        out.append({"event_id": f"EV2026-{i:03d}", "date": day, "subject": subject,
                    "kind": kind, "level": level, "note": note})
    return out


# --------------------------------------------------------------------------- scores
VILLAGE_QUALITY = {  # fixed quality of some villages (by quarter: same for both)
    "T02V07": 0.70,   # the weak village of the dismissal case
    "T01V04": 0.76,
    "T03V06": 0.80,
    "T03V02": 0.95,   # strongest village of T03
    "T01V05": 0.93,
    "T03V03": 0.87,   # the village of the SPEC 6 worked example
}


def snap(h, step, mx):
    """Round hundredths h to a multiple of step, within [0, mx]."""
    return clamp(int(round(h / step)) * step, 0, mx)


def village_scores(rng, q_v):
    out = {}
    for item in VILLAGE_ITEMS:
        mx = ITEM_MAX[item]
        width = 0.22 if item == "collective.economy" else 0.1
        x = clamp(q_v + rng.noise(width), 0.35, 1.0)
        out[item] = snap(mx * x, 50, mx)
    return out


DUTY_LEVELS = [(0.9, 125), (0.78, 100), (0.62, 75), (0.45, 50), (0.3, 25), (-9, 0)]


def cadre_scores(rng, q_c):
    out = {}
    for item in DUTY_ITEMS:
        x = q_c + rng.noise(0.18)
        out[item] = next(v for lim, v in DUTY_LEVELS if x >= lim)
    x = clamp(0.96 * q_c + rng.noise(0.07), 0.2, 0.99)
    out["public.satisfaction"] = snap(1000 * x, 1, 1000)
    return out


def build_scores(rng, cadres, villages):
    scores = {}  # (quarter, subject, item) -> hundredths
    vq = {}
    for _, v in villages:
        vq[v] = VILLAGE_QUALITY.get(v, rng.u(0.76, 0.95))
    cq = {}
    for c in cadres:
        cq[c["id"]] = rng.u(0.62, 1.0) if c["sequence"] == "委员" else rng.u(0.7, 1.0)
    for q in QUARTERS:
        for _, v in villages:
            drift = 0.0 if v in VILLAGE_QUALITY else rng.noise(0.03)
            for item, p in village_scores(rng, vq[v] + drift).items():
                scores[(q, v, item)] = p
        for c in cadres:
            if not assessed(c, q):
                continue
            for item, p in cadre_scores(rng, clamp(cq[c["id"]] + rng.noise(0.04), 0, 1)).items():
                scores[(q, c["id"], item)] = p
    return scores


def set_duty(scores, q, cid, values):
    for item, v in zip(DUTY_ITEMS, values):
        scores[(q, cid, item)] = v


def set_village(scores, q, v, total_target):
    """Reshape a village's items to add up to total_target (hundredths, multiple of 50)."""
    items = VILLAGE_ITEMS
    cur = sum(scores[(q, v, i)] for i in items)
    step = 50 if total_target > cur else -50
    k = 0
    while cur != total_target:
        item = items[k % len(items)]
        nv = scores[(q, v, item)] + step
        if 0 <= nv <= ITEM_MAX[item]:
            scores[(q, v, item)] = nv
            cur += step
        k += 1


def set_cadre_total(scores, cadres, events, q, cid, target, duty_share=0.47):
    """Give cadre cid the total `target` (hundredths) by choosing its duty and public
    scores; returns False (and changes nothing) when that is not possible."""
    by_id = {c["id"]: c for c in cadres}
    part = target - village_total(scores, q, by_id[cid]["village"]) - event_sum(
        events, by_id, cid, q)
    duty = snap(part * duty_share, 25, 1000)
    public = part - duty
    if not (0 <= public <= 990 and 0 <= duty <= 1000):
        duty = snap(part - 960, 25, 1000)
        public = part - duty
        if not (0 <= public <= 990):
            return False
    values = [0] * 8
    left = duty
    k = 0
    while left > 0:  # spread the duty sum over the eight items, 0.25 at a time
        if values[k % 8] < 125:
            values[k % 8] += 25
            left -= 25
        k += 1
    set_duty(scores, q, cid, sorted(values, reverse=True))
    scores[(q, cid, "public.satisfaction")] = public
    return True


def tune_scores(scores, cadres, events):
    """Fix the scores of the interesting cases, then engineer the ties."""
    by_id = {c["id"]: c for c in cadres}
    # -- dismissal case: weak village, poor duty, low public satisfaction, plus the events
    set_village(scores, "2026Q2", "T02V07", 5850)
    set_village(scores, "2026Q3", "T02V07", 5750)
    set_duty(scores, "2026Q2", DISMISSAL, [75, 50, 50, 25, 50, 25, 50, 0])     # 3.25
    scores[("2026Q2", DISMISSAL, "public.satisfaction")] = 435
    set_duty(scores, "2026Q3", DISMISSAL, [50, 50, 25, 50, 25, 50, 25, 25])     # 3.00
    scores[("2026Q3", DISMISSAL, "public.satisfaction")] = 418
    # -- unqualified in 2026Q2 only: mediocre village, absent most of the quarter
    set_village(scores, "2026Q2", "T01V04", 5500)
    set_duty(scores, "2026Q2", UNQ_Q2_ONLY, [25, 25, 0, 50, 25, 0, 25, 0])      # 1.50
    scores[("2026Q2", UNQ_Q2_ONLY, "public.satisfaction")] = 312
    set_village(scores, "2026Q3", "T01V04", 6300)
    set_duty(scores, "2026Q3", UNQ_Q2_ONLY, [100, 75, 100, 75, 100, 75, 75, 75])  # 6.75
    scores[("2026Q3", UNQ_Q2_ONLY, "public.satisfaction")] = 671
    # -- unqualified in 2026Q3 only: the media exposure in T03V06 plus a bad quarter
    set_village(scores, "2026Q3", "T03V06", 6050)
    set_duty(scores, "2026Q3", UNQ_Q3_ONLY, [50, 50, 75, 25, 50, 25, 50, 25])   # 3.50
    scores[("2026Q3", UNQ_Q3_ONLY, "public.satisfaction")] = 488
    # -- SPEC 6 worked example A: total 82.73 in 2026Q3 (the commendation before office
    #    must not count)
    q = "2026Q3"
    assert set_cadre_total(scores, cadres, events, q, WORKED_A, 8273)
    # -- SPEC 6 worked example B: excellent in 2026Q3 in (T01, 委员)
    set_village(scores, q, "T01V05", 7550)
    set_duty(scores, q, WORKED_B, [125] * 8)
    scores[(q, WORKED_B, "public.satisfaction")] = 962

    # -- nobody else falls below 64: lift weak cadre scores of the other cadres
    for q in QUARTERS:
        for k, c in enumerate(cadres):
            if c["id"] in (DISMISSAL, UNQ_Q2_ONLY, UNQ_Q3_ONLY) or not assessed(c, q):
                continue
            t = village_total(scores, q, c["village"]) + event_sum(events, by_id, c["id"], q) \
                + sum(scores[(q, c["id"], i)] for i in CADRE_ITEMS)
            if t < 6400:
                assert set_cadre_total(scores, cadres, events, q, c["id"],
                                       6400 + (37 * k) % 350, 0.5)

    # -- ties
    # (1) TIE_KEYS: rank 2 gets rank 1's total with a lower public score
    q, town, seq = TIE_KEYS
    ranked = rank_group(scores, cadres, events, q, town, seq)
    (a, ta), (b, tb) = ranked[0], ranked[1]
    pa = scores[(q, a, "public.satisfaction")]
    # keep b's public below a's so that `public` decides; lift b's duty if needed
    need = ta - tb
    pb = scores[(q, b, "public.satisfaction")]
    if pb + need >= pa:
        for item in DUTY_ITEMS:
            while scores[(q, b, item)] < 125 and pb + need >= pa:
                scores[(q, b, item)] += 25
                need -= 25
    scores[(q, b, "public.satisfaction")] = pb + need
    # (2) TIE_QUOTA: rank quota+1 gets the total of rank quota
    q, town, seq = TIE_QUOTA
    ranked = rank_group(scores, cadres, events, q, town, seq)
    quota = len(ranked) * EXCELLENT_RATIO_PCT // 100
    ta = ranked[quota - 1][1]
    assert ta >= EXCELLENT_MIN, ranked[:quota]
    assert any(set_cadre_total(scores, cadres, events, q, b, ta, 0.49)
               for b, _ in ranked[quota:quota + 6])
    # (3) TIE_FULL: the two chiefs of TIE_FULL_VILLAGE share the village part and its
    #     events, and get the same public score and the same duty sum: cadre_id decides.
    q, town, seq = TIE_FULL
    a, b = f"{TIE_FULL_VILLAGE}-01", f"{TIE_FULL_VILLAGE}-02"
    set_duty(scores, q, a, [125, 125, 125, 125, 125, 100, 125, 125])          # 9.75
    set_duty(scores, q, b, [125, 125, 125, 100, 125, 125, 125, 125])          # 9.75
    scores[(q, a, "public.satisfaction")] = 945
    scores[(q, b, "public.satisfaction")] = 945
    return scores


def village_total(scores, q, v):
    return sum(scores[(q, v, i)] for i in VILLAGE_ITEMS)


def event_sum(events, by_id, cid, q):
    c = by_id[cid]
    tot = 0
    for e in events:
        day = d(e["date"])
        if quarter_of(day) != q or not in_office(c, day):
            continue
        scope, pts = EVENT_POINTS[e["kind"]]
        subj = c["village"] if scope == "village" else c["id"]
        if e["subject"] == subj:
            tot += pts[e["level"] or None]
    return tot


def rank_group(scores, cadres, events, q, town, seq):
    by_id = {c["id"]: c for c in cadres}
    rows = []
    for c in cadres:
        if c["town"] != town or c["sequence"] != seq or not assessed(c, q):
            continue
        t = village_total(scores, q, c["village"]) + sum(
            scores[(q, c["id"], i)] for i in CADRE_ITEMS) + event_sum(events, by_id, c["id"], q)
        pub = scores[(q, c["id"], "public.satisfaction")]
        duty = sum(scores[(q, c["id"], i)] for i in DUTY_ITEMS)
        rows.append((-t, -pub, -duty, c["id"].encode(), c["id"], t))
    rows.sort()
    return [(r[4], r[5]) for r in rows]


# --------------------------------------------------------------------------- output
def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def generate():
    rng = Rng(SEED)
    cadres, villages = build_roster(rng)
    events = build_events()
    scores = build_scores(rng, cadres, villages)
    scores = tune_scores(scores, cadres, events)

    roster_rows = [[c["id"], c["name"], c["town"], c["village"], c["sequence"], c["position"],
                    fmt2(c["subsidy"]), c["start"].isoformat(),
                    c["end"].isoformat() if c["end"] else ""] for c in cadres]
    score_rows = [[q, s, i, fmt_points(p)] for (q, s, i), p in
                  sorted(scores.items(), key=lambda kv: (kv[0][0], kv[0][1].encode(),
                                                         ITEM_ORDER[kv[0][2]]))]
    event_rows = [[e["event_id"], e["date"], e["subject"], e["kind"], e["level"], e["note"]]
                  for e in events]
    return {
        **year_files(),
        "roster.csv": csv_text(["cadre_id", "name", "town", "village", "sequence", "position",
                                "monthly_subsidy", "start_date", "end_date"], roster_rows),
        "scores.csv": csv_text(["quarter", "subject", "item", "points"], score_rows),
        "events.csv": csv_text(["event_id", "date", "subject", "kind", "level", "note"],
                               event_rows),
    }


# The county's year around the quarters (Art.11-16): fixed rows, shown by the README's year.
AWARDS = [
    # Art.12: one-time completion rewards, to a village collective and to a cadre.
    ["AW2026-001", "2026-06-30", "T01V05", "completion", "20000.00", "按期全面完成脱贫攻坚任务（村集体）"],
    ["AW2026-002", "2026-06-30", "T01V05-01", "completion", "3000.00", "按期全面完成脱贫攻坚任务"],
    # Art.13: a commendation reward.
    ["AW2026-003", "2026-09-28", "T01V05-04", "commendation", "2000.00", "县委表彰优秀村干部"],
]
CONDOLENCES = [
    # Art.16: T03V03-03 died on duty on his last day in office (the roster ends it then).
    ["CD2026-001", "2026-07-09", "T03V03-03", "on_duty", "李秀兰（配偶）", "50000.00",
     "防汛抢险中因公殉职"],
]
# An event entered by mistake (a commendation recorded against the wrong cadre), which the
# README's year withdraws before 2026Q3 is settled: it never counts.
MISTAKEN_EVENTS = [
    ["EV2026-099", "2026-08-20", "T02V07-02", "commendation", "county", "误录：应为他人"],
]


def year_files():
    return {
        "awards.csv": csv_text(["award_id", "date", "payee", "kind", "amount", "reason"], AWARDS),
        "condolences.csv": csv_text(["condolence_id", "date", "cadre_id", "cause", "recipient",
                                     "amount", "note"], CONDOLENCES),
        "events-mistaken.csv": csv_text(["event_id", "date", "subject", "kind", "level", "note"],
                                        MISTAKEN_EVENTS),
    }


# --------------------------------------------------------------------------- check
def parse_hundredths(s):
    x = Decimal(s)
    h = x * 100
    if h != h.to_integral_value():
        raise ValueError(f"more than 2 decimals: {s}")
    return int(h)


def read_csv(name):
    with open(os.path.join(HERE, name), "rb") as f:
        raw = f.read()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{name}: BOM"
    assert b"\r" not in raw, f"{name}: CR in file"
    text = raw.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def money_round(x):
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def settle_money(c, q, grade):
    """SPEC 3.4 for one cadre; returns (T, base, P, adjustment, paid) as Decimal."""
    m = Decimal(c["subsidy"]) / 100
    first, last = quarter_bounds(q)
    ts, bases = [], []
    for month in range(first.month, last.month + 1):
        m0 = date(first.year, month, 1)
        m1 = (date(first.year + (month == 12), 1 if month == 12 else month + 1, 1)
              - timedelta(days=1))
        lo = max(m0, c["start"])
        hi = min(m1, c["end"]) if c["end"] else m1
        days = (hi - lo).days + 1 if hi >= lo else 0
        t = m * days / Decimal(m1.day)
        ts.append(t)
        bases.append(money_round(t * Decimal("0.20")))
    T = money_round(sum(ts))
    base = sum(bases)
    P = T - base
    adj = Decimal(0)
    if grade == "excellent":
        adj = money_round(P * Decimal("0.40"))
    elif grade == "unqualified":
        adj = -money_round(P * Decimal("0.40"))
    return T, base, P, adj, base + P + adj


def check():
    fresh = generate()
    ok = True
    for name, text in fresh.items():
        with open(os.path.join(HERE, name), "rb") as f:
            if f.read() != text.encode("utf-8"):
                print(f"FAIL {name} differs from what generate.py writes (re-run it)")
                ok = False
    roster = read_csv("roster.csv")
    scores_rows = read_csv("scores.csv")
    events_rows = read_csv("events.csv")
    errors = []

    cadres, by_id, village_town = [], {}, {}
    for r in roster:
        c = {"id": r["cadre_id"], "name": r["name"], "town": r["town"], "village": r["village"],
             "sequence": r["sequence"], "position": r["position"],
             "subsidy": parse_hundredths(r["monthly_subsidy"]), "start": d(r["start_date"]),
             "end": d(r["end_date"]) if r["end_date"] else None}
        if c["id"] in by_id:
            errors.append(f"duplicate cadre_id {c['id']}")
        if village_town.setdefault(c["village"], c["town"]) != c["town"]:
            errors.append(f"village {c['village']} under two towns")
        by_id[c["id"]] = c
        cadres.append(c)
    per_village = {}
    for c in cadres:
        per_village.setdefault(c["village"], []).append(c)
    for v, cs in per_village.items():
        if not 4 <= len(cs) <= 6:
            errors.append(f"{v} has {len(cs)} cadres")
        names = [c["name"] for c in cs]
        if len(set(names)) != len(names):
            errors.append(f"{v} has a duplicate name")

    scores = {}
    for r in scores_rows:
        key = (r["quarter"], r["subject"], r["item"])
        if key in scores:
            errors.append(f"duplicate score {key}")
        p = parse_hundredths(r["points"])
        if not 0 <= p <= ITEM_MAX[r["item"]]:
            errors.append(f"points out of range {key} {r['points']}")
        scope = "village" if r["item"] in VILLAGE_ITEMS else "cadre"
        if scope == "village" and r["subject"] not in per_village:
            errors.append(f"unknown village {key}")
        if scope == "cadre" and not (r["subject"] in by_id
                                     and assessed(by_id[r["subject"]], r["quarter"])):
            errors.append(f"cadre score for a cadre not in office {key}")
        scores[key] = p

    events = []
    seen = set()
    for e in events_rows:
        if e["event_id"] in seen:
            errors.append(f"duplicate event {e['event_id']}")
        seen.add(e["event_id"])
        scope, pts = EVENT_POINTS[e["kind"]]
        if (e["level"] or None) not in pts:
            errors.append(f"bad level {e}")
        if scope == "village" and e["subject"] not in per_village:
            errors.append(f"village event on a non-village {e['event_id']}")
        if scope == "cadre" and e["subject"] not in by_id:
            errors.append(f"cadre event on a non-cadre {e['event_id']}")
        events.append(e)

    results = {}  # (q, cid) -> dict
    for q in QUARTERS:
        for c in cadres:
            if not assessed(c, q):
                continue
            subjects = [(c["village"], VILLAGE_ITEMS), (c["id"], CADRE_ITEMS)]
            for subj, items in subjects:
                for i in items:
                    if (q, subj, i) not in scores:
                        errors.append(f"missing score {q} {subj} {i}")
            base = sum(scores.get((q, c["village"], i), 0) for i in VILLAGE_ITEMS) + sum(
                scores.get((q, c["id"], i), 0) for i in CADRE_ITEMS)
            bonus = deduction = 0
            for e in events:
                day = d(e["date"])
                if quarter_of(day) != q or not in_office(c, day):
                    continue
                scope, pts = EVENT_POINTS[e["kind"]]
                if e["subject"] != (c["village"] if scope == "village" else c["id"]):
                    continue
                p = pts[e["level"] or None]
                if p > 0:
                    bonus += p
                else:
                    deduction -= p
            results[(q, c["id"])] = {
                "c": c, "base": base, "bonus": bonus, "deduction": deduction,
                "total": base + bonus - deduction,
                "public": scores.get((q, c["id"], "public.satisfaction"), 0),
                "duty": sum(scores.get((q, c["id"], i), 0) for i in DUTY_ITEMS)}

    # grading, SPEC 3.3 (default policy), with tie_break "keys" and "exclude" side by side
    groups = {}
    for (q, cid), r in results.items():
        groups.setdefault((q, r["c"]["town"], r["c"]["sequence"]), []).append(cid)
    excl_diff = []
    for (q, town, seq), ids in sorted(groups.items()):
        ids.sort(key=lambda i: (-results[(q, i)]["total"], -results[(q, i)]["public"],
                                -results[(q, i)]["duty"], i.encode()))
        quota = len(ids) * EXCELLENT_RATIO_PCT // 100
        cand = [i for i in ids if results[(q, i)]["total"] >= EXCELLENT_MIN]
        excellent = set(cand[:quota])
        excl = set(excellent)
        if len(cand) > quota and quota > 0:
            first_out = results[(q, cand[quota])]["total"]
            excl = {i for i in excellent if results[(q, i)]["total"] != first_out}
        if excl != excellent:
            excl_diff.append((q, town, seq, sorted(excellent - excl)))
        for rank, i in enumerate(ids, start=1):
            r = results[(q, i)]
            r.update(rank=rank, n=len(ids), quota=quota)
            r["grade"] = ("excellent" if i in excellent else
                          "unqualified" if r["total"] < QUALIFIED_MIN else "qualified")
    for (q, cid), r in results.items():
        r["flags"] = []
        if r["grade"] == "unqualified":
            r["flags"].append("admonish")
            prev = [pq for pq in QUARTERS if pq < q and (pq, cid) in results]
            if prev and results[(prev[-1], cid)]["grade"] == "unqualified":
                r["flags"].append("dismissal_review")
        if r["grade"] == "excellent":
            r["flags"].append("recommend")

    # ---- print
    n_town = len({c["town"] for c in cadres})
    print(f"county: {n_town} towns, {len(per_village)} villages, {len(cadres)} roster rows")
    for town, _ in TOWNS:
        vs = sorted(v for v, t in village_town.items() if t == town)
        cs = [c for c in cadres if c["town"] == town]
        print(f"  {town}: {len(vs)} villages, {sum(c['sequence'] == '正职' for c in cs)} 正职,"
              f" {sum(c['sequence'] == '委员' for c in cs)} 委员 (roster rows)")
    for q in QUARTERS:
        rs = [r for (qq, _), r in results.items() if qq == q]
        tot = sorted(r["total"] for r in rs)
        band = sum(7000 <= t <= 9500 for t in tot)
        print(f"\n{q}: {len(rs)} assessed; total min {fmt2(tot[0])} median "
              f"{fmt2(tot[len(tot) // 2])} max {fmt2(tot[-1])}; {band} in 70-95")
        unq = sorted((cid for (qq, cid), r in results.items()
                      if qq == q and r["grade"] == "unqualified"))
        for cid in unq:
            r = results[(q, cid)]
            print(f"  unqualified {cid} {r['c']['name']} total {fmt2(r['total'])} "
                  f"flags {';'.join(sorted(r['flags']))}")
        for (gq, town, seq), ids in sorted(groups.items()):
            if gq != q:
                continue
            r0 = results[(q, ids[0])]
            nex = sum(results[(q, i)]["grade"] == "excellent" for i in ids)
            top = ", ".join(
                f"{i} {fmt2(results[(q, i)]['total'])}/{fmt2(results[(q, i)]['public'])}"
                f"/{fmt2(results[(q, i)]['duty'])}"
                f"{'*' if results[(q, i)]['grade'] == 'excellent' else ''}"
                for i in ids[:r0['quota'] + 2])
            print(f"  {town} {seq} n={r0['n']} quota={r0['quota']} excellent={nex}: {top}")
    print("  (top of each group: id total/public/duty, * = excellent)")
    for q, town, seq, out in excl_diff:
        print(f"  tie_break=exclude would leave out in {q} {town} {seq}: {', '.join(out)}")

    # ---- assert the interesting cases
    def expect(cond, msg):
        if not cond:
            errors.append("case: " + msg)

    def grade(q, cid):
        return results[(q, cid)]["grade"] if (q, cid) in results else None

    expect(grade("2026Q2", DISMISSAL) == "unqualified", "dismissal Q2")
    expect("dismissal_review" in results[("2026Q3", DISMISSAL)]["flags"], "dismissal Q3")
    expect(grade("2026Q2", UNQ_Q2_ONLY) == "unqualified"
           and grade("2026Q3", UNQ_Q2_ONLY) != "unqualified", "unqualified Q2 only")
    expect(grade("2026Q3", UNQ_Q3_ONLY) == "unqualified"
           and grade("2026Q2", UNQ_Q3_ONLY) != "unqualified", "unqualified Q3 only")
    unq_all = {cid for (q, cid), r in results.items() if r["grade"] == "unqualified"}
    expect(unq_all == {DISMISSAL, UNQ_Q2_ONLY, UNQ_Q3_ONLY}, f"unexpected unqualified {unq_all}")
    expect(("2026Q2", LEFT_2025) not in results and ("2026Q3", LEFT_2025) not in results,
           "left 2025 is assessed")
    expect(("2026Q3", LEAVE_Q2) not in results and ("2026Q2", LEAVE_Q2) in results, "leave Q2")
    expect(("2026Q2", SUCC_Q3) not in results and ("2026Q3", SUCC_Q3) in results, "succ Q3")
    expect(("2026Q2", WORKED_A) not in results, "worked A in Q2")
    ra = results[("2026Q3", WORKED_A)]
    expect(ra["total"] == 8273 and ra["bonus"] == 0 and ra["grade"] == "qualified",
           f"worked A total {ra['total']} bonus {ra['bonus']}")
    money_a = settle_money(ra["c"], "2026Q3", ra["grade"])
    expect([money_a[i] for i in (0, 1, 2, 4)] == [Decimal(x) for x in (
        "3564.68", "712.93", "2851.75", "3564.68")] and money_a[3] == 0,
           f"worked A money {money_a}")
    rb = results[("2026Q3", WORKED_B)]
    money_b = settle_money(rb["c"], "2026Q3", rb["grade"])
    expect(rb["grade"] == "excellent" and money_b[4] == Decimal("5568.07"),
           f"worked B {rb['grade']} {money_b}")
    # the event on the leaver's village after 2026-08-15 counts for the successor only,
    # the one before counts for the leaver only
    rl, rs_ = results[("2026Q3", LEAVE_Q3)], results[("2026Q3", SUCC_Q3)]
    expect(rl["bonus"] == 200 and rl["deduction"] == 0, f"leaver events {rl}")
    expect(rs_["bonus"] == 0 and rs_["deduction"] == 200, f"successor events {rs_}")
    # a village event after a cadre left, and an event of 2026Q1, count for nobody here
    rq2 = results[("2026Q2", LEAVE_Q2)]
    expect(rq2["bonus"] == 0 and rq2["deduction"] == 0, f"Q2 leaver events {rq2}")
    expect(all(r["bonus"] == 0 for (q, cid), r in results.items()
               if q == "2026Q2" and r["c"]["village"] == "T03V05"), "2026Q1 event counted")
    # ties
    q, town, seq = TIE_KEYS
    ids = groups[TIE_KEYS]
    a, b = results[(q, ids[0])], results[(q, ids[1])]
    expect(a["total"] == b["total"] and a["public"] > b["public"], "tie keys")
    q, town, seq = TIE_QUOTA
    ids = groups[TIE_QUOTA]
    quota = results[(q, ids[0])]["quota"]
    a, b = results[(q, ids[quota - 1])], results[(q, ids[quota])]
    expect(a["total"] == b["total"] >= EXCELLENT_MIN and a["grade"] == "excellent"
           and b["grade"] == "qualified", "tie at the quota boundary")
    q, town, seq = TIE_FULL
    ids = groups[TIE_FULL]
    a, b = results[(q, ids[0])], results[(q, ids[1])]
    expect(ids[:2] == [f"{TIE_FULL_VILLAGE}-01", f"{TIE_FULL_VILLAGE}-02"]
           and (a["total"], a["public"], a["duty"]) == (b["total"], b["public"], b["duty"]),
           f"full tie {ids[:2]}")

    print("\ninteresting cases:")
    for label, q, cid in [("unqualified twice", "2026Q2", DISMISSAL),
                          ("unqualified twice", "2026Q3", DISMISSAL),
                          ("unqualified Q2 only", "2026Q2", UNQ_Q2_ONLY),
                          ("unqualified Q3 only", "2026Q3", UNQ_Q3_ONLY),
                          ("SPEC 6 case A", "2026Q3", WORKED_A),
                          ("SPEC 6 case B", "2026Q3", WORKED_B),
                          ("leaves 2026-08-15", "2026Q3", LEAVE_Q3),
                          ("starts 2026-08-16", "2026Q3", SUCC_Q3)]:
        r = results[(q, cid)]
        T, base, P, adj, paid = settle_money(r["c"], q, r["grade"])
        print(f"  {label:20} {q} {cid} {r['c']['name']}: base {fmt2(r['base'])} bonus "
              f"{fmt2(r['bonus'])} deduction {fmt2(r['deduction'])} total {fmt2(r['total'])} "
              f"rank {r['rank']}/{r['n']} {r['grade']} [{';'.join(sorted(r['flags']))}] "
              f"T {T} base {base} P {P} adj {adj} paid {paid}")

    if errors:
        ok = False
        for e in errors:
            print("FAIL", e)
    print("\nOK" if ok else "\nFAILED")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="verify and summarise the committed files instead of writing them")
    args = ap.parse_args()
    if args.check:
        return check()
    for name, text in generate().items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

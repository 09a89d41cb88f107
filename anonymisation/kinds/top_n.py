"""Top n: per year, sums over the n persons ranked highest by a value, and how many women and men they are.

The ten highest salaries (CGFP L716-1, formerly loi 2019-828 art. 37; the
etalab "hautes-remunerations" schema): each year, the sum of the ten highest
gross pays, the number of women and of men among them, and the months they
were paid in all. One row per year; no one's pay, rank or name is published.

Policy section ``top_n:``:
- ``n`` (default 10): how many persons each figure is computed over; the
  loader refuses fewer than 10 (a sum over fewer would be too close to one
  person's pay: CRPA L311-6);
- ``rank_by``: the source column (``table.column``) ranking the persons (the
  gross pay: sensitive, so the policy declares its ``sensitive_use``);
- ``sex`` (a source column), ``women_value`` and ``men_value`` (default F and
  M), ``women`` and ``men``: the published count columns;
- ``decimals`` (default 2) of the sums.

The policy publishes one year dimension, its sums (each the sum of its
source over the top n) and the two counts; labels and constants repeat on
each row. A year with fewer than n persons stops the dataset
(``DisclosureError``), naming the year and the rule, never a value.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from anonymisation.kinds.base import Built, Kind, SuiteRule
from anonymisation.kinds.cells import require, treated, with_labels
from anonymisation.policy_model import Policy
from anonymisation.sdc import DisclosureError

# The law's own group (CGFP L716-1: the ten highest salaries): fewer would come close to one person's pay.
MIN_N = 10


class Settings(NamedTuple):
    n: int
    rank_by: str
    sex: str
    women_value: str
    men_value: str
    women: str
    men: str
    decimals: int


def settings(policy: Policy) -> Settings:
    s = policy.settings
    return Settings(
        n=int(s.get("n", MIN_N)), rank_by=str(s.get("rank_by") or ""), sex=str(s.get("sex") or ""),
        women_value=str(s.get("women_value", "F")), men_value=str(s.get("men_value", "M")),
        women=str(s.get("women") or ""), men=str(s.get("men") or ""), decimals=int(s.get("decimals", 2)),
    )


def check_shape(policy: Policy) -> None:
    s = settings(policy)
    require(policy, s.n >= MIN_N, "CRPA L311-6",
            f"'n' is {s.n}: a sum over fewer than {MIN_N} persons could reveal one person's pay")
    require(policy, bool(s.rank_by) and bool(s.sex), "policy format",
            "a top_n policy names the column it ranks by ('rank_by') and the persons' sex ('sex')")
    dims = policy.by_role("dimension")
    require(policy, len(dims) == 1 and dims[0].type == "year", "policy format",
            "a top_n policy has one dimension, the year")
    counts = {c.name for c in treated(policy, "count")}
    require(policy, counts == {s.women, s.men} and s.women != s.men, "policy format",
            "a top_n policy publishes exactly its 'women' and 'men' columns as counts")
    require(policy, bool(treated(policy, "sum")), "policy format", "a top_n policy publishes at least one sum")
    require(policy, not treated(policy, "status"), "policy format", "a top_n policy has no status column: "
            "a year without enough persons is refused, not published empty")


def min_group(policy: Policy) -> int:
    return settings(policy).n


def build(built: Built) -> pd.DataFrame:
    """Rank each year's persons, keep the n highest, sum and count them."""
    out, frame, policy = built.out, built.frame, built.policy
    s, year = settings(policy), policy.by_role("dimension")[0].name
    sums = treated(policy, "sum")
    rows = pd.DataFrame({year: out[year].to_numpy(), "_rank": pd.to_numeric(frame[s.rank_by]).to_numpy(dtype=float),
                         "_sex": frame[s.sex].astype("str").to_numpy()})
    for column in sums:
        rows[column.name] = pd.to_numeric(frame[column.source]).to_numpy(dtype=float)
    sizes = rows.groupby(year).size()
    short = sizes[sizes < s.n]
    if len(short):
        raise DisclosureError(
            f"{policy.dataset}.{year}: {len(short)} year(s) have fewer than {s.n} persons, first {short.index[0]} "
            f"with {int(short.iloc[0])}: a sum over them could reveal a person's pay (rule: CRPA L311-6, top {s.n})")
    top = rows.sort_values([year, "_rank"], ascending=[True, False], kind="stable").groupby(year).head(s.n)
    table = top.groupby(year).agg(**{c.name: (c.name, "sum") for c in sums}).round(s.decimals).reset_index()
    counts = top.assign(_w=top["_sex"] == s.women_value, _m=top["_sex"] == s.men_value)
    table[s.women] = counts.groupby(year)["_w"].sum().to_numpy()
    table[s.men] = counts.groupby(year)["_m"].sum().to_numpy()
    if len(sizes):  # no completed year yet: an empty table, no note
        built.report.notes.append(f"{len(table)} year(s), each summed over its {s.n} highest '{s.rank_by}' "
                                  f"among {int(sizes.min())} to {int(sizes.max())} persons")
    return with_labels(table, out, policy, [year])


def suite_rules(policy: Policy) -> list[SuiteRule]:
    """Counts between 0 and n that add up to n, one row per year."""
    s, year = settings(policy), policy.by_role("dimension")[0].name
    return [
        *(SuiteRule("ExpectColumnValuesToBeBetween", {"column": c, "min_value": 0, "max_value": s.n},
                    f"{c} est compris entre 0 et {s.n}.") for c in (s.women, s.men)),
        SuiteRule("ExpectMulticolumnSumToEqual", {"column_list": [s.women, s.men], "sum_total": s.n},
                  f"{s.women} et {s.men} font ensemble {s.n} personnes."),
        SuiteRule("ExpectColumnValuesToBeUnique", {"column": year}, f"Une ligne par {year}."),
    ]


KIND = Kind(
    name="top_n", summary="sums over the n highest of a value, with women and men among them", build=build,
    settings=frozenset({"n", "rank_by", "sex", "women_value", "men_value", "women", "men", "decimals"}),
    sources=frozenset({"rank_by", "sex"}), check_shape=check_shape, suite_rules=suite_rules, min_group=min_group,
)

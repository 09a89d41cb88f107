"""Generalisation treatments on tiny frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from anonymisation.treatments import age_band, amount_band, departement, flag, nationality_group, year


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [("2001-01-16", "2026-01-15", "moins de 25 ans"), ("2001-01-15", "2026-01-15", "25 à 34 ans"),
     ("1961-12-31", "2026-12-31", "65 ans et plus"), ("1980-06-01", "2026-05-31", "45 à 54 ans")],
)
def test_age_band_at_the_reference_date(born: str, on: str, band: str) -> None:
    assert age_band(pd.Series(pd.to_datetime([born])), dt.date.fromisoformat(on)).tolist() == [band]


def test_age_band_keeps_missing_missing() -> None:
    assert age_band(pd.Series([None], dtype="datetime64[ns]"), dt.date(2026, 1, 1)).isna().all()


def test_departement_of_communes() -> None:
    assert departement(pd.Series(["75056", "97411", "2A004", None])).tolist()[:3] == ["75", "974", "2A"]


def test_year_flag_bands_and_nationality_groups() -> None:
    assert year(pd.Series(pd.to_datetime(["2024-03-01"]))).tolist() == [2024]
    assert flag(pd.Series(["0bis", None, "7", ""])).tolist() == ["oui", "non", "oui", "non"]
    assert amount_band(pd.Series([999.99, 1000, 2_000_000])).tolist() == ["0-1000", "1000-10000", "1000000 et plus"]
    assert nationality_group(pd.Series(["FR", "IT", "SN", None])).tolist() == [
        "France", "Union européenne", "Hors Union européenne", "Non renseignée"]

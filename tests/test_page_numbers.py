"""Every page shows the numbers recorded before the issue-13 restructure (tests/page_numbers.py).

The record was taken on the sample warehouse at commit dfd036c, for the fixed URLs in
page_numbers.URLS. The sample_db fixture rebuilds exactly those inputs: the demo sample plus the
test corpus of hostile and broken rows (tests/fixtures/corpus.py), which were one sample then.
A change to what a page shows must update the record on purpose (`python tests/page_numbers.py
--db ...` on a warehouse built from tests.fixtures.corpus.write_corpus_sources) and say why in
its commit.
"""

from __future__ import annotations

import json
import re

import pytest
from page_numbers import PAGE_KEYS, RECORD, TODAY, URLS, snapshot

pytest_plugins = ["conftest_dashboard"]

EXPECTED = json.loads(RECORD.read_text(encoding="utf-8"))


def _blank(value):
    # Tables now show a missing text cell as a blank rather than None: the same data. The
    # sample is now built in a temporary folder (demo generator + tests/fixtures/corpus.py),
    # so a source file's path is given relative to that folder, as data/ was before.
    if isinstance(value, list):
        return [_blank(v) for v in value]
    if isinstance(value, dict):
        return {k: _blank(v) for k, v in value.items()}
    if isinstance(value, str):
        value = re.sub(r"[^\s\"',]*/sample_inputs\d*/", "data/", value)
    return None if value == "" else value


def test_record_covers_every_page_and_url():
    assert set(EXPECTED) == {f"{page} {url}" for page in PAGE_KEYS for url in URLS}
    assert all(not view["exceptions"] for view in EXPECTED.values())


@pytest.mark.parametrize("page", PAGE_KEYS)
@pytest.mark.parametrize("url", list(URLS))
def test_page_shows_the_recorded_numbers(page, url, sample_db, use_db, open_page, monkeypatch):
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY)
    use_db(sample_db)
    at = open_page(page, URLS[url])
    got = _blank(json.loads(json.dumps(snapshot(at), ensure_ascii=False)))
    want = _blank(EXPECTED[f"{page} {url}"])
    for part in ("metrics", "charts", "tables", "exceptions"):
        assert got[part] == want[part], f"{page} {url}: {part} differ"

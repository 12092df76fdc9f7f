"""The English catalogue: complete and current for the code as it is, compiled, faithful to
the msgids' placeholders, and what the pages show once the language is switched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from .conftest import PASSWORD, STP_OFFICER, sign_in

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tracker" / "translations" / "en" / "LC_MESSAGES"
PO, MO = CATALOGUE / "messages.po", CATALOGUE / "messages.mo"
AUTHOR = "soanthao@soctrang.example"

# %(name)s, %(max)d, %(n)05.1f ...: the name and the conversion must both survive.
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0\- +]*(?:\d+)?(?:\.\d+)?([diouxXeEfFgGcrsa])")


def _read_po(path: Path):
    with path.open("rb") as f:
        return read_po(f, locale="en")


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def _entries(catalog) -> dict:
    """(msgid, context) -> translation(s), without the header entry."""
    return {(message.id if isinstance(message.id, str) else tuple(message.id), message.context):
            _strings(message) for message in catalog if message.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages in the code today, extracted as ``make translations`` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l",
                                "--no-location", "-o", str(pot), str(ROOT)])
    catalog = _read_po(pot)
    assert len([m for m in catalog if m.id]) > 100, "extraction found (almost) nothing: check babel.cfg"
    return catalog


def test_the_committed_catalogue_translates_every_message_in_the_code(extracted):
    po = _read_po(PO)
    untranslated, fuzzy = [], []
    for message in extracted:
        if not message.id:
            continue
        entry = po.get(message.id, context=message.context)
        if entry is None or not all(s.strip() for s in _strings(entry)):
            untranslated.append(_ids(message)[0])
        elif entry.fuzzy:
            fuzzy.append(_ids(message)[0])
    assert not untranslated, (f"{len(untranslated)} message(s) not in the catalogue or untranslated "
                              f"(run `make translations`, then translate): {untranslated}")
    assert not fuzzy, f"fuzzy translations: {fuzzy}"
    # Current: nothing kept active that the code no longer says (``make translations`` would
    # have made it obsolete).
    in_code = {(_ids(m)[0], m.context) for m in extracted if m.id}
    stale = [_ids(m)[0] for m in po if m.id and (_ids(m)[0], m.context) not in in_code]
    assert not stale, f"catalogue entries no longer in the code (run `make translations`): {stale}"


def test_the_compiled_catalogue_matches_the_po(tmp_path):
    po = _read_po(PO)
    fresh = tmp_path / "messages.mo"
    with fresh.open("wb") as f:
        write_mo(f, po)
    with fresh.open("rb") as f:
        expected = _entries(read_mo(f))
    with MO.open("rb") as f:
        committed = _entries(read_mo(f))
    missing = sorted(str(k[0]) for k in expected.keys() - committed.keys())
    extra = sorted(str(k[0]) for k in committed.keys() - expected.keys())
    changed = sorted(str(k[0]) for k in expected.keys() & committed.keys() if expected[k] != committed[k])
    assert not (missing or extra or changed), (
        "messages.mo is out of date (run `pybabel compile -d tracker/translations`): "
        f"missing {missing}, extra {extra}, changed {changed}")


def test_translations_keep_the_placeholders_and_the_edges():
    po = _read_po(PO)
    wrong, edges = [], []
    for message in po:
        if not message.id:
            continue
        wanted = sorted(set(PLACEHOLDER.findall(_ids(message)[0])))
        for string in _strings(message):
            if string and sorted(set(PLACEHOLDER.findall(string))) != wanted:
                wrong.append((_ids(message)[0], string))
            # A fragment set next to other words keeps its leading/trailing space.
            msgid = _ids(message)[0]
            if string and (msgid[:1].isspace(), msgid[-1:].isspace()) != (string[:1].isspace(),
                                                                           string[-1:].isspace()):
                edges.append((msgid, string))
    assert not wrong, f"placeholders differ: {wrong}"
    assert not edges, f"leading/trailing spaces differ: {edges}"


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _to_english(client, page_url: str):
    """Press the "English" button of a page, as a browser would."""
    page = client.get(page_url)
    assert page.status_code == 200
    assert 'lang="en">English</button>' in page.text
    switched = client.post("/language/en", data={"csrf_token": _csrf(page), "next": page_url})
    assert switched.status_code == 302 and switched.headers["Location"].endswith(page_url)


def _assert_english(page, english: list[str], vietnamese: list[str]):
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    for words in english:
        assert words in page.text, f"{words!r} missing from the English page"
    for words in vietnamese:
        assert words not in page.text, f"{words!r} still shown on the English page"


def test_an_officer_switches_to_english(app, seeded, people):
    from tracker.extensions import db
    from tracker.models import Account

    client = app.test_client()
    sign_in(client, STP_OFFICER)
    mine = client.get("/my/")
    assert '<html lang="vi">' in mine.text and "Việc của tôi" in mine.text   # Vietnamese first

    _to_english(client, "/my/")
    _assert_english(client.get("/my/"),
                    ["My work", "My calendar", "Due this week", "Focal officer for", "Subscribe to calendar",
                     "Sign out", "Tiếng Việt"],
                    ["Việc của tôi", "Lịch của tôi", "Đến hạn trong tuần này", "Đăng xuất", "Đăng ký lịch"])
    _assert_english(client.get("/plans"),
                    ["My work", "Plans", "Plan title", "Issuing body", "Task"],
                    ["Việc của tôi", "Tên kế hoạch", "Cơ quan ban hành"])
    _assert_english(client.get("/my/calendar", follow_redirects=True),
                    ["Subscribe to calendar", "Add to Google Calendar", "https address", "How to"],
                    ["Việc của tôi", "Thêm vào Google Lịch", "Hướng dẫn"])
    # The choice is the account's: it holds in a new session, after signing in again.
    account = db.session.scalar(db.select(Account).where(Account.email == STP_OFFICER))
    db.session.refresh(account)
    assert account.language == "en"
    again = app.test_client()
    sign_in(again, STP_OFFICER)
    _assert_english(again.get("/my/"), ["My work"], ["Việc của tôi"])

    # And back.
    page = client.get("/my/")
    client.post("/language/vi", data={"csrf_token": _csrf(page), "next": "/my/"})
    back = client.get("/my/")
    assert '<html lang="vi">' in back.text and "Việc của tôi" in back.text and "My work" not in back.text


def test_the_language_chosen_on_the_sign_in_page_holds_after_signing_in(app, seeded, people):
    from tracker.extensions import db
    from tracker.models import Account

    client = app.test_client()
    _to_english(client, "/login")
    login = client.get("/login")
    assert '<html lang="en">' in login.text
    signed = client.post("/login", data={"csrf_token": _csrf(login), "email": STP_OFFICER, "password": PASSWORD})
    assert signed.status_code == 302
    _assert_english(client.get("/my/"), ["My work"], ["Việc của tôi"])
    account = db.session.scalar(db.select(Account).where(Account.email == STP_OFFICER))
    db.session.refresh(account)
    assert account.language == "en"          # and it is remembered for the next sign-in


def test_the_dashboard_in_english(app, seeded, people):
    client = app.test_client()
    sign_in(client, AUTHOR)
    _to_english(client, "/dashboard/")
    _assert_english(client.get("/dashboard/"),
                    ["Dashboard", "On-time rate", "Open escalations", "By agency", "Lead agencies only",
                     "Completed on time", "Notes", "Import plan", "Extension requests"],
                    ["Bảng điều hành", "Tỷ lệ đúng hạn", "Đã cảnh báo, vẫn quá hạn", "Ghi chú",
                     "Nhập kế hoạch", "Đăng xuất"])
    _assert_english(client.get("/plans"), ["Plans", "Import a new plan"], ["Nhập kế hoạch mới", "Đăng xuất"])


def test_the_sign_in_page_in_english(app, people):
    client = app.test_client()
    _to_english(client, "/login")
    page = client.get("/login")
    _assert_english(page, ["Sign in", "Email", "Password", "Focal officers: click the link"],
                    ["Đăng nhập", "Mật khẩu", "Thư điện tử"])
    # Form errors come from the catalogue too.
    wrong = client.post("/login", data={"csrf_token": _csrf(page), "email": STP_OFFICER, "password": "x"})
    _assert_english(wrong, ["Wrong email address or password."], ["Sai địa chỉ thư hoặc mật khẩu."])
    right = client.post("/login", data={"csrf_token": _csrf(page), "email": STP_OFFICER,
                                         "password": PASSWORD})
    assert right.status_code == 302

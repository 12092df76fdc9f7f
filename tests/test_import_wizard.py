"""The import wizard: upload, preview exactly as imported, settle doubts, publish; amended
plans show their changes first; bad files change nothing."""

from __future__ import annotations

import html
import io
import re

import pytest
from sqlalchemy import func, select

from tracker.errors import UserError
from tracker.extensions import db
from tracker.models import Agency, Assignment, ImportDraft, Plan, Task
from tracker.reading.plan import read_plan

from .conftest import SEEDS, SOC_TRANG, csrf_of, sign_in

GARBLED = "Báo Sóc Trăng"   # an agency of the directory, used below to settle an owner


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text).group(1)


@pytest.fixture
def author(app, people):
    client = app.test_client()
    sign_in(client, "soanthao@soctrang.example")
    return client


def upload(client, data: bytes, name: str):
    page = client.get("/imports/new")
    return client.post("/imports/new", data={"csrf_token": _csrf(page), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _plan_text(replace: dict[str, str] | None = None) -> str:
    text = (SEEDS / SOC_TRANG).read_text("utf-8")
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    return text


def _form_fields(page) -> dict:
    """The preview form's current values, as a browser would post them."""
    fields = {"csrf_token": _csrf(page)}
    for name, value in re.findall(r'<input type="text" name="(deadline:[^"]+)" value="([^"]*)"', page.text):
        fields[name] = value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'")
    fields["prose"] = re.findall(r'<input type="checkbox" name="prose" value="([^"]+)"[^>]* checked', page.text)
    for name, options in re.findall(r'<select [^>]*name="(owner:[^"]+)"[^>]*>(.*?)</select>', page.text, re.S):
        chosen = re.findall(r'<option value="([^"]+)" selected>', options)
        if chosen:
            fields[name] = chosen
    return fields


def test_upload_preview_choose_owner_and_publish(app, author):
    # An owner the directory does not know, and markup in a task: shown as text.
    text = _plan_text({"Thực hiện công khai TTHC.": "Thực hiện công khai TTHC <script>alert(1)</script>.",
                       "Sở Tư pháp.\tThường xuyên.": "Phòng Hạ tầng số.\tThường xuyên."})
    response = upload(author, text.encode(), "ke-hoach.txt")
    assert response.status_code == 302
    draft_url = response.headers["Location"]
    page = author.get(draft_url)
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)" in page.text and "<script>alert(1)" not in page.text
    assert db.session.scalar(select(func.count(Plan.id))) == 0        # nothing written yet
    assert "Kế hoạch mới" in page.text
    # The unknown owner is offered as a choice from the directory.
    key = re.search(r'name="owner:([^"]*ha tang so[^"]*)"', page.text).group(1)
    assert "Phòng Hạ tầng số" in page.text and 'class="doubt' in page.text

    # Choose Sở Tư pháp for it, correct one deadline, then publish.
    fields = _form_fields(page)
    fields[f"owner:{key}"] = ["Sở Tư pháp tỉnh Sóc Trăng"]
    deadline_key = "deadline:III.4/0"
    assert deadline_key in fields
    fields[deadline_key] = "Trong tháng 10/2017"
    fields["action"] = "preview"
    assert author.post(draft_url, data=fields).status_code == 302
    page = author.get(draft_url)
    assert "chuyên viên theo dõi chọn Sở Tư pháp tỉnh Sóc Trăng" in page.text
    assert "31/10/2017" in page.text                    # the corrected deadline's reading
    fields = _form_fields(page)
    fields[f"owner:{key}"] = ["Sở Tư pháp tỉnh Sóc Trăng"]
    fields["action"] = "publish"
    response = author.post(draft_url, data=fields)
    assert response.status_code == 302 and "/plans/" in response.headers["Location"]

    plan = db.session.scalar(select(Plan))
    task = db.session.scalar(select(Task).where(Task.plan_id == plan.id, Task.ref == "I.2"))
    owners = {(a.agency.name if a.agency else None, a.owner_text) for a in task.assignments}
    assert owners == {("Sở Tư pháp tỉnh Sóc Trăng", "Phòng Hạ tầng số")}
    moved = db.session.scalar(select(Task).where(Task.plan_id == plan.id, Task.ref == "III.4"))
    assert {a.deadline.due.isoformat() for a in moved.assignments if a.row == 0} == {"2017-10-31"}
    assert {a.deadline.kind for a in moved.assignments if a.row == 1} == {"continuous"}
    assert db.session.scalar(select(ImportDraft)).plan_id == plan.id


def test_amended_plan_shows_changes_before_writing(app, author):
    assert upload(author, _plan_text().encode(), "v1.txt").status_code == 302
    first = db.session.scalar(select(ImportDraft))
    page = author.get(f"/imports/{first.id}")
    fields = _form_fields(page) | {"action": "publish"}
    assert author.post(f"/imports/{first.id}", data=fields).status_code == 302
    plan = db.session.scalar(select(Plan))
    before = db.session.scalar(select(func.count(Assignment.id)))

    amended = _plan_text({"Thực hiện công khai TTHC.": "Thực hiện công khai đầy đủ các TTHC."})
    response = upload(author, amended.encode(), "v2.txt")
    page = author.get(response.headers["Location"])
    assert "So với kế hoạch đã nhập" in page.text
    changed = re.search(r"<p>Sửa đổi: ([^<]+)</p>", page.text)
    assert changed is not None and len(changed.group(1).split(", ")) == 1
    assert "<p>Bổ sung:" not in page.text and "Xóa:" not in page.text
    assert "Nội dung: “Thực hiện công khai TTHC.” → “Thực hiện công khai đầy đủ các TTHC.”" in page.text
    # In English the change is said in English; the plan's words stay as written.
    author.post("/language/en", data={"csrf_token": csrf_of(page), "next": "/"})
    english = author.get(response.headers["Location"]).text
    assert "Content: “Thực hiện công khai TTHC.” → “Thực hiện công khai đầy đủ các TTHC.”" in english
    assert "Nội dung: “" not in english
    author.post("/language/vi", data={"csrf_token": csrf_of(page), "next": "/"})
    # The dry run wrote nothing.
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Plan.id))) == 1
    assert db.session.scalar(select(func.count(Assignment.id))) == before
    assert "công khai đầy đủ" not in " ".join(db.session.scalars(select(Task.content).where(Task.plan_id == plan.id)))


def test_live_deadline_reading(app, author):
    upload(author, _plan_text().encode(), "v1.txt")
    draft = db.session.scalar(select(ImportDraft))
    reply = author.get(f"/imports/{draft.id}/deadline", query_string={"text": "Trong quý II/2017", "year": 2017})
    assert reply.status_code == 200
    assert reply.json["kind"] == "date" and reply.json["due"] == "2017-06-30"
    assert "30/06/2017" in reply.json["label"]
    for year in ("", "abc", "99999"):
        assert author.get(f"/imports/{draft.id}/deadline",
                          query_string={"text": "Quý I", "year": year}).status_code == 400


def test_drafts_are_private_to_their_author(app, author, people):
    upload(author, _plan_text().encode(), "v1.txt")
    draft = db.session.scalar(select(ImportDraft))
    other = app.test_client()
    sign_in(other, "lanhdao@soctrang.example")
    assert other.get(f"/imports/{draft.id}").status_code == 403       # leaders do not import
    admin = app.test_client()
    sign_in(admin, "admin@tracker.example")
    assert admin.get(f"/imports/{draft.id}").status_code == 200


def test_another_committees_plan_is_stopped_at_upload_with_the_reason(app, author):
    from .test_amendments import HEADER, ROW1
    text = HEADER.replace("SÓC TRĂNG", "HÀ TĨNH").replace("Sóc Trăng,", "Hà Tĩnh,") + ROW1
    response = upload(author, text.encode(), "ha-tinh.txt")
    assert response.status_code == 422
    assert "Kế hoạch do “Ủy ban nhân dân tỉnh Hà Tĩnh” ban hành, không thuộc UBND" in response.text
    # A district the 2025 reform ended: said so, rather than "not yours".
    response = upload(author, (SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt").read_bytes(), "cx.txt")
    assert response.status_code == 422 and "không còn từ ngày 30/06/2025" in response.text
    assert db.session.scalar(select(func.count(ImportDraft.id))) == 0
    assert db.session.scalar(select(func.count(Plan.id))) == 0


def test_a_plan_of_a_body_that_no_longer_exists_is_stopped_at_upload(app, people):
    """UBND tỉnh Sóc Trăng ended on 30/06/2025 (the reform merged the province); someone
    outside it cannot start tracking its plans."""
    admin = app.test_client()
    sign_in(admin, "admin@tracker.example")
    response = upload(admin, (SEEDS / SOC_TRANG).read_bytes(), "soc-trang.txt")
    assert response.status_code == 422
    assert "không còn từ ngày 30/06/2025" in response.text
    assert db.session.scalar(select(func.count(ImportDraft.id))) == 0


def test_a_file_that_does_not_name_its_issuer_defaults_to_the_authors_committee(app, author):
    """The seed plan as a bare spreadsheet: no header, so no issuer; the author's committee
    is proposed, said plainly, and the plan publishes."""
    xlsx = (SEEDS / SOC_TRANG).with_suffix(".xlsx").read_bytes()
    draft_url = upload(author, xlsx, "soc-trang.xlsx").headers["Location"]
    page = author.get(draft_url)
    assert re.search(r'<option value="\d+" selected>(Ủy ban nhân dân tỉnh Sóc Trăng|UBND tỉnh Sóc Trăng)</option>',
                     page.text)
    assert "được ghi là do" in page.text
    response = author.post(draft_url, data=_form_fields(page) | {"action": "publish"})
    assert response.status_code == 302 and "/plans/" in response.headers["Location"]
    plan = db.session.scalar(select(Plan))
    assert plan.issuer is not None and "Sóc Trăng" in plan.issuer.name


def test_a_prose_programme_is_imported_as_the_author_confirms(app, people):
    admin = app.test_client()
    sign_in(admin, "admin@tracker.example")
    text = (SEEDS / "kien-giang-2017-khac-phuc-cai-cach-hanh-chinh.txt").read_bytes()
    response = upload(admin, text, "kien-giang.txt")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"])
    assert "Nhiệm vụ đề xuất từ văn bản" in page.text
    fields = _form_fields(page)
    assert fields["prose"], "confident candidates start checked"
    chosen = fields["prose"][:1]
    fields |= {"prose": chosen, "action": "publish"}
    assert admin.post(response.headers["Location"], data=fields).status_code == 302
    assert db.session.scalar(select(func.count(Task.id))) == 1


def test_not_a_plan_is_refused_and_nothing_is_kept(app, author):
    response = upload(author, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "anh.docx")
    assert response.status_code == 422
    assert 'class="field-error"' in response.text
    assert db.session.scalar(select(func.count(ImportDraft.id))) == 0
    assert db.session.scalar(select(func.count(Plan.id))) == 0


def test_an_owner_outside_the_issuers_locality_is_refused_by_the_server(app, author):
    """The form offers only the issuer's tree; a crafted form is not trusted either."""
    text = _plan_text({"Sở Tư pháp.\tThường xuyên.": "Phòng Hạ tầng số.\tThường xuyên."})
    draft_url = upload(author, text.encode(), "ke-hoach.txt").headers["Location"]
    page = author.get(draft_url)
    key = re.search(r'name="owner:([^"]*ha tang so[^"]*)"', page.text).group(1)
    assert "Ủy ban nhân dân tỉnh Hà Tĩnh" not in page.text            # not offered
    fields = _form_fields(page)
    fields[f"owner:{key}"] = ["Ủy ban nhân dân tỉnh Hà Tĩnh"]          # crafted
    fields["action"] = "publish"
    author.post(draft_url, data=fields)
    page = author.get(draft_url)
    assert "không thuộc địa phương ban hành kế hoạch" in page.text
    hatinh = db.session.scalar(select(Agency.id).where(Agency.name == "Ủy ban nhân dân tỉnh Hà Tĩnh"))
    assert hatinh is not None
    assert not db.session.scalars(select(Assignment).where(Assignment.agency_id == hatinh)).all()


def test_owner_choices_carry_over_to_the_next_draft_and_keep_every_assignment(app, author):
    """Re-uploading the same plan (or an amendment) keeps the author's owner choices, so
    publishing it again changes nothing: no assignment is removed and recreated."""
    text = _plan_text({"Sở Tư pháp.\tThường xuyên.": "Phòng Hạ tầng số.\tThường xuyên."})
    draft_url = upload(author, text.encode(), "v1.txt").headers["Location"]
    page = author.get(draft_url)
    key = re.search(r'name="owner:([^"]*ha tang so[^"]*)"', page.text).group(1)
    fields = _form_fields(page) | {f"owner:{key}": ["Sở Tư pháp tỉnh Sóc Trăng"], "action": "publish"}
    assert author.post(draft_url, data=fields).status_code == 302
    ids = sorted(db.session.scalars(select(Assignment.id)))

    again = upload(author, text.encode(), "v1-lan-2.txt").headers["Location"]
    page = author.get(again)
    assert "chuyên viên theo dõi chọn Sở Tư pháp tỉnh Sóc Trăng" in page.text
    assert "Không có gì thay đổi." in page.text
    assert author.post(again, data=_form_fields(page) | {"action": "publish"}).status_code == 302
    db.session.expunge_all()
    assert sorted(db.session.scalars(select(Assignment.id))) == ids


def test_a_proposal_needs_an_owner_and_a_deadline_which_the_author_can_give_it(app, people):
    admin = app.test_client()
    sign_in(admin, "admin@tracker.example")
    text = (SEEDS / "kien-giang-2017-khac-phuc-cai-cach-hanh-chinh.txt").read_bytes()
    draft_url = upload(admin, text, "kien-giang.txt").headers["Location"]
    page = admin.get(draft_url)
    every = re.findall(r'<input type="checkbox" name="prose" value="([^"]+)"', page.text)
    assert admin.post(draft_url, data=_form_fields(page) | {"prose": every, "action": "preview"}).status_code == 302
    page = admin.get(draft_url)
    incomplete = [ref for ref, row in zip(every, re.split(r'<input type="checkbox" name="prose"', page.text)[1:])
                  if "Cần cơ quan thực hiện và thời hạn" in row]
    assert incomplete, "some proposals have no owner or no readable deadline"
    ref = incomplete[0]

    # Publishing with it ticked and unfinished is refused, naming it; nothing is written.
    refused = admin.post(draft_url, data=_form_fields(page) | {"prose": [ref], "action": "publish"},
                         follow_redirects=True)
    assert "chưa có cơ quan thực hiện hoặc thời hạn" in refused.text and ref in refused.text
    assert db.session.scalar(select(func.count(Plan.id))) == 0

    # The author gives it an owner and a deadline, and it is published with them.
    fields = _form_fields(refused) | {"prose": [ref], f"prose_owner:{ref}": "Sở Tư pháp tỉnh Sóc Trăng",
                                      f"deadline:{ref}/0": "Trong quý III/2017", "action": "publish"}
    assert admin.post(draft_url, data=fields).status_code == 302
    task = db.session.scalar(select(Task))
    assert [(a.agency.name, a.role, a.deadline.due.isoformat()) for a in task.assignments] == [
        ("Sở Tư pháp tỉnh Sóc Trăng", "lead", "2017-09-30")]


def test_the_author_adds_a_missed_task_and_takes_out_a_row_and_both_survive_the_next_version(app, author):
    text = _plan_text()
    draft_url = upload(author, text.encode(), "v1.txt").headers["Location"]
    page = author.get(draft_url)
    fields = _form_fields(page) | {"drop": ["I.2"], "new_content": "Tổ chức tập huấn nghiệp vụ kiểm soát TTHC.",
                                   "new_owner": "Sở Tư pháp tỉnh Sóc Trăng", "new_deadline": "Trong quý III/2017",
                                   "new_output": "Hội nghị tập huấn", "action": "preview"}
    assert author.post(draft_url, data=fields).status_code == 302
    page = author.get(draft_url)
    assert "Các dòng đã bỏ" in page.text and 'id="task-BS1"' in page.text
    # An owner missing on an added task is said, and nothing is added.
    fields = _form_fields(page) | {"drop": ["I.2"], "new_content": "Không có cơ quan", "action": "preview"}
    page = author.post(draft_url, data=fields, follow_redirects=True)
    assert "Chọn cơ quan chủ trì cho nhiệm vụ bổ sung." in page.text and 'id="task-BS2"' not in page.text
    # An added task can be taken out again by its own box.
    fields = _form_fields(page) | {"drop": ["I.2"], "new_content": "Nhiệm vụ thêm nhầm.",
                                   "new_owner": "Sở Tư pháp tỉnh Sóc Trăng", "action": "preview"}
    page = author.post(draft_url, data=fields, follow_redirects=True)
    assert 'id="task-BS2"' in page.text and 'name="remove_added" value="BS2"' in page.text
    page = author.post(draft_url, data=_form_fields(page) | {"drop": ["I.2"], "remove_added": ["BS2"],
                                                              "action": "preview"}, follow_redirects=True)
    assert 'id="task-BS2"' not in page.text and 'id="task-BS1"' in page.text
    fields = _form_fields(page) | {"drop": ["I.2"], "action": "publish"}
    assert author.post(draft_url, data=fields).status_code == 302

    plan = db.session.scalar(select(Plan))
    refs = set(db.session.scalars(select(Task.ref).where(Task.plan_id == plan.id)))
    assert "I.2" not in refs and "BS1" in refs
    added = db.session.scalar(select(Task).where(Task.ref == "BS1"))
    assert [(a.agency.name, a.deadline.due.isoformat(), a.output) for a in added.assignments] == [
        ("Sở Tư pháp tỉnh Sóc Trăng", "2017-09-30", "Hội nghị tập huấn")]

    # The next version of the file: the added task is not removed, the dropped row stays out.
    again = upload(author, _plan_text({"Thực hiện công khai TTHC.": "Thực hiện công khai đầy đủ TTHC."}).encode(),
                   "v2.txt").headers["Location"]
    page = author.get(again)
    assert 'id="task-BS1"' in page.text and "Các dòng đã bỏ" in page.text
    assert author.post(again, data=_form_fields(page) | {"drop": ["I.2"], "action": "publish"}).status_code == 302
    db.session.expunge_all()
    assert db.session.scalar(select(Task).where(Task.ref == "BS1")).removed_at is None
    assert "I.2" not in set(db.session.scalars(select(Task.ref)))


def test_the_owner_chooser_groups_sorts_naturally_and_chooses_a_whole_group(app, author):
    from tracker.models import AgencyGroup
    text = _plan_text({"Sở Tư pháp.\tThường xuyên.": "Phòng Hạ tầng số.\tThường xuyên."})
    draft_url = upload(author, text.encode(), "ke-hoach.txt").headers["Location"]
    page = author.get(draft_url)
    key = re.search(r'name="owner:([^"]*ha tang so[^"]*)"', page.text).group(1)
    chooser = re.search(r'name="owner:' + re.escape(key) + r'"[^>]*>(.*?)</select>', page.text, re.S).group(1)
    assert '<optgroup label="Chọn cả nhóm">' in chooser and '<optgroup label="UBND cấp xã">' in chooser
    assert chooser.index("Phường 2, thành phố") < chooser.index("Phường 10, thành phố")    # natural order
    wards = db.session.scalar(select(AgencyGroup).where(AgencyGroup.name == "UBND các phường"))
    fields = _form_fields(page) | {f"owner:{key}": [f"group:{wards.id}"], "action": "publish"}
    assert author.post(draft_url, data=fields).status_code == 302
    task = db.session.scalar(select(Task).where(Task.ref == "III.4"))
    chosen = sorted(a.agency.name for a in task.assignments if a.owner_text == "Phòng Hạ tầng số")
    assert chosen == sorted(m.name for m in wards.members) and len(chosen) == len(wards.members) > 5


def test_the_author_rewrites_a_rows_content_and_it_carries_over(app, author):
    draft_url = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    page = author.get(draft_url)
    original = re.search(r'<textarea name="content:I\.2"[^>]*>([^<]*)</textarea>', page.text).group(1)
    fields = _form_fields(page) | {"content:I.2": "Tham gia ý kiến, thẩm định TTHC trong mọi dự thảo văn bản QPPL.",
                                   "action": "preview"}
    assert author.post(draft_url, data=fields).status_code == 302
    page = author.get(draft_url)
    assert "Đã sửa; trong tệp:" in page.text and original.split(",")[0] in page.text
    assert author.post(draft_url, data=_form_fields(page) | {"action": "publish"}).status_code == 302
    task = db.session.scalar(select(Task).where(Task.ref == "I.2"))
    assert task.content == "Tham gia ý kiến, thẩm định TTHC trong mọi dự thảo văn bản QPPL."
    # The same file again: the rewrite holds, nothing changes.
    again = upload(author, _plan_text().encode(), "v1-lai.txt").headers["Location"]
    page = author.get(again)
    assert "Không có gì thay đổi." in page.text


def test_a_rewritten_row_can_still_be_taken_out_and_put_back(app, author):
    draft_url = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    page = author.get(draft_url)
    author.post(draft_url, data=_form_fields(page) | {"content:I.2": "Nội dung viết lại.", "action": "preview"})
    page = author.get(draft_url)
    author.post(draft_url, data=_form_fields(page) | {"drop": ["I.2"], "action": "preview"})
    page = author.get(draft_url)
    assert "Các dòng đã bỏ" in page.text and 'id="task-I.2"' not in page.text
    author.post(draft_url, data=_form_fields(page) | {"action": "preview"})      # unticked: back
    page = author.get(draft_url)
    assert 'id="task-I.2"' in page.text and "Nội dung viết lại." in page.text


def _shown(page, name: str) -> str:
    return re.search(r'name="' + re.escape(name) + r'" value="([^"]*)"', page.text).group(1)


def test_the_author_retypes_a_resolved_rows_owners_and_output_and_it_carries_over(app, author):
    draft_url = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    page = author.get(draft_url)
    assert _shown(page, "lead:I.2/0") == "Sở Tư pháp tỉnh Sóc Trăng"        # the directory's name
    assert _shown(page, "coordinate:I.2/0") == ""
    fields = _form_fields(page) | {"lead:I.2/0": "Sở Nội vụ", "coordinate:I.2/0": "Sở Kế hoạch và Đầu tư; Sở Tư pháp",
                                   "output:I.2/0": "Báo cáo thẩm định", "action": "preview"}
    assert author.post(draft_url, data=fields).status_code == 302
    page = author.get(draft_url)
    assert "Cơ quan hoặc sản phẩm đã được sửa." in page.text
    assert _shown(page, "lead:I.2/0") == "Sở Nội vụ tỉnh Sóc Trăng"
    # Posting the fields as shown changes nothing more.
    shown = {n: _shown(page, n) for n in ("lead:I.2/0", "coordinate:I.2/0", "output:I.2/0")}
    assert author.post(draft_url, data=_form_fields(page) | shown | {"action": "publish"}).status_code == 302
    task = db.session.scalar(select(Task).where(Task.ref == "I.2"))
    assert sorted((a.role, a.agency.name, a.output) for a in task.assignments) == [
        ("coordinate", "Sở Kế hoạch và Đầu tư tỉnh Sóc Trăng", "Báo cáo thẩm định"),
        ("coordinate", "Sở Tư pháp tỉnh Sóc Trăng", "Báo cáo thẩm định"),
        ("lead", "Sở Nội vụ tỉnh Sóc Trăng", "Báo cáo thẩm định")]
    ids = sorted(db.session.scalars(select(Assignment.id)))
    # The same file again: the author's owners and output hold, nothing changes.
    again = upload(author, _plan_text().encode(), "v1-lai.txt").headers["Location"]
    page = author.get(again)
    assert "Không có gì thay đổi." in page.text
    assert author.post(again, data=_form_fields(page) | {"action": "publish"}).status_code == 302
    db.session.expunge_all()
    assert sorted(db.session.scalars(select(Assignment.id))) == ids


def test_a_typed_owner_outside_the_issuers_tree_is_a_doubt_never_an_assignment(app, author):
    draft_url = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    page = author.get(draft_url)
    fields = _form_fields(page) | {"lead:I.2/0": "Ủy ban nhân dân tỉnh Hà Tĩnh", "coordinate:I.2/0": "",
                                   "action": "preview"}
    author.post(draft_url, data=fields)
    page = author.get(draft_url)
    assert re.search(r'name="owner:[^"]*ha tinh[^"]*"', page.text)          # to be settled, like any unknown
    author.post(draft_url, data=_form_fields(page) | {"action": "publish"})
    hatinh = db.session.scalar(select(Agency.id).where(Agency.name == "Ủy ban nhân dân tỉnh Hà Tĩnh"))
    assert not db.session.scalars(select(Assignment).where(Assignment.agency_id == hatinh)).all()


def test_the_author_splits_a_row_in_two_and_each_part_is_tracked(app, author):
    draft_url = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    page = author.get(draft_url)
    second = "thẩm định TTHC trong dự thảo văn bản QPPL quy định về TTHC."
    fields = _form_fields(page) | {"split:I.2": second, "action": "preview"}
    assert author.post(draft_url, data=fields).status_code == 302
    page = author.get(draft_url)
    assert 'id="task-I.2a"' in page.text and 'name="unsplit"' in page.text
    assert re.search(r'<textarea name="content:I\.2"[^>]*>Tham gia ý kiến</textarea>', page.text)
    # Each part has its own deadline and owners now.
    fields = _form_fields(page) | {"deadline:I.2a/0": "Trong quý III/2017", "lead:I.2a/0": "Sở Nội vụ",
                                   "coordinate:I.2a/0": "", "action": "preview"}
    author.post(draft_url, data=fields)
    # Merged back, then split again: the choice is undone and redone.
    page = author.get(draft_url)
    author.post(draft_url, data=_form_fields(page) | {"unsplit": ["I.2"], "action": "preview"})
    page = author.get(draft_url)
    assert 'id="task-I.2a"' not in page.text
    author.post(draft_url, data=_form_fields(page) | {"split:I.2": second, "action": "preview"})
    page = author.get(draft_url)
    assert author.post(draft_url, data=_form_fields(page) | {"action": "publish"}).status_code == 302
    first = db.session.scalar(select(Task).where(Task.ref == "I.2"))
    part = db.session.scalar(select(Task).where(Task.ref == "I.2a"))
    assert (first.content, part.content) == ("Tham gia ý kiến", second)
    assert first.position < part.position < db.session.scalar(select(Task.position).where(Task.ref == "II.1"))
    assert part.section_id == first.section_id is not None
    assert [(a.agency.name, a.deadline.due.isoformat()) for a in part.assignments] == [
        ("Sở Nội vụ tỉnh Sóc Trăng", "2017-09-30")]
    # The next upload of the file is split the same way: nothing changes.
    page = author.get(upload(author, _plan_text().encode(), "v1-lai.txt").headers["Location"])
    assert 'id="task-I.2a"' in page.text


def test_a_row_read_with_nobody_gets_its_owners_from_the_author(app, author):
    # The first task of its section, so no owner cell above it can have been merged down.
    text = _plan_text({"\tCác Sở, ban, ngành được giao chủ trì soạn thảo văn bản QPPL có quy định về TTHC.\t": "\t\t"})
    draft_url = upload(author, text.encode(), "v1.txt").headers["Location"]
    page = author.get(draft_url)
    assert _shown(page, "lead:I.1/0") == "" and "Không có cơ quan thực hiện" not in page.text
    author.post(draft_url, data=_form_fields(page) | {"lead:I.1/0": "Sở Tư pháp", "coordinate:I.1/0": "",
                                                      "action": "publish"})
    task = db.session.scalar(select(Task).where(Task.ref == "I.1"))
    assert [a.agency.name for a in task.assignments if a.agency] == ["Sở Tư pháp tỉnh Sóc Trăng"]


def test_a_stored_draft_that_no_longer_reads_is_said_in_one_language(app, author):
    """A draft kept from before (its file unreadable by today's reader) is not a server
    error: the author is sent back to the upload page with the reason, in their language."""
    assert upload(author, _plan_text().encode(), "v1.txt").status_code == 302
    draft = db.session.scalar(select(ImportDraft))
    draft.data = b"\x00\x01 not a plan any more"
    db.session.commit()
    with pytest.raises(UserError) as unreadable:      # why: what today's reader says of the file
        read_plan(draft.data, draft.filename)
    for language, said in (("vi", unreadable.value.message_vi), ("en", unreadable.value.message_en)):
        if language == "en":
            author.post("/language/en", data={"csrf_token": csrf_of(author.get("/imports/new")), "next": "/"})
        response = author.get(f"/imports/{draft.id}")
        assert response.status_code == 302 and response.headers["Location"].endswith("/imports/new")
        page = author.get("/imports/new").text
        message = re.search(r'<p class="flash flash-error" role="status">(.*?)</p>', page, re.S).group(1)
        assert message and " / " not in message          # not "vi / en" run together
        assert html.unescape(message.strip()) == said, language

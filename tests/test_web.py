"""The plan listing pages."""

from .conftest import SEEDS, sign_in


def test_plans_and_tasks_are_listed_and_escaped(app, directory, people, runner, tmp_path):
    plan = tmp_path / "markup.txt"
    text = (SEEDS / "soc-trang-2017-kiem-soat-tthc.txt").read_text("utf-8").replace(
        "Thực hiện công khai TTHC.", "Thực hiện công khai <script>alert(1)</script> TTHC.")
    plan.write_text(text, "utf-8")
    assert runner.invoke(args=["plans", "import", str(plan)]).exit_code == 0
    client = app.test_client()
    sign_in(client, "admin@tracker.example")
    index = client.get("/plans")
    assert index.status_code == 200 and "Kiểm soát thủ tục hành chính năm 2017" in index.text
    detail = client.get("/plans/1")
    assert detail.status_code == 200
    assert "III.4" in detail.text and "Sở Tư pháp tỉnh Sóc Trăng" in detail.text
    assert "<script>alert(1)</script>" not in detail.text
    assert "&lt;script&gt;" in detail.text
    assert client.get("/plans/999").status_code == 404


def test_empty_database_page(app, people):
    client = app.test_client()
    sign_in(client, "admin@tracker.example")
    page = client.get("/plans")
    assert page.status_code == 200 and "Chưa có kế hoạch" in page.text

"""``flask dev``: the development server with the scheduler and a local mail catcher."""

from __future__ import annotations

import os

import click
from flask import current_app
from sqlalchemy import select

from ..extensions import db


@click.command("dev")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--mail-port", default=8025, type=int, help="Máy chủ thư thử nghiệm / mail catcher port.")
@click.option("--demo", is_flag=True, help="Tạo tài khoản thử cả khi dùng cơ sở dữ liệu khác mặc định / "
              "create the demo accounts even on a database other than the development one.")
def dev_command(host: str, port: int, mail_port: int, demo: bool) -> None:
    """Máy chủ phát triển + bộ lập lịch + hộp thư thử nghiệm / Development server with the
    scheduler and a local mail catcher (what `make run` starts)."""
    import logging

    from ..jobs.scheduler import start_in_background
    from ..mail import catcher
    from ..web.dev import bp as dev_bp
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxied app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    catcher.start(mail_port)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mail_port, MAIL_USE_TLS=False,
                      MAIL_USE_SSL=False, MAIL_USERNAME=None, MAIL_PASSWORD=None)
    mail_ext = app.extensions["mail"]
    mail_ext.server, mail_ext.port, mail_ext.use_tls, mail_ext.use_ssl = "127.0.0.1", mail_port, False, False
    mail_ext.username = mail_ext.password = None
    app.register_blueprint(dev_bp)
    # Demo accounts share a published password: only in the development database (the
    # default SQLite file), never in one configured with TRACKER_DATABASE_URL unless asked.
    if demo or not os.environ.get("TRACKER_DATABASE_URL"):
        from ..accounts.manage import demo_accounts
        made = demo_accounts(db.session(), DEMO_PASSWORD)
        db.session.commit()
        from ..models import Account
        click.echo(f"Tài khoản thử (mật khẩu “{DEMO_PASSWORD}”) / demo accounts (password “{DEMO_PASSWORD}”):")
        for account in db.session.scalars(select(Account).order_by(Account.role, Account.email)):
            if account.password_hash:
                click.echo(f"  {account.role:8} {account.email}{'  (mới)' if account in made else ''}")
    else:
        click.echo("Không tạo tài khoản thử: TRACKER_DATABASE_URL trỏ tới cơ sở dữ liệu khác (dùng --demo nếu "
                   "muốn) / no demo accounts on a configured database (--demo to create them).")
    start_in_background(app)
    click.echo(f"Thư nhắc việc: http://{host}:{port}/dev/mail (máy chủ thư thử nghiệm 127.0.0.1:{mail_port})")
    from werkzeug.serving import run_simple
    run_simple(host, port, app, threaded=True, use_reloader=False)


DEMO_PASSWORD = "thu-nghiem-2017"   # development server only; printed when it starts

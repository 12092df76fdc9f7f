"""``flask policy``: the reminder policy, global or for one plan."""

from __future__ import annotations

import json

import click

from ..extensions import db
from ..models import Plan
from .common import TrackerGroup, fail

policy_cli = TrackerGroup("policy", help="Thiết lập nhắc việc / The reminder policy.")


@policy_cli.command("show")
@click.option("--plan", "plan_id", type=int, help="Mã kế hoạch / the policy in force for a plan.")
def policy_show(plan_id: int | None) -> None:
    """Thiết lập đang áp dụng / The policy in force (global, or for one plan)."""
    from ..reminders.policy import effective_policy
    plan = None
    if plan_id is not None:
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            fail(f"không có kế hoạch #{plan_id}.", f"no plan #{plan_id}.")
    policy, _overrides = effective_policy(db.session(), plan)
    click.echo(json.dumps(policy.as_dict(), ensure_ascii=False, indent=1))


@policy_cli.command("set")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--plan", "plan_id", type=int, help="Chỉ cho kế hoạch này / override for one plan.")
def policy_set(assignments: tuple[str, ...], plan_id: int | None) -> None:
    """Đặt thiết lập nhắc việc, ví dụ: overdue_every=5 before_offsets=5,2,0 send_at=08:00."""
    from ..reminders.policy import PolicyError, set_global_policy, set_plan_policy
    values: dict[str, object] = {}
    for item in assignments:
        key, _, raw = item.partition("=")
        if not raw:
            fail(f"“{item}” phải có dạng khóa=giá_trị.", f"“{item}” must be key=value.")
        if key == "before_offsets":
            parts = [v.strip() for v in raw.split(",") if v.strip()]
            if not all(p.isdigit() for p in parts):
                fail(f"before_offsets phải là các số ngày làm việc, ví dụ 7,3,1,0 (không phải “{raw}”).",
                      f"before_offsets must be working-day counts such as 7,3,1,0 (not “{raw}”).")
            values[key] = [int(p) for p in parts]
        elif raw.isdigit():
            values[key] = int(raw)
        elif raw.lower() in ("true", "false", "yes", "no", "có", "không"):
            values[key] = raw.lower() in ("true", "yes", "có")
        else:
            values[key] = raw
    try:
        if plan_id is None:
            merged = set_global_policy(db.session(), values)
        else:
            plan = db.session.get(Plan, plan_id)
            if plan is None:
                fail(f"không có kế hoạch #{plan_id}.", f"no plan #{plan_id}.")
            merged = set_plan_policy(db.session(), plan, {**(plan.reminder_policy or {}), **values})
    except PolicyError as exc:
        fail(f"thiết lập nhắc việc không hợp lệ: {exc.message_vi}", f"invalid policy: {exc.message_en}")
    except ValueError as exc:
        fail(f"thiết lập nhắc việc không hợp lệ: {exc}", f"invalid policy: {exc}")
    db.session.commit()
    click.echo(json.dumps(merged.as_dict(), ensure_ascii=False, indent=1))

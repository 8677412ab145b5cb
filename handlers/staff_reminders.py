"""Reminders and digests for staff: what is due, to whom, each once.

Run by the server's schedule and by ``python -m bot reminders run``. In one transaction it
claims each reminder's key (``storage.followup.claim``: once, across restarts and processes) and
queues its e-mail in the mail outbox (sent with retries by ``bot.mail``) and, for deadlines, a
notice to the staff group(s). Kinds:

* ``assigned`` — a petition was routed to a committee: that committee's accounts (the office
  when the committee has no address);
* ``due_soon`` — N working days before the due date (``petitions.reminder_working_days``);
  ``overdue`` — the day after it: the committee and the office;
* ``body_overdue`` — a forwarded petition is overdue: the body it went to
  (``petitions.bodies``), copying the office;
* ``digest`` — weekly, per account with an address: new, nearly due, overdue, answered.

A staff notice carries the code, the category and the village: never a citizen's name, phone
number or address.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from handlers.context import Services, Txn
from handlers.texts.staff_followup import StaffFollowupTexts
from handlers.types import Reply
from handlers.workflow import AWAITING_ANSWER, FORWARDED, OPEN_STATES, calendar, transaction
from storage import followup as store
from storage.db import Database
from storage.models import Petition, StaffAccount

ROUTED_WINDOW = dt.timedelta(days=7)  # an assignment older than this is no longer news
DIGEST_HOUR = 7  # Monday, 07:00 Vietnam time
OFFICE_ROLES = ("admin", "office")


class Reminders:
    """One run: the accounts with an address, the texts, and what was queued."""

    def __init__(self, txn: Txn, accounts: Sequence[StaffAccount], mail_on: bool) -> None:
        self.txn = txn
        self.t = StaffFollowupTexts.of(txn.texts)
        self.accounts = list(accounts) if mail_on else []
        self.mail_on = mail_on
        self.counts: Counter[str] = Counter()
        self.today = calendar.vn_today(txn.now)

    # --- who ------------------------------------------------------------------------------

    def office(self) -> list[str]:
        return [a.email for a in self.accounts if a.role in OFFICE_ROLES and a.email]

    def committee(self, committee: str | None) -> list[str]:
        return [
            a.email
            for a in self.accounts
            if a.role == "committee" and committee and a.committee == committee and a.email
        ]

    # --- words ----------------------------------------------------------------------------

    def facts(self, p: Petition) -> dict[str, str]:
        profile = self.txn.profile
        category = profile.category(p.category)
        village = profile.village(p.village) if p.village else None
        return {
            "code": p.code,
            "category": category.name if category else p.category,
            "village": village.name if village else "chưa rõ thôn",
            "link": f"{self.txn.services.public_url.rstrip('/')}/staff/petitions/{p.code}",
        }

    def committee_name(self, committee: str | None) -> str:
        found = self.txn.profile.committee(committee) if committee else None
        return found.name if found else (committee or "Văn phòng HĐND")

    # --- queueing -------------------------------------------------------------------------

    async def send(
        self,
        key: str,
        kind: str,
        to: Sequence[str],
        subject: str,
        body: str,
        *,
        petition: Petition | None = None,
        cc: Sequence[str] = (),
        group: bool = False,
    ) -> None:
        """Claim ``key`` and queue the mail (and the group notice); nothing if nobody hears."""
        to = sorted(set(to))
        cc = sorted(set(cc) - set(to))
        targets = self.txn.services.staff_notices if group else []
        if not to and not targets:
            return
        claimed = await store.claim(
            self.txn.session,
            commune_id=self.txn.profile.id,
            key=key,
            kind=kind,
            now=self.txn.now,
            petition_id=petition.id if petition else None,
        )
        if not claimed:
            return
        if to:
            await store.queue_mail(
                self.txn.session,
                commune_id=self.txn.profile.id,
                to=to,
                cc=cc,
                subject=subject,
                body=body + self.t.mail_footer(),
                now=self.txn.now,
            )
        for target in targets:
            self.txn.out.notice(
                target,
                Reply(text=f"{subject}\n{body}", meta={"reminder": kind}),
                petition_id=petition.id if petition else None,
            )
        self.counts[kind] += 1

    def anyone_hears(self) -> bool:
        """False when no account has an address and no staff group is set: nothing could be
        sent, so the petitions are not even loaded (the schedule runs every minute)."""
        return bool(self.accounts or self.txn.services.staff_notices)

    async def assigned(self) -> None:
        if not self.anyone_hears():
            return
        session, profile = self.txn.session, self.txn.profile
        since = self.txn.now - ROUTED_WINDOW
        for p in await store.recently_routed(session, profile.id, OPEN_STATES, since):
            to = self.committee(p.committee) or self.office()
            name = self.committee_name(p.committee)
            facts = self.facts(p)
            await self.send(
                f"assigned:{p.id}:{p.committee}",
                "assigned",
                to,
                self.t.mail_assigned_subject(code=p.code, committee=name),
                self.t.mail_assigned(
                    **facts, committee=name, due=calendar.vn_date(p.due_date) or "chưa đặt"
                ),
                petition=p,
            )

    async def deadlines(self) -> None:
        session, profile = self.txn.session, self.txn.profile
        holidays = profile.petitions.holidays
        days = profile.petitions.reminder_working_days
        horizon = calendar.add_working_days(self.today, days, holidays)
        if not self.anyone_hears():
            return
        due_now = await store.due_petitions(
            session, profile.id, AWAITING_ANSWER, horizon, unsent_after=self.today
        )
        for p in due_now:
            assert p.due_date is not None
            due, facts = calendar.vn_date(p.due_date), self.facts(p)
            to = self.committee(p.committee) + self.office()
            if p.due_date >= self.today:
                left = calendar.working_days_between(self.today, p.due_date, holidays)
                await self.send(
                    f"due_soon:{p.id}:{p.due_date}",
                    "due_soon",
                    to,
                    self.t.mail_due_soon_subject(code=p.code, due=due),
                    self.t.mail_due_soon(**facts, due=due, days=left),
                    petition=p,
                    group=True,
                )
                continue
            await self.send(
                f"overdue:{p.id}:{p.due_date}",
                "overdue",
                to,
                self.t.mail_overdue_subject(code=p.code, due=due),
                self.t.mail_overdue(**facts, due=due),
                petition=p,
                group=True,
            )
            body = profile.petitions.body(p.forwarded_to) if p.status == FORWARDED else None
            if body is not None and body.email and self.mail_on:
                await self.send(
                    f"body_overdue:{p.id}:{p.due_date}",
                    "body_overdue",
                    [body.email],
                    self.t.mail_body_overdue_subject(code=p.code, due=due),
                    self.t.mail_body_overdue(
                        code=p.code,
                        body=body.name,
                        doc_no=p.forward_doc_no or "—",
                        due=due,
                        category=facts["category"],
                        village=facts["village"],
                    ),
                    petition=p,
                    cc=self.office(),
                )

    async def digests(self) -> None:
        local = self.txn.now.astimezone(calendar.VN_TZ)
        if local.weekday() == 0 and local.hour < DIGEST_HOUR:
            return
        year, week, _ = self.today.isocalendar()
        session, profile = self.txn.session, self.txn.profile
        keys = {a.id: f"digest:{a.id}:{year}-W{week:02d}" for a in self.accounts}
        sent = await store.sent_keys(session, list(keys.values()))
        waiting = [a for a in self.accounts if keys[a.id] not in sent]
        if not waiting:
            return  # this week's digests are out: the due petitions are not loaded again
        holidays = profile.petitions.holidays
        horizon = calendar.add_working_days(
            self.today, profile.petitions.reminder_working_days, holidays
        )
        due = await store.due_petitions(session, profile.id, AWAITING_ANSWER, horizon)
        since = self.txn.now - dt.timedelta(days=7)
        label = f"{week}/{year}"
        for account in waiting:
            scope = account.committee if account.role == "committee" else None
            mine = [p for p in due if scope is None or p.committee == scope]
            late = [p for p in mine if p.due_date and p.due_date < self.today]
            soon = [p for p in mine if p.due_date and p.due_date >= self.today]
            new, answered = await store.week_counts(session, profile.id, since, scope)
            items = "\n".join(
                f"  {p.code} ({self.facts(p)['category']}, {self.facts(p)['village']}): "
                f"{'quá hạn' if p in late else 'hạn'} {calendar.vn_date(p.due_date)}"
                for p in (late + soon)[:20]
            )
            base = self.txn.services.public_url.rstrip("/")
            await self.send(
                keys[account.id],
                "digest",
                [account.email or ""],
                self.t.mail_digest_subject(week=label),
                self.t.mail_digest(
                    name=account.full_name or account.username,
                    week=label,
                    new=new,
                    nearly=len(soon),
                    overdue=len(late),
                    answered=answered,
                    items=items,
                    link=f"{base}/staff/petitions",
                ),
            )


async def run_reminders(db: Database, services: Services, *, mail_on: bool) -> Counter[str]:
    """Queue every reminder and digest due now that was not sent before; how many of each."""
    async with transaction(db, services) as txn:
        accounts = await store.mail_accounts(txn.session, services.commune_id)
        run = Reminders(txn, accounts, mail_on)
        await run.assigned()
        await run.deadlines()
        await run.digests()
    return run.counts

"""Messages about one meal's samples, sent by handlers and jobs alike (each once, keyed)."""

from __future__ import annotations

from sqlmodel import Session

from bot.context import HouqinApplication
from bot.i18n import translator
from bot.views import samples as views
from jobs.outbox import Kind, send_once
from storage.models import Person, Site
from storage.people import get_person_by_id, list_people_with_action
from storage.permissions import Action, Role
from storage.samples import list_dishes
from storage.samples_ledger import people_with_role
from storage.samples_models import SampleLog


def _name(session: Session, person_id: int | None) -> str:
    person = get_person_by_id(session=session, person_id=person_id) if person_id else None
    return person.display_name if person else "—"


def second_people(session: Session, site_id: int, besides: int | None) -> list[Person]:
    """Who may check or witness: the other kitchen staff and the health teacher."""
    people = people_with_role(session=session, site_id=site_id, role=Role.KITCHEN)
    people += people_with_role(session=session, site_id=site_id, role=Role.HEALTH_TEACHER)
    return [p for p in {p.id: p for p in people}.values() if p.id != besides]


async def ask_for_check(
    app: HouqinApplication, session: Session, site: Site, log: SampleLog
) -> None:
    dishes = list_dishes(session=session, log_id=log.id or 0)
    taker = _name(session, log.taken_by_id)
    for person in second_people(session, site.id or 0, log.taken_by_id):
        language = person.language or site.language
        text, markup = views.check_request(translator(language), language, site, log, dishes, taker)
        await send_once(
            app,
            session,
            key=f"samples-check:{log.id}:{person.id}",
            kind=Kind.MESSAGE,
            chat_id=person.telegram_user_id,
            text=text,
            reply_markup=markup,
        )


async def tell_fridge_warning(
    app: HouqinApplication, session: Session, site: Site, log: SampleLog
) -> None:
    """The fridge was outside its range: the health teacher hears it at once."""
    for person in list_people_with_action(
        session=session, site_id=site.id or 0, action=Action.RECEIVE_SAMPLE_ALERTS
    ):
        language = person.language or site.language
        _ = translator(language)
        text = _(
            "⚠️ {site}: the sample fridge was at {celsius} °C when {name} logged {meal}."
        ).format(
            site=site.name,
            celsius=log.fridge_temp_c,
            name=_name(session, log.taken_by_id),
            meal=views.meal_of(_, site, log.meal),
        )
        await send_once(
            app,
            session,
            key=f"samples-fridge:{log.id}:{person.id}",
            kind=Kind.ALERT,
            chat_id=person.telegram_user_id,
            text=text,
        )


async def ask_for_witness(
    app: HouqinApplication, session: Session, site: Site, log: SampleLog
) -> None:
    disposer = _name(session, log.disposed_by_id)
    for person in second_people(session, site.id or 0, log.disposed_by_id):
        language = person.language or site.language
        text, markup = views.witness_request(translator(language), language, site, log, disposer)
        await send_once(
            app,
            session,
            key=f"samples-witness:{log.id}:{person.id}",
            kind=Kind.MESSAGE,
            chat_id=person.telegram_user_id,
            text=text,
            reply_markup=markup,
        )


def releasers(session: Session, site_id: int) -> list[Person]:
    """Who may release held samples, and so hears of them: the health teacher and director."""
    return list_people_with_action(session=session, site_id=site_id, action=Action.RELEASE_SAMPLES)


async def tell_held(
    app: HouqinApplication, session: Session, site: Site, logs: list[SampleLog], key: str
) -> None:
    """List held samples (with release buttons) to the health teacher and director."""
    for person in releasers(session, site.id or 0):
        language = person.language or site.language
        text, markup = views.held_list(translator(language), language, site, logs)
        await send_once(
            app,
            session,
            key=f"{key}:{person.id}",
            kind=Kind.REMINDER,
            chat_id=person.telegram_user_id,
            text=text,
            reply_markup=markup,
        )

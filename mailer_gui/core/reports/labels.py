"""Words for codes and report phrases, in the app's language (Qt-free).

The one table the reports (PDF, XLSX, CSV word columns) take their words
from: recipient states, queue statuses, pause reasons, send results, and the
report's own phrases. English is the source; Russian is shipped. Words that
the UI already shows use the UI's translations (``ui/queue/reasons.py``,
``ui/models/recipients.py``; a test keeps them equal).
"""

from __future__ import annotations

LANGUAGES = ("en", "ru")

# Recipient states (the report's "state" column).
STATES = {
    "pending": "waiting",
    "sending": "sending",
    "sent": "sent",
    "failed": "failed",
    "uncertain": "uncertain",
    "suppressed": "suppressed",
    "bounced": "bounced",
}

# Queue entry statuses, as the queue panel names them (ui/reasons.status_text).
STATUSES = {
    "queued": "Queued",
    "processing": "Sending",
    "deferred": "Waiting",
    "paused": "Paused",
    "completed": "Completed",
    "completed_with_errors": "Completed with errors",
    "cancelled": "Cancelled",
}

# Pause reasons, as the queue panel names them (ui/reasons.reason_text).
REASONS = {
    "outside_hours": "Outside working hours",
    "minute_limit": "Per-minute limit reached",
    "hourly_limit": "Hourly limit reached",
    "daily_limit": "Daily limit reached",
    "monthly_quota": "Monthly quota used up",
    "transient_error": "Temporary server error, will retry",
    "provider_limit": "The provider is throttling sending",
    "smtp_not_configured": "SMTP is not set up: open Settings",
    "smtp_auth_failed": "The server refused the login: check the password",
    "smtp_rejected": "The server refused the sender, the content or the connection settings",
    "bounce_rate": "Too many hard bounces: check the list, then resume",
    "scheduled": "Scheduled",
    "paused": "Paused by you",
    "waiting": "Waiting for its turn",
}

# What became of each slot in a period report.
RESULTS = {**STATES, "retried": "retried later", "deleted": "recipient deleted"}

KINDS = {"campaign": "campaign", "test": "test send"}

_RU = {
    # states (ui/models/recipients.py)
    "waiting": "в ожидании",
    "sending": "отправка",
    "sent": "отправлено",
    "failed": "ошибка",
    "uncertain": "неясно",
    "suppressed": "исключено",
    "bounced": "возврат",
    # statuses and reasons (ui/queue/reasons.py)
    "Queued": "В очереди",
    "Sending": "Отправляется",
    "Waiting": "Ждёт",
    "Paused": "Приостановлена",
    "Completed": "Завершена",
    "Completed with errors": "С ошибками",
    "Cancelled": "Отменена",
    "Outside working hours": "Вне рабочих часов",
    "Per-minute limit reached": "Достигнут поминутный лимит",
    "Hourly limit reached": "Достигнут часовой лимит",
    "Daily limit reached": "Достигнут дневной лимит",
    "Monthly quota used up": "Месячная квота исчерпана",
    "Temporary server error, will retry": "Временная ошибка сервера, будет повтор",
    "The provider is throttling sending": "Провайдер ограничивает отправку",
    "SMTP is not set up: open Settings": "SMTP не настроен: откройте настройки",
    "The server refused the login: check the password": "Сервер отклонил вход: проверьте пароль",
    "The server refused the sender, the content or the connection settings": (
        "Сервер отклонил отправителя, содержимое или параметры подключения"
    ),
    "Too many hard bounces: check the list, then resume": (
        "Слишком много возвратов: проверьте список, затем возобновите"
    ),
    "Unsubscribed (from the mailbox)": "Отписались (из почтового ящика)",
    "Hard bounces read from the mailbox": "Постоянные возвраты из почтового ящика",
    "Complaints (from the mailbox)": "Жалобы (из почтового ящика)",
    "Scheduled": "Запланирована",
    "Paused by you": "Приостановлена вами",
    "Waiting for its turn": "Ждёт своей очереди",
    # results and kinds
    "retried later": "повторена позже",
    "recipient deleted": "получатель удалён",
    "campaign": "рассылка",
    "test send": "тестовое письмо",
    # report phrases
    "Send report: {name}": "Отчёт об отправке: {name}",
    "Send report: {start} to {end}": "Отчёт об отправке: с {start} по {end}",
    "Summary": "Сводка",
    "item": "показатель",
    "value": "значение",
    "Campaign": "Рассылка",
    "Campaign id": "Номер рассылки",
    "Subject": "Тема",
    "Subject now": "Тема сейчас",
    "Queue status": "Состояние в очереди",
    "never queued": "не ставилась в очередь",
    "Started": "Начата",
    "Finished": "Закончена",
    "Duration (h:mm:ss)": "Длительность (ч:мм:сс)",
    "Sent per hour, over elapsed time": "Отправлено в час, за всё время",
    "Sent per hour of active sending": "Отправлено в час активной отправки",
    "Busiest clock hour (sends)": "Самый загруженный час (отправок)",
    "Limits in force": "Действовавшие лимиты",
    "Limits in settings now": "Лимиты в настройках сейчас",
    "{hourly}/hour, {monthly}/month": "{hourly} в час, {monthly} в месяц",
    "{limits} (from {time})": "{limits} (с {time})",
    "not recorded": "не записаны",
    "nothing sent yet": "ещё ничего не отправлено",
    "Time zone": "Часовой пояс",
    "Report made": "Отчёт составлен",
    "Content versions": "Версии содержания",
    "version": "версия",
    "from": "с",
    "recipients": "получателей",
    "Recipients by state": "Получатели по состояниям",
    "state": "состояние",
    "test sends": "тестовые письма",
    "total": "всего",
    "Pause history": "Паузы",
    "reason": "причина",
    "start": "начало",
    "end": "конец",
    "length": "длительность",
    "detail": "подробности",
    "{length} (ongoing)": "{length} (продолжается)",
    "How the figures are measured": "Как считаются показатели",
    "figure": "показатель",
    "definition": "определение",
    "DEF_ELAPSED": "Отправленные письма, делённые на часы от начала до конца рассылки (или до "
    "момента отчёта), паузы включены. За период короче часа может превышать "
    "часовой лимит: лимит считает письма в каждом часе и в любых 60 минутах.",
    "DEF_ACTIVE": "Отправленные письма, делённые на часы, когда рассылка могла отправлять: "
    "длительность без пауз из истории пауз.",
    "DEF_BUSIEST": "Больше всего писем в одном часе по часам, включая тестовые и письма "
    "других рассылок: именно это сравнивается с часовым лимитом.",
    "DEF_LIMITS": "Лимиты, записанные при резервировании каждого письма, и с какого момента "
    "они действовали.",
    "Period": "Период",
    "{start} to {end}": "с {start} по {end}",
    "Sends (slots the provider counts)": "Отправки (их считает провайдер)",
    "of which test sends": "из них тестовых",
    "Campaigns": "Рассылок",
    "Hours over the hourly limit": "Часов сверх часового лимита",
    "Sends by result": "Отправки по результату",
    "result": "результат",
    "sends": "отправок",
    "Daily totals": "По дням",
    "day": "день",
    "busiest hour": "самый загруженный час",
    "hourly limit": "часовой лимит",
    "month to date": "с начала месяца",
    "monthly limit": "месячный лимит",
    "Hourly totals": "По часам",
    "hour": "час",
    "over the limit": "сверх лимита",
    "Sends per hour": "Отправки по часам",
    "No sends.": "Отправок нет.",
    "hourly limit {limit}": "часовой лимит {limit}",
    "this campaign": "эта рассылка",
    "its test sends": "её тестовые письма",
    "other sends": "другие отправки",
    "campaign sends": "письма рассылок",
    "CHART_NOTE": "Письма, переданные серверу за каждый час по местному времени ({zone}); "
    "линия — часовой лимит, действовавший в этот час; каждая отправка, "
    "включая тестовые, считается в лимит.",
    "Mailer desktop \u00b7 times in {zone}": "Mailer desktop \u00b7 время: {zone}",
    "page {n}": "стр. {n}",
    "(none)": "(нет)",
    # row tables (XLSX headers)
    "Address": "Адрес",
    "State": "Состояние",
    "Time ({zone})": "Время ({zone})",
    "Version": "Версия",
    "Subject sent": "Отправленная тема",
    "Message-ID": "Message-ID",
    "Server reply": "Ответ сервера",
    "Attempts": "Попыток",
    "Kind": "Вид",
    "Daily": "По дням",
    "Hourly": "По часам",
    "Recipients": "Получатели",
    "Sends": "Отправки",
    "Result": "Результат",
    "Hourly limit in force": "Часовой лимит",
    "Monthly limit in force": "Месячный лимит",
}

_EN = {
    "DEF_ELAPSED": "Sent messages divided by the hours from the start to the end of the "
    "campaign (or to the report time), pauses included. Over less than an "
    "hour it can exceed the hourly limit: the limit counts the messages in "
    "each clock hour and in any 60 minutes.",
    "DEF_ACTIVE": "Sent messages divided by the hours in which the campaign could send: "
    "the duration less the pauses in the pause history.",
    "DEF_BUSIEST": "The most messages in one clock hour, test sends and other campaigns' "
    "sends included: the figure the hourly limit is compared with.",
    "DEF_LIMITS": "The limits recorded when each message's slot was reserved, and from "
    "when each held.",
    "CHART_NOTE": "Messages handed to the server in each hour, local time ({zone}); the "
    "line is the hourly limit in force in that hour; every send, test sends "
    "included, counts against it.",
}


class Labels:
    """Words in one language; ``missing`` collects phrases with no translation."""

    def __init__(self, language: str = "en") -> None:
        self.language = language if language in LANGUAGES else "en"
        self.missing: set[str] = set()

    def t(self, phrase: str, **values: object) -> str:
        """The phrase in this language, with ``{name}`` fields filled in."""
        text = _EN.get(phrase, phrase)
        if self.language == "ru":
            ru = _RU.get(phrase)
            if ru is None:
                self.missing.add(phrase)
            else:
                text = ru
        return text.format(**values) if values else text

    def _code(self, table: dict[str, str], code: str | None) -> str:
        if code is None:
            return ""
        return self.t(table[code]) if code in table else code

    def state(self, code: str | None) -> str:
        return self._code(STATES, code)

    def status(self, code: str | None) -> str:
        return self._code(STATUSES, code)

    def reason(self, code: str | None) -> str:
        return self._code(REASONS, code)

    def result(self, code: str | None) -> str:
        return self._code(RESULTS, code)

    def kind(self, code: str | None) -> str:
        return self._code(KINDS, code)


ENGLISH = Labels("en")

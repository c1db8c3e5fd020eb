"""The English templates of the core's operator messages (:data:`ENGLISH`,
code -> template), for :class:`~mailer_gui.core.messages.Message`. Each is
marked with :func:`QT_TRANSLATE_NOOP` so that ``pyside6-lupdate`` extracts it
into ``resources/translations/*.ts`` (``ui/i18n_build.py`` lists this file; the
function is a no-op: the core imports no Qt).

A leaf module: it imports nothing from ``mailer_gui``.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate knows
    """Marks ``text`` for the translation catalogue; returns it unchanged."""
    return text


ENGLISH: dict[str, str] = {
    # --- queue and campaigns
    "campaign.not_found": QT_TRANSLATE_NOOP(
        "Messages", "campaign {campaign_id} does not exist; `status` lists the ids"
    ),
    "queue.already_queued": QT_TRANSLATE_NOOP(
        "Messages", "campaign {campaign_id} is already in the queue ({status})"
    ),
    "queue.no_recipients": QT_TRANSLATE_NOOP(
        "Messages",
        "campaign {campaign_id} has no recipients waiting to be sent; add recipients first",
    ),
    "queue.preflight_failed": QT_TRANSLATE_NOOP(
        "Messages",
        "campaign {campaign_id} cannot be queued until every recipient passes the "
        "checks (see `campaign preflight`): {problems}",
    ),
    "queue.not_queued": QT_TRANSLATE_NOOP(
        "Messages", "campaign {campaign_id} is not in the queue; enqueue it first"
    ),
    "queue.priority_range": QT_TRANSLATE_NOOP(
        "Messages", "priority must be between {low} and {high}"
    ),
    "queue.not_uncertain": QT_TRANSLATE_NOOP(
        "Messages",
        "not an uncertain recipient of campaign {campaign_id}: {missing}; "
        "{uncertain}; nothing was changed",
    ),
    "queue.uncertain_are": QT_TRANSLATE_NOOP("Messages", "the uncertain ones are {emails}"),
    "queue.uncertain_none": QT_TRANSLATE_NOOP("Messages", "it has none"),
    "queue.outside_hours": QT_TRANSLATE_NOOP("Messages", "outside working hours"),
    "limits.monthly_used": QT_TRANSLATE_NOOP("Messages", "monthly quota used: {used}/{limit}"),
    "limits.hourly_reached": QT_TRANSLATE_NOOP("Messages", "hourly limit reached: {used}/{limit}"),
    "limits.minute_reached": QT_TRANSLATE_NOOP(
        "Messages", "per-minute limit reached: {used}/{limit}"
    ),
    "limits.daily_reached": QT_TRANSLATE_NOOP("Messages", "daily limit reached: {used}/{limit}"),
    "queue.no_smtp": QT_TRANSLATE_NOOP(
        "Messages", "no SMTP settings yet: open Settings and enter your provider's server"
    ),
    "queue.no_password": QT_TRANSLATE_NOOP(
        "Messages", "no password is available for the SMTP account: enter it in Settings"
    ),
    "campaign.name_missing": QT_TRANSLATE_NOOP("Messages", "name: enter a name for the campaign"),
    "campaign.delete_queued": QT_TRANSLATE_NOOP(
        "Messages", "the campaign is in the queue; cancel it before deleting it"
    ),
    "campaign.test_address_invalid": QT_TRANSLATE_NOOP(
        "Messages", "--to: {address} is not an email address: {problem}"
    ),
    "campaign.test_address_reserved": QT_TRANSLATE_NOOP("Messages", "--to: {address}: {problem}"),
    "content_locked": QT_TRANSLATE_NOOP(
        "Messages",
        "campaign {campaign_id} is sending ({received} already received it): its "
        "subject, bodies, attachments and reply-to are read-only; pause it to edit",
    ),
    "content_change_unconfirmed": QT_TRANSLATE_NOOP(
        "Messages",
        "campaign {campaign_id}: {received} recipient(s) already received the "
        "earlier version; the rest will get the new one, and the report names the version "
        "each got. Confirm to save (CLI: --confirm-sent)",
    ),
    "lease.held": QT_TRANSLATE_NOOP(
        "Messages",
        "another Mailer ({label}, pid {pid} on {host}) is sending from this "
        "database since {since}; stop it or let it finish",
    ),
    "lease.lost": QT_TRANSLATE_NOOP("Messages", "this engine no longer holds the sending lease"),
    # --- the database (SQLite file or PostgreSQL)
    "db.bad_url": QT_TRANSLATE_NOOP(
        "Messages",
        "{url} is not a database URL Mailer can use; give sqlite:///path or "
        "postgresql+psycopg://user@host:port/database",
    ),
    "db.unreachable": QT_TRANSLATE_NOOP(
        "Messages",
        "cannot reach the PostgreSQL server at {host}:{port} (database {database}): "
        "{detail}; check that the server runs and the host and port are right",
    ),
    "db.lost": QT_TRANSLATE_NOOP(
        "Messages",
        "lost the connection to the PostgreSQL server at {host}:{port} (database {database}): "
        "{detail}; what was recorded is kept, and a message that was being sent is checked "
        "when sending starts again; run the command again once the server is back",
    ),
    "db.lost_retrying": QT_TRANSLATE_NOOP(
        "Messages",
        "lost the connection to the PostgreSQL server at {host}:{port} (database {database}); "
        "nothing recorded is lost; trying again every {seconds} s",
    ),
    "db.auth_failed": QT_TRANSLATE_NOOP(
        "Messages",
        "PostgreSQL at {host}:{port} refused user {user} for database {database}: {detail}; "
        "store the password with `config database-password` or in ~/.pgpass",
    ),
    "db.no_database": QT_TRANSLATE_NOOP(
        "Messages",
        "PostgreSQL at {host}:{port} has no database {database}: {detail}; "
        "create it (createdb) or correct the URL",
    ),
    "db.password_sqlite": QT_TRANSLATE_NOOP(
        "Messages",
        "a SQLite file has no password; give the PostgreSQL database with --database-url "
        "or MAILER_GUI_DATABASE_URL",
    ),
    "db.not_mailer": QT_TRANSLATE_NOOP(
        "Messages",
        "{where} is not a Mailer database (it has tables but no schema version); "
        "give an empty database or another URL",
    ),
    # --- attachments
    "attachment.not_a_file": QT_TRANSLATE_NOOP(
        "Messages", "{path}: not a file; choose a file to attach"
    ),
    "attachment.missing": QT_TRANSLATE_NOOP("Messages", "{path}: the file does not exist"),
    "attachment.bad_name": QT_TRANSLATE_NOOP(
        "Messages", "{name}: the file name has a line break or control character; rename the file"
    ),
    "attachment.too_large": QT_TRANSLATE_NOOP(
        "Messages",
        "{name}: {size} MB would bring the attachments to {total} MB, over the "
        "{limit} MB limit; compress the file or link to it instead",
    ),
    "attachment.unreadable": QT_TRANSLATE_NOOP(
        "Messages", "{path}: cannot read the file: {problem}"
    ),
    # --- templates and preflight
    "template.field": QT_TRANSLATE_NOOP("Messages", "{field}: {problem}"),
    "template.syntax": QT_TRANSLATE_NOOP("Messages", "{error} (line {line}): {detail}"),
    "template.error": QT_TRANSLATE_NOOP("Messages", "{error}: {detail}"),
    "template.header_breaks": QT_TRANSLATE_NOOP(
        "Messages",
        "line breaks or control characters are not allowed in a header; remove "
        "them from the template or the recipient's data",
    ),
    "template.not_address": QT_TRANSLATE_NOOP("Messages", "{address} is not an email address"),
    "template.address_unusable": QT_TRANSLATE_NOOP(
        "Messages", "{address} cannot be used: {problem}"
    ),
    "template.address_invalid": QT_TRANSLATE_NOOP(
        "Messages", "{address} is not a valid address: {problem}"
    ),
    "template.attachments_too_large": QT_TRANSLATE_NOOP(
        "Messages",
        "the attachments total {total} MB, over the {limit} MB limit; remove "
        "some, compress them, or link to the files instead",
    ),
    "template.empty": QT_TRANSLATE_NOOP(
        "Messages", "the message is empty; write the HTML or the text"
    ),
    "preflight.row": QT_TRANSLATE_NOOP("Messages", "row {row} ({email}): {field}: {problem}"),
    "preflight.address": QT_TRANSLATE_NOOP("Messages", "{email}: {field}: {problem}"),
    "preflight.campaign": QT_TRANSLATE_NOOP("Messages", "campaign: {field}: {problem}"),
    "preflight.more": QT_TRANSLATE_NOOP("Messages", "{head}; and {more} more"),
    "preflight.more_at_least": QT_TRANSLATE_NOOP("Messages", "{head}; and more"),
    # --- addresses
    "address.empty": QT_TRANSLATE_NOOP("Messages", "there is no email address"),
    "address.no_at_sign": QT_TRANSLATE_NOOP("Messages", "An email address must have an @-sign."),
    "address.nothing_before_at": QT_TRANSLATE_NOOP(
        "Messages", "There must be something before the @-sign."
    ),
    "address.nothing_after_at": QT_TRANSLATE_NOOP(
        "Messages", "There must be something after the @-sign."
    ),
    "address.no_period": QT_TRANSLATE_NOOP(
        "Messages", "The part after the @-sign is not valid. It should have a period."
    ),
    "address.period_after_at": QT_TRANSLATE_NOOP(
        "Messages", "An email address cannot have a period immediately after the @-sign."
    ),
    "address.ends_with_period": QT_TRANSLATE_NOOP(
        "Messages", "An email address cannot end with a period."
    ),
    "address.two_periods": QT_TRANSLATE_NOOP(
        "Messages", "An email address cannot have two periods in a row."
    ),
    "address.local_ascii": QT_TRANSLATE_NOOP(
        "Messages", "the part before the @-sign must be ASCII"
    ),
    "address.no_at": QT_TRANSLATE_NOOP(
        "Messages", "it has no @-sign with a name before it and a domain after it"
    ),
    "address.local_not_ascii": QT_TRANSLATE_NOOP(
        "Messages",
        "the part before the @-sign ({local}) is not ASCII: sending to it needs "
        "the server's SMTPUTF8 extension, which this app does not use; ask the recipient for "
        "an address in plain Latin letters",
    ),
    "address.bad_idn": QT_TRANSLATE_NOOP(
        "Messages", "the domain {domain} is not a valid internationalised domain"
    ),
    "address.reserved": QT_TRANSLATE_NOOP(
        "Messages",
        "{domain} is a reserved domain (RFC 2606/6761) that reaches nobody; only "
        "the demo, whose server keeps every message on this computer, sends to it. Put a real "
        "address in the row, or remove it",
    ),
    # --- import
    "import.invalid_address": QT_TRANSLATE_NOOP("Messages", "not a valid email address: {problem}"),
    "import.duplicate": QT_TRANSLATE_NOOP("Messages", "duplicate of row {row}"),
    "import.already_in": QT_TRANSLATE_NOOP("Messages", "already in the campaign"),
    "import.forgotten": QT_TRANSLATE_NOOP(
        "Messages",
        "this person asked to be forgotten; the address is blocked and was not imported",
    ),
    "import.duplicate_earlier": QT_TRANSLATE_NOOP(
        "Messages", "duplicate of a row earlier in the file"
    ),
    "forget.invalid": QT_TRANSLATE_NOOP(
        "Messages", "{address} is not an email address ({problem}); give the address to forget"
    ),
    "lists.name_missing": QT_TRANSLATE_NOOP("Messages", "a list needs a name; give --name"),
    "lists.name_taken": QT_TRANSLATE_NOOP(
        "Messages", "a list named {name} exists already (id {list_id}); choose another name"
    ),
    "lists.not_found": QT_TRANSLATE_NOOP(
        "Messages", "there is no list {list_id}; `list ls` shows the lists"
    ),
    "lists.in_use": QT_TRANSLATE_NOOP(
        "Messages",
        "list {list_id} is in the audience of campaign {campaign_id}, which is in the queue "
        "({status}); pause or cancel it before deleting the list",
    ),
    "lists.not_member": QT_TRANSLATE_NOOP(
        "Messages", "{address} is not on list {list_id}; `list show {list_id}` shows its contacts"
    ),
    "lists.bad_address": QT_TRANSLATE_NOOP(
        "Messages", "{address} is not an email address ({problem})"
    ),
    "audience.no_list": QT_TRANSLATE_NOOP(
        "Messages", "an audience needs at least one list to send to; give --list"
    ),
    "audience.no_campaign": QT_TRANSLATE_NOOP(
        "Messages",
        "--not-sent-to-campaign {campaign_id}: there is no such campaign; "
        "`campaign list` shows them",
    ),
    "audience.locked": QT_TRANSLATE_NOOP(
        "Messages",
        "campaign {campaign_id} is in the queue ({status}); pause or cancel it before "
        "changing its audience",
    ),
    "repeat.bad_cron": QT_TRANSLATE_NOOP(
        "Messages",
        "{cron} is not a calendar rule ({problem}); use five fields "
        'minute hour day month weekday, e.g. "0 10 * * mon"',
    ),
    "repeat.bad_time": QT_TRANSLATE_NOOP(
        "Messages",
        "{at} is not a time of day; use HH:MM, e.g. 10:00",
    ),
    "repeat.no_audience": QT_TRANSLATE_NOOP(
        "Messages",
        "campaign {campaign_id} has no audience; give it lists with `campaign audience` "
        "before it can repeat",
    ),
    "repeat.caught_up": QT_TRANSLATE_NOOP(
        "Messages",
        "{name}: {missed} repeat(s) were missed while the app was closed; one catch-up "
        "(campaign {campaign_id}) is sent now instead",
    ),
    "repeat.skipped": QT_TRANSLATE_NOOP(
        "Messages",
        "{name}: {missed} repeat(s) were missed while the app was closed, the last more "
        "than {grace} ago; none is sent, the next one is as planned",
    ),
    "import.cell_count": QT_TRANSLATE_NOOP(
        "Messages",
        "{cells} cells but the header has {width} columns; put values that "
        "contain the delimiter in double quotes",
    ),
    "import.looks_like_data": QT_TRANSLATE_NOOP(
        "Messages",
        "row {row} holds an address ({value}), not column names; add a header row "
        "naming the columns (e.g. email;first_name) as the first line",
    ),
    "import.no_rows": QT_TRANSLATE_NOOP(
        "Messages", "{file}: the file has no rows; add a header row and the recipients"
    ),
    "import.no_email_column": QT_TRANSLATE_NOOP(
        "Messages",
        "row {row}: no column looks like the email address (columns: {columns}); "
        "choose it, e.g. --map email=COLUMN",
    ),
    "import.no_such_column": QT_TRANSLATE_NOOP(
        "Messages", "row {row}: no column named {header} for {field}; the columns are: {columns}"
    ),
    "import.header_twice": QT_TRANSLATE_NOOP(
        "Messages",
        "row {row}: the header {header} appears in columns {columns}; rename one "
        "of them in the file",
    ),
    "import.column_mapped_twice": QT_TRANSLATE_NOOP(
        "Messages",
        "row {row}: column {header} is mapped to both {first} and {second}; map "
        "each field to its own column",
    ),
    "import.invalid_rows": QT_TRANSLATE_NOOP(
        "Messages", "{rows}; fix or remove these rows, then add the file again (nothing was added)"
    ),
    "import.invalid_rows_more": QT_TRANSLATE_NOOP(
        "Messages",
        "{rows}; and {more} more; fix or remove these rows, then add the file "
        "again (nothing was added)",
    ),
    "import.reject_row": QT_TRANSLATE_NOOP("Messages", "row {row}: {value} {reason}"),
    "file.missing": QT_TRANSLATE_NOOP("Messages", "{path}: the file does not exist"),
    "file.is_folder": QT_TRANSLATE_NOOP("Messages", "{path}: this is a folder; choose a file"),
    "file.unreadable": QT_TRANSLATE_NOOP("Messages", "{path}: cannot read the file: {problem}"),
    "file.mixed_encoding": QT_TRANSLATE_NOOP(
        "Messages",
        "{file}: line {line}: the file is UTF-8 up to here, then has bytes in "
        "another encoding; fix that line or choose the encoding yourself",
    ),
    "file.binary": QT_TRANSLATE_NOOP(
        "Messages",
        "{file}: this is not a text file (it contains binary data); export it "
        "from your spreadsheet as CSV (UTF-8) or XLSX",
    ),
    "file.unknown_encoding": QT_TRANSLATE_NOOP(
        "Messages",
        "{file}: unknown encoding {encoding}; choose another encoding (utf-8, "
        "cp1251, utf-16) or export it from your spreadsheet as CSV (UTF-8) or XLSX",
    ),
    "file.wrong_encoding": QT_TRANSLATE_NOOP(
        "Messages",
        "{file}: cannot be read as {encoding}; choose another encoding (utf-8, "
        "cp1251, utf-16) or export it from your spreadsheet as CSV (UTF-8) or XLSX",
    ),
    "file.bad_xlsx": QT_TRANSLATE_NOOP(
        "Messages",
        "{file}: cannot read this Excel file ({error}); open it in Excel and save "
        "it again as .xlsx",
    ),
    "file.empty": QT_TRANSLATE_NOOP(
        "Messages",
        "{file}: the file is empty; export it from your spreadsheet as CSV (UTF-8) or XLSX",
    ),
    "file.no_sheet": QT_TRANSLATE_NOOP(
        "Messages", "{file}: no sheet named {sheet}; the sheets are {sheets}"
    ),
    "file.xls": QT_TRANSLATE_NOOP(
        "Messages",
        "{file}: this is an old Excel (.xls) file; save it as .xlsx or CSV and import that",
    ),
    "file.bad_delimiter": QT_TRANSLATE_NOOP(
        "Messages", "delimiter {delimiter}: use one character such as , ; or tab"
    ),
    "file.row_encoding": QT_TRANSLATE_NOOP(
        "Messages",
        "{file}: row {row}: bytes that are not {encoding}; choose the file's "
        "encoding (utf-8, cp1251, utf-16) or export it from your spreadsheet as CSV (UTF-8) "
        "or XLSX",
    ),
    "file.row_quotes": QT_TRANSLATE_NOOP(
        "Messages",
        "{file}: row {row}: {error}; check the quotes in that row (a value with "
        "the delimiter or a line break must be in double quotes)",
    ),
    # --- settings
    "settings.field": QT_TRANSLATE_NOOP("Messages", "{field}: {problem}"),
    "settings.host": QT_TRANSLATE_NOOP(
        "Messages", "enter the SMTP server name, e.g. smtp.example.com"
    ),
    "settings.port": QT_TRANSLATE_NOOP(
        "Messages", "enter a port from 1 to 65535 (usually 587 or 465)"
    ),
    "settings.security": QT_TRANSLATE_NOOP("Messages", "choose one of none, starttls, tls"),
    "settings.from_addr": QT_TRANSLATE_NOOP(
        "Messages", "enter the sender address, e.g. news@example.com"
    ),
    "settings.reply_to": QT_TRANSLATE_NOOP("Messages", "enter a valid address or leave it empty"),
    "settings.line_breaks": QT_TRANSLATE_NOOP("Messages", "line breaks are not allowed here"),
    "settings.unsubscribe_url": QT_TRANSLATE_NOOP(
        "Messages", "enter an https:// address or leave it empty"
    ),
    "settings.timeout": QT_TRANSLATE_NOOP("Messages", "enter a timeout from 1 to 600 seconds"),
    "settings.signin": QT_TRANSLATE_NOOP(
        "Messages", "{value} is not a sign-in method; choose password, microsoft or google"
    ),
    "settings.pacing": QT_TRANSLATE_NOOP(
        "Messages", "{value} is not a pacing mode; choose off, spread or min_gap"
    ),
    "settings.min_gap": QT_TRANSLATE_NOOP(
        "Messages", "enter a gap between messages of more than 0 and at most {most} seconds"
    ),
    "settings.ca_invalid": QT_TRANSLATE_NOOP(
        "Messages", "{file}: {problem}; choose the CA file again"
    ),
    "settings.ca_default_name": QT_TRANSLATE_NOOP("Messages", "the CA file"),
    "settings.ca_private_key": QT_TRANSLATE_NOOP(
        "Messages",
        "{path}: the file holds a private key, which must stay on the server; "
        "choose the file with the certificate only",
    ),
    "settings.ca_no_certificate": QT_TRANSLATE_NOOP(
        "Messages", "it holds no certificate (-----BEGIN CERTIFICATE-----)"
    ),
    "settings.ca_not_valid": QT_TRANSLATE_NOOP(
        "Messages", "it is not a valid certificate ({problem})"
    ),
    "settings.ca_damaged": QT_TRANSLATE_NOOP("Messages", "a certificate in it is damaged"),
    "settings.ca_no_certificate_any": QT_TRANSLATE_NOOP(
        "Messages", "it holds no certificate (neither PEM text nor a DER certificate)"
    ),
    "settings.ca_bad_file": QT_TRANSLATE_NOOP(
        "Messages",
        "{path}: {problem}; choose a CA or certificate file in PEM format (.pem "
        "or .crt, starting -----BEGIN CERTIFICATE-----)",
    ),
    "settings.ca_too_large": QT_TRANSLATE_NOOP(
        "Messages", "the file is too large for a certificate file"
    ),
    "settings.ca_missing": QT_TRANSLATE_NOOP("Messages", "the file does not exist"),
    "settings.ca_folder": QT_TRANSLATE_NOOP("Messages", "this is a folder, not a file"),
    "settings.ca_unreadable": QT_TRANSLATE_NOOP("Messages", "cannot read it ({problem})"),
    "settings.hourly": QT_TRANSLATE_NOOP(
        "Messages", "enter a whole number of messages per hour, 1 or more"
    ),
    "settings.monthly": QT_TRANSLATE_NOOP(
        "Messages", "enter a whole number of messages per month, 1 or more"
    ),
    "settings.per_minute": QT_TRANSLATE_NOOP(
        "Messages", "enter a whole number of messages per minute, 0 (no limit) or more"
    ),
    "settings.daily": QT_TRANSLATE_NOOP(
        "Messages", "enter a whole number of messages per day, 0 (no limit) or more"
    ),
    "settings.timezone": QT_TRANSLATE_NOOP(
        "Messages", "unknown time zone {zone}; use an IANA name such as Europe/Moscow"
    ),
    "settings.not_a_time": QT_TRANSLATE_NOOP(
        "Messages", "{value} is not a time; use HH:MM, e.g. 09:00"
    ),
    "settings.start_24": QT_TRANSLATE_NOOP("Messages", "the working day cannot start at 24:00"),
    "settings.end_before_start": QT_TRANSLATE_NOOP(
        "Messages", "the working day must end after it starts (00:00-24:00 means all day)"
    ),
    "settings.no_days": QT_TRANSLATE_NOOP("Messages", "choose at least one working day"),
    "settings.not_a_day": QT_TRANSLATE_NOOP(
        "Messages", "{value} is not a day; use mon,tue,wed,thu,fri,sat,sun"
    ),
    "settings.not_a_day_range": QT_TRANSLATE_NOOP(
        "Messages", "{value} is not a day range; e.g. mon-fri"
    ),
    # --- SMTP (hold details and the connection test)
    "smtp.no_starttls": QT_TRANSLATE_NOOP(
        "Messages",
        "the server does not offer STARTTLS; the app will not send in plaintext. "
        "Choose security 'tls' or check the port",
    ),
    "smtp.no_password": QT_TRANSLATE_NOOP(
        "Messages", "no password is available for the SMTP account"
    ),
    "smtp.no_auth": QT_TRANSLATE_NOOP(
        "Messages", "the server does not offer login (AUTH); check the security setting and port"
    ),
    "smtp.plain_port": QT_TRANSLATE_NOOP(
        "Messages",
        "port {port} answers in plain text, not TLS: choose Security: STARTTLS "
        "(usually port 587), or use port 465 with TLS",
    ),
    "smtp.tls_failed": QT_TRANSLATE_NOOP("Messages", "TLS failed: {problem}"),
    "smtp.unreachable": QT_TRANSLATE_NOOP("Messages", "could not reach {host}:{port}: {problem}"),
    "smtp.implicit_tls": QT_TRANSLATE_NOOP(
        "Messages",
        "port {port} expects TLS from the start (implicit TLS), but Security is "
        "{security}: choose Security: TLS, or use port 587 with STARTTLS",
    ),
    "smtp.cert_name": QT_TRANSLATE_NOOP(
        "Messages",
        "the server's certificate is not valid for the name {host} ({detail}): "
        "enter the server name exactly as the certificate names it (your provider or "
        "administrator can tell), not an IP address or another alias",
    ),
    "smtp.cert_expired": QT_TRANSLATE_NOOP(
        "Messages",
        "the server's certificate has expired ({detail}): ask the server's "
        "administrator to renew it",
    ),
    "smtp.cert_untrusted": QT_TRANSLATE_NOOP(
        "Messages",
        "the server's certificate isn't signed by a trusted CA; if your company "
        "uses its own CA, choose its file in Settings → CA file (or `config smtp --ca-file`). "
        "Details: {detail}",
    ),
    "smtp.cert_untrusted_ca": QT_TRANSLATE_NOOP(
        "Messages",
        "the server's certificate isn't signed by a trusted CA, nor by the CA file "
        "you chose ({ca_file}); if your company uses its own CA, choose its file in Settings → "
        "CA file (or `config smtp --ca-file`). Details: {detail}",
    ),
    "smtp.cert_other": QT_TRANSLATE_NOOP(
        "Messages", "the server's certificate does not verify ({detail})"
    ),
    "smtp.refused_connection": QT_TRANSLATE_NOOP(
        "Messages",
        "the server refused the connection: {reply}. Check the host and port, or "
        "ask the provider why it refuses this account or computer",
    ),
    "smtp.refused_starttls": QT_TRANSLATE_NOOP(
        "Messages",
        "the server refused STARTTLS: {reply}. The app will not send in "
        "plaintext; check the Security setting and port, or ask the provider",
    ),
    "smtp.refused_login": QT_TRANSLATE_NOOP("Messages", "the server refused the login: {reply}"),
    "smtp.stopped_in_transaction": QT_TRANSLATE_NOOP(
        "Messages",
        "the app stopped during the SMTP transaction; the server may have accepted this message",
    ),
    # --- the mailbox loop (IMAP)
    "imap.user": QT_TRANSLATE_NOOP("Messages", "enter the IMAP user name (usually your address)"),
    "imap.folder": QT_TRANSLATE_NOOP("Messages", "enter the folder to read, e.g. INBOX"),
    "imap.check_minutes": QT_TRANSLATE_NOOP(
        "Messages", "enter how often to check the mailbox: 1 to 1440 minutes"
    ),
    "imap.bounce_rate_percent": QT_TRANSLATE_NOOP(
        "Messages", "enter the bounce-rate threshold as a percentage above 0, at most 100"
    ),
    "imap.bounce_rate_min_sent": QT_TRANSLATE_NOOP(
        "Messages", "enter how many messages must go out before the guard applies: 1 or more"
    ),
    "imap.not_configured": QT_TRANSLATE_NOOP(
        "Messages",
        "the mailbox (IMAP) is not set up: use `config imap` or Settings, Mailbox",
    ),
    "imap.no_password": QT_TRANSLATE_NOOP(
        "Messages",
        "no IMAP password for {user}: give it with `config imap --password-stdin` or in "
        "Settings, or set MAILER_GUI_IMAP_PASSWORD for this run",
    ),
    "imap.login_failed": QT_TRANSLATE_NOOP(
        "Messages",
        "the IMAP server refused the login of {user}: {reply}. Check the user and password "
        "(some providers want an app password for IMAP)",
    ),
    "imap.connect_failed": QT_TRANSLATE_NOOP(
        "Messages", "cannot connect to the IMAP server {host}:{port}: {problem}"
    ),
    "imap.timeout": QT_TRANSLATE_NOOP(
        "Messages",
        "the IMAP server {host}:{port} did not answer in time; check the host, port and security",
    ),
    "imap.protocol": QT_TRANSLATE_NOOP("Messages", "the IMAP server answered: {problem}"),
    "imap.no_folder": QT_TRANSLATE_NOOP(
        "Messages", "cannot open the IMAP folder {folder}: {reply}. Check the folder name"
    ),
    "imap.cert": QT_TRANSLATE_NOOP(
        "Messages", "the IMAP server's certificate for {host} does not verify ({detail})"
    ),
    "imap.plain_port": QT_TRANSLATE_NOOP(
        "Messages",
        "port {port} does not speak TLS from the first byte; choose STARTTLS (port 143) "
        "or the TLS port (993)",
    ),
    "imap.tls_failed": QT_TRANSLATE_NOOP("Messages", "IMAP TLS failed: {problem}"),
    "guard.bounce_rate": QT_TRANSLATE_NOOP(
        "Messages",
        "campaign {campaign} paused: {bounced} of {sent} messages bounced for good "
        "({percent} %, the limit is {threshold} %). Providers suspend accounts with many "
        "bounces: clean the list, then resume",
    ),
    "mailbox.found": QT_TRANSLATE_NOOP(
        "Messages",
        "mailbox check: {bounces} hard bounces, {soft_bounces} soft bounces, "
        "{unsubscribes} unsubscribes, {complaints} complaints; {suppressed} addresses suppressed",
    ),
    "mailbox.uncertain_in_sent": QT_TRANSLATE_NOOP(
        "Messages",
        "{n} uncertain recipient(s) of {campaign} were found in the Sent folder {folder}: "
        "they were sent. Mark them sent (Resolve uncertain, or `campaign resolve-uncertain "
        "{campaign_id} --mark-sent`)",
    ),
    # --- sign-in with Microsoft or Google (XOAUTH2)
    "oauth.sign_in_again": QT_TRANSLATE_NOOP(
        "Messages",
        "the {provider} sign-in has expired or was revoked ({error}): sign in again "
        "in Settings (or `config signin`)",
    ),
    "oauth.not_signed_in": QT_TRANSLATE_NOOP(
        "Messages",
        "{login} is not signed in with {provider}: sign in in Settings (or `config signin`)",
    ),
    "oauth.refused": QT_TRANSLATE_NOOP(
        "Messages",
        "the server refused the {provider} sign-in: {reply}. Sign in again in Settings "
        "(or `config signin`); if it persists, check that the account may send by SMTP",
    ),
    "oauth.unreachable": QT_TRANSLATE_NOOP(
        "Messages", "could not reach the {provider} sign-in service: {problem}"
    ),
    "oauth.flow_failed": QT_TRANSLATE_NOOP(
        "Messages", "the {provider} sign-in did not complete: {error}"
    ),
    "oauth.no_client_id": QT_TRANSLATE_NOOP(
        "Messages",
        "no {provider} app (client id) is set: enter your organisation's in Settings → "
        "Sign-in apps (or `config oauth`; see README, Sign in with Microsoft or Google)",
    ),
    "oauth.bad_authority": QT_TRANSLATE_NOOP(
        "Messages", "the sign-in authority {authority} cannot be used: {problem}"
    ),
    "oauth.bad_url": QT_TRANSLATE_NOOP("Messages", "{url} is not an https:// address"),
    "oauth.no_xoauth2": QT_TRANSLATE_NOOP(
        "Messages",
        "the server does not offer sign-in with a token (AUTH XOAUTH2); check the server "
        "name and port, or sign in with a password",
    ),
}

<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Mailer</source>
        <translation>О программе Mailer</translation>
    </message>
    <message>
        <source>&lt;p&gt;Version {version}&lt;/p&gt;&lt;p&gt;Email campaigns from your laptop, through your own SMTP account, within your provider&apos;s limits.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Версия {version}&lt;/p&gt;&lt;p&gt;Email-рассылки с вашего компьютера через ваш SMTP-аккаунт, в пределах лимитов провайдера.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Папка данных</translation>
    </message>
    <message>
        <source>Settings folder</source>
        <translation>Папка настроек</translation>
    </message>
    <message>
        <source>Log folder</source>
        <translation>Папка журналов</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Открыть папку</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>База данных</translation>
    </message>
    <message>
        <source>PostgreSQL {where} (team mode)</source>
        <translation>PostgreSQL {where} (командный режим)</translation>
    </message>
    <message>
        <source>SQLite file {where}</source>
        <translation>файл SQLite {where}</translation>
    </message>
    <message>
        <source>Copy diagnostics</source>
        <translation>Копировать диагностику</translation>
    </message>
    <message>
        <source>Versions, folders, settings (never the password) and the last log lines, for a support request</source>
        <translation>Версии, папки, настройки (без пароля) и последние строки журнала — для обращения в поддержку</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>Скопировано в буфер обмена.</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Mailer</source>
        <translation>Mailer</translation>
    </message>
    <message>
        <source>Could not open the data folder %1:
%2</source>
        <translation>Не удалось открыть папку данных %1:
%2</translation>
    </message>
</context>
<context>
    <name>AppsDialog</name>
    <message>
        <source>Sign-in apps</source>
        <translation>Приложения для входа</translation>
    </message>
    <message>
        <source>Microsoft app (client) id</source>
        <translation>ID приложения Microsoft</translation>
    </message>
    <message>
        <source>Microsoft authority</source>
        <translation>Служба входа Microsoft (authority)</translation>
    </message>
    <message>
        <source>Google client id</source>
        <translation>ID клиента Google</translation>
    </message>
    <message>
        <source>Google client secret</source>
        <translation>Секрет клиента Google</translation>
    </message>
    <message>
        <source>Google documents the client secret of a desktop app as not confidential; it is stored with the settings. The sign-in itself goes to the keychain.</source>
        <translation>Google считает секрет клиента настольного приложения неконфиденциальным; он хранится вместе с настройками. Сами данные входа хранятся в хранилище паролей.</translation>
    </message>
</context>
<context>
    <name>AttachmentsPanel</name>
    <message>
        <source>Add file…</source>
        <translation>Добавить файл…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Attach a file</source>
        <translation>Вложить файл</translation>
    </message>
    <message>
        <source>Attachment too large</source>
        <translation>Слишком большое вложение</translation>
    </message>
    <message>
        <source>Attachments may total at most {limit}; with this file they would be {total}. Link to large files instead.</source>
        <translation>Общий размер вложений — не более {limit}, а с этим файлом получится {total}. Большие файлы лучше дать ссылкой.</translation>
    </message>
    <message>
        <source>%1 B</source>
        <translation>%1 Б</translation>
    </message>
    <message>
        <source>%1 KB</source>
        <translation>%1 КБ</translation>
    </message>
    <message>
        <source>%1 MB</source>
        <translation>%1 МБ</translation>
    </message>
</context>
<context>
    <name>AudienceTab</name>
    <message>
        <source>Send to these lists</source>
        <translation>Отправить этим спискам</translation>
    </message>
    <message>
        <source>Leave out these lists</source>
        <translation>Исключить эти списки</translation>
    </message>
    <message>
        <source>Leave out those sent</source>
        <translation>Исключить получивших</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>Повторять</translation>
    </message>
    <message>
        <source>e.g. 0 10 * * mon (every Monday at 10:00)</source>
        <translation>например, 0 10 * * mon (каждый понедельник в 10:00)</translation>
    </message>
    <message>
        <source>Stop repeating</source>
        <translation>Больше не повторять</translation>
    </message>
    <message>
        <source>Calendar rule (cron)</source>
        <translation>Правило календаря (cron)</translation>
    </message>
    <message>
        <source>First working day of the month at</source>
        <translation>Первый рабочий день месяца в</translation>
    </message>
    <message>
        <source>e.g. 10:00 (Monday to Friday, not a day off or public holiday)</source>
        <translation>например, 10:00 (понедельник–пятница, кроме выходных и праздников)</translation>
    </message>
    <message>
        <source>No list chosen: the campaign sends to the recipients imported into it.</source>
        <translation>Список не выбран: рассылка уйдёт получателям, импортированным в неё.</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Подсчёт…</translation>
    </message>
    <message>
        <source>Reaches %1 of %2 contacts on the lists. Left out: %3 on a list left out, %4 sent an earlier campaign, %5 on the suppression list.</source>
        <translation>Получат %1 из %2 контактов в списках. Исключены: %3 в исключённом списке, %4 уже получили прежнюю рассылку, %5 в стоп-листе.</translation>
    </message>
    <message>
        <source>Does not repeat.</source>
        <translation>Не повторяется.</translation>
    </message>
    <message>
        <source>Next: %1</source>
        <translation>Следующие: %1</translation>
    </message>
</context>
<context>
    <name>BudgetLabel</name>
    <message>
        <source>This hour %1/%2 · Month %3/%4</source>
        <translation>За час %1/%2 · За месяц %3/%4</translation>
    </message>
    <message>
        <source> · next slot in %1</source>
        <translation> · следующее окно через %1</translation>
    </message>
</context>
<context>
    <name>CampaignEditor</name>
    <message>
        <source>Content</source>
        <translation>Содержание</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Получатели</translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>Аудитория</translation>
    </message>
    <message>
        <source>e.g. November newsletter</source>
        <translation>например, Новости ноября</translation>
    </message>
    <message>
        <source>e.g. News for you, {{ first_name }}</source>
        <translation>например, Новости для вас, {{ first_name }}</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Отправитель</translation>
    </message>
    <message>
        <source>Optional. Left empty, a plain-text part is made from the HTML.</source>
        <translation>Необязательно. Если оставить пустым, текстовая версия будет создана из HTML.</translation>
    </message>
    <message>
        <source>HTML</source>
        <translation>HTML</translation>
    </message>
    <message>
        <source>Plain text</source>
        <translation>Простой текст</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Вложения</translation>
    </message>
    <message>
        <source>Body</source>
        <translation>Текст письма</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Настройки…</translation>
    </message>
    <message>
        <source>Not set up yet</source>
        <translation>Ещё не настроен</translation>
    </message>
    <message>
        <source>This campaign is being sent: {n} recipient(s) already received it. Its subject, bodies and attachments are read-only so that everyone gets the same message. Pause to edit.</source>
        <translation>Рассылка отправляется: её уже получили {n} адресат(ов). Тема, тексты и вложения доступны только для чтения, чтобы все получили одно и то же письмо. Приостановите рассылку, чтобы изменить их.</translation>
    </message>
    <message>
        <source>Change a campaign already sent?</source>
        <translation>Изменить уже отправляемую рассылку?</translation>
    </message>
    <message>
        <source>{n} recipient(s) already received the earlier version. The others will get the changed one, and the report will name the version (subject) each recipient got. Save the change?</source>
        <translation>{n} адресат(ов) уже получили прежнюю версию. Остальные получат изменённую, а в отчёте будет указана версия (тема), которую получил каждый. Сохранить изменение?</translation>
    </message>
    <message>
        <source>enter a name for the campaign</source>
        <translation>введите название рассылки</translation>
    </message>
    <message>
        <source>Cannot save</source>
        <translation>Не удалось сохранить</translation>
    </message>
    <message>
        <source>The campaign was deleted; save it as a new one.</source>
        <translation>Рассылка была удалена; сохраните её как новую.</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Несохранённые изменения</translation>
    </message>
    <message>
        <source>The campaign “{name}” has unsaved changes. Save them?</source>
        <translation>В рассылке «{name}» есть несохранённые изменения. Сохранить их?</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>Без названия</translation>
    </message>
    <message>
        <source>Enter the address to send the test to.</source>
        <translation>Введите адрес для тестового письма.</translation>
    </message>
    <message>
        <source>Fix the template first: {error}</source>
        <translation>Сначала исправьте шаблон: {error}</translation>
    </message>
</context>
<context>
    <name>CampaignList</name>
    <message>
        <source>Filter campaigns</source>
        <translation>Поиск рассылок</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Дублировать</translation>
    </message>
</context>
<context>
    <name>CampaignModel</name>
    <message>
        <source>Campaign</source>
        <translation>Рассылка</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Получатели</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Изменена</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Черновик</translation>
    </message>
</context>
<context>
    <name>ContactsModel</name>
    <message>
        <source>Email</source>
        <translation>Эл. почта</translation>
    </message>
    <message>
        <source>Came from</source>
        <translation>Откуда</translation>
    </message>
</context>
<context>
    <name>ContactsView</name>
    <message>
        <source>Lists</source>
        <translation>Списки</translation>
    </message>
    <message>
        <source>New list…</source>
        <translation>Новый список…</translation>
    </message>
    <message>
        <source>Search address or any field</source>
        <translation>Поиск по адресу или любому полю</translation>
    </message>
    <message>
        <source>Import into list…</source>
        <translation>Импорт в список…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>Рассылка</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Итог</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>Select a contact to see the campaigns sent to it.</source>
        <translation>Выберите контакт, чтобы увидеть отправленные ему рассылки.</translation>
    </message>
    <message>
        <source>Campaigns sent to %1</source>
        <translation>Рассылки, отправленные на %1</translation>
    </message>
    <message>
        <source>No campaign was sent to %1 yet.</source>
        <translation>На %1 ещё не отправляли рассылок.</translation>
    </message>
    <message>
        <source>Waiting to be sent</source>
        <translation>Ждёт отправки</translation>
    </message>
    <message>
        <source>Being sent</source>
        <translation>Отправляется</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Отправлено</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Не доставлено</translation>
    </message>
    <message>
        <source>Uncertain (may have arrived)</source>
        <translation>Неизвестно (могло дойти)</translation>
    </message>
    <message>
        <source>Not sent: on the suppression list</source>
        <translation>Не отправлено: в стоп-листе</translation>
    </message>
    <message>
        <source>Bounced</source>
        <translation>Возврат</translation>
    </message>
    <message>
        <source>All contacts</source>
        <translation>Все контакты</translation>
    </message>
    <message numerus="yes">
        <source>%n contact(s)</source>
        <translation>
            <numerusform>%n контакт</numerusform>
            <numerusform>%n контакта</numerusform>
            <numerusform>%n контактов</numerusform>
        </translation>
    </message>
    <message>
        <source>New list</source>
        <translation>Новый список</translation>
    </message>
    <message>
        <source>Name of the list</source>
        <translation>Название списка</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Переименовать…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Удалить…</translation>
    </message>
    <message>
        <source>Rename list</source>
        <translation>Переименовать список</translation>
    </message>
    <message>
        <source>New name of the list</source>
        <translation>Новое название списка</translation>
    </message>
    <message>
        <source>Delete list</source>
        <translation>Удалить список</translation>
    </message>
    <message>
        <source>Delete the list %1? Its contacts stay (on their other lists, or as contacts on no list), and campaigns no longer send to it.</source>
        <translation>Удалить список %1? Его контакты останутся (в других списках или как контакты вне списков), а рассылки больше не будут отправляться по нему.</translation>
    </message>
    <message>
        <source>List %1 deleted; its %2 contact(s) stay.</source>
        <translation>Список %1 удалён; его контакты (%2) остались.</translation>
    </message>
    <message>
        <source>The list is back.</source>
        <translation>Список восстановлен.</translation>
    </message>
    <message>
        <source>Import into list</source>
        <translation>Импорт в список</translation>
    </message>
    <message>
        <source>Tables (*.csv *.txt *.xlsx)</source>
        <translation>Таблицы (*.csv *.txt *.xlsx)</translation>
    </message>
    <message>
        <source>Some contacts may be stored already. What about their fields?</source>
        <translation>Некоторые контакты, возможно, уже есть. Что делать с их полями?</translation>
    </message>
    <message>
        <source>Keep theirs</source>
        <translation>Оставить прежние</translation>
    </message>
    <message>
        <source>Take the file&apos;s</source>
        <translation>Взять из файла</translation>
    </message>
    <message>
        <source>On the list: %1 (new %2, updated %3, kept %4). Rejected: %5 invalid, %6 duplicate, %7 blocked.</source>
        <translation>В списке: %1 (новых %2, обновлено %3, без изменений %4). Отклонено: %5 неверных, %6 повторов, %7 заблокировано.</translation>
    </message>
    <message>
        <source>Export contacts</source>
        <translation>Экспорт контактов</translation>
    </message>
    <message>
        <source>CSV (*.csv);;Excel (*.xlsx)</source>
        <translation>CSV (*.csv);;Excel (*.xlsx)</translation>
    </message>
    <message numerus="yes">
        <source>%n contact(s) exported</source>
        <translation>
            <numerusform>экспортирован %n контакт</numerusform>
            <numerusform>экспортировано %n контакта</numerusform>
            <numerusform>экспортировано %n контактов</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DiscoverPanel</name>
    <message>
        <source>Find settings</source>
        <translation>Найти настройки</translation>
    </message>
    <message>
        <source>Look up the server settings of this address (its provider&apos;s autoconfig)</source>
        <translation>Найти настройки сервера для этого адреса (автонастройка провайдера)</translation>
    </message>
    <message>
        <source>Use these settings</source>
        <translation>Использовать эти настройки</translation>
    </message>
    <message>
        <source>Enter the sender address first.</source>
        <translation>Сначала введите адрес отправителя.</translation>
    </message>
    <message>
        <source>Looking up {address}…</source>
        <translation>Поиск настроек для {address}…</translation>
    </message>
    <message>
        <source>Nothing found for this address: enter your provider&apos;s server below.</source>
        <translation>Для этого адреса ничего не найдено: укажите сервер провайдера вручную.</translation>
    </message>
    <message>
        <source>sign in with Microsoft</source>
        <translation>вход через Microsoft</translation>
    </message>
    <message>
        <source>sign in with Google</source>
        <translation>вход через Google</translation>
    </message>
    <message>
        <source>password</source>
        <translation>пароль</translation>
    </message>
    <message>
        <source>{provider}: {host}:{port} ({security}), {how}</source>
        <translation>{provider}: {host}:{port} ({security}), {how}</translation>
    </message>
</context>
<context>
    <name>EnqueueBar</name>
    <message>
        <source>Start at</source>
        <translation>Начать в</translation>
    </message>
    <message>
        <source>Put in queue</source>
        <translation>Поставить в очередь</translation>
    </message>
    <message>
        <source>In the time zone of the working hours: %1</source>
        <translation>В часовом поясе рабочих часов: %1</translation>
    </message>
    <message>
        <source>Checking every recipient…</source>
        <translation>Проверка всех получателей…</translation>
    </message>
    <message>
        <source>{n} problems: see Recipients</source>
        <translation>Проблем: {n}, см. «Получатели»</translation>
    </message>
    <message>
        <source>Check failed: {error}</source>
        <translation>Проверка не удалась: {error}</translation>
    </message>
    <message>
        <source>The start time is in the past.</source>
        <translation>Время начала уже прошло.</translation>
    </message>
    <message>
        <source>Cannot queue</source>
        <translation>Не удалось поставить в очередь</translation>
    </message>
    <message>
        <source>In the queue.</source>
        <translation>Рассылка в очереди.</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export send report</source>
        <translation>Экспорт отчёта об отправке</translation>
    </message>
    <message>
        <source>Send report of “%1”</source>
        <translation>Отчёт об отправке «%1»</translation>
    </message>
    <message>
        <source>Who got the campaign, who did not and why; its pauses and sending rate.</source>
        <translation>Кто получил рассылку, кто нет и почему; паузы и скорость отправки.</translation>
    </message>
    <message>
        <source>Sends in a period</source>
        <translation>Отправки за период</translation>
    </message>
    <message>
        <source>Every message handed to the server, across campaigns, with daily and hourly totals against the limits, to match the provider&apos;s bill. Days are in the time zone of the settings.</source>
        <translation>Все письма, переданные серверу, по всем рассылкам, с итогами по дням и часам в сравнении с лимитами — чтобы сверить со счётом провайдера. Дни считаются в часовом поясе из настроек.</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>С:</translation>
    </message>
    <message>
        <source>To (included):</source>
        <translation>По (включительно):</translation>
    </message>
    <message>
        <source>CSV — opens in any spreadsheet</source>
        <translation>CSV — открывается в любой таблице</translation>
    </message>
    <message>
        <source>Excel workbook (.xlsx)</source>
        <translation>Книга Excel (.xlsx)</translation>
    </message>
    <message>
        <source>PDF — summary, pauses and chart</source>
        <translation>PDF — сводка, паузы и график</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>Формат:</translation>
    </message>
    <message>
        <source>Comma ( , )</source>
        <translation>Запятая ( , )</translation>
    </message>
    <message>
        <source>Semicolon ( ; ) — Excel in many European languages</source>
        <translation>Точка с запятой ( ; ) — для русского Excel</translation>
    </message>
    <message>
        <source>Separator:</source>
        <translation>Разделитель:</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Выбрать…</translation>
    </message>
    <message>
        <source>Save as:</source>
        <translation>Сохранить как:</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Экспорт</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Открыть папку</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation>Файлы Excel (*.xlsx)</translation>
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation>Файлы PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Save the report as</source>
        <translation>Сохранить отчёт как</translation>
    </message>
    <message>
        <source>Choose where to save the report.</source>
        <translation>Выберите, куда сохранить отчёт.</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>Экспорт…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Отмена…</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 страница</translation>
    </message>
    <message>
        <source>%1 pages</source>
        <translation>%1 стр.</translation>
    </message>
    <message>
        <source>1 row</source>
        <translation>1 строка</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>строк: %1</translation>
    </message>
    <message>
        <source>Saved %1 (%2).</source>
        <translation>Сохранено: %1 (%2).</translation>
    </message>
    <message>
        <source>Cancelled; no file was written.</source>
        <translation>Отменено; файл не записан.</translation>
    </message>
    <message>
        <source>The report could not be saved: %1</source>
        <translation>Не удалось сохранить отчёт: %1</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
</context>
<context>
    <name>FieldPicker</name>
    <message>
        <source>Insert field</source>
        <translation>Вставить поле</translation>
    </message>
    <message>
        <source>Insert a personal field where the cursor is</source>
        <translation>Вставить персональное поле в позицию курсора</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>Choose a CSV or Excel (.xlsx) file</source>
        <translation>Выберите файл CSV или Excel (.xlsx)</translation>
    </message>
    <message>
        <source>Choose file…</source>
        <translation>Выбрать файл…</translation>
    </message>
    <message>
        <source>; semicolon</source>
        <translation>; точка с запятой</translation>
    </message>
    <message>
        <source>, comma</source>
        <translation>, запятая</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>табуляция</translation>
    </message>
    <message>
        <source>How to read it</source>
        <translation>Как читать файл</translation>
    </message>
    <message>
        <source>Encoding</source>
        <translation>Кодировка</translation>
    </message>
    <message>
        <source>Delimiter</source>
        <translation>Разделитель</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>Лист</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>Столбцы</translation>
    </message>
    <message>
        <source>Other columns are imported too, named after their header (e.g. “Company” becomes {{ company }}).</source>
        <translation>Остальные столбцы тоже импортируются под именем из заголовка: «Компания» станет {{ компания }}.</translation>
    </message>
    <message>
        <source>First rows of the file</source>
        <translation>Первые строки файла</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>(не импортировать)</translation>
    </message>
    <message>
        <source>(choose the column)</source>
        <translation>(выберите столбец)</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Import recipients</source>
        <translation>Импорт получателей</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Импортировать</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>Choose the recipients file</source>
        <translation>Выберите файл с получателями</translation>
    </message>
    <message>
        <source>Spreadsheets (*.csv *.txt *.tsv *.xlsx);;All files (*)</source>
        <translation>Таблицы (*.csv *.txt *.tsv *.xlsx);;Все файлы (*)</translation>
    </message>
    <message>
        <source>No column looks like an email address: choose it under Columns, or pick another sheet.</source>
        <translation>Ни один столбец не похож на адрес email: укажите его в разделе «Столбцы» или выберите другой лист.</translation>
    </message>
    <message>
        <source>No column looks like an email address: choose it under Columns.</source>
        <translation>Ни один столбец не похож на адрес email: укажите его в разделе «Столбцы».</translation>
    </message>
    <message>
        <source>Choose the column that holds the email address.</source>
        <translation>Выберите столбец с адресом email.</translation>
    </message>
    <message>
        <source>Importing {name}…</source>
        <translation>Импорт {name}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Отмена…</translation>
    </message>
    <message>
        <source>Import cancelled; no recipient was added.</source>
        <translation>Импорт отменён; получатели не добавлены.</translation>
    </message>
    <message>
        <source>The import failed: {error}</source>
        <translation>Импорт не удался: {error}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{imported}&lt;/b&gt; imported · &lt;b&gt;{invalid}&lt;/b&gt; invalid · &lt;b&gt;{duplicate}&lt;/b&gt; duplicate · &lt;b&gt;{suppressed}&lt;/b&gt; on the suppression list</source>
        <translation>Импортировано: &lt;b&gt;{imported}&lt;/b&gt; · с ошибками: &lt;b&gt;{invalid}&lt;/b&gt; · повторов: &lt;b&gt;{duplicate}&lt;/b&gt; · в списке исключений: &lt;b&gt;{suppressed}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Строка</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>{n} rows were not imported:</source>
        <translation>Не импортированы строки ({n}):</translation>
    </message>
    <message>
        <source>Every row was imported.</source>
        <translation>Все строки импортированы.</translation>
    </message>
    <message>
        <source>Save rejected rows</source>
        <translation>Сохранить отклонённые строки</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>LimitsPage</name>
    <message>
        <source>no change</source>
        <translation>без изменений</translation>
    </message>
    <message>
        <source>Off: as fast as the limits allow</source>
        <translation>Выключено: так быстро, как позволяют лимиты</translation>
    </message>
    <message>
        <source>Spread evenly over the strictest limit</source>
        <translation>Равномерно по самому строгому лимиту</translation>
    </message>
    <message>
        <source>At least a fixed gap between messages</source>
        <translation>Не меньше заданного промежутка между письмами</translation>
    </message>
    <message>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <source>At most one message every {seconds} s.</source>
        <translation>Не больше одного письма каждые {seconds} с.</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>Пн</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>Вт</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>Ср</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>Чт</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>Пт</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>Сб</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>Вс</translation>
    </message>
    <message>
        <source>Sending windows</source>
        <translation>Окна отправки</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Добавить</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Убрать</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Нет</translation>
    </message>
    <message>
        <source>Whole country</source>
        <translation>Вся страна</translation>
    </message>
    <message>
        <source>{day}: “{text}” is not a list of windows: write HH:MM–HH:MM, several separated by commas (09:00–13:00, 14:00–18:00), each with different start and end.</source>
        <translation>{day}: «{text}» — не список окон: пишите ЧЧ:ММ–ЧЧ:ММ, несколько через запятую (09:00–13:00, 14:00–18:00), начало и конец каждого окна должны различаться.</translation>
    </message>
    <message>
        <source>Provider limits</source>
        <translation>Лимиты провайдера</translation>
    </message>
    <message>
        <source>Messages per minute</source>
        <translation>Писем в минуту</translation>
    </message>
    <message>
        <source>Messages per hour</source>
        <translation>Писем в час</translation>
    </message>
    <message>
        <source>Messages per day</source>
        <translation>Писем в день</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>без лимита</translation>
    </message>
    <message>
        <source>Each limit holds over the clock minute, hour, local day or calendar month and over the last 60 seconds, 60 minutes or 24 hours. 0: no limit (per minute and per day).</source>
        <translation>Каждый лимит действует в пределах календарной минуты, часа, местных суток или календарного месяца и за последние 60 секунд, 60 минут или 24 часа. 0 — без лимита (в минуту и в день).</translation>
    </message>
    <message>
        <source>Messages per month</source>
        <translation>Писем в месяц</translation>
    </message>
    <message>
        <source>Working hours</source>
        <translation>Рабочие часы</translation>
    </message>
    <message>
        <source>Several windows a day: 09:00–13:00, 14:00–18:00. Empty: closed. An end before the start runs past midnight (22:00–02:00); 00:00–24:00 is all day.</source>
        <translation>Несколько окон в день: 09:00–13:00, 14:00–18:00. Пусто — выходной. Конец раньше начала — окно через полночь (22:00–02:00); 00:00–24:00 — круглосуточно.</translation>
    </message>
    <message>
        <source>Days off</source>
        <translation>Нерабочие дни</translation>
    </message>
    <message>
        <source>Public holidays</source>
        <translation>Праздники</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Регион</translation>
    </message>
    <message>
        <source>The calendar has no sending time: add a window to at least one weekday.</source>
        <translation>В календаре нет времени для отправки: добавьте окно хотя бы в один день недели.</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <source>Pacing</source>
        <translation>Равномерность</translation>
    </message>
    <message>
        <source>Provider quota sync</source>
        <translation>Сверка квоты с провайдером</translation>
    </message>
    <message>
        <source>Used this month, as the provider shows now</source>
        <translation>Израсходовано за месяц по данным провайдера</translation>
    </message>
    <message>
        <source>Not synced yet: the month&apos;s usage counts only messages sent by this app.</source>
        <translation>Сверки ещё не было: расход за месяц учитывает только письма, отправленные этой программой.</translation>
    </message>
    <message>
        <source>Last sync: {used} used as of {when}; messages sent since are added.</source>
        <translation>Последняя сверка: израсходовано {used} на {when}; письма, отправленные после этого, прибавляются.</translation>
    </message>
</context>
<context>
    <name>MailboxLabel</name>
    <message>
        <source>Mailbox: checking…</source>
        <translation>Почтовый ящик: проверка…</translation>
    </message>
    <message>
        <source>Mailbox %1: %2 bounces, %3 unsubscribes, %4 complaints</source>
        <translation>Почтовый ящик %1: возвратов %2, отписок %3, жалоб %4</translation>
    </message>
    <message>
        <source>Last mailbox check: %1 new messages, %2 soft bounces, %3 ignored, %4 unreadable; %5 addresses suppressed</source>
        <translation>Последняя проверка ящика: новых писем %1, временных возвратов %2, пропущено %3, нечитаемых %4; в список исключений добавлено адресов: %5</translation>
    </message>
    <message>
        <source>Mailbox: check failed</source>
        <translation>Почтовый ящик: проверка не удалась</translation>
    </message>
</context>
<context>
    <name>MailboxPage</name>
    <message>
        <source>TLS (usually port 993)</source>
        <translation>TLS (обычно порт 993)</translation>
    </message>
    <message>
        <source>STARTTLS (usually port 143)</source>
        <translation>STARTTLS (обычно порт 143)</translation>
    </message>
    <message>
        <source>None: plain text (local servers only)</source>
        <translation>Нет: без шифрования (только локальные серверы)</translation>
    </message>
    <message>
        <source>Use the SMTP account&apos;s password (same login)</source>
        <translation>Использовать пароль SMTP (тот же логин)</translation>
    </message>
    <message>
        <source>Use the server found for the SMTP account</source>
        <translation>Подставить сервер по SMTP-аккаунту</translation>
    </message>
    <message>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <source>Mailbox (IMAP)</source>
        <translation>Почтовый ящик (IMAP)</translation>
    </message>
    <message>
        <source>IMAP server</source>
        <translation>Сервер IMAP</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Шифрование</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Папка</translation>
    </message>
    <message>
        <source>Checking and the bounce-rate guard</source>
        <translation>Проверка и защита от возвратов</translation>
    </message>
    <message>
        <source>Check every</source>
        <translation>Проверять каждые</translation>
    </message>
    <message>
        <source>Pause a campaign at</source>
        <translation>Приостановить рассылку при</translation>
    </message>
    <message>
        <source>…of hard bounces, once sent</source>
        <translation>…постоянных возвратов, когда отправлено не менее</translation>
    </message>
    <message>
        <source>Bounces, unsubscribe replies and spam complaints that reach this mailbox put the address on the suppression list. Messages read are flagged, never deleted.</source>
        <translation>Возвраты, ответы с отпиской и жалобы на спам, пришедшие в этот ящик, добавляют адрес в список исключений. Прочитанные письма помечаются и никогда не удаляются.</translation>
    </message>
    <message>
        <source>saved; leave empty to keep it</source>
        <translation>сохранён; оставьте пустым, чтобы не менять</translation>
    </message>
    <message>
        <source>The mailbox has not been checked yet.</source>
        <translation>Ящик ещё не проверялся.</translation>
    </message>
    <message>
        <source>Last check %1 failed: %2</source>
        <translation>Проверка %1 не удалась: %2</translation>
    </message>
    <message>
        <source>Last check %1: %2 bounces, %3 unsubscribes, %4 complaints</source>
        <translation>Последняя проверка %1: возвратов %2, отписок %3, жалоб %4</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Mailer</source>
        <translation>Mailer</translation>
    </message>
    <message>
        <source> (demo)</source>
        <translation> (демо)</translation>
    </message>
    <message>
        <source>The campaign editor is not part of this build.</source>
        <translation>Редактор рассылок не входит в эту сборку.</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>Рассылки</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Уведомления</translation>
    </message>
    <message>
        <source>Team: %1</source>
        <translation>Команда: %1</translation>
    </message>
    <message>
        <source>this window</source>
        <translation>это окно</translation>
    </message>
    <message>
        <source>not known yet</source>
        <translation>пока неизвестно</translation>
    </message>
    <message>
        <source>Team mode: the queue, settings and limits live in the PostgreSQL database %1, shared with every Mailer on it. Sending: %2</source>
        <translation>Командный режим: очередь, настройки и лимиты хранятся в базе PostgreSQL %1, общей для всех Mailer, подключённых к ней. Отправляет: %2</translation>
    </message>
    <message>
        <source>open the Outbox</source>
        <translation>откройте «Исходящие»</translation>
    </message>
    <message>
        <source>DEMO — messages stay on this computer; %1</source>
        <translation>ДЕМО — письма остаются на этом компьютере; %1</translation>
    </message>
    <message>
        <source>Demo mode: a built-in mail server on 127.0.0.1:%1 keeps every message; nothing is delivered. Data folder: %2</source>
        <translation>Демо-режим: встроенный почтовый сервер на 127.0.0.1:%1 сохраняет все письма, ничего не доставляется. Папка данных: %2</translation>
    </message>
    <message>
        <source>Show Mailer</source>
        <translation>Показать Mailer</translation>
    </message>
    <message>
        <source>Sending “%1”</source>
        <translation>Отправляется «%1»</translation>
    </message>
    <message>
        <source>Read-only: another Mailer is sending</source>
        <translation>Только просмотр: отправляет другой экземпляр Mailer</translation>
    </message>
    <message>
        <source>Read-only: %1 is sending</source>
        <translation>Только просмотр: отправляет %1</translation>
    </message>
    <message>
        <source>This campaign is not in the queue.</source>
        <translation>Этой рассылки нет в очереди.</translation>
    </message>
    <message>
        <source>This part is not available in this build.</source>
        <translation>Эта функция недоступна в данной сборке.</translation>
    </message>
    <message>
        <source>Import recipients</source>
        <translation>Импорт получателей</translation>
    </message>
    <message>
        <source>Choose or save a campaign first.</source>
        <translation>Сначала выберите или сохраните рассылку.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>The new language applies when you restart Mailer.</source>
        <translation>Новый язык включится после перезапуска Mailer.</translation>
    </message>
    <message>
        <source>“%1” is being sent now.</source>
        <translation>Сейчас отправляется «%1».</translation>
    </message>
    <message>
        <source>Campaigns waiting to be sent: %1.</source>
        <translation>Ждут отправки рассылок: %1.</translation>
    </message>
    <message>
        <source>Mailer sends only while it is open: nothing is sent while it is closed. What is left continues when you open Mailer again.</source>
        <translation>Mailer отправляет письма, только пока он открыт: пока он закрыт, ничего не отправляется. Оставшееся продолжится, когда вы снова откроете Mailer.</translation>
    </message>
    <message>
        <source>In the tray, Mailer stays open and goes on sending.</source>
        <translation>В трее Mailer остаётся открытым и продолжает отправку.</translation>
    </message>
    <message>
        <source>Mailer is sending</source>
        <translation>Mailer отправляет письма</translation>
    </message>
    <message>
        <source>Quit after the current message</source>
        <translation>Выйти после текущего письма</translation>
    </message>
    <message>
        <source>Keep sending in the tray</source>
        <translation>Продолжить отправку в трее</translation>
    </message>
    <message>
        <source>Stopping after the current message…</source>
        <translation>Остановка после текущего письма…</translation>
    </message>
    <message>
        <source>&amp;New campaign</source>
        <translation>&amp;Новая рассылка</translation>
    </message>
    <message>
        <source>Start a new campaign</source>
        <translation>Начать новую рассылку</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Сохранить</translation>
    </message>
    <message>
        <source>Save the campaign</source>
        <translation>Сохранить рассылку</translation>
    </message>
    <message>
        <source>Send &amp;test</source>
        <translation>Отправить &amp;тест</translation>
    </message>
    <message>
        <source>Send the campaign to your own address</source>
        <translation>Отправить рассылку на свой адрес</translation>
    </message>
    <message>
        <source>&amp;Enqueue</source>
        <translation>В &amp;очередь</translation>
    </message>
    <message>
        <source>Put the campaign in the sending queue</source>
        <translation>Поставить рассылку в очередь отправки</translation>
    </message>
    <message>
        <source>&amp;Pause/Resume</source>
        <translation>&amp;Пауза/продолжить</translation>
    </message>
    <message>
        <source>Pause or resume the current campaign</source>
        <translation>Приостановить или возобновить текущую рассылку</translation>
    </message>
    <message>
        <source>&amp;Duplicate</source>
        <translation>&amp;Дублировать</translation>
    </message>
    <message>
        <source>A new campaign with this content, attachments and audience</source>
        <translation>Новая рассылка с тем же содержимым, вложениями и аудиторией</translation>
    </message>
    <message>
        <source>C&amp;ontacts</source>
        <translation>К&amp;онтакты</translation>
    </message>
    <message>
        <source>Contact lists kept between campaigns</source>
        <translation>Списки контактов, которые хранятся между рассылками</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>&amp;Настройки…</translation>
    </message>
    <message>
        <source>SMTP account, limits and working hours</source>
        <translation>SMTP-аккаунт, лимиты и рабочие часы</translation>
    </message>
    <message>
        <source>E&amp;xport report…</source>
        <translation>&amp;Экспорт отчёта…</translation>
    </message>
    <message>
        <source>Export a send report</source>
        <translation>Выгрузить отчёт об отправке</translation>
    </message>
    <message>
        <source>&amp;Import recipients…</source>
        <translation>&amp;Импорт получателей…</translation>
    </message>
    <message>
        <source>Import recipients from a CSV or Excel file</source>
        <translation>Импортировать получателей из файла CSV или Excel</translation>
    </message>
    <message>
        <source>&amp;About Mailer</source>
        <translation>&amp;О программе Mailer</translation>
    </message>
    <message>
        <source>Demo &amp;outbox</source>
        <translation>&amp;Исходящие (демо)</translation>
    </message>
    <message>
        <source>Messages caught by the demo server</source>
        <translation>Письма, принятые демо-сервером</translation>
    </message>
    <message>
        <source>Check &amp;mailbox now</source>
        <translation>Проверить &amp;почтовый ящик</translation>
    </message>
    <message>
        <source>Read bounces, unsubscribes and complaints from the mailbox</source>
        <translation>Прочитать возвраты, отписки и жалобы из почтового ящика</translation>
    </message>
    <message>
        <source>Suppression &amp;list…</source>
        <translation>Список &amp;исключений…</translation>
    </message>
    <message>
        <source>Addresses never mailed again, with the reason and the date</source>
        <translation>Адреса, на которые больше не отправляются письма, с причиной и датой</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>&amp;Campaign</source>
        <translation>&amp;Рассылка</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Основная панель</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Язык</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Язык системы</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>campaign {campaign_id} does not exist; `status` lists the ids</source>
        <translation>рассылки {campaign_id} нет; список номеров показывает `status`</translation>
    </message>
    <message>
        <source>campaign {campaign_id} is already in the queue ({status})</source>
        <translation>рассылка {campaign_id} уже в очереди ({status})</translation>
    </message>
    <message>
        <source>campaign {campaign_id} has no recipients waiting to be sent; add recipients first</source>
        <translation>у рассылки {campaign_id} нет получателей, ожидающих отправки; сначала добавьте получателей</translation>
    </message>
    <message>
        <source>campaign {campaign_id} cannot be queued until every recipient passes the checks (see `campaign preflight`): {problems}</source>
        <translation>рассылку {campaign_id} нельзя поставить в очередь, пока все получатели не пройдут проверку (см. «Проверить»): {problems}</translation>
    </message>
    <message>
        <source>campaign {campaign_id} is not in the queue; enqueue it first</source>
        <translation>рассылки {campaign_id} нет в очереди; сначала поставьте её в очередь</translation>
    </message>
    <message>
        <source>priority must be between {low} and {high}</source>
        <translation>приоритет должен быть от {low} до {high}</translation>
    </message>
    <message>
        <source>not an uncertain recipient of campaign {campaign_id}: {missing}; {uncertain}; nothing was changed</source>
        <translation>это не получатели рассылки {campaign_id} с неизвестным итогом: {missing}; {uncertain}; ничего не изменено</translation>
    </message>
    <message>
        <source>the uncertain ones are {emails}</source>
        <translation>с неизвестным итогом: {emails}</translation>
    </message>
    <message>
        <source>it has none</source>
        <translation>таких нет</translation>
    </message>
    <message>
        <source>outside working hours</source>
        <translation>вне рабочих часов</translation>
    </message>
    <message>
        <source>monthly quota used: {used}/{limit}</source>
        <translation>месячная квота израсходована: {used}/{limit}</translation>
    </message>
    <message>
        <source>hourly limit reached: {used}/{limit}</source>
        <translation>достигнут часовой лимит: {used}/{limit}</translation>
    </message>
    <message>
        <source>per-minute limit reached: {used}/{limit}</source>
        <translation>достигнут поминутный лимит: {used}/{limit}</translation>
    </message>
    <message>
        <source>daily limit reached: {used}/{limit}</source>
        <translation>достигнут дневной лимит: {used}/{limit}</translation>
    </message>
    <message>
        <source>no SMTP settings yet: open Settings and enter your provider&apos;s server</source>
        <translation>SMTP ещё не настроен: откройте «Настройки» и укажите сервер провайдера</translation>
    </message>
    <message>
        <source>no password is available for the SMTP account: enter it in Settings</source>
        <translation>нет пароля для учётной записи SMTP: введите его в «Настройках»</translation>
    </message>
    <message>
        <source>name: enter a name for the campaign</source>
        <translation>название: введите название рассылки</translation>
    </message>
    <message>
        <source>the campaign is in the queue; cancel it before deleting it</source>
        <translation>рассылка в очереди; отмените её, прежде чем удалять</translation>
    </message>
    <message>
        <source>--to: {address} is not an email address: {problem}</source>
        <translation>адрес {address} — не адрес электронной почты: {problem}</translation>
    </message>
    <message>
        <source>--to: {address}: {problem}</source>
        <translation>адрес {address}: {problem}</translation>
    </message>
    <message>
        <source>campaign {campaign_id} is sending ({received} already received it): its subject, bodies, attachments and reply-to are read-only; pause it to edit</source>
        <translation>рассылка {campaign_id} отправляется (уже получили: {received}): тему, текст, вложения и адрес для ответа менять нельзя; приостановите её, чтобы редактировать</translation>
    </message>
    <message>
        <source>campaign {campaign_id}: {received} recipient(s) already received the earlier version; the rest will get the new one, and the report names the version each got. Confirm to save (CLI: --confirm-sent)</source>
        <translation>рассылка {campaign_id}: прежнюю версию уже получили ({received}); остальные получат новую, а в отчёте будет указана версия для каждого. Подтвердите сохранение (CLI: --confirm-sent)</translation>
    </message>
    <message>
        <source>another Mailer ({label}, pid {pid} on {host}) is sending from this database since {since}; stop it or let it finish</source>
        <translation>другой Mailer ({label}, pid {pid} на {host}) отправляет из этой базы с {since}; остановите его или дождитесь окончания</translation>
    </message>
    <message>
        <source>this engine no longer holds the sending lease</source>
        <translation>этот отправитель больше не владеет правом на отправку</translation>
    </message>
    <message>
        <source>{url} is not a database URL Mailer can use; give sqlite:///path or postgresql+psycopg://user@host:port/database</source>
        <translation>{url} — не адрес базы данных, с которым работает Mailer; укажите sqlite:///путь или postgresql+psycopg://пользователь@сервер:порт/база</translation>
    </message>
    <message>
        <source>cannot reach the PostgreSQL server at {host}:{port} (database {database}): {detail}; check that the server runs and the host and port are right</source>
        <translation>нет связи с сервером PostgreSQL {host}:{port} (база {database}): {detail}; проверьте, что сервер работает и что адрес и порт указаны верно</translation>
    </message>
    <message>
        <source>lost the connection to the PostgreSQL server at {host}:{port} (database {database}): {detail}; what was recorded is kept, and a message that was being sent is checked when sending starts again; run the command again once the server is back</source>
        <translation>связь с сервером PostgreSQL {host}:{port} (база {database}) потеряна: {detail}; всё записанное сохранено, а письмо, которое отправлялось в этот момент, будет проверено при следующем запуске отправки; запустите команду снова, когда сервер вернётся</translation>
    </message>
    <message>
        <source>lost the connection to the PostgreSQL server at {host}:{port} (database {database}); nothing recorded is lost; trying again every {seconds} s</source>
        <translation>связь с сервером PostgreSQL {host}:{port} (база {database}) потеряна; всё записанное сохранено; новая попытка каждые {seconds} с</translation>
    </message>
    <message>
        <source>PostgreSQL at {host}:{port} refused user {user} for database {database}: {detail}; store the password with `config database-password` or in ~/.pgpass</source>
        <translation>PostgreSQL на {host}:{port} не пустил пользователя {user} в базу {database}: {detail}; сохраните пароль командой `config database-password` или в ~/.pgpass</translation>
    </message>
    <message>
        <source>PostgreSQL at {host}:{port} has no database {database}: {detail}; create it (createdb) or correct the URL</source>
        <translation>на PostgreSQL {host}:{port} нет базы {database}: {detail}; создайте её (createdb) или исправьте адрес</translation>
    </message>
    <message>
        <source>a SQLite file has no password; give the PostgreSQL database with --database-url or MAILER_GUI_DATABASE_URL</source>
        <translation>у файла SQLite нет пароля; укажите базу PostgreSQL через --database-url или MAILER_GUI_DATABASE_URL</translation>
    </message>
    <message>
        <source>{where} is not a Mailer database (it has tables but no schema version); give an empty database or another URL</source>
        <translation>{where} — не база Mailer (в ней есть таблицы, но нет версии схемы); укажите пустую базу или другой адрес</translation>
    </message>
    <message>
        <source>{path}: not a file; choose a file to attach</source>
        <translation>{path}: это не файл; выберите файл для вложения</translation>
    </message>
    <message>
        <source>{path}: the file does not exist</source>
        <translation>{path}: файла не существует</translation>
    </message>
    <message>
        <source>{name}: the file name has a line break or control character; rename the file</source>
        <translation>{name}: в имени файла есть перевод строки или управляющий символ; переименуйте файл</translation>
    </message>
    <message>
        <source>{name}: {size} MB would bring the attachments to {total} MB, over the {limit} MB limit; compress the file or link to it instead</source>
        <translation>{name}: с этим файлом ({size} МБ) вложения займут {total} МБ — больше предела {limit} МБ; сожмите файл или дайте на него ссылку</translation>
    </message>
    <message>
        <source>{path}: cannot read the file: {problem}</source>
        <translation>{path}: не удаётся прочитать файл: {problem}</translation>
    </message>
    <message>
        <source>{field}: {problem}</source>
        <translation>{field}: {problem}</translation>
    </message>
    <message>
        <source>{error} (line {line}): {detail}</source>
        <translation>{error} (строка {line}): {detail}</translation>
    </message>
    <message>
        <source>{error}: {detail}</source>
        <translation>{error}: {detail}</translation>
    </message>
    <message>
        <source>line breaks or control characters are not allowed in a header; remove them from the template or the recipient&apos;s data</source>
        <translation>в заголовке нельзя использовать переводы строк и управляющие символы; уберите их из шаблона или из данных получателя</translation>
    </message>
    <message>
        <source>{address} is not an email address</source>
        <translation>{address} — не адрес электронной почты</translation>
    </message>
    <message>
        <source>{address} cannot be used: {problem}</source>
        <translation>{address} нельзя использовать: {problem}</translation>
    </message>
    <message>
        <source>{address} is not a valid address: {problem}</source>
        <translation>{address} — недопустимый адрес: {problem}</translation>
    </message>
    <message>
        <source>the attachments total {total} MB, over the {limit} MB limit; remove some, compress them, or link to the files instead</source>
        <translation>вложения занимают {total} МБ — больше предела {limit} МБ; удалите часть, сожмите их или дайте ссылки на файлы</translation>
    </message>
    <message>
        <source>the message is empty; write the HTML or the text</source>
        <translation>письмо пустое; напишите HTML или текст</translation>
    </message>
    <message>
        <source>row {row} ({email}): {field}: {problem}</source>
        <translation>строка {row} ({email}): {field}: {problem}</translation>
    </message>
    <message>
        <source>{email}: {field}: {problem}</source>
        <translation>{email}: {field}: {problem}</translation>
    </message>
    <message>
        <source>campaign: {field}: {problem}</source>
        <translation>рассылка: {field}: {problem}</translation>
    </message>
    <message>
        <source>{head}; and {more} more</source>
        <translation>{head}; и ещё {more}</translation>
    </message>
    <message>
        <source>{head}; and more</source>
        <translation>{head}; и другие</translation>
    </message>
    <message>
        <source>there is no email address</source>
        <translation>адрес электронной почты не указан</translation>
    </message>
    <message>
        <source>An email address must have an @-sign.</source>
        <translation>в адресе должен быть знак @.</translation>
    </message>
    <message>
        <source>There must be something before the @-sign.</source>
        <translation>перед знаком @ должно что-то быть.</translation>
    </message>
    <message>
        <source>There must be something after the @-sign.</source>
        <translation>после знака @ должно что-то быть.</translation>
    </message>
    <message>
        <source>The part after the @-sign is not valid. It should have a period.</source>
        <translation>часть после знака @ недопустима: в ней должна быть точка.</translation>
    </message>
    <message>
        <source>An email address cannot have a period immediately after the @-sign.</source>
        <translation>сразу после знака @ не может стоять точка.</translation>
    </message>
    <message>
        <source>An email address cannot end with a period.</source>
        <translation>адрес электронной почты не может заканчиваться точкой.</translation>
    </message>
    <message>
        <source>An email address cannot have two periods in a row.</source>
        <translation>в адресе электронной почты не может быть двух точек подряд.</translation>
    </message>
    <message>
        <source>the part before the @-sign must be ASCII</source>
        <translation>часть до знака @ должна состоять из латинских символов (ASCII)</translation>
    </message>
    <message>
        <source>it has no @-sign with a name before it and a domain after it</source>
        <translation>в нём нет знака @ с именем перед ним и доменом после</translation>
    </message>
    <message>
        <source>the part before the @-sign ({local}) is not ASCII: sending to it needs the server&apos;s SMTPUTF8 extension, which this app does not use; ask the recipient for an address in plain Latin letters</source>
        <translation>часть до знака @ ({local}) не из латинских символов (ASCII): для отправки на неё нужно расширение сервера SMTPUTF8, которое приложение не использует; попросите у получателя адрес латиницей</translation>
    </message>
    <message>
        <source>the domain {domain} is not a valid internationalised domain</source>
        <translation>домен {domain} — недопустимый международный домен</translation>
    </message>
    <message>
        <source>{domain} is a reserved domain (RFC 2606/6761) that reaches nobody; only the demo, whose server keeps every message on this computer, sends to it. Put a real address in the row, or remove it</source>
        <translation>{domain} — зарезервированный домен (RFC 2606/6761), письма на него никому не доходят; на него отправляет только демо, чей сервер хранит все письма на этом компьютере. Укажите в строке настоящий адрес или удалите её</translation>
    </message>
    <message>
        <source>not a valid email address: {problem}</source>
        <translation>недопустимый адрес электронной почты: {problem}</translation>
    </message>
    <message>
        <source>duplicate of row {row}</source>
        <translation>повтор строки {row}</translation>
    </message>
    <message>
        <source>already in the campaign</source>
        <translation>уже есть в рассылке</translation>
    </message>
    <message>
        <source>this person asked to be forgotten; the address is blocked and was not imported</source>
        <translation>этот человек попросил удалить его данные; адрес заблокирован и не импортирован</translation>
    </message>
    <message>
        <source>duplicate of a row earlier in the file</source>
        <translation>повтор строки, которая есть в файле выше</translation>
    </message>
    <message>
        <source>{address} is not an email address ({problem}); give the address to forget</source>
        <translation>{address} — не адрес эл. почты ({problem}); укажите адрес, который нужно забыть</translation>
    </message>
    <message>
        <source>a list needs a name; give --name</source>
        <translation>у списка должно быть название; укажите --name</translation>
    </message>
    <message>
        <source>a list named {name} exists already (id {list_id}); choose another name</source>
        <translation>список с названием {name} уже есть (id {list_id}); выберите другое название</translation>
    </message>
    <message>
        <source>there is no list {list_id}; `list ls` shows the lists</source>
        <translation>списка {list_id} нет; `list ls` показывает списки</translation>
    </message>
    <message>
        <source>list {list_id} is in the audience of campaign {campaign_id}, which is in the queue ({status}); pause or cancel it before deleting the list</source>
        <translation>список {list_id} входит в аудиторию рассылки {campaign_id}, которая стоит в очереди ({status}); приостановите или отмените её, прежде чем удалять список</translation>
    </message>
    <message>
        <source>{address} is not on list {list_id}; `list show {list_id}` shows its contacts</source>
        <translation>{address} нет в списке {list_id}; `list show {list_id}` показывает его контакты</translation>
    </message>
    <message>
        <source>{address} is not an email address ({problem})</source>
        <translation>{address} — не адрес эл. почты ({problem})</translation>
    </message>
    <message>
        <source>an audience needs at least one list to send to; give --list</source>
        <translation>аудитории нужен хотя бы один список получателей; укажите --list</translation>
    </message>
    <message>
        <source>--not-sent-to-campaign {campaign_id}: there is no such campaign; `campaign list` shows them</source>
        <translation>--not-sent-to-campaign {campaign_id}: такой рассылки нет; `campaign list` показывает рассылки</translation>
    </message>
    <message>
        <source>campaign {campaign_id} is in the queue ({status}); pause or cancel it before changing its audience</source>
        <translation>рассылка {campaign_id} в очереди ({status}); приостановите или отмените её, прежде чем менять аудиторию</translation>
    </message>
    <message>
        <source>{cron} is not a calendar rule ({problem}); use five fields minute hour day month weekday, e.g. &quot;0 10 * * mon&quot;</source>
        <translation>{cron} — не правило календаря ({problem}); укажите пять полей: минута час день месяц день_недели, например &quot;0 10 * * mon&quot;</translation>
    </message>
    <message>
        <source>{at} is not a time of day; use HH:MM, e.g. 10:00</source>
        <translation>{at} — не время суток; укажите ЧЧ:ММ, например 10:00</translation>
    </message>
    <message>
        <source>campaign {campaign_id} has no audience; give it lists with `campaign audience` before it can repeat</source>
        <translation>у рассылки {campaign_id} нет аудитории; задайте списки командой `campaign audience`, чтобы она могла повторяться</translation>
    </message>
    <message>
        <source>{name}: {missed} repeat(s) were missed while the app was closed; one catch-up (campaign {campaign_id}) is sent now instead</source>
        <translation>{name}: пока приложение было закрыто, пропущено повторов: {missed}; вместо них сейчас отправляется одна рассылка (рассылка {campaign_id})</translation>
    </message>
    <message>
        <source>{name}: {missed} repeat(s) were missed while the app was closed, the last more than {grace} ago; none is sent, the next one is as planned</source>
        <translation>{name}: пока приложение было закрыто, пропущено повторов: {missed}, последний — больше {grace} назад; ничего не отправлено, следующий — по плану</translation>
    </message>
    <message>
        <source>{cells} cells but the header has {width} columns; put values that contain the delimiter in double quotes</source>
        <translation>ячеек: {cells}, а в заголовке столбцов: {width}; заключите значения, содержащие разделитель, в двойные кавычки</translation>
    </message>
    <message>
        <source>row {row} holds an address ({value}), not column names; add a header row naming the columns (e.g. email;first_name) as the first line</source>
        <translation>в строке {row} адрес ({value}), а не названия столбцов; добавьте первой строкой заголовок с названиями столбцов (например, email;first_name)</translation>
    </message>
    <message>
        <source>{file}: the file has no rows; add a header row and the recipients</source>
        <translation>{file}: в файле нет строк; добавьте строку заголовка и получателей</translation>
    </message>
    <message>
        <source>row {row}: no column looks like the email address (columns: {columns}); choose it, e.g. --map email=COLUMN</source>
        <translation>строка {row}: ни один столбец не похож на адрес электронной почты (столбцы: {columns}); выберите его (в CLI: --map email=СТОЛБЕЦ)</translation>
    </message>
    <message>
        <source>row {row}: no column named {header} for {field}; the columns are: {columns}</source>
        <translation>строка {row}: нет столбца {header} для поля {field}; столбцы: {columns}</translation>
    </message>
    <message>
        <source>row {row}: the header {header} appears in columns {columns}; rename one of them in the file</source>
        <translation>строка {row}: заголовок {header} встречается в столбцах {columns}; переименуйте один из них в файле</translation>
    </message>
    <message>
        <source>row {row}: column {header} is mapped to both {first} and {second}; map each field to its own column</source>
        <translation>строка {row}: столбец {header} сопоставлен и с {first}, и с {second}; сопоставьте каждому полю свой столбец</translation>
    </message>
    <message>
        <source>{rows}; fix or remove these rows, then add the file again (nothing was added)</source>
        <translation>{rows}; исправьте или удалите эти строки и добавьте файл снова (ничего не добавлено)</translation>
    </message>
    <message>
        <source>{rows}; and {more} more; fix or remove these rows, then add the file again (nothing was added)</source>
        <translation>{rows}; и ещё {more}; исправьте или удалите эти строки и добавьте файл снова (ничего не добавлено)</translation>
    </message>
    <message>
        <source>row {row}: {value} {reason}</source>
        <translation>строка {row}: {value} {reason}</translation>
    </message>
    <message>
        <source>{path}: this is a folder; choose a file</source>
        <translation>{path}: это папка; выберите файл</translation>
    </message>
    <message>
        <source>{file}: line {line}: the file is UTF-8 up to here, then has bytes in another encoding; fix that line or choose the encoding yourself</source>
        <translation>{file}: строка {line}: до неё файл в UTF-8, дальше байты в другой кодировке; исправьте эту строку или выберите кодировку сами</translation>
    </message>
    <message>
        <source>{file}: this is not a text file (it contains binary data); export it from your spreadsheet as CSV (UTF-8) or XLSX</source>
        <translation>{file}: это не текстовый файл (в нём двоичные данные); сохраните таблицу как CSV (UTF-8) или XLSX</translation>
    </message>
    <message>
        <source>{file}: unknown encoding {encoding}; choose another encoding (utf-8, cp1251, utf-16) or export it from your spreadsheet as CSV (UTF-8) or XLSX</source>
        <translation>{file}: неизвестная кодировка {encoding}; выберите другую (utf-8, cp1251, utf-16) или сохраните таблицу как CSV (UTF-8) или XLSX</translation>
    </message>
    <message>
        <source>{file}: cannot be read as {encoding}; choose another encoding (utf-8, cp1251, utf-16) or export it from your spreadsheet as CSV (UTF-8) or XLSX</source>
        <translation>{file}: не читается в кодировке {encoding}; выберите другую (utf-8, cp1251, utf-16) или сохраните таблицу как CSV (UTF-8) или XLSX</translation>
    </message>
    <message>
        <source>{file}: cannot read this Excel file ({error}); open it in Excel and save it again as .xlsx</source>
        <translation>{file}: не удаётся прочитать этот файл Excel ({error}); откройте его в Excel и сохраните заново как .xlsx</translation>
    </message>
    <message>
        <source>{file}: the file is empty; export it from your spreadsheet as CSV (UTF-8) or XLSX</source>
        <translation>{file}: файл пустой; сохраните таблицу как CSV (UTF-8) или XLSX</translation>
    </message>
    <message>
        <source>{file}: no sheet named {sheet}; the sheets are {sheets}</source>
        <translation>{file}: нет листа {sheet}; листы: {sheets}</translation>
    </message>
    <message>
        <source>{file}: this is an old Excel (.xls) file; save it as .xlsx or CSV and import that</source>
        <translation>{file}: это старый файл Excel (.xls); сохраните его как .xlsx или CSV и импортируйте</translation>
    </message>
    <message>
        <source>delimiter {delimiter}: use one character such as , ; or tab</source>
        <translation>разделитель {delimiter}: укажите один символ, например , ; или табуляцию</translation>
    </message>
    <message>
        <source>{file}: row {row}: bytes that are not {encoding}; choose the file&apos;s encoding (utf-8, cp1251, utf-16) or export it from your spreadsheet as CSV (UTF-8) or XLSX</source>
        <translation>{file}: строка {row}: байты не в кодировке {encoding}; выберите кодировку файла (utf-8, cp1251, utf-16) или сохраните таблицу как CSV (UTF-8) или XLSX</translation>
    </message>
    <message>
        <source>{file}: row {row}: {error}; check the quotes in that row (a value with the delimiter or a line break must be in double quotes)</source>
        <translation>{file}: строка {row}: {error}; проверьте кавычки в этой строке (значение с разделителем или переводом строки должно быть в двойных кавычках)</translation>
    </message>
    <message>
        <source>enter the SMTP server name, e.g. smtp.example.com</source>
        <translation>введите имя SMTP-сервера, например smtp.example.com</translation>
    </message>
    <message>
        <source>enter a port from 1 to 65535 (usually 587 or 465)</source>
        <translation>введите порт от 1 до 65535 (обычно 587 или 465)</translation>
    </message>
    <message>
        <source>choose one of none, starttls, tls</source>
        <translation>выберите одно из: none, starttls, tls</translation>
    </message>
    <message>
        <source>enter the sender address, e.g. news@example.com</source>
        <translation>введите адрес отправителя, например news@example.com</translation>
    </message>
    <message>
        <source>enter a valid address or leave it empty</source>
        <translation>введите правильный адрес или оставьте поле пустым</translation>
    </message>
    <message>
        <source>line breaks are not allowed here</source>
        <translation>переводы строк здесь не допускаются</translation>
    </message>
    <message>
        <source>enter an https:// address or leave it empty</source>
        <translation>введите адрес https:// или оставьте поле пустым</translation>
    </message>
    <message>
        <source>enter a timeout from 1 to 600 seconds</source>
        <translation>введите тайм-аут от 1 до 600 секунд</translation>
    </message>
    <message>
        <source>{value} is not a sign-in method; choose password, microsoft or google</source>
        <translation>{value} — неизвестный способ входа; выберите password, microsoft или google</translation>
    </message>
    <message>
        <source>{value} is not a pacing mode; choose off, spread or min_gap</source>
        <translation>{value} — неизвестный режим равномерности; выберите off, spread или min_gap</translation>
    </message>
    <message>
        <source>enter a gap between messages of more than 0 and at most {most} seconds</source>
        <translation>укажите промежуток между письмами больше 0 и не больше {most} секунд</translation>
    </message>
    <message>
        <source>{file}: {problem}; choose the CA file again</source>
        <translation>{file}: {problem}; выберите файл CA заново</translation>
    </message>
    <message>
        <source>the CA file</source>
        <translation>файл CA</translation>
    </message>
    <message>
        <source>{path}: the file holds a private key, which must stay on the server; choose the file with the certificate only</source>
        <translation>{path}: в файле закрытый ключ, который должен оставаться на сервере; выберите файл только с сертификатом</translation>
    </message>
    <message>
        <source>it holds no certificate (-----BEGIN CERTIFICATE-----)</source>
        <translation>в нём нет сертификата (-----BEGIN CERTIFICATE-----)</translation>
    </message>
    <message>
        <source>it is not a valid certificate ({problem})</source>
        <translation>это недействительный сертификат ({problem})</translation>
    </message>
    <message>
        <source>a certificate in it is damaged</source>
        <translation>сертификат в нём повреждён</translation>
    </message>
    <message>
        <source>it holds no certificate (neither PEM text nor a DER certificate)</source>
        <translation>в нём нет сертификата (ни текста PEM, ни сертификата DER)</translation>
    </message>
    <message>
        <source>{path}: {problem}; choose a CA or certificate file in PEM format (.pem or .crt, starting -----BEGIN CERTIFICATE-----)</source>
        <translation>{path}: {problem}; выберите файл CA или сертификата в формате PEM (.pem или .crt, начинается с -----BEGIN CERTIFICATE-----)</translation>
    </message>
    <message>
        <source>the file is too large for a certificate file</source>
        <translation>файл слишком велик для файла сертификата</translation>
    </message>
    <message>
        <source>the file does not exist</source>
        <translation>файла не существует</translation>
    </message>
    <message>
        <source>this is a folder, not a file</source>
        <translation>это папка, а не файл</translation>
    </message>
    <message>
        <source>cannot read it ({problem})</source>
        <translation>не удаётся прочитать ({problem})</translation>
    </message>
    <message>
        <source>enter a whole number of messages per hour, 1 or more</source>
        <translation>введите целое число писем в час, от 1</translation>
    </message>
    <message>
        <source>enter a whole number of messages per month, 1 or more</source>
        <translation>введите целое число писем в месяц, от 1</translation>
    </message>
    <message>
        <source>enter a whole number of messages per minute, 0 (no limit) or more</source>
        <translation>введите целое число писем в минуту, от 0 (0 — без лимита)</translation>
    </message>
    <message>
        <source>enter a whole number of messages per day, 0 (no limit) or more</source>
        <translation>введите целое число писем в день, от 0 (0 — без лимита)</translation>
    </message>
    <message>
        <source>unknown time zone {zone}; use an IANA name such as Europe/Moscow</source>
        <translation>неизвестный часовой пояс {zone}; укажите имя IANA, например Europe/Moscow</translation>
    </message>
    <message>
        <source>{value} is not a time; use HH:MM, e.g. 09:00</source>
        <translation>{value} — не время; используйте ЧЧ:ММ, например 09:00</translation>
    </message>
    <message>
        <source>the working day cannot start at 24:00</source>
        <translation>рабочий день не может начинаться в 24:00</translation>
    </message>
    <message>
        <source>the working day must end after it starts (00:00-24:00 means all day)</source>
        <translation>рабочий день должен заканчиваться позже, чем начинается (00:00–24:00 — весь день)</translation>
    </message>
    <message>
        <source>choose at least one working day</source>
        <translation>выберите хотя бы один рабочий день</translation>
    </message>
    <message>
        <source>{value} is not a day; use mon,tue,wed,thu,fri,sat,sun</source>
        <translation>{value} — не день недели; используйте mon,tue,wed,thu,fri,sat,sun</translation>
    </message>
    <message>
        <source>{value} is not a day range; e.g. mon-fri</source>
        <translation>{value} — не диапазон дней; например mon-fri</translation>
    </message>
    <message>
        <source>the server does not offer STARTTLS; the app will not send in plaintext. Choose security &apos;tls&apos; or check the port</source>
        <translation>сервер не предлагает STARTTLS; приложение не отправляет письма открытым текстом. Выберите защиту TLS или проверьте порт</translation>
    </message>
    <message>
        <source>no password is available for the SMTP account</source>
        <translation>нет пароля для учётной записи SMTP</translation>
    </message>
    <message>
        <source>the server does not offer login (AUTH); check the security setting and port</source>
        <translation>сервер не предлагает вход (AUTH); проверьте защиту соединения и порт</translation>
    </message>
    <message>
        <source>port {port} answers in plain text, not TLS: choose Security: STARTTLS (usually port 587), or use port 465 with TLS</source>
        <translation>порт {port} отвечает открытым текстом, а не TLS: выберите защиту STARTTLS (обычно порт 587) или порт 465 с TLS</translation>
    </message>
    <message>
        <source>TLS failed: {problem}</source>
        <translation>ошибка TLS: {problem}</translation>
    </message>
    <message>
        <source>could not reach {host}:{port}: {problem}</source>
        <translation>не удалось подключиться к {host}:{port}: {problem}</translation>
    </message>
    <message>
        <source>port {port} expects TLS from the start (implicit TLS), but Security is {security}: choose Security: TLS, or use port 587 with STARTTLS</source>
        <translation>порт {port} ждёт TLS с самого начала (неявный TLS), а выбрана защита {security}: выберите защиту TLS или порт 587 со STARTTLS</translation>
    </message>
    <message>
        <source>the server&apos;s certificate is not valid for the name {host} ({detail}): enter the server name exactly as the certificate names it (your provider or administrator can tell), not an IP address or another alias</source>
        <translation>сертификат сервера недействителен для имени {host} ({detail}): введите имя сервера точно так, как оно указано в сертификате (его подскажет провайдер или администратор), а не IP-адрес или другой псевдоним</translation>
    </message>
    <message>
        <source>the server&apos;s certificate has expired ({detail}): ask the server&apos;s administrator to renew it</source>
        <translation>срок действия сертификата сервера истёк ({detail}): попросите администратора сервера обновить его</translation>
    </message>
    <message>
        <source>the server&apos;s certificate isn&apos;t signed by a trusted CA; if your company uses its own CA, choose its file in Settings → CA file (or `config smtp --ca-file`). Details: {detail}</source>
        <translation>сертификат сервера не подписан доверенным центром сертификации (CA); если в вашей компании свой CA, выберите его файл в «Настройки» → «Файл CA» (или `config smtp --ca-file`). Подробности: {detail}</translation>
    </message>
    <message>
        <source>the server&apos;s certificate isn&apos;t signed by a trusted CA, nor by the CA file you chose ({ca_file}); if your company uses its own CA, choose its file in Settings → CA file (or `config smtp --ca-file`). Details: {detail}</source>
        <translation>сертификат сервера не подписан ни доверенным центром сертификации (CA), ни выбранным файлом CA ({ca_file}); если в вашей компании свой CA, выберите его файл в «Настройки» → «Файл CA» (или `config smtp --ca-file`). Подробности: {detail}</translation>
    </message>
    <message>
        <source>the server&apos;s certificate does not verify ({detail})</source>
        <translation>сертификат сервера не прошёл проверку ({detail})</translation>
    </message>
    <message>
        <source>the server refused the connection: {reply}. Check the host and port, or ask the provider why it refuses this account or computer</source>
        <translation>сервер отказал в подключении: {reply}. Проверьте сервер и порт или спросите провайдера, почему он отказывает этой учётной записи или компьютеру</translation>
    </message>
    <message>
        <source>the server refused STARTTLS: {reply}. The app will not send in plaintext; check the Security setting and port, or ask the provider</source>
        <translation>сервер отказал в STARTTLS: {reply}. Приложение не отправляет письма открытым текстом; проверьте защиту соединения и порт или обратитесь к провайдеру</translation>
    </message>
    <message>
        <source>the server refused the login: {reply}</source>
        <translation>сервер отказал во входе: {reply}</translation>
    </message>
    <message>
        <source>the app stopped during the SMTP transaction; the server may have accepted this message</source>
        <translation>приложение остановилось во время SMTP-передачи; сервер мог принять это письмо</translation>
    </message>
    <message>
        <source>enter the IMAP user name (usually your address)</source>
        <translation>введите имя пользователя IMAP (обычно ваш адрес)</translation>
    </message>
    <message>
        <source>enter the folder to read, e.g. INBOX</source>
        <translation>введите папку для чтения, например INBOX</translation>
    </message>
    <message>
        <source>enter how often to check the mailbox: 1 to 1440 minutes</source>
        <translation>укажите, как часто проверять ящик: от 1 до 1440 минут</translation>
    </message>
    <message>
        <source>enter the bounce-rate threshold as a percentage above 0, at most 100</source>
        <translation>укажите порог возвратов в процентах: больше 0, не более 100</translation>
    </message>
    <message>
        <source>enter how many messages must go out before the guard applies: 1 or more</source>
        <translation>укажите, сколько писем должно уйти, прежде чем включится защита: 1 или больше</translation>
    </message>
    <message>
        <source>the mailbox (IMAP) is not set up: use `config imap` or Settings, Mailbox</source>
        <translation>почтовый ящик (IMAP) не настроен: используйте `config imap` или «Настройки», «Почтовый ящик»</translation>
    </message>
    <message>
        <source>no IMAP password for {user}: give it with `config imap --password-stdin` or in Settings, or set MAILER_GUI_IMAP_PASSWORD for this run</source>
        <translation>нет пароля IMAP для {user}: укажите его через `config imap --password-stdin` или в настройках либо задайте MAILER_GUI_IMAP_PASSWORD для этого запуска</translation>
    </message>
    <message>
        <source>the IMAP server refused the login of {user}: {reply}. Check the user and password (some providers want an app password for IMAP)</source>
        <translation>сервер IMAP отклонил вход {user}: {reply}. Проверьте имя пользователя и пароль (некоторые провайдеры требуют для IMAP пароль приложения)</translation>
    </message>
    <message>
        <source>cannot connect to the IMAP server {host}:{port}: {problem}</source>
        <translation>не удаётся подключиться к серверу IMAP {host}:{port}: {problem}</translation>
    </message>
    <message>
        <source>the IMAP server {host}:{port} did not answer in time; check the host, port and security</source>
        <translation>сервер IMAP {host}:{port} не ответил вовремя; проверьте сервер, порт и защиту</translation>
    </message>
    <message>
        <source>the IMAP server answered: {problem}</source>
        <translation>ответ сервера IMAP: {problem}</translation>
    </message>
    <message>
        <source>cannot open the IMAP folder {folder}: {reply}. Check the folder name</source>
        <translation>не удаётся открыть папку IMAP {folder}: {reply}. Проверьте имя папки</translation>
    </message>
    <message>
        <source>the IMAP server&apos;s certificate for {host} does not verify ({detail})</source>
        <translation>сертификат сервера IMAP для {host} не прошёл проверку ({detail})</translation>
    </message>
    <message>
        <source>port {port} does not speak TLS from the first byte; choose STARTTLS (port 143) or the TLS port (993)</source>
        <translation>порт {port} не использует TLS с первого байта; выберите STARTTLS (порт 143) или порт TLS (993)</translation>
    </message>
    <message>
        <source>IMAP TLS failed: {problem}</source>
        <translation>ошибка TLS при подключении к IMAP: {problem}</translation>
    </message>
    <message>
        <source>campaign {campaign} paused: {bounced} of {sent} messages bounced for good ({percent} %, the limit is {threshold} %). Providers suspend accounts with many bounces: clean the list, then resume</source>
        <translation>рассылка {campaign} приостановлена: {bounced} из {sent} писем вернулись с постоянной ошибкой ({percent} %, порог {threshold} %). Провайдеры блокируют аккаунты с большим числом возвратов: очистите список, затем возобновите</translation>
    </message>
    <message>
        <source>mailbox check: {bounces} hard bounces, {soft_bounces} soft bounces, {unsubscribes} unsubscribes, {complaints} complaints; {suppressed} addresses suppressed</source>
        <translation>проверка ящика: постоянных возвратов {bounces}, временных {soft_bounces}, отписок {unsubscribes}, жалоб {complaints}; в список исключений добавлено адресов: {suppressed}</translation>
    </message>
    <message>
        <source>{n} uncertain recipient(s) of {campaign} were found in the Sent folder {folder}: they were sent. Mark them sent (Resolve uncertain, or `campaign resolve-uncertain {campaign_id} --mark-sent`)</source>
        <translation>Получатели рассылки {campaign} с неясным результатом найдены в папке отправленных {folder} ({n}): письма были отправлены. Отметьте их отправленными («Разобрать неясные» или `campaign resolve-uncertain {campaign_id} --mark-sent`)</translation>
    </message>
    <message>
        <source>the {provider} sign-in has expired or was revoked ({error}): sign in again in Settings (or `config signin`)</source>
        <translation>срок входа через {provider} истёк или доступ был отозван ({error}): войдите снова в настройках (или командой `config signin`)</translation>
    </message>
    <message>
        <source>{login} is not signed in with {provider}: sign in in Settings (or `config signin`)</source>
        <translation>{login} не выполнил вход через {provider}: войдите в настройках (или командой `config signin`)</translation>
    </message>
    <message>
        <source>the server refused the {provider} sign-in: {reply}. Sign in again in Settings (or `config signin`); if it persists, check that the account may send by SMTP</source>
        <translation>сервер не принял вход через {provider}: {reply}. Войдите снова в настройках (или командой `config signin`); если не поможет, проверьте, разрешена ли учётной записи отправка по SMTP</translation>
    </message>
    <message>
        <source>could not reach the {provider} sign-in service: {problem}</source>
        <translation>не удалось связаться со службой входа {provider}: {problem}</translation>
    </message>
    <message>
        <source>the {provider} sign-in did not complete: {error}</source>
        <translation>вход через {provider} не завершён: {error}</translation>
    </message>
    <message>
        <source>no {provider} app (client id) is set: enter your organisation&apos;s in Settings → Sign-in apps (or `config oauth`; see README, Sign in with Microsoft or Google)</source>
        <translation>не задано приложение {provider} (client id): укажите приложение вашей организации в «Настройки → Приложения для входа» (или командой `config oauth`; см. README, раздел «Sign in with Microsoft or Google»)</translation>
    </message>
    <message>
        <source>the sign-in authority {authority} cannot be used: {problem}</source>
        <translation>адрес службы входа {authority} не подходит: {problem}</translation>
    </message>
    <message>
        <source>{url} is not an https:// address</source>
        <translation>{url} — не адрес https://</translation>
    </message>
    <message>
        <source>the server does not offer sign-in with a token (AUTH XOAUTH2); check the server name and port, or sign in with a password</source>
        <translation>сервер не поддерживает вход по токену (AUTH XOAUTH2); проверьте имя сервера и порт или входите по паролю</translation>
    </message>
    <message>
        <source>subject</source>
        <translation>тема</translation>
    </message>
    <message>
        <source>HTML</source>
        <translation>HTML</translation>
    </message>
    <message>
        <source>plain text</source>
        <translation>обычный текст</translation>
    </message>
    <message>
        <source>recipient</source>
        <translation>получатель</translation>
    </message>
    <message>
        <source>sender</source>
        <translation>отправитель</translation>
    </message>
    <message>
        <source>reply-to</source>
        <translation>адрес для ответа</translation>
    </message>
    <message>
        <source>attachments</source>
        <translation>вложения</translation>
    </message>
    <message>
        <source>attachment</source>
        <translation>вложение</translation>
    </message>
    <message>
        <source>unsubscribe link</source>
        <translation>ссылка отписки</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>подключение</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>login</source>
        <translation>вход</translation>
    </message>
    <message>
        <source>sender (MAIL FROM)</source>
        <translation>отправитель (MAIL FROM)</translation>
    </message>
    <message>
        <source>recipient (RCPT TO)</source>
        <translation>получатель (RCPT TO)</translation>
    </message>
    <message>
        <source>message (DATA)</source>
        <translation>письмо (DATA)</translation>
    </message>
    <message>
        <source>message body</source>
        <translation>текст письма</translation>
    </message>
    <message>
        <source>template syntax error</source>
        <translation>ошибка в шаблоне</translation>
    </message>
    <message>
        <source>unknown field</source>
        <translation>неизвестное поле</translation>
    </message>
    <message>
        <source>not allowed in a template</source>
        <translation>недопустимо в шаблоне</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <source>Test send of “%1” finished: %2</source>
        <translation>Тестовое письмо рассылки «%1»: %2</translation>
    </message>
    <message>
        <source>“%1” finished: %2 — %3 sent, %4 failed, %5 uncertain</source>
        <translation>«%1» завершена: %2 — отправлено %3, ошибок %4, неясно %5</translation>
    </message>
    <message>
        <source>%1 and %2 more</source>
        <translation>%1 и ещё %2</translation>
    </message>
    <message>
        <source>%1 recipient(s) of “%2” are uncertain: the app stopped while sending, so the server may have accepted the message. Decide for each with Resolve uncertain: %3</source>
        <translation>Получателей рассылки «%2» с неясным результатом: %1. Программа остановилась во время отправки, поэтому сервер мог принять письмо. Решите для каждого в «Разобрать неясные»: %3</translation>
    </message>
    <message>
        <source>“%1” waits: %2</source>
        <translation>«%1» ждёт: %2</translation>
    </message>
    <message>
        <source>; next try %1</source>
        <translation>; следующая попытка %1</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>Mailer</source>
        <translation>Mailer</translation>
    </message>
    <message>
        <source>Mark all as read</source>
        <translation>Отметить все как прочитанные</translation>
    </message>
</context>
<context>
    <name>OutboxModel</name>
    <message>
        <source>Received</source>
        <translation>Получено</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Кому</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
</context>
<context>
    <name>OutboxWindow</name>
    <message>
        <source>Demo outbox — Mailer</source>
        <translation>Исходящие (демо) — Mailer</translation>
    </message>
    <message>
        <source>&lt;b&gt;Demo&lt;/b&gt; — these messages were caught by the built-in test server on 127.0.0.1:{port}. Nothing was sent to anyone: no message leaves this computer.</source>
        <translation>&lt;b&gt;Демо&lt;/b&gt; — эти письма перехвачены встроенным тестовым сервером на 127.0.0.1:{port}. Никому ничего не отправлено: письма не покидают этот компьютер.</translation>
    </message>
    <message>
        <source>HTML</source>
        <translation>HTML</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Текст</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>Заголовки</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Исходный код</translation>
    </message>
    <message numerus="yes">
        <source>Messages caught: %n</source>
        <translation>
            <numerusform>Перехвачено писем: %n</numerusform>
            <numerusform>Перехвачено писем: %n</numerusform>
            <numerusform>Перехвачено писем: %n</numerusform>
        </translation>
    </message>
    <message>
        <source>No messages yet. Press “Send test” or put the sample campaign in the queue; every message the app sends in demo mode appears here.</source>
        <translation>Писем пока нет. Нажмите «Отправить тест» или поставьте пример рассылки в очередь — здесь появятся все письма демо-режима.</translation>
    </message>
    <message>
        <source>(this message has no HTML part)</source>
        <translation>(в этом письме нет HTML-части)</translation>
    </message>
    <message>
        <source>(this message has no text part)</source>
        <translation>(в этом письме нет текстовой части)</translation>
    </message>
</context>
<context>
    <name>PreviewPanel</name>
    <message>
        <source>Recipient </source>
        <translation>Получатель </translation>
    </message>
    <message>
        <source>Preview for</source>
        <translation>Просмотр:</translation>
    </message>
    <message>
        <source> of {n}</source>
        <translation> из {n}</translation>
    </message>
    <message>
        <source>Cannot render for this recipient: {error}</source>
        <translation>Не удаётся собрать письмо для этого получателя: {error}</translation>
    </message>
</context>
<context>
    <name>ProgressPage</name>
    <message>
        <source>Importing…</source>
        <translation>Импорт…</translation>
    </message>
    <message>
        <source>Cancel import</source>
        <translation>Отменить импорт</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Перейти к:</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>&amp;Типы файлов:</translation>
    </message>
</context>
<context>
    <name>QueueActions</name>
    <message>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <source>It starts at the time it was queued for.</source>
        <translation>Она начнётся в то время, на которое поставлена в очередь.</translation>
    </message>
    <message>
        <source>To send sooner, change the limits or working hours in Settings.</source>
        <translation>Чтобы отправить раньше, измените лимиты или рабочие часы в настройках.</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Продолжить</translation>
    </message>
    <message>
        <source>“%1” still waits: %2.</source>
        <translation>«%1» всё ещё ждёт: %2.</translation>
    </message>
    <message>
        <source>Cancel campaign</source>
        <translation>Отмена рассылки</translation>
    </message>
    <message>
        <source>Stop sending “%1”? Recipients not reached yet will not get it; you can put it in the queue again later.</source>
        <translation>Прекратить отправку «%1»? Кто ещё не получил письмо, не получит его; позже рассылку можно снова поставить в очередь.</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <source>#</source>
        <translation>№</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>Рассылка</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Ход отправки</translation>
    </message>
    <message>
        <source>Why it waits</source>
        <translation>Почему ждёт</translation>
    </message>
    <message>
        <source>Next run in</source>
        <translation>Запуск через</translation>
    </message>
    <message>
        <source>Done by</source>
        <translation>Готово к</translation>
    </message>
    <message>
        <source>Test send: %1</source>
        <translation>Тест: %1</translation>
    </message>
    <message>
        <source>%1 of %2 sent</source>
        <translation>%1 из %2</translation>
    </message>
    <message>
        <source>sent %1, failed %2, uncertain %3, pending %4</source>
        <translation>отправлено %1, ошибок %2, неясно %3, ждут %4</translation>
    </message>
    <message>
        <source>from the mailbox: %1 bounced, %2 unsubscribed, %3 complaints</source>
        <translation>из почтового ящика: возвратов %1, отписок %2, жалоб %3</translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <source>Pause</source>
        <translation>Пауза</translation>
    </message>
    <message>
        <source>Pause the selected campaign</source>
        <translation>Приостановить выбранную рассылку</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Продолжить</translation>
    </message>
    <message>
        <source>Let the selected campaign run again</source>
        <translation>Возобновить выбранную рассылку</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>Stop the selected campaign for good</source>
        <translation>Окончательно остановить выбранную рассылку</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Выше</translation>
    </message>
    <message>
        <source>Send this campaign earlier</source>
        <translation>Отправить эту рассылку раньше</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Ниже</translation>
    </message>
    <message>
        <source>Send this campaign later</source>
        <translation>Отправить эту рассылку позже</translation>
    </message>
    <message>
        <source>Resolve uncertain…</source>
        <translation>Разобрать неясные…</translation>
    </message>
    <message>
        <source>Decide about recipients that may have been sent</source>
        <translation>Решить, что делать с получателями, которым письмо могло уйти</translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation>Экспорт отчёта…</translation>
    </message>
    <message>
        <source>Export the send report of the selected campaign</source>
        <translation>Выгрузить отчёт об отправке выбранной рассылки</translation>
    </message>
    <message>
        <source>Export a report of every send in a period</source>
        <translation>Выгрузить отчёт обо всех отправках за период</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>Outside working hours</source>
        <translation>Вне рабочих часов</translation>
    </message>
    <message>
        <source>Per-minute limit reached</source>
        <translation>Достигнут поминутный лимит</translation>
    </message>
    <message>
        <source>Hourly limit reached</source>
        <translation>Достигнут часовой лимит</translation>
    </message>
    <message>
        <source>Daily limit reached</source>
        <translation>Достигнут дневной лимит</translation>
    </message>
    <message>
        <source>Monthly quota used up</source>
        <translation>Месячная квота исчерпана</translation>
    </message>
    <message>
        <source>Temporary server error, will retry</source>
        <translation>Временная ошибка сервера, будет повтор</translation>
    </message>
    <message>
        <source>The provider is throttling sending</source>
        <translation>Провайдер ограничивает отправку</translation>
    </message>
    <message>
        <source>SMTP is not set up: open Settings</source>
        <translation>SMTP не настроен: откройте настройки</translation>
    </message>
    <message>
        <source>The server refused the login: check the password</source>
        <translation>Сервер отклонил вход: проверьте пароль</translation>
    </message>
    <message>
        <source>The server refused the sender, the content or the connection settings</source>
        <translation>Сервер отклонил отправителя, содержимое или параметры подключения</translation>
    </message>
    <message>
        <source>Too many hard bounces: check the list, then resume</source>
        <translation>Слишком много возвратов: проверьте список, затем возобновите</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Запланирована</translation>
    </message>
    <message>
        <source>Paused by you</source>
        <translation>Приостановлена вами</translation>
    </message>
    <message>
        <source>Waiting for its turn</source>
        <translation>Ждёт своей очереди</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>В очереди</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Отправляется</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Ждёт</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Приостановлена</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Завершена</translation>
    </message>
    <message>
        <source>Completed with errors</source>
        <translation>С ошибками</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Отменена</translation>
    </message>
    <message>
        <source>Sending · next in %1</source>
        <translation>Отправка · далее через %1</translation>
    </message>
    <message>
        <source>{d} d {h} h</source>
        <translation>{d} д {h} ч</translation>
    </message>
</context>
<context>
    <name>RecipientsModel</name>
    <message>
        <source>Row</source>
        <translation>Строка</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Server reply</source>
        <translation>Ответ сервера</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>в ожидании</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>отправка</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>отправлено</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>uncertain</source>
        <translation>неясно</translation>
    </message>
    <message>
        <source>suppressed</source>
        <translation>исключено</translation>
    </message>
    <message>
        <source>bounced</source>
        <translation>возврат</translation>
    </message>
</context>
<context>
    <name>RecipientsTab</name>
    <message>
        <source>Import from file…</source>
        <translation>Импорт из файла…</translation>
    </message>
    <message>
        <source>Check templates</source>
        <translation>Проверить шаблоны</translation>
    </message>
    <message>
        <source>Render the message for every recipient and list each problem with its row</source>
        <translation>Собрать письмо для каждого получателя и показать все проблемы с номерами строк</translation>
    </message>
    <message>
        <source>Problems found before sending</source>
        <translation>Проблемы, найденные до отправки</translation>
    </message>
    <message>
        <source>{n} {state}</source>
        <translation>{state} — {n}</translation>
    </message>
    <message>
        <source> · from the mailbox: {u} unsubscribed, {c} complaints</source>
        <translation> · из почтового ящика: отписок {u}, жалоб {c}</translation>
    </message>
    <message>
        <source>{total} recipients</source>
        <translation>Получатели ({total})</translation>
    </message>
    <message>
        <source>Not checked yet.</source>
        <translation>Ещё не проверено.</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>Строка</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Проблема</translation>
    </message>
    <message>
        <source>{n} problems: fix the template or the data before queueing.</source>
        <translation>Проблем: {n}. Исправьте шаблон или данные, прежде чем ставить рассылку в очередь.</translation>
    </message>
    <message>
        <source>Every recipient renders correctly.</source>
        <translation>Письмо собирается без ошибок для всех получателей.</translation>
    </message>
</context>
<context>
    <name>ResolveDialog</name>
    <message>
        <source>Uncertain recipients</source>
        <translation>Получатели с неясным результатом</translation>
    </message>
    <message>
        <source>%1 recipient(s) of “%2” are uncertain: the connection broke or the app stopped after the message was handed to the server, so it may have been delivered. Check your sent mail or ask the recipient, then choose for each.</source>
        <translation>Получателей рассылки «%2» с неясным результатом: %1. Связь оборвалась или программа остановилась после того, как письмо было передано серверу, поэтому оно могло быть доставлено. Проверьте отправленные письма или спросите получателя, затем решите для каждого.</translation>
    </message>
    <message>
        <source>Re-queue sends it again: if the first message did arrive, the recipient gets a duplicate. Mark as sent never sends it again: if the first did not arrive, it never will.</source>
        <translation>«Отправить снова» повторит отправку: если первое письмо дошло, получатель получит дубль. «Считать отправленным» больше не отправит: если первое письмо не дошло, оно так и не дойдёт.</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Handed to the server</source>
        <translation>Передано серверу</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Попыток</translation>
    </message>
    <message>
        <source>Server&apos;s last words</source>
        <translation>Последний ответ сервера</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Решение</translation>
    </message>
    <message>
        <source>no reply</source>
        <translation>нет ответа</translation>
    </message>
    <message>
        <source>Decide later</source>
        <translation>Решить позже</translation>
    </message>
    <message>
        <source>Mark as sent</source>
        <translation>Считать отправленным</translation>
    </message>
    <message>
        <source>Re-queue (send again)</source>
        <translation>Отправить снова</translation>
    </message>
    <message>
        <source>All: mark as sent</source>
        <translation>Все: считать отправленными</translation>
    </message>
    <message>
        <source>All: re-queue</source>
        <translation>Все: отправить снова</translation>
    </message>
    <message>
        <source>Choose “Mark as sent” or “Re-queue” for at least one recipient.</source>
        <translation>Выберите «Считать отправленным» или «Отправить снова» хотя бы для одного получателя.</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <source>Save rejected rows as CSV…</source>
        <translation>Сохранить отклонённые строки в CSV…</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Сервер</translation>
    </message>
    <message>
        <source>Limits and hours</source>
        <translation>Лимиты и рабочие часы</translation>
    </message>
    <message>
        <source>Mailbox</source>
        <translation>Почтовый ящик</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>No keychain is available on this computer, so the password is kept only while the app runs: you will be asked for it again after a restart. It is never written to disk.</source>
        <translation>На этом компьютере нет хранилища паролей, поэтому пароль хранится, только пока программа запущена: после перезапуска его нужно будет ввести снова. На диск он не записывается.</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Connect, secure and log in; no message is sent</source>
        <translation>Подключиться, включить шифрование и войти; письмо не отправляется</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Язык системы</translation>
    </message>
    <message>
        <source>The language changes the next time the app starts.</source>
        <translation>Язык сменится при следующем запуске программы.</translation>
    </message>
    <message>
        <source>enter the password for this account</source>
        <translation>введите пароль от этой учётной записи</translation>
    </message>
    <message>
        <source>enter the password for this mailbox</source>
        <translation>введите пароль от этого ящика</translation>
    </message>
    <message>
        <source>enter the SMTP server name first</source>
        <translation>сначала укажите SMTP-сервер</translation>
    </message>
    <message>
        <source>Fix the marked fields first.</source>
        <translation>Сначала исправьте отмеченные поля.</translation>
    </message>
    <message>
        <source>Connecting to {host}:{port}…</source>
        <translation>Подключение к {host}:{port}…</translation>
    </message>
    <message>
        <source>Connected and logged in. No message was sent.</source>
        <translation>Подключение и вход выполнены. Письмо не отправлялось.</translation>
    </message>
    <message>
        <source>Could not connect ({phase}): {reason}</source>
        <translation>Не удалось подключиться ({phase}): {reason}</translation>
    </message>
    <message>
        <source>The server refused ({phase}): {reply}</source>
        <translation>Сервер отказал ({phase}): {reply}</translation>
    </message>
    <message>
        <source>no reply</source>
        <translation>нет ответа</translation>
    </message>
    <message>
        <source>Could not connect: {error}</source>
        <translation>Не удалось подключиться: {error}</translation>
    </message>
</context>
<context>
    <name>SignInPanel</name>
    <message>
        <source>Sign in with a code instead</source>
        <translation>Войти по коду</translation>
    </message>
    <message>
        <source>For a computer where no browser can open: enter a code on another device</source>
        <translation>Для компьютера, где не открывается браузер: введите код на другом устройстве</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Выйти</translation>
    </message>
    <message>
        <source>Remove the sign-in from the keychain</source>
        <translation>Удалить данные входа из хранилища паролей</translation>
    </message>
    <message>
        <source>Sign-in apps…</source>
        <translation>Приложения для входа…</translation>
    </message>
    <message>
        <source>Your organisation&apos;s registered app (client id) for Microsoft and Google</source>
        <translation>Зарегистрированное приложение вашей организации (его ID) для Microsoft и Google</translation>
    </message>
    <message>
        <source>Sign in with {provider}</source>
        <translation>Войти через {provider}</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <source>Enter the address first, then sign in.</source>
        <translation>Сначала введите адрес, затем войдите.</translation>
    </message>
    <message>
        <source>{login} is not signed in.</source>
        <translation>{login}: вход не выполнен.</translation>
    </message>
    <message>
        <source>The sign-in of {account} has expired or was revoked: sign in again.</source>
        <translation>Срок входа {account} истёк или доступ был отозван: войдите снова.</translation>
    </message>
    <message>
        <source>Signed in as {account} (since {when}).</source>
        <translation>Вход выполнен: {account} (с {when}).</translation>
    </message>
    <message>
        <source>No keychain: the sign-in lasts until the app closes.</source>
        <translation>Нет хранилища паролей: вход действует до закрытия программы.</translation>
    </message>
    <message>
        <source>Sign in in the browser window that opened…</source>
        <translation>Войдите в открывшемся окне браузера…</translation>
    </message>
    <message>
        <source>Asking {provider} for a code…</source>
        <translation>Запрос кода у {provider}…</translation>
    </message>
    <message>
        <source>Open &lt;a href=&quot;{url}&quot;&gt;{url}&lt;/a&gt; on any device and enter the code &lt;b&gt;{code}&lt;/b&gt;. Waiting…</source>
        <translation>Откройте &lt;a href=&quot;{url}&quot;&gt;{url}&lt;/a&gt; на любом устройстве и введите код &lt;b&gt;{code}&lt;/b&gt;. Ожидание…</translation>
    </message>
</context>
<context>
    <name>SmtpPage</name>
    <message>
        <source>STARTTLS (usually port 587)</source>
        <translation>STARTTLS (обычно порт 587)</translation>
    </message>
    <message>
        <source>TLS (usually port 465)</source>
        <translation>TLS (обычно порт 465)</translation>
    </message>
    <message>
        <source>None: plain text (local servers only)</source>
        <translation>Нет: без шифрования (только локальные серверы)</translation>
    </message>
    <message>
        <source>Choose your provider to fill the fields…</source>
        <translation>Выберите провайдера, чтобы заполнить поля…</translation>
    </message>
    <message>
        <source>Filled from the {name} preset; the limits as documented at &lt;a href=&quot;{url}&quot;&gt;{site}&lt;/a&gt; (written down {checked}). Check them for your plan.</source>
        <translation>Заполнено по шаблону {name}; лимиты — из документации &lt;a href=&quot;{url}&quot;&gt;{site}&lt;/a&gt; (записаны {checked}). Сверьте их со своим тарифом.</translation>
    </message>
    <message>
        <source>Microsoft (Outlook.com, Microsoft 365)</source>
        <translation>Microsoft (Outlook.com, Microsoft 365)</translation>
    </message>
    <message>
        <source>Google (Gmail, Google Workspace)</source>
        <translation>Google (Gmail, Google Workspace)</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>необязательно</translation>
    </message>
    <message>
        <source>optional, https://…</source>
        <translation>необязательно, https://…</translation>
    </message>
    <message>
        <source>none: only the system&apos;s CAs are trusted</source>
        <translation>нет: доверие только центрам сертификации системы</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Выбрать…</translation>
    </message>
    <message>
        <source>Trust your company&apos;s own CA (or the server&apos;s certificate): a PEM file</source>
        <translation>Доверять собственному центру сертификации компании (или сертификату сервера): файл PEM</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Убрать</translation>
    </message>
    <message>
        <source>Choose the CA file</source>
        <translation>Выберите файл CA</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Сертификаты (*.pem *.crt *.cer);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Trusted: {subject}&lt;br&gt;SHA-256: &lt;tt&gt;{fingerprint}&lt;/tt&gt;</source>
        <translation>Доверенный: {subject}&lt;br&gt;SHA-256: &lt;tt&gt;{fingerprint}&lt;/tt&gt;</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(без имени владельца)</translation>
    </message>
    <message>
        <source>The server&apos;s name is still checked against its certificate.</source>
        <translation>Имя сервера по-прежнему сверяется с его сертификатом.</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Учётная запись</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Провайдер</translation>
    </message>
    <message>
        <source>SMTP server</source>
        <translation>SMTP-сервер</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Шифрование</translation>
    </message>
    <message>
        <source>Sign in with</source>
        <translation>Способ входа</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>CA file</source>
        <translation>Файл CA</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>Отправитель</translation>
    </message>
    <message>
        <source>From address</source>
        <translation>Адрес отправителя</translation>
    </message>
    <message>
        <source>From name</source>
        <translation>Имя отправителя</translation>
    </message>
    <message>
        <source>Reply-to</source>
        <translation>Адрес для ответов</translation>
    </message>
    <message>
        <source>Unsubscribe page</source>
        <translation>Страница отписки</translation>
    </message>
    <message>
        <source>optional: the sender address signs in</source>
        <translation>необязательно: вход выполняется с адресом отправителя</translation>
    </message>
    <message>
        <source>saved; leave empty to keep it</source>
        <translation>сохранён; оставьте пустым, чтобы не менять</translation>
    </message>
</context>
<context>
    <name>Suppression</name>
    <message>
        <source>added by hand</source>
        <translation>добавлен вручную</translation>
    </message>
    <message>
        <source>unsubscribed</source>
        <translation>отписался</translation>
    </message>
    <message>
        <source>refused by the server</source>
        <translation>отклонён сервером</translation>
    </message>
    <message>
        <source>bounced (mailbox)</source>
        <translation>возврат (почтовый ящик)</translation>
    </message>
    <message>
        <source>spam complaint</source>
        <translation>жалоба на спам</translation>
    </message>
    <message>
        <source>imported</source>
        <translation>импортирован</translation>
    </message>
</context>
<context>
    <name>SuppressionDialog</name>
    <message>
        <source>Suppression list</source>
        <translation>Список исключений</translation>
    </message>
    <message>
        <source>Filter by address, reason or detail</source>
        <translation>Фильтр по адресу, причине или подробностям</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>%1 addresses are never mailed again.</source>
        <translation>Адресов, на которые больше не отправляются письма: %1.</translation>
    </message>
</context>
<context>
    <name>SuppressionModel</name>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Добавлен</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Подробности</translation>
    </message>
</context>
<context>
    <name>TestSendPanel</name>
    <message>
        <source>your address, e.g. me@example.com</source>
        <translation>например, me@example.com</translation>
    </message>
    <message>
        <source>Send test</source>
        <translation>Отправить тест</translation>
    </message>
    <message>
        <source>Queue one message to this address, rendered with the preview&apos;s recipient; it goes through the queue and counts against the limits</source>
        <translation>Поставить в очередь одно письмо на этот адрес с данными получателя из просмотра; оно проходит через очередь и учитывается в лимитах</translation>
    </message>
    <message>
        <source>Test to</source>
        <translation>Тест на</translation>
    </message>
    <message>
        <source>Test queued; waiting for the sender…</source>
        <translation>Тестовое письмо в очереди, ждёт отправки…</translation>
    </message>
    <message>
        <source>Sending the test…</source>
        <translation>Отправка тестового письма…</translation>
    </message>
    <message>
        <source>Waiting: {reason}</source>
        <translation>Ждёт: {reason}</translation>
    </message>
    <message>
        <source>, sends in {countdown}</source>
        <translation>, отправка через {countdown}</translation>
    </message>
    <message>
        <source>Sent: {reply}</source>
        <translation>Отправлено: {reply}</translation>
    </message>
    <message>
        <source>The test send was cancelled.</source>
        <translation>Тестовое письмо отменено.</translation>
    </message>
    <message>
        <source>Uncertain: {reply}</source>
        <translation>Неясно, доставлено ли: {reply}</translation>
    </message>
    <message>
        <source>Not sent to {email}: {reply}</source>
        <translation>Не отправлено на {email}: {reply}</translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <source>Sample: monthly newsletter</source>
        <translation>Пример: ежемесячная рассылка</translation>
    </message>
    <message>
        <source>News for you, {{ first_name }}</source>
        <translation>Новости для вас, {{ first_name }}</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Hello {{ first_name }},&lt;/h2&gt;&lt;p&gt;Here is what is new this month.&lt;/p&gt;&lt;p&gt;Best regards,&lt;br&gt;The team&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Здравствуйте, {{ first_name }}!&lt;/h2&gt;&lt;p&gt;Вот что нового в этом месяце.&lt;/p&gt;&lt;p&gt;С уважением,&lt;br&gt;команда&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>Welcome to Mailer</source>
        <translation>Добро пожаловать в Mailer</translation>
    </message>
    <message>
        <source>Mailer sends your campaigns through your own SMTP account, within your provider&apos;s hourly and monthly limits and your working hours.

1. Enter your provider&apos;s SMTP server, sender address and limits.
2. Look at the sample campaign, or start a new one (Ctrl+N).
3. Send yourself a test, then put the campaign in the queue.</source>
        <translation>Mailer отправляет ваши рассылки через ваш собственный SMTP-аккаунт, соблюдая часовой и месячный лимиты провайдера и ваши рабочие часы.

1. Укажите SMTP-сервер провайдера, адрес отправителя и лимиты.
2. Посмотрите пример рассылки или начните новую (Ctrl+N).
3. Отправьте себе тестовое письмо, затем поставьте рассылку в очередь.</translation>
    </message>
    <message>
        <source>Your sender address, e.g. news@example.com</source>
        <translation>Ваш адрес отправителя, например news@example.com</translation>
    </message>
    <message>
        <source>Settings looks its server up; for Outlook.com, Microsoft 365 and Gmail it offers to sign in with Microsoft or Google</source>
        <translation>В настройках для него будет найден сервер; для Outlook.com, Microsoft 365 и Gmail будет предложен вход через Microsoft или Google</translation>
    </message>
    <message>
        <source>Set up SMTP…</source>
        <translation>Настроить SMTP…</translation>
    </message>
    <message>
        <source>Open the sample campaign</source>
        <translation>Открыть пример рассылки</translation>
    </message>
</context>
</TS>

<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Mailer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;p&gt;Version {version}&lt;/p&gt;&lt;p&gt;Email campaigns from your laptop, through your own SMTP account, within your provider's limits.&lt;/p&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Data folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Settings folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Log folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copy diagnostics</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Versions, folders, settings (never the password) and the last log lines, for a support request</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation type="unfinished" />
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
    <name>AttachmentsPanel</name>
    <message>
        <source>Add file…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attach a file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attachment too large</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attachments may total at most {limit}; with this file they would be {total}. Link to large files instead.</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
    </message>
    <message>
        <source>Recipients</source>
        <translation>Получатели</translation>
    </message>
    <message>
        <source>e.g. November newsletter</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>e.g. News for you, {{ first_name }}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Subject</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Optional. Left empty, a plain-text part is made from the HTML.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>HTML</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Plain text</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attachments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Body</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not set up yet</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>enter a name for the campaign</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot save</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The campaign “{name}” has unsaved changes. Save them?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Untitled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Enter the address to send the test to.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Fix the template first: {error}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CampaignList</name>
    <message>
        <source>Filter campaigns</source>
        <translation>Поиск рассылок</translation>
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
    <name>EnqueueBar</name>
    <message>
        <source>Start at</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Put in queue</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Checking every recipient…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{n} problems: see Recipients</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Check failed: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The start time is in the past.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot queue</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>In the queue.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export send report</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Send report of “%1”</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Who got the campaign, who did not and why; its pauses and sending rate.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sends in a period</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Every message handed to the server, across campaigns, with daily and hourly totals against the limits, to match the provider's bill. Days are in the time zone of the settings.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>From:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>To (included):</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CSV — opens in any spreadsheet</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Excel workbook (.xlsx)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PDF — summary, pauses and chart</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Format:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Comma ( , )</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Semicolon ( ; ) — Excel in many European languages</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Separator:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Save as:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Excel files (*.xlsx)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PDF files (*.pdf)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Save the report as</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose where to save the report.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancelling…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>1 page</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 pages</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>1 row</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 rows</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Saved %1 (%2).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancelled; no file was written.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The report could not be saved: %1</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
    </message>
    <message>
        <source>Insert a personal field where the cursor is</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>Choose a CSV or Excel (.xlsx) file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose file…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>; semicolon</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>, comma</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>tab</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>How to read it</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Encoding</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Delimiter</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sheet</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Columns</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Other columns are imported too, named after their header (e.g. “Company” becomes {{ company }}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>First rows of the file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>(not imported)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>(choose the column)</source>
        <translation type="unfinished" />
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
        <translation type="unfinished" />
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отменить</translation>
    </message>
    <message>
        <source>Choose the recipients file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Spreadsheets (*.csv *.txt *.tsv *.xlsx);;All files (*)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No column looks like an email address: choose it under Columns, or pick another sheet.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No column looks like an email address: choose it under Columns.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose the column that holds the email address.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Importing {name}…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancelling…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Import cancelled; no recipient was added.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The import failed: {error}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;b&gt;{imported}&lt;/b&gt; imported · &lt;b&gt;{invalid}&lt;/b&gt; invalid · &lt;b&gt;{duplicate}&lt;/b&gt; duplicate · &lt;b&gt;{suppressed}&lt;/b&gt; on the suppression list</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Row</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{n} rows were not imported:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Every row was imported.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Save rejected rows</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>LimitsPage</name>
    <message>
        <source>no change</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Mon</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Tue</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Wed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Thu</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Fri</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sat</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sun</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Provider limits</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Messages per hour</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Messages per month</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Working hours</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>End</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Days</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Time zone</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>00:00 to 24:00 means all day.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Provider quota sync</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Used this month, as the provider shows now</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not synced yet: the month's usage counts only messages sent by this app.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Last sync: {used} used as of {when}; messages sent since are added.</source>
        <translation type="unfinished" />
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
        <source>Mailer is sending</source>
        <translation>Mailer отправляет письма</translation>
    </message>
    <message>
        <source>Campaigns are still sending or waiting to send.</source>
        <translation>Рассылки ещё отправляются или ждут отправки.</translation>
    </message>
    <message>
        <source>Keep sending in the tray</source>
        <translation>Продолжить отправку в трее</translation>
    </message>
    <message>
        <source>Stop after the current message</source>
        <translation>Остановить после текущего письма</translation>
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
        <source>Se&amp;ttings…</source>
        <translation>&amp;Настройки…</translation>
    </message>
    <message>
        <source>SMTP account, limits and working hours</source>
        <translation>SMTP-аккаунт, лимиты и рабочее время</translation>
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
        <translation>&amp;Исходящие демо</translation>
    </message>
    <message>
        <source>Messages caught by the demo server</source>
        <translation>Письма, принятые демо-сервером</translation>
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
    <name>Notifications</name>
    <message>
        <source>Test send of “%1” finished: %2</source>
        <translation>Тестовая отправка «%1» завершена: %2</translation>
    </message>
    <message>
        <source>“%1” finished: %2 — %3 sent, %4 failed, %5 uncertain</source>
        <translation>«%1» завершена: %2 — отправлено %3, ошибок %4, неясно %5</translation>
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
</context>
<context>
    <name>OutboxModel</name>
    <message>
        <source>Received</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Subject</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>OutboxWindow</name>
    <message>
        <source>Demo outbox — Mailer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;b&gt;Demo&lt;/b&gt; — these messages were caught by the built-in test server on 127.0.0.1:{port}. Nothing was sent to anyone: no message leaves this computer.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>HTML</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Text</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Headers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>Messages caught: %n</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <source>No messages yet. Press “Send test” or put the sample campaign in the queue; every message the app sends in demo mode appears here.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>(this message has no HTML part)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>(this message has no text part)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PreviewPanel</name>
    <message>
        <source>Recipient </source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Preview for</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source> of {n}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot render for this recipient: {error}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ProgressPage</name>
    <message>
        <source>Importing…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel import</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>QueueActions</name>
    <message>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <source>Cancel campaign</source>
        <translation>Отмена рассылки</translation>
    </message>
    <message>
        <source>Stop sending “%1”? Recipients not reached yet will not get it; you can put it in the queue again later.</source>
        <translation>Прекратить отправку «%1»? Кто ещё не получил письмо, не получит его; позже рассылку можно снова поставить в очередь.</translation>
    </message>
    <message>
        <source>Uncertain recipients</source>
        <translation>Получатели с неясным результатом</translation>
    </message>
    <message>
        <source>%1 recipient(s) of “%2” are uncertain: the connection broke after the message was handed to the server, so it may have been delivered.</source>
        <translation>Получателей рассылки «%2» с неясным результатом: %1. Связь оборвалась после того, как письмо было передано серверу, поэтому оно могло быть доставлено.</translation>
    </message>
    <message>
        <source>Re-queue sends them again: anyone who did get the first message receives a duplicate. Mark as sent never sends them again: anyone who did not get it never will.</source>
        <translation>«Отправить снова» повторит отправку: кто уже получил первое письмо, получит дубль. «Считать отправленным» больше не отправит: кто не получил письмо, так его и не получит.</translation>
    </message>
    <message>
        <source>Mark as sent</source>
        <translation>Считать отправленным</translation>
    </message>
    <message>
        <source>Re-queue (risk of duplicates)</source>
        <translation>Отправить снова (возможны дубли)</translation>
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
        <translation>Решить по неясным…</translation>
    </message>
    <message>
        <source>Decide about recipients that may have been sent</source>
        <translation>Решить, что делать с получателями, которым письмо могло уйти</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>Outside working hours</source>
        <translation>Вне рабочего времени</translation>
    </message>
    <message>
        <source>Hourly limit reached</source>
        <translation>Достигнут часовой лимит</translation>
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
        <source>The server refused the sender or content</source>
        <translation>Сервер отклонил отправителя или содержимое</translation>
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
        <translation>Завершена с ошибками</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Отменена</translation>
    </message>
    <message>
        <source>{d} d {h} h</source>
        <translation>{d} д {h} ч</translation>
    </message>
</context>
<context>
    <name>RecipientsTab</name>
    <message>
        <source>Import from file…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Check templates</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Render the message for every recipient and list each problem with its row</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Problems found before sending</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{n} {state}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{total} recipients</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not checked yet.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Row</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Field</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{n} problems: fix the template or the data before queueing.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Every recipient renders correctly.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <source>Save rejected rows as CSV…</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Limits and hours</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>No keychain is available on this computer, so the password is kept only while the app runs: you will be asked for it again after a restart. It is never written to disk.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Test connection</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connect, secure and log in; no message is sent</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>System language</source>
        <translation>Язык системы</translation>
    </message>
    <message>
        <source>The language changes the next time the app starts.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>enter the password for this account</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>enter the SMTP server name first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Fix the marked fields first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connecting to {host}:{port}…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Connected and logged in. No message was sent.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The server refused ({phase}): {reply}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>no reply</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Could not connect: {error}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SmtpPage</name>
    <message>
        <source>STARTTLS (usually port 587)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>TLS (usually port 465)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>None: plain text (local servers only)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>optional</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>optional, https://…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Account</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SMTP server</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Port</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Security</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>User name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sender</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>From address</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>From name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reply-to</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unsubscribe page</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>saved; leave empty to keep it</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>TestSendPanel</name>
    <message>
        <source>your address, e.g. me@example.com</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Send test</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Queue one message to this address, rendered with the preview's recipient; it goes through the queue and counts against the limits</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Test to</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Test queued; waiting for the sender…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sending the test…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Waiting: {reason}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>, sends in {countdown}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sent: {reply}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The test send was cancelled.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Uncertain: {reply}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not sent to {email}: {reply}</source>
        <translation type="unfinished" />
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
        <source>Mailer sends your campaigns through your own SMTP account, within your provider's hourly and monthly limits and your working hours.

1. Enter your provider's SMTP server, sender address and limits.
2. Look at the sample campaign, or start a new one (Ctrl+N).
3. Send yourself a test, then put the campaign in the queue.</source>
        <translation>Mailer отправляет ваши рассылки через ваш собственный SMTP-аккаунт, соблюдая часовой и месячный лимиты провайдера и ваше рабочее время.

1. Укажите SMTP-сервер провайдера, адрес отправителя и лимиты.
2. Посмотрите пример рассылки или начните новую (Ctrl+N).
3. Отправьте себе тестовое письмо, затем поставьте рассылку в очередь.</translation>
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
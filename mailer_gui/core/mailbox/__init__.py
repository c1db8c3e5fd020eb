"""The mailbox loop: bounces, unsubscribes and complaints read back over IMAP.

``imap`` talks IMAP (connect, fetch by UID, flag), ``classify`` tells what a
message is (no I/O), ``apply`` records it and suppresses in one write
transaction, ``guard`` pauses a campaign whose hard bounces pass the
threshold, ``check`` runs one check in that order, ``uncertain`` looks the
uncertain recipients' Message-IDs up in the Sent folder.
"""
